"""Defects 5 and 9 on the command line: deeply nested JSON gives the registry import one line and
exit status 2 (no RecursionError traceback); the demo's commands are refused in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from absher_app import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("shape", ["[" * 100_000 + "]" * 100_000,
                                   '{"a":' * 50_000 + "1" + "}" * 50_000,
                                   "[" + "[" * 2_000 + "]" * 2_000 + "]"])
def test_deeply_nested_json_is_one_line_and_exit_two(upgraded, tmp_path, capsys, shape):
    path = tmp_path / "deep.json"
    path.write_text(shape, encoding="utf-8")
    assert cli.main(["registry", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("absher: error: ")
    assert "Traceback" not in err and "RecursionError" not in err


def test_deeply_nested_json_from_the_console_command(tmp_path):
    # As an operator runs it: a separate process, its exit status and its stderr.
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    env = {**os.environ, "REFLEX_DB_URL": f"sqlite:///{tmp_path / 'x.db'}",
           "ABSHER_ENV": "test", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "absher_app.cli", "registry", "import",
                           str(path)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [["seed", "demo"], ["bills", "pay", "1234567890123"]])
def test_the_demo_s_commands_are_refused_in_production(command, monkeypatch, capsys):
    monkeypatch.setenv("ABSHER_ENV", "production")
    monkeypatch.setenv("ABSHER_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("ABSHER_SMS_PROVIDER", "none")
    monkeypatch.setenv("REFLEX_DB_URL", "postgresql+psycopg://absher@db.invalid:5432/absher")
    monkeypatch.setenv("ABSHER_PUBLIC_URL", "https://absher.example")
    monkeypatch.setenv("ABSHER_PAYMENT_NOTIFY_SECRET", "p" * 40)
    monkeypatch.setenv("ABSHER_PASSWORD_HASH_COST", "owasp")
    from absher_app.settings import get_settings

    get_settings.cache_clear()
    try:
        assert cli.main(command) == 2
    finally:
        get_settings.cache_clear()
    assert "never in production" in capsys.readouterr().err
