"""django-import-export resources of people, follow-ups and referrals: the admin, commands and tests share them.

Every export field's `attribute` is a lookup path ("quartier__nom"), so citeslab.core.exports can stream the
rows from values_list with the related names joined in, instead of building a Dataset cell by cell.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from citeslab.core.saisie import Choix, lire_date, noms_usuels, normaliser, sans_article
from citeslab.core.telephone import normaliser_telephone
from permanences.models import HORS_QPV, Quartier
from porteurs.models import ChangementEtape, Etape, Orientation, Porteur, Suivi

FORMAT_DATE = "%d/%m/%Y"
# Rows per INSERT or UPDATE, and values per IN (...) of the look-ups: far below SQLite's 999 parameters.
LOT = 500


class DateFrancaiseWidget(widgets.DateWidget):
    """dd/mm/yyyy, or any way a spreadsheet holds a date (see lire_date); `obligatoire` refuses an empty cell."""

    def __init__(self, obligatoire=False, message=""):
        super().__init__(format=FORMAT_DATE)
        self.obligatoire = obligatoire
        self.message = message

    def clean(self, value, row=None, **kwargs):
        date = lire_date(value)
        if date is None and self.obligatoire:
            raise ValueError(self.message)
        return date


class ChoixWidget(widgets.Widget):
    """A choice typed as its label ("Femme"), its code ("F"), a feminine or plural form ("Salariées") or a synonym."""

    def __init__(self, choices, defaut=None, synonymes=None):
        super().__init__()
        self.choix = Choix(choices, synonymes)
        self.choices = dict(choices)
        self.defaut = defaut

    def clean(self, value, row=None, **kwargs):
        if value is None or not str(value).strip():
            return self.defaut
        code = self.choix.code(value)
        if code is None:
            raise ValueError(f"« {str(value).strip()[:60]} » n'est pas une valeur possible : {self.choix.attendus()}.")
        return code

    def render(self, value, obj=None, **kwargs):
        return self.choices.get(value, value)


HORS_QPV_ECRITS = {"hors qpv", "hors quartier", "hors quartier prioritaire", "hors quartiers", "hqpv", "aucun", "non"}


class QuartierWidget(widgets.ForeignKeyWidget):
    """A quartier by any of its usual names (« Ozanam », « Le Viguier », « Fleming »…); empty or « Hors QPV »: none.

    The five quartiers are read once per import, not once per row.
    """

    def __init__(self):
        super().__init__(Quartier, field="nom")
        self._par_nom = None

    def oublier(self):
        self._par_nom = None

    def _index(self):
        if self._par_nom is None:
            self._quartiers = list(Quartier.objects.all())
            self._par_nom = {}
            for quartier in self._quartiers:
                for nom in noms_usuels(quartier.nom, quartier.slug):
                    self._par_nom.setdefault(nom, quartier)
        return self._par_nom

    def clean(self, value, row=None, **kwargs):
        cle = normaliser(value)
        if not cle or cle in HORS_QPV_ECRITS:
            return None
        index = self._index()
        for essai in (cle, sans_article(cle), sans_article(re.sub(r"^(quartier|qpv|cite) ", "", cle))):
            if essai in index:
                return index[essai]
        noms = ", ".join(f"« {quartier.nom} »" for quartier in self._quartiers)
        raise ValueError(
            f"Quartier inconnu : « {str(value).strip()[:60]} ». Quartiers possibles : {noms} "
            f"(ou un de leurs noms courts : Ozanam, Le Viguier, Fleming…), ou « {HORS_QPV} »."
        )


class TexteWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number cell: « 12 », not « 12.0 »
        return str(value).strip()


class TelephoneWidget(TexteWidget):
    """Written the way the model stores it, so re-importing "0612345678" over "06 12 34 56 78" is no change.

    A number that is not one raises the model field's own message. Each number is read once per import
    (phonenumbers is the slowest part of a row): the look-ups of the file and the row share it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lus = {}

    def clean(self, value, row=None, **kwargs):
        texte = super().clean(value, row, **kwargs)
        if isinstance(value, int | float) and len(texte) == 9:
            texte = "0" + texte  # a number cell: the spreadsheet dropped the leading zero of 06…
        if texte not in self._lus:
            try:
                self._lus[texte] = normaliser_telephone(texte), None
            except ValidationError as exc:
                self._lus[texte] = texte, exc.messages[0]
        numero, erreur = self._lus[texte]
        if erreur:
            raise ValueError(erreur)
        return numero

    def numero_ou_rien(self, value):
        try:
            return self.clean(value)
        except ValueError:
            return ""


def _champ(attribute, titre, widget=None, **kwargs):
    return fields.Field(attribute=attribute, column_name=titre, widget=widget or TexteWidget(), **kwargs)


def cle_de_nom(texte) -> str:
    """« De La Fontaine », « delafontaine », « Dé-la-Fontaine » -> « delafontaine »."""
    return normaliser(texte).replace(" ", "")


@dataclass
class Doublon:
    """Why a row of the file looks like a person already there: a row error, with the person's page to open."""

    champ: str
    message: str
    porteur_pk: int | None = None


class ChargeurParIdentite(BaseInstanceLoader):
    """The existing person of a row, from the look-ups PorteurResource made once for the whole file."""

    def get_instance(self, row):
        return self.resource.fiche_de(row)


class PorteurResource(resources.ModelResource):
    """People. A person is recognised by name, first name and birth date, case and accents ignored.

    The birth date is part of the key because it never changes (a phone number or an e-mail does) and it is
    always asked for the age bands of the report; two homonyms born the same day are the same person.
    It is therefore required in the imported file. A row whose phone or e-mail is another person's (in the
    database or on another row) is refused, naming that person: all or nothing, the file is corrected first.

    Rows are checked one by one but read and written in bulk: every look-up is made once for the whole file
    (`before_import`), new people, their history and their first stage change are inserted in batches.
    """

    # Column titles offices use, beside each field's own (compared by citeslab.core.saisie.normaliser).
    entetes_usuelles = {
        "nom": ["Nom", "NOM", "Nom de famille", "Nom d'usage", "Nom de naissance", "Patronyme"],
        "prenom": ["Prénom", "Prenom", "Prénoms"],
        "date_naissance": [
            "Date de naissance",
            "Né(e) le",
            "Né le",
            "Née le",
            "Naissance",
            "DDN",
            "Date naiss",
            "Date de naiss",
            "Né(e) le (jj/mm/aaaa)",
        ],
        "telephone": [
            "Téléphone",
            "Tél",
            "Tel",
            "Tél.",
            "Portable",
            "Mobile",
            "GSM",
            "Téléphone portable",
            "Tél portable",
            "Tél. portable",
            "Numéro de téléphone",
            "N° de téléphone",
            "N° tél",
            "Phone",
            "Téléphone mobile",
            "Tel mobile",
            "Tél mobile",
        ],
        "email": [
            "Adresse électronique",
            "Email",
            "E-mail",
            "Mail",
            "Courriel",
            "Adresse mail",
            "Adresse e-mail",
            "Adresse email",
            "Mel",
            "Mél",
            "Adresse courriel",
        ],
        "quartier": ["Quartier", "QPV", "Quartier prioritaire", "Quartier QPV", "Quartier de résidence"],
        "genre": ["Genre", "Sexe", "H/F", "F/H", "Civilité"],
        "situation": [
            "Situation à l'arrivée",
            "Situation",
            "Situation professionnelle",
            "Statut professionnel",
            "Situation à l'entrée",
        ],
        "source": [
            "Venu par",
            "Venue par",
            "Venu(e) par",
            "Origine",
            "Orienté par",
            "Orienté(e) par",
            "Prescripteur",
            "Comment nous a-t-il connus",
            "Source",
        ],
        "secteur": ["Secteur d'activité", "Secteur", "Activité", "Domaine", "Domaine d'activité"],
        "idee": ["Idée de projet", "Idée", "Projet", "Idée du projet", "Description du projet", "Projet envisagé"],
        "date_premier_contact": [
            "Premier contact",
            "Date du premier contact",
            "Date de premier contact",
            "1er contact",
            "Date 1er contact",
            "Date d'accueil",
            "Date d'entrée",
            "Date d'inscription",
            "Date de 1er RDV",
            "Date 1er RDV",
        ],
        "etape": ["Étape du parcours", "Étape", "Etape", "Avancement", "Étape actuelle"],
        "relance_le": ["À relancer le", "Relance", "Date de relance", "Relancer le", "Rappel", "À rappeler le"],
    }
    champs_obligatoires = ("nom", "prenom", "date_naissance")

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
    genre = _champ(
        "genre",
        "Genre",
        ChoixWidget(
            Porteur.Genre.choices,
            Porteur.Genre.NON_PRECISE,
            synonymes={
                "F": ["Mme", "Madame", "Mademoiselle", "Mlle", "Féminin"],
                "H": ["M", "M.", "Mr", "Monsieur", "Masculin", "Homme"],
                "N": ["NC", "Non renseigné", "Inconnu", "?"],
            },
        ),
    )
    situation = _champ(
        "situation",
        "Situation à l'arrivée",
        ChoixWidget(
            Porteur.Situation.choices,
            "autre",
            synonymes={
                "demandeur_emploi": [
                    "DE",
                    "DEFM",
                    "Demandeur d'emploi",
                    "Demandeuse d'emploi",
                    "Chômeur",
                    "Chômeuse",
                    "Au chômage",
                    "Sans emploi",
                    "Inscrit à France Travail",
                    "Inscrit à Pôle emploi",
                    "Inscrite à France Travail",
                    "Inscrite à Pôle emploi",
                    "Recherche d'emploi",
                ],
                "rsa": ["RSA", "BRSA", "Bénéficiaire RSA", "Allocataire du RSA", "Allocataire RSA", "Au RSA"],
                "salarie": ["Salarié", "Salariée", "En emploi", "CDI", "CDD", "Intérim", "Intérimaire"],
                "etudiant": ["Étudiant", "Étudiante", "Lycéen", "Lycéenne", "Scolaire", "En formation initiale"],
                "inactif": ["Inactif", "Inactive", "Sans activité", "Au foyer", "Retraité", "Retraitée"],
            },
        ),
    )
    source = _champ(
        "source",
        "Venu par",
        ChoixWidget(
            Porteur.Source.choices,
            "permanence",
            synonymes={
                "partenaire": [
                    "Partenaire",
                    "Prescripteur",
                    "Orientation",
                    "Mission locale",
                    "France Travail",
                    "Pôle emploi",
                ],
                "site_web": ["Site", "Internet", "Site internet", "Web", "Formulaire", "Réseaux sociaux"],
                "bouche_a_oreille": ["Bouche à oreille", "Connaissance", "Ami", "Famille", "BAO"],
            },
        ),
    )
    secteur = _champ("secteur", "Secteur d'activité", ChoixWidget(Porteur.Secteur.choices, ""))
    idee = _champ("idee", "Idée de projet")
    date_premier_contact = fields.Field(
        attribute="date_premier_contact", column_name="Premier contact", widget=DateFrancaiseWidget()
    )
    etape = _champ(
        "etape",
        "Étape du parcours",
        ChoixWidget(Etape.choices, Etape.EMERGENCE, synonymes={"creation": ["Création", "En création"]}),
    )
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
        instance_loader_class = ChargeurParIdentite
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        # Every row is checked as before; the writes wait for the end of the file and go in batches (bulk_create).
        use_bulk = True
        # No deep copy and HTML diff of each person: the preview shows the file's own cells.
        skip_diff = True
        store_row_values = True

    def get_queryset(self):
        return super().get_queryset().select_related("quartier")

    # -- Look-ups made once for the whole file -------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self.utilisateur = kwargs.get("user")
        if kwargs.get("numeros_lignes") is None:
            # Called without the mapping step (commands, tests): rows with no cell at all are left out here.
            vides = [i for i, ligne in enumerate(dataset) if all(v is None or not str(v).strip() for v in ligne)]
            for index in reversed(vides):
                del dataset[index]
            laissees = set(vides)
            self.numeros = [i + 2 for i in range(len(dataset) + len(vides)) if i not in laissees]
        else:
            self.numeros = kwargs["numeros_lignes"]
        self.fields["quartier"].widget.oublier()
        self._avant = None
        self.fiches_liees = {}
        self._identites_lues = {}
        self._rechercher(dataset)

    def _cellules(self, dataset, champ):
        titre = self.fields[champ].column_name
        if titre not in (dataset.headers or []):
            return [None] * len(dataset)
        return dataset.get_col(dataset.headers.index(titre))

    def _identite(self, nom, prenom, naissance):
        cellules = (nom, prenom, naissance)
        if cellules not in self._identites_lues:
            try:
                date = lire_date(naissance)
            except ValueError:
                date = None
            nom, prenom = cle_de_nom(nom), cle_de_nom(prenom)
            self._identites_lues[cellules] = (nom, prenom, date) if nom and prenom and date else None
        return self._identites_lues[cellules]

    def _rechercher(self, dataset):
        identites = [
            self._identite(*cellules)
            for cellules in zip(
                self._cellules(dataset, "nom"),
                self._cellules(dataset, "prenom"),
                self._cellules(dataset, "date_naissance"),
                strict=True,
            )
        ]
        telephones = [self.fields["telephone"].widget.numero_ou_rien(v) for v in self._cellules(dataset, "telephone")]
        emails = [TexteWidget().clean(v).lower() for v in self._cellules(dataset, "email")]
        self._identites = identites

        # Everyone who could be one of these rows, by birth date, phone or e-mail: a few queries for the file.
        candidats = {}
        colonnes = ("pk", "nom", "prenom", "date_naissance", "telephone", "email")
        recherches = [
            ("date_naissance__in", sorted({i[2] for i in identites if i})),
            ("telephone__in", sorted({t for t in telephones if t})),
            ("email_minuscule__in", sorted({e for e in emails if e})),
        ]
        for filtre, valeurs in recherches:
            for debut in range(0, len(valeurs), LOT):
                requete = (
                    Porteur.objects.annotate(email_minuscule=Lower("email")) if "email" in filtre else Porteur.objects
                )
                requete = requete.filter(**{filtre: valeurs[debut : debut + LOT]})
                for ligne in requete.values_list(*colonnes):
                    candidats[ligne[0]] = ligne
        par_identite, par_telephone, par_email = {}, {}, {}
        for pk, nom, prenom, naissance, telephone, email in sorted(candidats.values()):
            if naissance:
                par_identite.setdefault((cle_de_nom(nom), cle_de_nom(prenom), naissance), pk)
            if telephone:
                par_telephone.setdefault(telephone, pk)
            if email:
                par_email.setdefault(email.lower(), pk)
        self._existants = {}
        pks = sorted({par_identite[i] for i in identites if i in par_identite})
        for debut in range(0, len(pks), LOT):
            self._existants.update(self.get_queryset().in_bulk(pks[debut : debut + LOT]))
        self._fiche_par_identite = {i: self._existants[par_identite[i]] for i in identites if i in par_identite}
        noms = {pk: f"{ligne[2]} {ligne[1]}".strip() for pk, ligne in candidats.items()}

        # What each row shares with a person already there, or with an earlier row of the file.
        self.doublons = {}
        premiere_ligne = {}
        for index, (identite, telephone, email) in enumerate(zip(identites, telephones, emails, strict=True)):
            doublons = []
            la_fiche = self._fiche_par_identite.get(identite)
            if identite:
                if identite in premiere_ligne:
                    doublons.append(
                        Doublon(
                            "nom",
                            f"Même personne que la ligne {premiere_ligne[identite]} (même nom, prénom et date "
                            "de naissance) : gardez une seule des deux lignes.",
                        )
                    )
                else:
                    premiere_ligne[identite] = self.numeros[index]
            for champ, valeur, index_base, mot in (
                ("telephone", telephone, par_telephone, "Ce numéro de téléphone"),
                ("email", email, par_email, "Cette adresse électronique"),
            ):
                if not valeur:
                    continue
                cle = (champ, valeur)
                autre_ligne = premiere_ligne.get(cle)
                if autre_ligne is not None and premiere_ligne.get(("identite", cle)) != identite:
                    doublons.append(
                        Doublon(
                            champ,
                            f"{mot} est aussi sur la ligne {autre_ligne}, pour une autre personne : "
                            "si c'est la même, gardez une seule ligne ; sinon retirez-le d'une des deux.",
                        )
                    )
                elif autre_ligne is None:
                    premiere_ligne[cle] = self.numeros[index]
                    premiere_ligne[("identite", cle)] = identite
                pk = index_base.get(valeur)
                if pk is not None and (la_fiche is None or la_fiche.pk != pk):
                    doublons.append(
                        Doublon(
                            champ,
                            f"{mot} est déjà celui de la fiche de {noms[pk]} : si c'est la même personne, écrivez "
                            "son nom, son prénom et sa date de naissance comme sur la fiche ; sinon retirez-le de "
                            "la ligne.",
                            pk,
                        )
                    )
            if doublons:
                self.doublons[index + 1] = doublons

    def fiche_de(self, row):
        identite = self._identite(
            row.get(self.fields["nom"].column_name),
            row.get(self.fields["prenom"].column_name),
            row.get(self.fields["date_naissance"].column_name),
        )
        return self._fiche_par_identite.get(identite)

    # -- Each row ------------------------------------------------------------------------------------------------

    def _valeurs(self, instance):
        return [getattr(instance, field.attribute) for field in self.get_import_fields()]

    def after_init_instance(self, instance, new, row, **kwargs):
        self._avant = None if new else self._valeurs(instance)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # An empty cell keeps what an existing person's page already says: the file completes the page.
        valeur = row.get(field.column_name)
        if instance.pk is not None and (valeur is None or not str(valeur).strip()):
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        erreurs = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            erreurs = exc.update_error_dict(erreurs)
        numero = kwargs.get("row_number")
        for doublon in self.doublons.get(numero, []):
            erreurs.setdefault(doublon.champ, []).append(ValidationError(doublon.message, code="doublon"))
            if doublon.porteur_pk:
                self.fiches_liees.setdefault(numero, []).append(doublon.porteur_pk)
        if instance.pk is not None:
            self.fiches_liees.setdefault(numero, []).insert(0, instance.pk)
        # A cell left empty in the file keeps the model's default rather than an empty value.
        if not instance.situation:
            instance.situation = Porteur.Situation.AUTRE
        if not instance.date_premier_contact:
            instance.date_premier_contact = timezone.localdate()
        if erreurs:
            raise ValidationError(erreurs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The quartier comes from the quartiers read once for the file: full_clean() would check again that it
        # exists, one query per row. The phone was checked and written by its widget. No unique field either.
        erreurs = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*erreurs, "quartier", "telephone"], validate_unique=False)
        except ValidationError as exc:
            erreurs = exc.update_error_dict(erreurs)
        if erreurs:
            raise ValidationError(erreurs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not import_validation_errors and self._avant is not None and self._valeurs(instance) == self._avant

    # -- Writes, in batches ----------------------------------------------------------------------------------------

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        porteurs, self.create_instances = self.create_instances, []
        if not porteurs or dry_run:
            return
        try:
            # The history rows name who imported, as a save in the admin would (django-simple-history).
            bulk_create_with_history(porteurs, Porteur, batch_size=LOT, default_user=self.utilisateur)
            # Imported people get the first row of their stage history, as creer_porteur gives everyone else.
            ChangementEtape.objects.bulk_create(
                [
                    ChangementEtape(
                        porteur=porteur,
                        etape=porteur.etape,
                        date=porteur.date_premier_contact,
                        commentaire="Import de fichier",
                    )
                    for porteur in porteurs
                ],
                batch_size=LOT,
            )
        except Exception as exc:
            self.handle_import_error(result, exc, raise_errors)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        porteurs, self.update_instances = self.update_instances, []
        if not porteurs or dry_run:
            return
        maintenant = timezone.now()
        for porteur in porteurs:
            porteur.modifie_le = maintenant
        champs = [field.attribute for field in self.get_import_fields()] + ["modifie_le"]
        try:
            bulk_update_with_history(porteurs, Porteur, champs, batch_size=LOT, default_user=self.utilisateur)
        except Exception as exc:
            self.handle_import_error(result, exc, raise_errors)


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
