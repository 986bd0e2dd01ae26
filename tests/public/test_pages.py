import datetime
import json

import pytest
from django.urls import reverse

from permanences.models import Bureau, Fermeture, Permanence
from tests.ateliers.factories import AtelierFactory
from tests.public.conftest import LUNDI
from tests.public.htmlcheck import html_errors

PAGES = [
    "/",
    "/permanences/",
    "/permanences/?semaine=2026-W52",
    "/permanences/affiche/",
    "/permanences/affiche/?semaine=type",
    "/contact/",
    "/contact/merci/",
    "/mentions-legales/",
    "/donnees-personnelles/",
]


@pytest.mark.parametrize("url", PAGES)
def test_public_page_is_valid_html_in_french_with_one_h1(client, site, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html_errors(html) == []
    assert '<html lang="fr">' in html
    assert html.count("<h1") == 1
    assert 'href="#contenu"' in html and 'id="contenu"' in html
    assert "<main" in html and "<nav" in html and "<footer" in html and "<header" in html


@pytest.mark.parametrize("url", PAGES)
def test_public_page_weighs_under_100_kb_with_its_css(client, site, url):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    html = client.get(url).content
    css = Path(finders.find("css/site.css")).read_bytes()
    assert len(html) + len(css) < 100 * 1024


@pytest.mark.parametrize("url", PAGES)
def test_public_page_has_no_inline_script_or_style(client, site, url):
    html = client.get(url).content.decode()
    assert "style=" not in html and "<style" not in html
    assert "<script>" not in html and "<script src" not in html
    assert html.count("<script") == html.count('<script type="application/ld+json">')


@pytest.mark.parametrize("url", ["/", "/permanences/", "/mentions-legales/", "/donnees-personnelles/"])
def test_public_page_makes_at_most_three_queries(client, site, url, django_assert_max_num_queries, monkeypatch):
    """Rendered again (page cache missed), with the office and funders kept as reference data until they change."""
    from citeslab.core import cache as cache_public

    client.get(url)
    ecrites = []
    monkeypatch.setattr(cache_public, "lire_page", lambda key: None)
    monkeypatch.setattr(cache_public, "ecrire_page", lambda key, *args: ecrites.append(key))
    with django_assert_max_num_queries(3):
        assert client.get(url).status_code == 200
    assert ecrites, "the page was not rendered again"


def test_contact_page_makes_at_most_three_queries(client, site, django_assert_max_num_queries):
    client.get("/")
    with django_assert_max_num_queries(3):
        client.get("/contact/")


def test_home_page_served_again_from_the_cache_makes_no_query(client, site, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


def test_home_cold_cache_query_count_does_not_grow_with_workshops(client, site, django_assert_max_num_queries):
    AtelierFactory.create_batch(5)
    with django_assert_max_num_queries(5):
        client.get("/")


def test_home_says_where_the_chef_de_projet_is_on_monday_morning(client, site, a_l_heure):
    a_l_heure(datetime.datetime.combine(LUNDI, datetime.time(10, 0)))
    html = client.get("/").content.decode()
    assert "Aujourd'hui, lundi 30 novembre 2026" in html
    assert "CitésLab – 13 rue Victor Hugo" in html
    assert "en ce moment" in html
    assert "9\u00a0h – 12\u00a0h" in html


def test_home_shows_next_permanence_when_today_is_over(client, site, a_l_heure):
    a_l_heure(datetime.datetime(2026, 12, 4, 13, 0))  # Friday afternoon: nothing left this week
    html = client.get("/").content.decode()
    assert "Plus de permanence aujourd'hui" in html
    assert "Prochaine permanence" in html
    assert "lundi 7 décembre 2026" in html


def test_home_skips_public_holiday_for_next_permanence(client, site, a_l_heure):
    a_l_heure(datetime.datetime(2026, 12, 24, 18, 0))  # Thursday evening; Friday 25 is Christmas
    html = client.get("/").content.decode()
    assert "Prochaine permanence" in html
    assert "lundi 28 décembre 2026" in html


def test_home_closure_entered_in_admin_shows_at_once(client, site, a_l_heure):
    a_l_heure(datetime.datetime.combine(LUNDI, datetime.time(8, 0)))
    assert "CitésLab – 13 rue Victor Hugo" in client.get("/").content.decode()
    Fermeture.objects.create(debut=LUNDI, fin=LUNDI, motif="Formation du chef de projet")
    html = client.get("/").content.decode()
    assert "Pas de permanence aujourd'hui&nbsp;: Formation du chef de projet" in html
    assert "mardi 1er décembre 2026" in html


def test_home_shows_contact_from_the_bureau_row(client, site):
    Bureau.objects.update(telephone="04 68 00 00 00")
    html = client.get("/").content.decode()
    assert 'href="tel:+33468000000"' in html
    assert "bouchaib.danguire@carcassonne-agglo.fr" in html
    assert "13 rue Victor Hugo, 11000 Carcassonne" in html


def test_bureau_change_shows_at_once(client, site):
    client.get("/")
    bureau = Bureau.objects.get()
    bureau.telephone = "04 68 11 22 33"
    bureau.save()
    assert "04 68 11 22 33" in client.get("/").content.decode()


def test_home_lists_funders_with_their_share(client, site, a_l_heure):
    a_l_heure(datetime.datetime(2019, 6, 12, 10, 0))  # while the press kit's 2018–2020 convention is in force
    html = client.get("/").content.decode()
    assert "Avec le soutien de" in html
    assert "État" in html and "40\u202f%" in html
    assert "Caisse des Dépôts" in html and "30\u202f%" in html
    assert "180\u202f000\u00a0€" in html


def test_home_lists_next_three_public_workshops_with_links(client, site):
    ateliers = AtelierFactory.create_batch(4)
    AtelierFactory(titre="Réunion interne", public=False)
    AtelierFactory(titre="Atelier passé", passe=True)
    html = client.get("/").content.decode()
    assert sum(a.titre in html for a in ateliers) == 3
    assert "Réunion interne" not in html and "Atelier passé" not in html
    assert f'href="/ateliers/{ateliers[0].pk}/"' in html


def test_home_json_ld_describes_the_office_with_opening_hours(client, site):
    html = client.get("/").content.decode()
    bloc = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    data = json.loads(bloc)
    assert data["@type"] == "GovernmentOffice"
    assert data["telephone"] == "+33607448297"
    assert data["address"]["streetAddress"] == "13 rue Victor Hugo"
    lundis = [s for s in data["openingHoursSpecification"] if s["dayOfWeek"].endswith("Monday")]
    assert [(s["opens"], s["closes"]) for s in lundis] == [("09:00", "12:00"), ("14:00", "17:00")]


def test_week_table_shows_press_kit_schedule(client, site):
    html = client.get("/permanences/?semaine=2026-W49").content.decode()
    assert "semaine du lundi 30 novembre au vendredi 4 décembre 2026" in html
    for nom in [
        "CitésLab – 13 rue Victor Hugo",
        "Espace partagé Ozanam",
        "FJT Le Viguier",
        "Centre social Jean-Montsarrat",
        "Centre social Max Savy",
        "Régie des quartiers La Conte",
    ]:
        assert nom in html
    assert html.count("Ateliers Émergence") >= 2
    assert "openstreetmap.org" in html


def test_week_table_shows_closure_in_place_of_the_slot(client, site):
    mardi_matin = Permanence.objects.get(jour=1, debut=datetime.time(9))
    Fermeture.objects.create(
        debut=datetime.date(2026, 12, 1),
        fin=datetime.date(2026, 12, 1),
        motif="Réunion de réseau",
        permanence=mardi_matin,
    )
    html = client.get("/permanences/?semaine=2026-W49").content.decode()
    assert "Fermé" in html and "Réunion de réseau" in html
    assert "<del" in html


def test_week_table_shows_public_holiday(client, site):
    html = client.get("/permanences/?semaine=2026-W52").content.decode()  # Friday 25 December
    assert "Noël, jour férié, le vendredi 25 décembre 2026" in html


def test_week_navigation_links_to_previous_and_next_week(client, site):
    html = client.get("/permanences/?semaine=2026-W49").content.decode()
    assert "?semaine=2026-W48" in html and "?semaine=2026-W50" in html


@pytest.mark.parametrize("semaine", ["2026-49", "n'importe quoi", "1900-W01", "2026-W60"])
def test_week_rejects_bad_week(client, site, semaine):
    assert client.get("/permanences/", {"semaine": semaine}).status_code == 404


def test_week_lists_quartiers_with_their_days(client, site):
    html = client.get("/permanences/?semaine=2026-W49").content.decode()
    section = html.split('id="quartiers"')[1]
    assert "Grazailles</strong>&nbsp;: jeudi après-midi" in section
    assert "La Conte / Ozanam</strong>&nbsp;: mardi matin, vendredi matin" in section


def test_404_page_is_in_french_in_the_site_design(client, site):
    response = client.get("/page-qui-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Cette page n'existe pas" in html and 'lang="fr"' in html and "site-header" in html
    assert html_errors(html) == []


def test_500_page_renders_without_database(rf):
    from citeslab.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Le site a un problème" in html
    assert html_errors(html) == []


def test_legal_page_names_who_holds_the_data(client, site):
    html = client.get(reverse("donnees_personnelles")).content.decode()
    assert "Carcassonne Agglo" in html and "Deux ans" in html and "effacer" in html


def test_week_table_shows_a_schedule_change_at_once(client, site):
    url = "/permanences/?semaine=2026-W49"
    assert "Régie des quartiers La Conte" in client.get(url).content.decode()
    permanence = Permanence.objects.get(lieu__nom="Régie des quartiers La Conte")
    permanence.valide_au = datetime.date(2026, 11, 1)
    permanence.save()
    assert "Régie des quartiers La Conte" not in client.get(url).content.decode()


def test_place_address_entered_in_admin_shows_at_once(client, site):
    client.get("/permanences/")
    from permanences.models import Lieu

    lieu = Lieu.objects.get(nom="Espace partagé Ozanam")
    lieu.adresse = "2 rue de l'Exemple"
    lieu.save()
    assert "2 rue de l&#x27;Exemple, 11000 Carcassonne" in client.get("/permanences/").content.decode()


def test_json_ld_cannot_be_closed_by_data_typed_in_the_admin(client, site):
    Bureau.objects.update(nom="CitésLab </script><script>alert(1)</script>")
    html = client.get("/").content.decode()
    assert "</script><script>alert(1)" not in html
    bloc = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert json.loads(bloc)["name"] == "CitésLab </script><script>alert(1)</script>"


def test_contact_page_with_errors_is_valid_html(client, site):
    html = client.post("/contact/", {"prenom": "", "telephone": "06"}).content.decode()
    assert html_errors(html) == []
    assert html.count("<h1") == 1


@pytest.mark.parametrize("url", [*PAGES, "/permanences.ics", "/api/data-inclusion.json"])
def test_public_page_renders_on_an_empty_database(client, db, settings, url):
    settings.ALLOWED_HOSTS = ["testserver"]
    assert client.get(url).status_code == 200
