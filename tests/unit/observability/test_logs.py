"""Structured logs: JSON lines with the event context, and no personal number or secret."""

from __future__ import annotations

import io
import json
import logging

import pytest

from absher_app.observability.logs import configure_logging, event_context, redact


@pytest.mark.parametrize("text, gone", [
    ("person 1000000008 signed in", "1000000008"),
    ("iqama=2000000006;", "2000000006"),
    ("sent to +966551234567", "551234567"),
    ("sent to 0551234567 and 00966551234568", "55123456"),
    ("your code is 482913", "482913"),
    ("password=Hunter2Hunter2 next", "Hunter2Hunter2"),
    ('{"password": "s3cret pass"}', "s3cret"),
    ("GET /auth/session?ticket=abcDEF123ghiJKL456mno HTTP/1.1", "abcDEF123ghiJKL456mno"),
    ("cookie absher_session=Zk3vQ9x_Lm2pR7tY8uW1eA0bC", "Zk3vQ9x_Lm2pR7tY8uW1eA0bC"),
])
def test_redact_masks_identifiers_codes_and_secrets(text, gone):
    assert gone not in redact(text)


def test_redact_keeps_what_is_not_personal():
    text = "bill 30012345678901 paid; request 7000000000; 2026-11-30 11:30; took 12 ms"
    assert redact(text) == text
    assert redact("login.LoginState.submit_credentials") == \
        "login.LoginState.submit_credentials"


def test_json_lines_carry_the_event_context_and_extras():
    stream = io.StringIO()
    handler = configure_logging("json", "INFO", stream)
    try:
        log = logging.getLogger("absher.test")
        with event_context("login.LoginState.submit") as ctx:
            log.info("signing in %s", "1000000008", extra={"mobile": "+966551234567"})
            ctx.outcome = "refused"
            log.warning("refused")
        log.info("outside")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["signing in 1*******08", "refused", "outside"]
    assert lines[0]["handler"] == "login.LoginState.submit"
    assert lines[0]["event_id"] == lines[1]["event_id"] and len(lines[0]["event_id"]) == 16
    assert lines[1]["outcome"] == "refused"
    assert "event_id" not in lines[2]
    assert "551234567" not in lines[0]["mobile"]
    assert "1000000008" not in stream.getvalue()


def test_exceptions_are_logged_redacted():
    stream = io.StringIO()
    handler = configure_logging("json", "INFO", stream)
    try:
        try:
            raise ValueError("no account for 1000000008")
        except ValueError:
            logging.getLogger("absher.test").exception("failed")
    finally:
        logging.getLogger().removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert "ValueError" in line["exception"] and "1000000008" not in line["exception"]
