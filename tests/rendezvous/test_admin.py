import datetime

import pytest
from django.urls import reverse

from rendezvous.models import RendezVous
from tests.rendezvous.factories import PermanenceRdvFactory, RendezVousFactory

pytestmark = pytest.mark.django_db


def test_the_chef_de_projet_lists_a_day_and_marks_who_came(chef_client, django_assert_max_num_queries):
    permanence = PermanenceRdvFactory()
    venue = RendezVousFactory(permanence=permanence, nom="Exemple")
    absente = RendezVousFactory(
        permanence=permanence, date=venue.date, debut=datetime.time(9, 30), fin=datetime.time(10), nom="Absente"
    )
    url = reverse("admin:rendezvous_rendezvous_changelist")
    with django_assert_max_num_queries(12):
        page = chef_client.get(
            f"{url}?date__day={venue.date.day}&date__month={venue.date.month}&date__year={venue.date.year}"
        )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Exemple" in html and "Absente" in html and permanence.lieu.nom in html
    chef_client.post(url, {"action": "marquer_honores", "_selected_action": [venue.pk]})
    chef_client.post(url, {"action": "marquer_manques", "_selected_action": [absente.pk]})
    assert RendezVous.objects.get(pk=venue.pk).statut == RendezVous.Statut.HONORE
    assert RendezVous.objects.get(pk=absente.pk).statut == RendezVous.Statut.MANQUE


def test_the_permanence_admin_sets_appointments_and_refuses_more_than_fit(chef_client):
    permanence = PermanenceRdvFactory(prend_rdv=False)
    url = reverse("admin:permanences_permanence_change", args=[permanence.pk])
    donnees = {
        "type": "accueil",
        "jour": permanence.jour,
        "debut": "09:00",
        "fin": "10:00",
        "lieu": permanence.lieu.pk,
        "valide_du": "2018-03-08",
        "prend_rdv": "on",
        "duree_rdv": "30",
        "nb_rdv": "3",
    }
    response = chef_client.post(url, donnees)
    assert response.status_code == 200
    assert "ne tiennent pas dans une permanence de 60 minutes" in response.content.decode()
    response = chef_client.post(url, {**donnees, "nb_rdv": "2"})
    assert response.status_code == 302
    permanence.refresh_from_db()
    assert (permanence.prend_rdv, permanence.nb_rdv) == (True, 2)
