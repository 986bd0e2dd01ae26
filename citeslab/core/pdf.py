"""HTML to PDF with WeasyPrint, for documents people print (the permanences poster): the page's own template.

WeasyPrint fetches nothing here: stylesheets are handed over as files, every other URL in the document is
refused, so a rendering can neither reach the network nor read a file it was not given.
"""

import logging
from pathlib import Path

# WeasyPrint reports each step, and fontTools each table of each font it subsets, at INFO: dozens of lines per
# document in the server's log. Their warnings and errors still show.
for _bavard in ("weasyprint.progress", "fontTools"):
    logging.getLogger(_bavard).setLevel(logging.WARNING)


class RessourceRefusee(Exception):
    pass


def _rien(url, *args, **kwargs):
    raise RessourceRefusee(url)


def html_en_pdf(html: str, *, feuilles: list[Path], base_url: str | None = None) -> bytes:
    """The PDF of `html` with the stylesheets `feuilles` (their @page rules set the paper size)."""
    # Imported here: WeasyPrint loads Pango and fonts, about half a second that only this download needs.
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_rien)
    return document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(feuille)) for feuille in feuilles])
