"""Every path that takes a seat does it under the workshop's lock; a lock that does not come is a "réessayez"."""

import pytest
from django.contrib.auth.models import Permission
from django.db import OperationalError
from django.urls import reverse

from ateliers import services
from ateliers.models import Inscription
from porteurs.models import Porteur
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.ateliers.test_admin import atelier_form_data

pytestmark = pytest.mark.django_db


def test_the_admin_counts_the_seats_taken_since_its_form_was_shown(chef_client):
    atelier = AtelierFactory(capacite=2)
    affichee = InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ATTENTE)
    donnees = atelier_form_data(atelier, [(affichee, "confirmee")])  # the page as the chef de projet saw it
    InscriptionFactory.create_batch(2, atelier=atelier)  # two residents registered on the site meanwhile
    response = chef_client.post(reverse("admin:ateliers_atelier_change", args=[atelier.pk]), donnees)
    assert response.status_code == 200
    assert atelier.inscriptions.confirmees().count() == 2
    erreurs = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert "3 inscriptions confirmées pour 2 places" in erreurs[0]


def test_a_registration_added_in_its_own_admin_page_cannot_overbook(chef_client):
    atelier = AtelierFactory(capacite=1)
    InscriptionFactory(atelier=atelier)
    response = chef_client.post(
        reverse("admin:ateliers_inscription_add"),
        {"atelier": atelier.pk, "prenom": "Léa", "nom": "Durand", "email": "lea@example.org", "statut": "confirmee"},
    )
    assert response.status_code == 200
    assert "complet" in response.content.decode()
    assert atelier.inscriptions.confirmees().count() == 1


def test_a_lock_that_does_not_come_is_a_french_try_again(monkeypatch):
    atelier = AtelierFactory()

    def verrou_pris(pk):
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(services, "_verrou", verrou_pris)
    with pytest.raises(services.InscriptionImpossible, match="réessayez"):
        services.inscrire(atelier=atelier, prenom="Léa", nom="Durand", email="lea@example.org")
    assert not Inscription.objects.exists()


def test_the_public_form_answers_try_again_when_the_lock_does_not_come(client, monkeypatch):
    atelier = AtelierFactory()
    monkeypatch.setattr(services, "_verrou", lambda pk: (_ for _ in ()).throw(OperationalError("lock timeout")))
    response = client.post(atelier.get_absolute_url(), {"prenom": "Léa", "nom": "Durand", "email": "lea@example.org"})
    assert response.status_code == 200
    assert "réessayez" in response.content.decode()


def test_creating_person_records_in_bulk_needs_the_right_to_add_people(client, django_user_model):
    utilisateur = django_user_model.objects.create_user("benevole", password="x" * 20, is_staff=True)
    utilisateur.user_permissions.set(
        Permission.objects.filter(codename__in=["view_inscription", "change_inscription"])
    )
    client.force_login(utilisateur)
    inscription = InscriptionFactory()
    liste = client.get(reverse("admin:ateliers_inscription_changelist")).content.decode()
    assert "creer_porteurs" not in liste
    client.post(
        reverse("admin:ateliers_inscription_changelist"),
        {"action": "creer_porteurs", "_selected_action": [inscription.pk]},
    )
    assert not Porteur.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_workshop_locked_by_a_stuck_transaction_gives_try_again_within_the_lock_timeout():
    import threading

    from django.db import connections, transaction

    atelier = AtelierFactory()
    verrouille, relache = threading.Event(), threading.Event()

    def transaction_bloquee():
        try:
            with transaction.atomic():
                services._verrou(atelier.pk)
                verrouille.set()
                relache.wait(timeout=30)
        finally:
            connections.close_all()

    fil = threading.Thread(target=transaction_bloquee)
    fil.start()
    try:
        assert verrouille.wait(timeout=10)
        with pytest.raises(services.ReessayezPlusTard):
            services.inscrire(atelier=atelier, prenom="Léa", nom="Durand", email="lea@example.org")
    finally:
        relache.set()
        fil.join(timeout=30)
    assert not Inscription.objects.exists()
