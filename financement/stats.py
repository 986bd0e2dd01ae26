"""What the financing can say about a year: due (prorated), received and remaining, per funder."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.db.models.functions import ExtractYear

from financement.models import Contribution, Convention, Versement

CENTIME = Decimal("0.01")


def jours_dans_annee(convention: Convention, annee: int) -> int:
    """Days of the convention's period that fall in the calendar year (both ends included)."""
    debut = max(convention.debut, datetime.date(annee, 1, 1))
    fin = min(convention.fin, datetime.date(annee, 12, 31))
    return max((fin - debut).days + 1, 0)


def du_en(contribution: Contribution, annee: int) -> Decimal:
    """A contribution's amount prorated by the convention's days in the year."""
    convention = contribution.convention
    duree = (convention.fin - convention.debut).days + 1
    jours = jours_dans_annee(convention, annee)
    return (contribution.montant * jours / duree).quantize(CENTIME, rounding=ROUND_HALF_UP)


def _recus(cle: str, **filtre) -> dict[tuple, Decimal]:
    """Payments received, summed per (`cle`, year), in one query."""
    rows = (
        Versement.objects.filter(**filtre)
        .annotate(annee=ExtractYear("date"))
        .values(cle, "annee")
        .annotate(total=Sum("montant"))
        .order_by()
    )
    return {(row[cle], row["annee"]): row["total"] for row in rows}


@dataclass
class LigneFinancement:
    financeur: str
    part: Decimal | None  # the funder's share of what is due that year (its convention share)
    du: Decimal
    recu: Decimal

    @property
    def reste(self) -> Decimal:
        return self.du - self.recu


def financement_par_financeur(annees: list[int]) -> dict[int, list[LigneFinancement]]:
    """Due and received per funder for each year, from the conventions covering it. Two queries in all."""
    contributions = list(
        Contribution.objects.filter(
            convention__debut__year__lte=max(annees), convention__fin__year__gte=min(annees)
        ).select_related("convention", "financeur")
    )
    recus = _recus("contribution__financeur__nom", date__year__in=annees)
    resultat = {}
    for annee in annees:
        dus: dict[str, Decimal] = {}
        montants: dict[str, Decimal] = {}
        totaux = {}
        for contribution in contributions:
            if jours_dans_annee(contribution.convention, annee):
                nom = contribution.financeur.nom
                dus[nom] = dus.get(nom, Decimal("0")) + du_en(contribution, annee)
                montants[nom] = montants.get(nom, Decimal("0")) + contribution.montant
                totaux[contribution.convention_id] = contribution.convention.montant_total
        for nom, an in recus:
            if an == annee:
                dus.setdefault(nom, Decimal("0"))
        # The share is the convention's (72 000 of 180 000 = 40 %), not a ratio of rounded prorated amounts.
        total = sum(totaux.values(), Decimal("0"))
        lignes = [
            LigneFinancement(
                financeur=nom,
                part=(montants[nom] / total) if total and nom in montants else None,
                du=du,
                recu=recus.get((nom, annee), Decimal("0")),
            )
            for nom, du in dus.items()
        ]
        lignes.sort(key=lambda ligne: (-ligne.du, ligne.financeur))
        resultat[annee] = lignes
    return resultat


def conventions_couvrant(annee: int) -> list[Convention]:
    return list(Convention.objects.couvrant(annee).order_by("debut"))


@dataclass
class Echeance:
    annee: int
    financeur: str
    du: Decimal
    recu: Decimal

    @property
    def reste(self) -> Decimal:
        return self.du - self.recu


def echeancier(convention: Convention) -> list[Echeance]:
    """For each year of a convention and each funder: due (prorated), received, remaining. Two queries."""
    contributions = list(convention.contributions.select_related("financeur", "convention"))
    recus = _recus("contribution_id", contribution__convention=convention)
    return [
        Echeance(
            annee=annee,
            financeur=contribution.financeur.nom,
            du=du_en(contribution, annee),
            recu=recus.get((contribution.pk, annee), Decimal("0")),
        )
        for annee in range(convention.debut.year, convention.fin.year + 1)
        for contribution in contributions
    ]
