"""Long commands show their progress on a terminal and stay quiet under cron.

The bar goes to the command's stderr, and only when it is a terminal: under cron (a file, a pipe, the mail
of the output) nothing is drawn and stdout holds the one-line summary, as before the bars existed.
"""

import datetime
import io
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from citeslab import backup, generation
from citeslab.bilan.sections import SECTIONS
from citeslab.core import donnees_personnelles
from citeslab.core.progression import progression
from porteurs.models import Porteur, Suivi
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.porteurs.factories import PorteurFactory, SuiviFactory

NNBSP = "\u202f"
CENT = f"100{NNBSP}%"
LONGTEMPS = timezone.localdate() - datetime.timedelta(days=3 * 365)


class Terminal(io.StringIO):
    """What a command sees when a person runs it in a terminal."""

    encoding = "utf-8"

    def isatty(self):
        super().isatty()  # ValueError once closed, as a real terminal's stream
        return True


def _lancer(commande, *args, terminal=False, sortie_terminal=False, **options):
    """(stdout, stderr) of the command; `terminal`: stderr is a terminal; `sortie_terminal`: stdout is one."""
    out = Terminal() if sortie_terminal else io.StringIO()
    err = Terminal() if terminal else io.StringIO()
    # no_color: the summary as cron gets it, even when pytest itself runs in a terminal (-s)
    call_command(commande, *args, stdout=out, stderr=err, no_color=True, **options)
    return out.getvalue(), err.getvalue()


def _images_finales(err: str) -> list[str]:
    """Each bar as it stays on screen: the last image of each line."""
    return [ligne.rsplit("\r", 1)[-1] for ligne in err.split("\n") if ligne]


# generate_activity

RESUME_GENERATION = re.compile(
    r"Activité synthétique générée \(graine 3\) en \d+,\d s : 30 porteurs de projet, \d+ suivis, "
    r"\d+ changements d'étape, \d+ orientations, \d+ ateliers, \d+ inscriptions\.\n"
    r"Femmes : \d+ % ; en quartier prioritaire : \d+ % ; étapes : Émergence \d+ %, Parcours de création \d+ %, "
    r"Entreprise créée \d+ %, Retour à l'emploi \d+ %, Formation \d+ %, Sans suite \d+ %\.\n"
)


def _sans_duree(resume):
    return re.sub(r"en \d+,\d s", "en … s", resume)


@pytest.mark.django_db
def test_generate_activity_off_a_terminal_writes_its_summary_and_nothing_else(monkeypatch):
    monkeypatch.setattr(generation, "BATCH_PEOPLE", 10)
    out, err = _lancer("generate_activity", "--people", "30", "--seed", "3", sortie_terminal=True)
    assert err == ""
    assert "\r" not in out
    assert RESUME_GENERATION.fullmatch(out)


@pytest.mark.django_db
def test_generate_activity_on_a_terminal_shows_the_people_generated_batch_by_batch(monkeypatch):
    monkeypatch.setattr(generation, "BATCH_PEOPLE", 10)
    sans_barre, _ = _lancer("generate_activity", "--people", "30", "--seed", "3")
    Porteur.objects.all().delete()
    out, err = _lancer("generate_activity", "--people", "30", "--seed", "3", terminal=True)
    assert _sans_duree(out) == _sans_duree(sans_barre)  # same summary, same people, bar or not
    assert "\r" not in out
    [fin] = _images_finales(err)
    assert fin.startswith(f"porteurs générés : {CENT}|")
    assert "| 30/30 [" in fin and "porteurs/s]" in fin


# purge_personal_data


def _a_purger(porteurs=1):
    for _ in range(porteurs):
        porteur = PorteurFactory(date_premier_contact=LONGTEMPS)
        SuiviFactory(porteur=porteur, date=LONGTEMPS, notes="Notes d'entretien confidentielles")
    atelier = AtelierFactory(
        debut=timezone.now() - datetime.timedelta(days=3 * 365),
        fin=timezone.now() - datetime.timedelta(days=3 * 365 - 1),
    )
    InscriptionFactory(atelier=atelier)


@pytest.mark.django_db
def test_purge_off_a_terminal_writes_the_same_summary_as_before():
    _a_purger()
    out, err = _lancer("purge_personal_data", dry_run=True)
    assert out == (
        "Simulation : 1 porteur(s), 0 fiche(s) supprimée(s) encore dans l'historique, 1 inscription(s) "
        "et 0 rendez-vous seraient anonymisés. Rien n'a été modifié.\n"
    )
    assert err == ""
    out, err = _lancer("purge_personal_data")
    assert out == (
        "1 porteur(s), 0 fiche(s) supprimée(s) encore dans l'historique, 1 inscription(s) et 0 rendez-vous "
        "anonymisés.\n"
    )
    assert err == ""


@pytest.mark.django_db
def test_purge_on_a_terminal_shows_each_step_batch_by_batch(monkeypatch):
    monkeypatch.setattr(donnees_personnelles, "LOT", 2)  # three batches for five people
    _a_purger(porteurs=5)
    out, err = _lancer("purge_personal_data", terminal=True)
    assert out == (
        "5 porteur(s), 0 fiche(s) supprimée(s) encore dans l'historique, 1 inscription(s) et 0 rendez-vous "
        "anonymisés.\n"
    )
    porteurs, fiches, inscriptions, rendez_vous = _images_finales(err)
    assert rendez_vous.startswith(f"anonymisation 4/4, rendez-vous : {CENT}|")
    assert fiches.startswith(f"anonymisation 2/4, fiche(s) supprimée(s) encore dans l'historique : {CENT}|")
    assert "| 0/0 [" in fiches
    assert porteurs.startswith(f"anonymisation 1/4, porteur(s) : {CENT}|")
    assert "| 5/5 [" in porteurs
    assert inscriptions.startswith(f"anonymisation 3/4, inscription(s) : {CENT}|")
    assert "| 1/1 [" in inscriptions
    assert Porteur.objects.filter(anonymise_le__isnull=False).count() == 5


@pytest.mark.django_db
def test_the_dry_run_on_a_terminal_says_so_and_changes_nothing():
    _a_purger()
    out, err = _lancer("purge_personal_data", dry_run=True, terminal=True)
    assert out.startswith("Simulation : 1 porteur(s), 0 fiche(s) supprimée(s) encore dans l'historique")
    assert [image.split(" : ")[0] for image in _images_finales(err)] == [
        "simulation 1/4, porteur(s)",
        "simulation 2/4, fiche(s) supprimée(s) encore dans l'historique",
        "simulation 3/4, inscription(s)",
        "simulation 4/4, rendez-vous",
    ]
    assert not Porteur.objects.filter(anonymise_le__isnull=False).exists()


# export_bilan


@pytest.mark.django_db
def test_export_bilan_off_a_terminal_writes_its_summary_and_nothing_else(tmp_path):
    chemin = tmp_path / "bilan-2019.csv"
    out, err = _lancer("export_bilan", "--year", "2019", "--format", "csv", "--output", str(chemin))
    assert out == f"Bilan 2019 écrit dans {chemin}.\n"
    assert err == ""


@pytest.mark.django_db
def test_export_bilan_on_a_terminal_shows_the_tables_built(tmp_path):
    chemin = tmp_path / "bilan-2019.xlsx"
    out, err = _lancer("export_bilan", "--year", "2019", "--output", str(chemin), terminal=True)
    assert out == f"Bilan 2019 écrit dans {chemin}.\n"
    [fin] = _images_finales(err)
    assert fin.startswith(f"tableaux du bilan 2019 : {CENT}|")
    assert f"| {len(SECTIONS)}/{len(SECTIONS)} [" in fin


# backup / restore


def _lignes():
    return (
        sorted(Porteur.objects.values_list("pk", "nom", "prenom", "telephone", "etape")),
        sorted(Suivi.objects.values_list("pk", "porteur_id", "date", "notes")),
    )


SAUVEGARDE = {"sqlite": "pages sauvegardées", "postgresql": "tables sauvegardées"}
RESTAURATION = {"sqlite": "pages restaurées", "postgresql": "tables, index et contraintes restaurés"}


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_off_a_terminal_write_their_summary_and_nothing_else(tmp_path):
    PorteurFactory.create_batch(3)
    dump = tmp_path / "sauvegarde"
    out, err = _lancer("backup", output=str(dump))
    assert out == f"Sauvegarde écrite : {dump} ({dump.stat().st_size} octets)\n"
    assert err == ""
    out, err = _lancer("restore", str(dump), yes=True)
    assert out == f"Base restaurée depuis {dump}.\n"
    assert err == ""


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_on_a_terminal_show_what_is_copied(tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "PAGES_PAR_PAS", 3)  # a small test database copied in several steps
    for porteur in PorteurFactory.create_batch(20):
        SuiviFactory.create_batch(3, porteur=porteur)
    avant = _lignes()
    dump = tmp_path / "sauvegarde"
    out, err = _lancer("backup", output=str(dump), terminal=True)
    assert out == f"Sauvegarde écrite : {dump} ({dump.stat().st_size} octets)\n"
    [fin] = _images_finales(err)
    assert fin.startswith(f"{SAUVEGARDE[connection.vendor]} : {CENT}|")

    Suivi.objects.all().delete()
    PorteurFactory(nom="Ajouté après la sauvegarde")
    out, err = _lancer("restore", str(dump), yes=True, terminal=True)
    assert out == f"Base restaurée depuis {dump}.\n"
    [fin] = _images_finales(err)
    assert fin.startswith(f"{RESTAURATION[connection.vendor]} : {CENT}|")
    assert _lignes() == avant


@pytest.mark.django_db(transaction=True)
def test_a_followed_sqlite_copy_moves_in_steps_and_stays_whole(tmp_path, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("l'API de sauvegarde de SQLite")
    monkeypatch.setattr(backup, "PAGES_PAR_PAS", 2)
    PorteurFactory.create_batch(30)
    avant = _lignes()
    positions = []

    class Espion:
        disable = False

        def placer(self, fait, total=None):
            positions.append((fait, total))

    backup.sauvegarder(tmp_path / "copie", Espion())
    assert len(positions) > 2
    assert positions[-1][0] == positions[-1][1]
    assert [fait for fait, _ in positions] == sorted(fait for fait, _ in positions)
    Porteur.objects.all().delete()
    backup.restaurer(tmp_path / "copie")
    assert _lignes() == avant


def test_pg_dump_messages_go_above_the_bar_and_only_tables_move_it(tmp_path):
    outil = tmp_path / "pg_dump"  # says what pg_dump --verbose says, then exits with the code it is given
    outil.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "assert '--verbose' in sys.argv\n"
        "for ligne in ['pg_dump: reading schemas', 'pg_dump: dumping contents of table \"public.a\"',\n"
        "              'pg_dump: warning: attention', 'pg_dump: dumping contents of table \"public.b\"',\n"
        "              '\tIs the server running on that host?']:\n"
        "    print(ligne, file=sys.stderr)\n"
        "sys.exit(int(sys.argv[-1]))\n"
    )
    outil.chmod(0o755)
    for code in (0, 1):
        terminal = Terminal()
        with progression(None, "tables sauvegardées", terminal, unite="tables") as barre:
            barre.placer(0, 2)
            if code:
                with pytest.raises(subprocess.CalledProcessError):
                    backup._executer_en_suivant([str(outil), "1"], None, backup.TABLE_SAUVEGARDEE, barre)
            else:
                backup._executer_en_suivant([str(outil), "0"], None, backup.TABLE_SAUVEGARDEE, barre)
        sortie = terminal.getvalue()
        assert "pg_dump: warning: attention\n" in sortie
        assert "\tIs the server running on that host?\n" in sortie
        assert "reading schemas" not in sortie
        assert "| 2/2 [" in _images_finales(sortie)[-1]
