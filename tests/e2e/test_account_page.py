"""The account pages: the overview (/account: details, language, who accessed my record) and one
page per task (authenticator app and backup codes, password, mobile, sign-in history and devices
with "this wasn't me", download my data, close account); and what the browser receives.

Every journey registers its own fictional person (imported through the CLI) so that locking,
closing or changing an account never touches a demo account another test file relies on.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import random
import re
import tempfile
import time
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from absher_app.domain.demo import demo_id
from absher_app.models import Account
from tests.e2e.conftest import assert_accessible, screenshot, visit, wait_until_connected
from tests.e2e.helpers import cli, last_message_id, latest_code, sign_in

pytestmark = pytest.mark.e2e
PASSWORD = "amber dunes under a quiet moon"
NEW_PASSWORD = "seven lanterns over the old harbour"
SESSION_COOKIE = "absher_session"
SIX_DIGITS = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")
DATA_URI_B64 = re.compile(r"data:[^,;\"]*;base64,([A-Za-z0-9+/=]+)")
_SERIALS = itertools.count()
# Random, so that a second run against the same database (ABSHER_E2E_URL) does not collide.
_BASE = random.randrange(10_000_000, 80_000_000)


# --- helpers -------------------------------------------------------------------------------------

def fresh_mobile() -> str:
    serial = _BASE + next(_SERIALS)
    return f"05{8 + serial % 2}{serial % 10_000_000:07d}"


def fresh_person(app_env) -> dict:
    """A new fictional citizen in the civil registry (through `absher registry import`)."""
    serial = _BASE + next(_SERIALS)
    person = {
        "id_number": demo_id("1", serial), "category": "citizen",
        "name_ar": "ضيف الاختبار", "name_en": "Test Guest", "birth_date": "1991-01-01",
        "gender": "M", "nationality": "SA", "mobile": fresh_mobile(),
        "traffic_fines_sar": 0, "travel_ban": False,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([person], handle)
    try:
        result = cli("registry", "import", handle.name, env=app_env)
    finally:
        os.unlink(handle.name)
    assert result.returncode == 0, result.stderr
    person["username"] = f"guest{serial}"
    return person


def register(page: Page, app_env, person: dict, username: str) -> None:
    """Register `person` through the pages, in English."""
    visit(page, "/register")
    if page.evaluate("document.documentElement.lang") != "en":
        page.get_by_role("button", name="English").click()
    page.get_by_label("Citizen", exact=True).check()
    page.get_by_label("ID, iqama or border number").fill(person["id_number"])
    page.get_by_label("Mobile number").fill(person["mobile"])
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("I accept the terms").check()
    before = last_message_id(app_env)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Verification code").fill(latest_code(app_env, person["mobile"], before))
    page.get_by_role("button", name="Verify").click()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Your account is registered but not yet activated")
           ).to_be_visible()


def new_account(page: Page, app_env) -> dict:
    """A fresh person, registered, activated (as an office would) and signed in, in English."""
    person = fresh_person(app_env)
    register(page, app_env, person, person["username"])
    result = cli("accounts", "activate", person["id_number"], "--channel", "office", env=app_env)
    assert result.returncode == 0, result.stderr
    sign_in(page, app_env, person["username"], PASSWORD, person["mobile"])
    return person


def db_account(app_env, username: str) -> Account:
    """The account row as the app stored it."""
    engine = create_engine(app_env["REFLEX_DB_URL"])
    try:
        with Session(engine) as session:
            return session.exec(select(Account).where(Account.username == username)).one()
    finally:
        engine.dispose()


def outbox(app_env, mobile: str, last: int = 50) -> list[dict]:
    """Messages to `mobile`, newest first."""
    out = cli("sms", "outbox", "--to", mobile, "--last", str(last), "--json", env=app_env)
    return json.loads(out.stdout or "[]")


def session_token(page: Page) -> str:
    [token] = [c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    return token


def region(page: Page, name: str) -> Locator:
    """A section of the account page, by its heading."""
    return page.get_by_role("region", name=name, exact=True)


# The overview's title, its details' heading and its list of tasks, per language.
OVERVIEW = {"en": ("My account", "Your details", "Manage your account"),
            "ar": ("حسابي", "بياناتك", "إدارة حسابك")}


def open_account_page(page: Page, lang: str = "en") -> None:
    title, details, _ = OVERVIEW[lang]
    visit(page, "/account")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(region(page, details)).to_be_visible()


def open_task(page: Page, title: str, lang: str = "en") -> Locator:
    """A task of the account, opened from the overview by its link; its page's main part."""
    open_account_page(page, lang)
    page.get_by_role("navigation", name=OVERVIEW[lang][2]).get_by_role(
        "link", name=title, exact=True).click()
    page.wait_for_url(re.compile(r"/account/[a-z]+/?$"))
    wait_until_connected(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.get_by_role("main")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url(re.compile(r"/login/?$"))


def submit_credentials(page: Page, login: str, password: str) -> None:
    visit(page, "/login")
    page.get_by_label("ID number or username").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


class TotpClock:
    """Codes from the authenticator app, never the same 30-second step twice (the server
    accepts each step once, within ±1 step of now)."""

    def __init__(self, key: str) -> None:
        self.totp = pyotp.TOTP(key)
        self.last_step = -1

    def next_code(self) -> str:
        while True:
            now_step = int(time.time()) // 30
            step = max(self.last_step + 1, now_step)
            if step <= now_step + 1:
                self.last_step = step
                return self.totp.at(step * 30)
            time.sleep(1)


class FrameRecorder:
    """Every websocket frame the page sends and receives (Reflex sends state deltas as
    Socket.IO text frames over its websocket; downloads arrive there as base64 data URIs)."""

    def __init__(self, page: Page) -> None:
        self.received: list[str] = []
        self.sent: list[str] = []
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        ws.on("framereceived", lambda payload: self.received.append(self._text(payload)))
        ws.on("framesent", lambda payload: self.sent.append(self._text(payload)))

    @staticmethod
    def _text(payload: str | bytes) -> str:
        text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
        decoded = []
        for chunk in DATA_URI_B64.findall(text):
            with contextlib.suppress(ValueError):
                decoded.append(base64.b64decode(chunk).decode("utf-8", "replace"))
        return "\n".join([text, *decoded])

    def mark(self) -> int:
        return len(self.received)


def assert_absent(frames: list[str], secrets: dict[str, str], where: str) -> None:
    for name, value in secrets.items():
        assert value, name
        hits = [i for i, frame in enumerate(frames) if value in frame]
        assert hits == [], f"{name} found in {where} frames {hits}"


def assert_tab_emptied(page: Page, frames: FrameRecorder, since: int, person: dict) -> None:
    """Once the person has left (signed out everywhere, locked, closed), the page this tab
    loads next receives nothing of theirs (every per-person state was emptied)."""
    wait_until_connected(page)
    page.wait_for_timeout(300)  # let the last frames arrive
    theirs = {"username": person["username"], "email": f"{person['username']}@example.org",
              "masked mobile": f"****{person['mobile'][-4:]}"}
    # Positive control: the account pages did send them before.
    assert all(any(v in f for f in frames.received[:since]) for v in theirs.values())
    assert_absent(frames.received[since:], theirs, "received after leaving")


# --- journeys ------------------------------------------------------------------------------------

def test_authenticator_backup_codes_my_data_and_no_secret_reaches_the_browser(page: Page,
                                                                              app_env):
    frames = FrameRecorder(page)
    person = new_account(page, app_env)
    username = person["username"]
    tokens = [session_token(page)]
    section = open_task(page, "Authenticator app and backup codes")
    assert len(frames.received) > 5, "the recorder sees the Socket.IO frames"

    # Enrol: password, then the QR code and the key as text, then a code from the app.
    section.get_by_label("Current password").fill(PASSWORD)
    enrolment_starts = frames.mark()
    section.get_by_role("button", name="Set up an authenticator app").click()
    expect(section.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    shown_key = section.get_by_test_id("totp-key").inner_text()
    screenshot(page, "account-totp-scan-en-1280")
    key = shown_key.replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", key) and shown_key == " ".join(re.findall(".{4}", key))
    assert_accessible(page)
    app = TotpClock(key)
    section.get_by_label("Code from the app").fill("000000" if app.totp.now() != "000000"
                                                   else "111111")
    section.get_by_role("button", name="Turn on the authenticator app").click()
    expect(section.get_by_role("alert")).to_contain_text("The verification code is not right.")
    section.get_by_label("Code from the app").fill(app.next_code())
    section.get_by_role("button", name="Turn on the authenticator app").click()
    codes_list = section.get_by_role("list", name="Backup codes")
    expect(codes_list.get_by_role("listitem")).to_have_count(10)
    expect(section.get_by_role("status")).to_contain_text("The authenticator app is on.")
    enrolment_ends = frames.mark()
    screenshot(page, "account-backup-codes-en-1280")
    backup = [c.strip() for c in codes_list.get_by_role("listitem").all_inner_texts()]
    assert all(re.fullmatch(r"[2-9A-Z]{5}-[2-9A-Z]{5}", c) for c in backup), backup
    assert_accessible(page)
    with page.expect_download() as download_info:
        section.get_by_role("button", name="Download codes").click()
    saved = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert all(code in saved for code in backup)
    section.get_by_role("button", name="I have saved my codes").click()
    expect(section.get_by_text("Backup codes left: 10")).to_be_visible()
    expect(codes_list).to_have_count(0)
    codes_shown_until = frames.mark()
    totp_secret = db_account(app_env, username).totp_secret
    assert totp_secret == key
    # The key as shown (in groups of four) is what the enrolment step sent.
    assert any(shown_key in frame for frame in frames.received[enrolment_starts:enrolment_ends])

    # Sign in with the authenticator app: SMS is not offered.
    sign_out(page)
    before = last_message_id(app_env)
    submit_credentials(page, username, PASSWORD)
    expect(page.get_by_text("Enter the code shown in your authenticator app.")).to_be_visible()
    page.get_by_label("Verification code").fill(app.next_code())
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/dashboard/?$"))
    assert last_message_id(app_env) == before  # no SMS for an app user
    tokens.append(session_token(page))

    # A backup code works once; the second use is refused with its message.
    for attempt in ("first", "second"):
        sign_out(page)
        submit_credentials(page, username, PASSWORD)
        page.get_by_role("button", name="Use a backup code").click()
        expect(page.get_by_text("Enter one of your backup codes.")).to_be_visible()
        page.get_by_label("Verification code").fill(backup[0])
        page.get_by_role("button", name="Verify").click()
        if attempt == "first":
            page.wait_for_url(re.compile(r"/dashboard/?$"))
            tokens.append(session_token(page))
    expect(page.get_by_role("alert")).to_have_text(
        "This backup code is not right or was already used.")
    assert_accessible(page)
    page.get_by_label("Verification code").fill(backup[1].lower().replace("-", ""))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/dashboard/?$"))
    tokens.append(session_token(page))

    # The account after a backup-code sign-in: history, devices, download my data.
    open_task(page, "Sign-in history and devices")
    history = region(page, "Sign-in history")
    expect(history.get_by_role("row", name=re.compile("Backup code used"))).to_have_count(2)
    expect(history.get_by_role("row", name=re.compile("Authenticator app turned on"))
           ).to_have_count(1)
    expect(history.get_by_role("row", name=re.compile("Wrong verification code"))
           ).to_have_count(2)
    expect(open_task(page, "Authenticator app and backup codes").get_by_text(
        "Backup codes left: 8")).to_be_visible()
    with page.expect_download() as download_info:
        open_task(page, "Your personal data").get_by_role(
            "button", name="Download my data (JSON)").click()
    download = download_info.value
    assert re.fullmatch(r"absher-my-data-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))

    # New backup codes (password again), then back to SMS with the password and an app code.
    section = open_task(page, "Authenticator app and backup codes")
    renew = section.get_by_role("form", name="New backup codes")
    renew.get_by_label("Current password").fill(PASSWORD)
    renew.get_by_role("button", name="Make new backup codes").click()
    expect(section.get_by_role("list", name="Backup codes").get_by_role("listitem")
           ).to_have_count(10)
    renewed = section.get_by_role("list", name="Backup codes").get_by_role("listitem"
                                                                          ).all_inner_texts()
    assert not set(renewed) & set(backup)
    section.get_by_role("button", name="I have saved my codes").click()
    turn_off = section.get_by_role("form", name="Turn off the authenticator app")
    turn_off.get_by_label("Current password").fill(PASSWORD)
    turn_off.get_by_label("Code from the app, or a backup code").fill(app.next_code())
    turn_off.get_by_role("button", name="Turn off and use text messages").click()
    expect(section.get_by_role("status")).to_have_text(
        "The authenticator app is off. Sign-in codes will come by text message.")
    expect(section.get_by_role("button", name="Set up an authenticator app")).to_be_visible()
    assert db_account(app_env, username).totp_secret is None
    frames_end = frames.mark()
    page.wait_for_timeout(300)  # let the last frames arrive

    account = db_account(app_env, username)
    sms_codes = {code for m in outbox(app_env, person["mobile"])
                 for code in SIX_DIGITS.findall(m["body"])}
    assert sms_codes, "the registration and sign-in codes were texted"
    always_secret = {"password hash": account.password_hash, "password": PASSWORD,
                     **{f"session token {i}": tok for i, tok in enumerate(tokens)},
                     **{f"SMS code {code}": code for code in sms_codes}}

    # The export: the person's record and account, and none of their secrets.
    sections = data["sections"]
    assert sections["registry_record"]["id_number"] == person["id_number"]
    assert sections["account"]["username"] == username
    assert sections["account"]["totp_enabled"] is True
    assert sections["account"]["backup_codes"] == {"total": 10, "unused": 8}
    assert "password_hash" not in sections["account"]
    exported = json.dumps(data, ensure_ascii=False)
    assert_absent([exported], {**always_secret, "TOTP secret": totp_secret,
                               "TOTP secret as shown": shown_key,
                               **{f"backup code {c}": c for c in backup}}, "export")

    # What the browser received: never the hash, a session token, an SMS code or the password;
    # the TOTP key only during enrolment; the backup codes only while shown.
    assert len(frames.received) >= frames_end > codes_shown_until > enrolment_ends
    # Positive controls: the recorder does see what the pages show.
    assert any(username in frame for frame in frames.received)
    assert any(backup[0] in frame for frame in frames.received[enrolment_ends:codes_shown_until])
    assert_absent(frames.received, always_secret, "received")
    assert_absent(frames.received[:enrolment_starts] + frames.received[enrolment_ends:],
                  {"TOTP secret": totp_secret, "TOTP secret as shown": shown_key},
                  "received (outside enrolment)")
    assert_absent(frames.received[:enrolment_starts] + frames.received[codes_shown_until:],
                  {f"backup code {c}": c for c in backup}
                  | {f"backup code {c}": c.replace("-", "") for c in backup},
                  "received (outside the backup-code step)")
    # The browser never sends the session token over the websocket either.
    assert_absent(frames.sent, {f"session token {i}": tok for i, tok in enumerate(tokens)},
                  "sent")


def test_change_password_then_sign_in_with_the_new_one(page: Page, app_env):
    person = new_account(page, app_env)
    section = open_task(page, "Change password")
    section.get_by_label("Current password").fill("not my password at all")
    section.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    section.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    section.get_by_role("button", name="Save new password").click()
    expect(section.get_by_role("alert")).to_have_text("The current password is not right.")
    expect(section.get_by_label("Current password")).to_have_attribute("aria-invalid", "true")
    # Nothing typed is lost.
    expect(section.get_by_label("New password", exact=True)).to_have_value(NEW_PASSWORD)
    expect(section.get_by_label("Confirm new password")).to_have_value(NEW_PASSWORD)
    assert_accessible(page)

    section.get_by_label("Current password").fill(PASSWORD)
    section.get_by_role("button", name="Save new password").click()
    expect(section.get_by_role("status")).to_have_text(
        "Your password was changed. We sent a text message to your mobile.")
    expect(section.get_by_label("New password", exact=True)).to_have_value("")
    assert "password was changed" in outbox(app_env, person["mobile"], 1)[0]["body"]

    sign_out(page)
    submit_credentials(page, person["username"], PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(
        "The ID number, username or password is not right.")
    sign_in(page, app_env, person["username"], NEW_PASSWORD, person["mobile"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Test Guest")


def test_language_preference_switches_the_page_and_the_text_messages(
        page: Page, browser: Browser, base_url: str, app_env):
    person = new_account(page, app_env)
    # A browser that never chose a language takes the account's (English: registered so).
    fresh = browser.new_context(base_url=base_url)
    try:
        other = fresh.new_page()
        sign_in(other, app_env, person["username"], PASSWORD, person["mobile"])
        expect(other.get_by_role("heading", level=1)).to_have_text("Welcome, Test Guest")
        assert other.evaluate("document.documentElement.dir") == "ltr"
    finally:
        fresh.close()
    open_account_page(page)
    section = region(page, "Language")
    expect(section.get_by_label("English")).to_be_checked()  # registered in English
    section.get_by_label("Arabic (العربية)").check()
    section.get_by_role("button", name="Save language").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("حسابي")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    expect(region(page, "اللغة").get_by_role("status")).to_have_text("تم حفظ اللغة.")
    assert db_account(app_env, person["username"]).language == "ar"
    assert_accessible(page)
    # Notices now come in Arabic.
    password = open_task(page, "تغيير كلمة المرور", lang="ar")
    password.get_by_label("كلمة المرور الحالية").fill(PASSWORD)
    password.get_by_label("كلمة المرور الجديدة", exact=True).fill(NEW_PASSWORD)
    password.get_by_label("تأكيد كلمة المرور الجديدة").fill(NEW_PASSWORD)
    password.get_by_role("button", name="حفظ كلمة المرور الجديدة").click()
    expect(password.get_by_role("status")).to_contain_text("تم تغيير كلمة المرور")
    assert "تم تغيير كلمة مرور حسابك" in outbox(app_env, person["mobile"], 1)[0]["body"]


def test_change_mobile_with_a_code_sent_to_the_new_number(page: Page, app_env):
    person = new_account(page, app_env)
    old_mobile, new_mobile = person["mobile"], fresh_mobile()
    section = open_task(page, "Change mobile number")
    section.get_by_label("Current password").fill(PASSWORD)
    section.get_by_label("New mobile number").fill(old_mobile)
    section.get_by_role("button", name="Send code to the new number").click()
    expect(section.get_by_role("alert")).to_have_text("This is already your mobile number.")
    expect(section.get_by_label("Current password")).to_have_value(PASSWORD)

    before = last_message_id(app_env)
    section.get_by_label("New mobile number").fill(new_mobile)
    section.get_by_role("button", name="Send code to the new number").click()
    masked = f"+9665****{new_mobile[-4:]}"
    expect(section.get_by_text(f"We sent a 6-digit code to {masked}.")).to_be_visible()
    code = latest_code(app_env, new_mobile, before)
    assert outbox(app_env, old_mobile, 1)[0]["id"] <= before  # nothing went to the old one
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    section.get_by_label("Verification code").fill(wrong)
    section.get_by_role("button", name="Confirm new number").click()
    expect(section.get_by_role("alert")).to_have_text("The verification code is not right.")
    assert_accessible(page)
    section.get_by_label("Verification code").fill(code)
    section.get_by_role("button", name="Confirm new number").click()
    expect(section.get_by_role("status")).to_have_text(
        f"Your mobile number is now {masked}. We told your old number.")
    open_account_page(page)
    expect(region(page, "Your details").get_by_text(masked)).to_be_visible()
    notice = outbox(app_env, old_mobile, 1)[0]
    assert notice["purpose"] == "mobile_changed" and masked in notice["body"]

    # Sign-in codes now go to the new number.
    sign_out(page)
    sign_in(page, app_env, person["username"], PASSWORD, new_mobile)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Test Guest")


def test_sessions_and_sign_out_everywhere(page: Page, browser: Browser, base_url: str, app_env):
    frames = FrameRecorder(page)
    person = new_account(page, app_env)
    other_context = browser.new_context(base_url=base_url)
    try:
        other = other_context.new_page()
        sign_in(other, app_env, person["username"], PASSWORD, person["mobile"])
        open_task(page, "Sign-in history and devices")
        devices = region(page, "Signed-in devices")
        expect(devices.get_by_role("row")).to_have_count(3)  # the header and two devices
        expect(devices.get_by_text("This device", exact=True)).to_have_count(1)
        left = frames.mark()
        devices.get_by_role("button", name="Sign out everywhere").click()
        page.wait_for_url(re.compile(r"/login/?$"))
        page.goto("/account")
        page.wait_for_url(re.compile(r"/login/?$"))
        assert_tab_emptied(page, frames, left, person)
        other.goto("/account")
        other.wait_for_url(re.compile(r"/login/?$"))
        assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    finally:
        other_context.close()


def test_this_wasnt_me_locks_sign_in_until_a_password_reset(page: Page, app_env):
    frames = FrameRecorder(page)
    person = new_account(page, app_env)
    open_task(page, "Sign-in history and devices")
    section = region(page, "This wasn't me")
    section.get_by_role("button", name="Lock my account").click()
    expect(section.get_by_role("alert")).to_have_text(
        "Tick the box to confirm that you want to lock your account.")
    assert_accessible(page)
    section.get_by_label("I understand that my account stays locked").check()
    left = frames.mark()
    section.get_by_role("button", name="Lock my account").click()
    page.wait_for_url(re.compile(r"/login/?$"))
    assert_tab_emptied(page, frames, left, person)
    assert "account is locked" in outbox(app_env, person["mobile"], 1)[0]["body"]
    submit_credentials(page, person["username"], PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(
        "Your account is locked because you reported activity that was not you. "
        "Recover your password to unlock it.")
    assert db_account(app_env, person["username"]).status == "locked"


def test_close_account_and_register_again(page: Page, app_env):
    frames = FrameRecorder(page)
    person = new_account(page, app_env)
    section = open_task(page, "Close account")
    section.get_by_label("Current password").fill(PASSWORD)
    section.get_by_role("button", name="Close my account").click()
    expect(section.get_by_role("alert")).to_have_text(
        "Tick the box to confirm that you want to close your account.")
    expect(section.get_by_label("Current password")).to_have_value(PASSWORD)
    section.get_by_label("I want to close my account").check()
    left = frames.mark()
    section.get_by_role("button", name="Close my account").click()
    page.wait_for_url(re.compile(r"/login/?$"))
    assert_tab_emptied(page, frames, left, person)
    assert "account is closed" in outbox(app_env, person["mobile"], 1)[0]["body"]
    submit_credentials(page, person["username"], PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(
        "The ID number, username or password is not right.")
    assert db_account(app_env, person["username"]).password_hash == ""

    # The same ID may register again: a new account, to be activated again. (A new tab: the
    # registration wizard of this tab still shows its finished first registration.)
    register(page.context.new_page(), app_env, person, person["username"] + "b")
    assert db_account(app_env, person["username"] + "b").status == "registered"


def test_account_page_needs_sign_in(page: Page):
    page.goto("/account")
    page.wait_for_url(re.compile(r"/login/?$"))


@pytest.mark.parametrize("width", [360, 1280])
def test_account_page_screenshots(page: Page, app_env, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    new_account(page, app_env)
    page.get_by_role("link", name="My account").first.click()
    page.wait_for_url(re.compile(r"/account/?$"))
    wait_until_connected(page)
    for lang, title in (("en", "My account"), ("ar", "حسابي")):
        if lang == "ar":
            page.get_by_role("button", name="العربية").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.get_by_role("region", name=re.compile("Your details|بياناتك"))
               .first).to_be_visible()
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{lang} {width}: the page is {overflow}px wider than the viewport"
        path = screenshot(page, f"account-{lang}-{width}")
        assert path.stat().st_size > 10_000
