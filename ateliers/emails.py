"""The three messages a resident receives: registration, promotion from the waiting list, reminder.

Plain text with an HTML alternative, in French. Residents who left only a phone number get no e-mail: the
chef de projet sees them in the admin and calls them.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from ateliers import signatures
from ateliers.models import Inscription
from citeslab.core.texte import est_un_nom, une_ligne

logger = logging.getLogger(__name__)


def url_absolue(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _envoyer(inscription: Inscription, modele: str, sujet: str) -> bool:
    if not inscription.email:
        return False
    token = signatures.jeton(inscription)
    contexte = {
        "inscription": inscription,
        # A row older than the name check may hold a link: the greeting then goes without the name.
        "prenom": inscription.prenom if est_un_nom(inscription.prenom) else "",
        "atelier": inscription.atelier,
        "lien_inscription": url_absolue(reverse("ateliers:inscription", args=[token])),
        "lien_annulation": url_absolue(reverse("ateliers:annulation", args=[token])),
        "lien_calendrier": url_absolue(reverse("ateliers:ics", args=[inscription.atelier_id])),
    }
    message = EmailMultiAlternatives(
        # A title typed on two lines before titles were checked would make the header, hence the message, fail.
        subject=une_ligne(sujet),
        body=render_to_string(f"ateliers/emails/{modele}.txt", contexte),
        to=[inscription.email],
    )
    message.attach_alternative(render_to_string(f"ateliers/emails/{modele}.html", contexte), "text/html")
    message.send()
    # The id only: names and addresses stay out of the logs.
    logger.info("Message %s envoyé pour l'inscription %s", modele, inscription.pk)
    return True


def envoyer_confirmation(inscription: Inscription) -> bool:
    if inscription.statut == Inscription.Statut.CONFIRMEE:
        sujet = f"Inscription confirmée : {inscription.atelier.titre}"
    else:
        sujet = f"Liste d'attente : {inscription.atelier.titre}"
    return _envoyer(inscription, "confirmation", sujet)


def envoyer_promotion(inscription: Inscription) -> bool:
    return _envoyer(inscription, "promotion", f"Une place s'est libérée : {inscription.atelier.titre}")


def envoyer_rappel(inscription: Inscription) -> bool:
    return _envoyer(inscription, "rappel", f"Rappel : {inscription.atelier.titre} demain")
