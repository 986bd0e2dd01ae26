"""What the appointments can say about years: booked, honoured, missed, cancelled — one query."""

from django.db.models import Count, Q

from rendezvous.models import RendezVous

STATUTS = [s for s, _ in RendezVous.Statut.choices]


def rendez_vous_par_statut(annees: list[int]) -> dict[int, dict[str, int]]:
    """Per year (of the appointment's date): how many were booked in all, and how many of each status."""
    aggregats = {}
    for annee in annees:
        dans = Q(date__year=annee)
        aggregats[f"total_{annee}"] = Count("pk", filter=dans)
        for statut in STATUTS:
            aggregats[f"{statut}_{annee}"] = Count("pk", filter=dans & Q(statut=statut))
    ligne = RendezVous.objects.filter(date__year__gte=min(annees), date__year__lte=max(annees)).aggregate(**aggregats)
    return {
        annee: {"total": ligne[f"total_{annee}"], **{s: ligne[f"{s}_{annee}"] for s in STATUTS}} for annee in annees
    }
