import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from citeslab.core.contraintes import valider_contraintes
from citeslab.core.formats import date_longue, heure
from citeslab.core.telephone import TelephoneField
from citeslab.core.texte import valider_nom
from permanences.models import Permanence


class RendezVousQuerySet(models.QuerySet):
    def actifs(self):
        """Booked and not cancelled: what holds a time."""
        return self.exclude(statut=RendezVous.Statut.ANNULE)

    def du_jour(self, jour: datetime.date):
        """The day's appointments, not cancelled, in time order (the chef de projet's "Aujourd'hui")."""
        return self.actifs().filter(date=jour).select_related("permanence__lieu", "porteur").order_by("debut", "pk")

    def a_venir(self, maintenant: datetime.datetime | None = None):
        """Appointments still to come (naive local time), not cancelled, in time order."""
        maintenant = maintenant or timezone.localtime().replace(tzinfo=None)
        return (
            self.actifs()
            .filter(Q(date__gt=maintenant.date()) | Q(date=maintenant.date(), debut__gte=maintenant.time()))
            .select_related("permanence__lieu", "porteur")
            .order_by("date", "debut", "pk")
        )

    def rappels_a_envoyer(self, jour: datetime.date):
        """Booked for `jour`, not reminded yet."""
        return self.filter(statut=RendezVous.Statut.RESERVE, date=jour, rappel_envoye_le__isnull=True)

    def de_l_annee(self, annee: int):
        return self.filter(date__year=annee)


class RendezVous(models.Model):
    """A booked time inside a weekly permanence. Free times are computed (rendezvous.creneaux), never stored.

    A time is held by one appointment at most: the database refuses a second active row for the same
    permanence, date and start (the services lock the permanence row too, for the per-day limit).
    """

    class Statut(models.TextChoices):
        RESERVE = "reserve", "Réservé"
        HONORE = "honore", "Honoré"
        MANQUE = "manque", "Manqué"
        ANNULE = "annule", "Annulé"

    permanence = models.ForeignKey(
        Permanence, verbose_name="permanence", on_delete=models.PROTECT, related_name="rendez_vous"
    )
    date = models.DateField("date", db_index=True)
    debut = models.TimeField("heure")
    fin = models.TimeField("fin")
    prenom = models.CharField("prénom", max_length=100, validators=[valider_nom])
    nom = models.CharField("nom", max_length=100, validators=[valider_nom])
    telephone = TelephoneField("téléphone", blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    idee = models.TextField("l'idée en quelques mots", max_length=1000, blank=True)
    statut = models.CharField("statut", max_length=10, choices=Statut, default=Statut.RESERVE)
    motif_annulation = models.CharField("motif d'annulation", max_length=200, blank=True)
    porteur = models.ForeignKey(
        "porteurs.Porteur",
        verbose_name="porteur de projet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rendez_vous",
    )
    cree_le = models.DateTimeField("réservé le", auto_now_add=True)
    rappel_envoye_le = models.DateTimeField("rappel envoyé le", null=True, blank=True, editable=False)

    objects = RendezVousQuerySet.as_manager()

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["-date", "debut"]
        constraints = [
            models.UniqueConstraint(
                fields=["permanence", "date", "debut"],
                condition=~Q(statut="annule"),
                name="rendezvous_un_seul_par_horaire",
                violation_error_message="Cet horaire vient d'être réservé par quelqu'un d'autre.",
            ),
            models.CheckConstraint(condition=Q(fin__gt=models.F("debut")), name="rendezvous_fin_apres_debut"),
            models.CheckConstraint(condition=~Q(telephone="", email=""), name="rendezvous_un_moyen_de_contact"),
        ]

    # Meta.constraints in words, on their field (citeslab.core.contraintes): no migration, every form.
    EXPLICATIONS = {
        "rendezvous_fin_apres_debut": ("fin", "Un rendez-vous finit après son heure de début."),
        "rendezvous_un_moyen_de_contact": (
            "telephone",
            "Indiquez un téléphone ou une adresse électronique, pour pouvoir prévenir la personne.",
        ),
    }

    def __str__(self):
        return f"Rendez-vous du {self.date:%d/%m/%Y} à {heure(self.debut)}"

    def validate_constraints(self, exclude=None):
        valider_contraintes(self, exclude, self.EXPLICATIONS)

    @property
    def lieu(self):
        return self.permanence.lieu

    @property
    def quand(self) -> str:
        """« lundi 30 novembre 2026 à 9 h 30 »."""
        return f"{date_longue(self.date)} à {heure(self.debut)}"

    @property
    def debut_complet(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.debut)

    @property
    def est_passe(self) -> bool:
        return self.debut_complet <= timezone.localtime().replace(tzinfo=None)

    @property
    def modifiable(self) -> bool:
        return self.statut == self.Statut.RESERVE and not self.est_passe
