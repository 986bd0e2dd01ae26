import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from ateliers.models import Inscription
from tests.ateliers.factories import AtelierFactory, InscriptionFactory

pytestmark = pytest.mark.django_db


def in_days(jours, heure=9):
    jour = timezone.localdate() + datetime.timedelta(days=jours)
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure)))


@pytest.fixture
def send_reminders(executer_taches):
    """The hourly command queues the reminders; the worker sends them."""

    def envoyer():
        sortie = io.StringIO()
        call_command("send_workshop_reminders", stdout=sortie)
        executer_taches()
        return sortie.getvalue()

    return envoyer


def test_the_reminder_goes_out_the_day_before_to_each_confirmed_registrant(send_reminders):
    atelier = AtelierFactory(titre="Atelier Émergence", debut=in_days(1))
    inscrits = InscriptionFactory.create_batch(3, atelier=atelier)
    assert "3 rappel(s) mis en file d'envoi" in send_reminders()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in inscrits)
    assert mail.outbox[0].subject == "Rappel : Atelier Émergence demain"
    assert "/annuler/" in mail.outbox[0].body
    assert all(i.rappel_envoye_le for i in Inscription.objects.all())


def test_running_the_command_every_hour_sends_each_reminder_only_once(send_reminders):
    InscriptionFactory.create_batch(2, atelier=AtelierFactory(debut=in_days(1)))
    send_reminders()
    send_reminders()
    send_reminders()
    assert len(mail.outbox) == 2


def test_no_reminder_for_the_waiting_list_the_cancelled_or_without_email(send_reminders):
    atelier = AtelierFactory(debut=in_days(1))
    InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ATTENTE)
    InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ANNULEE)
    InscriptionFactory(atelier=atelier, email="", telephone="06 12 34 56 78")
    send_reminders()
    assert mail.outbox == []


def test_no_reminder_for_workshops_today_or_the_day_after_tomorrow(send_reminders):
    InscriptionFactory(atelier=AtelierFactory(debut=in_days(0, heure=23)))
    InscriptionFactory(atelier=AtelierFactory(debut=in_days(2, heure=0)))
    send_reminders()
    assert mail.outbox == []


def test_a_registration_already_claimed_by_another_run_is_not_sent_twice(monkeypatch, send_reminders):
    """Between the SELECT and the UPDATE, another cron stamps the row: the conditional UPDATE loses, no mail."""
    inscription = InscriptionFactory(atelier=AtelierFactory(debut=in_days(1)))
    selection = Inscription.objects.rappels_a_envoyer(timezone.localdate() + datetime.timedelta(days=1))
    candidats = list(selection)
    Inscription.objects.filter(pk=inscription.pk).update(rappel_envoye_le=timezone.now())
    monkeypatch.setattr(type(Inscription.objects), "rappels_a_envoyer", lambda self, jour: _Liste(candidats))
    send_reminders()
    assert mail.outbox == []


class _Liste(list):
    def values_list(self, *args, **kwargs):
        return [inscription.pk for inscription in self]
