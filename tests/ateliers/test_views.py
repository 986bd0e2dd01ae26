import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ateliers import signatures
from ateliers.models import Inscription
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.permanences.factories import LieuFactory, QuartierFactory

pytestmark = pytest.mark.django_db


def next_thursday(heure=9):
    aujourd_hui = timezone.localdate()
    jour = aujourd_hui + datetime.timedelta(days=(3 - aujourd_hui.weekday()) % 7 or 7)
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure)))


def form_data(**extra):
    return {"prenom": "Yasmina", "nom": "Exemple", "telephone": "", "email": "yasmina@example.org", **extra}


def inscrire(client, atelier, **extra):
    return client.post(reverse("ateliers:detail", args=[atelier.pk]), form_data(**extra))


# The list


def test_the_list_shows_upcoming_public_workshops_with_date_times_and_place(client):
    lieu = LieuFactory(nom="Espace partagé Ozanam", adresse="2 rue Ozanam")
    AtelierFactory(titre="Atelier Émergence", debut=next_thursday(9), lieu=lieu)
    AtelierFactory(titre="Atelier réservé", public=False)
    AtelierFactory(titre="Atelier passé", passe=True)
    page = client.get(reverse("ateliers:liste")).content.decode()
    assert "Atelier Émergence" in page
    assert "Atelier réservé" not in page and "Atelier passé" not in page
    assert "jeudi" in page and "9\u00a0h – 12\u00a0h" in page
    assert "Espace partagé Ozanam, 2 rue Ozanam" in page


def test_the_list_writes_the_first_of_the_month_as_1er_and_the_half_hours(client):
    debut = timezone.make_aware(datetime.datetime(2035, 3, 1, 14, 30))
    AtelierFactory(debut=debut, fin=debut + datetime.timedelta(hours=2))
    page = client.get(reverse("ateliers:liste")).content.decode()
    assert "jeudi 1er mars 2035</time>, 14\u00a0h\u00a030 – 16\u00a0h\u00a030" in page


def test_the_list_announces_the_seats_left_or_full(client):
    ouvert = AtelierFactory(capacite=3)
    InscriptionFactory(atelier=ouvert)
    complet = AtelierFactory(capacite=1)
    InscriptionFactory(atelier=complet)
    page = client.get(reverse("ateliers:liste")).content.decode()
    assert "2 places restantes" in page
    assert "Complet — liste d'attente" in page


def test_the_list_makes_the_same_number_of_queries_whatever_the_number_of_workshops(
    client, django_assert_max_num_queries
):
    for _ in range(12):
        InscriptionFactory.create_batch(2, atelier=AtelierFactory())
    # The workshops with their counts, and the office's contact for the footer (then kept in the cache).
    with django_assert_max_num_queries(2):
        response = client.get(reverse("ateliers:liste"))
    assert response.content.decode().count("places restantes") == 12


# The workshop page


def test_the_workshop_page_shows_the_form_and_the_seats_left(client, django_assert_max_num_queries):
    atelier = AtelierFactory(capacite=10)
    QuartierFactory.create_batch(5)
    InscriptionFactory.create_batch(3, atelier=atelier)
    # The workshop, the quartiers of the form, and the office's contact for the footer.
    with django_assert_max_num_queries(3):
        page = client.get(atelier.get_absolute_url()).content.decode()
    assert "7 places restantes" in page
    assert 'name="prenom"' in page and 'name="quartier"' in page
    assert "Autre quartier / je ne sais pas" in page


def test_the_page_of_a_full_workshop_warns_of_the_waiting_list(client):
    atelier = AtelierFactory(capacite=1)
    InscriptionFactory(atelier=atelier)
    page = client.get(atelier.get_absolute_url()).content.decode()
    assert "Complet — liste d'attente" in page
    assert "vous serez sur la liste d'attente" in page


def test_a_non_public_workshop_has_no_page(client):
    assert client.get(AtelierFactory(public=False).get_absolute_url()).status_code == 404


def test_a_past_workshop_no_longer_has_a_form(client):
    page = client.get(AtelierFactory(passe=True).get_absolute_url()).content.decode()
    assert "Cet atelier a déjà eu lieu." in page
    assert 'name="prenom"' not in page


# Registering


def test_registering_confirms_and_redirects_to_a_page_without_personal_data_in_the_url(client, executer_taches):
    atelier = AtelierFactory(capacite=5)
    response = inscrire(client, atelier)
    executer_taches()
    assert response.status_code == 302
    assert "yasmina" not in response.url.lower() and "exemple" not in response.url.lower()
    page = client.get(response.url).content.decode()
    assert "Votre inscription est confirmée" in page
    inscription = Inscription.objects.get()
    assert inscription.statut == Inscription.Statut.CONFIRMEE
    assert len(mail.outbox) == 1


def test_registering_for_a_full_workshop_clearly_says_waiting_list(client):
    atelier = AtelierFactory(capacite=1)
    InscriptionFactory(atelier=atelier)
    response = inscrire(client, atelier)
    page = client.get(response.url).content.decode()
    assert "Vous êtes sur la liste d'attente" in page


def test_registering_without_phone_or_email_shows_the_error_next_to_the_field(client):
    atelier = AtelierFactory()
    response = inscrire(client, atelier, email="", telephone="")
    assert response.status_code == 200
    assert response.context["form"].errors["telephone"] == [
        "Indiquez un numéro de téléphone ou une adresse électronique, pour qu'on puisse vous répondre."
    ]
    assert not Inscription.objects.exists()


def test_registering_with_an_invalid_phone_shows_an_error_in_french(client):
    response = inscrire(client, AtelierFactory(), email="", telephone="12")
    assert "Ce numéro de téléphone n'est pas valide" in response.context["form"].errors["telephone"][0]


def test_registering_with_an_empty_first_name_shows_an_error(client):
    response = inscrire(client, AtelierFactory(), prenom="")
    assert response.context["form"].errors["prenom"] == ["Indiquez votre prénom."]


def test_registering_normalises_the_phone(client):
    inscrire(client, AtelierFactory(), email="", telephone="+33612345678")
    assert Inscription.objects.get().telephone == "06 12 34 56 78"


def test_registering_twice_with_the_same_email_is_refused_with_a_message(client):
    atelier = AtelierFactory()
    inscrire(client, atelier)
    response = inscrire(client, atelier)
    assert "Vous êtes déjà inscrit(e) à cet atelier" in response.content.decode()
    assert Inscription.objects.count() == 1


def test_registering_for_a_closed_workshop_is_refused_with_a_message(client):
    atelier = AtelierFactory()
    page = client.get(atelier.get_absolute_url())  # the form was loaded while open…
    assert page.status_code == 200
    atelier.inscriptions_ouvertes = False
    atelier.save()
    response = inscrire(client, atelier)  # …and sent after the chef de projet closed registrations
    assert "Les inscriptions à cet atelier sont closes." in response.content.decode()


def test_registering_with_a_quartier(client):
    quartier = QuartierFactory(nom="Grazailles")
    inscrire(client, AtelierFactory(), quartier=quartier.pk)
    assert Inscription.objects.get().quartier == quartier


def test_on_the_sixth_submission_within_a_minute_the_same_address_gets_a_429_page_in_french(client):
    atelier = AtelierFactory(capacite=20)
    for n in range(5):
        assert inscrire(client, atelier, email=f"p{n}@example.org").status_code == 302
    response = inscrire(client, atelier, email="p6@example.org")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Trop de demandes" in response.content.decode()
    assert Inscription.objects.count() == 5


def test_the_limit_is_per_address_another_address_can_register(client):
    atelier = AtelierFactory(capacite=20)
    for n in range(6):
        inscrire(client, atelier, email=f"p{n}@example.org")
    response = client.post(atelier.get_absolute_url(), form_data(email="autre@example.org"), REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 302


def test_the_limit_does_not_hinder_browsing(client):
    atelier = AtelierFactory()
    for _ in range(10):
        assert client.get(atelier.get_absolute_url()).status_code == 200


# The signed link


def cancellation_link(inscription, nom="ateliers:annulation"):
    return reverse(nom, args=[signatures.jeton(inscription)])


def test_the_signed_link_contains_only_the_registration_id():
    inscription = InscriptionFactory(nom="Durandal", email="secret@example.org")
    url = cancellation_link(inscription)
    assert "durandal" not in url.lower() and "secret" not in url.lower()
    assert signatures.inscription_du_jeton(signatures.jeton(inscription)) == inscription


def test_the_confirmation_email_contains_the_cancellation_link_and_it_works(client, executer_taches):
    atelier = AtelierFactory()
    inscrire(client, atelier)
    executer_taches()
    url = re.search(r"https?://[^/]+(/ateliers/inscription/\S+/annuler/)", mail.outbox[0].body).group(1)
    assert "Annuler mon inscription" in client.get(url).content.decode()


def test_opening_the_cancellation_link_does_not_cancel(client):
    inscription = InscriptionFactory()
    response = client.get(cancellation_link(inscription))
    assert "Oui, annuler mon inscription" in response.content.decode()
    inscription.refresh_from_db()
    assert inscription.statut == Inscription.Statut.CONFIRMEE


def test_confirming_the_cancellation_frees_the_seat_and_promotes_the_waiting_list(client, executer_taches):
    atelier = AtelierFactory(capacite=1)
    inscription = InscriptionFactory(atelier=atelier)
    attente = InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ATTENTE)
    response = client.post(cancellation_link(inscription))
    executer_taches()
    assert "Votre inscription est annulée" in response.content.decode()
    inscription.refresh_from_db()
    attente.refresh_from_db()
    assert (inscription.statut, attente.statut) == (Inscription.Statut.ANNULEE, Inscription.Statut.CONFIRMEE)
    assert [m.to for m in mail.outbox] == [[attente.email]]


def test_cancelling_a_second_time_says_it_is_already_done(client):
    inscription = InscriptionFactory(statut=Inscription.Statut.ANNULEE)
    response = client.post(cancellation_link(inscription))
    assert "Inscription déjà annulée" in response.content.decode()


def test_cancelling_after_the_workshop_has_started_is_refused(client):
    inscription = InscriptionFactory(atelier=AtelierFactory(passe=True))
    response = client.post(cancellation_link(inscription))
    assert response.status_code == 410
    inscription.refresh_from_db()
    assert inscription.statut == Inscription.Statut.CONFIRMEE


def test_a_tampered_link_shows_a_clear_page_in_french(client):
    inscription = InscriptionFactory()
    jeton = signatures.jeton(inscription)
    response = client.get(reverse("ateliers:annulation", args=[jeton[:-2] + "xx"]))
    assert response.status_code == 404
    assert "Ce lien n'est pas valable" in response.content.decode()


def test_a_link_that_is_too_old_shows_a_clear_page_in_french(client, monkeypatch):
    inscription = InscriptionFactory()
    jeton = signatures.jeton(inscription)
    monkeypatch.setattr(signatures.LIEN, "duree_validite", -1)
    response = client.post(reverse("ateliers:annulation", args=[jeton]))
    assert response.status_code == 410
    assert "Ce lien a expiré" in response.content.decode()
    inscription.refresh_from_db()
    assert inscription.statut == Inscription.Statut.CONFIRMEE


def test_a_link_signed_for_something_else_is_refused(client):
    from django.core import signing

    inscription = InscriptionFactory()
    autre = signing.dumps(inscription.pk, salt="autre.usage")
    assert client.get(reverse("ateliers:annulation", args=[autre])).status_code == 404


# iCalendar


def test_the_ics_feed_contains_the_upcoming_public_workshops_with_time_zone_place_and_stable_uid(client):
    lieu = LieuFactory(nom="FJT Le Viguier", adresse="1 rue du Viguier")
    atelier = AtelierFactory(titre="Entreprendre au féminin", debut=next_thursday(14), lieu=lieu)
    AtelierFactory(titre="Atelier réservé", public=False)
    response = client.get("/ateliers.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    ics = response.content.decode()
    assert ics.count("BEGIN:VEVENT") == 1
    assert "SUMMARY:Entreprendre au féminin" in ics
    assert f"DTSTART;TZID=Europe/Paris:{next_thursday(14):%Y%m%dT140000}" in ics
    assert "BEGIN:VTIMEZONE" in ics and "TZID:Europe/Paris" in ics
    assert "LOCATION:FJT Le Viguier\\, 1 rue du Viguier\\, 11000 Carcassonne" in ics.replace("\r\n ", "")
    assert "DTSTAMP:" in ics
    assert f"UID:atelier-{atelier.pk}@" in ics
    assert f"UID:atelier-{atelier.pk}@" in client.get("/ateliers.ics").content.decode()


def test_a_workshop_ics_file_downloads(client):
    atelier = AtelierFactory()
    response = client.get(f"/ateliers/{atelier.pk}.ics")
    assert response["Content-Disposition"] == f'attachment; filename="atelier-{atelier.pk}.ics"'
    assert response.content.decode().count("BEGIN:VEVENT") == 1


def test_a_non_public_workshop_has_no_ics_file(client):
    assert client.get(f"/ateliers/{AtelierFactory(public=False).pk}.ics").status_code == 404


def test_behind_the_proxy_the_limit_counts_the_address_seen_by_the_proxy_not_the_one_invented_by_the_client(
    client, settings
):
    settings.BEHIND_PROXY = True
    atelier = AtelierFactory(capacite=30)
    for n in range(5):
        # A client that invents a new first hop each time is still the same last hop for the proxy.
        client.post(
            atelier.get_absolute_url(),
            form_data(email=f"p{n}@example.org"),
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7",
            REMOTE_ADDR="127.0.0.1",
        )
    bloque = client.post(
        atelier.get_absolute_url(), form_data(email="p9@example.org"), HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7"
    )
    assert bloque.status_code == 429
    autre = client.post(
        atelier.get_absolute_url(), form_data(email="voisine@example.org"), HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert autre.status_code == 302
