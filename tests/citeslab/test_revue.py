"""What a walk through the portal as its users found, kept from coming back."""

import io
import re
from html import unescape
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from permanences.models import Lieu
from tests.ateliers.factories import AtelierFactory
from tests.permanences.factories import LieuFactory


def test_admin_lists_have_no_nav_sidebar_so_their_last_columns_fit_a_laptop(chef_client):
    response = chef_client.get(reverse("admin:porteurs_porteur_changelist"))
    assert response.status_code == 200
    assert 'id="nav-sidebar"' not in response.content.decode()


def test_workshop_admin_page_loads_the_stylesheet_that_fits_registrations_on_screen(chef_client):
    atelier = AtelierFactory()
    response = chef_client.get(reverse("admin:ateliers_atelier_change", args=[atelier.pk]))
    assert "ateliers/admin.css" in response.content.decode()


def test_a_place_named_after_its_street_is_written_with_the_street_once():
    lieu = Lieu(nom="CitésLab – 13 rue Victor Hugo", adresse="13 rue Victor Hugo")
    assert lieu.nom_et_adresse == "CitésLab – 13 rue Victor Hugo, 11000 Carcassonne"


def test_a_place_with_its_own_name_is_written_with_name_street_and_town():
    lieu = Lieu(nom="FJT Le Viguier", adresse="1 rue du Viguier")
    assert lieu.nom_et_adresse == "FJT Le Viguier, 1 rue du Viguier, 11000 Carcassonne"


def test_workshop_list_and_page_do_not_repeat_the_office_street(client, db):
    lieu = LieuFactory(nom="CitésLab – 13 rue Victor Hugo", adresse="13 rue Victor Hugo")
    atelier = AtelierFactory(lieu=lieu)
    for url in (reverse("ateliers:liste"), reverse("ateliers:detail", args=[atelier.pk])):
        page = client.get(url).content.decode()
        assert page.count("13 rue Victor Hugo") == 1, url


def test_report_of_the_current_year_says_its_figures_are_so_far(agglo_client):
    annee = timezone.localdate().year
    page = agglo_client.get(reverse("bilan:annee", args=[annee])).content.decode()
    assert "Année en cours" in page
    assert "chiffres arrêtés au" in page


def test_report_of_a_past_year_is_not_called_in_progress(agglo_client):
    annee = timezone.localdate().year - 1
    page = agglo_client.get(reverse("bilan:annee", args=[annee])).content.decode()
    assert "Année en cours" not in page


def test_report_writes_the_convention_start_as_the_1er(agglo_client, seeded):
    page = agglo_client.get(reverse("bilan:annee", args=[2019])).content.decode()
    assert "1er janvier 2018" in page
    assert " 1 janvier" not in page


def test_report_xlsx_prints_one_page_wide_with_its_header_on_every_page(agglo_client, seeded):
    response = agglo_client.get(reverse("bilan:telecharger", args=[2019, "xlsx"]))
    classeur = openpyxl.load_workbook(io.BytesIO(response.content))
    for feuille in classeur.worksheets:
        assert feuille.sheet_properties.pageSetUpPr.fitToPage, feuille.title
        assert feuille.page_setup.fitToWidth in (1, None), feuille.title
        assert feuille.page_setup.fitToHeight == 0, feuille.title
    chiffres = classeur["Chiffres clés"]
    assert chiffres.print_title_rows == "$3:$3"
    assert chiffres.cell(3, 2).alignment.horizontal == "right"
    assert chiffres.cell(3, 1).alignment.horizontal != "right"


def _texte_visible(html):
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("nom", ["accueil", "permanences:semaine", "ateliers:liste", "porteurs:contact"])
def test_public_pages_keep_french_punctuation_on_the_line_of_its_word(client, seeded, nom):
    AtelierFactory()
    texte = _texte_visible(client.get(reverse(nom)).content.decode())
    # An ordinary space before ? : ; ! » (or after «) lets a phone break the line right there.
    assert not re.findall(r"\w [?:;!»]|« ", texte)


def test_contact_form_quartier_error_keeps_the_quotes_on_the_choice(client, seeded):
    page = client.post(reverse("porteurs:contact"), {"prenom": "Karim", "nom": "Essai"}).content.decode()
    assert "«\u00a0Autre quartier / je ne sais pas\u00a0»" in unescape(page)


def test_workshop_slots_in_the_week_table_link_to_the_workshops_where_one_registers(client, seeded):
    page = client.get(reverse("permanences:semaine")).content.decode()
    assert f'<a class="cell-atelier" href="{reverse("ateliers:liste")}">Ateliers Émergence</a>' in page


def test_todays_workshop_slot_on_the_home_page_links_to_the_workshops(db):
    html = render_to_string("citeslab/_creneau.html", {"creneau": SimpleNamespace(lieu=None)})
    assert f'<a href="{reverse("ateliers:liste")}">sur inscription</a>' in html


def test_seed_message_counts_one_convention_in_the_singular(db):
    sortie = io.StringIO()
    call_command("seed_carcassonne", stdout=sortie)
    assert "1 convention." in sortie.getvalue()
    assert "7 lieux" in sortie.getvalue()


def test_report_page_leads_back_to_the_dashboard_and_logs_out(agglo_client):
    annee = timezone.localdate().year - 1
    page = agglo_client.get(reverse("bilan:annee", args=[annee])).content.decode()
    assert f'action="{reverse("admin:logout")}"' in page
    assert f'href="{reverse("admin:index")}"' in page
    assert agglo_client.post(reverse("admin:logout")).status_code in (200, 302)
    assert agglo_client.get(reverse("bilan:annee", args=[annee])).status_code == 302


def test_favicon_ico_leads_to_the_site_icon_instead_of_a_404(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
    assert "favicon" in response["Location"]
