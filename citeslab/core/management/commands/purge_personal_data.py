from django.core.management.base import BaseCommand
from django.db import transaction

from citeslab.core.donnees_personnelles import registre, suivre_les_lots
from citeslab.core.progression import progression


def _en_toutes_lettres(comptes: list[str]) -> str:
    return comptes[0] if len(comptes) == 1 else ", ".join(comptes[:-1]) + " et " + comptes[-1]


class Command(BaseCommand):
    help = (
        "Anonymise ce que chaque application déclare à purger : les porteurs sans contact depuis la durée de "
        "conservation (2 ans par défaut), les inscriptions aux ateliers aussi anciennes, l'historique des fiches "
        "supprimées. Garde ce que comptent les bilans."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien modifier")

    def handle(self, *args, dry_run=False, **options):
        # The dry run is the real run, rolled back: it announces exactly what the run will do (each purge sees
        # what the previous one left, as the registrations of people just anonymised).
        with transaction.atomic():
            comptes = [
                f"{self._executer(purge, i, dry_run)} {purge.libelle}" for i, purge in enumerate(registre.purges, 1)
            ]
            if dry_run:
                transaction.set_rollback(True)
        # Counts only: a purge log must not name the people it protects.
        if dry_run:
            self.stdout.write(f"Simulation : {_en_toutes_lettres(comptes)} seraient anonymisés. Rien n'a été modifié.")
        else:
            self.stdout.write(self.style.SUCCESS(f"{_en_toutes_lettres(comptes)} anonymisés."))

    def _executer(self, purge, i, dry_run) -> int:
        """One purge, with its bar on a terminal: the rows it found, then each batch of them erased."""
        etape = f"{'simulation' if dry_run else 'anonymisation'} {i}/{len(registre.purges)}, {purge.libelle}"
        with progression(None, etape, self.stderr) as barre, suivre_les_lots(barre.placer):
            n = purge.executer(purge.a_purger())
            barre.placer(n, n)  # also for a purge that does not work by par_lots()
        return n
