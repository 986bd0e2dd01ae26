"""Real threads: 30 residents press "Réserver" on the same time at once; exactly one gets it.

Measured on the development machine (2 cores shared by several engineers, PostgreSQL 127.0.0.1), pytest -s:
- 30 threads for one time, with the lock: (booked, refused, other errors) = (1, 29, 0) in 5 of 5 runs;
- the lock removed, 50 ms between the checks and the insert: (1, 29, 0) too — the unique constraint holds the time;
- a day limit of 3 with 2 taken and two free times (the length changed after bookings), 30 threads on the two:
  with the lock 3, 3, 3, 3, 3 booked; without it 4, 4, 4, 4, 4 — the lock is what keeps the day's limit;
- SQLite file (BEGIN IMMEDIATE, no row lock), 30 threads for one time: [1, 29, 0] in 3 of 3 runs.
"""

import datetime
import io
import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from permanences.models import Permanence
from porteurs.models import Porteur
from rendezvous import services
from rendezvous.models import RendezVous
from tests.ateliers.test_concurrence import in_parallel, on_postgres, worker
from tests.rendezvous.factories import PermanenceRdvFactory, jour_ouvert

PERSONNES = 30
REPETITIONS = 5
NEUF = datetime.time(9)


def course(permanence):
    """30 bookings of 9 h at once: (rows booked, refusals in French, other errors)."""
    refus, autres = [], []

    def reserver(i):
        try:
            services.reserver(
                permanence=permanence,
                date=jour_ouvert(),
                debut=NEUF,
                prenom="Camille",
                nom=f"Concurrente {i}",
                telephone=f"06 12 34 56 {i:02d}",
            )
        except services.HoraireIndisponible:
            refus.append(i)
        except Exception as exc:  # counted, and the test shows them
            autres.append(exc)

    in_parallel(reserver, PERSONNES)
    return RendezVous.objects.filter(permanence=permanence).count(), len(refus), autres


@on_postgres
def test_30_simultaneous_bookings_of_one_time_book_exactly_one_every_time():
    resultats = []
    for _ in range(REPETITIONS):
        reserves, refus, autres = course(PermanenceRdvFactory())
        resultats.append((reserves, refus, len(autres)))
        assert not autres, autres
    print(f"\navec verrou (réservés, refusés, autres erreurs) : {resultats}")
    assert resultats == [(1, PERSONNES - 1, 0)] * REPETITIONS
    # The 29 refused leave no person behind: their transaction rolled back with the refusal.
    assert not Porteur.objects.filter(rendez_vous__isnull=True).exists()


@pytest.fixture
def without_the_lock(monkeypatch):
    """The service without its lock, with a pause between the checks and the insert that widens the window."""
    monkeypatch.setattr(services, "_verrou", lambda pk: Permanence.objects.get(pk=pk))
    trouver = services.trouver_ou_creer_porteur

    def attendre_puis_trouver(**personne):
        time.sleep(0.05)
        return trouver(**personne)

    monkeypatch.setattr(services, "trouver_ou_creer_porteur", attendre_puis_trouver)


@on_postgres
@pytest.mark.usefixtures("without_the_lock")
def test_without_the_lock_the_unique_constraint_still_books_only_one_per_time():
    """The database's constraint is the last guard of a time, whatever happens to the lock."""
    reserves, refus, autres = course(PermanenceRdvFactory())
    print(f"\nsans verrou (réservés, refusés, autres erreurs) : {(reserves, refus, len(autres))}")
    assert (reserves, refus, autres) == (1, PERSONNES - 1, [])


def journee_presque_pleine():
    """3 a day; 9 h and 9 h 30 booked, then the length changed to 20 minutes: 9 h 20 and 9 h 40 are free,
    but the day holds one more appointment only."""
    permanence = PermanenceRdvFactory(nb_rdv=3, duree_rdv=30)
    for debut in (NEUF, datetime.time(9, 30)):
        RendezVous.objects.create(
            permanence=permanence,
            date=jour_ouvert(),
            debut=debut,
            fin=datetime.time(10),
            prenom="Déjà",
            nom="Là",
            telephone="06 99 99 99 99",
        )
    Permanence.objects.filter(pk=permanence.pk).update(duree_rdv=20)
    permanence.refresh_from_db()
    return permanence


def course_a_la_limite(permanence):
    def reserver(i):
        try:
            services.reserver(
                permanence=permanence,
                date=jour_ouvert(),
                debut=datetime.time(9, 20 if i % 2 else 40),
                prenom="Camille",
                nom=f"Limite {i}",
                telephone=f"06 12 34 56 {i:02d}",
            )
        except services.HoraireIndisponible:
            pass

    in_parallel(reserver, PERSONNES)
    return RendezVous.objects.filter(permanence=permanence).count()


@on_postgres
def test_with_the_lock_the_limit_of_the_day_holds_under_30_simultaneous_bookings():
    resultats = [course_a_la_limite(journee_presque_pleine()) for _ in range(REPETITIONS)]
    print(f"\navec verrou, 3 par jour (réservés) : {resultats}")
    assert resultats == [3] * REPETITIONS


@on_postgres
@pytest.mark.usefixtures("without_the_lock")
def test_without_the_lock_the_limit_of_the_day_is_overrun():
    """The proof that the lock is what makes the test above pass."""
    resultats = [course_a_la_limite(journee_presque_pleine()) for _ in range(REPETITIONS)]
    print(f"\nsans verrou, 3 par jour (réservés) : {resultats}")
    assert any(reserves > 3 for reserves in resultats)


@on_postgres
def test_four_simultaneous_reminder_runs_queue_each_reminder_once():
    demain = timezone.localdate() + datetime.timedelta(days=1)
    permanence = PermanenceRdvFactory(jour=demain.weekday(), nb_rdv=4, duree_rdv=30)
    for i in range(4):
        debut = datetime.time(9 + i // 2, 30 * (i % 2))
        RendezVous.objects.create(
            permanence=permanence,
            date=demain,
            debut=debut,
            fin=datetime.time(12),
            prenom="Camille",
            nom=f"Rappel {i}",
            email=f"rappel{i}@example.org",
        )

    in_parallel(lambda i: call_command("send_appointment_reminders", stdout=io.StringIO()), 4)
    in_parallel(worker, 2)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"rappel{i}@example.org" for i in range(4))


def test_on_an_sqlite_file_30_simultaneous_bookings_also_book_exactly_one(tmp_path):
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
        [sys.executable, "-m", "tests.rendezvous.course_sqlite", "3"],
        env=environnement,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    resultats = json.loads(sortie.stdout.strip().splitlines()[-1])
    print(f"\nSQLite fichier (réservés, refusés, erreurs) : {resultats}")
    assert resultats == [[1, PERSONNES - 1, 0]] * 3
