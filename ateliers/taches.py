"""Messages to residents, sent by the task worker (`manage.py db_worker`), never while a resident waits for a page.

A message is queued in the same transaction as the row it is about (django-tasks' database backend inserts the
task row there): a rolled-back registration queues nothing, a saved one always has its message. The worker
claims each task row once; a failed send is queued again later, and after the last attempt the task stays
failed, listed in the admin ("Task results").
"""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from ateliers import emails
from ateliers.models import Inscription

logger = logging.getLogger(__name__)

ENVOIS = {
    "confirmation": emails.envoyer_confirmation,
    "promotion": emails.envoyer_promotion,
    "rappel": emails.envoyer_rappel,
}
TENTATIVES = 5


def delai_avant(tentative: int) -> datetime.timedelta:
    """2, 4, 8, 16 minutes: a mail server down for half an hour still gets the message out."""
    return datetime.timedelta(minutes=2**tentative)


@task()
def envoyer_message(inscription_pk: int, modele: str, tentative: int = 1) -> str:
    inscription = Inscription.objects.select_related("atelier__lieu").filter(pk=inscription_pk).first()
    if inscription is None:
        return "inscription supprimée"
    try:
        envoye = ENVOIS[modele](inscription)
    except Exception as exc:  # the mail server refused, timed out, was unreachable…
        if tentative >= TENTATIVES:
            raise
        suivant = envoyer_message.using(run_after=timezone.now() + delai_avant(tentative))
        suivant.enqueue(inscription_pk, modele, tentative + 1)
        # The id only: names and addresses stay out of the logs.
        logger.warning(
            "Message %s de l'inscription %s non envoyé (%s) : nouvel essai n° %s programmé",
            modele,
            inscription_pk,
            type(exc).__name__,
            tentative + 1,
        )
        return "nouvel essai programmé"
    return "envoyé" if envoye else "pas d'adresse électronique"
