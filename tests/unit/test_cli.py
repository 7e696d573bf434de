"""The operator command line (QA-CONTRACT §1), run in-process on a temporary SQLite file."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy

from absher_app import cli
from absher_app.db import get_engine, session_scope
from absher_app.domain.calendars import today_in_riyadh
from absher_app.domain.demo import BRANCHES, demo_records
from absher_app.providers.clock import SystemClock
from absher_app.providers.sms import OutboxSmsSender
from absher_app.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]

CITIZEN = {
    "id_number": "1000000008", "category": "citizen",
    "name_ar": "محمد عبدالله القحطاني", "name_en": "Mohammed Abdullah Alqahtani",
    "birth_date": "1990-04-12", "gender": "M", "nationality": "SA", "mobile": "0551234567",
    "passport": {"number": "A1234567", "expiry": "2029-01-31"},
    "traffic_fines_sar": 0, "travel_ban": False,
}
RESIDENT = {
    "id_number": "2000000006", "category": "resident", "name_ar": "...", "name_en": "...",
    "birth_date": "1985-02-01", "gender": "M", "nationality": "IN", "mobile": "0561234567",
    "passport": {"number": "N1234567", "expiry": "2028-06-30"},
    "iqama_expiry": "2027-03-15", "sponsor_id": "1000000008",
    "relationship": "domestic_worker", "absent_report": False,
}


def _clear_caches() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    """REFLEX_DB_URL on a fresh SQLite file, with the cached settings and engines reset."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("REFLEX_DB_URL", url)
    monkeypatch.setenv("ABSHER_ENV", "test")
    monkeypatch.setenv("ABSHER_SMS_PROVIDER", "outbox")
    monkeypatch.chdir(tmp_path)  # no stray .env file is read
    root_logger = logging.getLogger()
    saved_handlers, saved_level = root_logger.handlers[:], root_logger.level
    _clear_caches()
    yield url
    get_engine().dispose()
    _clear_caches()
    # alembic/env.py applies alembic.ini's logging config; undo it for the tests that follow.
    root_logger.handlers[:] = saved_handlers
    root_logger.setLevel(saved_level)


@pytest.fixture
def upgraded(db_url, _upgraded_template):
    """The database of `db_url` at the migration head (a copy of the upgraded template)."""
    shutil.copyfile(_upgraded_template, sqlalchemy.engine.make_url(db_url).database)
    return db_url


def _scalar(url: str, sql: str):
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sqlalchemy.text(sql)).scalar_one()
    finally:
        engine.dispose()


def _persons(url: str) -> int:
    return _scalar(url, "select count(*) from person")


def _write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("absher: error: ")
    return lines[0]


# --- db upgrade ------------------------------------------------------------------------------


def test_db_upgrade_creates_the_tables(db_url, capsys):
    assert cli.main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out == "database is at the latest migration\n"
    engine = sqlalchemy.create_engine(db_url)
    try:
        tables = set(sqlalchemy.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"person", "branch", "smsmessage", "alembic_version"} <= tables


def test_db_upgrade_twice_is_harmless(upgraded, capsys):
    assert cli.main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out == "database is at the latest migration\n"
    assert _scalar(upgraded, "select count(*) from alembic_version") == 1


# --- seed demo -------------------------------------------------------------------------------


def test_seed_demo_loads_then_adds_nothing(upgraded, capsys):
    persons = len(demo_records(today_in_riyadh(SystemClock())))
    assert cli.main(["seed", "demo"]) == 0
    first = capsys.readouterr().out
    assert first.startswith("demo loaded: ") and first.endswith(" added\n")
    assert first.count("\n") == 1
    assert f" {persons} persons" in first
    assert f" {len(BRANCHES)} branches" in first

    assert cli.main(["seed", "demo"]) == 0
    second = capsys.readouterr().out
    assert second.startswith("demo loaded: 0 persons")
    assert " 0 branches" in second
    assert set(re.findall(r"\d+", second)) == {"0"}  # every count is 0
    assert _persons(upgraded) == persons
    assert _scalar(upgraded, "select count(*) from branch") == len(BRANCHES)


# --- registry import -------------------------------------------------------------------------


def test_registry_import_of_a_good_file_prints_counts(upgraded, tmp_path, capsys):
    path = _write_json(tmp_path / "good.json", [CITIZEN, RESIDENT])
    assert cli.main(["registry", "import", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "imported 2 persons: 2 added, 0 updated, 0 unchanged\n"
    assert captured.err == ""
    assert _persons(upgraded) == 2
    assert _scalar(upgraded, "select mobile from person where id_number = '2000000006'") == (
        "+966561234567")


def test_registry_reimport_reports_unchanged_and_updated(upgraded, tmp_path, capsys):
    path = _write_json(tmp_path / "good.json", [CITIZEN, RESIDENT])
    assert cli.main(["registry", "import", str(path)]) == 0
    assert cli.main(["registry", "import", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "imported 2 persons: 0 added, 0 updated, 2 unchanged")
    _write_json(path, [{**CITIZEN, "traffic_fines_sar": 300}, RESIDENT])
    assert cli.main(["registry", "import", str(path)]) == 0
    assert capsys.readouterr().out == "imported 2 persons: 0 added, 1 updated, 1 unchanged\n"
    # The contract's one total is kept as one fine of that amount.
    assert _scalar(upgraded, "select sum(amount_sar) from trafficfine join person on "
                             "person.id = trafficfine.person_id "
                             "where id_number = '1000000008'") == 300


def test_traffic_fines_lists_each_fine_of_a_person(upgraded, tmp_path, capsys):
    fines = [{"number": "7100000001", "date": "2026-03-01", "violation": "speeding",
              "amount": 300},
             {"number": "7100000002", "date": "2026-04-01", "violation": "red_light",
              "amount": 3000}]
    listed = {k: v for k, v in CITIZEN.items() if k != "traffic_fines_sar"}
    path = _write_json(tmp_path / "fines.json", [{**listed, "traffic_fines": fines}])
    assert cli.main(["registry", "import", str(path)]) == 0
    capsys.readouterr()
    assert cli.main(["traffic", "fines", "1000000008", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"number": "7100000002", "date": "2026-04-01", "violation": "red_light",
         "amount": 3000, "status": "unpaid"},
        {"number": "7100000001", "date": "2026-03-01", "violation": "speeding",
         "amount": 300, "status": "unpaid"}]
    assert cli.main(["traffic", "fines", "1000000008"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("7100000002  2026-04-01  red_light") and lines[-1] == (
        "unpaid: SAR 3300")
    assert cli.main(["traffic", "fines", "1000000016"]) == 2
    assert "not in the civil registry" in _one_error_line(capsys.readouterr().err)
    assert cli.main(["traffic", "fines", "12"]) == 2
    capsys.readouterr()


def test_registry_import_with_one_bad_person_imports_nothing(upgraded, tmp_path, capsys):
    path = _write_json(tmp_path / "bad.json", [CITIZEN, {**RESIDENT, "gender": "X"}])
    assert cli.main(["registry", "import", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    line = _one_error_line(captured.err)
    assert "record 2" in line and "2000000006" in line and "gender" in line
    assert _persons(upgraded) == 0


def test_registry_import_error_stays_on_one_line_when_the_input_holds_newlines(
        upgraded, tmp_path, capsys):
    path = _write_json(tmp_path / "bad.json", [{**CITIZEN, "id_number": "100\n0000008x"}])
    assert cli.main(["registry", "import", str(path)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "record 1" in line
    assert _persons(upgraded) == 0


def test_registry_import_with_unknown_sponsor_imports_nothing(upgraded, tmp_path, capsys):
    path = _write_json(tmp_path / "bad.json", [RESIDENT])
    assert cli.main(["registry", "import", str(path)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "1000000008" in line
    assert _persons(upgraded) == 0


def test_registry_import_of_a_missing_file(upgraded, tmp_path, capsys):
    missing = tmp_path / "nowhere.json"
    assert cli.main(["registry", "import", str(missing)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "no such file" in line and "nowhere.json" in line


@pytest.mark.parametrize("content", [b"[{", b"not json", b"", b"\xff\xfe[]"])
def test_registry_import_of_invalid_json(upgraded, tmp_path, capsys, content):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    assert cli.main(["registry", "import", str(path)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "not valid JSON" in line


def test_registry_import_of_a_directory(upgraded, tmp_path, capsys):
    assert cli.main(["registry", "import", str(tmp_path)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "cannot read" in line


def test_registry_import_of_json_that_is_not_a_list(upgraded, tmp_path, capsys):
    path = _write_json(tmp_path / "object.json", CITIZEN)
    assert cli.main(["registry", "import", str(path)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "array" in line
    assert _persons(upgraded) == 0


# --- sms outbox ------------------------------------------------------------------------------


def _send_two() -> None:
    """An older message to 0551234567, then a newer one to 0561234567."""
    sender = OutboxSmsSender()
    with session_scope() as session:
        sender.send(session, "+966551234567", "code 1111", "otp")
    with session_scope() as session:
        sender.send(session, "+966561234567", "code 2222", "activation")


def test_sms_outbox_empty(upgraded, capsys):
    assert cli.main(["sms", "outbox"]) == 0
    assert capsys.readouterr().out == "the outbox is empty\n"


def test_sms_outbox_empty_json(upgraded, capsys):
    assert cli.main(["sms", "outbox", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_sms_outbox_lists_newest_first(upgraded, capsys):
    _send_two()
    assert cli.main(["sms", "outbox"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("  +966561234567  [activation]  code 2222")
    assert lines[1].endswith("  +966551234567  [otp]  code 1111")


def test_sms_outbox_json_last_1_is_the_newest(upgraded, capsys):
    _send_two()
    assert cli.main(["sms", "outbox", "--json", "--last", "1"]) == 0
    messages = json.loads(capsys.readouterr().out)
    assert len(messages) == 1
    assert {k: messages[0][k] for k in ("to", "body", "purpose")} == {
        "to": "+966561234567", "body": "code 2222", "purpose": "activation"}
    assert set(messages[0]) == {"id", "to", "body", "purpose", "created_at"}


def test_sms_outbox_to_filters_by_mobile(upgraded, capsys):
    _send_two()
    assert cli.main(["sms", "outbox", "--json", "--to", "0551234567"]) == 0
    messages = json.loads(capsys.readouterr().out)
    assert [(m["to"], m["body"]) for m in messages] == [("+966551234567", "code 1111")]


def test_sms_outbox_to_with_no_message_for_that_mobile(upgraded, capsys):
    _send_two()
    assert cli.main(["sms", "outbox", "--to", "0591234567"]) == 0
    assert capsys.readouterr().out == "the outbox is empty\n"


@pytest.mark.parametrize("last", ["0", "-3"])
def test_sms_outbox_last_below_1_is_refused(upgraded, capsys, last):
    assert cli.main(["sms", "outbox", "--last", last]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "--last" in line


def test_sms_outbox_to_a_landline_is_refused(upgraded, capsys):
    assert cli.main(["sms", "outbox", "--to", "0112345678"]) == 2
    _one_error_line(capsys.readouterr().err)


# --- the parser and the module entry point ---------------------------------------------------


def test_unknown_command_exits_2():
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["frobnicate"])
    assert excinfo.value.code == 2


def test_python_dash_m_runs_the_cli(db_url):
    env = {**os.environ, "REFLEX_DB_URL": db_url}
    result = subprocess.run(
        [sys.executable, "-m", "absher_app.cli", "sms", "outbox", "--last", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert result.stderr == "absher: error: --last must be at least 1\n"
