"""Race 30 threads for 10 seats against an SQLite *file* (the embedded default), in a process of its own.

The test database of pytest-django on SQLite is in memory with a shared cache, whose table locks fail at
once instead of waiting; a file behaves like production. Usage: DATABASE_URL=sqlite:////tmp/x.sqlite3
python -m tests.ateliers.course_sqlite REPETITIONS; prints one JSON list of [confirmed, waiting, errors].
"""

import datetime
import json
import os
import sys
import threading

import django


def main(repetitions):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citeslab.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from ateliers import services
    from ateliers.models import Atelier

    call_command("migrate", verbosity=0)
    resultats = []
    for _ in range(repetitions):
        debut = timezone.now() + datetime.timedelta(days=3)
        atelier = Atelier.objects.create(
            titre="Course", debut=debut, fin=debut + datetime.timedelta(hours=2), capacite=10
        )
        barriere = threading.Barrier(30)
        erreurs = []

        def inscrire(i, atelier=atelier, barriere=barriere, erreurs=erreurs):
            try:
                barriere.wait(timeout=30)
                services.inscrire(atelier=atelier, prenom="Camille", nom=f"Course {i}", email=f"s{i}@example.org")
            except Exception as exc:
                erreurs.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=inscrire, args=(i,)) for i in range(30)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        resultats.append(
            [atelier.inscriptions.confirmees().count(), atelier.inscriptions.en_attente().count(), len(erreurs)]
        )
    print(json.dumps(resultats))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
