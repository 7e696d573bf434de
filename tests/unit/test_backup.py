"""`absher db backup` / `absher db restore`: a round trip restores every table exactly, on
SQLite (online backup API) and PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy
from sqlmodel import SQLModel

from absher_app import cli
from absher_app.db import create_database, get_engine
from absher_app.settings import get_settings
from tests.conftest import _PG_SKIP_REASON, PG_URL

PG_BACKUP_URL = PG_URL.rsplit("/", 1)[0] + "/absher_backup_ops"


def _reset() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, monkeypatch):
    """REFLEX_DB_URL on a migrated database with the demo loaded and jobs run once."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'live.db'}"
    else:
        if _PG_SKIP_REASON:
            pytest.skip(_PG_SKIP_REASON)
        if not shutil.which("pg_dump"):
            pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")
        url = PG_BACKUP_URL
        create_database(url, recreate=True)
    monkeypatch.setenv("REFLEX_DB_URL", url)
    monkeypatch.setenv("ABSHER_ENV", "test")
    monkeypatch.setenv("ABSHER_SMS_PROVIDER", "outbox")
    monkeypatch.setenv("ABSHER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    _reset()
    for command in (["db", "upgrade"], ["seed", "demo"], ["jobs", "run"]):
        assert cli.main(command) == 0
    yield url
    get_engine().dispose()
    _reset()


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table (and the migration version), in primary-key order."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
            rows = {name: [tuple(r) for r in connection.execute(
                table.select().order_by(*table.primary_key.columns))]
                for name, table in tables.items()}
            rows["alembic_version"] = [tuple(r) for r in connection.execute(
                sqlalchemy.text("select version_num from alembic_version"))]
            return rows
    finally:
        engine.dispose()


def test_a_round_trip_restores_every_table(database, tmp_path, capsys):
    before = snapshot(database)
    assert sum(len(rows) for rows in before.values()) > 50  # the demo is there
    target = tmp_path / "backups" / "absher.backup"
    assert cli.main(["db", "backup", str(target)]) == 0
    assert "backup written to" in capsys.readouterr().out
    # Life goes on after the backup: rows added, changed and deleted.
    engine = sqlalchemy.create_engine(database)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("delete from smsmessage"))
        connection.execute(sqlalchemy.text("update person set name_en = 'changed'"))
        connection.execute(sqlalchemy.text(
            "insert into scheduledjob (name, lease_owner, last_outcome, last_summary, "
            "last_duration_ms, runs, failures) values ('extra', '', '', '', 0, 0, 0)"))
    engine.dispose()
    assert snapshot(database) != before
    assert cli.main(["db", "restore", str(target)]) == 2
    assert "--yes" in capsys.readouterr().err
    assert cli.main(["db", "restore", str(target), "--yes"]) == 0
    assert "restored" in capsys.readouterr().out
    assert snapshot(database) == before
    # The app's own engine sees the restored data too.
    with get_engine().connect() as connection:
        assert connection.execute(sqlalchemy.text(
            "select count(*) from scheduledjob where name = 'extra'")).scalar_one() == 0


def test_restore_refuses_what_is_not_a_backup_of_this_kind(database, tmp_path, capsys):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"hello")
    assert cli.main(["db", "restore", str(junk), "--yes"]) == 2
    assert "not a backup" in capsys.readouterr().err
    other = tmp_path / "other.backup"
    other.write_bytes(b"PGDMP" if database.startswith("sqlite") else b"SQLite format 3\x00")
    assert cli.main(["db", "restore", str(other), "--yes"]) == 2
    err = capsys.readouterr().err
    assert "backup; the database is" in err and err.count("\n") == 1
    assert cli.main(["db", "restore", str(tmp_path / "missing"), "--yes"]) == 2
    assert "no such file" in capsys.readouterr().err
