"""Backups that a restore finds whole: pg_dump/pg_restore on PostgreSQL, SQLite's online backup API."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


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


def sauvegarder(destination: Path) -> Path:
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        args, env, name = _pg_args_env()
        subprocess.run(
            [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(destination), name],
            env=env,
            check=True,
        )
    elif connection.vendor == "sqlite":
        # The backup API copies a consistent snapshot even while the portal is writing.
        connection.ensure_connection()
        target = sqlite3.connect(destination)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise NotImplementedError(connection.vendor)
    return destination


def restaurer(source: Path) -> None:
    source = Path(source)
    if not source.exists():
        raise FileNotFoundError(source)
    if connection.vendor == "postgresql":
        args, env, name = _pg_args_env()
        connection.close()
        subprocess.run(
            [
                _tool("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                name,
                str(source),
            ],
            env=env,
            check=True,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
    else:
        raise NotImplementedError(connection.vendor)


def _tool(name):
    path = shutil.which(name)
    if not path:
        raise FileNotFoundError(f"{name} est introuvable : installez le client PostgreSQL (postgresql-client).")
    return path
