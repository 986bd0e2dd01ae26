"""Race 30 threads for one appointment time against an SQLite *file* (the embedded default), in its own process.

Usage: DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.rendezvous.course_sqlite REPETITIONS; prints one JSON
list of [booked, refused, other errors] per repetition (see tests/ateliers/course_sqlite.py for why a file).
"""

import datetime
import json
import os
import sys
import threading

import django

PERSONNES = 30


def main(repetitions):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citeslab.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from permanences.models import Lieu, Permanence
    from rendezvous import services
    from rendezvous.models import RendezVous

    call_command("migrate", verbosity=0)
    resultats = []
    for n in range(repetitions):
        jour = timezone.localdate() + datetime.timedelta(days=2)
        from permanences.planning import jour_ferie

        while jour_ferie(jour):
            jour += datetime.timedelta(days=1)
        permanence = Permanence.objects.create(
            jour=jour.weekday(),
            debut=datetime.time(9),
            fin=datetime.time(12),
            lieu=Lieu.objects.create(nom=f"Course {n}"),
            valide_du=datetime.date(2018, 3, 8),
            prend_rdv=True,
        )
        barriere = threading.Barrier(PERSONNES)
        refus, erreurs = [], []

        def reserver(i, permanence=permanence, jour=jour, barriere=barriere, refus=refus, erreurs=erreurs):
            try:
                barriere.wait(timeout=30)
                services.reserver(
                    permanence=permanence,
                    date=jour,
                    debut=datetime.time(9),
                    prenom="Camille",
                    nom=f"Course {i}",
                    email=f"s{i}@example.org",
                )
            except services.HoraireIndisponible:
                refus.append(i)
            except Exception as exc:
                erreurs.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=reserver, args=(i,)) for i in range(PERSONNES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        resultats.append([RendezVous.objects.filter(permanence=permanence).count(), len(refus), len(erreurs)])
    print(json.dumps(resultats))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
