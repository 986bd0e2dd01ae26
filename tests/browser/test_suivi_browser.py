"""The chef de projet's working day in a browser: a follow-up in at most 4 clicks from the dashboard, for a person
followed for a long time, on a 10-inch tablet (1024×768) and on a laptop; axe finds nothing on his frequent screens."""

import datetime
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from citeslab.seed import seed_carcassonne
from porteurs.models import Suivi
from tests.browser.conftest import attendre_fin_des_requetes
from tests.porteurs.factories import PorteurFactory, SuiviFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots_public"))
TABLETTE = {"width": 1024, "height": 768}
PORTABLE = {"width": 1366, "height": 768}


@pytest.fixture
def journee(transactional_db, administrateur):
    seed_carcassonne()
    # A superuser: an earlier transactional test may have flushed the roles' groups, which migrations create.
    porteur = PorteurFactory(prenom="Élodie", nom="Dupré-Vasseur", telephone="06 07 44 82 97")
    PorteurFactory(prenom="Marc", nom="Vasseur")
    debut = datetime.date(2019, 1, 7)
    for i in range(50):
        SuiviFactory(
            porteur=porteur,
            date=debut + datetime.timedelta(weeks=3 * i),
            notes="Point d'étape sur le projet, le prévisionnel et les démarches. " * 3,
        )
    return porteur


def _page(chromium, live_server, viewport):
    contexte = chromium.new_context(viewport=viewport, locale="fr-FR", base_url=live_server.url)
    page = contexte.new_page()
    page.set_default_timeout(15_000)
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "administrateur")
    page.fill("#id_password", "mot-de-passe-de-test-long")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return contexte, page


def _dans_l_ecran(page, selecteur):
    boite = page.locator(selecteur).bounding_box()
    return boite is not None and boite["y"] >= 0 and boite["y"] + boite["height"] <= page.viewport_size["height"]


def _capture(page, nom):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{nom}.png"), full_page=True)


def _sans_violation(page):
    resultats = Axe().run(page)
    assert resultats.violations_count == 0, resultats.generate_report()


@pytest.mark.parametrize("ecran", [TABLETTE, PORTABLE], ids=["tablette", "portable"])
def test_a_follow_up_takes_at_most_four_clicks_from_the_dashboard_without_scrolling(
    chromium, live_server, journee, ecran
):
    contexte, page = _page(chromium, live_server, ecran)
    clics = 0
    try:
        page.fill("#recherche-q", "vasseur")  # the box has the focus when the dashboard opens
        page.get_by_role("button", name="Rechercher").click()
        clics += 1
        page.get_by_role("link", name="Élodie Dupré-Vasseur").click()
        clics += 1
        page.wait_for_selector("#id_suivi_notes")
        assert page.evaluate("window.scrollY") == 0
        assert _dans_l_ecran(page, "#id_suivi_notes")
        assert _dans_l_ecran(page, "input[name=_suivi]")
        assert page.input_value("#id_suivi_date") == datetime.date.today().strftime("%d/%m/%Y")
        page.click("#id_suivi_notes")
        clics += 1
        page.keyboard.type("Rendez-vous pris avec l'ADIE pour le microcrédit.")
        page.get_by_role("button", name="Enregistrer le suivi").click()
        clics += 1
        page.wait_for_selector(".messagelist")
        assert "Suivi enregistré" in page.locator(".messagelist").inner_text()
        assert clics <= 4
        assert Suivi.objects.filter(porteur=journee).count() == 51
        hauteur = page.evaluate("document.documentElement.scrollHeight")
        _capture(page, f"personne-{ecran['width']}")
        # 50 follow-ups no longer make the page dozens of screens tall.
        assert hauteur < 6 * ecran["height"], hauteur
    finally:
        contexte.close()
        attendre_fin_des_requetes()


PAGES = {
    "tableau-de-bord": "/admin/",
    "liste-des-personnes": "/admin/porteurs/porteur/",
    "aujourdhui": "/admin/aujourdhui/",
    "nouvelle-personne": "/admin/porteurs/porteur/add/",
}


@pytest.mark.parametrize("nom", [*PAGES, "fiche", "suivi"])
def test_frequent_screens_have_no_axe_violation_on_a_tablet(chromium, live_server, journee, nom):
    contexte, page = _page(chromium, live_server, TABLETTE)
    try:
        if nom == "fiche":
            page.goto(f"/admin/porteurs/porteur/{journee.pk}/change/")
        elif nom == "suivi":
            page.goto(f"/admin/porteurs/suivi/{journee.suivis.first().pk}/change/")
        else:
            page.goto(PAGES[nom])
        _capture(page, f"tablette-{nom}")
        largeur = page.evaluate("document.documentElement.scrollWidth")
        assert largeur <= TABLETTE["width"], f"{nom} déborde : {largeur} px"
        _sans_violation(page)
    finally:
        contexte.close()
        attendre_fin_des_requetes()


def test_search_results_and_a_refused_walk_in_have_no_axe_violation(chromium, live_server, journee):
    contexte, page = _page(chromium, live_server, TABLETTE)
    try:
        page.fill("#recherche-q", "vasseur")
        page.get_by_role("button", name="Rechercher").click()
        page.wait_for_selector("#resultats")
        _capture(page, "tablette-resultats")
        _sans_violation(page)

        page.goto("/admin/aujourdhui/")
        page.fill("#id_prenom", "ELODIE")
        page.fill("#id_nom", "dupre vasseur")
        page.fill("#id_telephone", "0607448297")
        page.get_by_role("button", name="Créer la fiche et le suivi").click()
        page.wait_for_selector("#doublons")
        assert page.get_by_role("link", name="Ouvrir la fiche de Élodie Dupré-Vasseur").is_visible()
        _capture(page, "tablette-aujourdhui-doublon")
        _sans_violation(page)
    finally:
        contexte.close()
        attendre_fin_des_requetes()
