"""Helpers for journeys: read codes from the dev SMS outbox, run the operator CLI."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `absher ARGS` against the app's database."""
    return subprocess.run([str(ROOT / ".venv/bin/absher"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True)


def latest_code(env: dict[str, str], mobile: str, after_id: int = 0, timeout: float = 30) -> str:
    """The 6-digit code in the newest outbox message to `mobile` newer than `after_id`.

    Each look is a CLI process (about a second, several on a loaded machine): wait long enough.
    """
    import json

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = cli("sms", "outbox", "--to", mobile, "--last", "1", "--json", env=env)
        messages = json.loads(out.stdout or "[]")
        if messages and messages[0]["id"] > after_id:
            match = re.search(r"\b(\d{6})\b", messages[0]["body"])
            if match:
                return match.group(1)
        time.sleep(0.3)
    raise AssertionError(f"no new code was sent to {mobile}")


def last_message_id(env: dict[str, str]) -> int:
    """Id of the newest outbox message (0 when empty)."""
    import json

    out = cli("sms", "outbox", "--last", "1", "--json", env=env)
    messages = json.loads(out.stdout or "[]")
    return messages[0]["id"] if messages else 0


def sign_in(page: Page, env: dict[str, str], login: str, password: str, mobile: str) -> None:
    """The whole sign-in: credentials, SMS code from the outbox, dashboard."""
    from tests.e2e.conftest import visit

    visit(page, "/login")
    before = last_message_id(env)
    page.get_by_test_id("login-id").fill(login)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("otp-code")).to_be_visible()
    page.get_by_test_id("otp-code").fill(latest_code(env, mobile, before))
    page.get_by_test_id("otp-submit").click()
    page.wait_for_url(re.compile(r"/dashboard/?$"))
