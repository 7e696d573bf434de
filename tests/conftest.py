"""Shared fixtures: a fresh database per test, on SQLite and (when reachable) PostgreSQL.

PostgreSQL tests use 127.0.0.1:5432 database `test` (override with ABSHER_TEST_PG_URL); each test
gets its own schema, dropped afterwards. Without a reachable server they are skipped, with the
reason shown in the summary (-ra).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator

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


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path) -> Iterator[sqlalchemy.Engine]:
    """An engine on an empty database holding every table."""
    if request.param == "sqlite":
        eng = get_engine.__wrapped__(f"sqlite:///{tmp_path / 'test.db'}")
        SQLModel.metadata.create_all(eng)
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
