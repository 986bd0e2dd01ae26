"""The import in three steps: the file, which of its columns feeds which field, then the preview and confirmation.

Offices keep their own spreadsheets: « NOM », « Né(e) le », « Tél. », « Sexe », columns the portal does not
know. After the upload, a page shows each column of the file beside the field it will fill (guessed from its
title, changeable with a select) and lists the columns that will be ignored; nothing is read further until the
person confirms it. The preview then shows the file's own cells, each error written under its cell, rows
numbered as the spreadsheet numbers them (header = 1). The mapping travels with the confirmation and the file to
the task queue (imports_en_file), which applies it the same way.

A resource takes part with two attributes: `entetes_usuelles` ({field: [other titles]}) and
`champs_obligatoires`; after a dry run it may leave `fiches_liees` ({row number: [pk]}) for links to open.
"""

import json
import logging
from dataclasses import dataclass, field

import tablib
from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from import_export.forms import ConfirmImportForm
from import_export.results import RowResult
from openpyxl.utils.cell import get_column_letter

from citeslab.core.formats import NBSP, nombre
from citeslab.core.imports import FichierRefuse, StockageImport, duree_lisible, duree_max
from citeslab.core.saisie import normaliser, sans_article

logger = logging.getLogger(__name__)

IGNOREE = ""
LIGNES_MONTREES = 100  # rows of a clean preview
ERREURS_MONTREES = 300  # faulty rows shown; the count says how many more
ILLISIBLE = (
    f"Ce fichier n'a pas pu être lu{NBSP}: enregistrez-le depuis le tableur en «{NBSP}Classeur Excel (.xlsx){NBSP}» "
    f"ou en «{NBSP}CSV (séparateur{NBSP}: point-virgule){NBSP}», choisissez le format correspondant, puis "
    "importez-le de nouveau."
)


def champs_importables(resource) -> list[tuple[str, str]]:
    """(field name, column title) of the fields a file can fill, in the resource's order."""
    importes = resource.get_import_fields()
    return [(nom, f.column_name) for nom, f in resource.fields.items() if f in importes and f.attribute]


def _titres_connus(resource) -> dict[str, str]:
    connus = {}
    usuels = getattr(resource, "entetes_usuelles", {})
    for nom, titre in champs_importables(resource):
        for texte in [titre, nom, *usuels.get(nom, [])]:
            cle = normaliser(texte)
            connus.setdefault(cle, nom)
            connus.setdefault(sans_article(cle), nom)
    return connus


def proposer(entetes, resource) -> list[str]:
    """The field each column feeds, guessed from its title (IGNOREE if none); a field goes to its first column."""
    connus = _titres_connus(resource)
    pris = set()
    choix = []
    for titre in entetes:
        cle = normaliser(titre)
        nom = connus.get(cle) or connus.get(sans_article(cle))
        if nom is None or nom in pris:
            choix.append(IGNOREE)
        else:
            pris.add(nom)
            choix.append(nom)
    return choix


def verifier(correspondance, resource) -> list[str]:
    """What is wrong with a mapping, in French: a field fed by two columns, a required field fed by none."""
    titres = dict(champs_importables(resource))
    erreurs = []
    colonnes_par_champ = {}
    for index, nom in enumerate(correspondance):
        if nom:
            colonnes_par_champ.setdefault(nom, []).append(get_column_letter(index + 1))
    for nom, colonnes in colonnes_par_champ.items():
        if len(colonnes) > 1:
            erreurs.append(
                f"«{NBSP}{titres[nom]}{NBSP}» est choisi pour plusieurs colonnes ({', '.join(colonnes)})"
                f"{NBSP}: gardez-en une, ignorez les autres."
            )
    for nom in getattr(resource, "champs_obligatoires", ()):
        if nom not in colonnes_par_champ:
            erreurs.append(f"Aucune colonne ne donne «{NBSP}{titres[nom]}{NBSP}»{NBSP}: ce champ est obligatoire.")
    return erreurs


def _vide(valeur) -> bool:
    return valeur is None or (isinstance(valeur, str) and not valeur.strip())


def appliquer(dataset, correspondance, resource) -> tuple[tablib.Dataset, list[int]]:
    """The file's rows with only the chosen columns, titled as the resource expects, and each row's number
    in the spreadsheet (header = 1). Rows with no cell at all are left out, their numbers skipped."""
    titres = dict(champs_importables(resource))
    largeur = len(dataset.headers or [])
    if len(correspondance) != largeur:
        raise FichierRefuse(
            f"Le fichier n'a plus les mêmes colonnes que lors de l'aperçu{NBSP}: importez-le de nouveau."
        )
    gardees = [(index, titres[nom]) for index, nom in enumerate(correspondance) if nom]
    resultat = tablib.Dataset(headers=[titre for _, titre in gardees])
    numeros = []
    for numero, ligne in enumerate(dataset, start=2):
        if all(_vide(valeur) for valeur in ligne):
            continue
        resultat.append([ligne[index] for index, _ in gardees])
        numeros.append(numero)
    return resultat, numeros


def correspondance_depuis(texte, resource, largeur=None) -> list[str] | None:
    """A mapping sent back by the browser (JSON list of field names), or None if it is not a valid one."""
    try:
        valeur = json.loads(texte)
    except (TypeError, ValueError):
        return None
    permis = {nom for nom, _ in champs_importables(resource)} | {IGNOREE}
    if (
        not isinstance(valeur, list)
        or not all(isinstance(nom, str) and nom in permis for nom in valeur)
        or (largeur is not None and len(valeur) != largeur)
        or verifier(valeur, resource)
    ):
        return None
    return valeur


# ---------------------------------------------------------------------------------------------------------------
# What the pages show
# ---------------------------------------------------------------------------------------------------------------


def _texte(valeur, longueur=80) -> str:
    if valeur is None:
        return ""
    if hasattr(valeur, "strftime"):
        return f"{valeur:%d/%m/%Y}"  # a date cell, written as the file's people write dates
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    texte = str(valeur).strip()
    return texte if len(texte) <= longueur else texte[: longueur - 1] + "…"


@dataclass
class ColonneDuFichier:
    index: int
    lettre: str
    titre: str
    choix: str
    exemples: list[str]


def colonnes_du_fichier(dataset, correspondance) -> list[ColonneDuFichier]:
    colonnes = []
    for index, titre in enumerate(dataset.headers or []):
        exemples = []
        for ligne in dataset:
            if len(exemples) == 2:
                break
            if not _vide(ligne[index]):
                exemples.append(_texte(ligne[index], 30))
        colonnes.append(
            ColonneDuFichier(index, get_column_letter(index + 1), _texte(titre, 60), correspondance[index], exemples)
        )
    return colonnes


@dataclass
class Cellule:
    valeur: str
    erreurs: list[str] = field(default_factory=list)


@dataclass
class LigneApercu:
    numero: int
    genre: str  # new, update, skip, invalid, error
    cellules: list[Cellule]
    remarques: list[str]
    fiches: list[tuple[str, str]]  # (label, url) of people this row is, or collides with

    @property
    def fautive(self) -> bool:
        return self.genre in (RowResult.IMPORT_TYPE_INVALID, RowResult.IMPORT_TYPE_ERROR)


GENRES = {
    RowResult.IMPORT_TYPE_NEW: "Nouvelle fiche",
    RowResult.IMPORT_TYPE_UPDATE: "Fiche existante complétée",
    RowResult.IMPORT_TYPE_SKIP: "Fiche existante, inchangée",
    RowResult.IMPORT_TYPE_INVALID: "À corriger",
    RowResult.IMPORT_TYPE_ERROR: "À corriger",
}


def lignes_apercu(result, dataset, numeros, resource, url_fiche) -> list[LigneApercu]:
    """One line per row of the file: its cells, the errors under the cell they concern, the pages it links to."""
    attributs = {f.column_name: nom for nom, f in resource.fields.items()}
    colonnes = [attributs.get(titre) for titre in dataset.headers]
    fiches_liees = getattr(resource, "fiches_liees", {})
    lignes = []
    for index, (row_result, valeurs) in enumerate(zip(result.rows, dataset, strict=False)):
        erreurs = {}
        remarques = []
        if row_result.validation_error is not None:
            for nom, messages_champ in row_result.validation_error.message_dict.items():
                if nom in colonnes:
                    erreurs[nom] = messages_champ
                else:
                    # A model check on a field the file does not give, or on the whole row.
                    prefixe = (
                        ""
                        if nom == NON_FIELD_ERRORS
                        else f"{resource.fields[nom].column_name if nom in resource.fields else nom}{NBSP}: "
                    )
                    remarques += [prefixe + message for message in messages_champ]
        if row_result.errors:
            remarques.append("Cette ligne n'a pas pu être lue (valeur inattendue)\u202f: vérifiez ses cellules.")
        fiches = []
        for pk in dict.fromkeys(fiches_liees.get(index + 1, [])):
            try:
                fiches.append((f"fiche n°{NBSP}{pk}", url_fiche(pk)))
            except NoReverseMatch:
                pass
        lignes.append(
            LigneApercu(
                numero=numeros[index],
                genre=row_result.import_type,
                cellules=[
                    Cellule(_texte(valeur), erreurs.get(nom, []))
                    for valeur, nom in zip(valeurs, colonnes, strict=True)
                ],
                remarques=remarques,
                fiches=fiches,
            )
        )
    return lignes


# ---------------------------------------------------------------------------------------------------------------
# The admin
# ---------------------------------------------------------------------------------------------------------------


class FormulaireSuite(ConfirmImportForm):
    """What the mapping and preview pages send back: the stored file's name, its format, and the mapping."""

    correspondance = forms.CharField(widget=forms.HiddenInput, required=False)


class ImportAvecCorrespondanceMixin:
    """To put before StreamingImportExportMixin: the mapping step between the upload and the preview."""

    template_correspondance = "admin/import_export/correspondance.html"
    template_apercu = "admin/import_export/apercu.html"

    def create_import_form(self, request):
        # The upload step may have refused the file already: the page shows that form and its error.
        formulaire = getattr(request, "_formulaire_import", None)
        return formulaire if formulaire is not None else super().create_import_form(request)

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "etape" in request.POST:
            return self._etape_suivante(request)
        if request.method == "POST":
            reponse = self._televerser(request)
            if reponse is not None:
                return reponse
        return super().import_action(request, **kwargs)

    # -- Step 1: the file ----------------------------------------------------------------------------------------

    def _lire(self, numero_format, donnees):
        """The file as a Dataset; FichierRefuse with a French message for anything unreadable or empty."""
        formats = self.get_import_formats()
        try:
            dataset = formats[int(numero_format)]().create_dataset(donnees)
        except FichierRefuse:
            raise
        except Exception as exc:
            # csv, zip, xml and openpyxl fail in many ways on a file of another kind: all mean it cannot be read.
            logger.info("Fichier illisible à l'import (%s)", type(exc).__name__)
            raise FichierRefuse(ILLISIBLE) from None
        if not dataset.headers or all(_vide(titre) for titre in dataset.headers):
            raise FichierRefuse(
                f"Le fichier est vide{NBSP}: sa première ligne doit donner le titre de chaque colonne "
                f"(Nom, Prénom, Date de naissance…), les lignes suivantes une personne chacune."
            )
        if not any(not all(_vide(valeur) for valeur in ligne) for ligne in dataset):
            raise FichierRefuse(
                f"Le fichier ne contient que sa ligne de titres{NBSP}: aucune personne à importer sous l'en-tête."
            )
        return dataset

    def _televerser(self, request):
        formulaire = self.create_import_form(request)
        request._formulaire_import = formulaire
        if not formulaire.is_valid():
            return None
        fichier = formulaire.cleaned_data["import_file"]
        donnees = b"".join(fichier.chunks())
        try:
            dataset = self._lire(formulaire.cleaned_data["format"], donnees)
        except FichierRefuse as exc:
            formulaire.add_error("import_file", str(exc))
            return None
        stockage = StockageImport(donnees=donnees)
        stockage.enregistrer()
        suite = {
            "import_file_name": stockage.name,
            "original_file_name": fichier.name[:200],
            "format": formulaire.cleaned_data["format"],
            "resource": formulaire.cleaned_data.get("resource") or "0",
        }
        resource = self._resource(request, suite["resource"])
        return self._page_correspondance(request, suite, dataset, resource, proposer(dataset.headers, resource))

    # -- Steps 2 and 3: the mapping, then the preview ------------------------------------------------------------

    def _resource(self, request, numero):
        classes = self.get_import_resource_classes(request)
        try:
            classe = classes[int(numero or 0)]
        except (ValueError, IndexError):
            classe = classes[0]
        return classe(**self.get_import_resource_kwargs(request))

    def _etape_suivante(self, request):
        formulaire = FormulaireSuite(request.POST)
        if not formulaire.is_valid():
            return self._retour(request)
        suite = {
            nom: formulaire.cleaned_data[nom]
            for nom in ("import_file_name", "original_file_name", "format", "resource")
        }
        formats = self.get_import_formats()
        if not suite["format"].isdigit() or int(suite["format"]) >= len(formats):
            return self._retour(request)
        donnees = StockageImport(name=suite["import_file_name"]).read()
        if donnees is None:
            return self._retour(request)
        try:
            dataset = self._lire(suite["format"], donnees)
        except FichierRefuse:
            return self._retour(request)
        resource = self._resource(request, suite["resource"])
        permis = {nom for nom, _ in champs_importables(resource)}
        correspondance = []
        for index in range(len(dataset.headers)):
            choix = request.POST.get(f"colonne_{index}", IGNOREE)
            correspondance.append(choix if choix in permis else IGNOREE)
        if request.POST.get("etape") == "revoir":
            return self._page_correspondance(request, suite, dataset, resource, correspondance)
        erreurs = verifier(correspondance, resource)
        if erreurs:
            return self._page_correspondance(request, suite, dataset, resource, correspondance, erreurs)
        return self._page_apercu(request, suite, dataset, resource, correspondance)

    def _contexte(self, request, titre):
        return {
            **self.admin_site.each_context(request),
            "title": titre,
            "opts": self.model._meta,
            "retour_import": reverse("admin:{}_{}_import".format(*self.get_model_info())),
        }

    def _page_correspondance(self, request, suite, dataset, resource, correspondance, erreurs=()):
        colonnes = colonnes_du_fichier(dataset, correspondance)
        contexte = {
            **self._contexte(request, f"Import de {self.model._meta.verbose_name_plural}{NBSP}: les colonnes"),
            "suite": suite,
            "colonnes": colonnes,
            "ignorees": [colonne for colonne in colonnes if not colonne.choix],
            "champs": champs_importables(resource),
            "obligatoires": [dict(champs_importables(resource))[nom] for nom in resource.champs_obligatoires],
            "erreurs": erreurs,
            "lignes": nombre(sum(1 for ligne in dataset if not all(_vide(v) for v in ligne))),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.template_correspondance, contexte)

    def _page_apercu(self, request, suite, dataset, resource, correspondance):
        donnees, numeros = appliquer(dataset, correspondance, resource)
        try:
            result = resource.import_data(
                donnees,
                dry_run=True,
                raise_errors=False,
                rollback_on_validation_errors=True,
                user=request.user,
                numeros_lignes=numeros,
                file_name=suite["original_file_name"],
            )
        except Exception as exc:
            logger.warning("Aperçu d'import interrompu (%s)", type(exc).__name__)
            messages.error(request, ILLISIBLE)
            return self._page_correspondance(request, suite, dataset, resource, correspondance)
        info = self.get_model_info()
        lignes = lignes_apercu(
            result, donnees, numeros, resource, lambda pk: reverse("admin:{}_{}_change".format(*info), args=[pk])
        )
        fautives = [ligne for ligne in lignes if ligne.fautive]
        erreurs_generales = bool(result.base_errors)
        contexte = {
            **self._contexte(request, f"Import de {self.model._meta.verbose_name_plural}{NBSP}: l'aperçu"),
            "suite": suite,
            "correspondance": correspondance,
            "correspondance_json": json.dumps(correspondance),
            "entetes": list(donnees.headers),
            "ignorees": [c for c in colonnes_du_fichier(dataset, correspondance) if not c.choix],
            "lignes": (fautives[:ERREURS_MONTREES] if fautives else lignes[:LIGNES_MONTREES]),
            "total": len(lignes),
            "fautives": len(fautives),
            "cachees": (len(fautives) - ERREURS_MONTREES) if fautives else (len(lignes) - LIGNES_MONTREES),
            "erreurs_generales": erreurs_generales,
            "totaux": {genre: sum(1 for ligne in lignes if ligne.genre == genre) for genre in GENRES},
            "genres": GENRES,
            "duree": duree_lisible(duree_max()),
        }
        if not fautives and not erreurs_generales:
            contexte["confirm_form"] = FormulaireSuite(initial={**suite, "correspondance": json.dumps(correspondance)})
        else:
            # A file that cannot be confirmed is not kept (names, birth dates): it comes back corrected.
            StockageImport(name=suite["import_file_name"]).remove()
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.template_apercu, contexte)

    def _retour(self, request):
        messages.error(
            request,
            f"Cet import n'est plus disponible{NBSP}: son fichier date de plus {duree_lisible(duree_max())}, ou "
            "l'import a déjà été confirmé. Importez de nouveau le fichier.",
        )
        return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*self.get_model_info())))

    # -- The confirmation: the mapping goes to the task queue with the file ----------------------------------------

    def create_confirm_form(self, request, import_form=None):
        if import_form is None and request.method == "POST":
            return FormulaireSuite(request.POST)
        return super().create_confirm_form(request, import_form)

    def options_de_mise_en_file(self, request, confirm_form):
        resource = self._resource(request, confirm_form.cleaned_data.get("resource"))
        correspondance = correspondance_depuis(confirm_form.cleaned_data.get("correspondance"), resource)
        if correspondance is None:
            return None
        return {"correspondance": correspondance}
