"""A resident books, moves and cancels an appointment on a 390×844 phone, with and without JavaScript."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connections

from citeslab.seed import seed_carcassonne
from rendezvous import signatures
from rendezvous.models import RendezVous
from tests.conftest import attendre_fin_des_requetes
from tests.rendezvous.factories import RendezVousFactory

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots_rendezvous"))


@pytest.fixture
def site(transactional_db, settings):
    settings.SMS_BACKEND = "citeslab.core.sms.MemoireBackend"
    seed_carcassonne()


@pytest.fixture(params=[True, False], ids=["avec-javascript", "sans-javascript"])
def telephone(request, chromium, live_server):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        is_mobile=True,
        java_script_enabled=request.param,
    )
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    attendre_fin_des_requetes()
    connections.close_all()


def capture(page, nom):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{nom}.png"), full_page=True)


def titre(page):
    return page.get_by_role("heading", level=1).inner_text()


def test_a_resident_books_moves_and_cancels_an_appointment_from_her_phone(site, telephone, request):
    nom = request.node.callspec.id
    page = telephone
    page.goto("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Rendez-vous").click()
    assert titre(page) == "Prendre rendez-vous"
    capture(page, f"1-lieux-{nom}")
    page.get_by_role("link", name="Centre social Max Savy", exact=True).click()
    assert titre(page) == "Rendez-vous — Centre social Max Savy"

    # Forgetting the time and the contact: the errors, summed up at the top, and nothing stored.
    page.get_by_label("Prénom*", exact=True).fill("Nadia")
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    assert page.title().startswith("Erreur — ")
    resume = page.locator(".error-summary")
    assert "Choisissez un horaire dans la liste." in resume.inner_text()
    capture(page, f"2-erreurs-{nom}")
    assert not RendezVous.objects.exists()

    page.locator(".horaires label").first.click()
    page.get_by_label("Nom*", exact=True).fill("Exemple")
    page.get_by_label("Téléphone (facultatif)").fill("06 12 34 56 78")
    page.get_by_label("Votre idée, en quelques mots*").fill("Un atelier de couture")
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    assert titre(page) == "Votre rendez-vous est confirmé"
    assert "Nadia" not in page.url and "Exemple" not in page.url
    assert (
        page.get_by_role("link", name="Voir le lieu sur la carte")
        .get_attribute("href")
        .startswith("https://www.openstreetmap.org/")
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    capture(page, f"3-confirmation-{nom}")
    rdv = RendezVous.objects.get()
    assert (rdv.prenom, rdv.telephone, rdv.permanence.lieu.nom) == (
        "Nadia",
        "06 12 34 56 78",
        "Centre social Max Savy",
    )

    page.get_by_role("link", name="Changer d'horaire ou de lieu").click()
    assert titre(page) == "Changer d'horaire"
    capture(page, f"4-deplacer-{nom}")
    page.locator(".horaires label").nth(1).click()
    page.get_by_role("button", name="Choisir cet horaire").click()
    assert titre(page) == "Votre rendez-vous est confirmé"
    ancien = (rdv.date, rdv.debut)
    rdv.refresh_from_db()
    assert (rdv.date, rdv.debut) != ancien

    page.get_by_role("link", name="Je ne pourrai pas venir : annuler").click()
    page.get_by_role("button", name="Oui, annuler mon rendez-vous").click()
    assert titre(page) == "Votre rendez-vous est annulé"
    rdv.refresh_from_db()
    assert rdv.statut == RendezVous.Statut.ANNULE


def pages_a_verifier():
    rdv = RendezVousFactory()
    jeton = signatures.jeton(rdv)
    return {
        "lieux": "/rendez-vous/",
        "reserver": f"/rendez-vous/lieu/{rdv.permanence.lieu.pk}/",
        "detail": f"/rendez-vous/{jeton}/",
        "deplacer": f"/rendez-vous/{jeton}/deplacer/",
        "annuler": f"/rendez-vous/{jeton}/annuler/",
    }


def test_the_appointment_pages_have_no_axe_violation(page, site):
    for nom, url in pages_a_verifier().items():
        page.goto(url)
        capture(page, f"axe-{nom}")
        resultats = Axe().run(page)
        assert resultats.violations_count == 0, (nom, resultats.generate_report())


def test_the_booking_form_with_errors_has_no_axe_violation(page, site):
    page.goto(pages_a_verifier()["reserver"])
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    page.wait_for_selector(".error-summary")
    capture(page, "axe-reserver-erreurs")
    resultats = Axe().run(page)
    assert resultats.violations_count == 0, resultats.generate_report()
