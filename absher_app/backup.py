"""`absher db backup FILE` and `absher db restore FILE`.

SQLite: the online backup API (sqlite3.Connection.backup) copies a consistent snapshot while
the app keeps running, and copies it back the same way. PostgreSQL: `pg_dump --format=custom`
and `pg_restore --clean --single-transaction` (Debian's postgresql-client, of the server's
major version or newer). The password never appears on a command line: it goes through the
PGPASSWORD environment variable.

A backup is written beside its final name and renamed when complete, so FILE is never half a
backup; restore reads the file's first bytes to refuse a backup of the other kind.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why, on one line."""


def _sqlite_path(url: sqlalchemy.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_command(url: sqlalchemy.URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = " ".join((result.stderr or result.stdout or "failed").split())[:400]
        raise BackupError(f"{Path(command[0]).name}: {reason}")


def backup(db_url: str, target: str | Path) -> str:
    """Write a backup of the database to `target`; returns "sqlite" or "postgresql"."""
    url = sqlalchemy.engine.make_url(db_url)
    target = Path(target)
    partial = target.with_name(f".{target.name}.partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial.unlink(missing_ok=True)
    try:
        if url.get_backend_name() == "sqlite":
            source_path = _sqlite_path(url)
            if not source_path.exists():
                raise BackupError(f"{source_path}: no such database")
            source = sqlite3.connect(source_path)
            copy = sqlite3.connect(partial)
            try:
                with copy:
                    source.backup(copy)
            finally:
                copy.close()
                source.close()
            kind = "sqlite"
        elif url.get_backend_name() == "postgresql":
            conninfo, env = _pg_command(url)
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={partial}", f"--dbname={conninfo}"], env)
            kind = "postgresql"
        else:
            raise BackupError(f"backups of {url.get_backend_name()} are not supported")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return kind


def kind_of(path: Path) -> str:
    """"sqlite" or "postgresql" by the file's first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path}: not a backup made by `absher db backup`")


def restore(db_url: str, source: str | Path) -> str:
    """Replace the database's content with the backup's; returns its kind.

    Stop the app first (or expect its open sessions to see the old data vanish)."""
    url = sqlalchemy.engine.make_url(db_url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    kind = kind_of(source)
    backend = url.get_backend_name()
    if kind != backend:
        raise BackupError(f"{source} is a {kind} backup; the database is {backend}")
    if kind == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source}: the backup is damaged")
            live = sqlite3.connect(_sqlite_path(url), timeout=30)
            try:
                with live:
                    backup_db.backup(live)
            finally:
                live.close()
        finally:
            backup_db.close()
    else:
        conninfo, env = _pg_command(url)
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", f"--dbname={conninfo}", str(source)],
             env)
    # Pooled connections still hold the old pages / catalog: start afresh.
    from absher_app.db import get_engine

    get_engine(db_url).dispose()
    return kind
