"""What a person sees when throttles hold them back: the password lock, the code lock, the
resend countdown, and the warning before an idle session ends."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from absher_app.domain.demo import DEMO_PASSWORD
from tests.e2e.conftest import assert_accessible, screenshot, visit, wait_until_connected
from tests.e2e.helpers import idle_warning_then_stay, last_message_id, latest_code, sign_in
from tests.e2e.people import people  # noqa: F401  (a fixture)

pytestmark = pytest.mark.e2e
WRONG = "not my password at all"
COUNTDOWN = re.compile(r"You can ask for a new code in (\d+) seconds\.")


def _english_login(page: Page) -> None:
    visit(page, "/login")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def _password(page: Page, login: str, password: str) -> None:
    page.get_by_label("ID number or username").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _to_code_step(page: Page, app_env, person) -> str:
    """Sign in with the password up to the code step; returns the code texted."""
    _english_login(page)
    before = last_message_id(app_env)
    _password(page, person.username, DEMO_PASSWORD)
    expect(page.get_by_label("Verification code")).to_be_visible()
    return latest_code(app_env, person.mobile, before)


# Scaled round too: wrong sign-ins are counted in the Redis-backed per-IP limit
# shared by the workers, and the lock is written to PostgreSQL.
@pytest.mark.scaled
def test_five_wrong_passwords_in_a_minute_lock_sign_in(page: Page, people):
    person = people["password_lock"]
    _english_login(page)
    for _ in range(4):
        _password(page, person.username, WRONG)
        expect(page.get_by_role("alert")).to_have_text(
            "The ID number, username or password is not right.")
    _password(page, person.username, WRONG)
    locked = ("Signing in is paused after repeated wrong passwords. "
              "Try again in 1 minute.")
    expect(page.get_by_role("alert")).to_have_text(locked)
    assert_accessible(page)
    # The right password is refused too while the lock lasts, by ID number as by username.
    _password(page, person.id_number, DEMO_PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(locked)
    expect(page.get_by_label("Verification code")).to_have_count(0)
    # In Arabic, the same message with its minutes.
    page.get_by_role("button", name="العربية").click()
    expect(page.get_by_role("alert")).to_have_text(
        "أُوقف الدخول مؤقتاً بسبب محاولات خاطئة متكررة. حاول مرة أخرى بعد دقيقة واحدة.")


def test_ten_wrong_codes_lock_code_entry(page: Page, app_env, people):
    person = people["code_lock"]
    code = _to_code_step(page, app_env, person)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    box = page.get_by_label("Verification code")
    for _attempt in range(1, 10):
        box.fill(wrong)
        page.get_by_role("button", name="Verify").click()
        expect(page.get_by_role("alert")).to_have_text("The verification code is not right.")
        expect(page.get_by_role("button", name="Verify")).to_be_enabled()
    box.fill(wrong)
    page.get_by_role("button", name="Verify").click()
    locked = "Too many wrong codes. Try again in 10 minutes."
    expect(page.get_by_role("alert")).to_have_text(locked)
    assert_accessible(page)
    # Even the right code is refused until the lock ends.
    box.fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_have_text(locked)
    expect(page).to_have_url(re.compile(r"/login/?$"))


def _seconds(page: Page) -> int:
    text = page.get_by_text(COUNTDOWN).inner_text()
    return int(COUNTDOWN.search(text).group(1))


def test_resend_countdown_counts_down_and_the_server_still_decides(page: Page, app_env,
                                                                   people):
    person = people["countdown"]
    page.clock.install()
    _to_code_step(page, app_env, person)
    resend = page.get_by_role("button", name="Send a new code")
    expect(resend).to_be_disabled()
    first = _seconds(page)
    assert 55 <= first <= 60
    screenshot(page, "login-countdown-en-1280")
    page.clock.run_for(3000)
    expect(page.get_by_text(COUNTDOWN)).not_to_have_text(f"{first} seconds", timeout=3000)
    assert _seconds(page) <= first - 2
    # Let the browser's clock run out: the button comes back, but the server counts real time
    # (a few seconds have passed) and answers with the time left, which restarts the count.
    page.clock.fast_forward("01:05")
    expect(resend).to_be_enabled()
    expect(page.get_by_text(COUNTDOWN)).to_have_count(0)
    before = last_message_id(app_env)
    resend.click()
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(r"Wait \d+ seconds before asking for a new code\."))
    expect(resend).to_be_disabled()
    expect(page.get_by_text(COUNTDOWN)).to_be_visible()
    assert last_message_id(app_env) == before  # no code was sent


def test_registration_shows_the_countdown_too(page: Page, people):
    person = people["register"]
    visit(page, "/register")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Citizen", exact=True).check()
    page.get_by_label("ID, iqama or border number").fill(person.id_number)
    page.get_by_label("Mobile number").fill(person.mobile)
    page.get_by_label("Username").fill("lama.countdown")
    page.get_by_label("Email").fill("lama@example.org")
    page.get_by_label("I accept the terms").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Verification code")).to_be_visible()
    expect(page.get_by_text(COUNTDOWN)).to_be_visible()
    expect(page.get_by_role("button", name="Send a new code")).to_be_disabled()
    assert_accessible(page)


def test_idle_warning_then_stay_signed_in_then_signed_out(page: Page, app_env, people):
    person = people["idle"]
    page.clock.install()  # before the page loads, so that its timers are the fake ones
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, app_env, person.username, DEMO_PASSWORD, person.mobile)
    wait_until_connected(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {person.name_en}")
    idle_warning_then_stay(page, "idle-warning-en-360")
    dialog = page.get_by_role("alertdialog")
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))

    # The count starts again from "Stay signed in": 13 more minutes before the next warning
    # (in Arabic this time).
    page.get_by_role("button", name="العربية").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"مرحباً، {person.name_ar}")
    page.clock.fast_forward("12:50")
    page.wait_for_timeout(500)
    expect(dialog).to_have_count(0)
    page.clock.fast_forward("00:15")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name("ستنتهي جلستك بعد دقيقتين")
    assert_accessible(page)
    screenshot(page, "idle-warning-ar-360")
    # Escape closes the warning and means "stay signed in": the count starts again.
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    # The browser closes its dialog at once; the server's restart of the count ("stay signed
    # in", then a new idle_serial) comes a round trip later. Jumping the page's clock before
    # it arrives would run out the old count: give it real time first.
    page.wait_for_timeout(1000)
    page.clock.fast_forward("12:50")
    page.wait_for_timeout(500)
    expect(dialog).to_have_count(0)
    page.clock.fast_forward("00:15")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="البقاء متصلاً")).to_be_focused()
    # Two more minutes without an answer: signed out, and told why.
    page.clock.fast_forward("02:05")
    page.wait_for_url(re.compile(r"/login/?\?reason=idle$"))
    wait_until_connected(page)
    expect(page.get_by_role("status")).to_have_text(
        "تم تسجيل خروجك بعد 15 دقيقة دون نشاط. سجّل الدخول مرة أخرى للمتابعة.")
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("status")).to_have_text(
        "You were signed out after 15 minutes without activity. Sign in again to continue.")
    page.goto("/dashboard")
    page.wait_for_url(re.compile(r"/login/?$"))
