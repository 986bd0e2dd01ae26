"""Downloads: the yearly report as xlsx/ods/csv, and raw exports that stream.

Stock django-import-export builds a whole tablib Dataset cell by cell; at the network's scale (a million
follow-ups) that is minutes and hundreds of MB. Here the export reads `values_list` rows in chunks straight
from the database (joins resolve the related names, no query per row) and writes them as they come: csv
through a StreamingHttpResponse, xlsx through xlsxwriter's constant_memory mode into a temporary file, ods
as a hand-written zip whose content.xml is streamed row by row. Memory does not grow with the rows.
"""

import csv
import datetime
import io
import itertools
import tempfile
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

import tablib
import xlsxwriter
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats

from citeslab import audit
from citeslab import bilan as bilan_module

CHUNK_SIZE = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "zip": "application/zip",
}


def neutraliser(valeur):
    """A text a spreadsheet would run as a formula gets a leading apostrophe, so it stays text."""
    if isinstance(valeur, str) and valeur.startswith(FORMULA_PREFIXES):
        return "'" + valeur
    return valeur


# ---------------------------------------------------------------------------------------------------------------
# The yearly report
# ---------------------------------------------------------------------------------------------------------------

FORMATS_BILAN = ("xlsx", "ods", "csv")


def nom_fichier_bilan(annee: int, fmt: str) -> str:
    return f"bilan-{annee}.{'zip' if fmt == 'csv' else fmt}"


def _nom_feuille(cle: str) -> str:
    # Excel forbids []:*?/\ in sheet names and caps them at 31 characters.
    return "".join(c for c in cle if c not in "[]:*?/\\")[:31]


def _page_de_garde(bilan) -> list[list]:
    lignes = [
        ["Bilan annuel du CitésLab Carcassonne"],
        ["Année", bilan.annee],
        ["Comparée à", bilan.precedente],
        ["Exporté le", timezone.localtime(bilan.genere_le).strftime("%d/%m/%Y %H:%M")],
        ["Conventions de financement", " ; ".join(str(c) for c in bilan.conventions) or "aucune"],
        [],
        ["Feuilles"],
    ]
    lignes += [[_nom_feuille(t.cle), t.titre] for t in bilan.tableaux]
    lignes += [[], ["Données agrégées uniquement : aucune donnée nominative."]]
    return lignes


def bilan_xlsx(bilan, sortie) -> None:
    """One sheet per table, French headers, widths set, percentages and euros as number formats."""
    classeur = xlsxwriter.Workbook(sortie, {"in_memory": False, "strings_to_formulas": False})
    gras = classeur.add_format({"bold": True})
    titre = classeur.add_format({"bold": True, "font_size": 14})
    entete = classeur.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"})
    # A figure's header stands right above its figures, which spreadsheets align right.
    entete_chiffres = classeur.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "align": "right"}
    )
    formats = {
        # Format codes are locale-neutral: "," and "." display as French Excel's space and decimal comma.
        bilan_module.ENTIER: classeur.add_format({"num_format": "#,##0"}),
        bilan_module.DECIMAL: classeur.add_format({"num_format": "#,##0.0"}),
        bilan_module.POURCENT: classeur.add_format({"num_format": "0%"}),
        bilan_module.EUROS: classeur.add_format({"num_format": '#,##0.00 "€"'}),
        bilan_module.TEXTE: None,
    }
    a_gauche = classeur.add_format({"align": "left"})

    def pour_l_impression(feuille, lignes_repetees=None):
        # Printed for the comité de pilotage: A4, every column on one page wide, the header on every page.
        feuille.set_paper(9)
        feuille.fit_to_pages(1, 0)
        feuille.set_footer(f"&LBilan {bilan.annee} — CitésLab Carcassonne&RPage &P / &N")
        if lignes_repetees is not None:
            feuille.repeat_rows(lignes_repetees)

    garde = classeur.add_worksheet(f"Bilan {bilan.annee}")
    garde.set_column(0, 0, 28)
    garde.set_column(1, 1, 60)
    pour_l_impression(garde)
    for i, ligne in enumerate(_page_de_garde(bilan)):
        for j, valeur in enumerate(ligne):
            # The years sit beside their labels, not at the far right of a wide column.
            style = titre if i == 0 else (gras if j == 0 else (a_gauche if isinstance(valeur, int) else None))
            garde.write(i, j, valeur, style)
    for tableau in bilan.tableaux:
        feuille = classeur.add_worksheet(_nom_feuille(tableau.cle))
        pour_l_impression(feuille, lignes_repetees=2)
        feuille.write(0, 0, tableau.titre, titre)
        for j, colonne in enumerate(tableau.colonnes):
            feuille.set_column(j, j, colonne.largeur)
            chiffres = j > 0 and (colonne.type != bilan_module.TEXTE or tableau.types_lignes is not None)
            feuille.write_string(2, j, colonne.titre, entete_chiffres if chiffres else entete)
        for i, ligne in enumerate(tableau.lignes):
            for j, valeur in enumerate(ligne):
                fmt = formats[tableau.type_cellule(i, j)]
                if valeur is None:
                    feuille.write_blank(3 + i, j, None, fmt)
                elif isinstance(valeur, int | float | Decimal):
                    feuille.write_number(3 + i, j, float(valeur), fmt)
                else:
                    feuille.write_string(3 + i, j, neutraliser(str(valeur)))
        if tableau.note:
            feuille.write_string(4 + len(tableau.lignes), 0, tableau.note)
        feuille.freeze_panes(3, 1)
    classeur.close()


def _datasets(bilan) -> list[tablib.Dataset]:
    garde = tablib.Dataset(title=f"Bilan {bilan.annee}")
    for ligne in _page_de_garde(bilan):
        garde.append((list(ligne) + ["", ""])[:2])
    ensembles = [garde]
    for tableau in bilan.tableaux:
        ds = tablib.Dataset(headers=[c.titre for c in tableau.colonnes], title=_nom_feuille(tableau.cle))
        for ligne in tableau.lignes:
            ds.append([neutraliser(v) if isinstance(v, str) else ("" if v is None else v) for v in ligne])
        ensembles.append(ds)
    return ensembles


def bilan_ods(bilan, sortie) -> None:
    sortie.write(tablib.Databook(_datasets(bilan)).export("ods"))


def _csv_cellule(valeur, type_colonne):
    if valeur is None:
        return ""
    if type_colonne == bilan_module.POURCENT:
        return f"{Decimal(str(valeur)) * 100:.1f}".replace(".", ",") + " %"
    if type_colonne in (bilan_module.DECIMAL, bilan_module.EUROS):
        return f"{Decimal(str(valeur)):.{1 if type_colonne == bilan_module.DECIMAL else 2}f}".replace(".", ",")
    if isinstance(valeur, str):
        return neutraliser(valeur)
    return str(valeur)


def bilan_csv_zip(bilan, sortie) -> None:
    """A zip of one csv per table: UTF-8 with BOM and ';' so French Excel opens it as is."""
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, tableau in enumerate([None, *bilan.tableaux]):
            tampon = io.StringIO()
            ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
            if tableau is None:
                nom = f"00-bilan-{bilan.annee}.csv"
                ecrivain.writerows([[neutraliser(str(v)) for v in ligne] for ligne in _page_de_garde(bilan)])
            else:
                nom = f"{n:02d}-{_nom_feuille(tableau.cle).replace(' ', '-').lower()}.csv"
                ecrivain.writerow([c.titre for c in tableau.colonnes])
                for i, ligne in enumerate(tableau.lignes):
                    ecrivain.writerow([_csv_cellule(v, tableau.type_cellule(i, j)) for j, v in enumerate(ligne)])
            archive.writestr(nom, "\ufeff" + tampon.getvalue())


def ecrire_bilan(bilan, fmt: str, sortie) -> None:
    {"xlsx": bilan_xlsx, "ods": bilan_ods, "csv": bilan_csv_zip}[fmt](bilan, sortie)


# ---------------------------------------------------------------------------------------------------------------
# Streaming raw exports
# ---------------------------------------------------------------------------------------------------------------


def _champ_modele(model, chemin: str):
    champ = None
    for partie in chemin.split("__"):
        try:
            champ = model._meta.get_field(partie)
        except FieldDoesNotExist:
            return None
        if champ.is_relation:
            model = champ.related_model
    return champ


def colonnes(resource, champs=None) -> list[tuple[str, str, dict | None]]:
    """(header, values_list lookup, choices labels) for each export field of a resource.

    Every export field must have an `attribute` that is a lookup path ('quartier__nom'): that is what lets
    the rows come from values_list in one query instead of one Python call per cell.
    """
    resultat = []
    for field in resource.get_export_fields(champs):
        if not field.attribute:
            raise ValueError(f"Le champ {field.column_name} n'a pas d'attribut exportable en flux.")
        chemin = field.attribute
        champ = _champ_modele(resource._meta.model, chemin)
        if champ is not None and champ.is_relation and getattr(field.widget, "field", None):
            # A foreign key exported through ForeignKeyWidget(field="nom"): join to that column.
            chemin = f"{chemin}__{field.widget.field}"
            champ = _champ_modele(resource._meta.model, chemin)
        libelles = dict(champ.flatchoices) if champ is not None and champ.choices else None
        resultat.append((str(field.column_name), chemin, libelles))
    return resultat


def lignes(queryset, cols):
    """Rows as tuples of Python values, choices as their labels, formulas neutralised. Constant memory."""
    chemins = [c[1] for c in cols]
    libelles = [c[2] for c in cols]
    for row in queryset.values_list(*chemins).iterator(chunk_size=CHUNK_SIZE):
        yield [
            neutraliser(lib.get(v, v) if lib is not None and v is not None else v)
            for v, lib in zip(row, libelles, strict=True)
        ]


def _texte(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime.datetime):
        return (
            timezone.localtime(valeur).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(valeur)
            else (valeur.strftime("%d/%m/%Y %H:%M"))
        )
    if isinstance(valeur, datetime.date):
        return valeur.strftime("%d/%m/%Y")
    if isinstance(valeur, Decimal | float):
        return str(valeur).replace(".", ",")
    return str(valeur)


class _Echo:
    def write(self, value):
        return value


def _date_fr(valeur) -> str:
    return f"{valeur.day:02d}/{valeur.month:02d}/{valeur.year:04d}"


def _cellule_csv(valeur) -> str:
    """_texte(neutraliser(valeur)), with the common types first: this runs once per cell of the export."""
    genre = type(valeur)
    if genre is str:
        return "'" + valeur if valeur.startswith(FORMULA_PREFIXES) else valeur
    if valeur is None:
        return ""
    if genre is datetime.date:
        return _date_fr(valeur)
    return _texte(neutraliser(valeur))


class _Libelles(dict):
    """Choice value -> neutralised label, None -> "", anything else as _cellule_csv writes it (C-level lookups)."""

    def __missing__(self, valeur):
        return _cellule_csv(valeur)


def _texte_csv(valeur):
    if valeur is None:
        return ""
    return "'" + valeur if valeur.startswith(FORMULA_PREFIXES) else valeur


def _date_csv(valeur):
    return "" if valeur is None else f"{valeur.day:02d}/{valeur.month:02d}/{valeur.year:04d}"


def _convertisseur_csv(model, colonne):
    """The cell writer of one column, chosen once from the model field rather than per cell from the value."""
    _, chemin, libelles = colonne
    if libelles is not None:
        return _Libelles({None: "", **{k: _cellule_csv(v) for k, v in libelles.items()}}).__getitem__
    champ = _champ_modele(model, chemin)
    if isinstance(champ, models.DateField) and not isinstance(champ, models.DateTimeField):
        return _date_csv
    if isinstance(champ, models.CharField | models.TextField):
        return _texte_csv
    return _cellule_csv


def flux_csv(queryset, cols):
    """csv chunks: UTF-8 BOM, ';' separator, French dates and decimal commas.

    The same cells as `lignes()` then `_texte()`, converted column by column without the intermediate
    row: at 100 000 people this loop is most of the export's time.
    """
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow([c[0] for c in cols])
    yield ("\ufeff" + tampon.getvalue()).encode("utf-8")
    convertisseurs = [_convertisseur_csv(queryset.model, c) for c in cols]
    separateurs = len(cols) - 1
    rows = queryset.values_list(*[c[1] for c in cols]).iterator(chunk_size=CHUNK_SIZE)
    while paquet := list(itertools.islice(rows, 1000)):
        lignes_csv = []
        for row in paquet:
            cellules = [f(v) for f, v in zip(convertisseurs, row, strict=True)]
            ligne = ";".join(cellules)
            # Most rows need no quoting: csv.writer (QUOTE_MINIMAL) is only called for those that do.
            if ligne.count(";") != separateurs or '"' in ligne or "\n" in ligne or "\r" in ligne:
                tampon.seek(0)
                tampon.truncate()
                ecrivain.writerow(cellules)
                ligne = tampon.getvalue()[:-2]
            lignes_csv.append(ligne)
        lignes_csv.append("")
        yield "\r\n".join(lignes_csv).encode("utf-8")


def ecrire_xlsx(queryset, cols, sortie, titre="Export") -> None:
    classeur = xlsxwriter.Workbook(sortie, {"constant_memory": True, "strings_to_formulas": False})
    feuille = classeur.add_worksheet(_nom_feuille(titre))
    entete = classeur.add_format({"bold": True})
    date_fmt = classeur.add_format({"num_format": "dd/mm/yyyy"})
    dt_fmt = classeur.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for j, (titre_col, _, _) in enumerate(cols):
        feuille.set_column(j, j, max(12, min(40, len(titre_col) + 4)))
        feuille.write_string(0, j, titre_col, entete)
    for i, ligne in enumerate(lignes(queryset, cols), start=1):
        for j, valeur in enumerate(ligne):
            if valeur is None:
                continue
            if isinstance(valeur, bool):
                feuille.write_string(i, j, "oui" if valeur else "non")
            elif isinstance(valeur, datetime.datetime):
                valeur = timezone.localtime(valeur).replace(tzinfo=None) if timezone.is_aware(valeur) else valeur
                feuille.write_datetime(i, j, valeur, dt_fmt)
            elif isinstance(valeur, datetime.date):
                feuille.write_datetime(i, j, valeur, date_fmt)
            elif isinstance(valeur, int | float | Decimal):
                feuille.write_number(i, j, float(valeur))
            else:
                feuille.write_string(i, j, str(valeur))
    feuille.freeze_panes(1, 0)
    classeur.close()


_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""

_ODS_DEBUT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet><table:table table:name={nom}>"
)
_ODS_FIN = "</table:table></office:spreadsheet></office:body></office:document-content>"


# XML parsers turn a raw carriage return into a line feed; the character reference keeps it.
_ENTITES = {"\r": "&#13;"}


def _ods_cellule(valeur) -> str:
    if valeur is None:
        return "<table:table-cell/>"
    if isinstance(valeur, bool):
        valeur = "oui" if valeur else "non"
    if isinstance(valeur, int | float | Decimal):
        return (
            f'<table:table-cell office:value-type="float" office:value="{valeur}"><text:p>{valeur}</text:p>'
            "</table:table-cell>"
        )
    if isinstance(valeur, datetime.date):
        if isinstance(valeur, datetime.datetime) and timezone.is_aware(valeur):
            valeur = timezone.localtime(valeur).replace(tzinfo=None)
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{valeur.isoformat()}">'
            f"<text:p>{_texte(valeur)}</text:p></table:table-cell>"
        )
    texte = escape(str(valeur), _ENTITES)
    return f'<table:table-cell office:value-type="string"><text:p>{texte}</text:p></table:table-cell>'


def ecrire_ods(queryset, cols, sortie, titre="Export") -> None:
    """A minimal OpenDocument spreadsheet whose content.xml is written as rows arrive."""
    with zipfile.ZipFile(sortie, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("content.xml", date_time=timezone.localtime().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as contenu:
            contenu.write(_ODS_DEBUT.format(nom=quoteattr(_nom_feuille(titre))).encode())
            contenu.write(
                ("<table:table-row>" + "".join(_ods_cellule(c[0]) for c in cols) + "</table:table-row>").encode()
            )
            for ligne in lignes(queryset, cols):
                contenu.write(
                    ("<table:table-row>" + "".join(_ods_cellule(v) for v in ligne) + "</table:table-row>").encode()
                )
            contenu.write(_ODS_FIN.encode())


def reponse_export(queryset, cols, fmt: str, nom: str, titre="Export"):
    """The HTTP response of a raw export: streamed csv, or a temporary file for xlsx/ods."""
    filename = f"{nom}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(flux_csv(queryset, cols), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    fichier = tempfile.TemporaryFile()  # removed by the OS when FileResponse closes it
    (ecrire_xlsx if fmt == "xlsx" else ecrire_ods)(queryset, cols, fichier, titre)
    fichier.seek(0)
    return FileResponse(fichier, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])


class StreamingExportMixin(ExportMixin):
    """import_export's ExportMixin (same buttons, form and resources) whose export streams.

    Requires the model's "view" permission: the admin's own check only asks for is_staff, which an Agglo
    user has, and raw exports name people.
    """

    export_formats = [base_formats.CSV, base_formats.XLSX, base_formats.ODS]

    def has_export_permission(self, request):
        return self.has_view_permission(request) and super().has_export_permission(request)

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource = self.choose_export_resource_class(export_form, request)(**self.get_export_resource_kwargs(request))
        cols = colonnes(resource, self.get_export_resource_fields_from_form(export_form))
        if hasattr(resource, "prepare_export_queryset"):
            queryset = resource.prepare_export_queryset(queryset)
        nom = f"{self.model._meta.verbose_name_plural.replace(' ', '-')}-{timezone.localdate():%Y-%m-%d}"
        audit.export(request, f"export {self.model._meta.label_lower}", file_format.get_extension(), queryset.count())
        return reponse_export(
            queryset, cols, file_format.get_extension(), nom, titre=str(self.model._meta.verbose_name_plural)
        )


class StreamingImportExportMixin(StreamingExportMixin, ImportExportMixin):
    """The same, with import (dry run preview, then confirm). Import needs the add and change permissions."""

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)


# ---------------------------------------------------------------------------------------------------------------
# Imports: spreadsheets as offices really have them
# ---------------------------------------------------------------------------------------------------------------


def decoder(contenu: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, otherwise Windows-1252 (Excel's "CSV" on French Windows)."""
    try:
        return contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        return contenu.decode("cp1252")


def separateur(texte: str) -> str:
    """';' (French Excel) or ',' — whichever splits the header line more."""
    entete = texte.splitlines()[0] if texte else ""
    return ";" if entete.count(";") >= entete.count(",") else ","


class CSVFrancais(base_formats.CSV):
    """csv in UTF-8 or Windows-1252, separated by ';' or ','. Read as bytes so the encoding can be detected."""

    def get_title(self):
        return "csv (UTF-8 ou Windows-1252, « ; » ou « , »)"

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        texte = decoder(in_stream) if isinstance(in_stream, bytes) else in_stream
        return tablib.Dataset().load(texte, format="csv", delimiter=separateur(texte))


StreamingImportExportMixin.import_formats = [CSVFrancais, base_formats.XLSX]
