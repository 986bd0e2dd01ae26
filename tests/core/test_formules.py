"""Nothing a stranger or a staff member typed runs as a formula in a file the portal hands out.

The test walks the downloads rather than listing them: every raw export of every admin that has one (found in
the admin registry), every format of the yearly report, the attendance sheet of every workshop. Every text
field of the project's models holds a hostile value first, written past validation as an old row would be.
"""

import csv
import datetime
import io
import zipfile
from html.parser import HTMLParser

import openpyxl
import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.utils import timezone
from odf import teletype
from odf.opendocument import load as charger_ods
from odf.table import TableCell

from ateliers.models import Atelier
from citeslab.core.exports import StreamingExportMixin
from citeslab.core.telephone import TelephoneField
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.financement.factories import ContributionFactory, ConventionFactory, VersementFactory
from tests.permanences.factories import FermetureFactory, LieuFactory, PermanenceFactory
from tests.porteurs.factories import ChangementEtapeFactory, OrientationFactory, PorteurFactory, SuiviFactory

HOSTILES = [
    '=HYPERLINK("http://evil.example","clic")',
    "-2+3",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]
PREFIXES = ("=", "+", "-", "@", "\t", "\r")
APPLICATIONS = ("permanences", "porteurs", "financement", "ateliers")
FORMATS_EXPORT = {"csv": "0", "xlsx": "1", "ods": "2"}
ANNEE = 2019


def _champs_texte(model):
    """The text fields a person types: free text, not a choice, an address, a slug or a phone number."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.EmailField | models.URLField | models.SlugField | TelephoneField)
        and not f.choices
        and f.editable
    ]


def _modeles():
    for application in APPLICATIONS:
        for model in apps.get_app_config(application).get_models():
            if not model._meta.model_name.startswith("historical"):
                yield model


def _rendre_hostile() -> set[str]:
    """Every text field of every row gets a hostile value, the payloads in turn; returns the fields touched."""
    touches = set()
    n = 0
    for model in _modeles():
        champs = _champs_texte(model)
        if not champs:
            continue
        for pk in model.objects.values_list("pk", flat=True):
            valeurs = {}
            for champ in champs:
                valeur = HOSTILES[n % len(HOSTILES)]
                n += 1
                # A unique column needs one value per row; the suffix keeps the hostile start. PostgreSQL holds
                # each column to its length (a postcode has 5 characters): the start is what a spreadsheet reads.
                suffixe = f" {pk}" if champ.unique else ""
                if champ.max_length:
                    valeur = valeur[: champ.max_length - len(suffixe)]
                valeurs[champ.name] = valeur + suffixe
                touches.add(f"{model._meta.label_lower}.{champ.name}")
            model.objects.filter(pk=pk).update(**valeurs)
    return touches


@pytest.fixture
def donnees_hostiles(db):
    lieu = LieuFactory()
    passe = timezone.make_aware(datetime.datetime(ANNEE, 5, 14, 9))
    ateliers = [
        AtelierFactory(lieu=lieu, debut=passe, fin=passe + datetime.timedelta(hours=3)),
        AtelierFactory(lieu=lieu),
    ]
    for atelier in ateliers:
        for _ in HOSTILES:
            InscriptionFactory(atelier=atelier, quartier=lieu.quartier)
    for _ in HOSTILES:
        porteur = PorteurFactory(quartier=lieu.quartier, adresse="1 rue Voltaire", date_premier_contact=passe.date())
        ChangementEtapeFactory(porteur=porteur, date=passe.date())
        SuiviFactory(porteur=porteur, lieu=lieu, prochaine_etape="Rappeler", date=passe.date())
        OrientationFactory(porteur=porteur, objet="Microcrédit", resultat="Accordé", date=passe.date())
    PermanenceFactory(lieu=lieu)
    FermetureFactory()
    convention = ConventionFactory(debut=datetime.date(ANNEE, 1, 1), fin=datetime.date(ANNEE, 12, 31))
    VersementFactory(contribution=ContributionFactory(convention=convention), date=datetime.date(ANNEE, 6, 1))
    touches = _rendre_hostile()
    # What a stranger or the staff types and the downloads show: the walk must have reached them.
    assert {
        "porteurs.porteur.prenom",
        "porteurs.porteur.nom",
        "porteurs.porteur.idee",
        "porteurs.partenaire.nom",
        "ateliers.inscription.prenom",
        "ateliers.inscription.nom",
        "ateliers.atelier.titre",
        "permanences.lieu.nom",
        "permanences.quartier.nom",
        "financement.convention.intitule",
        "financement.financeur.nom",
    } <= touches


def _contenu(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def _cellules_xlsx(contenu: bytes):
    classeur = openpyxl.load_workbook(io.BytesIO(contenu))
    for feuille in classeur.worksheets:
        for ligne in feuille.iter_rows():
            for cellule in ligne:
                if cellule.data_type == "f":
                    # A live formula: reported as one, whatever openpyxl hands back for it.
                    yield "=" + str(cellule.value).removeprefix("=")
                elif isinstance(cellule.value, str):
                    # xlsx stores a carriage return as the escape _x000D_, which openpyxl hands back as is.
                    yield cellule.value.replace("_x000D_", "\r")


def _cellules_ods(contenu: bytes):
    document = charger_ods(io.BytesIO(contenu))
    for cellule in document.getElementsByType(TableCell):
        formule = cellule.getAttribute("formula")
        yield "=" + formule if formule else teletype.extractText(cellule)


def _cellules_csv(texte: str):
    for ligne in csv.reader(io.StringIO(texte, newline=""), delimiter=";"):
        yield from ligne


def _cellules_zip(contenu: bytes):
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        for nom in archive.namelist():
            assert nom.endswith(".csv"), nom
            yield from _cellules_csv(archive.read(nom).decode("utf-8-sig"))


class _Tableau(HTMLParser):
    """The text of each table cell of a page, as a spreadsheet receives it when the table is pasted in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cellules = []
        self._cellule = None

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self._cellule = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cellule is not None:
            self.cellules.append("".join(self._cellule).strip(" \n"))
            self._cellule = None

    def handle_data(self, data):
        if self._cellule is not None:
            self._cellule.append(data)


def _cellules_html(contenu: bytes):
    tableau = _Tableau()
    tableau.feed(contenu.decode())
    return tableau.cellules


LECTEURS = {
    "xlsx": _cellules_xlsx,
    "ods": _cellules_ods,
    "csv": lambda contenu: _cellules_csv(contenu.decode("utf-8-sig")),
    "zip": _cellules_zip,
    "html": _cellules_html,
}


def _exports_bruts(client):
    """Every raw export of every admin that has one, in every format, every field ticked."""
    exports = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, StreamingExportMixin)
    ]
    assert {m._meta.label_lower for m, _ in exports} >= {
        "porteurs.porteur",
        "porteurs.suivi",
        "porteurs.orientation",
        "ateliers.atelier",
        "ateliers.inscription",
    }
    for model, model_admin in exports:
        for numero, resource in enumerate(model_admin.resource_classes):
            for fmt, code in FORMATS_EXPORT.items():
                data = {"format": code, "resource": str(numero)}
                data.update({f"{resource.__name__.lower()}_{champ}": "on" for champ in resource._meta.fields})
                url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/export/"
                yield url, fmt, client.post(url, data)


def _bilans(client):
    for annee in (ANNEE, timezone.localdate().year):
        for fmt in ("xlsx", "ods", "csv"):
            url = f"/bilan/{annee}/telecharger/{fmt}/"
            yield url, "zip" if fmt == "csv" else fmt, client.get(url)


def _emargements(client):
    # The page too: a table pasted from the browser into a spreadsheet runs its formulas.
    for pk in Atelier.objects.values_list("pk", flat=True):
        yield (
            f"/admin/ateliers/atelier/{pk}/emargement.xlsx",
            "xlsx",
            client.get(f"/admin/ateliers/atelier/{pk}/emargement.xlsx"),
        )
        yield (
            f"/admin/ateliers/atelier/{pk}/emargement/",
            "html",
            client.get(f"/admin/ateliers/atelier/{pk}/emargement/"),
        )


@pytest.mark.parametrize(
    ("telechargements", "nombre", "nominatif"),
    [(_exports_bruts, 5 * 3, True), (_bilans, 2 * 3, False), (_emargements, 2 * 2, True)],
    ids=["exports bruts", "bilan annuel", "émargement"],
)
def test_no_download_holds_a_cell_that_would_run_as_a_formula(
    admin_client_, donnees_hostiles, telechargements, nombre, nominatif
):
    fichiers = list(telechargements(admin_client_))
    assert len(fichiers) >= nombre
    formules, sans_donnee_hostile, neutralises = [], [], 0
    for url, fmt, response in fichiers:
        cellules = list(LECTEURS[fmt](_contenu(response)))
        formules += [(url, fmt, cellule) for cellule in cellules if cellule.startswith(PREFIXES)]
        vues = sum(cellule.startswith("'") and cellule[1:].startswith(PREFIXES) for cellule in cellules)
        neutralises += vues
        if nominatif and not vues:
            sans_donnee_hostile.append((url, fmt))
    assert formules == []
    # The hostile rows did reach the files: the test would prove nothing on harmless data.
    assert sans_donnee_hostile == []
    assert neutralises
