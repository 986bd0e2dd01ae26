import logging

import pytest
from django.urls import reverse

from tests.porteurs.factories import PorteurFactory


@pytest.mark.django_db
def test_logins_and_failures_are_logged_by_username_without_the_password(client, chef, caplog):
    caplog.set_level(logging.INFO, logger="citeslab.audit")
    client.post(reverse("admin:login"), {"username": "chef", "password": "mauvais-mot-de-passe-123"})
    client.post(reverse("admin:login"), {"username": "chef", "password": "mot-de-passe-de-test-long"})
    messages = [r.getMessage() for r in caplog.records if r.name == "citeslab.audit"]
    assert any(m.startswith("connexion échouée : compte=chef") for m in messages)
    assert any(m.startswith("connexion réussie : compte=chef") for m in messages)
    assert not any("mauvais-mot-de-passe" in m or "mot-de-passe-de-test" in m for m in messages)


@pytest.mark.django_db
def test_changes_to_a_person_are_kept_with_who_made_them(chef):
    porteur = PorteurFactory(nom="Martin")
    porteur._history_user = chef
    porteur.nom = "Martin-Durand"
    porteur.save()
    assert [h.nom for h in porteur.history.all()] == ["Martin-Durand", "Martin"]
    assert porteur.history.first().history_user == chef
