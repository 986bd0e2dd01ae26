"""Spreadsheets as offices really have them, read within caps, and kept between preview and confirmation.

csv from French Excel (Windows-1252, « ; ») as well as UTF-8; xlsx from any spreadsheet.

An import is read whole before anything is written, so a file must not make the server hold more than the
caps of the settings: IMPORT_TAILLE_DECOMPRESSEE_MAX bytes (uncompressed), IMPORT_LIGNES_MAX rows under the header,
IMPORT_COLONNES_MAX columns, IMPORT_CELLULES_MAX cells (rows × columns, header included). Beyond them the
reader raises `FichierRefuse`, whose message the import page shows.

An xlsx is a zip of xml documents, a few KB of which can inflate to gigabytes or describe a million rows.
So before openpyxl sees it: the sizes its members declare are added up; each member is then inflated at
most to its declared size and read as a stream by expat, which keeps nothing and counts what openpyxl
would hold (`_Releve`); what was counted is copied into a new zip, the only one openpyxl opens. openpyxl
then reads the active sheet in read-only mode, within the rows and columns counted.

Between the preview and the confirmation the file waits in the cache (`StockageImport`), never in the
temp folder.
"""

import collections
import csv
import io
import logging
import posixpath
import re
import zipfile
from dataclasses import dataclass
from uuid import uuid4
from xml.parsers import expat

import openpyxl
import tablib
from django import forms
from django.conf import settings
from django.core.cache import cache
from import_export.formats import base_formats
from import_export.forms import ImportForm
from import_export.tmp_storages import BaseStorage
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_CORE,
    ARC_CUSTOM,
    ARC_STYLE,
    ARC_WORKBOOK,
    CONTYPES_NS,
    PKG_REL_NS,
    REL_NS,
    SHARED_STRINGS,
    SHEET_MAIN_NS,
    XLSM,
    XLSX,
    XLTM,
    XLTX,
)

from citeslab.core.formats import NBSP, nombre

# What no legitimate import file comes near, and what bounds openpyxl's memory besides the caps of the
# settings: members of the zip; xml elements openpyxl keeps while reading (styles, links, anything outside
# the rows of a sheet and the shared strings: about a kilobyte each at worst); elements of one row or one
# shared string, which it builds whole before dropping them; sheets (each one is opened when the workbook is).
MEMBRES_MAX = 1_000
ELEMENTS_MAX = 100_000
ELEMENTS_PAR_LIGNE_MAX = 10_000
FEUILLES_MAX = 50

MO = 1024 * 1024

logger = logging.getLogger(__name__)


class FichierRefuse(ValueError):
    """A file the import will not read; its message is for the person importing, in French."""


@dataclass(frozen=True)
class Limites:
    lignes: int
    colonnes: int
    cellules: int
    taille: int

    @classmethod
    def actuelles(cls):
        return cls(
            lignes=settings.IMPORT_LIGNES_MAX,
            colonnes=settings.IMPORT_COLONNES_MAX,
            cellules=settings.IMPORT_CELLULES_MAX,
            taille=settings.IMPORT_TAILLE_DECOMPRESSEE_MAX,
        )


def taille_lisible(octets: int) -> str:
    """20971520 -> « 20 Mo », 1572864 -> « 1,5 Mo », 5120 -> « 5 Ko »."""
    for unite, taille in (("Mo", MO), ("Ko", 1024)):
        if octets >= taille:
            valeur = round(octets / taille, 0 if octets >= 10 * taille else 1)
            return f"{nombre(valeur, 0 if valeur == int(valeur) else 1)}{NBSP}{unite}"
    return f"{nombre(octets)}{NBSP}octets"


def duree_max():
    return settings.IMPORT_DUREE_MAX


def duree_lisible(duree) -> str:
    """The preview's lifetime after « de plus » : « d'une heure », « de 2 heures », « de 30 minutes »."""
    minutes = int(duree.total_seconds()) // 60
    if minutes % 60:
        return f"de {minutes} minutes"
    heures = minutes // 60
    return "d'une heure" if heures == 1 else f"de {heures} heures"


def taille_de_l_envoi(limites: Limites | None = None) -> int:
    """The largest upload: the admin's body limit (IMPORT_TAILLE_MAX, citeslab.middleware), within the content cap."""
    taille = (limites or Limites.actuelles()).taille
    envoi = getattr(settings, "IMPORT_TAILLE_MAX", None)
    return taille if envoi is None else min(envoi, taille)


def verifier_taille(octets: int, limites: Limites | None = None, taille_max: int | None = None) -> None:
    taille_max = taille_max or (limites or Limites.actuelles()).taille
    if octets > taille_max:
        raise FichierRefuse(
            f"Le fichier est trop gros ({taille_lisible(octets)}){NBSP}: un import en accepte "
            f"{taille_lisible(taille_max)} au plus. Découpez-le en plusieurs fichiers."
        )


def _trop_de_lignes(lignes: int, limites: Limites, exact=True, tableur=False) -> FichierRefuse:
    compte = nombre(lignes) if exact else f"plus de {nombre(limites.lignes)}"
    conseil = (
        f" Si le tableau est plus court, le tableur compte aussi des lignes vides mises en forme{NBSP}: "
        "supprimez les lignes sous le tableau, ou copiez le tableau seul dans un classeur neuf."
        if tableur
        else ""
    )
    return FichierRefuse(
        f"Le fichier compte {compte} lignes sous l'en-tête{NBSP}: un import en accepte au plus "
        f"{nombre(limites.lignes)}. Découpez-le en plusieurs fichiers.{conseil}"
    )


def _trop_de_colonnes(colonnes: int, limites: Limites, exact=True, tableur=False) -> FichierRefuse:
    compte = nombre(colonnes) if exact else f"plus de {nombre(limites.colonnes)}"
    conseil = (
        f" Si le tableau est plus étroit, le tableur compte aussi des colonnes vides mises en forme{NBSP}: "
        "supprimez les colonnes à droite du tableau."
        if tableur
        else f" Vérifiez le séparateur («{NBSP};{NBSP}» ou «{NBSP},{NBSP}») et les guillemets."
    )
    return FichierRefuse(
        f"Le tableau compte {compte} colonnes{NBSP}: un import en accepte au plus {nombre(limites.colonnes)}."
        + conseil
    )


def _trop_de_cellules(limites: Limites, lignes=None, colonnes=None) -> FichierRefuse:
    if lignes is None:
        compte = f"plus de {nombre(limites.cellules)} cellules (lignes × colonnes, en-tête compris)"
    else:
        compte = (
            f"{nombre(lignes * colonnes)} cellules ({nombre(lignes)} lignes × {nombre(colonnes)} colonnes, "
            "en-tête compris)"
        )
    return FichierRefuse(
        f"Le tableau compte {compte}{NBSP}: un import en accepte au plus {nombre(limites.cellules)}. "
        "Découpez-le en plusieurs fichiers."
    )


# ---------------------------------------------------------------------------------------------------------------
# csv
# ---------------------------------------------------------------------------------------------------------------


def decoder(contenu: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, otherwise Windows-1252 (Excel's "CSV" on French Windows)."""
    try:
        return contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        return contenu.decode("cp1252")


_FIN_DE_LIGNE = re.compile(r"[\r\n]")
_LIGNE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def separateur(texte: str) -> str:
    """';' (French Excel) or ',' — whichever splits the header line more."""
    fin = _FIN_DE_LIGNE.search(texte)
    entete = texte[: fin.start()] if fin else texte
    return ";" if entete.count(";") >= entete.count(",") else ","


class _LignesDuTexte:
    """The text's lines one at a time, for csv.reader, counting the separators of the record being read.

    csv.reader builds a record's whole list of fields before returning it: a line of four million « ; »
    would be four million fields. Separators may sit inside quotes, so the count only has to stay below a
    bound no table needs (ten times the column cap); `lire_csv` then counts the fields exactly.
    """

    def __init__(self, texte: str, separateur: str, plafond: int, limites: Limites):
        self.lignes = _LIGNE.finditer(texte)
        self.separateur = separateur
        self.plafond = plafond
        self.limites = limites
        self.separateurs = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        ligne = next(self.lignes).group()
        self.separateurs += ligne.count(self.separateur)
        if self.separateurs > self.plafond:
            raise _trop_de_colonnes(0, self.limites, exact=False)
        return ligne


def lire_csv(contenu: bytes | str) -> tablib.Dataset:
    """A csv as a Dataset (first line as headers, short and empty lines padded), within the caps."""
    limites = Limites.actuelles()
    verifier_taille(len(contenu), limites)
    try:
        texte = decoder(contenu) if isinstance(contenu, bytes) else contenu
    except UnicodeDecodeError:
        raise FichierRefuse(
            f"L'encodage du fichier n'est pas reconnu{NBSP}: enregistrez-le en «{NBSP}CSV UTF-8{NBSP}» "
            f"ou en «{NBSP}CSV (séparateur{NBSP}: point-virgule){NBSP}»."
        ) from None
    sep = separateur(texte)
    lignes = _LignesDuTexte(texte, sep, 10 * limites.colonnes, limites)
    lecteur = csv.reader(lignes, delimiter=sep)
    dataset = tablib.Dataset()
    largeur = 0
    try:
        for numero, ligne in enumerate(lecteur, start=1):
            lignes.separateurs = 0
            if numero > limites.lignes + 1:
                raise _trop_de_lignes(numero, limites, exact=False)
            if len(ligne) > limites.colonnes:
                raise _trop_de_colonnes(len(ligne), limites)
            if numero == 1:
                dataset.headers = ligne
                largeur = len(ligne)
                continue
            if not ligne:
                # Kept as an empty row, so rows keep the spreadsheet's numbers; the import leaves it out.
                ligne = [""] * largeur
            if len(ligne) > largeur:
                raise FichierRefuse(
                    f"La ligne {nombre(numero)} compte {len(ligne)} cellules pour {largeur} colonnes "
                    f"d'en-tête{NBSP}: vérifiez le séparateur («{NBSP}{sep}{NBSP}») et les guillemets."
                )
            if (len(dataset) + 2) * largeur > limites.cellules:
                raise _trop_de_cellules(limites)
            dataset.append(ligne + [""] * (largeur - len(ligne)))
    except csv.Error:
        raise FichierRefuse(
            f"Le fichier csv est mal formé vers la ligne {nombre(lecteur.line_num)}{NBSP}: une cellule est "
            "trop longue ou un guillemet n'est pas refermé."
        ) from None
    return dataset


class CSVFrancais(base_formats.CSV):
    """csv in UTF-8 or Windows-1252, separated by ';' or ','. Read as bytes so the encoding can be detected."""

    def get_title(self):
        return "csv (UTF-8 ou Windows-1252, « ; » ou « , »)"

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return lire_csv(in_stream)


# ---------------------------------------------------------------------------------------------------------------
# xlsx
# ---------------------------------------------------------------------------------------------------------------

ILLISIBLE = (
    f"Ce fichier n'est pas un classeur xlsx lisible{NBSP}: enregistrez-le depuis le tableur au format "
    f"«{NBSP}Classeur Excel (.xlsx){NBSP}», ou en csv."
)
COMPLEXE = (
    f"Le classeur est trop complexe pour être importé (mises en forme, liens, feuilles ou objets très "
    f"nombreux){NBSP}: copiez le tableau seul dans un classeur neuf (collage des valeurs), ou enregistrez-le en csv."
)

_NS = SHEET_MAIN_NS + " "
_LIGNE_XML, _SI, _DONNEES, _DIMENSION, _FEUILLES, _FEUILLE = (
    _NS + nom for nom in ("row", "si", "sheetData", "dimension", "sheets", "sheet")
)
_RELATION = PKG_REL_NS + " Relationship"
_PARTIE = CONTYPES_NS + " Override"
_ID_RELATION = REL_NS + " id"
_TYPES_CLASSEUR = {XLSX, XLSM, XLTX, XLTM}
# Members openpyxl reads whole into a tree, whatever they contain (with every .rels and the workbook part).
_LUS_ENTIERS = {ARC_CONTENT_TYPES, ARC_STYLE, ARC_CORE, ARC_CUSTOM, ARC_WORKBOOK}


class _Compteurs:
    """What the whole workbook makes openpyxl keep, member after member."""

    def __init__(self, limites: Limites):
        self.limites = limites
        self.elements = 0
        self.chaines = 0
        self.feuilles = []  # relation id of each sheet of the workbook

    def element(self):
        self.elements += 1
        if self.elements > ELEMENTS_MAX:
            raise FichierRefuse(COMPLEXE)

    def chaine(self):
        self.chaines += 1
        if self.chaines > self.limites.cellules:
            raise _trop_de_cellules(self.limites)


class _Releve:
    """One member read as a stream by expat: the elements openpyxl would keep, and the extent of its rows.

    Rows follow openpyxl's own numbering (a row or cell without a reference follows the previous one), so
    the extent counted is the one openpyxl would fill. In a worksheet openpyxl drops each row once read,
    and in the shared strings each string: those are `legers` (light). Anywhere else every element counts.
    """

    def __init__(self, compteurs: _Compteurs, lignes_legeres=False, chaines_legeres=False):
        self.compteurs = compteurs
        self.lignes_legeres = lignes_legeres
        self.chaines_legeres = chaines_legeres
        self.profondeur = 0
        self.item = 0  # depth of the row or shared string being read
        self.item_est_ligne = False
        self.elements_item = 0
        self.donnees = 0  # depth of sheetData
        self.feuilles = 0  # depth of the workbook's <sheets>
        self.dimension_d_abord = False  # openpyxl stops there when it opens every sheet
        # The extent of the rows
        self.lignes = 0  # rows numbered within the row cap: openpyxl reads each one
        self.derniere_ligne = 0  # of a row with cells
        self.derniere_colonne = 0
        self._ligne = 0
        self._colonne = 0
        self._ligne_remplie = False
        # The package: relations of a .rels member, parts of [Content_Types].xml
        self.relations = []
        self.parties = []

    def debut(self, nom, attributs):
        self.profondeur += 1
        if self.item:
            self.elements_item += 1
            if self.elements_item > ELEMENTS_PAR_LIGNE_MAX:
                if self.item_est_ligne:
                    raise _trop_de_colonnes(0, self.compteurs.limites, exact=False, tableur=True)
                raise FichierRefuse(COMPLEXE)
            if self.item_est_ligne and self.profondeur == self.item + 1:
                self._cellule(attributs.get("r"))
            if not (self.lignes_legeres if self.item_est_ligne else self.chaines_legeres):
                self.compteurs.element()
            return
        if nom == _LIGNE_XML and self.donnees:
            self._debut_ligne(attributs.get("r"))
            # A sheet without a dimension is read to its end when the workbook opens: its rows stay in memory.
            if not (self.lignes_legeres and self.dimension_d_abord):
                self.compteurs.element()
            return
        if nom == _SI:
            self.item, self.item_est_ligne, self.elements_item = self.profondeur, False, 0
            self.compteurs.chaine()
            if not self.chaines_legeres:
                self.compteurs.element()
            return
        self.compteurs.element()
        if nom == _DONNEES and not self.donnees:
            self.donnees = self.profondeur
        elif nom == _DIMENSION and not self.donnees:
            self.dimension_d_abord = True
        elif nom == _FEUILLES:
            self.feuilles = self.profondeur
        elif nom == _FEUILLE and self.feuilles and self.profondeur == self.feuilles + 1:
            self.compteurs.feuilles.append(attributs.get(_ID_RELATION))
            if len(self.compteurs.feuilles) > FEUILLES_MAX:
                raise FichierRefuse(COMPLEXE)
        elif nom == _RELATION:
            self.relations.append(
                (attributs.get("Type", ""), attributs.get("Target", ""), attributs.get("TargetMode"))
            )
        elif nom == _PARTIE:
            self.parties.append((attributs.get("PartName", ""), attributs.get("ContentType", "")))

    def fin(self, nom):
        if self.item == self.profondeur:
            if self.item_est_ligne and self._ligne_remplie:
                self.derniere_ligne = max(self.derniere_ligne, self._ligne)
            self.item = 0
        elif self.donnees == self.profondeur:
            self.donnees = 0
        elif self.feuilles == self.profondeur:
            self.feuilles = 0
        self.profondeur -= 1

    def _debut_ligne(self, reference):
        self.item, self.item_est_ligne, self.elements_item = self.profondeur, True, 0
        if reference is None:
            self._ligne += 1
        else:
            try:
                self._ligne = int(reference)
            except ValueError:
                try:
                    valeur = float(reference)
                except ValueError:
                    raise FichierRefuse(ILLISIBLE) from None
                if not valeur.is_integer():
                    raise FichierRefuse(ILLISIBLE) from None
                self._ligne = int(valeur)
        self._colonne = 0
        self._ligne_remplie = False
        if self._ligne <= self.compteurs.limites.lignes + 1:
            self.lignes += 1

    def _cellule(self, reference):
        if reference:
            try:
                _, self._colonne = coordinate_to_tuple(reference)
            except (ValueError, TypeError):
                raise FichierRefuse(ILLISIBLE) from None
        else:
            self._colonne += 1
        self._ligne_remplie = True
        self.derniere_colonne = max(self.derniere_colonne, self._colonne)


def _refuser_dtd(*args):
    # A package has none; openpyxl refuses the entities a DTD would declare.
    raise FichierRefuse(ILLISIBLE)


def _recopier(archive, info, releve: _Releve, copie: zipfile.ZipFile) -> None:
    """Inflates one member at most to its declared size, reading it as xml and copying what was read.

    zipfile stops each member at its declared size when read in chunks, not when read whole (as openpyxl
    does): the copy is what keeps a member that lies about its size from inflating in openpyxl.
    """
    parseur = expat.ParserCreate(namespace_separator=" ")
    parseur.StartElementHandler = releve.debut
    parseur.EndElementHandler = releve.fin
    parseur.StartDoctypeDeclHandler = _refuser_dtd
    parseur.EntityDeclHandler = _refuser_dtd
    xml = True
    with archive.open(info) as membre, copie.open(zipfile.ZipInfo(info.filename), "w") as sortie:
        while morceau := membre.read(64 * 1024):
            sortie.write(morceau)
            if xml:
                try:
                    parseur.Parse(morceau, False)
                except expat.ExpatError:
                    # Not xml (an image) or broken: openpyxl's parser (expat too) stops at the same place.
                    xml = False
        if xml:
            try:
                parseur.Parse(b"", True)
            except expat.ExpatError:
                pass


def _cible(nom_rels: str, cible: str) -> str:
    """A relation's target as a member name, resolved as openpyxl resolves it (packaging.relationship)."""
    if cible.startswith("/"):
        return cible[1:]
    parent = posixpath.split(posixpath.dirname(nom_rels))[0]
    return posixpath.normpath(posixpath.join(parent, cible))


def _verifier_archive(contenu: bytes, limites: Limites) -> zipfile.ZipFile:
    verifier_taille(len(contenu), limites)
    # zipfile reads the whole central directory at once: count its entries first (their signature).
    if contenu.count(b"PK\x01\x02") > MEMBRES_MAX:
        raise FichierRefuse(COMPLEXE)
    archive = zipfile.ZipFile(io.BytesIO(contenu))
    infos = archive.infolist()
    noms = [info.filename for info in infos]
    if len(set(noms)) != len(noms) or any(
        info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1 for info in infos
    ):
        raise FichierRefuse(ILLISIBLE)
    total = sum(info.file_size for info in infos)
    if total > limites.taille:
        raise FichierRefuse(
            f"Le classeur fait {taille_lisible(total)} une fois décompressé{NBSP}: un import en accepte "
            f"{taille_lisible(limites.taille)} au plus. Découpez-le en plusieurs fichiers."
        )
    return archive


def _relever_classeur(archive: zipfile.ZipFile, limites: Limites):
    """Every member read once as a stream and copied: (the copy, the count of each member)."""
    compteurs = _Compteurs(limites)
    infos = {info.filename: info for info in archive.infolist()}
    copie_brute = io.BytesIO()
    releves = {}
    with zipfile.ZipFile(copie_brute, "w", zipfile.ZIP_STORED) as copie:
        # The package's own description first: which member is a sheet, which the shared strings.
        paquet = [nom for nom in infos if nom == ARC_CONTENT_TYPES or nom.endswith(".rels")]
        for nom in paquet:
            releves[nom] = _Releve(compteurs)
            _recopier(archive, infos[nom], releves[nom], copie)
        parties = releves[ARC_CONTENT_TYPES].parties if ARC_CONTENT_TYPES in releves else []
        classeurs = {partie.lstrip("/") for partie, genre in parties if genre in _TYPES_CLASSEUR}
        lus_entiers = _LUS_ENTIERS | classeurs | set(paquet)
        types = collections.defaultdict(set)
        cibles_de_feuilles = collections.Counter()
        for nom in paquet:
            for genre, cible, mode in releves[nom].relations:
                if mode != "External":
                    chemin = _cible(nom, cible)
                    types[chemin].add(genre)
                    if genre.endswith(("/worksheet", "/chartsheet")):
                        cibles_de_feuilles[chemin] += 1
        if any(nombre_de_liens > 1 for nombre_de_liens in cibles_de_feuilles.values()):
            raise FichierRefuse(COMPLEXE)  # one member opened as several sheets
        chaines = {partie.lstrip("/") for partie, genre in parties if genre == SHARED_STRINGS}
        for nom, info in infos.items():
            if nom in releves:
                continue
            feuille = bool(types[nom]) and all(t.endswith("/worksheet") and "chartsheet" not in t for t in types[nom])
            releves[nom] = _Releve(
                compteurs,
                lignes_legeres=feuille and nom not in lus_entiers and nom not in chaines,
                chaines_legeres=nom in chaines and nom not in lus_entiers and not feuille,
            )
            _recopier(archive, info, releves[nom], copie)
    if len(compteurs.feuilles) != len(set(compteurs.feuilles)):
        raise FichierRefuse(COMPLEXE)
    copie_brute.seek(0)
    return copie_brute, releves


def lire_xlsx(contenu: bytes) -> tablib.Dataset:
    """The active sheet of an xlsx as a Dataset (first row as headers), within the caps."""
    limites = Limites.actuelles()
    try:
        archive = _verifier_archive(contenu, limites)
        copie, releves = _relever_classeur(archive, limites)
        classeur = openpyxl.load_workbook(copie, read_only=True, data_only=True, keep_links=False)
        try:
            return _lire_feuille(classeur.active, releves, limites)
        finally:
            classeur.close()
    except FichierRefuse:
        raise
    except Exception:
        # zipfile, expat and openpyxl fail in many ways on a broken file: all of them mean it cannot be read.
        logger.info("Classeur illisible à l'import", exc_info=True)
        raise FichierRefuse(ILLISIBLE) from None


def _lire_feuille(feuille, releves, limites: Limites) -> tablib.Dataset:
    releve = releves.get(getattr(feuille, "_worksheet_path", None))
    if releve is None or not hasattr(feuille, "iter_rows"):
        raise FichierRefuse(
            f"La feuille active du classeur n'est pas un tableau{NBSP}: ouvrez le classeur sur le tableau à "
            "importer, enregistrez-le, puis importez-le de nouveau."
        )
    # The extent the sheet declares (Excel's used range), then the one counted: it may be missing or wrong.
    for lignes, colonnes in ((feuille.max_row, feuille.max_column), (releve.derniere_ligne, releve.derniere_colonne)):
        if lignes and lignes - 1 > limites.lignes:
            raise _trop_de_lignes(lignes - 1, limites, tableur=True)
        if colonnes and colonnes > limites.colonnes:
            raise _trop_de_colonnes(colonnes, limites, tableur=True)
        if lignes and colonnes and lignes * colonnes > limites.cellules:
            raise _trop_de_cellules(limites, lignes, colonnes)
    if releve.lignes > limites.lignes + 1:
        raise _trop_de_lignes(releve.lignes, limites, exact=False, tableur=True)
    dataset = tablib.Dataset()
    if not releve.derniere_ligne:
        return dataset
    rows = feuille.iter_rows(
        min_row=1, max_row=releve.derniere_ligne, min_col=1, max_col=releve.derniere_colonne, values_only=True
    )
    dataset.headers = list(next(rows))
    sans_lignes_vides = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
    for row in rows:
        if not (sans_lignes_vides and all(valeur is None for valeur in row)):
            dataset.append(row)
    return dataset


class XLSXBorne(base_formats.XLSX):
    """xlsx read within the caps, its zip checked before openpyxl opens it."""

    def create_dataset(self, in_stream):
        return lire_xlsx(in_stream)


# ---------------------------------------------------------------------------------------------------------------
# The admin's import form and the file between preview and confirmation
# ---------------------------------------------------------------------------------------------------------------


class FormulaireImport(ImportForm):
    """import-export's form, stating the caps and refusing a file over the size cap before anything reads it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limites = Limites.actuelles()
        self.fields["import_file"].help_text = (
            f"Au plus {nombre(limites.lignes)} lignes sous l'en-tête et {nombre(limites.colonnes)} colonnes, "
            f"dans un fichier de {taille_lisible(taille_de_l_envoi(limites))} au plus."
        )

    def clean_import_file(self):
        fichier = self.cleaned_data["import_file"]
        try:
            verifier_taille(fichier.size, taille_max=taille_de_l_envoi())
        except FichierRefuse as exc:
            raise forms.ValidationError(str(exc)) from None
        return fichier


_NOM_STOCKAGE = re.compile(r"[0-9a-f]{32}")


class StockageImport(BaseStorage):
    """An uploaded file between its preview and its confirmation: in the cache, IMPORT_DUREE_MAX at most.

    import-export's default (TempFolderStorage) left every previewed file in the temp folder for good,
    with names, birth dates and phone numbers. Here the preview reads the upload from memory (`donnees`)
    and the admin stores it only when it offers a confirmation; the confirmation takes it out of the cache
    (`reclamer`); an abandoned preview expires. Also usable as IMPORT_EXPORT_TMP_STORAGE_CLASS.
    """

    PREFIXE = "import-en-attente-"

    def __init__(self, donnees=None, **kwargs):
        super().__init__(**kwargs)
        self.name = self.name or uuid4().hex
        self.donnees = donnees

    @property
    def cle(self) -> str:
        return self.PREFIXE + self.name

    def _nom_valide(self) -> bool:
        # The name comes back from a hidden field: anything but one of ours names nothing.
        return bool(_NOM_STOCKAGE.fullmatch(self.name or ""))

    def save(self, data):
        cache.set(self.cle, data, timeout=int(duree_max().total_seconds()))

    def enregistrer(self):
        """Stores the upload read from memory for the preview, for its confirmation."""
        self.save(self.donnees)

    def read(self):
        if self.donnees is not None:
            return self.donnees
        return cache.get(self.cle) if self._nom_valide() else None

    def remove(self):
        if self._nom_valide():
            cache.delete(self.cle)

    def reclamer(self):
        """The stored file, taken out of the cache; None when it is not there (anymore).

        Of two confirmations of the same preview, only the one whose delete removed the entry gets it.
        """
        if not self._nom_valide():
            return None
        donnees = cache.get(self.cle)
        if donnees is None or not cache.delete(self.cle):
            return None
        return donnees
