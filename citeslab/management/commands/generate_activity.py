import time

from django.core.management.base import BaseCommand, CommandError

from citeslab.core.progression import progression
from citeslab.generation import Generateur
from porteurs.models import Porteur


def _fr(n):
    return f"{n:,}".replace(",", "\u202f")


class Command(BaseCommand):
    help = (
        "Génère une activité synthétique déterministe (porteurs, suivis, étapes, orientations, ateliers) "
        "pour les démonstrations, le bilan annuel et les mesures de performance. Aucune donnée réelle."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=300, help="nombre de porteurs à créer (300 par défaut)")
        parser.add_argument("--seed", type=int, default=1, help="graine : la même graine donne les mêmes données")
        parser.add_argument(
            "--if-empty", action="store_true", help="ne rien faire si la base contient déjà au moins un porteur"
        )

    def handle(self, *args, people, seed, if_empty, **options):
        if people < 0:
            raise CommandError("--people doit être un nombre positif.")
        if if_empty and Porteur.objects.exists():
            self.stdout.write("La base contient déjà des porteurs de projet : aucune activité générée.")
            return
        start = time.monotonic()
        # On a terminal only, on stderr: under cron the summary below stays the only output.
        with progression(people, "porteurs générés", self.stderr, unite="porteurs") as barre:
            bilan = Generateur(seed=seed).run(people=people, suivi=barre.update)
        duree = time.monotonic() - start
        # Counts and shares only: never a name or a number of the generated people.
        total = bilan.porteurs or 1
        parts = ", ".join(
            f"{label} {100 * bilan.etapes[value] / total:.0f} %".replace(".", ",")
            for value, label in Porteur._meta.get_field("etape").choices
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Activité synthétique générée (graine {seed}) en {duree:.1f} s : ".replace(".", ",")
                + f"{_fr(bilan.porteurs)} porteurs de projet, {_fr(bilan.suivis)} suivis, "
                f"{_fr(bilan.changements)} changements d'étape, {_fr(bilan.orientations)} orientations, "
                f"{_fr(bilan.ateliers)} ateliers, {_fr(bilan.inscriptions)} inscriptions."
            )
        )
        self.stdout.write(
            f"Femmes : {100 * bilan.femmes / total:.0f} % ; en quartier prioritaire : "
            f"{100 * bilan.en_qpv / total:.0f} % ; étapes : {parts}."
        )
