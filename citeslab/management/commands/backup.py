import datetime
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection

from citeslab.backup import SAUVEGARDE, sauvegarder
from citeslab.core.progression import progression


class Command(BaseCommand):
    help = "Sauvegarde la base de données (pg_dump sur PostgreSQL, copie cohérente sur SQLite)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="fichier de sauvegarde (par défaut backups/citeslab-<date>.<ext>)")

    def handle(self, *args, output=None, **options):
        if not output:
            ext = "dump" if connection.vendor == "postgresql" else "sqlite3"
            output = Path("backups") / f"citeslab-{datetime.datetime.now():%Y%m%d-%H%M%S}.{ext}"
        description, unite = SAUVEGARDE.get(connection.vendor, ("sauvegarde", ""))
        with progression(None, description, self.stderr, unite=unite) as barre:  # on a terminal only
            path = sauvegarder(Path(output), barre)
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {path} ({path.stat().st_size} octets)"))
