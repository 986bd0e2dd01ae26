"""The chef de projet's working day: find a person, log a follow-up on top of their page, no duplicate by accident."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from porteurs import services
from porteurs.doublons import doublons_possibles
from porteurs.models import Etape, Porteur, Suivi
from tests.porteurs.admin_helpers import form_data
from tests.porteurs.factories import PorteurFactory, SuiviFactory

pytestmark = pytest.mark.django_db

RECHERCHE = reverse("admin:porteurs_porteur_recherche")


def change_url(porteur):
    return reverse("admin:porteurs_porteur_change", args=[porteur.pk])


# Likely duplicates


def test_the_same_names_written_without_accents_or_case_are_a_likely_duplicate():
    existant = PorteurFactory(prenom="Élodie", nom="Dupré-Martin")
    trouves = doublons_possibles(prenom="elodie", nom="DUPRE MARTIN")
    assert [d.porteur for d in trouves] == [existant]
    assert "mêmes nom et prénom" in trouves[0].pourquoi


def test_the_same_phone_typed_another_way_is_a_likely_duplicate():
    existant = PorteurFactory(prenom="Karim", nom="Benali", telephone="06 07 44 82 97")
    assert [d.porteur for d in doublons_possibles(prenom="K", nom="B", telephone="+33607448297")] == [existant]


def test_the_same_names_with_different_birth_dates_are_two_people():
    PorteurFactory(prenom="Marie", nom="Martin", date_naissance=datetime.date(1980, 1, 1), telephone="06 11 11 11 11")
    assert doublons_possibles(prenom="Marie", nom="Martin", date_naissance=datetime.date(1995, 5, 5)) == []


def test_anonymised_people_never_match():
    PorteurFactory(prenom="Paul", nom="Roux", anonymise_le=timezone.now())
    assert doublons_possibles(prenom="Paul", nom="Roux") == []


def test_finding_duplicates_takes_one_query_whatever_the_number_of_people(django_assert_num_queries):
    PorteurFactory.create_batch(30, nom="Garcia")
    with django_assert_num_queries(1):
        doublons_possibles(prenom="Ana", nom="Garcia", telephone="06 12 34 56 78", email="a@example.org")


# The walk-in service


def test_a_walk_in_is_the_person_and_their_first_follow_up_together(chef):
    porteur, suivi = services.accueillir(
        auteur=chef,
        porteur={"prenom": "Inès", "nom": "Haddad", "telephone": "0612345678"},
        suivi={"date": timezone.localdate(), "notes": "Idée de food-truck.", "duree_minutes": 45},
    )
    assert suivi.porteur == porteur and suivi.auteur == chef
    assert porteur.changements_etape.count() == 1


def test_a_refused_follow_up_leaves_no_person_behind(chef):
    with pytest.raises(Exception):  # noqa: B017  (the validation error of the follow-up's duration)
        services.accueillir(
            auteur=chef,
            porteur={"prenom": "Inès", "nom": "Haddad", "telephone": "0612345678"},
            suivi={"date": timezone.localdate(), "duree_minutes": 5000},
        )
    assert not Porteur.objects.exists() and not Suivi.objects.exists()


# Search from the dashboard


def test_the_dashboard_offers_the_search_box_and_the_day_page(chef_client):
    html = chef_client.get(reverse("admin:index")).content.decode()
    assert 'action="' + RECHERCHE + '"' in html
    assert reverse("aujourdhui") in html


def test_a_name_typed_without_accents_opens_the_only_match(chef_client):
    porteur = PorteurFactory(prenom="Élodie", nom="Dupré")
    PorteurFactory(prenom="Jean", nom="Valjean")
    response = chef_client.post(RECHERCHE, {"q": "elodie dupre"})
    assert response.status_code == 302 and response.url == change_url(porteur)


def test_a_phone_in_any_format_finds_the_person(chef_client):
    porteur = PorteurFactory(telephone="06 07 44 82 97")
    response = chef_client.post(RECHERCHE, {"q": "06.07.44.82.97"})
    assert response.url == change_url(porteur)


def test_several_matches_are_listed_with_a_constant_number_of_queries(chef_client):
    def compte(n):
        Porteur.objects.all().delete()
        PorteurFactory.create_batch(n, nom="Lefebvre")
        with CaptureQueriesContext(connection) as ctx:
            response = chef_client.post(RECHERCHE, {"q": "lefebvre"})
        assert response.status_code == 200 and len(response.context["resultats"]) == n
        return len(ctx)

    assert compte(2) == compte(15)


def test_the_agglo_cannot_search_people(agglo_client):
    assert agglo_client.post(RECHERCHE, {"q": "a"}).status_code == 403


# The person's page


def test_the_page_opens_on_a_new_follow_up_with_todays_date_and_past_ones_read_only(chef_client):
    porteur = PorteurFactory()
    SuiviFactory.create_batch(8, porteur=porteur, date=datetime.date(2024, 3, 1))
    response = chef_client.get(change_url(porteur))
    html = response.content.decode()
    assert html.index("Nouveau suivi") < html.index("Suivis précédents") < html.index("La personne")
    assert response.context["adminform"].form["suivi_date"].value() == timezone.localdate()
    assert len(response.context["suivis_recents"]) == 5 and len(response.context["suivis_replies"]) == 3
    assert 'name="suivis-0-notes"' not in html  # an old follow-up is never an editable form here


def test_person_page_queries_are_the_same_for_6_and_50_follow_ups(chef_client):
    def compte(n):
        porteur = PorteurFactory()
        SuiviFactory.create_batch(n, porteur=porteur, date=datetime.date(2024, 3, 1))
        with CaptureQueriesContext(connection) as ctx:
            assert chef_client.get(change_url(porteur)).status_code == 200
        return len(ctx)

    assert compte(6) == compte(50)


def test_a_follow_up_and_a_stage_change_are_saved_by_one_button(chef_client, chef):
    porteur = PorteurFactory(etape=Etape.EMERGENCE)
    data = form_data(chef_client.get(change_url(porteur)), "porteur_form")
    data.update({"suivi_notes": "Dossier ADIE lancé.", "etape": Etape.CREATION, "_suivi": "Enregistrer le suivi"})
    response = chef_client.post(change_url(porteur), data)
    assert response.status_code == 302 and response.url == change_url(porteur)
    suivi = Suivi.objects.get(porteur=porteur)
    porteur.refresh_from_db()
    assert suivi.auteur == chef and suivi.date == timezone.localdate()
    assert porteur.etape == Etape.CREATION
    assert porteur.changements_etape.get().date == suivi.date


def test_saving_the_person_alone_logs_no_follow_up(chef_client):
    porteur = PorteurFactory()
    data = form_data(chef_client.get(change_url(porteur)), "porteur_form")
    data["idee"] = "Une épicerie solidaire."
    assert chef_client.post(change_url(porteur), data).status_code == 302
    assert not Suivi.objects.exists()


def test_adding_a_person_who_looks_known_offers_to_open_the_existing_record(chef_client):
    existant = PorteurFactory(prenom="Élodie", nom="Dupré", telephone="06 07 44 82 97")
    add = reverse("admin:porteurs_porteur_add")
    data = form_data(chef_client.get(add), "porteur_form")
    data.update({"prenom": "ELODIE", "nom": "dupre", "telephone": "0607448297"})
    response = chef_client.post(add, data)
    assert response.status_code == 200 and Porteur.objects.count() == 1
    assert f'href="{change_url(existant)}"' in response.content.decode()
    data["creer_malgre_doublon"] = "on"
    assert chef_client.post(add, data).status_code == 302
    assert Porteur.objects.count() == 2


# Aujourd'hui


def test_the_day_page_is_the_chef_de_projets(chef_client):
    assert chef_client.get(reverse("aujourdhui")).status_code == 200


def test_the_agglo_does_not_see_the_day_page_and_its_names(agglo_client):
    assert agglo_client.get(reverse("aujourdhui")).status_code == 403


def test_the_day_page_lists_the_people_to_call_back(chef_client):
    PorteurFactory(prenom="Yasmine", nom="Ferhat", relance_le=timezone.localdate())
    assert "Yasmine Ferhat" in chef_client.get(reverse("aujourdhui")).content.decode()


def test_a_walk_in_is_saved_from_the_day_page_in_one_form(chef_client):
    data = form_data(chef_client.get(reverse("aujourdhui")), "accueil-form")
    data.update({"prenom": "Inès", "nom": "Haddad", "telephone": "0612345678", "suivi_notes": "Food-truck."})
    response = chef_client.post(reverse("aujourdhui"), data)
    assert response.status_code == 302
    porteur = Porteur.objects.get()
    assert porteur.source == Porteur.Source.PERMANENCE
    assert porteur.suivis.get().notes == "Food-truck."


def test_a_walk_in_who_looks_known_is_not_created_twice(chef_client):
    existant = PorteurFactory(prenom="Inès", nom="Haddad")
    data = form_data(chef_client.get(reverse("aujourdhui")), "accueil-form")
    data.update({"prenom": "ines", "nom": "HADDAD", "telephone": "0612345678"})
    response = chef_client.post(reverse("aujourdhui"), data)
    assert response.status_code == 200 and Porteur.objects.count() == 1 and not Suivi.objects.exists()
    assert f'href="{change_url(existant)}"' in response.content.decode()


def test_a_follow_up_of_today_stays_editable_on_the_person_page(chef_client):
    porteur = PorteurFactory()
    du_jour = SuiviFactory(porteur=porteur, date=timezone.localdate(), notes="Premier échange.")
    data = form_data(chef_client.get(change_url(porteur)), "porteur_form")
    assert data["suivis-0-id"] == str(du_jour.pk)
    data["suivis-0-notes"] = "Premier échange, corrigé."
    assert chef_client.post(change_url(porteur), data).status_code == 302
    du_jour.refresh_from_db()
    assert du_jour.notes == "Premier échange, corrigé."


def test_a_contact_form_duplicate_is_never_revealed_but_linked_on_the_staff_side(client, chef, seeded):
    from permanences.models import Quartier

    existant = PorteurFactory(
        prenom="Amina", nom="Benali", telephone="06 12 34 56 78", date_premier_contact=datetime.date(2020, 1, 1)
    )
    donnees = {
        "prenom": "AMINA",
        "nom": "benali",
        "telephone": "",
        "email": "amina@example.org",
        "quartier": str(Quartier.objects.first().pk),
        "idee": "Une épicerie.",
        "consentement": "on",
        "site_web": "",
    }
    reponse = client.post("/contact/", donnees)
    assert reponse.status_code == 302 and reponse.url == reverse("porteurs:merci")
    nouveau = Porteur.objects.exclude(pk=existant.pk).get()
    client.force_login(chef)
    html = client.get(change_url(nouveau)).content.decode()
    assert "Fiche semblable" in html and f'href="{change_url(existant)}"' in html


def test_the_day_page_lists_todays_workshop_registrants_with_constant_queries(chef_client):
    from tests.ateliers.factories import AtelierFactory, InscriptionFactory

    debut = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(23, 0)))
    atelier = AtelierFactory(debut=debut, fin=debut + datetime.timedelta(minutes=50))

    def compte(n):
        for _ in range(n):
            InscriptionFactory(atelier=atelier)
        with CaptureQueriesContext(connection) as ctx:
            response = chef_client.get(reverse("aujourdhui"))
        return len(ctx), response

    peu, _ = compte(1)
    beaucoup, response = compte(10)
    assert peu == beaucoup
    html = response.content.decode()
    assert atelier.titre in html and html.count("Créer ou lier la fiche") == 11


def test_the_agglos_dashboard_offers_neither_the_search_nor_the_day_page(agglo_client):
    html = agglo_client.get(reverse("admin:index")).content.decode()
    assert RECHERCHE not in html and reverse("aujourdhui") not in html


def test_the_day_page_lists_todays_appointments_and_not_the_cancelled_ones(chef_client):
    from rendezvous.models import RendezVous
    from tests.rendezvous.factories import RendezVousFactory

    aujourdhui = timezone.localdate()
    RendezVousFactory(prenom="Nadia", nom="Benali", date=aujourdhui)
    RendezVousFactory(prenom="Paul", nom="Annulé", date=aujourdhui, statut=RendezVous.Statut.ANNULE)
    RendezVousFactory(prenom="Luc", nom="Demain", date=aujourdhui + datetime.timedelta(days=1))
    page = chef_client.get(reverse("aujourdhui")).content.decode()
    assert "Rendez-vous du jour" in page
    assert "Nadia Benali" in page
    assert "Paul Annulé" not in page
    assert "Luc Demain" not in page
