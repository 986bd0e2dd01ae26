"""What a resident does on a phone, and what the chef de projet then sees in the admin."""

import datetime
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from citeslab.seed import seed_carcassonne
from porteurs.models import Porteur
from tests.ateliers.factories import AtelierFactory

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots_public"))

_noel = datetime.date(datetime.date.today().year, 12, 25)
if _noel < datetime.date.today():
    _noel = _noel.replace(year=_noel.year + 1)

PAGES = {
    "accueil": "/",
    "permanences": "/permanences/",
    "permanences-noel": f"/permanences/?semaine={_noel:%G-W%V}",  # a public holiday and a closure
    "affiche": "/permanences/affiche/",
    "affiche-semaine-type": "/permanences/affiche/?semaine=type",
    "contact": "/contact/",
    "merci": "/contact/merci/",
    "mentions-legales": "/mentions-legales/",
    "donnees-personnelles": "/donnees-personnelles/",
    "404": "/page-introuvable/",
}


@pytest.fixture
def site(transactional_db):
    seed_carcassonne()
    from permanences.models import Fermeture

    Fermeture.objects.create(
        debut=_noel - datetime.timedelta(days=1), fin=_noel - datetime.timedelta(days=1), motif="Congés"
    )
    from permanences.models import Lieu

    AtelierFactory(
        titre="Atelier Émergence : de l'idée au projet", lieu=Lieu.objects.get(nom="Centre social Max Savy")
    )


def capture(page, nom):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{nom}.png"), full_page=True)


@pytest.mark.parametrize("nom", list(PAGES))
def test_public_page_has_no_axe_violation(page, site, nom):
    page.goto(PAGES[nom])
    capture(page, nom)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_contact_form_with_errors_has_no_axe_violation(page, site):
    page.goto("/contact/")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_selector(".error-summary")
    capture(page, "contact-erreurs")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_resident_finds_monday_morning_place_and_its_map_link(page, site):
    lundi = timezone.localdate() + datetime.timedelta(days=(7 - timezone.localdate().weekday()) % 7 or 7)
    page.goto(f"/permanences/?semaine={lundi:%G-W%V}")
    lundi_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="lundi"))
    matin = lundi_row.get_by_role("cell").nth(0)
    assert "CitésLab – 13 rue Victor Hugo" in matin.inner_text()
    matin.get_by_role("link").click()  # jumps to the place's entry in "Les lieux"
    lieu = page.locator(":target")
    assert "13 rue Victor Hugo, 11000 Carcassonne" in lieu.inner_text()
    carte = lieu.get_by_role("link", name="Ouvrir sur la carte")
    assert carte.get_attribute("href").startswith("https://www.openstreetmap.org/")
    capture(page, "permanences-lieu")


def test_resident_sends_project_corrects_a_mistake_and_chef_finds_them_to_call_back(page, site, django_user_model):
    from django.contrib.auth.models import Group, Permission

    from citeslab.roles import CHEF_DE_PROJET

    page.goto("/")
    page.get_by_role("link", name="J'ai un projet").first.click()
    page.get_by_label("Prénom").fill("Yasmina")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Exemple-Navigateur")
    page.get_by_label("Téléphone").fill("06 12 34")  # a digit short of a number
    page.get_by_label("Grazailles").check()
    page.get_by_label("Votre idée, en quelques lignes").fill("Un food-truck de cuisine du monde au marché.")
    page.get_by_label("J'accepte que le CitésLab").check()
    page.get_by_role("button", name="Envoyer").click()

    alerte = page.get_by_role("alert")
    assert "Ce numéro de téléphone n'est pas valide" in alerte.inner_text()
    champ = page.get_by_label("Téléphone")
    assert champ.get_attribute("aria-invalid") == "true"
    assert Porteur.objects.count() == 0
    capture(page, "contact-erreur-telephone")

    champ.fill("06 12 34 56 78")
    page.get_by_label("J'accepte que le CitésLab").check()  # a checkbox is not kept after an error
    page.get_by_role("button", name="Envoyer").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Merci, votre message est bien arrivé"
    assert "On vous rappelle au plus tard le" in page.content()
    capture(page, "contact-merci")

    # The chef de projet, in the admin: that person is due for a call back today, unlike someone due next week.
    Porteur.objects.create(
        prenom="Pas", nom="Encore-A-Rappeler", relance_le=timezone.localdate() + datetime.timedelta(7)
    )
    chef = django_user_model.objects.create_user(
        "chef-navigateur", password="mot-de-passe-de-test-long", is_staff=True
    )
    groupe, _ = Group.objects.get_or_create(name=CHEF_DE_PROJET)
    groupe.permissions.set(Permission.objects.filter(content_type__app_label="porteurs"))
    chef.groups.add(groupe)
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Nom d’utilisateur").fill("chef-navigateur")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test-long")
    page.get_by_role("button", name="Connexion").click()
    page.goto(f"/admin/porteurs/porteur/?relance_le__lte={timezone.localdate():%Y-%m-%d}")
    liste = page.locator("#result_list")
    assert "Exemple-Navigateur" in liste.inner_text()
    assert "Encore-A-Rappeler" not in liste.inner_text()
    capture(page, "admin-a-relancer")
