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
def serveur(live_server, transactional_db):
    return live_server.url


@pytest.fixture
def telephone(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    attendre_fin_des_requetes()
    # The test's ORM calls ran inside Playwright's context and opened their own connection: close it,
    # or PostgreSQL refuses to drop the test database at the end of the session.
    connections.close_all()


def test_une_habitante_s_inscrit_depuis_son_telephone_et_voit_la_confirmation(serveur, telephone):
    QuartierFactory(nom="Grazailles", slug="grazailles")
    atelier = AtelierFactory(
        titre="Atelier Émergence", capacite=10, lieu=LieuFactory(nom="Espace partagé Ozanam", adresse="2 rue Ozanam")
    )
    InscriptionFactory.create_batch(3, atelier=atelier)

    telephone.goto(f"{serveur}/ateliers/")
    assert telephone.get_by_role("heading", level=1).inner_text() == "Ateliers à venir"
    assert telephone.get_by_text("7 places restantes").is_visible()
    telephone.get_by_role("link", name="Atelier Émergence").click()

    telephone.get_by_label("Prénom*", exact=True).fill("Nadia")
    telephone.get_by_label("Nom*", exact=True).fill("Exemple")
    telephone.get_by_label("Téléphone").fill("06 12 34 56 78")
    telephone.get_by_label("Votre quartier").select_option(label="Grazailles")
    telephone.get_by_role("button", name="Je m'inscris").click()

    assert telephone.get_by_role("heading", level=1).inner_text() == "Votre inscription est confirmée"
    assert "Nadia" not in telephone.url and "06" not in telephone.url.split("/ateliers/")[1]
    # Nothing wider than the phone's screen.
    assert telephone.evaluate("document.documentElement.scrollWidth") <= 390

    inscription = Inscription.objects.get(nom="Exemple")
    assert (inscription.statut, inscription.telephone) == (Inscription.Statut.CONFIRMEE, "06 12 34 56 78")
    assert inscription.quartier.nom == "Grazailles"
    assert inscription.cree_le <= timezone.now()


def test_une_habitante_qui_oublie_ses_coordonnees_voit_l_erreur_a_cote_du_champ(serveur, telephone):
    atelier = AtelierFactory(titre="Entreprendre au féminin")
    telephone.goto(f"{serveur}/ateliers/{atelier.pk}/")
    telephone.get_by_label("Prénom*", exact=True).fill("Nadia")
    telephone.get_by_label("Nom*", exact=True).fill("Exemple")
    telephone.get_by_role("button", name="Je m'inscris").click()
    erreur = telephone.locator("#id_telephone ~ .invalid-feedback, #error_1_id_telephone").first
    assert "Indiquez un numéro de téléphone ou une adresse électronique" in erreur.inner_text()
    assert not Inscription.objects.exists()
