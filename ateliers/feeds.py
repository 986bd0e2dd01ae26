"""iCalendar export of workshops, so residents and partners can add them to their own calendars."""

from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from ateliers.emails import url_absolue
from citeslab.core.texte import une_ligne


def _domaine() -> str:
    return urlparse(settings.SITE_URL).hostname or "citeslab-carcassonne.fr"


def uid(atelier) -> str:
    # Stable across exports so a calendar updates the event instead of duplicating it.
    return f"atelier-{atelier.pk}@{_domaine()}"


def calendrier(ateliers, nom: str = "Ateliers CitésLab Carcassonne") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//CitésLab Carcassonne//Ateliers//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # A title typed on two lines before titles were checked: icalendar refuses a raw line break here.
    cal.add("x-wr-calname", une_ligne(nom))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    maintenant = timezone.now()
    for atelier in ateliers:
        event = Event()
        event.add("uid", uid(atelier))
        event.add("dtstamp", maintenant)
        event.add("dtstart", timezone.localtime(atelier.debut))
        event.add("dtend", timezone.localtime(atelier.fin))
        event.add("summary", une_ligne(atelier.titre))
        if atelier.lieu:
            lieu = ", ".join(part for part in [atelier.lieu.nom, atelier.lieu.adresse_complete] if part)
            event.add("location", une_ligne(lieu))
        description = atelier.description or atelier.get_theme_display()
        event.add("description", description)
        event.add("url", url_absolue(atelier.get_absolute_url()))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
