"""The easy-to-read page and the accessibility statement on a phone: axe finds nothing, the pictograms load."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from citeslab.seed import seed_carcassonne

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots_public"))

PAGES = {"facile-a-lire": "/facile-a-lire/", "accessibilite": "/accessibilite/"}


@pytest.fixture
def site(transactional_db):
    seed_carcassonne()


@pytest.mark.parametrize("nom", list(PAGES))
def test_page_has_no_axe_violation_on_a_phone(page, site, nom):
    page.goto(PAGES[nom])
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{nom}.png"), full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_resident_finds_the_easy_to_read_page_from_the_home_page_and_sees_its_pictograms(page, site):
    page.goto("/")
    page.get_by_role("link", name="Facile à lire").click()
    page.wait_for_url("**/facile-a-lire/")
    assert page.get_by_role("heading", level=1).inner_text() == "Le CitésLab, facile à lire"
    for alt in ("Dessin d'une ampoule allumée", "Dessin d'un calendrier", "Dessin d'un téléphone"):
        image = page.get_by_role("img", name=alt)
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), alt
    # Nothing wider than the phone: no sideways scrolling to read a line.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_footer_link_leads_to_the_accessibility_statement(page, site):
    page.goto("/permanences/")
    page.get_by_role("link", name="Accessibilité : partiellement conforme").click()
    page.wait_for_url("**/accessibilite/")
    assert page.get_by_role("heading", level=1).inner_text() == "Déclaration d'accessibilité"
