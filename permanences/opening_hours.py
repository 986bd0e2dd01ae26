"""The weekly schedule in the two syntaxes machines read: OpenStreetMap `opening_hours` and schema.org.

OSM: https://wiki.openstreetmap.org/wiki/Key:opening_hours — rules separated by "; ", later rules
override earlier ones, so dated closures come after the weekly hours, and "PH off" closes public holidays.
"""

import datetime
from collections.abc import Iterable

from permanences.models import Fermeture, Permanence

JOURS_OSM = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
MOIS_OSM = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
JOURS_SCHEMA = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _plages_par_jour(permanences: Iterable[Permanence]) -> dict[int, list[tuple[datetime.time, datetime.time]]]:
    plages: dict[int, set] = {}
    for permanence in permanences:
        plages.setdefault(permanence.jour, set()).add((permanence.debut, permanence.fin))
    return {jour: sorted(valeurs) for jour, valeurs in sorted(plages.items())}


def _date_osm(jour: datetime.date) -> str:
    return f"{jour.year} {MOIS_OSM[jour.month - 1]} {jour.day:02d}"


def osm_opening_hours(permanences: Iterable[Permanence], fermetures: Iterable[Fermeture] = ()) -> str:
    """E.g. "Mo-Tu 09:00-12:00,14:00-17:00; We 09:00-12:00; PH off".

    Consecutive days with the same hours are merged into a range. Closures of every slot
    (`permanence` empty) become dated "off" rules; a closure of one slot cannot be said per place
    in this syntax without repeating its hours, so it is left to the iCalendar feed.
    """
    plages = _plages_par_jour(permanences)
    regles = []
    groupe: list[int] = []

    def fermer_groupe():
        if not groupe:
            return
        jours = JOURS_OSM[groupe[0]] if len(groupe) == 1 else f"{JOURS_OSM[groupe[0]]}-{JOURS_OSM[groupe[-1]]}"
        if len(groupe) == 2:
            jours = f"{JOURS_OSM[groupe[0]]},{JOURS_OSM[groupe[1]]}"
        heures = ",".join(f"{debut:%H:%M}-{fin:%H:%M}" for debut, fin in plages[groupe[0]])
        regles.append(f"{jours} {heures}")

    for jour in plages:
        if groupe and (jour == groupe[-1] + 1) and plages[jour] == plages[groupe[-1]]:
            groupe.append(jour)
        else:
            fermer_groupe()
            groupe = [jour]
    fermer_groupe()
    if not regles:
        return "off"
    for fermeture in fermetures:
        if fermeture.permanence_id is not None:
            continue
        if fermeture.debut == fermeture.fin:
            regles.append(f"{_date_osm(fermeture.debut)} off")
        else:
            regles.append(f"{_date_osm(fermeture.debut)}-{_date_osm(fermeture.fin)} off")
    regles.append("PH off")
    return "; ".join(regles)


def schema_org_opening_hours(permanences: Iterable[Permanence]) -> list[dict]:
    """schema.org `openingHoursSpecification`: one entry per day and time range."""
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"https://schema.org/{JOURS_SCHEMA[jour]}",
            "opens": f"{debut:%H:%M}",
            "closes": f"{fin:%H:%M}",
        }
        for jour, plages in _plages_par_jour(permanences).items()
        for debut, fin in plages
    ]
