"""What a resident or the staff types cannot break a message the portal sends, nor slip a link into it."""

import pytest
from django.contrib import admin
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from icalendar import Calendar

from ateliers import emails, services
from ateliers.models import Atelier, Inscription
from porteurs.forms import ContactForm
from porteurs.models import Porteur
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.porteurs.factories import PorteurFactory

pytestmark = pytest.mark.django_db

LIEN = "Visitez http://evil.example/login"
NOMS_REFUSES = [
    LIEN,
    "www.evil.example",
    "evil.example",
    "paul@evil.example",
    "\u200b",
    "\u200b\u200d",
    "Paul\u202egnp.exe",
]
TITRE_SUR_DEUX_LIGNES = "Atelier Émergence\r\nBcc: victime@example.org"


# A workshop title on two lines


@pytest.mark.parametrize("titre", [TITRE_SUR_DEUX_LIGNES, "Atelier\nÉmergence", "Atelier\tÉmergence", "Atelier\u202e"])
def test_a_workshop_title_with_a_line_break_or_a_control_character_is_refused(titre):
    atelier = AtelierFactory.build(titre=titre, lieu=None)
    with pytest.raises(ValidationError) as erreur:
        atelier.full_clean()
    assert "une seule ligne" in erreur.value.message_dict["titre"][0]


def test_the_admin_form_refuses_a_workshop_title_on_two_lines(rf, chef):
    requete = rf.get("/")
    requete.user = chef
    formulaire = admin.site._registry[Atelier].get_form(requete)(data={"titre": TITRE_SUR_DEUX_LIGNES})
    assert not formulaire.is_valid()
    assert "une seule ligne" in formulaire.errors["titre"][0]


def test_an_old_workshop_title_on_two_lines_still_gives_its_calendar_file(client):
    atelier = AtelierFactory(titre=TITRE_SUR_DEUX_LIGNES)
    response = client.get(reverse("ateliers:ics", args=[atelier.pk]))
    assert response.status_code == 200
    calendrier = Calendar.from_ical(response.content)
    assert str(calendrier["X-WR-CALNAME"]) == "Atelier Émergence Bcc: victime@example.org"
    (evenement,) = calendrier.walk("VEVENT")
    assert str(evenement["SUMMARY"]) == "Atelier Émergence Bcc: victime@example.org"


def test_the_calendar_feed_of_all_workshops_puts_an_old_title_on_one_line(client):
    AtelierFactory(titre=TITRE_SUR_DEUX_LIGNES)
    response = client.get("/ateliers.ics")
    assert response.status_code == 200
    (evenement,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(evenement["SUMMARY"]) == "Atelier Émergence Bcc: victime@example.org"


@pytest.mark.parametrize(
    ("envoyer", "statut"),
    [
        (emails.envoyer_confirmation, Inscription.Statut.CONFIRMEE),
        (emails.envoyer_confirmation, Inscription.Statut.ATTENTE),
        (emails.envoyer_promotion, Inscription.Statut.CONFIRMEE),
        (emails.envoyer_rappel, Inscription.Statut.CONFIRMEE),
    ],
)
def test_an_old_workshop_title_on_two_lines_still_gets_its_emails_out(envoyer, statut):
    inscription = InscriptionFactory(atelier__titre=TITRE_SUR_DEUX_LIGNES, statut=statut)
    assert envoyer(inscription)
    (message,) = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Atelier Émergence Bcc: victime@example.org" in message.subject
    assert message.message()["Bcc"] is None


def test_registering_for_an_old_workshop_with_a_title_on_two_lines_sends_the_confirmation(
    executer_taches,
):
    atelier = AtelierFactory(titre=TITRE_SUR_DEUX_LIGNES)
    services.inscrire(atelier=atelier, prenom="Aïcha", nom="Benali", email="aicha@example.org", telephone="")
    executer_taches()
    assert len(mail.outbox) == 1


# Names


@pytest.mark.parametrize("nom", NOMS_REFUSES)
@pytest.mark.parametrize("champ", ["prenom", "nom"])
def test_a_person_record_refuses_a_name_with_a_link_or_only_invisible_characters(nom, champ):
    porteur = PorteurFactory.build(quartier=None, **{champ: nom})
    with pytest.raises(ValidationError) as erreur:
        porteur.full_clean()
    assert champ in erreur.value.message_dict


@pytest.mark.parametrize("nom", NOMS_REFUSES)
@pytest.mark.parametrize("champ", ["prenom", "nom"])
def test_a_registration_refuses_a_name_with_a_link_or_only_invisible_characters(nom, champ):
    inscription = InscriptionFactory.build(atelier=AtelierFactory(), **{champ: nom})
    with pytest.raises(ValidationError) as erreur:
        inscription.full_clean()
    assert champ in erreur.value.message_dict


def test_the_public_registration_form_says_why_a_name_is_refused(client):
    atelier = AtelierFactory()
    donnees = {"prenom": LIEN, "nom": "Exemple", "telephone": "", "email": "inconnu@example.org"}
    response = client.post(reverse("ateliers:detail", args=[atelier.pk]), donnees)
    assert response.status_code == 200
    assert response.context["form"].errors["prenom"] == [
        "Un nom ne peut pas contenir d'adresse web ni d'adresse électronique."
    ]
    assert not Inscription.objects.exists()
    assert mail.outbox == []


def test_services_inscrire_refuses_a_name_with_a_link():
    with pytest.raises(ValidationError):
        services.inscrire(atelier=AtelierFactory(), prenom=LIEN, nom="Exemple", email="x@example.org", telephone="")
    assert not Inscription.objects.exists()


@pytest.mark.parametrize("nom", NOMS_REFUSES)
@pytest.mark.parametrize("champ", ["prenom", "nom"])
def test_the_contact_form_refuses_a_name_with_a_link_or_only_invisible_characters(nom, champ):
    donnees = {
        "prenom": "Amina",
        "nom": "Testeuse",
        "telephone": "06 12 34 56 78",
        "quartier": "autre",
        "idee": "Ouvrir une épicerie solidaire.",
        "consentement": "on",
        champ: nom,
    }
    form = ContactForm(data=donnees)
    assert not form.is_valid()
    assert champ in form.errors


def test_the_contact_page_does_not_store_a_name_with_a_link(client):
    donnees = {
        "prenom": LIEN,
        "nom": "Testeuse",
        "telephone": "06 12 34 56 78",
        "email": "",
        "quartier": "autre",
        "idee": "Ouvrir une épicerie solidaire.",
        "consentement": "on",
        "site_web": "",
    }
    response = client.post("/contact/", donnees)
    assert response.status_code == 200
    assert "Un nom ne peut pas contenir d&#x27;adresse web" in response.content.decode()
    assert not Porteur.objects.exists()


def test_real_names_still_register(client):
    atelier = AtelierFactory()
    donnees = {"prenom": "Marie-Thérèse", "nom": "N'Diaye", "telephone": "", "email": "mt@example.org"}
    response = client.post(reverse("ateliers:detail", args=[atelier.pk]), donnees)
    assert response.status_code == 302
    assert Inscription.objects.get().prenom == "Marie-Thérèse"


# The greeting


def _corps(message) -> tuple[str, str]:
    ((html, _),) = message.alternatives
    return message.body, html


@pytest.mark.parametrize("envoyer", [emails.envoyer_confirmation, emails.envoyer_promotion, emails.envoyer_rappel])
@pytest.mark.parametrize("prenom", [LIEN, "www.evil.example", "Paul\u202egnp.exe", "\u200b"])
def test_an_old_registration_with_a_hostile_first_name_is_greeted_without_it(envoyer, prenom):
    # Registered before names were checked: the row is there, the message must not carry the link.
    inscription = InscriptionFactory(prenom=prenom)
    assert envoyer(inscription)
    texte, html = _corps(mail.outbox[0])
    assert texte.startswith("Bonjour,\n")
    assert html.startswith("<p>Bonjour,</p>")
    for corps in (texte, html):
        assert "evil" not in corps and prenom not in corps


@pytest.mark.parametrize("envoyer", [emails.envoyer_confirmation, emails.envoyer_promotion, emails.envoyer_rappel])
def test_a_registrant_is_greeted_by_their_first_name(envoyer):
    inscription = InscriptionFactory(prenom="Aïcha")
    assert envoyer(inscription)
    texte, html = _corps(mail.outbox[0])
    assert texte.startswith("Bonjour Aïcha,\n")
    assert html.startswith("<p>Bonjour Aïcha,</p>")


def test_the_confirmation_subject_and_greeting_of_a_real_registration(executer_taches):
    atelier = AtelierFactory(titre="Entreprendre au féminin")
    services.inscrire(atelier=atelier, prenom="Aïcha", nom="Benali", email="aicha@example.org", telephone="")
    executer_taches()
    (message,) = mail.outbox
    assert message.subject == "Inscription confirmée : Entreprendre au féminin"
    assert message.body.startswith("Bonjour Aïcha,\n")
