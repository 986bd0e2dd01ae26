from django.core.management.base import BaseCommand

from citeslab.seed import seed_carcassonne


class Command(BaseCommand):
    help = "Charge les données du dossier de presse : quartiers, lieux, permanences, partenaires, convention."

    def handle(self, *args, **options):
        created = seed_carcassonne()
        if any(created.values()):
            # "1 convention", not "1 conventions": every key is its plural with a final s or x.
            detail = ", ".join(f"{n} {name if n > 1 else name[:-1]}" for name, n in created.items() if n)
            self.stdout.write(self.style.SUCCESS(f"Données du dossier de presse chargées : {detail}."))
        else:
            self.stdout.write("Données du dossier de presse déjà à jour : rien à changer.")
