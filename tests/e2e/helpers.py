"""Helpers for journeys: read codes from the dev SMS outbox, run the operator CLI, sign in, switch
the language, answer the idle warning."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import time
from pathlib import Path

import sqlalchemy
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from absher_app.domain.demo import DEMO_PASSWORD
from absher_app.domain.identity import normalize_mobile
from absher_app.providers.sms import read_outbox

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `absher ARGS` against the app's database."""
    return subprocess.run([str(ROOT / ".venv/bin/absher"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True)


@functools.cache
def _engine(url: str) -> sqlalchemy.Engine:
    return sqlalchemy.create_engine(url)


def _newest_message(env: dict[str, str], mobile: str | None = None) -> tuple[int, str] | None:
    """(id, body) of the newest outbox message (to `mobile`), or None.

    Read in this process with the function behind `absher sms outbox` when the app's database
    is known: a CLI process per look cost 1-2 s, and sign-ins look several times. The journeys
    that check the operator's command itself still run it (test_recovery, test_messages, ...).
    """
    if "REFLEX_DB_URL" not in env:  # an external app (ABSHER_E2E_URL): ask its CLI
        args = ["sms", "outbox", "--last", "1", "--json", *(["--to", mobile] if mobile else [])]
        messages = json.loads(cli(*args, env=env).stdout or "[]")
        return (messages[0]["id"], messages[0]["body"]) if messages else None
    with Session(_engine(env["REFLEX_DB_URL"])) as session:
        found = read_outbox(session, to=normalize_mobile(mobile) if mobile else None, last=1)
    return (found[0].id, found[0].body) if found else None


def latest_code(env: dict[str, str], mobile: str, after_id: int = 0, timeout: float = 30) -> str:
    """The 6-digit code in the newest outbox message to `mobile` newer than `after_id`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        newest = _newest_message(env, mobile)
        if newest and newest[0] > after_id:
            match = re.search(r"\b(\d{6})\b", newest[1])
            if match:
                return match.group(1)
        time.sleep(0.3)
    raise AssertionError(f"no new code was sent to {mobile}")


def last_message_id(env: dict[str, str]) -> int:
    """Id of the newest outbox message (0 when empty)."""
    newest = _newest_message(env)
    return newest[0] if newest else 0


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


def fill_date(page: Page, legend: str, day, hijri: tuple[int, int, int] | None = None) -> None:
    """Type a date into the day, month and year boxes of the question `legend` (English):
    `day` in the Gregorian calendar, or with `hijri` (year, month, day) in the Hijri one."""
    group = page.get_by_role("group", name=legend, exact=True)
    if hijri is not None:
        group.get_by_label("Hijri", exact=True).check()
        year, month, day_of_month = hijri
    else:
        if group.get_by_label("Gregorian", exact=True).count():  # a date with a calendar
            group.get_by_label("Gregorian", exact=True).check()
        year, month, day_of_month = day.year, day.month, day.day
    group.get_by_label("Day", exact=True).fill(str(day_of_month))
    group.get_by_label("Month", exact=True).fill(str(month))
    group.get_by_label("Year", exact=True).fill(str(year))


def in_language(page: Page, lang: str = "en") -> None:
    """Switch the page to `lang` with the header's button (once the socket is up)."""
    from tests.e2e.conftest import wait_until_connected

    wait_until_connected(page)
    if page.locator("html").get_attribute("lang") != lang:
        page.get_by_role("button", name="English" if lang == "en" else "العربية").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def signed_in_page(browser: Browser, base_url: str, env: dict[str, str], who: dict) -> Page:
    """A browser of its own (a new context) signed in as `who` ({"user", "mobile"}), in
    English: for journeys with two people at once."""
    page = browser.new_context(base_url=base_url).new_page()
    sign_in(page, env, who["user"], DEMO_PASSWORD, who["mobile"])
    in_language(page, "en")
    return page


def idle_warning_then_stay(page: Page, shot: str) -> None:
    """With the page's clock installed: no warning at 12 min 50 s, the warning at 13 min 5 s
    ("Stay signed in" focused, axe-clean, screenshot `shot`), and "Stay signed in" closes it."""
    from tests.e2e.conftest import assert_accessible, screenshot

    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_have_count(0)
    page.clock.fast_forward("12:50")
    page.wait_for_timeout(500)
    expect(dialog).to_have_count(0)  # not yet: 13 minutes
    page.clock.fast_forward("00:15")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name("Your session will end in 2 minutes")
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    assert_accessible(page)
    screenshot(page, shot)
    stay.click()
    expect(dialog).to_have_count(0)
