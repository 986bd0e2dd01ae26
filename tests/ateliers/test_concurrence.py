"""Real threads against PostgreSQL: the registration service never overbooks, the reminder never goes twice.

Measured on the development machine (2 cores, PostgreSQL 127.0.0.1), 30 concurrent registrations for
10 seats, 5 repetitions each:
- with the lock (the service as written):            confirmed = 10, 10, 10, 10, 10 — waiting list 20 every time;
- without it (lock removed, 50 ms between count and insert): confirmed = 30, 30, 30, 28, 30; 30 ×5;
  29, 30, 30, 30, 25 — every run overbooks, by up to 20 people.
- SQLite file, same code (no row lock; BEGIN IMMEDIATE queues writers), 30 threads for 10 seats:
  10 confirmed / 20 waiting / 0 errors in 3 of 3 runs (and 5 of 5 by hand, even with the 50 ms pause).
  The in-memory test database cannot show it (shared-cache table locks fail instead of waiting),
  hence the subprocess on a file below.
The numbers of each run are printed (pytest -s) so anyone can re-measure.
"""

import datetime
import io
import json
import os
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from ateliers import services
from ateliers.models import Atelier, Inscription
from tests.ateliers.factories import AtelierFactory, InscriptionFactory


def on_postgres(test):
    marques = [
        pytest.mark.postgres,
        pytest.mark.django_db(transaction=True),
    ]
    for marque in marques:
        test = marque(test)
    return test


def worker(i):
    """One `manage.py db_worker --batch`, without its signal handlers (they need the main thread)."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"essai-{i}",
        excluded_queue_names=[],
    ).run()


REPETITIONS = 5
PERSONNES = 30
PLACES = 10


def in_parallel(fonction, nombre):
    """Run `fonction(i)` in `nombre` threads released together; each thread closes its own connection."""
    barriere = threading.Barrier(nombre)
    erreurs = []

    def lancer(i):
        try:
            barriere.wait(timeout=30)
            fonction(i)
        except Exception as exc:  # collected and asserted in the main thread
            erreurs.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=lancer, args=(i,)) for i in range(nombre)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not erreurs, erreurs


def race(atelier):
    def inscrire(i):
        services.inscrire(atelier=atelier, prenom="Camille", nom=f"Concurrente {i}", email=f"course{i}@example.org")

    in_parallel(inscrire, PERSONNES)
    return atelier.inscriptions.confirmees().count(), atelier.inscriptions.en_attente().count()


@pytest.fixture
def without_the_lock(monkeypatch):
    """The service as it would be without the lock, with a pause that widens the count-then-insert window."""
    monkeypatch.setattr(services, "_atelier_verrouille", lambda pk: Atelier.objects.get(pk=pk))
    compter = services._nb_confirmees

    def compter_puis_attendre(atelier):
        nombre = compter(atelier)
        time.sleep(0.05)
        return nombre

    monkeypatch.setattr(services, "_nb_confirmees", compter_puis_attendre)


@on_postgres
def test_30_simultaneous_registrations_for_10_seats_confirm_exactly_10_every_time():
    resultats = []
    for _ in range(REPETITIONS):
        atelier = AtelierFactory(capacite=PLACES)
        resultats.append(race(atelier))
    print(f"\navec verrou (confirmées, en attente) : {resultats}")
    assert resultats == [(PLACES, PERSONNES - PLACES)] * REPETITIONS


@on_postgres
@pytest.mark.usefixtures("without_the_lock")
def test_without_the_lock_the_same_registrations_overbook():
    """The proof that the lock is what makes the test above pass."""
    resultats = []
    for _ in range(REPETITIONS):
        atelier = AtelierFactory(capacite=PLACES)
        resultats.append(race(atelier))
    print(f"\nsans verrou (confirmées, en attente) : {resultats}")
    assert any(confirmees > PLACES for confirmees, _ in resultats)


@on_postgres
def test_simultaneous_cancellations_never_promote_beyond_capacity():
    atelier = AtelierFactory(capacite=PLACES)
    confirmees = InscriptionFactory.create_batch(PLACES, atelier=atelier)
    InscriptionFactory.create_batch(PLACES, atelier=atelier, statut=Inscription.Statut.ATTENTE)
    a_annuler = confirmees[:5]

    in_parallel(lambda i: services.annuler(inscription=a_annuler[i]), len(a_annuler))

    assert atelier.inscriptions.confirmees().count() == PLACES
    assert atelier.inscriptions.en_attente().count() == PLACES - 5


@on_postgres
def test_four_simultaneous_reminder_runs_send_each_reminder_only_once():
    demain = timezone.localtime() + datetime.timedelta(days=1)
    atelier = AtelierFactory(debut=demain.replace(hour=14, minute=0, second=0, microsecond=0))
    InscriptionFactory.create_batch(8, atelier=atelier)

    in_parallel(lambda i: call_command("send_workshop_reminders", stdout=io.StringIO()), 4)
    in_parallel(worker, 3)

    assert len(mail.outbox) == 8
    assert sorted(m.to[0] for m in mail.outbox) == sorted(atelier.inscriptions.values_list("email", flat=True))


@on_postgres
def test_three_workers_at_once_send_each_queued_message_once():
    atelier = AtelierFactory(capacite=40)
    for i in range(30):
        services.inscrire(atelier=atelier, prenom="Camille", nom=f"Abonnée {i}", email=f"file{i}@example.org")

    in_parallel(worker, 3)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"file{i}@example.org" for i in range(30))


def test_on_an_sqlite_file_30_simultaneous_registrations_also_confirm_exactly_10(tmp_path):
    """SQLite has no row lock: BEGIN IMMEDIATE (settings) makes writers queue, and the same code holds."""
    if connection.vendor != "sqlite":
        pytest.skip("Suite lancée sur PostgreSQL : la concurrence y est testée par les tests ci-dessus.")
    environnement = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'course.sqlite3'}",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    sortie = subprocess.run(
        [sys.executable, "-m", "tests.ateliers.course_sqlite", "3"],
        env=environnement,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    resultats = json.loads(sortie.stdout.strip().splitlines()[-1])
    print(f"\nSQLite fichier (confirmées, en attente, erreurs) : {resultats}")
    assert resultats == [[PLACES, PERSONNES - PLACES, 0]] * 3
