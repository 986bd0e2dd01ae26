"""What the people's records can say about years: every function answers for several years in one query.

Each returns {annee: {key: count}} (or plain numbers) so the report can set a year beside the previous one.
"""

import datetime

from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from porteurs.models import ChangementEtape, Etape, Orientation, Porteur, Suivi


def debut(annee: int) -> datetime.date:
    return datetime.date(annee, 1, 1)


def fin(annee: int) -> datetime.date:
    return datetime.date(annee, 12, 31)


def _accompagne(annee: int) -> Q:
    # IN (SELECT porteur_id …), not a correlated EXISTS: PostgreSQL reads the year's follow-ups once into a
    # hash instead of probing the index once per person (at 100 000 people, seconds against tens of ms).
    return Q(pk__in=Suivi.objects.filter(date__range=(debut(annee), fin(annee))).values("porteur_id"))


def _avec_accompagnement(annees):
    return Porteur.objects.annotate(
        **{f"acc_{annee}": ExpressionWrapper(_accompagne(annee), output_field=BooleanField()) for annee in annees}
    )


def effectifs(annees: list[int]) -> dict[int, dict[str, int]]:
    """People accompanied (≥ 1 follow-up in the year) and new people (first contact in the year)."""
    aggregats = {}
    for annee in annees:
        # The condition goes straight into the filter: an annotation would be lost when aggregate() wraps the query.
        aggregats[f"acc_{annee}"] = Count("pk", filter=_accompagne(annee))
        aggregats[f"nouv_{annee}"] = Count("pk", filter=Q(date_premier_contact__range=(debut(annee), fin(annee))))
    ligne = Porteur.objects.aggregate(**aggregats)
    return {annee: {"accompagnes": ligne[f"acc_{annee}"], "nouveaux": ligne[f"nouv_{annee}"]} for annee in annees}


def repartitions(champs: list[str], annees: list[int]) -> dict[str, dict[int, dict]]:
    """People accompanied in each year, counted by each of several fields, in one query.

    One GROUP BY over all the fields at once (a few hundred groups), added up per field here: the year's
    follow-ups are read once for every breakdown instead of once per breakdown.
    """
    rows = (
        _avec_accompagnement(annees)
        .filter(Q.create([(f"acc_{annee}", True) for annee in annees], connector=Q.OR))
        .values(*champs)
        .annotate(**{f"n_{annee}": Count("pk", filter=Q(**{f"acc_{annee}": True})) for annee in annees})
        .order_by()
    )
    resultat = {champ: {annee: {} for annee in annees} for champ in champs}
    for row in rows:
        for champ in champs:
            for annee in annees:
                comptes = resultat[champ][annee]
                comptes[row[champ]] = comptes.get(row[champ], 0) + row[f"n_{annee}"]
    return resultat


TRANCHES_AGE = [
    ("moins_26", "Moins de 26 ans"),
    ("26_45", "26 à 45 ans"),
    ("plus_45", "Plus de 45 ans"),
    ("inconnu", "Non renseigné"),
]


def _tranche(annee: int) -> Case:
    # Born after 31/12/(Y-26): not yet 26 on 31/12/Y. Born on or before 31/12/(Y-46): 46 or more, over 45.
    return Case(
        When(date_naissance__isnull=True, then=Value("inconnu")),
        When(date_naissance__gt=datetime.date(annee - 26, 12, 31), then=Value("moins_26")),
        When(date_naissance__gt=datetime.date(annee - 46, 12, 31), then=Value("26_45")),
        default=Value("plus_45"),
    )


def tranches_age(annees: list[int]) -> dict[int, dict[str, int]]:
    """Age bands of the people accompanied, age reached on 31 December of the year (one query)."""
    rows = (
        _avec_accompagnement(annees)
        .filter(Q.create([(f"acc_{annee}", True) for annee in annees], connector=Q.OR))
        .annotate(**{f"tranche_{annee}": _tranche(annee) for annee in annees})
        .values(*[f"tranche_{annee}" for annee in annees])
        .annotate(**{f"n_{annee}": Count("pk", filter=Q(**{f"acc_{annee}": True})) for annee in annees})
        .order_by()
    )
    resultat = {annee: {cle: 0 for cle, _ in TRANCHES_AGE} for annee in annees}
    for row in rows:
        for annee in annees:
            resultat[annee][row[f"tranche_{annee}"]] += row[f"n_{annee}"]
    return resultat


def etape_fin_annee(annee: int) -> Subquery:
    """The stage of the last change dated on or before 31 December of the year."""
    return Subquery(
        ChangementEtape.objects.filter(porteur=OuterRef("pk"), date__lte=fin(annee))
        .order_by("-date", "-cree_le", "-pk")
        .values("etape")[:1]
    )


def etapes_fin_annee(annee: int) -> dict[str, int]:
    """Stage reached at year end by the people accompanied in the year (one query)."""
    rows = (
        Porteur.objects.filter(_accompagne(annee))
        .annotate(etape_fin=Coalesce(etape_fin_annee(annee), Value("")))
        .values("etape_fin")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["etape_fin"]: row["n"] for row in rows}


def entreprises_creees(annees: list[int]) -> dict[int, int]:
    """People whose company was created in the year (a dated 'entreprise créée' change)."""
    ligne = ChangementEtape.objects.filter(etape=Etape.ENTREPRISE_CREEE).aggregate(
        **{
            f"n_{annee}": Count("porteur", distinct=True, filter=Q(date__range=(debut(annee), fin(annee))))
            for annee in annees
        }
    )
    return {annee: ligne[f"n_{annee}"] for annee in annees}


def suivis_par_type(annees: list[int]) -> dict[int, dict[str, tuple[int, int]]]:
    """Follow-ups per kind: (count, minutes) per year."""
    aggregats = {}
    for annee in annees:
        periode = Q(date__range=(debut(annee), fin(annee)))
        aggregats[f"n_{annee}"] = Count("pk", filter=periode)
        aggregats[f"m_{annee}"] = Coalesce(Sum("duree_minutes", filter=periode), 0)
    rows = (
        Suivi.objects.filter(date__range=(debut(min(annees)), fin(max(annees))))
        .values("type")
        .annotate(**aggregats)
        .order_by()
    )
    resultat = {annee: {} for annee in annees}
    for row in rows:
        for annee in annees:
            resultat[annee][row["type"]] = (row[f"n_{annee}"], row[f"m_{annee}"])
    return resultat


def orientations_par(champ: str, annees: list[int]) -> dict[int, dict]:
    """Referrals made in the year, counted by one field (partner name, outcome)."""
    rows = (
        Orientation.objects.filter(date__range=(debut(min(annees)), fin(max(annees))))
        .annotate(cle=F(champ))
        .values("cle")
        .annotate(**{f"n_{annee}": Count("pk", filter=Q(date__range=(debut(annee), fin(annee)))) for annee in annees})
        .order_by()
    )
    resultat = {annee: {} for annee in annees}
    for row in rows:
        for annee in annees:
            resultat[annee][row["cle"]] = row[f"n_{annee}"]
    return resultat
