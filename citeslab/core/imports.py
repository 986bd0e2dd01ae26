"""Spreadsheets as offices really have them: csv from French Excel (Windows-1252, « ; ») as well as UTF-8."""

import tablib
from import_export.formats import base_formats


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
