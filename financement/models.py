from decimal import Decimal

from django.db import models
from django.db.models import Q, Sum
from simple_history.models import HistoricalRecords


class Financeur(models.Model):
    nom = models.CharField("nom", max_length=150, unique=True)
    sigle = models.CharField("sigle", max_length=30, blank=True)

    class Meta:
        verbose_name = "financeur"
        verbose_name_plural = "financeurs"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class ConventionQuerySet(models.QuerySet):
    def couvrant(self, annee: int):
        """Conventions whose period overlaps the calendar year."""
        return self.filter(debut__year__lte=annee, fin__year__gte=annee)

    def en_vigueur(self, jour):
        """Conventions in force on a day: the home page names only their funders, never an expired one's."""
        return self.filter(debut__lte=jour, fin__gte=jour)


class Convention(models.Model):
    """A multi-year co-financing agreement. Its contributions must add up to its total."""

    intitule = models.CharField("intitulé", max_length=200)
    debut = models.DateField("début")
    fin = models.DateField("fin")
    montant_total = models.DecimalField("montant total (€)", max_digits=12, decimal_places=2)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention de financement"
        verbose_name_plural = "conventions de financement"
        ordering = ["-debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__gt=models.F("debut")),
                name="convention_fin_apres_debut",
                violation_error_message="La fin de la convention doit être postérieure à son début.",
            ),
            models.CheckConstraint(
                condition=Q(montant_total__gt=0),
                name="convention_montant_positif",
                violation_error_message="Le montant total doit être positif.",
            ),
        ]

    def __str__(self):
        return self.intitule

    def ecart(self) -> Decimal:
        """Total minus the sum of contributions: zero when the convention adds up."""
        total = self.contributions.aggregate(s=Sum("montant"))["s"] or Decimal("0")
        return self.montant_total - total


class Contribution(models.Model):
    """A funder's amount in a convention. Its share is derived from the amounts, never typed."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="contributions"
    )
    financeur = models.ForeignKey(
        Financeur, verbose_name="financeur", on_delete=models.PROTECT, related_name="contributions"
    )
    montant = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)

    history = HistoricalRecords(verbose_name="historique de la contribution")

    class Meta:
        verbose_name = "contribution"
        verbose_name_plural = "contributions"
        ordering = ["-montant", "financeur__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "financeur"],
                name="contribution_unique_par_financeur",
                violation_error_message="Ce financeur a déjà une contribution dans cette convention.",
            ),
            models.CheckConstraint(
                condition=Q(montant__gt=0),
                name="contribution_montant_positif",
                violation_error_message="Le montant d'une contribution doit être positif.",
            ),
        ]

    def __str__(self):
        return f"{self.financeur} — {self.convention}"

    @property
    def part(self) -> Decimal | None:
        """Share of the convention's total, as a fraction (0.4 for 40 %)."""
        if not self.convention.montant_total:
            return None
        return self.montant / self.convention.montant_total


class Versement(models.Model):
    """A payment received from a funder under a contribution."""

    contribution = models.ForeignKey(
        Contribution, verbose_name="contribution", on_delete=models.PROTECT, related_name="versements"
    )
    date = models.DateField("date de réception")
    montant = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)
    reference = models.CharField("référence", max_length=100, blank=True)

    history = HistoricalRecords(verbose_name="historique du versement")

    class Meta:
        verbose_name = "versement"
        verbose_name_plural = "versements"
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(montant__gt=0),
                name="versement_montant_positif",
                violation_error_message="Le montant d'un versement doit être positif.",
            )
        ]

    def __str__(self):
        return f"{self.montant} € le {self.date:%d/%m/%Y}"
