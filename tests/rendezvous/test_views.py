import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from porteurs.models import Porteur
from rendezvous import signatures
from rendezvous.models import RendezVous
from tests.public.htmlcheck import html_errors
from tests.rendezvous.factories import PermanenceRdvFactory, RendezVousFactory, jour_ouvert

pytestmark = pytest.mark.django_db


def valeur(permanence, debut="0900", jour=None):
    return f"{permanence.pk}_{(jour or jour_ouvert()):%Y-%m-%d}_{debut}"


def donnees(permanence, **extra):
    return {
        "horaire": valeur(permanence),
        "prenom": "Nadia",
        "nom": "Exemple",
        "telephone": "06 12 34 56 78",
        "email": "",
        "idee": "Un food truck",
        **extra,
    }


@pytest.fixture
def permanence():
    return PermanenceRdvFactory()


def test_the_places_page_lists_the_places_with_their_first_free_time(client, permanence):
    html = client.get("/rendez-vous/").content.decode()
    assert permanence.lieu.nom in html
    assert reverse("rendezvous:reserver", args=[permanence.lieu.pk]) in html
    assert re.search(r"\d+ horaires libres", html)


def test_booking_redirects_to_a_confirmation_page_whose_link_holds_no_personal_data(client, permanence):
    response = client.post(reverse("rendezvous:reserver", args=[permanence.lieu.pk]), donnees(permanence))
    rdv = RendezVous.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rendezvous:detail", args=[signatures.jeton(rdv)])
    assert "Nadia" not in response["Location"] and "Exemple" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Votre rendez-vous est confirmé" in page
    assert permanence.lieu.lien_carte.replace("&", "&amp;") in page
    assert reverse("rendezvous:ics", args=[signatures.jeton(rdv)]) in page


def test_a_form_with_mistakes_says_so_in_the_title_and_a_summary_and_stores_nothing(client, permanence):
    response = client.post(
        reverse("rendezvous:reserver", args=[permanence.lieu.pk]),
        {"horaire": "", "prenom": "", "nom": "Exemple", "telephone": "", "email": "", "idee": "x"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>Erreur — ", html)
    assert 'class="error-summary"' in html and "autofocus" in html
    assert "Choisissez un horaire dans la liste." in html
    assert "Indiquez votre prénom." in html
    assert "Indiquez un numéro de téléphone ou une adresse électronique" in html
    assert 'aria-invalid="true"' in html
    assert not RendezVous.objects.exists() and not Porteur.objects.exists()


def test_a_time_taken_meanwhile_is_a_french_error_next_to_the_times(client, permanence):
    RendezVousFactory(permanence=permanence)
    response = client.post(reverse("rendezvous:reserver", args=[permanence.lieu.pk]), donnees(permanence))
    assert response.status_code == 200
    assert "Cet horaire n&#x27;est plus libre" in response.content.decode()
    assert RendezVous.objects.count() == 1


@pytest.mark.parametrize("horaire", ["", "n'importe quoi", "99999_2026-13-45_0900", "1_2026-12-01_2500" * 40])
def test_a_forged_time_is_refused_in_french(client, permanence, horaire):
    response = client.post(
        reverse("rendezvous:reserver", args=[permanence.lieu.pk]), donnees(permanence, horaire=horaire)
    )
    assert response.status_code == 200 and not RendezVous.objects.exists()


def test_the_honeypot_stores_nothing(client, permanence):
    client.post(reverse("rendezvous:reserver", args=[permanence.lieu.pk]), donnees(permanence, site_web="spam"))
    assert not RendezVous.objects.exists()


def test_booking_is_rate_limited_per_address(client, permanence, settings):
    settings.RENDEZVOUS_PAR_ADRESSE = "2/m"
    url = reverse("rendezvous:reserver", args=[permanence.lieu.pk])
    for _ in range(2):
        client.post(url, {"horaire": ""})
    response = client.post(url, donnees(permanence))
    assert response.status_code == 429 and response["Retry-After"]
    assert "Trop de demandes" in response.content.decode() and html_errors(response.content.decode()) == []
    assert not RendezVous.objects.exists()


def test_cancel_asks_first_then_frees_the_time(client, permanence):
    rdv = RendezVousFactory(permanence=permanence)
    jeton = signatures.jeton(rdv)
    page = client.get(reverse("rendezvous:annuler", args=[jeton])).content.decode()
    assert "Oui, annuler mon rendez-vous" in page
    rdv.refresh_from_db()
    assert rdv.statut == RendezVous.Statut.RESERVE  # a GET (a mail scanner) changes nothing
    response = client.post(reverse("rendezvous:annuler", args=[jeton]))
    assert response.status_code == 302
    rdv.refresh_from_db()
    assert rdv.statut == RendezVous.Statut.ANNULE
    assert "Votre rendez-vous est annulé" in client.get(response["Location"]).content.decode()
    assert client.post(reverse("rendezvous:annuler", args=[jeton])).status_code == 409


def test_move_to_another_free_time(client, permanence, executer_taches):
    rdv = RendezVousFactory(permanence=permanence, email="nadia@example.org")
    url = reverse("rendezvous:deplacer", args=[signatures.jeton(rdv)])
    page = client.get(url).content.decode()
    assert valeur(permanence, "0930") in page and valeur(permanence, "0900") in page
    response = client.post(f"{url}?lieu={permanence.lieu.pk}", {"horaire": valeur(permanence, "0930")})
    assert response.status_code == 302
    rdv.refresh_from_db()
    assert rdv.debut == datetime.time(9, 30)
    executer_taches()
    assert "déplacé" in mail.outbox[0].subject


def test_move_to_another_place(client, permanence):
    rdv = RendezVousFactory(permanence=permanence)
    ailleurs = PermanenceRdvFactory()
    url = reverse("rendezvous:deplacer", args=[signatures.jeton(rdv)])
    assert ailleurs.lieu.nom in client.get(url).content.decode()
    client.post(f"{url}?lieu={ailleurs.lieu.pk}", {"horaire": valeur(ailleurs)})
    rdv.refresh_from_db()
    assert rdv.permanence == ailleurs


@pytest.mark.parametrize("jeton", ["abc", "x" * 300, "1:2:3"])
def test_a_forged_or_truncated_link_is_a_french_404(client, jeton):
    response = client.get(reverse("rendezvous:detail", args=[jeton]))
    assert response.status_code == 404
    assert "Ce lien n'est pas valable" in response.content.decode()


def test_the_ics_has_the_place_and_no_name(client, permanence):
    rdv = RendezVousFactory(permanence=permanence, prenom="Nadia", nom="Exemple")
    response = client.get(reverse("rendezvous:ics", args=[signatures.jeton(rdv)]))
    contenu = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in contenu and "Nadia" not in contenu and "Exemple" not in contenu
    assert permanence.lieu.nom.split()[0] in contenu


def pages(permanence):
    rdv = RendezVousFactory(permanence=PermanenceRdvFactory(lieu=permanence.lieu), date=jour_ouvert(9))
    jeton = signatures.jeton(rdv)
    return [
        "/rendez-vous/",
        reverse("rendezvous:reserver", args=[permanence.lieu.pk]),
        reverse("rendezvous:detail", args=[jeton]),
        reverse("rendezvous:annuler", args=[jeton]),
        reverse("rendezvous:deplacer", args=[jeton]),
    ]


def test_every_appointment_page_is_valid_html_in_french_and_weighs_under_100_kb(client, permanence):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/site.css")).read_bytes()
    for url in pages(permanence):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert html_errors(html) == [], url
        assert '<html lang="fr">' in html and html.count("<h1") == 1, url
        assert "<script" not in html and "style=" not in html, url
        assert len(response.content) + len(css) < 100 * 1024, url


def test_the_booking_page_with_errors_is_valid_html(client, permanence):
    response = client.post(reverse("rendezvous:reserver", args=[permanence.lieu.pk]), {"horaire": ""})
    assert html_errors(response.content.decode()) == []


def test_the_booking_page_query_count_does_not_grow_with_bookings(client, permanence, django_assert_max_num_queries):
    url = reverse("rendezvous:reserver", args=[permanence.lieu.pk])
    client.get(url)
    for semaine in range(3):
        RendezVousFactory(permanence=permanence, date=jour_ouvert() + datetime.timedelta(weeks=semaine))
    with django_assert_max_num_queries(8):
        client.get(url)
    with django_assert_max_num_queries(8):
        client.get("/rendez-vous/")


def test_the_public_navigation_links_to_the_appointments(client, permanence):
    assert 'href="/rendez-vous/"' in client.get("/rendez-vous/").content.decode()


def test_a_lock_that_does_not_come_answers_try_again_in_french_and_stores_nothing(client, permanence, monkeypatch):
    from django.db import OperationalError

    from rendezvous import services

    monkeypatch.setattr(services, "_verrou", lambda pk: (_ for _ in ()).throw(OperationalError("lock timeout")))
    response = client.post(reverse("rendezvous:reserver", args=[permanence.lieu.pk]), donnees(permanence))
    html = response.content.decode()
    assert response.status_code == 200 and "réessayez dans un instant" in html
    assert html.count("réessayez dans un instant") == 2  # the summary and the field, once each
    assert not RendezVous.objects.exists() and not Porteur.objects.exists()


def test_an_expired_link_says_so_in_french(client, permanence, monkeypatch):
    jeton = signatures.jeton(RendezVousFactory(permanence=permanence))
    monkeypatch.setattr(signatures.LIEN, "duree_validite", -1)
    response = client.get(reverse("rendezvous:annuler", args=[jeton]))
    assert response.status_code == 410 and "Ce lien a expiré" in response.content.decode()


def test_the_confirmation_promises_only_the_messages_that_will_go(client, permanence):
    fixe = RendezVousFactory(permanence=permanence, telephone="04 68 11 22 33", email="")
    page = client.get(reverse("rendezvous:detail", args=[signatures.jeton(fixe)])).content.decode()
    assert "SMS" not in page and "courriel" not in page
    portable = RendezVousFactory(permanence=permanence, debut=datetime.time(9, 30), fin=datetime.time(10), email="")
    page = client.get(reverse("rendezvous:detail", args=[signatures.jeton(portable)])).content.decode()
    assert "confirmation par SMS" in page
