"""Forgotten password end to end, with codes and notices read from the dev SMS outbox."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from absher_app.domain.demo import DEMO_PASSWORD
from tests.e2e.conftest import (
    assert_accessible,
    screenshot,
    visit,
    wait_until_connected,
)
from tests.e2e.helpers import cli, last_message_id, latest_code, sign_in
from tests.e2e.people import Person, people  # noqa: F401  (people is a fixture)

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "a quiet harbour at dawn 88"
CODE_SENT = re.compile(r"If the details match an account, we sent a 6-digit code to")


def _outbox(app_env, mobile: str, last: int = 1) -> list[dict]:
    out = cli("sms", "outbox", "--to", mobile, "--last", str(last), "--json", env=app_env)
    return json.loads(out.stdout or "[]")


def _start(page: Page, person: Person, mobile: str | None = None) -> None:
    """/forgot-password in English, up to the code step."""
    visit(page, "/forgot-password")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recover your password")
    page.get_by_label("ID, iqama or border number").fill(person.id_number)
    page.get_by_label("Mobile number").fill(mobile or person.mobile)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text(CODE_SENT)).to_be_visible()


def _answer_birth_date(page: Page, birth_date: str) -> None:
    year, month, day = birth_date.split("-")
    page.get_by_label("Day").fill(str(int(day)))
    page.get_by_label("Month").fill(str(int(month)))
    page.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Continue").click()


def test_forgotten_password_end_to_end(page: Page, browser: Browser, base_url, app_env,
                                       people):
    person = people["recover"]
    # The same person is signed in on another device, which the reset will sign out.
    other = browser.new_context(base_url=base_url)
    other_page = other.new_page()
    sign_in(other_page, app_env, person.username, DEMO_PASSWORD, person.mobile)

    # The sign-in page links to recovery.
    visit(page, "/login")
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url(re.compile(r"/forgot-password/?$"))
    wait_until_connected(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Recover your password")
    assert_accessible(page)

    before = last_message_id(app_env)
    page.get_by_label("ID, iqama or border number").fill(person.id_number)
    page.get_by_label("Mobile number").fill(person.mobile)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text(CODE_SENT)).to_contain_text(person.mobile[-4:])
    # The resend countdown runs and holds the button back.
    expect(page.get_by_text(re.compile(r"You can ask for a new code in \d+ seconds"))
           ).to_be_visible()
    expect(page.get_by_role("button", name="Send a new code")).to_be_disabled()
    assert_accessible(page)
    page.get_by_label("Verification code").fill(latest_code(app_env, person.mobile, before))
    page.get_by_role("button", name="Verify").click()

    # The check question: a wrong date of birth is counted, then the passport number.
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    assert_accessible(page)
    _answer_birth_date(page, "1990-01-01")
    expect(page.get_by_role("alert")).to_have_text(
        "The answer does not match the civil registry. Tries left: 2.")
    page.get_by_label("Passport number").check()
    page.get_by_role("textbox", name="Passport number").fill(person.passport.lower())
    page.get_by_role("button", name="Continue").click()

    # The new password: the rules with their reason, the strength meter, then the change.
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    end_others = page.get_by_label("Sign out of all other devices where your account is "
                                   "signed in")
    expect(end_others).to_be_checked()
    page.get_by_label("New password", exact=True).fill("Zq8#vL2")
    page.get_by_label("Confirm new password").fill("Zq8#vL2")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_have_text(
        "The password must be at least 8 characters.")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    expect(page.get_by_text("Very strong")).to_be_visible()
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    assert_accessible(page)
    before_notice = last_message_id(app_env)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Your password has been changed")).to_be_visible()
    assert_accessible(page)
    # Not signed in by the reset.
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # The account holder is told by SMS (in the account's language, Arabic here).
    [notice] = _outbox(app_env, person.mobile)
    assert notice["id"] > before_notice
    assert notice["purpose"] == "password_reset"
    assert "تم تغيير كلمة مرور حسابك" in notice["body"]
    assert "إن لم تكن أنت" in notice["body"]

    # The other device was signed out.
    other_page.goto("/dashboard")
    other_page.wait_for_url(re.compile(r"/login/?$"))
    other.close()

    # The old password no longer works; the new one does, and still asks for the SMS code.
    visit(page, "/login")
    page.get_by_label("ID number or username").fill(person.username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text(
        "The ID number, username or password is not right.")
    page.get_by_label("ID number or username").fill(person.id_number)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Verification code")).to_be_visible()
    # The other device's sign-in code went out under a minute ago, so the page asks for that
    # one; it was used, so ask for a new one once the countdown allows.
    resend = page.get_by_role("button", name="Send a new code")
    expect(resend).to_be_enabled(timeout=70_000)
    before = last_message_id(app_env)
    resend.click()
    page.get_by_label("Verification code").fill(latest_code(app_env, person.mobile, before))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/dashboard/?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {person.name_en}")


def test_details_matching_no_account_look_the_same_and_send_nothing(page: Page, app_env,
                                                                    people):
    person = people["unmatched"]
    wrong_mobile = people["register"].mobile  # a real mobile, but not this person's
    before = last_message_id(app_env)
    _start(page, person, mobile=wrong_mobile)
    expect(page.get_by_text(CODE_SENT)).to_contain_text(wrong_mobile[-4:])
    expect(page.get_by_role("button", name="Send a new code")).to_be_disabled()
    assert_accessible(page)
    page.get_by_label("Verification code").fill("123456")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_have_text("The verification code is not right.")
    assert last_message_id(app_env) == before  # nothing was sent to anyone


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def _shots(page: Page, name: str) -> None:
    """The step at 360 px and at 1280 px wide."""
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(150)
        _no_sideways_scroll(page)
        screenshot(page, f"forgot-password-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_forgot_password_screenshots(page: Page, app_env, people, lang):
    person = people[f"shots_{lang}"]
    visit(page, "/forgot-password")
    if lang == "en":
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Recover your password")
    id_label, mobile_label, go = (("ID, iqama or border number", "Mobile number", "Continue")
                                  if lang == "en" else
                                  ("رقم الهوية أو الإقامة أو رقم الحدود", "رقم الجوال", "متابعة"))
    page.get_by_role("button", name=go).click()  # empty form: the errors, in the screenshot
    expect(page.get_by_role("alert")).to_be_visible()
    _shots(page, f"{lang}-1-details")
    before = last_message_id(app_env)
    page.get_by_label(id_label).fill(person.id_number)
    page.get_by_label(mobile_label).fill(person.mobile)
    page.get_by_role("button", name=go).click()
    code_box = page.get_by_test_id("otp-code")
    expect(code_box).to_be_visible()
    _shots(page, f"{lang}-2-code")
    code_box.fill(latest_code(app_env, person.mobile, before))
    page.get_by_test_id("otp-submit").click()
    expect(page.get_by_role("radio")).to_have_count(2)
    assert_accessible(page)
    _shots(page, f"{lang}-3-question")
    year, month, day = person.birth_date.split("-")
    for box, value in zip(page.locator(".date-input input").all(), (day, month, year),
                          strict=True):
        box.fill(value)
    page.get_by_role("button", name=go).click()
    password = page.locator("#field-password")
    expect(password).to_be_visible()
    password.fill(NEW_PASSWORD)
    page.locator("#field-password_confirm").fill(NEW_PASSWORD + "x")
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    _shots(page, f"{lang}-4-password")
    page.locator("#field-password_confirm").fill(NEW_PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert_accessible(page)
    _shots(page, f"{lang}-5-done")

