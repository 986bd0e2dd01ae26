"""The registration form on error behaves like the contact form; the waiting-list page says what it is."""

import re

import pytest
from django.urls import reverse

from ateliers.models import Inscription
from citeslab.seed import seed_carcassonne
from porteurs.models import Porteur
from tests.ateliers.factories import AtelierFactory, InscriptionFactory

pytestmark = pytest.mark.django_db

INSCRIPTION = {"prenom": "Yasmina", "nom": "Exemple", "telephone": "", "email": "yasmina@example.org"}
CONTACT = {
    **INSCRIPTION,
    "quartier": "autre",
    "idee": "Ouvrir une épicerie solidaire dans le quartier.",
    "consentement": "on",
    "site_web": "",
}


def erreurs(html: str) -> list[str]:
    """The messages of the error summary, as a resident reads them."""
    resume = html.split('id="erreurs"')[1].split("</div>")[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", resume, re.S)]


def test_a_registration_with_a_bad_phone_shows_a_focused_summary_linking_to_the_field_and_erreur_in_the_title(client):
    atelier = AtelierFactory(titre="Atelier Émergence")
    response = client.post(atelier.get_absolute_url(), {**INSCRIPTION, "email": "", "telephone": "06 12"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<title>Erreur — Atelier Émergence", html)
    summary = html.split('class="error-summary"')[1].split(">")[0]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert "Le formulaire contient 1 erreur" in html
    assert '<a href="#id_telephone">Ce numéro de téléphone n&#x27;est pas valide' in html
    # The summary comes before the fields, so that a screen reader reads it first.
    assert html.index('id="erreurs"') < html.index('name="prenom"')
    assert not Inscription.objects.exists()


def test_a_registration_page_without_error_has_no_summary_and_an_ordinary_title(client):
    html = client.get(AtelierFactory(titre="Atelier Émergence").get_absolute_url()).content.decode()
    assert 'id="erreurs"' not in html and "<title>Atelier Émergence" in html


def test_a_refusal_that_belongs_to_no_field_is_in_the_summary_too(client):
    atelier = AtelierFactory()
    client.post(atelier.get_absolute_url(), INSCRIPTION)
    html = client.post(atelier.get_absolute_url(), INSCRIPTION).content.decode()
    assert "Vous êtes déjà inscrit(e) à cet atelier avec ces coordonnées." in erreurs(html)
    assert "<title>Erreur — " in html


@pytest.mark.parametrize(
    "erreur",
    [
        {"prenom": ""},
        {"nom": "   "},
        {"prenom": "https://exemple.fr"},
        {"telephone": "06 12", "email": ""},
        {"email": "yasmina@"},
        {"telephone": "", "email": ""},
    ],
    ids=["no-first-name", "blank-name", "link-as-name", "bad-phone", "bad-email", "no-contact"],
)
def test_the_same_mistake_reads_the_same_on_the_registration_and_the_contact_forms(client, erreur):
    seed_carcassonne()
    atelier = AtelierFactory()
    sur_l_atelier = erreurs(client.post(atelier.get_absolute_url(), {**INSCRIPTION, **erreur}).content.decode())
    sur_le_contact = erreurs(client.post(reverse("porteurs:contact"), {**CONTACT, **erreur}).content.decode())
    assert sur_l_atelier and sur_l_atelier == sur_le_contact
    assert not Inscription.objects.exists() and not Porteur.objects.exists()


def inscrit_sur_liste_d_attente(client, **contact):
    atelier = AtelierFactory(capacite=1, titre="Atelier complet")
    InscriptionFactory(atelier=atelier)
    InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ATTENTE)
    response = client.post(atelier.get_absolute_url(), {**INSCRIPTION, **contact})
    assert Inscription.objects.get(prenom="Yasmina").statut == Inscription.Statut.ATTENTE
    return client.get(response.url).content.decode()


def test_the_waiting_list_page_holds_no_promise_of_a_seat(client):
    html = inscrit_sur_liste_d_attente(client)
    assert "<h1>Vous êtes sur la liste d'attente</h1>" in html
    assert "<title>Liste d'attente — Atelier complet" in html
    assert "aucune place ne vous est encore réservée" in html
    assert "la 2<sup>e</sup> personne sur la liste d'attente" in html
    assert "Un courriel de confirmation vous a été envoyé" not in html
    assert (
        "Ajouter à mon agenda" not in html
        and f"/ateliers/{Inscription.objects.get(prenom='Yasmina').atelier_id}.ics" not in html
    )
    assert "nous vous prévenons par courriel" in html
    assert "me retirer de la liste d&#x27;attente" in html or "me retirer de la liste d'attente" in html


def test_the_waiting_list_page_of_someone_without_e_mail_says_the_chef_de_projet_calls(client):
    html = inscrit_sur_liste_d_attente(client, email="", telephone="06 12 34 56 78")
    assert "le chef de projet vous appelle pour vous prévenir" in html
    assert "courriel" not in html.split("<main")[1].split("</main>")[0]


def test_the_waiting_list_message_offers_no_calendar_entry(client, executer_taches):
    from django.core import mail

    inscrit_sur_liste_d_attente(client)
    executer_taches()
    message = next(m for m in mail.outbox if m.to == ["yasmina@example.org"])
    assert "liste d'attente" in message.body and "agenda" not in message.body.lower()


def test_a_confirmed_registration_page_still_offers_the_calendar_and_says_the_message_was_sent(client):
    atelier = AtelierFactory(capacite=5)
    html = client.get(client.post(atelier.get_absolute_url(), INSCRIPTION).url).content.decode()
    assert "Ajouter à mon agenda (.ics)" in html and "Un courriel de confirmation vous a été envoyé" in html
    assert "liste d'attente" not in html
