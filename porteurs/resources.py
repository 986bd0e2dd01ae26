"""django-import-export resources of people, follow-ups and referrals: the admin, commands and tests share them.

Every export field's `attribute` is a lookup path ("quartier__nom"), so citeslab.core.exports can stream the
rows from values_list with the related names joined in, instead of building a Dataset cell by cell.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources, widgets

from citeslab.core.telephone import normaliser_telephone
from permanences.models import HORS_QPV, Quartier
from porteurs.models import ChangementEtape, Etape, Orientation, Porteur, Suivi

FORMAT_DATE = "%d/%m/%Y"


class DateFrancaiseWidget(widgets.DateWidget):
    """dd/mm/yyyy (also accepts yyyy-mm-dd and spreadsheet dates); `obligatoire` refuses an empty cell."""

    def __init__(self, obligatoire=False, message=""):
        super().__init__(format=FORMAT_DATE)
        self.obligatoire = obligatoire
        self.message = message

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            if self.obligatoire:
                raise ValueError(self.message)
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        texte = str(value).strip()
        for fmt in (FORMAT_DATE, "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return datetime.datetime.strptime(texte, fmt).date()
            except ValueError:
                continue
        raise ValueError(f"« {texte} » n'est pas une date au format jj/mm/aaaa.")


class ChoixWidget(widgets.Widget):
    """A choice typed as its label ("Femme") or its code ("F"), any case; exported as its label."""

    def __init__(self, choices, defaut=None):
        super().__init__()
        self.par_texte = {}
        for code, libelle in choices:
            self.par_texte[str(code).lower()] = code
            self.par_texte[str(libelle).lower()] = code
        self.choices = dict(choices)
        self.defaut = defaut

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return self.defaut
        code = self.par_texte.get(str(value).strip().lower())
        if code is None:
            attendus = ", ".join(str(v) for v in self.choices.values())
            raise ValueError(f"« {value} » n'est pas une valeur possible ({attendus}).")
        return code

    def render(self, value, obj=None, **kwargs):
        return self.choices.get(value, value)


class QuartierWidget(widgets.ForeignKeyWidget):
    """A quartier by its name; empty or "Hors QPV" means none."""

    def __init__(self):
        super().__init__(Quartier, field="nom")

    def clean(self, value, row=None, **kwargs):
        if value in (None, "") or str(value).strip().lower() in {HORS_QPV.lower(), "hors quartier"}:
            return None
        try:
            return Quartier.objects.get(nom__iexact=str(value).strip())
        except Quartier.DoesNotExist:
            noms = ", ".join(Quartier.objects.values_list("nom", flat=True))
            raise ValueError(
                f"Quartier inconnu : « {value} ». Quartiers possibles : {noms}, ou « {HORS_QPV} »."
            ) from None


class TexteWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value).strip()


class TelephoneWidget(TexteWidget):
    """Written the way the model stores it, so re-importing "0612345678" over "06 12 34 56 78" is no change."""

    def clean(self, value, row=None, **kwargs):
        texte = super().clean(value, row, **kwargs)
        try:
            return normaliser_telephone(texte)
        except ValidationError:
            return texte  # the model's clean() reports it against the field


def _champ(attribute, titre, widget=None, **kwargs):
    return fields.Field(attribute=attribute, column_name=titre, widget=widget or TexteWidget(), **kwargs)


class PorteurResource(resources.ModelResource):
    """People. Natural key on import: (nom, prénom, date de naissance) — see `import_id_fields`.

    The birth date is part of the key because it never changes (a phone number or an e-mail does) and it is
    always asked for the age bands of the report; two homonyms born the same day are the same person.
    It is therefore required in the imported file.
    """

    nom = _champ("nom", "Nom")
    prenom = _champ("prenom", "Prénom")
    date_naissance = fields.Field(
        attribute="date_naissance",
        column_name="Date de naissance",
        widget=DateFrancaiseWidget(
            obligatoire=True,
            message="La date de naissance est obligatoire : avec le nom et le prénom, "
            "elle évite les doublons quand le fichier est réimporté.",
        ),
    )
    telephone = _champ("telephone", "Téléphone", TelephoneWidget())
    email = _champ("email", "Adresse électronique")
    quartier = fields.Field(attribute="quartier", column_name="Quartier", widget=QuartierWidget())
    genre = _champ("genre", "Genre", ChoixWidget(Porteur.Genre.choices, Porteur.Genre.NON_PRECISE))
    situation = _champ("situation", "Situation à l'arrivée", ChoixWidget(Porteur.Situation.choices, "autre"))
    source = _champ("source", "Venu par", ChoixWidget(Porteur.Source.choices, "permanence"))
    secteur = _champ("secteur", "Secteur d'activité", ChoixWidget(Porteur.Secteur.choices, ""))
    idee = _champ("idee", "Idée de projet")
    date_premier_contact = fields.Field(
        attribute="date_premier_contact", column_name="Premier contact", widget=DateFrancaiseWidget()
    )
    etape = _champ("etape", "Étape du parcours", ChoixWidget(Etape.choices, Etape.EMERGENCE))
    relance_le = fields.Field(attribute="relance_le", column_name="À relancer le", widget=DateFrancaiseWidget())

    class Meta:
        model = Porteur
        fields = (
            "nom",
            "prenom",
            "date_naissance",
            "telephone",
            "email",
            "quartier",
            "genre",
            "situation",
            "source",
            "secteur",
            "idee",
            "date_premier_contact",
            "etape",
            "relance_le",
        )
        export_order = fields
        import_id_fields = ("nom", "prenom", "date_naissance")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = False

    def get_queryset(self):
        return super().get_queryset().select_related("quartier")

    def get_or_init_instance(self, instance_loader, row):
        try:
            return super().get_or_init_instance(instance_loader, row)
        except ValueError:
            # A bad key cell (the birth date) fails the lookup itself: report it, and every other bad cell of
            # the row, as the row's validation errors rather than as a crash.
            erreurs = {}
            for field in self.get_import_fields():
                try:
                    field.widget.clean(row.get(field.column_name), row=row)
                except ValueError as exc:
                    erreurs[field.attribute] = [str(exc)]
            raise ValidationError(erreurs) from None

    def before_save_instance(self, instance, row, **kwargs):
        instance._nouveau = instance.pk is None

    def after_save_instance(self, instance, row, **kwargs):
        # Imported people get the first row of their stage history, as creer_porteur gives everyone else.
        if getattr(instance, "_nouveau", False):
            ChangementEtape.objects.create(
                porteur=instance,
                etape=instance.etape,
                date=instance.date_premier_contact,
                commentaire="Import de fichier",
            )

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # A cell left empty in the file keeps the model's default rather than an empty value.
        if not instance.situation:
            instance.situation = Porteur.Situation.AUTRE
        if not instance.date_premier_contact:
            instance.date_premier_contact = timezone.localdate()


class SuiviResource(resources.ModelResource):
    """Follow-ups. Interview notes are left out: a raw spreadsheet travels further than the admin."""

    date = fields.Field(attribute="date", column_name="Date")
    porteur_nom = fields.Field(attribute="porteur__nom", column_name="Nom")
    porteur_prenom = fields.Field(attribute="porteur__prenom", column_name="Prénom")
    type = fields.Field(attribute="type", column_name="Type")
    lieu = fields.Field(attribute="lieu__nom", column_name="Lieu")
    duree_minutes = fields.Field(attribute="duree_minutes", column_name="Durée (minutes)")
    prochaine_etape = fields.Field(attribute="prochaine_etape", column_name="Prochaine étape")
    relance_le = fields.Field(attribute="relance_le", column_name="À relancer le")

    class Meta:
        model = Suivi
        fields = (
            "date",
            "porteur_nom",
            "porteur_prenom",
            "type",
            "lieu",
            "duree_minutes",
            "prochaine_etape",
            "relance_le",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("porteur", "lieu")


class OrientationResource(resources.ModelResource):
    date = fields.Field(attribute="date", column_name="Date")
    porteur_nom = fields.Field(attribute="porteur__nom", column_name="Nom")
    porteur_prenom = fields.Field(attribute="porteur__prenom", column_name="Prénom")
    partenaire = fields.Field(attribute="partenaire__nom", column_name="Partenaire")
    objet = fields.Field(attribute="objet", column_name="Objet")
    resultat = fields.Field(attribute="resultat", column_name="Résultat")

    class Meta:
        model = Orientation
        fields = ("date", "porteur_nom", "porteur_prenom", "partenaire", "objet", "resultat")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("porteur", "partenaire")
