from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from citeslab.core.contraintes import valider_contraintes
from citeslab.core.telephone import TelephoneField, telephone_international

# The office opened on 8 March 2018: no schedule, report or activity before that year.
PREMIERE_ANNEE = 2018

# What a person or a report line shows for someone who lives outside the five quartiers.
HORS_QPV = "Hors QPV"


class Quartier(models.Model):
    """One of the five quartiers prioritaires (QPV) of Carcassonne. A person living elsewhere has none."""

    nom = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant", max_length=100, unique=True)
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "quartier prioritaire"
        verbose_name_plural = "quartiers prioritaires"
        ordering = ["ordre", "nom"]

    def __str__(self):
        return self.nom

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.nom)
        super().save(*args, **kwargs)


class Lieu(models.Model):
    nom = models.CharField("nom", max_length=150, unique=True)
    adresse = models.CharField("adresse", max_length=200, blank=True, help_text="Numéro et rue.")
    code_postal = models.CharField("code postal", max_length=5, default="11000")
    ville = models.CharField("ville", max_length=100, default="Carcassonne")
    quartier = models.ForeignKey(
        Quartier,
        verbose_name="quartier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lieux",
        help_text="Laisser vide pour un lieu hors quartier prioritaire.",
    )
    latitude = models.DecimalField("latitude", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("longitude", max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = "lieu"
        verbose_name_plural = "lieux"
        ordering = ["nom"]

    def __str__(self):
        return self.nom

    @property
    def adresse_complete(self):
        return ", ".join(part for part in [self.adresse, f"{self.code_postal} {self.ville}".strip()] if part)

    @property
    def nom_et_adresse(self):
        """The name, then the address, without repeating a street that the name already spells out.

        The office is named "CitésLab – 13 rue Victor Hugo": pages read "…Victor Hugo, 13 rue Victor Hugo" otherwise.
        """
        parts = [self.nom]
        if self.adresse and self.adresse.casefold() not in self.nom.casefold():
            parts.append(self.adresse)
        parts.append(f"{self.code_postal} {self.ville}".strip())
        return ", ".join(part for part in parts if part)

    @property
    def lien_carte(self):
        """An OpenStreetMap link: exact point when known, otherwise a search on name and address."""
        from urllib.parse import urlencode

        if self.latitude is not None and self.longitude is not None:
            return (
                f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
                f"#map=18/{self.latitude}/{self.longitude}"
            )
        query = ", ".join(part for part in [self.nom, self.adresse, f"{self.code_postal} {self.ville}"] if part)
        return "https://www.openstreetmap.org/search?" + urlencode({"query": query})


class Bureau(models.Model):
    """The office's public contact, editable in the admin rather than written into templates."""

    nom = models.CharField("nom", max_length=150, default="CitésLab Carcassonne")
    lieu = models.ForeignKey(Lieu, verbose_name="local", on_delete=models.PROTECT, related_name="+")
    responsable = models.CharField("chef de projet", max_length=150)
    fonction = models.CharField("fonction", max_length=150, default="Chef de projet CitésLab")
    telephone = TelephoneField("téléphone")
    email = models.EmailField("adresse électronique")
    structure_porteuse = models.CharField("structure porteuse", max_length=150, default="Carcassonne Agglo")

    class Meta:
        verbose_name = "coordonnées du bureau"
        verbose_name_plural = "coordonnées du bureau"

    def __str__(self):
        return self.nom

    @property
    def telephone_international(self):
        """The number in E.164 form for a tel: link (06 07 44 82 97 -> +33607448297)."""
        return telephone_international(self.telephone)


class PermanenceQuerySet(models.QuerySet):
    def en_vigueur_entre(self, debut, fin):
        """Slots valid on at least one day of [debut, fin]."""
        return self.filter(valide_du__lte=fin).filter(Q(valide_au__isnull=True) | Q(valide_au__gte=debut))

    def accueil(self):
        return self.filter(type=Permanence.Type.ACCUEIL)


class Permanence(models.Model):
    """A weekly slot of the schedule: a walk-in permanence in a place, or an 'Ateliers Émergence' slot."""

    class Type(models.TextChoices):
        ACCUEIL = "accueil", "Permanence d'accueil"
        ATELIERS_EMERGENCE = "ateliers_emergence", "Ateliers Émergence"

    class Jour(models.IntegerChoices):
        LUNDI = 0, "lundi"
        MARDI = 1, "mardi"
        MERCREDI = 2, "mercredi"
        JEUDI = 3, "jeudi"
        VENDREDI = 4, "vendredi"
        SAMEDI = 5, "samedi"
        DIMANCHE = 6, "dimanche"

    type = models.CharField("type", max_length=20, choices=Type, default=Type.ACCUEIL)
    jour = models.PositiveSmallIntegerField("jour", choices=Jour)
    debut = models.TimeField("début")
    fin = models.TimeField("fin")
    lieu = models.ForeignKey(
        Lieu,
        verbose_name="lieu",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permanences",
        help_text="Obligatoire pour une permanence d'accueil.",
    )
    valide_du = models.DateField("en vigueur du")
    valide_au = models.DateField("jusqu'au", null=True, blank=True, help_text="Laisser vide si sans fin prévue.")
    # Appointments: the first `nb_rdv` times of `duree_rdv` minutes from the start can be booked on the site
    # (rendezvous app); the rest of the permanence stays open to walk-ins.
    prend_rdv = models.BooleanField(
        "prend des rendez-vous", default=False, help_text="Les habitants peuvent réserver un horaire sur le site."
    )
    duree_rdv = models.PositiveSmallIntegerField("durée d'un rendez-vous (minutes)", default=30)
    nb_rdv = models.PositiveSmallIntegerField(
        "rendez-vous réservables",
        default=2,
        help_text="Nombre d'horaires réservables, à partir du début ; le reste du temps reste sans rendez-vous.",
    )

    objects = PermanenceQuerySet.as_manager()

    class Meta:
        verbose_name = "permanence"
        verbose_name_plural = "permanences"
        ordering = ["jour", "debut"]
        constraints = [
            models.CheckConstraint(condition=Q(fin__gt=models.F("debut")), name="permanence_fin_apres_debut"),
            models.CheckConstraint(
                condition=Q(valide_au__isnull=True) | Q(valide_au__gte=models.F("valide_du")),
                name="permanence_periode_valide",
            ),
            models.CheckConstraint(
                condition=~Q(type="accueil") | Q(lieu__isnull=False),
                name="permanence_accueil_a_un_lieu",
            ),
            models.CheckConstraint(condition=Q(duree_rdv__gte=5), name="permanence_duree_rdv_positive"),
        ]

    # Meta.constraints in words, on their field (citeslab.core.contraintes): no migration, every form.
    EXPLICATIONS = {
        "permanence_fin_apres_debut": ("fin", "La permanence doit finir après son heure de début."),
        "permanence_periode_valide": ("valide_au", "La fin de validité ne peut pas précéder son début."),
        "permanence_accueil_a_un_lieu": ("lieu", "Une permanence d’accueil a lieu quelque part : choisissez le lieu."),
        "permanence_duree_rdv_positive": ("duree_rdv", "Un rendez-vous dure au moins 5 minutes."),
    }

    def __str__(self):
        where = self.lieu.nom if self.lieu_id else self.get_type_display()
        return f"{self.get_jour_display()} {self.debut:%H:%M}–{self.fin:%H:%M} · {where}"

    def validate_constraints(self, exclude=None):
        valider_contraintes(self, exclude, self.EXPLICATIONS)

    def clean(self):
        super().clean()
        if self.prend_rdv:
            if self.type != self.Type.ACCUEIL:
                raise ValidationError({"prend_rdv": "Seule une permanence d'accueil peut prendre des rendez-vous."})
            if self.debut and self.fin and self.duree_rdv and self.nb_rdv:
                minutes = (self.fin.hour * 60 + self.fin.minute) - (self.debut.hour * 60 + self.debut.minute)
                if self.nb_rdv * self.duree_rdv > minutes:
                    raise ValidationError(
                        {
                            "nb_rdv": f"{self.nb_rdv} rendez-vous de {self.duree_rdv} minutes ne tiennent pas dans "
                            f"une permanence de {minutes} minutes."
                        }
                    )

    @property
    def demi_journee(self):
        return "matin" if self.debut.hour < 12 else "après-midi"


class FermetureQuerySet(models.QuerySet):
    def entre(self, debut, fin):
        return self.filter(debut__lte=fin, fin__gte=debut)


class Fermeture(models.Model):
    """A closure (leave, training, exceptional closure) of every slot, or of one slot, over a date range."""

    debut = models.DateField("du")
    fin = models.DateField("au (inclus)")
    motif = models.CharField("motif", max_length=200, help_text="Affiché sur le site public, par ex. « Congés ».")
    permanence = models.ForeignKey(
        Permanence,
        verbose_name="permanence concernée",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fermetures",
        help_text="Laisser vide pour fermer toutes les permanences de la période.",
    )

    objects = FermetureQuerySet.as_manager()

    class Meta:
        verbose_name = "fermeture"
        verbose_name_plural = "fermetures"
        ordering = ["-debut"]
        constraints = [
            models.CheckConstraint(condition=Q(fin__gte=models.F("debut")), name="fermeture_fin_apres_debut"),
        ]

    EXPLICATIONS = {
        "fermeture_fin_apres_debut": ("fin", "La fermeture ne peut pas finir avant de commencer."),
    }

    def __str__(self):
        if self.debut == self.fin:
            return f"{self.motif} ({self.debut:%d/%m/%Y})"
        return f"{self.motif} ({self.debut:%d/%m/%Y} – {self.fin:%d/%m/%Y})"

    def validate_constraints(self, exclude=None):
        valider_contraintes(self, exclude, self.EXPLICATIONS)
