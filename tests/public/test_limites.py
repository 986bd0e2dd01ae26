"""What a public form accepts: no file, a bounded body, a few messages per address, one record per person."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT
from django.utils import timezone

from ateliers.models import Inscription
from citeslab import settings as projet
from permanences.models import Quartier
from porteurs.models import Porteur
from tests.ateliers.factories import AtelierFactory

LIMITE = "citeslab.middleware.RequestBodyLimitMiddleware"
MO = 1024 * 1024


@pytest.fixture(autouse=True)
def limites(settings):
    """The body limit where MIDDLEWARE places it, and the admin's limit for spreadsheet imports."""
    if LIMITE not in settings.MIDDLEWARE:
        apres = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:apres], LIMITE, *settings.MIDDLEWARE[apres:]]
    settings.IMPORT_TAILLE_MAX = 5 * MO


@pytest.fixture
def donnees(site):
    return {
        "prenom": "Amina",
        "nom": "Testeuse",
        "telephone": "06 12 34 56 78",
        "email": "",
        "quartier": str(Quartier.objects.get(slug="grazailles").pk),
        "idee": "Ouvrir une épicerie solidaire dans le quartier.",
        "consentement": "on",
        "site_web": "",
    }


class CorpsPiege:
    """A request body that must not be read: the limit is decided on Content-Length alone."""

    def __init__(self):
        self.lu = False

    def read(self, *args):
        self.lu = True
        raise AssertionError("le corps de la requête a été lu")

    readline = read


def envoyer_sans_lire(client, chemin, taille):
    corps = CorpsPiege()
    response = client.generic(
        "POST",
        chemin,
        b"",
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(taille),
        **{"wsgi.input": corps},
    )
    return response, corps


# --- Files and body size --------------------------------------------------------------------------------


def test_the_body_limit_is_installed_before_anything_reads_the_body():
    # CsrfViewMiddleware reads the form in process_view, after every middleware's __call__: any place works,
    # after AuthenticationMiddleware so that the admin's larger limit can ask who the user is.
    middleware = projet.MIDDLEWARE
    assert LIMITE in middleware
    assert middleware.index(LIMITE) > middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert projet.IMPORT_TAILLE_MAX > projet.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_file_sent_with_the_contact_form_is_refused_with_a_french_page_and_nothing_is_stored(client, donnees):
    piece = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 petit fichier", content_type="application/pdf")
    response = client.post("/contact/", {**donnees, "piece": piece})
    assert response.status_code == 400
    html = response.content.decode()
    assert "n'acceptent pas de pièce jointe" in html
    assert '<html lang="fr">' in html
    assert not Porteur.objects.exists()


def test_a_file_sent_to_a_workshop_registration_is_refused_too(client, site):
    atelier = AtelierFactory()
    piece = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    response = client.post(f"/ateliers/{atelier.pk}/", {"prenom": "Awa", "email": "awa@exemple.fr", "photo": piece})
    assert response.status_code == 400
    assert not Inscription.objects.exists()
    assert "n'acceptent pas de pièce jointe" in response.content.decode()


def test_a_multipart_form_without_a_file_still_goes_through(client, donnees):
    response = client.post("/contact/", donnees)  # the test client sends multipart/form-data
    assert response.status_code == 302 and response["Location"] == "/contact/merci/"
    assert Porteur.objects.count() == 1


def test_a_large_file_on_a_public_form_is_refused_before_its_body_is_read(client, site):
    response, corps = envoyer_sans_lire(client, "/contact/", 300 * MO)
    assert response.status_code == 413
    assert not corps.lu
    html = response.content.decode()
    assert "trop volumineux" in html and "2,5\xa0Mo" in html
    assert "no-store" in response["Cache-Control"]
    assert not Porteur.objects.exists()


def test_a_body_just_over_the_public_limit_is_refused_with_a_french_413_page(client, donnees):
    piece = SimpleUploadedFile("gros.bin", b"x" * (3 * MO))
    response = client.post("/contact/", {**donnees, "piece": piece})
    assert response.status_code == 413
    assert "Cette demande n'a pas pu être traitée" in response.content.decode()
    assert not Porteur.objects.exists()


def test_a_long_text_over_the_limit_gets_the_same_413_page(client, donnees):
    response = client.post("/contact/", {**donnees, "idee": "x" * (3 * MO)})
    assert response.status_code == 413
    assert not Porteur.objects.exists()


def test_a_body_without_content_length_is_refused(client, site):
    response = client.generic(
        "POST",
        "/contact/",
        b"prenom=Awa",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 411
    assert "Cette demande n'a pas pu être traitée" in response.content.decode()
    assert not Porteur.objects.exists()


@pytest.mark.parametrize("longueur", ["-1", "beaucoup"])
def test_a_malformed_content_length_is_refused(client, site, longueur):
    response = client.generic(
        "POST", "/contact/", b"prenom=Awa", content_type="application/x-www-form-urlencoded", CONTENT_LENGTH=longueur
    )
    assert response.status_code == 400
    assert not Porteur.objects.exists()


def test_staff_in_the_admin_may_send_a_spreadsheet_larger_than_a_public_form(chef_client):
    fichier = SimpleUploadedFile("porteurs.csv", b"nom;prenom\n" + b"x" * (3 * MO), content_type="text/csv")
    response = chef_client.post("/admin/login/", {"username": "", "fichier": fichier})
    assert response.status_code == 200  # the login form answered: neither the size nor the file was refused


def test_the_admin_refuses_a_body_over_its_own_limit_before_reading_it(chef_client):
    response, corps = envoyer_sans_lire(chef_client, "/admin/porteurs/porteur/import/", 6 * MO)
    assert response.status_code == 413
    assert not corps.lu
    assert "5\xa0Mo" in response.content.decode()


def test_a_visitor_who_is_not_staff_gets_the_public_limit_in_the_admin_too(client, db):
    response, corps = envoyer_sans_lire(client, "/admin/login/", 3 * MO)
    assert response.status_code == 413 and not corps.lu
    piece = SimpleUploadedFile("x.txt", b"x")
    assert client.post("/admin/login/", {"username": "chef", "piece": piece}).status_code == 400


# --- Rate limit -----------------------------------------------------------------------------------------


def _personne(donnees, n):
    return {**donnees, "prenom": f"Personne{n}", "telephone": f"06 12 34 56 {n:02d}"}


def test_contact_from_one_address_is_limited_with_a_french_429_page(client, donnees):
    for n in range(5):
        assert client.post("/contact/", _personne(donnees, n), REMOTE_ADDR="203.0.113.7").status_code == 302
    response = client.post("/contact/", _personne(donnees, 5), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    html = response.content.decode()
    assert "Trop de messages" in html and '<html lang="fr">' in html
    assert Porteur.objects.count() == 5
    # Another address is not held back.
    assert client.post("/contact/", _personne(donnees, 6), REMOTE_ADDR="203.0.113.8").status_code == 302


def test_the_contact_rate_comes_from_the_settings(client, donnees, settings):
    settings.CONTACT_PAR_ADRESSE = "2/h"
    for n in range(2):
        client.post("/contact/", _personne(donnees, n))
    response = client.post("/contact/", _personne(donnees, 2))
    assert response.status_code == 429
    assert 60 < int(response["Retry-After"]) <= 3600
    assert Porteur.objects.count() == 2


# --- Duplicates -----------------------------------------------------------------------------------------


def test_the_same_person_writing_twice_is_stored_once_and_called_back_today(client, donnees):
    client.post("/contact/", donnees)
    Porteur.objects.update(relance_le=timezone.localdate() + datetime.timedelta(days=20))
    response = client.post("/contact/", {**donnees, "prenom": "AMINA", "nom": "testeuse", "email": "a@exemple.fr"})
    assert response.status_code == 302 and response["Location"] == "/contact/merci/"
    porteur = Porteur.objects.get()
    assert porteur.relance_le == timezone.localdate()
    assert porteur.email == ""  # nothing the second message says overwrites the record


@pytest.mark.parametrize(
    "autrement",
    [
        {"prenom": "Amïna", "nom": "TESTÉUSE"},
        {"prenom": " amina ", "telephone": "+33 6 12 34 56 78"},
        {"telephone": "", "email": "AMINA@Exemple.fr"},
    ],
)
def test_a_duplicate_is_the_same_names_without_case_or_accents_and_the_same_phone_or_email(client, donnees, autrement):
    client.post("/contact/", {**donnees, "email": "amina@exemple.fr"})
    client.post("/contact/", {**donnees, **autrement})
    assert Porteur.objects.count() == 1


@pytest.mark.parametrize(
    "autrement",
    [
        {"telephone": "06 98 76 54 32"},  # a namesake
        {"prenom": "Karim"},  # someone else in the same household
    ],
)
def test_a_namesake_or_a_relative_is_a_new_person(client, donnees, autrement):
    client.post("/contact/", donnees)
    client.post("/contact/", {**donnees, **autrement})
    assert Porteur.objects.count() == 2


def test_an_overdue_call_back_keeps_its_earlier_date(client, donnees):
    client.post("/contact/", donnees)
    hier = timezone.localdate() - datetime.timedelta(days=3)
    Porteur.objects.update(relance_le=hier)
    client.post("/contact/", donnees)
    assert Porteur.objects.get().relance_le == hier


def test_a_recent_message_whose_call_back_was_closed_is_reopened_not_duplicated(client, donnees):
    client.post("/contact/", donnees)
    Porteur.objects.update(relance_le=None, date_premier_contact=timezone.localdate() - datetime.timedelta(days=10))
    client.post("/contact/", donnees)
    assert Porteur.objects.get().relance_le == timezone.localdate()


def test_someone_called_back_long_ago_who_writes_again_gets_a_new_record(client, donnees):
    client.post("/contact/", donnees)
    Porteur.objects.update(relance_le=None, date_premier_contact=timezone.localdate() - datetime.timedelta(days=90))
    client.post("/contact/", donnees)
    assert Porteur.objects.count() == 2


def test_a_duplicate_answer_is_the_same_as_a_first_message(client, donnees):
    premiere = client.post("/contact/", donnees)
    seconde = client.post("/contact/", donnees)
    assert (premiere.status_code, premiere["Location"]) == (seconde.status_code, seconde["Location"])
