"""What a resident receives about an appointment, by e-mail and SMS: booked, moved, reminder, cancelled by a closure.

Plain French. The e-mail carries the place with its map link, the .ics and the signed link to cancel or move;
the SMS the same in a few words (one or two SMS).
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from citeslab.core.formats import date_courte, heure
from citeslab.core.sms import envoyer_sms
from citeslab.core.texte import est_un_nom
from rendezvous import feeds, signatures
from rendezvous.models import RendezVous

logger = logging.getLogger(__name__)

SUJETS = {
    "confirmation": "Votre rendez-vous au CitésLab est confirmé",
    "deplacement": "Votre rendez-vous au CitésLab a été déplacé",
    "rappel": "Rappel : votre rendez-vous au CitésLab demain",
    "fermeture": "Votre rendez-vous au CitésLab est annulé",
}


def url_absolue(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def liens(rdv: RendezVous) -> dict:
    token = signatures.jeton(rdv)
    return {
        "lien_rdv": url_absolue(reverse("rendezvous:detail", args=[token])),
        "lien_ics": url_absolue(reverse("rendezvous:ics", args=[token])),
        "lien_reserver": url_absolue(reverse("rendezvous:lieux")),
    }


def contexte(rdv: RendezVous) -> dict:
    return {
        "rdv": rdv,
        "lieu": rdv.permanence.lieu,
        # A name that fails today's check (an old row) is left out of the greeting rather than printed.
        "prenom": rdv.prenom if est_un_nom(rdv.prenom) else "",
        **liens(rdv),
    }


def texte_sms(rdv: RendezVous, modele: str) -> str:
    """Short, and without non-breaking spaces (outside the SMS alphabet, they would double the price)."""
    quand = f"{date_courte(rdv.date)} à {heure(rdv.debut)}"
    lieu = rdv.permanence.lieu.nom_et_adresse if rdv.permanence.lieu else ""
    lien = liens(rdv)["lien_rdv"]
    textes = {
        "confirmation": f"CitésLab : rendez-vous confirmé {quand}, {lieu}. Annuler ou déplacer : {lien}",
        "deplacement": f"CitésLab : rendez-vous déplacé au {quand}, {lieu}. Annuler ou déplacer : {lien}",
        "rappel": f"CitésLab : rappel de votre rendez-vous demain {quand}, {lieu}. Empêché ? {lien}",
        "fermeture": f"CitésLab : votre rendez-vous du {quand} est annulé (fermeture : {rdv.motif_annulation}). "
        f"Reprendre rendez-vous : {liens(rdv)['lien_reserver']}",
    }
    return textes[modele].replace("\xa0", " ")


def envoyer(rdv: RendezVous, modele: str, canal: str) -> bool:
    if canal == "sms":
        envoye = bool(rdv.telephone) and envoyer_sms(rdv.telephone, texte_sms(rdv, modele))
    else:
        envoye = _courriel(rdv, modele)
    if envoye:
        logger.info("Message %s (%s) envoyé pour le rendez-vous %s", modele, canal, rdv.pk)
    return envoye


def _courriel(rdv: RendezVous, modele: str) -> bool:
    if not rdv.email:
        return False
    donnees = contexte(rdv)
    message = EmailMessage(
        subject=SUJETS[modele],
        body=render_to_string(f"rendezvous/messages/{modele}.txt", donnees),
        to=[rdv.email],
    )
    if modele != "fermeture":
        message.attach("rendez-vous.ics", feeds.calendrier(rdv, donnees["lien_rdv"]), "text/calendar")
    message.send()
    return True
