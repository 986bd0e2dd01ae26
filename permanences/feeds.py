"""The permanences as an iCalendar feed (RFC 5545) that a phone's calendar subscribes to."""

import datetime
import zoneinfo

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import View
from icalendar import Calendar, Event

from citeslab.core.cache import PagePublique
from permanences.models import Permanence
from permanences.planning import creneaux, lundi, permanences_et_fermetures

SEMAINES_PASSEES = 1
SEMAINES_A_VENIR = 8


def calendrier(*, debut: datetime.date, fin: datetime.date, domaine: str, url: str) -> bytes:
    """Open slots between two dates; a closed slot is left out, so a subscribed calendar drops it."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    permanences, fermetures = permanences_et_fermetures(debut, fin)
    cal = Calendar()
    cal.add("prodid", "-//CitésLab Carcassonne//Permanences//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Permanences CitésLab Carcassonne")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", datetime.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT12H")
    horodatage = timezone.now()
    for creneau in creneaux(debut, fin, permanences=permanences, fermetures=fermetures):
        if not creneau.ouvert:
            continue
        permanence = creneau.permanence
        event = Event()
        event.add("uid", f"permanence-{permanence.pk}-{creneau.date:%Y%m%d}@{domaine}")
        event.add("dtstamp", horodatage)
        event.add("dtstart", creneau.debut.replace(tzinfo=tz))
        event.add("dtend", creneau.fin.replace(tzinfo=tz))
        event.add("url", url)
        if permanence.type == Permanence.Type.ACCUEIL:
            lieu = permanence.lieu
            event.add("summary", f"Permanence CitésLab – {lieu.nom}")
            event.add("location", f"{lieu.nom}, {lieu.adresse_complete}")
            quartier = f" (quartier {lieu.quartier})" if lieu.quartier_id else ""
            event.add(
                "description",
                f"Le chef de projet CitésLab vous reçoit sans rendez-vous{quartier}. Carte : {lieu.lien_carte}",
            )
            if lieu.latitude is not None and lieu.longitude is not None:
                event.add("geo", (float(lieu.latitude), float(lieu.longitude)))
        else:
            event.add("summary", "Ateliers Émergence (CitésLab)")
            event.add("description", "Ateliers collectifs sur inscription : voir les ateliers sur le site.")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


class PermanencesIcsView(PagePublique, View):
    def parties_cle(self):
        return ("ics", timezone.localdate(), self.request.get_host())

    def get(self, request):
        debut = lundi(timezone.localdate()) - datetime.timedelta(weeks=SEMAINES_PASSEES)
        fin = debut + datetime.timedelta(weeks=SEMAINES_PASSEES + SEMAINES_A_VENIR, days=-1)
        contenu = calendrier(
            debut=debut,
            fin=fin,
            domaine=request.get_host().split(":")[0] or "citeslab-carcassonne.fr",
            url=request.build_absolute_uri(reverse("permanences:semaine")),
        )
        response = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="permanences-citeslab.ics"'
        return response
