"""The poster printed from the browser: Chromium's own print of /permanences/affiche/ is one A4 page."""

import io
import os
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from pypdf import PdfReader

from citeslab.seed import seed_carcassonne

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots_public"))


@pytest.fixture
def site(transactional_db):
    seed_carcassonne()


@pytest.mark.parametrize("semaine", ["", "?semaine=type"])
def test_the_poster_printed_by_the_browser_is_one_a4_page_with_a_readable_qr_code(page, site, semaine):
    page.goto(f"/permanences/affiche/{semaine}")
    page.emulate_media(media="print")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"affiche-impression{semaine.replace('?semaine=', '-')}.png"), full_page=True)
    # What "Imprimer" gives: the page's @page rule chooses the paper (A4), no header or footer of the browser's.
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    lecteur = PdfReader(io.BytesIO(pdf))
    assert len(lecteur.pages) == 1
    boite = lecteur.pages[0].mediabox
    assert float(boite.width) == pytest.approx(595.28, abs=1) and float(boite.height) == pytest.approx(841.89, abs=1)
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    image.save(SHOTS / f"affiche-pdf-chromium{semaine.replace('?semaine=', '-')}.png")
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [settings.SITE_URL.rstrip("/") + "/"]
    # Nothing of the site's chrome on paper: only the poster.
    texte = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf))
    assert "Aller au contenu" not in texte and "Télécharger l'affiche" not in texte
    assert "Vous avez une idée d'entreprise" in texte


def test_a_resident_finds_the_poster_from_the_week_page_and_downloads_the_pdf(page, site):
    page.goto("/permanences/")
    page.get_by_role("link", name="L'affiche à imprimer (A4, PDF)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Affiche des permanences"
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger l'affiche en PDF (A4)").click()
    contenu = Path(telechargement.value.path()).read_bytes()
    assert telechargement.value.suggested_filename.startswith("affiche-citeslab-")
    assert len(PdfReader(io.BytesIO(contenu)).pages) == 1
    # On the phone's screen the poster fits the width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
