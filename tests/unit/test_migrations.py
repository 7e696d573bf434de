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


FINES_AS_ROWS = "2d0475c7e7a6"   # person.traffic_fines_sar becomes trafficfine rows


def test_each_persons_total_of_fines_becomes_one_fine_and_back(engine):
    _empty(engine)
    person = ("insert into person (id_number, category, name_ar, name_en, birth_date, gender, "
              "nationality, mobile, traffic_fines_sar, travel_ban, absent_report, updated_at) "
              "values (:id_number, 'citizen', 'س', 'S', '1990-01-01', 'M', 'SA', :mobile, "
              ":fines, false, false, '2026-01-01 00:00:00')")
    with engine.begin() as connection:
        command.upgrade(_config(connection), f"{FINES_AS_ROWS}-1")
        connection.execute(sqlalchemy.text(person), [
            {"id_number": "1000000008", "mobile": "+966551234567", "fines": 700},
            {"id_number": "1000000016", "mobile": "+966551234568", "fines": 0}])
        command.upgrade(_config(connection), FINES_AS_ROWS)
        rows = connection.execute(sqlalchemy.text(
            "select number, violation, amount_sar, status, person.id_number from trafficfine "
            "join person on person.id = trafficfine.person_id")).all()
        assert [tuple(row) for row in rows] == [
            ("100000000800", "registry_total", 700, "unpaid", "1000000008")]
        # A second unpaid fine and a paid one: going back sums the unpaid ones only.
        connection.execute(sqlalchemy.text(
            "insert into trafficfine (number, person_id, issued_on, violation, amount_sar, "
            "status) select :number, id, '2026-01-02', 'speeding', :amount, :status from person "
            "where id_number = '1000000016'"), [
            {"number": "7100000001", "amount": 300, "status": "unpaid"},
            {"number": "7100000002", "amount": 900, "status": "paid"}])
        command.downgrade(_config(connection), f"{FINES_AS_ROWS}-1")
        totals = connection.execute(sqlalchemy.text(
            "select id_number, traffic_fines_sar from person order by id_number")).all()
    assert [tuple(row) for row in totals] == [("1000000008", 700), ("1000000016", 300)]
