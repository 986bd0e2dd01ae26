from django.core.management.base import BaseCommand

from porteurs import rgpd


class Command(BaseCommand):
    help = (
        "Anonymise les porteurs sans contact depuis la durée de conservation (2 ans par défaut) et les "
        "inscriptions aux ateliers aussi anciennes. Garde ce que comptent les bilans."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien modifier")

    def handle(self, *args, dry_run=False, **options):
        porteurs = rgpd.a_anonymiser()
        inscriptions = rgpd.inscriptions_a_anonymiser()
        # Counts only: a purge log must not name the people it protects.
        if dry_run:
            self.stdout.write(
                f"Simulation : {porteurs.count()} porteur(s) et {inscriptions.count()} inscription(s) "
                "seraient anonymisés. Rien n'a été modifié."
            )
            return
        n = rgpd.anonymiser(porteurs)
        m = rgpd.anonymiser_inscriptions(inscriptions)
        self.stdout.write(self.style.SUCCESS(f"{n} porteur(s) et {m} inscription(s) anonymisés."))
