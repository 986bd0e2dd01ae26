from django.core.management.base import BaseCommand, CommandError

from citeslab.bilan.fichiers import FORMATS_BILAN, ecrire_bilan, nom_fichier_bilan
from citeslab.bilan.sections import construire_bilan


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
        with open(chemin, "wb") as sortie:
            ecrire_bilan(construire_bilan(year), format, sortie)
        self.stdout.write(self.style.SUCCESS(f"Bilan {year} écrit dans {chemin}."))
