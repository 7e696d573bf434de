"""The Alembic head builds exactly the tables the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

# Migrations are dialect-specific DDL: build and tear down on both databases.
pytestmark = pytest.mark.both_databases

ROOT = Path(__file__).resolve().parents[2]


def _config(connection) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["connection"] = connection
    config.attributes["configure_logger"] = False
    return config


def _empty(engine: sqlalchemy.Engine) -> None:
    """The `engine` fixture creates the tables; migrations must start from nothing."""
    SQLModel.metadata.drop_all(engine)


def test_migration_head_matches_models(engine):
    _empty(engine)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models and migrations disagree; run `reflex db makemigrations`: {diff}"


def test_single_head_and_downgrade_to_base(engine):
    heads = ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini"))).get_heads()
    assert len(heads) == 1, f"migration history has several heads: {heads}"
    _empty(engine)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
        command.downgrade(_config(connection), "base")
    with engine.connect() as connection:
        tables = set(sqlalchemy.inspect(connection).get_table_names()) - {"alembic_version"}
    assert tables == set()
