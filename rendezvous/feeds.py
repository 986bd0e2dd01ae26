"""The appointment as an iCalendar file: attached to the e-mails and offered on the confirmation page."""

import datetime
from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from citeslab.core.texte import une_ligne
from rendezvous.models import RendezVous


def _domaine() -> str:
    return urlparse(settings.SITE_URL).hostname or "citeslab-carcassonne.fr"


def calendrier(rdv: RendezVous, lien: str) -> bytes:
    """No name in it: the file may be forwarded or synced; the place, the time and the link to manage it."""
    cal = Calendar()
    cal.add("prodid", "-//CitésLab Carcassonne//Rendez-vous//FR")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    # Stable: a moved appointment updates the calendar entry instead of adding a second one.
    event.add("uid", f"rendez-vous-{rdv.pk}@{_domaine()}")
    event.add("dtstamp", timezone.now())
    event.add("sequence", int(timezone.now().timestamp()))
    event.add("dtstart", timezone.make_aware(datetime.datetime.combine(rdv.date, rdv.debut)))
    event.add("dtend", timezone.make_aware(datetime.datetime.combine(rdv.date, rdv.fin)))
    event.add("summary", "Rendez-vous au CitésLab Carcassonne")
    if rdv.permanence.lieu:
        event.add("location", une_ligne(rdv.permanence.lieu.nom_et_adresse))
    if rdv.statut == RendezVous.Statut.ANNULE:
        event.add("status", "CANCELLED")
    event.add("description", f"Pour annuler ou déplacer ce rendez-vous : {lien}")
    event.add("url", lien)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
