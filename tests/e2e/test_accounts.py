"""Registration, activation and sign-in journeys, with codes read from the dev SMS outbox."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from absher_app.domain.calendars import today_in_riyadh
from absher_app.domain.demo import DEMO_PASSWORD, demo_ids, demo_records
from absher_app.providers.clock import SystemClock
from tests.e2e.conftest import assert_accessible, visit
from tests.e2e.helpers import cli, last_message_id, latest_code, sign_in

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "a long walk by the red sea"


def _record(key: str) -> dict:
    ids = demo_ids()
    return next(r for r in demo_records(today_in_riyadh(SystemClock()))
                if r["id_number"] == ids[key])


def _register(page: Page, app_env, key: str, category: str, username: str,
              country: str | None = None) -> dict:
    person = _record(key)
    visit(page, "/register")
    page.get_by_role("button", name="English").click()
    page.get_by_label({"citizen": "Citizen", "resident": "Resident", "gcc": "GCC citizen",
                       "visitor": "Visitor", "dependent": "Dependant of a resident"}[category],
                      exact=True).check()
    page.get_by_label("ID, iqama or border number").fill(person["id_number"])
    page.get_by_label("Mobile number").fill(person["mobile"])
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    if country:
        page.get_by_label("Country").select_option(country)
    page.get_by_label("I accept the terms").check()
    before = last_message_id(app_env)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Verification code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Verification code").fill(latest_code(app_env, person["mobile"], before))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    expect(page.get_by_text("Very strong")).to_be_visible()
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    assert_accessible(page)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Your account is registered but not yet activated")
           ).to_be_visible()
    assert_accessible(page)
    # Coming back to /register in the same tab starts a new, empty registration.
    visit(page, "/register")
    expect(page.get_by_label("ID, iqama or border number")).to_have_value("")
    expect(page.get_by_label("Username")).to_have_value("")
    return person


@pytest.mark.parametrize(
    ("key", "category", "username", "country", "activation"),
    [
        ("c2", "citizen", "sara_q", None, "bank"),
        ("r3", "resident", "maria.s", None, "kiosk"),
        ("g2", "gcc", "maryam_n", "AE", "cli"),
        ("v2", "visitor", "elena_p", "RU", "bank"),
        ("d1", "dependent", "mona_h", None, "kiosk"),
    ],
)
def test_register_activate_sign_in_sign_out(page: Page, app_env, key, category, username,
                                           country, activation):
    person = _register(page, app_env, key, category, username, country)

    # Not yet activated: signing in only explains how to activate.
    visit(page, "/login")
    page.get_by_label("ID number or username").fill(username)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Activate your account")).to_be_visible()

    if activation == "cli":
        result = cli("accounts", "activate", person["id_number"], "--channel", "office",
                     env=app_env)
        assert result.returncode == 0, result.stderr
    else:
        visit(page, f"/activate/{activation}")
        page.get_by_label("ID or iqama number").fill(person["id_number"])
        page.get_by_label("I have checked the account holder's identity").check()
        page.get_by_role("button", name="Activate account").click()
        expect(page.get_by_text("The account is activated.")).to_be_visible()

    sign_in(page, app_env, person["id_number"], NEW_PASSWORD, person["mobile"])
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {person['name_en']}")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url(re.compile(r"/login/?$"))
    page.goto("/dashboard")
    page.wait_for_url(re.compile(r"/login/?$"))


def test_registration_refuses_a_mobile_not_on_record(page: Page):
    person = _record("c3")
    visit(page, "/register")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Citizen", exact=True).check()
    page.get_by_label("ID, iqama or border number").fill(person["id_number"])
    page.get_by_label("Mobile number").fill("0500000009")
    page.get_by_label("Username").fill("someone_else")
    page.get_by_label("Email").fill("x@example.org")
    page.get_by_label("I accept the terms").check()
    page.get_by_role("button", name="Continue").click()
    alert = page.get_by_role("alert")
    # The same answer as for a number not in the registry (tests/e2e/test_security_*.py).
    expect(alert).to_contain_text("do not match the civil registry")
    expect(alert).to_contain_text("punishable offence")
    # Nothing typed is lost.
    expect(page.get_by_label("Username")).to_have_value("someone_else")
    assert_accessible(page)


def test_demo_account_signs_in_in_arabic(page: Page, app_env):
    person = _record("c1")
    sign_in(page, app_env, "mohammed", DEMO_PASSWORD, person["mobile"])
    expect(page.get_by_role("heading", level=1)).to_have_text(f"مرحباً، {person['name_ar']}")
    assert_accessible(page)


def test_wrong_password_message_is_the_same_for_unknown_users(page: Page):
    visit(page, "/login")
    page.get_by_test_id("login-id").fill("nobody_here")
    page.get_by_test_id("login-password").fill("whatever password")
    page.get_by_test_id("login-submit").click()
    unknown = page.get_by_role("alert").inner_text()
    page.get_by_test_id("login-id").fill("turki")
    page.get_by_test_id("login-password").fill("not the password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_role("alert")).to_have_text(unknown)
    assert "غير صحيح" in unknown
