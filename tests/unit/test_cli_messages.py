"""`absher messages ...`, `absher branches ...` and `absher appointments check-in`: the staff
and branch manager's side of messages and appointments, from the command line."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from absher_app import cli
from absher_app.db import session_scope
from absher_app.domain import appointments, messages
from absher_app.domain.calendars import today_in_riyadh
from absher_app.domain.demo import load_demo
from absher_app.models import Account
from absher_app.providers.clock import SystemClock
from absher_app.providers.sms import OutboxSmsSender
from tests.unit.test_cli import _one_error_line, _scalar, db_url, upgraded  # noqa: F401

pytestmark = pytest.mark.usefixtures("upgraded")
SMS = OutboxSmsSender()


@pytest.fixture
def message_ref(upgraded, capsys) -> str:  # noqa: F811 - the imported fixture
    with session_scope() as session:
        load_demo(session, today_in_riyadh(SystemClock()))
    with session_scope() as session:
        account = session.exec(select(Account).where(Account.username == "imran")).one()
        return messages.send(session, account, sector="passports", topic="iqama",
                             subject="Renewal stuck", body="Pending for two weeks now.",
                             now=SystemClock().now(), sms=SMS).reference


def next_working_day() -> date:
    day = today_in_riyadh(SystemClock()) + timedelta(days=2)
    while not appointments.is_working_day(day):
        day += timedelta(days=1)
    return day


def test_list_answer_with_a_visit_and_close(message_ref, capsys):
    assert cli.main(["messages", "list", "--status", "sent", "--json"]) == 0
    assert [m["reference"] for m in json.loads(capsys.readouterr().out)] == [message_ref]
    assert cli.main(["messages", "answer", message_ref, "--text", "Please visit a branch.",
                     "--needs-visit"]) == 0
    assert capsys.readouterr().out == f"message {message_ref} is now answered (needs a visit)\n"
    assert cli.main(["messages", "show", message_ref]) == 0
    assert "Please visit a branch." in capsys.readouterr().out
    assert cli.main(["messages", "list", "--status", "sent"]) == 0
    assert capsys.readouterr().out == "no messages match\n"
    assert cli.main(["messages", "close", message_ref]) == 0
    assert capsys.readouterr().out == f"message {message_ref} is now closed (needs a visit)\n"
    assert cli.main(["messages", "close", message_ref]) == 2
    assert _one_error_line(capsys.readouterr().err) == "absher: error: this message is closed"


def test_bad_references_and_filters_fail_on_one_line(message_ref, capsys):
    assert cli.main(["messages", "answer", "5000000000", "--text", "hello there"]) == 2
    assert "no message has this reference" in _one_error_line(capsys.readouterr().err)
    assert cli.main(["messages", "list", "--sector", "army"]) == 2
    _one_error_line(capsys.readouterr().err)


def test_capacity_close_day_and_check_in(message_ref, upgraded, capsys):  # noqa: F811
    day = next_working_day()
    with session_scope() as session:
        account = session.exec(select(Account).where(Account.username == "imran")).one()
        booked = appointments.book(session, account, sector="passports", topic="iqama",
                                   branch_code="RUH-02", day=day, start="09:00",
                                   now=SystemClock().now(), sms=SMS)
        payload = appointments.qr_payload(booked)
    assert cli.main(["branches", "capacity", "ruh-02", "0", "--date", day.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "12 slots changed" in out and f"kept higher (already booked beyond it): " \
        f"{day.isoformat()} 09:00" in out
    assert cli.main(["appointments", "check-in", payload]) == 2
    assert "another day" in _one_error_line(capsys.readouterr().err)
    assert cli.main(["branches", "close-day", "RUH-02", day.isoformat(), "--reason",
                     "Power outage"]) == 0
    assert "1 appointment cancelled" in capsys.readouterr().out
    assert _scalar(upgraded, "select status from appointment") == "cancelled_by_branch"
    assert _scalar(upgraded, "select count(*) from smsmessage where purpose = "
                             "'appointment_bran'") == 1
    assert cli.main(["branches", "day", "RUH-02", day.isoformat()]) == 0
    assert "09:00  closed" in capsys.readouterr().out
    assert cli.main(["branches", "close-day", "RUH-02", "31-12-2026", "--reason", "x"]) == 2
    assert "is not a date" in _one_error_line(capsys.readouterr().err)
    assert cli.main(["branches", "capacity", "NOPE-1", "3"]) == 2
    assert "no branch" in _one_error_line(capsys.readouterr().err)
