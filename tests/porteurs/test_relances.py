"""The person's call-back date is their latest follow-up's: deleting or editing a follow-up recomputes it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from porteurs.models import Porteur
from tests.porteurs.admin_helpers import form_data
from tests.porteurs.factories import PorteurFactory, SuiviFactory

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()
A, B = AUJOURD_HUI + datetime.timedelta(days=3), AUJOURD_HUI + datetime.timedelta(days=10)


def _suivie():
    porteur = PorteurFactory(relance_le=B)
    ancien = SuiviFactory(porteur=porteur, date=AUJOURD_HUI - datetime.timedelta(days=20), relance_le=A)
    recent = SuiviFactory(porteur=porteur, date=AUJOURD_HUI - datetime.timedelta(days=2), relance_le=B)
    return porteur, ancien, recent


def _relance(porteur):
    return Porteur.objects.values_list("relance_le", flat=True).get(pk=porteur.pk)


def test_deleting_the_latest_follow_up_gives_back_the_previous_call_back(chef_client):
    porteur, _, recent = _suivie()
    reponse = chef_client.post(reverse("admin:porteurs_suivi_delete", args=[recent.pk]), {"post": "yes"})
    assert reponse.status_code == 302
    assert _relance(porteur) == A


def test_deleting_every_follow_up_closes_the_call_back(chef_client):
    porteur, ancien, recent = _suivie()
    chef_client.post(
        reverse("admin:porteurs_suivi_changelist"),
        {"action": "delete_selected", "_selected_action": [ancien.pk, recent.pk], "post": "yes"},
    )
    assert _relance(porteur) is None


def test_editing_an_older_follow_up_does_not_override_the_latest_call_back(chef_client):
    porteur, ancien, _ = _suivie()
    url = reverse("admin:porteurs_suivi_change", args=[ancien.pk])
    donnees = form_data(chef_client.get(url), "suivi_form")
    donnees["relance_le"] = (AUJOURD_HUI + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    assert chef_client.post(url, donnees).status_code == 302
    assert _relance(porteur) == B


def test_deleting_a_follow_up_on_the_person_s_page_recomputes_the_call_back(chef_client):
    porteur, _, recent = _suivie()
    # Only today's follow-ups are editable on the person's page; older ones on their own page.
    type(recent).objects.filter(pk=recent.pk).update(date=AUJOURD_HUI)
    url = reverse("admin:porteurs_porteur_change", args=[porteur.pk])
    donnees = form_data(chef_client.get(url), "porteur_form")
    # The inline lists the newest first: find the row of the recent follow-up and tick its deletion box.
    rang = next(
        k.split("-")[1]
        for k, v in donnees.items()
        if k.startswith("suivis-") and k.endswith("-id") and v == str(recent.pk)
    )
    donnees[f"suivis-{rang}-DELETE"] = "on"
    reponse = chef_client.post(url, donnees)
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    assert _relance(porteur) == A
