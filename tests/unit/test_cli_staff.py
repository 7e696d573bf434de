"""`absher staff create|unlock|code` (QA-CONTRACT §1: create prints the authenticator key once)."""

from __future__ import annotations

import io
import re

import pyotp

from absher_app import cli
from tests.unit.test_cli import _clear_caches, db_url, upgraded  # noqa: F401 - fixtures

PASSWORD = "Counter staff 2026 pass"


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_create_reads_the_password_from_stdin_and_prints_the_key_once(upgraded, monkeypatch,
                                                                       capsys):
    assert cli.main(["seed", "demo"]) == 0
    _stdin(monkeypatch, f"{PASSWORD}\n")
    assert cli.main(["staff", "create", "Sara.Clerk", "--role", "activation_clerk",
                     "--office", "jed-01"]) == 0
    out = capsys.readouterr().out
    assert "staff account sara.clerk created: activation_clerk, office JED-01" in out
    secret = re.search(r"^\s+([A-Z2-7]{32})$", out, re.M).group(1)
    assert f"secret={secret}" in out and PASSWORD not in out
    assert cli.main(["staff", "code", "sara.clerk"]) == 0
    assert pyotp.TOTP(secret).verify(capsys.readouterr().out.strip(), valid_window=1)
    assert cli.main(["staff", "unlock", "sara.clerk"]) == 0


def test_create_refuses_bad_input_in_one_line(upgraded, monkeypatch, capsys):
    for argv, stdin, reason in (
        (["staff", "create", "sara.clerk", "--role", "admin"], "", "standard input"),
        (["staff", "create", "sara.clerk", "--role", "admin"], "short\n", "8 characters"),
        (["staff", "create", "sara.clerk", "--role", "admin", "--office", "NOPE-1"],
         f"{PASSWORD}\n", "branch"),
        (["staff", "create", "sara.clerk", "--role", "admin"], f"{PASSWORD}\nother one\n",
         "not the same"),
        (["staff", "code", "nobody"], "", "no such staff"),
    ):
        _stdin(monkeypatch, stdin)
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and reason in err.lower(), (argv, err)


def test_code_is_refused_in_production(upgraded, monkeypatch, capsys):
    monkeypatch.setattr(cli, "_staff_code", cli._staff_code)
    from absher_app import settings

    class Prod:
        environment = "production"

    monkeypatch.setattr(settings, "get_settings", lambda: Prod())
    assert cli.main(["staff", "code", "clerk"]) == 2
    assert "not available in production" in capsys.readouterr().err
