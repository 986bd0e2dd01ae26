"""HTML to PDF with WeasyPrint, for documents people print (the permanences poster): the page's own template.

WeasyPrint fetches nothing here: stylesheets are handed over as files, every other URL in the document is
refused, so a rendering can neither reach the network nor read a file it was not given.
"""

import logging
from collections.abc import Iterable
from pathlib import Path

# WeasyPrint reports each step, and fontTools each table of each font it subsets, at INFO: dozens of lines per
# document in the server's log. Their warnings and errors still show.
for _bavard in ("weasyprint.progress", "fontTools"):
    logging.getLogger(_bavard).setLevel(logging.WARNING)


class RessourceRefusee(Exception):
    pass


def _refuser(url: str):
    raise RessourceRefusee(url)


def _document(html: str, feuilles: list[Path]):
    # Imported here: WeasyPrint loads Pango and fonts, about half a second that only a download needs.
    import weasyprint
    from weasyprint.urls import URLFetcher

    class AucuneRessource(URLFetcher):
        """WeasyPrint's fetcher that fetches nothing: an image or a stylesheet in the document is skipped."""

        def fetch(self, url, headers=None):
            _refuser(url)

    refus = AucuneRessource()
    styles = [weasyprint.CSS(filename=str(feuille), url_fetcher=refus) for feuille in feuilles]
    return weasyprint.HTML(string=html, url_fetcher=refus).render(stylesheets=styles)


def html_en_pdf(html: str, *, feuilles: list[Path]) -> bytes:
    """The PDF of `html` with the stylesheets `feuilles` (their @page rules set the paper size)."""
    return _document(html, feuilles).write_pdf()


def pdf_sur_une_page(versions: Iterable[str], *, feuilles: list[Path]) -> bytes:
    """The PDF of the first of `versions` (the same document, tighter and tighter) that fits on one page.

    `versions` may be a generator: a version is rendered only when the one before it ran over. When none
    fits, the last one is kept: a second page is better than a cut text.
    """
    document = None
    for html in versions:
        document = _document(html, feuilles)
        if len(document.pages) <= 1:
            break
    if document is None:
        raise ValueError("aucune version à rendre")
    return document.write_pdf()
