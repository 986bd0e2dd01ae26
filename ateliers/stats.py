"""What the workshops can say about years: workshops, registrations and attendance by theme, in one query."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from ateliers.models import Atelier, Inscription


def _periode(annee: int):
    tz = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.datetime(annee, 1, 1, tzinfo=tz),
        datetime.datetime(annee + 1, 1, 1, tzinfo=tz),
    )


def ateliers_par_theme(annees: list[int], maintenant=None) -> dict[int, dict[str, dict[str, int]]]:
    """Per year and theme: workshops held, confirmed registrations, and (past workshops only) confirmed and present.

    The attendance rate is present / confirmed over workshops already over, so a workshop next week does not
    lower it.
    """
    maintenant = maintenant or timezone.now()
    confirmee = Q(inscriptions__statut=Inscription.Statut.CONFIRMEE)
    passe = Q(fin__lt=maintenant)
    aggregats = {}
    for annee in annees:
        de, a = _periode(annee)
        dans = Q(debut__gte=de, debut__lt=a)
        aggregats[f"ateliers_{annee}"] = Count("pk", distinct=True, filter=dans)
        aggregats[f"inscrits_{annee}"] = Count("inscriptions", filter=dans & confirmee)
        aggregats[f"confirmes_passes_{annee}"] = Count("inscriptions", filter=dans & passe & confirmee)
        aggregats[f"presents_{annee}"] = Count(
            "inscriptions", filter=dans & passe & confirmee & Q(inscriptions__present=True)
        )
    de, _ = _periode(min(annees))
    _, a = _periode(max(annees))
    rows = Atelier.objects.filter(debut__gte=de, debut__lt=a).values("theme").annotate(**aggregats).order_by()
    resultat = {annee: {} for annee in annees}
    for row in rows:
        for annee in annees:
            resultat[annee][row["theme"]] = {
                cle: row[f"{cle}_{annee}"] for cle in ("ateliers", "inscrits", "confirmes_passes", "presents")
            }
    return resultat
