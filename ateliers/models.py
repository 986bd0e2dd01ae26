import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from citeslab.core.contraintes import valider_contraintes
from citeslab.core.formats import plage
from citeslab.core.telephone import TelephoneField
from citeslab.core.texte import valider_nom, valider_une_ligne
from permanences.models import Lieu, Quartier


class AtelierQuerySet(models.QuerySet):
    def a_venir(self):
        return self.filter(fin__gte=timezone.now()).order_by("debut")

    def passes(self):
        return self.filter(fin__lt=timezone.now())

    def publics(self):
        return self.filter(public=True)

    def avec_effectifs(self):
        """Annotate places taken, waiting list and attendance in the same query."""
        return self.annotate(
            nb_confirmees=Count("inscriptions", filter=Q(inscriptions__statut=Inscription.Statut.CONFIRMEE)),
            nb_attente=Count("inscriptions", filter=Q(inscriptions__statut=Inscription.Statut.ATTENTE)),
            nb_presents=Count("inscriptions", filter=Q(inscriptions__present=True)),
        )


class Atelier(models.Model):
    class Theme(models.TextChoices):
        EMERGENCE = "emergence", "Atelier Émergence"
        FEMININ = "feminin", "Entreprendre au féminin"
        SENSIBILISATION = "sensibilisation", "Sensibilisation à la création"
        SCOLAIRE = "scolaire", "Intervention en milieu scolaire"
        THEMATIQUE = "thematique", "Atelier thématique"

    # On one line: it is the subject of the e-mails and the summary of the calendar entries.
    titre = models.CharField("titre", max_length=200, validators=[valider_une_ligne])
    theme = models.CharField("thème", max_length=20, choices=Theme, default=Theme.EMERGENCE)
    description = models.TextField("description", blank=True)
    debut = models.DateTimeField("début", db_index=True)
    fin = models.DateTimeField("fin")
    lieu = models.ForeignKey(
        Lieu, verbose_name="lieu", on_delete=models.PROTECT, null=True, blank=True, related_name="ateliers"
    )
    capacite = models.PositiveSmallIntegerField("nombre de places", default=12)
    public = models.BooleanField("ouvert au public", default=True, help_text="Affiché sur le site public.")
    inscriptions_ouvertes = models.BooleanField("inscriptions ouvertes", default=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    objects = AtelierQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="historique de l'atelier")

    class Meta:
        verbose_name = "atelier"
        verbose_name_plural = "ateliers"
        ordering = ["-debut"]
        constraints = [
            models.CheckConstraint(condition=Q(fin__gt=models.F("debut")), name="atelier_fin_apres_debut"),
            models.CheckConstraint(condition=Q(capacite__gt=0), name="atelier_capacite_positive"),
        ]

    # Meta.constraints in words, on their field (citeslab.core.contraintes): no migration, every form.
    EXPLICATIONS = {
        "atelier_fin_apres_debut": ("fin", "La fin de l’atelier doit venir après son début."),
        "atelier_capacite_positive": ("capacite", "Un atelier a au moins une place."),
    }

    def __str__(self):
        return f"{self.titre} ({timezone.localtime(self.debut):%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("ateliers:detail", args=[self.pk])

    def validate_constraints(self, exclude=None):
        valider_contraintes(self, exclude, self.EXPLICATIONS)

    @property
    def horaires(self) -> str:
        """« 9 h – 12 h » in Paris time, written like the rest of the public site (no break inside "9 h")."""
        return plage(self.debut, self.fin)

    @property
    def est_commence(self) -> bool:
        return self.debut <= timezone.now()

    @property
    def accepte_inscriptions(self) -> bool:
        return self.public and self.inscriptions_ouvertes and not self.est_commence

    @property
    def places_restantes(self) -> int:
        """Seats left; needs the `avec_effectifs()` annotation."""
        return max(self.capacite - self.nb_confirmees, 0)


class InscriptionQuerySet(models.QuerySet):
    def confirmees(self):
        return self.filter(statut=Inscription.Statut.CONFIRMEE)

    def en_attente(self):
        return self.filter(statut=Inscription.Statut.ATTENTE)

    def actives(self):
        return self.exclude(statut=Inscription.Statut.ANNULEE)

    def rappels_a_envoyer(self, jour):
        """Confirmed registrations with an e-mail, for workshops starting on `jour`, not yet reminded."""
        debut = timezone.make_aware(datetime.datetime.combine(jour, datetime.time.min))
        return (
            self.confirmees()
            .filter(
                atelier__debut__gte=debut,
                atelier__debut__lt=debut + datetime.timedelta(days=1),
                rappel_envoye_le__isnull=True,
            )
            .exclude(email="")
        )


class Inscription(models.Model):
    """A registration to a workshop; never more confirmed than the capacity (see ateliers.services)."""

    class Statut(models.TextChoices):
        CONFIRMEE = "confirmee", "Confirmée"
        ATTENTE = "attente", "Liste d'attente"
        ANNULEE = "annulee", "Annulée"

    atelier = models.ForeignKey(Atelier, verbose_name="atelier", on_delete=models.CASCADE, related_name="inscriptions")
    prenom = models.CharField("prénom", max_length=100, validators=[valider_nom])
    nom = models.CharField("nom", max_length=100, validators=[valider_nom])
    telephone = TelephoneField("téléphone", blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    quartier = models.ForeignKey(
        Quartier, verbose_name="quartier", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    statut = models.CharField("statut", max_length=10, choices=Statut, default=Statut.CONFIRMEE)
    present = models.BooleanField(
        "présent", null=True, blank=True, help_text="Vide tant que l'atelier n'a pas eu lieu."
    )
    porteur = models.ForeignKey(
        "porteurs.Porteur",
        verbose_name="porteur de projet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inscriptions",
    )
    cree_le = models.DateTimeField("inscrit le", auto_now_add=True)
    rappel_envoye_le = models.DateTimeField("rappel envoyé le", null=True, blank=True, editable=False)

    objects = InscriptionQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="historique de l'inscription")

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["cree_le", "pk"]
        indexes = [models.Index(fields=["atelier", "statut"], name="inscription_atelier_statut_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(telephone="") | ~Q(email=""), name="inscription_telephone_ou_email"),
        ]

    EXPLICATIONS = {
        "inscription_telephone_ou_email": (
            "telephone",
            "Indiquez un téléphone ou une adresse électronique, pour pouvoir prévenir la personne.",
        ),
    }

    def __str__(self):
        return f"{self.prenom} {self.nom} — {self.atelier.titre}"

    def validate_constraints(self, exclude=None):
        # The contact rule in Python: Django would ask the database with a query (and a savepoint) on every
        # registration, the public path the office wants fastest. The database still enforces it.
        exclude = set(exclude or ())
        if not {"telephone", "email"} & exclude and not self.telephone and not self.email:
            champ, phrase = self.EXPLICATIONS["inscription_telephone_ou_email"]
            raise ValidationError({champ: ValidationError(phrase, code="inscription_telephone_ou_email")})
        valider_contraintes(self, exclude | {"telephone", "email"}, self.EXPLICATIONS)

    def rang_en_attente(self) -> int | None:
        """Place on the waiting list, 1 for the next seat freed (seats go first come, first served); one query."""
        if self.statut != Inscription.Statut.ATTENTE:
            return None
        avant = Q(cree_le__lt=self.cree_le) | Q(cree_le=self.cree_le, pk__lt=self.pk)
        return Inscription.objects.en_attente().filter(avant, atelier_id=self.atelier_id).count() + 1
