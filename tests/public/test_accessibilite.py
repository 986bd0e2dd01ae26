"""The déclaration d'accessibilité (RGAA 4.1 model, article 47 of the law of 11 February 2005) and its footer link."""

import pytest
from django.urls import reverse

from citeslab.views import AccessibiliteView
from tests.public.htmlcheck import html_errors

URL = "/accessibilite/"
PIED = f'<a href="{URL}">Accessibilité&nbsp;: partiellement conforme</a>'


@pytest.fixture
def declaration(client, site):
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/permanences/",
        "/contact/",
        "/contact/merci/",
        "/mentions-legales/",
        "/donnees-personnelles/",
        "/facile-a-lire/",
        URL,
        "/ateliers/",
        "/page-introuvable/",
    ],
)
def test_every_public_page_footer_states_the_conformity_level_and_links_to_the_statement(client, site, url):
    html = client.get(url).content.decode()
    pied = html.split("<footer")[1]
    assert PIED in pied


def test_statement_follows_the_official_model_sections(declaration):
    titres = [
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Non-conformités",
        "Dérogations pour charge disproportionnée",
        "Contenus non soumis à l'obligation d'accessibilité",
        "Établissement de cette déclaration d'accessibilité",
        "Technologies utilisées pour la réalisation du site",
        "Environnement de test",
        "Outils pour évaluer l'accessibilité",
        "Pages du site ayant fait l'objet de la vérification",
        "Retour d'information et contact",
        "Voies de recours",
    ]
    positions = [declaration.find(f">{titre}</h") for titre in titres]
    assert -1 not in positions, [t for t, p in zip(titres, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


def test_statement_says_partially_conformant_to_rgaa_4_1_under_article_47(declaration):
    assert "<strong>partiellement conforme</strong>" in declaration
    assert "RGAA), version&nbsp;4.1" in declaration
    assert "article 47 de la loi n°&nbsp;2005-102 du 11 février 2005" in declaration
    assert "Carcassonne Agglo s'engage" in declaration


def test_statement_describes_the_suites_browser_and_axe_checks_and_their_limits(declaration):
    assert "axe-core" in declaration and "Chromium" in declaration and "390&nbsp;×&nbsp;844" in declaration
    assert "Aucun audit de conformité n'a encore été réalisé" in declaration
    assert "ne remplacent pas un audit" in declaration


def test_statement_lists_only_pages_that_exist_and_the_suite_checks(client, declaration):
    for _, nom in AccessibiliteView.pages_verifiees:
        assert f'<a href="{reverse(nom)}">' in declaration
        assert client.get(reverse(nom)).status_code == 200


def test_statement_gives_the_office_contact_from_the_bureau_row(declaration):
    assert 'href="tel:+33607448297"' in declaration
    assert "bouchaib.danguire@carcassonne-agglo.fr" in declaration
    assert "13 rue Victor Hugo, 11000 Carcassonne" in declaration


def test_statement_gives_the_three_ways_to_reach_the_defenseur_des_droits(declaration):
    assert 'href="https://formulaire.defenseurdesdroits.fr/"' in declaration
    assert 'href="https://www.defenseurdesdroits.fr/saisir/delegues"' in declaration
    assert "Défenseur des droits<br>Libre réponse 71120<br>75342 Paris CEDEX 07" in declaration
    assert "ne pas mettre de timbre" in declaration


def test_statement_is_dated(declaration):
    assert "Cette déclaration a été établie le jeudi 26 novembre 2026." in declaration


def test_statement_is_valid_html_in_french_with_one_h1(declaration):
    assert html_errors(declaration) == []
    assert '<html lang="fr">' in declaration and declaration.count("<h1") == 1
    assert "style=" not in declaration and "<script" not in declaration


def test_statement_weighs_under_100_kb_with_its_css(declaration):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/site.css")).read_bytes()
    assert len(declaration.encode()) + len(css) < 100 * 1024


def test_statement_makes_at_most_three_queries(client, site, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get(URL).status_code == 200


def test_statement_renders_on_an_empty_database(client, db, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    html = client.get(URL).content.decode()
    assert "partiellement conforme" in html and "Libre réponse 71120" in html


def test_legal_notice_links_to_the_statement_instead_of_a_paragraph(client, site):
    html = client.get("/mentions-legales/").content.decode()
    section = html.split('id="accessibilite"')[1].split("</section>")[0]
    assert f'<a href="{URL}">déclaration d\'accessibilité</a>' in section
    assert "lecteur d'écran" not in section
