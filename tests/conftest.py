"""Shared fixtures: a fresh database per test, on SQLite, and on PostgreSQL where they differ.

Every test that asks for `engine` (or `session`) runs on SQLite. Tests marked
`both_databases` (migrations, races and locking, dialect-specific SQL, constraints, ordering,
time windows computed in SQL) run on PostgreSQL too; ABSHER_TEST_DATABASES=all runs every
database test on both. A test's PostgreSQL run carries the `postgresql` marker, so
`-m "not postgresql"` (what `make check` does) leaves them all out.

SQLite: the tables are created once per test process in a template file, which each test gets
a copy of (creating 30-odd tables for every test cost more than most tests).
PostgreSQL uses 127.0.0.1:5432 database `test` (override with ABSHER_TEST_PG_URL); each test
gets its own schema, dropped afterwards. Without a reachable server those runs are skipped,
with the reason shown in the summary (-ra).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from sqlmodel import Session, SQLModel

import absher_app.models  # noqa: F401  (registers the tables)
from absher_app.db import get_engine

# Metric files of this test run (prometheus_client's multi-process mode), not the project's var/.
os.environ.setdefault("ABSHER_METRICS_DIR", tempfile.mkdtemp(prefix="absher-test-metrics-"))
# Also under prometheus_client's own name: a test module may import prometheus_client before
# absher_app.observability.metrics gets to set it.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.environ["ABSHER_METRICS_DIR"])

PG_URL = os.environ.get("ABSHER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# "all": every database test on SQLite and PostgreSQL, not only those marked both_databases.
EVERY_TEST_ON_BOTH = os.environ.get("ABSHER_TEST_DATABASES", "") == "all"


def _postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        engine = sqlalchemy.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("select 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}"
    return None


_PG_SKIP_REASON = _postgres_reachable()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `engine`: SQLite always, PostgreSQL for both_databases tests."""
    if "engine" not in metafunc.fixturenames:
        return
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0] if marker.args else marker.kwargs.get("argnames", "")
        if "engine" in ([n.strip() for n in names.split(",")] if isinstance(names, str)
                        else list(names)):
            return  # the test chose its databases itself
    both = EVERY_TEST_ON_BOTH or metafunc.definition.get_closest_marker("both_databases")
    params = [pytest.param("sqlite", id="sqlite")]
    if both:
        params.append(pytest.param("postgresql", id="postgresql",
                                   marks=pytest.mark.postgresql))
    metafunc.parametrize("engine", params, indirect=True)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding every table, made once per test process."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    eng = get_engine.__wrapped__(f"sqlite:///{path}")
    SQLModel.metadata.create_all(eng)
    # Closing the last connection checkpoints the WAL into the file, so the file is complete.
    eng.dispose()
    return path


@pytest.fixture
def engine(request, tmp_path) -> Iterator[sqlalchemy.Engine]:
    """An engine on an empty database holding every table."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        eng = get_engine.__wrapped__(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    if _PG_SKIP_REASON:
        pytest.skip(_PG_SKIP_REASON)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(sqlalchemy.text(f'create schema "{schema}"'))
    eng = sqlalchemy.create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    SQLModel.metadata.create_all(eng)
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as connection:
            connection.execute(sqlalchemy.text(f'drop schema "{schema}" cascade'))
        admin.dispose()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A session on the fresh database; the test commits or rolls back as it needs."""
    with Session(engine, expire_on_commit=False) as s:
        yield s
