"""The A4 poster of the permanences: the week on paper for the social centres, with a QR code to the site."""

import datetime
import io
import re
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from django.contrib.staticfiles import finders
from django.utils import timezone
from pypdf import PdfReader

from permanences.models import Bureau, Fermeture
from tests.ateliers.factories import AtelierFactory
from tests.public.htmlcheck import html_errors

SITE = "https://citeslab.carcassonne-agglo.fr"
AFFICHE = "/permanences/affiche/"
PDF = "/permanences/affiche.pdf"
A4 = (595.28, 841.89)  # points


@pytest.fixture
def affiche(site, settings, a_l_heure):
    settings.SITE_URL = SITE
    a_l_heure(datetime.datetime(2026, 11, 25, 10, 0))  # Wednesday of week 48


def pdf_de(client, semaine=None):
    response = client.get(PDF, {"semaine": semaine} if semaine else {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def assert_une_page_a4(pdf: bytes):
    lecteur = PdfReader(io.BytesIO(pdf))
    assert len(lecteur.pages) == 1
    boite = lecteur.pages[0].mediabox
    assert float(boite.width) == pytest.approx(A4[0], abs=1)
    assert float(boite.height) == pytest.approx(A4[1], abs=1)


def textes_des_qr_codes(pdf: bytes) -> list[str]:
    """The page rasterised at 216 dpi (PDFium), then every QR code on it read back (zxing-cpp)."""
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]


def test_the_pdf_poster_is_one_a4_page_whose_qr_code_leads_to_the_site(client, affiche):
    pdf = pdf_de(client)
    assert_une_page_a4(pdf)
    assert textes_des_qr_codes(pdf) == [SITE + "/"]


def test_the_pdf_of_the_standard_week_is_one_a4_page_with_the_qr_code_too(client, affiche):
    pdf = pdf_de(client, "type")
    assert_une_page_a4(pdf)
    assert textes_des_qr_codes(pdf) == [SITE + "/"]


def test_a_busy_week_with_closures_and_workshops_still_fits_one_a4_page(client, affiche):
    Fermeture.objects.create(
        debut=datetime.date(2026, 12, 1), fin=datetime.date(2026, 12, 2), motif="Formation du chef de projet"
    )
    Fermeture.objects.create(debut=datetime.date(2026, 12, 4), fin=datetime.date(2026, 12, 4), motif="Congés")
    for jour, heure in [(3, 9), (2, 14), (1, 14), (0, 9)]:
        debut = timezone.make_aware(
            datetime.datetime(2026, 11, 30 + jour, heure) if jour == 0 else datetime.datetime(2026, 12, jour, heure)
        )
        AtelierFactory(titre="Atelier Émergence : de l'idée au projet, les premières questions", debut=debut)
    pdf = pdf_de(client, "2026-W49")
    assert_une_page_a4(pdf)
    assert textes_des_qr_codes(pdf) == [SITE + "/"]


def test_the_pdf_downloads_under_a_name_that_says_the_week(client, affiche):
    response = client.get(PDF, {"semaine": "2026-W49"})
    assert response["Content-Disposition"] == 'attachment; filename="affiche-citeslab-2026-W49.pdf"'
    assert client.get(PDF, {"semaine": "type"})["Content-Disposition"].endswith('"affiche-citeslab-semaine-type.pdf"')


def test_the_pdf_is_rendered_once_then_served_from_the_cache(client, affiche, django_assert_num_queries, monkeypatch):
    premier = pdf_de(client, "2026-W49")
    from permanences import views

    monkeypatch.setattr(views, "pdf_sur_une_page", lambda *a, **k: pytest.fail("rendered again"))
    with django_assert_num_queries(0):
        assert pdf_de(client, "2026-W49") == premier


def test_the_poster_shows_the_week_with_its_closures_holidays_and_workshop(client, affiche):
    Fermeture.objects.create(debut=datetime.date(2026, 12, 24), fin=datetime.date(2026, 12, 24), motif="Congés")
    AtelierFactory(
        titre="De l'idée au projet",
        debut=timezone.make_aware(datetime.datetime(2026, 12, 23, 14)),
        fin=timezone.make_aware(datetime.datetime(2026, 12, 23, 16)),
    )
    html = client.get(AFFICHE, {"semaine": "2026-W52"}).content.decode()
    assert "Permanences de la semaine du lundi 21 décembre au vendredi 25 décembre 2026" in html
    assert "Noël, jour férié, le vendredi 25 décembre" in html
    assert "Congés le jeudi 24 décembre" in html
    assert "Atelier&nbsp;: De l&#x27;idée au projet" in html
    assert "Pas d'atelier cette semaine" not in html.split("mercredi")[1].split("</tr>")[0]


def test_the_standard_week_shows_every_slot_and_no_closure(client, affiche):
    Fermeture.objects.create(debut=datetime.date(2026, 11, 23), fin=datetime.date(2026, 11, 29), motif="Congés")
    html = client.get(AFFICHE, {"semaine": "type"}).content.decode()
    assert "Les permanences, chaque semaine" in html
    assert "Congés" not in html and "Fermé" not in html
    assert html.count('Ateliers Émergence</strong> <span class="affiche-heures">sur inscription') == 2
    for nom in ["CitésLab – 13 rue Victor Hugo", "Espace partagé Ozanam", "Régie des quartiers La Conte"]:
        assert nom in html


def test_the_poster_gives_the_office_contact_from_the_bureau_row(client, affiche):
    Bureau.objects.update(telephone="04 68 11 22 33")
    html = client.get(AFFICHE).content.decode()
    assert "04 68 11 22 33" in html and "bouchaib.danguire@carcassonne-agglo.fr" in html
    assert "citeslab.carcassonne-agglo.fr" in html


def test_the_qr_code_is_inline_svg_named_for_screen_readers(client, affiche):
    html = client.get(AFFICHE).content.decode()
    svg = re.search(r"<svg [^>]*>", html).group(0)
    assert 'role="img"' in svg and f'aria-label="QR code vers le site du CitésLab : {SITE}/"' in svg


def test_the_poster_page_is_valid_html_without_inline_style_nor_script(client, affiche):
    html = client.get(AFFICHE).content.decode()
    assert html_errors(html) == []
    assert html.count("<h1") == 1
    assert "style=" not in html and "<style" not in html and "<script>" not in html


def test_the_poster_page_weighs_under_100_kb_with_its_two_stylesheets(client, affiche):
    html = client.get(AFFICHE).content
    css = sum(Path(finders.find(f"css/{nom}.css")).stat().st_size for nom in ("site", "affiche"))
    assert len(html) + css < 100 * 1024


def test_the_stylesheet_prints_on_a4(client):
    css = Path(finders.find("css/affiche.css")).read_text()
    assert "@page { size: A4;" in css


def test_the_week_page_links_to_the_poster_of_the_same_week(client, affiche):
    html = client.get("/permanences/", {"semaine": "2026-W49"}).content.decode()
    assert 'href="/permanences/affiche/?semaine=2026-W49"' in html


def test_the_poster_page_offers_the_pdf_this_week_next_week_and_the_standard_week(client, affiche):
    html = client.get(AFFICHE).content.decode()
    assert 'href="/permanences/affiche.pdf?semaine=2026-W48"' in html
    assert 'href="/permanences/affiche/?semaine=2026-W49"' in html
    assert 'href="/permanences/affiche/?semaine=type"' in html


@pytest.mark.parametrize("url", [AFFICHE, PDF])
@pytest.mark.parametrize("semaine", ["2026-49", "n'importe quoi", "1900-W01", "2026-W60", "TYPE "])
def test_a_bad_week_gets_a_french_404(client, affiche, url, semaine):
    response = client.get(url, {"semaine": semaine})
    assert response.status_code == 404
    assert "Cette page n'existe pas" in response.content.decode()


@pytest.mark.parametrize("semaine", ["2026-W49", "type"])
def test_the_poster_makes_at_most_three_queries(client, affiche, semaine, django_assert_max_num_queries, monkeypatch):
    from citeslab.core import cache as cache_public

    client.get(AFFICHE, {"semaine": semaine})  # the office's contact, then kept as reference data
    monkeypatch.setattr(cache_public, "lire_page", lambda key: None)
    monkeypatch.setattr(cache_public, "ecrire_page", lambda key, *args: None)
    with django_assert_max_num_queries(3):
        assert client.get(AFFICHE, {"semaine": semaine}).status_code == 200


def test_an_address_asking_for_too_many_new_pdfs_waits_a_minute_with_a_french_page(client, affiche, monkeypatch):
    from permanences import views

    monkeypatch.setattr(
        views, "pdf_sur_une_page", lambda versions, **k: b"%PDF-1.7 " + next(iter(versions))[:1].encode()
    )
    for numero in range(1, 11):
        assert client.get(PDF, {"semaine": f"2026-W{numero:02d}"}).status_code == 200
    assert client.get(PDF, {"semaine": "2026-W01"}).status_code == 200  # already in the cache: not counted
    response = client.get(PDF, {"semaine": "2026-W11"})
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Trop de demandes" in response.content.decode()
    assert client.get(PDF, {"semaine": "2026-W11"}, REMOTE_ADDR="192.0.2.9").status_code == 200
