"""One engine per database URL and a transactional session scope.

SQLite gets foreign keys, WAL and a busy timeout so that concurrent requests queue instead of
failing; PostgreSQL needs nothing special.

Prebuilt statements: a read that runs at every event or page load (who is signed in, the
wizard's per-step checks, the dashboard) is a module-level statement with bound parameters,
run as `session.exec(STATEMENT, params={...})`. Building a statement at each call cost more
than running it (on the bench database a query took 220 µs built at each call, 120 µs
prebuilt; bench/README.md); other reads are built where they run, which reads more plainly.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy
from sqlmodel import Session, create_engine

from absher_app.settings import get_settings


@functools.cache
def get_engine(url: str | None = None) -> sqlalchemy.Engine:
    """The engine for `url` (default: the configured database)."""
    url = url or get_settings().db_url
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @sqlalchemy.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL cannot corrupt the database; it skips the fsync of every
            # commit (a power cut may lose the last commits, not the file). Every event commits
            # (the session's last activity): with FULL, fsyncs queued the writers (bench/).
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@contextlib.contextmanager
def session_scope(engine: sqlalchemy.Engine | None = None) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


PROTECTED_DATABASES = frozenset({"postgres", "template0", "template1", "test"})


def create_database(url: str, *, recreate: bool = False) -> bool:
    """Make sure the database named in `url` exists; True when this call created it.

    PostgreSQL: the database is created through the server's `postgres` database (the scaled
    configuration, the benchmark and the scaled journeys each name their own). `recreate=True`
    drops it first (never one of PROTECTED_DATABASES); for SQLite it deletes the file.
    """
    parsed = sqlalchemy.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if recreate and parsed.database:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return recreate
    name = parsed.database or ""
    if recreate and name in PROTECTED_DATABASES:
        raise ValueError(f"refusing to drop the database {name!r}")
    admin = sqlalchemy.create_engine(parsed.set(database="postgres"),
                                     isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if recreate:
                connection.execute(
                    sqlalchemy.text(f'drop database if exists "{name}" with (force)'))
            exists = connection.execute(
                sqlalchemy.text("select 1 from pg_database where datname = :name"),
                {"name": name}).scalar()
            if not exists:
                connection.execute(sqlalchemy.text(f'create database "{name}"'))
            return not exists
    finally:
        admin.dispose()
