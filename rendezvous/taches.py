"""Messages about an appointment, sent by the task worker (`manage.py db_worker`), never while a resident waits.

Same discipline as ateliers.taches: queued in the transaction of the row they are about, one task per channel
(an e-mail that went out is not sent again because the SMS provider failed), retried with backoff, and after the
last attempt left failed in the admin ("Task results"). Logs carry ids, never names, numbers or addresses.
"""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from citeslab.core.sms import peut_recevoir_un_sms
from rendezvous import messages
from rendezvous.models import RendezVous

logger = logging.getLogger(__name__)

TENTATIVES = 5
COURRIEL, SMS = "courriel", "sms"


def delai_avant(tentative: int) -> datetime.timedelta:
    """2, 4, 8, 16 minutes: a provider down for half an hour still gets the message out."""
    return datetime.timedelta(minutes=2**tentative)


def prevenir(rdv: RendezVous, modele: str) -> None:
    """Queue `modele` for every way the resident can be reached (inside the caller's transaction)."""
    if rdv.email:
        envoyer_message.enqueue(rdv.pk, modele, COURRIEL)
    if rdv.telephone and peut_recevoir_un_sms(rdv.telephone):
        envoyer_message.enqueue(rdv.pk, modele, SMS)


@task()
def envoyer_message(rdv_pk: int, modele: str, canal: str, tentative: int = 1) -> str:
    rdv = RendezVous.objects.select_related("permanence__lieu").filter(pk=rdv_pk).first()
    if rdv is None:
        return "rendez-vous supprimé"
    try:
        envoye = messages.envoyer(rdv, modele, canal)
    except Exception as exc:  # the mail server or the SMS provider refused, timed out, was unreachable…
        if tentative >= TENTATIVES:
            raise
        suivant = envoyer_message.using(run_after=timezone.now() + delai_avant(tentative))
        suivant.enqueue(rdv_pk, modele, canal, tentative + 1)
        logger.warning(
            "Message %s (%s) du rendez-vous %s non envoyé (%s) : nouvel essai n° %s programmé",
            modele,
            canal,
            rdv_pk,
            type(exc).__name__,
            tentative + 1,
        )
        return "nouvel essai programmé"
    return "envoyé" if envoye else "rien à envoyer"
