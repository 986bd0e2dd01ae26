import datetime

import pytest
from django.utils import timezone

from permanences.models import Quartier
from porteurs.models import ChangementEtape, Etape, Porteur
from porteurs.views import jour_de_rappel


@pytest.fixture
def donnees(site):
    return {
        "prenom": "Amina",
        "nom": "Testeuse",
        "telephone": "06.12.34.56.78",
        "email": "",
        "quartier": str(Quartier.objects.get(slug="grazailles").pk),
        "idee": "Ouvrir une épicerie solidaire dans le quartier.",
        "consentement": "on",
        "site_web": "",
    }


def test_contact_creates_person_at_emergence_from_website_to_call_back_today(client, donnees):
    response = client.post("/contact/", donnees)
    assert response.status_code == 302 and response["Location"] == "/contact/merci/"
    porteur = Porteur.objects.get()
    assert porteur.prenom == "Amina" and porteur.nom == "Testeuse"
    assert porteur.telephone == "06 12 34 56 78"
    assert porteur.quartier.slug == "grazailles"
    assert porteur.etape == Etape.EMERGENCE
    assert porteur.source == Porteur.Source.SITE_WEB
    assert porteur.relance_le == timezone.localdate()
    assert porteur.consentement_le is not None
    assert Porteur.objects.a_relancer().filter(pk=porteur.pk).exists()
    assert ChangementEtape.objects.filter(porteur=porteur, etape=Etape.EMERGENCE).count() == 1


def test_contact_other_quartier_stores_no_quartier(client, donnees):
    client.post("/contact/", {**donnees, "quartier": "autre"})
    assert Porteur.objects.get().quartier is None


def test_contact_puts_no_personal_data_in_the_redirect(client, donnees):
    response = client.post("/contact/", donnees)
    assert "Amina" not in response["Location"] and "06" not in response["Location"]


def test_contact_without_phone_nor_email_stores_nothing_and_says_why(client, donnees):
    response = client.post("/contact/", {**donnees, "telephone": "", "email": ""})
    assert response.status_code == 200
    assert Porteur.objects.count() == 0
    html = response.content.decode()
    assert html.count("Indiquez un numéro de téléphone ou une adresse électronique") >= 2
    assert 'aria-describedby="id_telephone_helptext id_telephone_error"' in html
    assert 'role="alert"' in html


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("prenom", "", "Indiquez votre prénom."),
        ("nom", "  ", "Indiquez votre nom."),
        ("telephone", "06 12", "Ce numéro de téléphone n&#x27;est pas valide"),
        ("email", "amina@", "Cette adresse électronique n&#x27;est pas valide"),
        ("quartier", "", "Choisissez votre quartier"),
        ("quartier", "999", "Choisissez un quartier de la liste."),
        ("idee", "", "Décrivez votre idée en quelques mots."),
        ("idee", "épicerie", "Dites-en un peu plus"),
        ("idee", "x" * 2001, "Votre texte est trop long"),
        ("consentement", "", "Cochez cette case"),
    ],
)
def test_contact_bad_field_gets_a_french_message_and_nothing_is_stored(client, donnees, champ, valeur, message):
    data = {**donnees, champ: valeur}
    if champ == "consentement":
        del data["consentement"]
    response = client.post("/contact/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Porteur.objects.count() == 0


def test_contact_keeps_what_was_typed_after_an_error(client, donnees):
    html = client.post("/contact/", {**donnees, "prenom": ""}).content.decode()
    assert 'value="Testeuse"' in html and "Ouvrir une épicerie solidaire" in html


def test_contact_honeypot_filled_stores_nothing_but_looks_like_success(client, donnees):
    response = client.post("/contact/", {**donnees, "site_web": "http://spam.example"})
    assert response.status_code == 302 and response["Location"] == "/contact/merci/"
    assert Porteur.objects.count() == 0


def test_contact_form_shows_personal_data_notice_and_labels(client, site):
    html = client.get("/contact/").content.decode()
    assert "Vos données personnelles" in html and "/donnees-personnelles/" in html
    for champ in ["prenom", "nom", "telephone", "email", "idee", "consentement"]:
        assert f'for="id_{champ}"' in html
    assert 'class="pot"' in html  # the honeypot is hidden by the stylesheet, not by an inline style


def test_thank_you_page_says_when_the_call_back_comes(client, site, a_l_heure):
    a_l_heure(datetime.datetime(2026, 12, 24, 18, 0))  # Thursday; 25 December is a holiday
    html = client.get("/contact/merci/").content.decode()
    assert "On vous rappelle au plus tard le mardi 29 décembre 2026" in html


def test_call_back_day_skips_weekends_and_holidays():
    assert jour_de_rappel(datetime.date(2026, 11, 26)) == datetime.date(2026, 11, 30)  # Thu -> Mon
    assert jour_de_rappel(datetime.date(2026, 12, 24)) == datetime.date(2026, 12, 29)
