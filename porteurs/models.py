import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Contains
from django.utils import timezone
from simple_history.models import HistoricalRecords

from citeslab.core.contraintes import valider_contraintes
from citeslab.core.telephone import TelephoneField, normaliser_telephone
from citeslab.core.texte import cle, cle_sql, valider_nom
from permanences.models import Lieu, Permanence, Quartier


class Etape(models.TextChoices):
    """Stages of a person's path, as the CitésLab network reports them."""

    EMERGENCE = "emergence", "Émergence"
    CREATION = "creation", "Parcours de création"
    ENTREPRISE_CREEE = "entreprise_creee", "Entreprise créée"
    RETOUR_EMPLOI = "retour_emploi", "Retour à l'emploi"
    FORMATION = "formation", "Formation"
    SANS_SUITE = "sans_suite", "Sans suite"


class Partenaire(models.Model):
    """An organisation of the local network a person can be referred to."""

    nom = models.CharField("nom", max_length=150, unique=True)
    sigle = models.CharField("sigle", max_length=30, blank=True)
    description = models.TextField("rôle dans le parcours", blank=True)
    site_web = models.URLField("site web", blank=True)
    actif = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "partenaire"
        verbose_name_plural = "partenaires"
        ordering = ["nom"]

    def __str__(self):
        # "ADIE (Association pour…)" reads well; "France Travail (…) (France Travail)" does not.
        return f"{self.nom} ({self.sigle})" if self.sigle and self.sigle not in self.nom else self.nom


class PorteurQuerySet(models.QuerySet):
    def a_relancer(self, jour=None):
        """People whose call-back date has come."""
        jour = jour or timezone.localdate()
        return self.filter(relance_le__lte=jour)

    def avec_cles(self):
        """`cle_prenom` and `cle_nom`: the names without case, accents, spaces or hyphens (citeslab.core.texte.cle)."""
        return self.annotate(cle_prenom=cle_sql(models.F("prenom")), cle_nom=cle_sql(models.F("nom")))

    def recherche(self, texte: str):
        """What the chef de projet types to find someone: a phone in any format, an e-mail, or names.

        Every word must be found in the first or the last name, whatever the case and accents
        (« elodie dupré » finds « Élodie Dupré », « jean pierre » finds « Jean-Pierre »).
        """
        texte = (texte or "").strip()[:100]
        if not texte:
            return self.none()
        if "@" in texte:
            return self.filter(email__iexact=texte)
        if sum(c.isdigit() for c in texte) >= 6:
            try:
                return self.filter(telephone=normaliser_telephone(texte))
            except ValidationError:
                return self.none()
        condition = condition_des_noms(texte)
        return self.filter(condition) if condition is not None else self.none()


def condition_des_noms(texte: str) -> Q | None:
    """Every word of `texte` in the folded first or last name; None when no word is left once folded.

    Written on the columns' folded expressions, not on annotations or a subquery, so that PostgreSQL serves
    it from the trigram index of migration 0007, alone or OR-ed with the admin's own search.
    """
    mots = [mot for mot in (cle(mot) for mot in texte.split()[:5]) if mot]
    if not mots:
        return None
    condition = Q()
    for mot in mots:
        condition &= Q(Contains(cle_sql(models.F("prenom")), mot)) | Q(Contains(cle_sql(models.F("nom")), mot))
    return condition


class Porteur(models.Model):
    """A resident with a business idea, and where they stand on their path."""

    class Genre(models.TextChoices):
        FEMME = "F", "Femme"
        HOMME = "H", "Homme"
        NON_PRECISE = "N", "Non précisé"

    class Situation(models.TextChoices):
        DEMANDEUR_EMPLOI = "demandeur_emploi", "Demandeur d'emploi"
        RSA = "rsa", "Bénéficiaire du RSA"
        SALARIE = "salarie", "Salarié"
        ETUDIANT = "etudiant", "Étudiant"
        INACTIF = "inactif", "Inactif"
        AUTRE = "autre", "Autre"

    class Source(models.TextChoices):
        PERMANENCE = "permanence", "Permanence"
        ATELIER = "atelier", "Atelier"
        PARTENAIRE = "partenaire", "Orienté par un partenaire"
        SITE_WEB = "site_web", "Site web"
        BOUCHE_A_OREILLE = "bouche_a_oreille", "Bouche-à-oreille"
        AUTRE = "autre", "Autre"

    class Secteur(models.TextChoices):
        COMMERCE = "commerce", "Commerce"
        ARTISANAT = "artisanat", "Artisanat"
        RESTAURATION = "restauration", "Restauration, alimentation"
        SERVICES_PERSONNES = "services_personnes", "Services à la personne"
        SERVICES_ENTREPRISES = "services_entreprises", "Services aux entreprises"
        NUMERIQUE = "numerique", "Numérique"
        BATIMENT = "batiment", "Bâtiment"
        TRANSPORT = "transport", "Transport, logistique"
        CULTURE = "culture", "Culture, arts"
        BEAUTE = "beaute", "Beauté, bien-être"
        AGRICULTURE = "agriculture", "Agriculture"
        AUTRE = "autre", "Autre"

    # Essentials, typed during a permanence
    prenom = models.CharField("prénom", max_length=100, validators=[valider_nom])
    nom = models.CharField("nom", max_length=100, validators=[valider_nom])
    telephone = TelephoneField("téléphone", blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    quartier = models.ForeignKey(
        Quartier,
        verbose_name="quartier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="porteurs",
        help_text="Laisser vide pour une personne qui habite hors quartier prioritaire.",
    )
    genre = models.CharField("genre", max_length=1, choices=Genre, default=Genre.NON_PRECISE)
    idee = models.TextField("idée de projet", blank=True)

    # The rest
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    adresse = models.CharField("adresse", max_length=250, blank=True)
    situation = models.CharField("situation à l'arrivée", max_length=20, choices=Situation, default=Situation.AUTRE)
    secteur = models.CharField("secteur d'activité", max_length=25, choices=Secteur, blank=True)
    source = models.CharField("venu par", max_length=20, choices=Source, default=Source.PERMANENCE)
    date_premier_contact = models.DateField("premier contact", default=timezone.localdate, db_index=True)
    consentement_le = models.DateTimeField(
        "consentement recueilli le",
        null=True,
        blank=True,
        help_text="Date à laquelle la personne a été informée du traitement de ses données et l'a accepté.",
    )
    etape = models.CharField("étape du parcours", max_length=20, choices=Etape, default=Etape.EMERGENCE)
    relance_le = models.DateField(
        "à relancer le", null=True, blank=True, db_index=True, help_text="Date à laquelle rappeler la personne."
    )
    anonymise_le = models.DateTimeField("anonymisé le", null=True, blank=True, editable=False)

    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = PorteurQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["modifie_le"], verbose_name="historique du porteur")

    class Meta:
        verbose_name = "porteur de projet"
        verbose_name_plural = "porteurs de projet"
        ordering = ["nom", "prenom"]
        indexes = [
            # The admin list's order, with the primary key it adds to make the order total: deep pages are an
            # index walk rather than a sort of the whole table.
            models.Index(fields=["nom", "prenom", "-id"], name="porteur_nom_prenom_id_idx"),
            models.Index(fields=["etape"], name="porteur_etape_idx"),
        ]

    def __str__(self):
        return f"{self.prenom} {self.nom}".strip()

    def clean(self):
        super().clean()
        if self.date_naissance and self.date_naissance > timezone.localdate():
            raise ValidationError({"date_naissance": "La date de naissance ne peut pas être dans le futur."})
        if self.date_naissance and self.date_naissance < datetime.date(1900, 1, 1):
            raise ValidationError({"date_naissance": "Cette date de naissance n'est pas plausible."})

    @property
    def a_relancer(self):
        return self.relance_le is not None and self.relance_le <= timezone.localdate()


class ChangementEtape(models.Model):
    """A dated stage change: "who reached création in 2019" is a query on these rows."""

    porteur = models.ForeignKey(
        Porteur, verbose_name="porteur", on_delete=models.CASCADE, related_name="changements_etape"
    )
    etape = models.CharField("étape", max_length=20, choices=Etape)
    date = models.DateField("date", default=timezone.localdate)
    commentaire = models.CharField("commentaire", max_length=250, blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "changement d'étape"
        verbose_name_plural = "historique des étapes"
        ordering = ["-date", "-cree_le"]
        indexes = [
            models.Index(fields=["etape", "date"], name="chgt_etape_date_idx"),
            models.Index(fields=["porteur", "date"], name="chgt_porteur_date_idx"),
        ]

    def __str__(self):
        return f"{self.get_etape_display()} le {self.date:%d/%m/%Y}"


class Suivi(models.Model):
    """One follow-up of a person: an interview, a call, an e-mail, a workshop, a visit."""

    class Type(models.TextChoices):
        ENTRETIEN = "entretien", "Entretien"
        TELEPHONE = "telephone", "Téléphone"
        EMAIL = "email", "Courriel"
        ATELIER = "atelier", "Atelier"
        VISITE = "visite", "Visite"

    porteur = models.ForeignKey(Porteur, verbose_name="porteur", on_delete=models.CASCADE, related_name="suivis")
    date = models.DateField("date", default=timezone.localdate)
    type = models.CharField("type", max_length=20, choices=Type, default=Type.ENTRETIEN)
    lieu = models.ForeignKey(
        Lieu, verbose_name="lieu", on_delete=models.SET_NULL, null=True, blank=True, related_name="suivis"
    )
    permanence = models.ForeignKey(
        Permanence,
        verbose_name="permanence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suivis",
    )
    duree_minutes = models.PositiveSmallIntegerField("durée (minutes)", default=30)
    notes = models.TextField("notes d'entretien", blank=True)
    prochaine_etape = models.CharField("prochaine étape", max_length=250, blank=True)
    relance_le = models.DateField("à relancer le", null=True, blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)

    history = HistoricalRecords(verbose_name="historique du suivi")

    class Meta:
        verbose_name = "suivi"
        verbose_name_plural = "suivis"
        ordering = ["-date", "-cree_le"]
        indexes = [
            models.Index(fields=["porteur", "date"], name="suivi_porteur_date_idx"),
            # (date, porteur): the yearly report reads "who had a follow-up in the year" from the index alone.
            models.Index(fields=["date", "porteur"], name="suivi_date_porteur_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(duree_minutes__lte=24 * 60), name="suivi_duree_plausible"),
        ]

    # Meta.constraints in words, on their field (citeslab.core.contraintes): no migration, every form.
    EXPLICATIONS = {
        "suivi_duree_plausible": ("duree_minutes", "Un suivi dure au plus 24 heures (1 440 minutes)."),
    }

    def __str__(self):
        return f"{self.get_type_display()} du {self.date:%d/%m/%Y}"

    def validate_constraints(self, exclude=None):
        valider_contraintes(self, exclude, self.EXPLICATIONS)


class Orientation(models.Model):
    """A referral of a person to a partner, and what came of it."""

    class Resultat(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        PRIS_EN_CHARGE = "pris_en_charge", "Pris en charge"
        SANS_SUITE = "sans_suite", "Sans suite"

    porteur = models.ForeignKey(Porteur, verbose_name="porteur", on_delete=models.CASCADE, related_name="orientations")
    partenaire = models.ForeignKey(
        Partenaire, verbose_name="partenaire", on_delete=models.PROTECT, related_name="orientations"
    )
    date = models.DateField("date", default=timezone.localdate)
    objet = models.CharField("objet", max_length=250, blank=True, help_text="Par ex. « demande de microcrédit ».")
    resultat = models.CharField("résultat", max_length=20, choices=Resultat, default=Resultat.EN_ATTENTE)
    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)

    history = HistoricalRecords(verbose_name="historique de l'orientation")

    class Meta:
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        ordering = ["-date"]
        indexes = [models.Index(fields=["date"], name="orientation_date_idx")]

    def __str__(self):
        return f"Vers {self.partenaire} le {self.date:%d/%m/%Y}"
