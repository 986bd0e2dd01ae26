"""Imports that cannot exhaust the server, confirmations that cannot crash it, uploads that do not linger.

The hostile files are crafted here: a workbook with one cell at N1048576, a zip whose sheet inflates to
tens of megabytes, rows of a hundred thousand cells. Each must be refused with a French message on the
import page, before it is read, with a bounded memory.
"""

import io
import os
import random
import string
import tempfile
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from citeslab.core.exports import StreamingImportExportMixin
from porteurs.models import Porteur
from tests.permanences.factories import QuartierFactory
from tests.porteurs.test_import import ENTETE, LIGNES, _csv, _xlsx

IMPORT = "/admin/porteurs/porteur/import/"
CONFIRMATION = "/admin/porteurs/porteur/process_import/"
FORMAT = {"csv": "0", "xlsx": "1"}
MO = 1024 * 1024


@pytest.fixture
def grazailles(db):
    return QuartierFactory(nom="Grazailles", slug="grazailles")


def _apercu(client, contenu, fmt="csv"):
    """The upload, then the mapping step kept as proposed: the preview (or the upload page and its error)."""
    fichier = SimpleUploadedFile(f"porteurs.{fmt}", contenu)
    reponse = client.post(IMPORT, {"format": FORMAT[fmt], "resource": "0", "import_file": fichier})
    if reponse.status_code != 200 or "colonnes" not in reponse.context:
        return reponse
    donnees = {**reponse.context["suite"], "etape": "apercu"}
    for colonne in reponse.context["colonnes"]:
        donnees[f"colonne_{colonne.index}"] = colonne.choix
    return client.post(IMPORT, donnees)


def _erreur(reponse) -> str:
    assert reponse.status_code == 200
    assert reponse.context.get("confirm_form") is None
    return " ".join(reponse.context["form"].errors.get("import_file", []))


def _lire(contenu, fmt):
    """The admin's own reader of that format, as the import page calls it."""
    formats = dict(zip(("csv", "xlsx"), StreamingImportExportMixin.import_formats, strict=True))
    return formats[fmt]().create_dataset(contenu)


def _refus(contenu, fmt, pic_max) -> str:
    """The message with which the admin's reader refuses `contenu`, after checking its memory peak."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as refus:
            _lire(contenu, fmt)
        pic = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert pic < pic_max
    return str(refus.value)


def _classeur(cellules=None) -> bytes:
    """A workbook with the import header, the two usual people, and any extra cells ({"N1048576": "x"})."""
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    for ligne in [ENTETE, *LIGNES]:
        feuille.append(ligne)
    for coordonnee, valeur in (cellules or {}).items():
        feuille[coordonnee] = valeur
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def _remplacer_lignes(contenu: bytes, morceaux, dimension=None) -> bytes:
    """The same workbook whose sheet gets `morceaux` (chunks of xml) after its rows, written as they come.

    The chunks are streamed into the zip, so a sheet of forty megabytes costs the test no memory.
    """
    source = zipfile.ZipFile(io.BytesIO(contenu))
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            donnees = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, donnees)
                continue
            xml = donnees.decode()
            if dimension:
                debut = xml.index('<dimension ref="') + len('<dimension ref="')
                xml = xml[:debut] + dimension + xml[xml.index('"', debut) :]
            avant, apres = xml.split("</sheetData>")
            with archive.open(info.filename, "w", force_zip64=True) as feuille:
                feuille.write(avant.encode())
                for morceau in morceaux:
                    feuille.write(morceau)
                feuille.write(("</sheetData>" + apres).encode())
    return sortie.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# 1. Caps on rows, columns, cells and size
# ---------------------------------------------------------------------------------------------------------------


def test_a_workbook_with_one_cell_at_n1048576_is_refused_on_the_import_page(chef_client, grazailles):
    contenu = _classeur({"N1048576": "x"})
    assert len(contenu) < 10_000
    debut = time.monotonic()
    erreur = _erreur(_apercu(chef_client, contenu, "xlsx"))
    assert time.monotonic() - debut < 5
    assert "1\u202f048\u202f575 lignes" in erreur and "20\u202f000" in erreur
    assert Porteur.objects.count() == 0


def test_a_workbook_with_one_cell_at_n1048576_is_refused_in_bounded_memory():
    assert "lignes" in _refus(_classeur({"N1048576": "x"}), "xlsx", pic_max=10 * MO)


def test_a_zip_whose_sheet_inflates_beyond_the_cap_is_refused_from_its_declared_sizes(chef_client, grazailles):
    # 40 MB of blanks in the sheet: a few dozen KB once compressed.
    contenu = _remplacer_lignes(_classeur(), (b" " * MO for _ in range(40)))
    assert len(contenu) < 200_000
    assert "Mo" in _refus(contenu, "xlsx", pic_max=10 * MO)
    erreur = _erreur(_apercu(chef_client, contenu, "xlsx"))
    assert "20\u00a0Mo" in erreur and "décompressé" in erreur
    assert Porteur.objects.count() == 0


def test_a_sheet_whose_declared_dimension_exceeds_the_caps_is_refused(chef_client, grazailles):
    contenu = _remplacer_lignes(_classeur(), [], dimension="A1:N1048576")
    erreur = _erreur(_apercu(chef_client, contenu, "xlsx"))
    assert "1\u202f048\u202f575 lignes" in erreur
    assert Porteur.objects.count() == 0


@pytest.mark.parametrize(
    ("morceaux", "attendu"),
    [
        # One row of a hundred thousand cells: openpyxl builds the whole row before returning it.
        ([b'<row r="4">', b"<c/>" * 100_000, b"</row>"], "colonnes"),
        # The same row number thirty thousand times: each one is parsed and kept.
        ([b'<row r="4"><c r="A4" t="inlineStr"><is><t>x</t></is></c></row>' * 30_000], "lignes"),
        # Elements openpyxl does not know: it keeps every one of them until the end of the sheet.
        ([b"<x/>" * 300_000], "complexe"),
    ],
    ids=["huge-row", "repeated-row", "unknown-elements"],
)
def test_crafted_sheets_are_refused_before_openpyxl_holds_them(chef_client, grazailles, morceaux, attendu):
    contenu = _remplacer_lignes(_classeur(), morceaux)
    assert attendu in _refus(contenu, "xlsx", pic_max=20 * MO)
    assert attendu in _erreur(_apercu(chef_client, contenu, "xlsx"))
    assert Porteur.objects.count() == 0


def test_a_workbook_with_too_many_columns_is_refused(chef_client, grazailles):
    erreur = _erreur(_apercu(chef_client, _classeur({"BZ1": "Colonne de trop"}), "xlsx"))
    assert "78 colonnes" in erreur and "60" in erreur
    assert Porteur.objects.count() == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_rows_beyond_the_cap_are_refused(chef_client, grazailles, fmt):
    contenu = _csv(LIGNES) if fmt == "csv" else _xlsx(LIGNES)
    with override_settings(IMPORT_LIGNES_MAX=1):
        erreur = _erreur(_apercu(chef_client, contenu, fmt))
    assert "lignes" in erreur and "au plus 1." in erreur
    assert Porteur.objects.count() == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cells_beyond_the_cap_are_refused(chef_client, grazailles, fmt):
    contenu = _csv(LIGNES) if fmt == "csv" else _xlsx(LIGNES)
    with override_settings(IMPORT_CELLULES_MAX=20):
        erreur = _erreur(_apercu(chef_client, contenu, fmt))
    assert "cellules" in erreur and "au plus 20." in erreur
    assert Porteur.objects.count() == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_upload_beyond_the_size_cap_is_refused_before_it_is_read(chef_client, grazailles, fmt):
    contenu = _csv(LIGNES * 20) if fmt == "csv" else _xlsx(LIGNES * 20)
    with override_settings(IMPORT_TAILLE_DECOMPRESSEE_MAX=1000):
        erreur = _erreur(_apercu(chef_client, contenu, fmt))
    assert "Mo" in erreur or "Ko" in erreur
    assert "trop gros" in erreur
    assert Porteur.objects.count() == 0


def test_a_csv_line_of_millions_of_separators_is_refused_in_bounded_memory(chef_client, grazailles):
    contenu = ";".join(ENTETE).encode() + b"\r\n" + b";" * (4 * MO) + b"\r\n"
    assert "colonnes" in _refus(contenu, "csv", pic_max=40 * MO)
    assert "colonnes" in _erreur(_apercu(chef_client, contenu))
    assert Porteur.objects.count() == 0


def test_a_csv_of_millions_of_lines_is_refused_in_bounded_memory(chef_client, grazailles):
    contenu = ";".join(ENTETE).encode() + b"\r\n" + b"\n" * (4 * MO)
    assert "lignes" in _refus(contenu, "csv", pic_max=40 * MO)
    erreur = _erreur(_apercu(chef_client, contenu))
    assert "plus de 20\u202f000 lignes" in erreur
    assert Porteur.objects.count() == 0


def test_a_file_that_is_not_a_workbook_gets_a_french_message(chef_client, grazailles):
    erreur = _erreur(_apercu(chef_client, b"PK\x03\x04 pas vraiment un zip", "xlsx"))
    assert "xlsx" in erreur and "lisible" in erreur
    assert Porteur.objects.count() == 0


def test_an_ordinary_workbook_still_previews_and_imports(chef_client, grazailles, executer_taches):
    apercu = _apercu(chef_client, _classeur(), "xlsx")
    assert apercu.status_code == 200
    confirmation = apercu.context["confirm_form"]
    reponse = chef_client.post(CONFIRMATION, confirmation.initial)
    assert reponse.status_code == 302
    executer_taches()
    assert Porteur.objects.get(nom="Bénézech").date_naissance.isoformat() == "1990-05-17"
    assert Porteur.objects.count() == 2


def test_the_import_page_states_the_caps(chef_client):
    texte = chef_client.get(IMPORT).content.decode()
    assert "20\u202f000 lignes" in texte and "60 colonnes" in texte and "5\u00a0Mo" in texte


# ---------------------------------------------------------------------------------------------------------------
# 2. Confirmations that cannot crash
# ---------------------------------------------------------------------------------------------------------------


def _message(client, reponse) -> str:
    assert reponse.status_code == 302
    assert reponse["Location"].endswith(IMPORT)
    suite = client.get(reponse["Location"])
    return " ".join(str(m) for m in suite.context["messages"])


def test_confirming_twice_imports_once_and_says_so(chef_client, grazailles, executer_taches):
    confirmation = _apercu(chef_client, _csv(LIGNES)).context["confirm_form"].initial
    assert chef_client.post(CONFIRMATION, confirmation).status_code == 302
    executer_taches()
    assert Porteur.objects.count() == 2
    message = _message(chef_client, chef_client.post(CONFIRMATION, confirmation))
    assert "déjà été confirmé" in message
    assert Porteur.objects.count() == 2


@pytest.mark.parametrize(
    ("champ", "valeur"),
    [
        ("import_file_name", "../../etc/passwd"),
        ("import_file_name", "/etc/passwd"),
        ("import_file_name", "n-existe-pas"),
        ("import_file_name", "0" * 32),
        ("import_file_name", ""),
        ("format", "9"),
        ("format", "-1"),
        ("format", "abc"),
        ("resource", "7"),
    ],
)
def test_a_tampered_confirmation_is_refused_in_french(chef_client, grazailles, champ, valeur):
    confirmation = dict(_apercu(chef_client, _csv(LIGNES)).context["confirm_form"].initial)
    confirmation[champ] = valeur
    message = _message(chef_client, chef_client.post(CONFIRMATION, confirmation))
    assert "n'est plus disponible" in message
    assert Porteur.objects.count() == 0


def test_a_file_that_no_longer_passes_at_confirmation_imports_nothing(chef_client, grazailles, executer_taches):
    confirmation = _apercu(chef_client, _csv(LIGNES)).context["confirm_form"].initial
    grazailles.delete()  # Hélène's quartier disappears between the preview and the confirmation
    suivi = chef_client.post(CONFIRMATION, confirmation)["Location"]
    executer_taches()
    assert "Rien n'a été importé" in chef_client.get(suivi).content.decode().replace("&#x27;", "'")
    assert Porteur.objects.count() == 0


# ---------------------------------------------------------------------------------------------------------------
# 3. Uploads that do not linger
# ---------------------------------------------------------------------------------------------------------------


class CacheTemoin(LocMemCache):
    """The default cache, remembering every value written to it (key -> value)."""

    ecrits = {}

    def set(self, key, value, *args, **kwargs):
        CacheTemoin.ecrits[key] = value
        return super().set(key, value, *args, **kwargs)

    def add(self, key, value, *args, **kwargs):
        CacheTemoin.ecrits[key] = value
        return super().add(key, value, *args, **kwargs)


@pytest.fixture
def cache_temoin(settings):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.CacheTemoin", "LOCATION": "temoin"}}
    CacheTemoin.ecrits = {}
    return CacheTemoin.ecrits


def _marqueur() -> str:
    return "Zz" + "".join(random.choices(string.ascii_lowercase, k=16))


def _fichiers_contenant(marqueur: str, depuis: float) -> list[str]:
    """Files of the temp folder written since `depuis` that contain the marker."""
    trouves = []
    for racine, _, noms in os.walk(tempfile.gettempdir()):
        for nom in noms:
            chemin = os.path.join(racine, nom)
            try:
                if os.path.getmtime(chemin) < depuis or os.path.getsize(chemin) > 50 * MO:
                    continue
                with open(chemin, "rb") as fichier:
                    if marqueur.encode() in fichier.read():
                        trouves.append(chemin)
            except OSError:
                continue
    return trouves


def _copies_en_cache(ecrits, marqueur: str) -> list[str]:
    """Keys of the cache still holding a value that contains the marker."""
    return [
        cle
        for cle, valeur in ecrits.items()
        if isinstance(valeur, bytes) and marqueur.encode() in valeur and cache.get(cle) is not None
    ]


def _lignes_marquees(marqueur):
    return [[marqueur, *LIGNES[0][1:]], LIGNES[1]]


def test_an_abandoned_preview_leaves_no_file_and_expires_after_an_hour(
    chef_client, grazailles, cache_temoin, monkeypatch
):
    depuis = time.time() - 1
    marqueur = _marqueur()
    confirmation = _apercu(chef_client, _csv(_lignes_marquees(marqueur))).context["confirm_form"].initial
    assert _fichiers_contenant(marqueur, depuis) == []
    assert len(_copies_en_cache(cache_temoin, marqueur)) == 1  # what the confirmation will read

    maintenant = time.time()
    monkeypatch.setattr(time, "time", lambda: maintenant + 59 * 60 + 50)
    assert len(_copies_en_cache(cache_temoin, marqueur)) == 1
    monkeypatch.setattr(time, "time", lambda: maintenant + 60 * 60 + 10)
    assert _copies_en_cache(cache_temoin, marqueur) == []
    message = _message(chef_client, chef_client.post(CONFIRMATION, confirmation))
    assert "plus d'une heure" in message
    assert Porteur.objects.count() == 0


def test_a_confirmed_import_leaves_no_file_and_no_entry(chef_client, grazailles, cache_temoin, executer_taches):
    depuis = time.time() - 1
    marqueur = _marqueur()
    confirmation = _apercu(chef_client, _csv(_lignes_marquees(marqueur))).context["confirm_form"].initial
    assert chef_client.post(CONFIRMATION, confirmation).status_code == 302
    executer_taches()
    assert Porteur.objects.filter(nom=marqueur).exists()
    assert _fichiers_contenant(marqueur, depuis) == []
    assert _copies_en_cache(cache_temoin, marqueur) == []


@pytest.mark.parametrize(
    "lignes",
    [
        [["X", "Y", "pas une date", "", "", "", "", ""]],  # a row error: no confirmation offered
        [["X", "Y", "01/01/1990", "", "", "", "", ""]] * 3,  # refused by the caps below
    ],
    ids=["row-errors", "over-the-caps"],
)
def test_a_preview_that_cannot_be_confirmed_keeps_no_copy(chef_client, grazailles, cache_temoin, lignes):
    depuis = time.time() - 1
    marqueur = _marqueur()
    with override_settings(IMPORT_LIGNES_MAX=2):
        reponse = _apercu(chef_client, _csv([[marqueur, *ligne[1:]] for ligne in lignes]))
    assert reponse.status_code == 200 and reponse.context.get("confirm_form") is None
    assert _fichiers_contenant(marqueur, depuis) == []
    # The mapping step keeps the upload until the preview; a preview that cannot be confirmed removes it.
    assert _copies_en_cache(cache_temoin, marqueur) == []


def test_only_one_of_two_simultaneous_confirmations_gets_the_file(db):
    from citeslab.core import imports

    stockage = imports.StockageImport()
    stockage.save(b"contenu")
    premier = imports.StockageImport(name=stockage.name).reclamer()
    second = imports.StockageImport(name=stockage.name).reclamer()
    assert (premier, second) == (b"contenu", None)
