from django.core.management.base import BaseCommand
from django.db import transaction

from citeslab.core.donnees_personnelles import registre


class Command(BaseCommand):
    help = (
        "Anonymise ce que chaque application déclare à purger : les porteurs sans contact depuis la durée de "
        "conservation (2 ans par défaut), les inscriptions aux ateliers aussi anciennes. Garde ce que comptent "
        "les bilans."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien modifier")

    def handle(self, *args, dry_run=False, **options):
        # Counts only: a purge log must not name the people it protects.
        if dry_run:
            comptes = " et ".join(f"{purge.a_purger().count()} {purge.libelle}" for purge in registre.purges)
            self.stdout.write(f"Simulation : {comptes} seraient anonymisés. Rien n'a été modifié.")
            return
        with transaction.atomic():
            comptes = " et ".join(f"{purge.executer(purge.a_purger())} {purge.libelle}" for purge in registre.purges)
        self.stdout.write(self.style.SUCCESS(f"{comptes} anonymisés."))
