from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from citeslab.backup import RESTAURATION, restaurer
from citeslab.core.progression import progression


class Command(BaseCommand):
    help = "Restaure une sauvegarde faite par `manage.py backup` (remplace le contenu de la base)."

    def add_arguments(self, parser):
        parser.add_argument("fichier")
        parser.add_argument("--yes", action="store_true", help="ne pas demander de confirmation")

    def handle(self, *args, fichier, yes=False, **options):
        path = Path(fichier)
        if not path.exists():
            raise CommandError(f"Fichier introuvable : {path}")
        if not yes and input(f"Remplacer toute la base par {path} ? Tapez « oui » : ").strip().lower() != "oui":
            raise CommandError("Restauration annulée.")
        description, unite = RESTAURATION.get(connection.vendor, ("restauration", ""))
        with progression(None, description, self.stderr, unite=unite) as barre:  # on a terminal only
            restaurer(path, barre)
        self.stdout.write(self.style.SUCCESS(f"Base restaurée depuis {path}."))
