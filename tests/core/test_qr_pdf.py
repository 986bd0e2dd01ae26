"""The kernel's QR codes (inline SVG) and HTML-to-PDF rendering (WeasyPrint), read back as a person's phone would."""

import io
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from citeslab.core import pdf as pdf_module
from citeslab.core.pdf import html_en_pdf, pdf_sur_une_page
from citeslab.core.qr import qr_svg


@pytest.fixture
def feuille(tmp_path) -> Path:
    chemin = tmp_path / "a4.css"
    chemin.write_text("@page { size: A4; margin: 1cm; } svg { width: 5cm; height: 5cm; }")
    return chemin


def page(corps: str) -> str:
    return f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>t</title></head><body>{corps}</body>'


def qr_codes_lus(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("texte", ["https://citeslab.carcassonne-agglo.fr/", "http://127.0.0.1:8000/permanences/?x=é"])
def test_the_svg_qr_code_decodes_to_its_text_once_printed(feuille, texte):
    pdf = html_en_pdf(page(qr_svg(texte, libelle="QR")), feuilles=[feuille])
    assert qr_codes_lus(pdf) == [texte]


def test_the_svg_qr_code_is_named_and_escapes_its_label():
    svg = qr_svg("https://exemple.fr/", libelle='Vers "le site" <ici>')
    assert svg.startswith("<svg ") and 'role="img"' in svg
    assert 'aria-label="Vers &quot;le site&quot; &lt;ici&gt;"' in svg


def test_the_svg_qr_code_of_a_web_address_stays_small():
    assert len(qr_svg("https://citeslab.carcassonne-agglo.fr/", libelle="QR")) < 6000


def test_the_pdf_is_one_a4_page(feuille):
    lecteur = PdfReader(io.BytesIO(html_en_pdf(page("<p>Bonjour</p>"), feuilles=[feuille])))
    assert len(lecteur.pages) == 1
    assert (round(float(lecteur.pages[0].mediabox.width)), round(float(lecteur.pages[0].mediabox.height))) == (
        595,
        842,
    )


def test_the_renderer_fetches_no_url_of_the_document(feuille, monkeypatch):
    demandees = []

    def espion(url, *args, **kwargs):
        demandees.append(url)
        raise pdf_module.RessourceRefusee(url)

    monkeypatch.setattr(pdf_module, "_refuser", espion)
    html = page('<img src="http://192.0.2.1/x.png" alt=""><link rel="stylesheet" href="file:///etc/passwd">')
    assert html_en_pdf(html, feuilles=[feuille]).startswith(b"%PDF")
    assert "http://192.0.2.1/x.png" in demandees


def test_one_page_takes_the_first_version_that_fits_and_renders_no_further(feuille):
    rendues = []

    def versions():
        for n, corps in enumerate(["<p>Trop long.</p>" * 400, "<p>Court.</p>", "<p>Jamais rendue.</p>"]):
            rendues.append(n)
            yield page(corps)

    pdf = pdf_sur_une_page(versions(), feuilles=[feuille])
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert rendues == [0, 1]


def test_one_page_keeps_the_last_version_when_none_fits(feuille):
    pdf = pdf_sur_une_page([page("<p>Long.</p>" * 400)], feuilles=[feuille])
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 1
