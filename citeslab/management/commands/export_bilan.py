from django.core.management.base import BaseCommand, CommandError

from citeslab.bilan.fichiers import FORMATS_BILAN, ecrire_bilan, nom_fichier_bilan
from citeslab.bilan.sections import SECTIONS, construire_bilan
from citeslab.core.progression import progression


class Command(BaseCommand):
    help = "Écrit le bilan annuel dans un fichier, le même que celui téléchargé depuis la page /bilan/."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année du bilan, par ex. 2019.")
        parser.add_argument("--format", choices=FORMATS_BILAN, default="xlsx")
        parser.add_argument("--output", help="Fichier à écrire (par défaut bilan-<année>.<format>).")

    def handle(self, *args, year, format, output, **options):
        if not 1900 <= year <= 9999:
            raise CommandError(f"Année invalide : {year}.")
        chemin = output or nom_fichier_bilan(year, format)
        # The tables are the work (their queries); the file is written from them in a fraction of a second.
        with progression(len(SECTIONS), f"tableaux du bilan {year}", self.stderr) as barre:
            bilan = construire_bilan(year, tableau_fait=barre.update)
        with open(chemin, "wb") as sortie:
            ecrire_bilan(bilan, format, sortie)
        self.stdout.write(self.style.SUCCESS(f"Bilan {year} écrit dans {chemin}."))
