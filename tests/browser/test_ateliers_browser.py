"""A resident registers for a workshop from a phone.

pytest-django's live server and the session's Chromium from tests/conftest.py.
"""

import pytest
from django.db import connections
from django.utils import timezone

from ateliers.models import Inscription
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.conftest import attendre_fin_des_requetes
from tests.permanences.factories import LieuFactory, QuartierFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def server(live_server, transactional_db):
    return live_server.url


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    attendre_fin_des_requetes()
    # The test's ORM calls ran inside Playwright's context and opened their own connection: close it,
    # or PostgreSQL refuses to drop the test database at the end of the session.
    connections.close_all()


def test_a_resident_registers_from_her_phone_and_sees_the_confirmation(server, phone):
    QuartierFactory(nom="Grazailles", slug="grazailles")
    atelier = AtelierFactory(
        titre="Atelier Émergence", capacite=10, lieu=LieuFactory(nom="Espace partagé Ozanam", adresse="2 rue Ozanam")
    )
    InscriptionFactory.create_batch(3, atelier=atelier)

    phone.goto(f"{server}/ateliers/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Ateliers à venir"
    assert phone.get_by_text("7 places restantes").is_visible()
    phone.get_by_role("link", name="Atelier Émergence").click()

    phone.get_by_label("Prénom*", exact=True).fill("Nadia")
    phone.get_by_label("Nom*", exact=True).fill("Exemple")
    phone.get_by_label("Téléphone").fill("06 12 34 56 78")
    phone.get_by_label("Votre quartier").select_option(label="Grazailles")
    phone.get_by_role("button", name="Je m'inscris").click()

    assert phone.get_by_role("heading", level=1).inner_text() == "Votre inscription est confirmée"
    assert "Nadia" not in phone.url and "06" not in phone.url.split("/ateliers/")[1]
    # Nothing wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    inscription = Inscription.objects.get(nom="Exemple")
    assert (inscription.statut, inscription.telephone) == (Inscription.Statut.CONFIRMEE, "06 12 34 56 78")
    assert inscription.quartier.nom == "Grazailles"
    assert inscription.cree_le <= timezone.now()


def test_a_resident_who_forgets_her_contact_details_sees_the_error_next_to_the_field(server, phone):
    atelier = AtelierFactory(titre="Entreprendre au féminin")
    phone.goto(f"{server}/ateliers/{atelier.pk}/")
    phone.get_by_label("Prénom*", exact=True).fill("Nadia")
    phone.get_by_label("Nom*", exact=True).fill("Exemple")
    phone.get_by_role("button", name="Je m'inscris").click()
    erreur = phone.locator("#id_telephone ~ .invalid-feedback, #error_1_id_telephone").first
    assert "Indiquez un numéro de téléphone ou une adresse électronique" in erreur.inner_text()
    assert not Inscription.objects.exists()


def test_a_registration_with_a_bad_phone_focuses_the_error_summary_that_leads_to_the_field(server, phone):
    from axe_playwright_python.sync_playwright import Axe

    atelier = AtelierFactory(titre="Atelier Émergence")
    phone.goto(f"{server}/ateliers/{atelier.pk}/")
    phone.get_by_label("Prénom*", exact=True).fill("Nadia")
    phone.get_by_label("Nom*", exact=True).fill("Exemple")
    phone.get_by_label("Téléphone").fill("06 12")
    phone.get_by_role("button", name="Je m'inscris").click()

    assert phone.title().startswith("Erreur — Atelier Émergence")
    resume = phone.get_by_role("alert")
    assert "Ce numéro de téléphone n'est pas valide" in resume.inner_text()
    # Focused, hence scrolled into view on the phone, and read first by a screen reader.
    assert phone.evaluate("document.activeElement.id") == "erreurs"
    boite = resume.bounding_box()
    assert 0 <= boite["y"] < 844
    phone.screenshot(path="/tmp/shots_public/atelier-erreur-telephone.png")
    resume.get_by_role("link").first.click()
    assert phone.evaluate("document.activeElement.id") == "id_telephone"
    assert phone.get_by_label("Téléphone").get_attribute("aria-invalid") == "true"
    results = Axe().run(phone)
    assert results.violations_count == 0, results.generate_report()
    assert not Inscription.objects.exists()
