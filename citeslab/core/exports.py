"""Raw exports that stream: the admin's export button for people, follow-ups, referrals, workshops, registrations.

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

import xlsxwriter
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import FileResponse, Http404, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.views.decorators.http import require_POST
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm

from citeslab.core import audit
from citeslab.core.formats import NBSP
from citeslab.core.imports import (
    CSVFrancais,
    FichierRefuse,
    FormulaireImport,
    StockageImport,
    XLSXBorne,
    duree_lisible,
    duree_max,
)
from citeslab.core.imports_en_file import lire_etat, mettre_en_file

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
# Streaming raw exports
# ---------------------------------------------------------------------------------------------------------------


def nom_feuille(titre: str) -> str:
    # Excel forbids []:*?/\ in sheet names and caps them at 31 characters.
    return "".join(c for c in titre if c not in "[]:*?/\\")[:31]


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


def _cellule_csv(valeur) -> str:
    """_texte(neutraliser(valeur)), with the common types first: this runs once per cell of the export."""
    genre = type(valeur)
    if genre is str:
        return "'" + valeur if valeur.startswith(FORMULA_PREFIXES) else valeur
    if valeur is None:
        return ""
    if genre is datetime.date:
        return _date_csv(valeur)
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
    feuille = classeur.add_worksheet(nom_feuille(titre))
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
            contenu.write(_ODS_DEBUT.format(nom=quoteattr(nom_feuille(titre))).encode())
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


class FormulaireExport(SelectableFieldsExportForm):
    """import-export's export form, with the static script that makes "select all" work under the CSP.

    Each box is labelled with the column's header in the file ("Prénom"), not the code name beside it
    ("Prenom (Prénom)", "Relance Le").
    """

    class Media:
        js = ["core/export.js"]

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        if field is not None and field.column_name and field.column_name != field_name:
            return str(field.column_name)
        try:
            return capfirst(resource._meta.model._meta.get_field(field_name).verbose_name)
        except FieldDoesNotExist:
            return capfirst(field_name.replace("_", " "))


class StreamingExportMixin(ExportMixin):
    """import_export's ExportMixin (same buttons, form and resources) whose export streams.

    Requires the model's "view" permission: the admin's own check only asks for is_staff, which an Agglo
    user has, and raw exports name people.
    """

    export_formats = [base_formats.CSV, base_formats.XLSX, base_formats.ODS]
    export_form_class = FormulaireExport

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
    """The same, with import (dry run preview, then confirm). Import needs the add and change permissions.

    Files are read within the caps of citeslab.core.imports. The preview reads the upload from memory and
    stores it (StockageImport, in the cache) only when it offers a confirmation; the confirmation takes it
    out, so a second confirmation, a forged file name or an expired preview find nothing and get a French
    message on the import page, never an error page.
    """

    import_formats = [CSVFrancais, XLSXBorne]
    import_form_class = FormulaireImport
    tmp_storage_class = StockageImport

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def write_to_tmp_storage(self, import_file, input_format):
        stockage = StockageImport(donnees=b"".join(import_file.chunks()))
        import_file.stockage_import = stockage
        return stockage

    def get_confirm_form_initial(self, request, import_form):
        if import_form is not None:
            import_form.cleaned_data["import_file"].stockage_import.enregistrer()
        return super().get_confirm_form_initial(request, import_form)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, FichierRefuse):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        options = self.options_de_mise_en_file(request, confirm_form) if confirm_form.is_valid() else None
        fichier = None if options is None else self._fichier_confirme(request, confirm_form)
        if fichier is None:
            return self._retour_a_l_import(
                request,
                f"Cet import n'est plus disponible{NBSP}: il a déjà été confirmé, ou son aperçu date de plus "
                f"{duree_lisible(duree_max())}. Vérifiez la liste, puis importez de nouveau le fichier si besoin.",
            )
        input_format, donnees = fichier
        # Thousands of rows take a minute: the worker imports them, this page follows (imports_en_file).
        travail = mettre_en_file(
            modele=self.model,
            resource_class=self.choose_import_resource_class(confirm_form, request),
            format_class=type(input_format),
            donnees=donnees,
            utilisateur=request.user,
            **options,
        )
        return HttpResponseRedirect(reverse("admin:{}_{}_import_suivi".format(*self.get_model_info()), args=[travail]))

    def options_de_mise_en_file(self, request, confirm_form):
        """What else the task needs beside the file (a mapping of its columns); None refuses the confirmation."""
        return {}

    def get_urls(self):
        suivi = path(
            "import/suivi/<str:travail>/",
            self.admin_site.admin_view(self.suivi_import),
            name="{}_{}_import_suivi".format(*self.get_model_info()),
        )
        return [suivi, *super().get_urls()]

    def suivi_import(self, request, travail):
        """How far the queued import is; the page reloads itself until it is done. Its launcher's only."""
        etat = lire_etat(travail)
        if not self.has_import_permission(request) or etat is None or etat.utilisateur != request.user.pk:
            raise Http404("Cet import n'existe pas, ou son suivi a expiré.")
        info = self.get_model_info()
        return TemplateResponse(
            request,
            "admin/import_export/suivi.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Import de {self.model._meta.verbose_name_plural}",
                "opts": self.model._meta,
                "etat": etat,
                "liste": reverse("admin:{}_{}_changelist".format(*info)),
                "import": reverse("admin:{}_{}_import".format(*info)),
            },
        )

    def _fichier_confirme(self, request, confirm_form):
        """(format, content) of the preview being confirmed, taken out of the cache; None if there is none."""
        if not confirm_form.is_valid():
            return None
        formats = self.get_import_formats()
        resources = self.get_import_resource_classes(request)
        try:
            numero_format = int(confirm_form.cleaned_data["format"])
            numero_resource = int(confirm_form.cleaned_data["resource"] or 0)
        except ValueError:
            return None
        if not (0 <= numero_format < len(formats) and 0 <= numero_resource < len(resources)):
            return None
        donnees = StockageImport(name=confirm_form.cleaned_data["import_file_name"]).reclamer()
        if donnees is None:
            return None
        return formats[numero_format](encoding=self.from_encoding), donnees

    def _retour_a_l_import(self, request, message):
        messages.error(request, message)
        return HttpResponseRedirect(
            reverse("admin:{}_{}_import".format(*self.get_model_info()), current_app=self.admin_site.name)
        )
