"""Personal data leaves no copy behind: history tables, the admin log and a deleted person's traces."""

import datetime
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ateliers.models import Inscription
from porteurs import rgpd
from porteurs.models import Porteur, Suivi
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.porteurs.factories import PorteurFactory, SuiviFactory

pytestmark = pytest.mark.django_db

NOM, TELEPHONE, NOTES = "Zébulon", "06 11 22 33 44", "Notes confidentielles sur sa santé"
LONG_AGO = timezone.localdate() - datetime.timedelta(days=3 * 365)


def _personne_suivie(chef_client):
    """A person entered and edited through the admin, so history rows and admin log entries exist."""
    porteur = PorteurFactory(nom=NOM, telephone=TELEPHONE, date_naissance=datetime.date(1985, 8, 23))
    SuiviFactory(porteur=porteur, notes=NOTES)
    url = reverse("admin:porteurs_porteur_change", args=[porteur.pk])
    page = chef_client.get(url)
    assert page.status_code == 200
    porteur.idee = "Une idée précise"
    porteur.save()
    LogEntry.objects.log_actions(
        user_id=page.wsgi_request.user.pk, queryset=[porteur], action_flag=2, change_message="Modifié."
    )
    return porteur


def _traces(porteur_pk):
    historique = list(Porteur.history.filter(id=porteur_pk).values_list("nom", "telephone", "date_naissance"))
    notes = list(Suivi.history.filter(porteur_id=porteur_pk).values_list("notes", flat=True))
    journal = list(LogEntry.objects.filter(object_repr__contains=NOM).values_list("object_repr", flat=True))
    return historique, notes, journal


def test_deleting_a_person_in_the_admin_leaves_no_name_notes_or_phone_anywhere(chef_client):
    porteur = _personne_suivie(chef_client)
    response = chef_client.post(reverse("admin:porteurs_porteur_delete", args=[porteur.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Porteur.objects.filter(pk=porteur.pk).exists()
    historique, notes, journal = _traces(porteur.pk)
    assert not [h for h in historique if NOM in h or TELEPHONE in h]
    assert NOTES not in notes
    assert journal == []
    chef_client.get(reverse("admin:index"))  # shows, once, the confirmation of the deletion to who made it
    assert NOM not in chef_client.get(reverse("admin:index")).content.decode()  # "Actions récentes"


def test_deleting_people_with_the_bulk_action_leaves_no_history_either(chef_client):
    porteur = _personne_suivie(chef_client)
    chef_client.post(
        reverse("admin:porteurs_porteur_changelist"),
        {"action": "delete_selected", "_selected_action": [porteur.pk], "post": "yes"},
    )
    assert not Porteur.objects.filter(pk=porteur.pk).exists()
    historique, notes, journal = _traces(porteur.pk)
    assert not [h for h in historique if NOM in h] and NOTES not in notes and journal == []


def test_erasure_keeps_only_the_year_of_birth_in_the_history_too(chef_client):
    porteur = _personne_suivie(chef_client)
    rgpd.anonymiser([porteur.pk])
    historique, notes, journal = _traces(porteur.pk)
    assert {h[2] for h in historique} == {datetime.date(1985, 1, 1)}
    assert not [h for h in historique if NOM in h or TELEPHONE in h]
    assert NOTES not in notes and journal == []


def test_the_purge_erases_the_history_of_people_deleted_before_this_rule_existed():
    porteur = PorteurFactory(nom=NOM, telephone=TELEPHONE)
    SuiviFactory(porteur=porteur, notes=NOTES)
    # Deleted behind the ORM's back, as an older release did: the history rows stay without their person.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM porteurs_changementetape WHERE porteur_id = %s", [porteur.pk])
        cursor.execute("DELETE FROM porteurs_suivi WHERE porteur_id = %s", [porteur.pk])
        cursor.execute("DELETE FROM porteurs_porteur WHERE id = %s", [porteur.pk])
    assert _traces(porteur.pk)[0]
    call_command("purge_personal_data", stdout=io.StringIO())
    historique, notes, _ = _traces(porteur.pk)
    assert not [h for h in historique if NOM in h or TELEPHONE in h] and NOTES not in notes


def test_the_dry_run_announces_exactly_what_the_purge_then_does():
    atelier = AtelierFactory(
        debut=timezone.now() - datetime.timedelta(days=3 * 365), fin=timezone.now() - datetime.timedelta(days=1094)
    )
    for _ in range(3):
        porteur = PorteurFactory(date_premier_contact=LONG_AGO)
        InscriptionFactory(atelier=atelier, porteur=porteur)
    InscriptionFactory(atelier=atelier)  # a registration of someone who never became a person's record
    simulation, execution = io.StringIO(), io.StringIO()
    call_command("purge_personal_data", dry_run=True, stdout=simulation)
    assert Inscription.objects.exclude(prenom="Anonyme").count() == 4  # nothing changed
    call_command("purge_personal_data", stdout=execution)
    annonce = simulation.getvalue().removeprefix("Simulation : ").split(" seraient")[0]
    assert annonce == execution.getvalue().split(" anonymisé")[0]
    assert "3 porteur(s)" in annonce and "1 inscription(s)" in annonce
