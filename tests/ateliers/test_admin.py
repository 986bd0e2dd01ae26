import datetime
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from ateliers.models import Atelier, Inscription
from porteurs.models import Porteur
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.permanences.factories import QuartierFactory
from tests.porteurs.factories import PorteurFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def changelist(client, **params):
    return client.get(reverse("admin:ateliers_atelier_changelist"), params)


def test_the_admin_list_shows_seats_taken_over_capacity_the_waiting_list_and_attendees(chef_client):
    atelier = AtelierFactory(capacite=10, passe=True)
    InscriptionFactory.create_batch(2, atelier=atelier, present=True)
    InscriptionFactory(atelier=atelier, present=False)
    InscriptionFactory.create_batch(4, atelier=atelier, statut=Inscription.Statut.ATTENTE)
    InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ANNULEE)
    resultat = changelist(chef_client).context["cl"].result_list[0]
    assert (resultat.nb_confirmees, resultat.nb_attente, resultat.nb_presents) == (3, 4, 2)
    page = changelist(chef_client).content.decode()
    assert "3 / 10" in page


def test_the_admin_list_does_not_make_one_query_per_workshop(chef_client, django_assert_max_num_queries):
    for _ in range(3):
        InscriptionFactory.create_batch(2, atelier=AtelierFactory())
    with django_assert_max_num_queries(20) as avant:
        changelist(chef_client)
    for _ in range(15):
        InscriptionFactory.create_batch(2, atelier=AtelierFactory())
    with django_assert_max_num_queries(len(avant.captured_queries)):
        changelist(chef_client)


def test_the_period_filter_separates_upcoming_and_past_workshops(chef_client):
    a_venir = AtelierFactory()
    passe = AtelierFactory(passe=True)
    assert list(changelist(chef_client, periode="a_venir").context["cl"].result_list) == [a_venir]
    assert list(changelist(chef_client, periode="passes").context["cl"].result_list) == [passe]


def test_duplicating_a_past_workshop_copies_it_one_week_later_without_the_registrations(chef_client):
    atelier = AtelierFactory(titre="Atelier Émergence du jeudi", capacite=8, passe=True)
    InscriptionFactory.create_batch(3, atelier=atelier)
    response = chef_client.post(
        reverse("admin:ateliers_atelier_changelist"),
        {"action": "dupliquer", "_selected_action": [atelier.pk]},
    )
    copie = Atelier.objects.exclude(pk=atelier.pk).get()
    assert response.url == reverse("admin:ateliers_atelier_change", args=[copie.pk])
    assert (copie.titre, copie.capacite, copie.lieu_id) == (atelier.titre, 8, atelier.lieu_id)
    assert copie.debut - atelier.debut == datetime.timedelta(days=7)
    assert copie.inscriptions.count() == 0


def test_duplicating_keeps_the_local_time_across_a_clock_change(chef_client):
    # Thursday 23 October 2025 9 h (summer time) -> Thursday 30 October 2025 9 h (winter time).
    debut = datetime.datetime(2025, 10, 23, 9, tzinfo=PARIS)
    atelier = AtelierFactory(debut=debut, fin=debut + datetime.timedelta(hours=3))
    chef_client.post(
        reverse("admin:ateliers_atelier_changelist"), {"action": "dupliquer", "_selected_action": [atelier.pk]}
    )
    copie = Atelier.objects.exclude(pk=atelier.pk).get()
    assert timezone.localtime(copie.debut).strftime("%d/%m %H:%M") == "30/10 09:00"


def atelier_form_data(atelier, inscriptions):
    donnees = {
        "titre": atelier.titre,
        "theme": atelier.theme,
        "debut_0": timezone.localtime(atelier.debut).strftime("%d/%m/%Y"),
        "debut_1": timezone.localtime(atelier.debut).strftime("%H:%M:%S"),
        "fin_0": timezone.localtime(atelier.fin).strftime("%d/%m/%Y"),
        "fin_1": timezone.localtime(atelier.fin).strftime("%H:%M:%S"),
        "lieu": atelier.lieu_id,
        "capacite": atelier.capacite,
        "public": "on",
        "inscriptions_ouvertes": "on",
        "description": "",
        "inscriptions-TOTAL_FORMS": len(inscriptions),
        "inscriptions-INITIAL_FORMS": len(inscriptions),
        "inscriptions-MIN_NUM_FORMS": 0,
        "inscriptions-MAX_NUM_FORMS": 1000,
    }
    for n, (inscription, statut) in enumerate(inscriptions):
        donnees.update(
            {
                f"inscriptions-{n}-id": inscription.pk,
                f"inscriptions-{n}-atelier": atelier.pk,
                f"inscriptions-{n}-prenom": inscription.prenom,
                f"inscriptions-{n}-nom": inscription.nom,
                f"inscriptions-{n}-telephone": "",
                f"inscriptions-{n}-email": inscription.email,
                f"inscriptions-{n}-statut": statut,
                f"inscriptions-{n}-present": "true",
            }
        )
    return donnees


def test_marking_attendance_from_the_workshop_page(chef_client):
    atelier = AtelierFactory(capacite=2, passe=True)
    inscriptions = InscriptionFactory.create_batch(2, atelier=atelier)
    response = chef_client.post(
        reverse("admin:ateliers_atelier_change", args=[atelier.pk]),
        atelier_form_data(atelier, [(i, "confirmee") for i in inscriptions]),
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert atelier.inscriptions.filter(present=True).count() == 2


def test_the_admin_cannot_confirm_more_people_than_there_are_seats(chef_client):
    atelier = AtelierFactory(capacite=1)
    confirmee = InscriptionFactory(atelier=atelier)
    attente = InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ATTENTE)
    response = chef_client.post(
        reverse("admin:ateliers_atelier_change", args=[atelier.pk]),
        atelier_form_data(atelier, [(confirmee, "confirmee"), (attente, "confirmee")]),
    )
    assert response.status_code == 200
    erreurs = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert erreurs == [
        "2 inscriptions confirmées pour 1 places : augmentez le nombre de places ou passez des inscriptions "
        "en liste d'attente."
    ]
    attente.refresh_from_db()
    assert attente.statut == Inscription.Statut.ATTENTE


def test_the_workshop_page_links_to_the_attendance_sheet(chef_client):
    atelier = AtelierFactory()
    page = chef_client.get(reverse("admin:ateliers_atelier_change", args=[atelier.pk])).content.decode()
    assert reverse("admin:ateliers_atelier_emargement", args=[atelier.pk]) in page
    assert reverse("admin:ateliers_atelier_emargement_xlsx", args=[atelier.pk]) in page


def test_the_attendance_sheet_lists_the_confirmed_registrations_with_a_signature_column(chef_client):
    atelier = AtelierFactory(titre="Atelier Émergence")
    InscriptionFactory(atelier=atelier, prenom="Aïcha", nom="Benali", quartier=QuartierFactory(nom="Grazailles"))
    InscriptionFactory(atelier=atelier, prenom="Paul", nom="Attente", statut=Inscription.Statut.ATTENTE)
    InscriptionFactory(atelier=atelier, prenom="Zoé", nom="Annulée", statut=Inscription.Statut.ANNULEE)
    page = chef_client.get(reverse("admin:ateliers_atelier_emargement", args=[atelier.pk])).content.decode()
    assert "Feuille d'émargement" in page and "Atelier Émergence" in page
    assert "Benali" in page and "Grazailles" in page
    assert "Attente" not in page and "Annulée" not in page
    assert "Signature" in page
    # The print style sheet is a static file: the Content-Security-Policy forbids inline styles.
    assert "<style" not in page and "ateliers/emargement.css" in page


def test_the_attendance_sheet_stylesheet_is_made_for_printed_a4():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("ateliers/emargement.css")).read_text(encoding="utf-8")
    assert "@media print" in css and "size: A4" in css


def test_the_attendance_sheet_downloads_as_xlsx(chef_client):
    atelier = AtelierFactory(titre="Entreprendre au féminin")
    InscriptionFactory(atelier=atelier, prenom="Aïcha", nom="Benali")
    InscriptionFactory(atelier=atelier, prenom="Paul", nom="Attente", statut=Inscription.Statut.ATTENTE)
    response = chef_client.get(reverse("admin:ateliers_atelier_emargement_xlsx", args=[atelier.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="emargement-atelier-')
    feuille = openpyxl.load_workbook(io.BytesIO(response.content)).active
    valeurs = [cellule for ligne in feuille.iter_rows(values_only=True) for cellule in ligne if cellule]
    assert "Entreprendre au féminin" in valeurs
    assert {"Nom", "Prénom", "Signature", "Benali", "Aïcha"} <= set(valeurs)
    assert "Attente" not in valeurs


def test_the_agglo_role_does_not_see_the_attendance_sheet(agglo_client):
    atelier = AtelierFactory()
    assert agglo_client.get(reverse("admin:ateliers_atelier_emargement", args=[atelier.pk])).status_code == 403
    assert agglo_client.get(reverse("admin:ateliers_atelier_emargement_xlsx", args=[atelier.pk])).status_code == 403


def test_creating_the_person_record_from_a_registration_asks_for_confirmation_then_links_it(chef_client):
    inscription = InscriptionFactory(atelier=AtelierFactory(passe=True), prenom="Aïcha", nom="Benali")
    url = reverse("admin:ateliers_inscription_creer_porteur", args=[inscription.pk])
    assert "Créer une fiche porteur de projet pour" in chef_client.get(url).content.decode()
    assert not Porteur.objects.exists()
    response = chef_client.post(url)
    assert response.url == reverse("admin:ateliers_atelier_change", args=[inscription.atelier_id])
    inscription.refresh_from_db()
    assert inscription.porteur.nom == "Benali"
    assert inscription.porteur.source == Porteur.Source.ATELIER


def test_the_creation_page_flags_a_record_that_may_already_exist(chef_client):
    PorteurFactory(email="deja@example.org", nom="Benali")
    inscription = InscriptionFactory(email="deja@example.org")
    page = chef_client.get(reverse("admin:ateliers_inscription_creer_porteur", args=[inscription.pk]))
    assert "a peut-être déjà une fiche" in page.content.decode()


def test_linking_the_registration_to_the_existing_person_is_one_button(chef_client):
    existant = PorteurFactory(email="deja@example.org", nom="Benali")
    inscription = InscriptionFactory(email="deja@example.org")
    url = reverse("admin:ateliers_inscription_creer_porteur", args=[inscription.pk])
    html = chef_client.get(url).content.decode()
    assert f'name="porteur" value="{existant.pk}"' in html
    assert chef_client.post(url, {"porteur": existant.pk}).status_code == 302
    inscription.refresh_from_db()
    assert inscription.porteur == existant
    assert Porteur.objects.count() == 1


def test_a_registration_cannot_be_linked_to_a_person_who_does_not_match(chef_client):
    autre = PorteurFactory(email="autre@example.org", telephone="06 99 99 99 99")
    inscription = InscriptionFactory(email="deja@example.org")
    url = reverse("admin:ateliers_inscription_creer_porteur", args=[inscription.pk])
    chef_client.post(url, {"porteur": autre.pk})
    inscription.refresh_from_db()
    assert inscription.porteur is None


def test_the_create_records_action_skips_possible_duplicates_and_already_linked_registrations(chef_client):
    atelier = AtelierFactory()
    nouvelle = InscriptionFactory(atelier=atelier)
    PorteurFactory(email="deja@example.org")
    doublon = InscriptionFactory(atelier=atelier, email="deja@example.org")
    liee = InscriptionFactory(atelier=atelier, porteur=PorteurFactory())
    chef_client.post(
        reverse("admin:ateliers_inscription_changelist"),
        {"action": "creer_porteurs", "_selected_action": [nouvelle.pk, doublon.pk, liee.pk]},
    )
    assert Porteur.objects.count() == 3
    nouvelle.refresh_from_db()
    doublon.refresh_from_db()
    assert nouvelle.porteur is not None and doublon.porteur is None


def test_linking_a_registration_to_an_existing_record(chef_client):
    porteur = PorteurFactory()
    inscription = InscriptionFactory()
    response = chef_client.post(
        reverse("admin:ateliers_inscription_change", args=[inscription.pk]),
        {
            "atelier": inscription.atelier_id,
            "prenom": inscription.prenom,
            "nom": inscription.nom,
            "telephone": "",
            "email": inscription.email,
            "statut": inscription.statut,
            "present": "unknown",
            "porteur": porteur.pk,
        },
    )
    assert response.status_code == 302
    inscription.refresh_from_db()
    assert inscription.porteur == porteur


def test_the_cancel_action_promotes_the_waiting_list(chef_client):
    atelier = AtelierFactory(capacite=1)
    confirmee = InscriptionFactory(atelier=atelier)
    attente = InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ATTENTE)
    chef_client.post(
        reverse("admin:ateliers_inscription_changelist"), {"action": "annuler", "_selected_action": [confirmee.pk]}
    )
    attente.refresh_from_db()
    assert attente.statut == Inscription.Statut.CONFIRMEE


def test_adding_seats_in_the_admin_confirms_the_waiting_list(chef_client):
    atelier = AtelierFactory(capacite=1)
    confirmee = InscriptionFactory(atelier=atelier)
    attente = InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ATTENTE)
    atelier.capacite = 2
    response = chef_client.post(
        reverse("admin:ateliers_atelier_change", args=[atelier.pk]),
        atelier_form_data(atelier, [(confirmee, "confirmee"), (attente, "attente")]),
    )
    assert response.status_code == 302
    attente.refresh_from_db()
    assert attente.statut == Inscription.Statut.CONFIRMEE


def test_the_agglo_role_cannot_create_a_person_record(agglo_client):
    inscription = InscriptionFactory()
    url = reverse("admin:ateliers_inscription_creer_porteur", args=[inscription.pk])
    assert agglo_client.post(url).status_code == 403
    assert not Porteur.objects.exists()
