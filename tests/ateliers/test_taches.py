"""Messages leave through the task queue: in the registration's transaction, once, retried, failures kept in view."""

import datetime
import io
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ateliers import emails, services, taches
from ateliers.models import Inscription
from tests.ateliers.factories import AtelierFactory

pytestmark = pytest.mark.django_db


def _inscrire(atelier, n=1):
    return services.inscrire(atelier=atelier, prenom="Awa", nom=f"Diallo{'-' * n}", email=f"awa{n}@example.org")


def test_a_registration_and_its_message_are_saved_together():
    atelier = AtelierFactory()
    _inscrire(atelier)
    (tache,) = DBTaskResult.objects.all()
    assert tache.task_path.endswith("envoyer_message")
    # Only ids travel through the queue: no name, no address in the task table.
    assert "example.org" not in str(tache.args_kwargs) and "Awa" not in str(tache.args_kwargs)


def test_a_rolled_back_registration_queues_no_message(executer_taches):
    atelier = AtelierFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        _inscrire(atelier)
        raise RuntimeError("la page a échoué après l'inscription")
    assert not Inscription.objects.exists() and not DBTaskResult.objects.exists()
    executer_taches()
    assert mail.outbox == []


def test_each_message_is_sent_once_even_when_the_worker_runs_again(executer_taches):
    atelier = AtelierFactory()
    _inscrire(atelier, 1)
    _inscrire(atelier, 2)
    executer_taches()
    executer_taches()
    assert sorted(m.to[0] for m in mail.outbox) == ["awa1@example.org", "awa2@example.org"]


def test_a_failed_send_is_retried_later_with_a_growing_delay(executer_taches, monkeypatch):
    atelier = AtelierFactory()
    inscription = _inscrire(atelier)

    def panne(_):
        raise smtplib.SMTPServerDisconnected("serveur de courrier injoignable")

    monkeypatch.setitem(taches.ENVOIS, "confirmation", panne)
    executer_taches()
    assert mail.outbox == []
    suivante = DBTaskResult.objects.ready().get() if DBTaskResult.objects.ready().exists() else None
    assert suivante is None  # not before its time…
    prevue = DBTaskResult.objects.exclude(status="SUCCESSFUL").get()
    assert prevue.args_kwargs["args"] == [inscription.pk, "confirmation", 2]
    assert prevue.run_after > timezone.now() + datetime.timedelta(minutes=1)
    # …and once the mail server answers again, at its time, it goes.
    monkeypatch.setitem(taches.ENVOIS, "confirmation", emails.envoyer_confirmation)
    DBTaskResult.objects.filter(pk=prevue.pk).update(run_after=timezone.now())
    executer_taches()
    assert [m.to for m in mail.outbox] == [["awa1@example.org"]]


def test_after_the_last_attempt_the_failure_stays_listed_for_the_administrator(executer_taches, monkeypatch):
    inscription = _inscrire(AtelierFactory())
    DBTaskResult.objects.all().delete()

    def panne(_):
        raise smtplib.SMTPServerDisconnected("toujours injoignable")

    monkeypatch.setitem(taches.ENVOIS, "confirmation", panne)
    taches.envoyer_message.enqueue(inscription.pk, "confirmation", taches.TENTATIVES)
    executer_taches()
    (echec,) = DBTaskResult.objects.filter(status="FAILED")
    assert "SMTPServerDisconnected" in echec.exception_class_path


def test_the_task_results_are_listed_in_the_admin(admin_client_):
    _inscrire(AtelierFactory())
    assert admin_client_.get("/admin/django_tasks_database/dbtaskresult/").status_code == 200


def test_a_deleted_registration_sends_nothing(executer_taches):
    inscription = _inscrire(AtelierFactory())
    Inscription.objects.filter(pk=inscription.pk).delete()
    executer_taches()
    assert mail.outbox == []
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_reminders_queued_by_the_hourly_command_are_sent_by_the_worker(executer_taches):
    demain = timezone.localdate() + datetime.timedelta(days=1)
    debut = timezone.make_aware(datetime.datetime.combine(demain, datetime.time(9)))
    atelier = AtelierFactory(debut=debut, fin=debut + datetime.timedelta(hours=2))
    _inscrire(atelier)
    executer_taches()
    mail.outbox.clear()
    call_command("send_workshop_reminders", stdout=io.StringIO())
    assert mail.outbox == []
    executer_taches()
    assert [m.subject for m in mail.outbox] == [f"Rappel : {atelier.titre} demain"]
