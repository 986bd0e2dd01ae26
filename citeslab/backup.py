"""Backups that a restore finds whole: pg_dump/pg_restore on PostgreSQL, SQLite's online backup API.

Given a progress bar (citeslab.core.progression) that is shown, both tell it how far they are: SQLite's pages
copied; on PostgreSQL the tables dumped, or the tables, indexes and constraints restored, as pg_dump and
pg_restore name them one by one on stderr with --verbose. Without a bar shown (cron), they run as they always
did: SQLite's copy in one step, pg_dump and pg_restore silent unless something goes wrong.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

PAGES_PAR_PAS = 1024  # SQLite pages copied between two reports (4 MiB at the default page size)
TABLE_SAUVEGARDEE = re.compile(r"^pg_dump: dumping contents of table ")
RESTAURE = re.compile(r"^pg_restore: (processing data for table|creating (INDEX|CONSTRAINT|FK CONSTRAINT)) ")
A_RESTAURER = re.compile(r"^\d+; \d+ \d+ (TABLE DATA|INDEX|CONSTRAINT|FK CONSTRAINT) ")  # pg_restore --list
BAVARDAGE = re.compile(r"^pg_(dump|restore): (?!(error|warning|detail|hint): )")  # what --verbose adds
# What the bar counts, by database: (its description, the unit of its speed).
SAUVEGARDE = {"sqlite": ("pages sauvegardées", "pages"), "postgresql": ("tables sauvegardées", "tables")}
RESTAURATION = {"sqlite": ("pages restaurées", "pages"), "postgresql": ("tables, index et contraintes restaurés", "")}


def _pg_args_env():
    s = connection.settings_dict
    args = [
        "--host",
        s["HOST"] or "127.0.0.1",
        "--port",
        str(s["PORT"] or 5432),
        "--username",
        s["USER"] or "postgres",
    ]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env, s["NAME"]


def _suivie(barre) -> bool:
    return barre is not None and not barre.disable


def _par_pas(barre) -> dict:
    """SQLite's backup() in one step, or in steps of PAGES_PAR_PAS pages reported to the bar.

    Between two steps the source is not locked: a write by another connection makes SQLite start the copy
    again (the bar goes back), so the copy stays a consistent snapshot either way.
    """
    if not _suivie(barre):
        return {}
    return {
        "pages": PAGES_PAR_PAS,
        "progress": lambda statut, restantes, total: barre.placer(total - restantes, total),
    }


def _executer_en_suivant(commande: list[str], env, avance, barre) -> None:
    """Run pg_dump/pg_restore with --verbose: each stderr line that matches `avance` moves the bar one step;
    the tool's own messages (errors, warnings, a failed connection) are written above the bar, the rest of
    the chatter is dropped. Raises CalledProcessError as subprocess.run(check=True) does."""
    commande = [commande[0], "--verbose", *commande[1:]]
    with subprocess.Popen(commande, env=env, stderr=subprocess.PIPE, text=True) as processus:
        for ligne in processus.stderr:
            if avance.match(ligne):
                barre.placer(barre.n + 1, max(barre.total or 0, barre.n + 1))
            elif not BAVARDAGE.match(ligne):
                barre.write(ligne.rstrip("\n"), file=barre.fp)
    if processus.returncode:
        raise subprocess.CalledProcessError(processus.returncode, processus.args)
    barre.placer(barre.total, barre.total)  # done, whatever our count of what it would name


def sauvegarder(destination: Path, barre=None) -> Path:
    """Write a backup readable by its owner only: the file 0600 from its first byte, in a 0700 folder."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.parent.chmod(0o700)
    umask = os.umask(0o077)  # pg_dump and sqlite3 create the file: it is never readable by others, even briefly
    try:
        _sauvegarder(destination, barre)
    finally:
        os.umask(umask)
    destination.chmod(0o600)
    return destination


def _sauvegarder(destination: Path, barre) -> None:
    if connection.vendor == "postgresql":
        args, env, name = _pg_args_env()
        commande = [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(destination), name]
        if _suivie(barre):
            barre.placer(0, len(connection.introspection.table_names()))
            _executer_en_suivant(commande, env, TABLE_SAUVEGARDEE, barre)
        else:
            subprocess.run(commande, env=env, check=True)
    elif connection.vendor == "sqlite":
        # The backup API copies a consistent snapshot even while the portal is writing.
        connection.ensure_connection()
        target = sqlite3.connect(destination)
        try:
            connection.connection.backup(target, **_par_pas(barre))
        finally:
            target.close()
    else:
        raise NotImplementedError(connection.vendor)


def restaurer(source: Path, barre=None) -> None:
    source = Path(source)
    if not source.exists():
        raise FileNotFoundError(source)
    if connection.vendor == "postgresql":
        args, env, name = _pg_args_env()
        connection.close()
        commande = [
            _tool("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            name,
            str(source),
        ]
        if _suivie(barre):
            sommaire = subprocess.run(
                [_tool("pg_restore"), "--list", str(source)], capture_output=True, text=True, check=True
            ).stdout
            barre.placer(0, sum(1 for ligne in sommaire.splitlines() if A_RESTAURER.match(ligne)))
            _executer_en_suivant(commande, env, RESTAURE, barre)
        else:
            subprocess.run(commande, env=env, check=True)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection, **_par_pas(barre))
        finally:
            origin.close()
    else:
        raise NotImplementedError(connection.vendor)


def _tool(name):
    path = shutil.which(name)
    if not path:
        raise FileNotFoundError(f"{name} est introuvable : installez le client PostgreSQL (postgresql-client).")
    return path
