"""The staff back office: an activation clerk created with the CLI signs in with password and
authenticator app and activates a registered account at the office (the person can then sign
in, and sees the access in "who accessed my record"); a passports officer approves a request
and rejects another with a reason (the citizen sees both); citizens and staff without the
role are refused every staff page."""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
import subprocess

import pyotp
import pytest
from playwright.sync_api import Page, expect

from absher_app.domain.calendars import today_in_riyadh
from absher_app.domain.demo import DEMO_PASSWORD, demo_ids, demo_records
from absher_app.providers.clock import SystemClock
from tests.e2e.conftest import screenshot, visit, wait_until_connected
from tests.e2e.helpers import ROOT, cli, in_language, sign_in

pytestmark = pytest.mark.e2e

STAFF_PAGES = ("/staff", "/staff/activate", "/staff/requests", "/staff/requests/7000000000")
CLERK_PASSWORD = "Counter clerk e2e 2026"
STAFF_PASSWORD = "Back office e2e 2026"
_STAFF_SERIAL = itertools.count(1)


def _mobile(key: str) -> str:
    number = demo_ids()[key]
    return next(r["mobile"] for r in demo_records(today_in_riyadh(SystemClock()))
                if r["id_number"] == number)




def staff_sign_in(page: Page, username: str, password: str, secret: str) -> None:
    """Password, then the authenticator's current code. Each code works once per account, so
    every journey signs in with a staff account of its own (`new_staff`): a second sign-in of
    one account within the same 30 s step would have to wait for the next code."""
    visit(page, "/staff/login")
    in_language(page)
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Verification code")).to_be_visible()
    page.get_by_label("Verification code").fill(pyotp.TOTP(secret).now())
    page.get_by_test_id("otp-submit").click()
    page.wait_for_url(re.compile(r"/staff/?$"))
    wait_until_connected(page)


@dataclasses.dataclass(frozen=True)
class Staff:
    """A staff account made for one journey with `absher staff create`."""

    username: str
    password: str
    secret: str


def new_staff(app_env: dict[str, str], role: str, office: str | None = None) -> Staff:
    """A fresh staff account with this role (and branch), created through the operator CLI as
    an administrator would: the password on standard input, the authenticator key printed."""
    username = f"{role.split('_')[0]}.{next(_STAFF_SERIAL)}.{os.getpid()}"
    created = subprocess.run([str(ROOT / ".venv/bin/absher"), "staff", "create", username,
                              "--role", role, *(["--office", office] if office else [])],
                             input=f"{STAFF_PASSWORD}\n", env=app_env, cwd=ROOT,
                             capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    secret = re.search(r"^\s+([A-Z2-7]{32})$", created.stdout, re.M).group(1)
    return Staff(username, STAFF_PASSWORD, secret)


def sign_in_new_staff(page: Page, app_env: dict[str, str], role: str,
                      office: str | None = None) -> Staff:
    """A fresh staff account with this role, signed in on `page`."""
    member = new_staff(app_env, role, office)
    staff_sign_in(page, member.username, member.password, member.secret)
    return member


def test_clerk_created_by_cli_activates_an_account_at_the_office(page: Page, app_env):
    # The password comes on standard input (never on the command line).
    created = subprocess.run([str(ROOT / ".venv/bin/absher"), "staff", "create", "clerk.e2e",
                              "--role", "activation_clerk", "--office", "JED-01"],
                             input=f"{CLERK_PASSWORD}\n", env=app_env, cwd=ROOT,
                             capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    secret = re.search(r"^\s+([A-Z2-7]{32})$", created.stdout, re.M).group(1)

    # Hind registered but is not activated: she cannot sign in yet.
    visit(page, "/login")
    page.get_by_test_id("login-id").fill("hind")
    page.get_by_test_id("login-password").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("otp-code")).to_have_count(0)

    staff_sign_in(page, "clerk.e2e", CLERK_PASSWORD, secret)
    expect(page.get_by_test_id("staff-role")).to_have_text("Activation clerk")
    expect(page.get_by_role("link", name="Review requests")).to_have_count(0)
    screenshot(page, "staff-console-en")
    page.get_by_role("link", name="Activate accounts at the office").click()
    page.wait_for_url(re.compile(r"/staff/activate/?$"))
    wait_until_connected(page)
    page.get_by_label("ID or iqama number").fill(demo_ids()["c1"])
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("alert")).to_contain_text("already activated")
    page.get_by_label("ID or iqama number").fill(demo_ids()["c9"])
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_test_id("person-name")).to_be_visible()
    page.get_by_role("button", name="Activate the account").click()
    expect(page.get_by_role("alert")).to_contain_text("checked the details")
    screenshot(page, "staff-activate-en")
    page.set_viewport_size({"width": 360, "height": 800})
    page.get_by_role("button", name="العربية").click()
    screenshot(page, "staff-activate-ar-360")
    page.get_by_role("button", name="English").click()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_label(re.compile("I checked the name")).check()
    page.get_by_role("button", name="Activate the account").click()
    expect(page.get_by_role("status").filter(has_text="is activated")).to_be_visible()
    # The clerk may not review requests.
    visit(page, "/staff/requests")
    page.wait_for_url(re.compile(r"/staff/not-allowed/?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/staff/login/?$"))

    # Hind can now sign in, and sees who opened her record.
    sign_in(page, app_env, "hind", DEMO_PASSWORD, _mobile("c9"))
    visit(page, "/account")
    in_language(page)
    region = page.get_by_role("region", name="Who accessed my record")
    expect(region).to_contain_text("Staff: Activation clerk")
    expect(region).to_contain_text("Jeddah Passports - Al Rawdah")
    expect(region).to_contain_text("Account activation at the office")
    region.scroll_into_view_if_needed()
    screenshot(page, "account-record-access-en")


def _passport_request(page: Page, app_env, years: str) -> str:
    """Mohammed applies for his own passport with post delivery and the bill is paid: the
    request is then in review."""
    visit(page, "/services")
    page.get_by_role("link", name="Issue or renew a Saudi passport").click()
    page.get_by_label(re.compile("^Myself")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(f"{years} years").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Delivery by Saudi Post to my national address").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Short address").fill("RRRD2929")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Submit the request").click()
    reference = page.get_by_test_id("reference").inner_text().strip()
    visit(page, f"/transactions/{reference}")
    paid = cli("bills", "pay", page.get_by_test_id("bill-number").inner_text().strip(),
               env=app_env)
    assert paid.returncode == 0, paid.stderr
    return reference


def test_officer_approves_one_request_and_rejects_another(page: Page, app_env, browser,
                                                          base_url):
    sign_in(page, app_env, "mohammed", DEMO_PASSWORD, _mobile("c1"))
    in_language(page)
    first = _passport_request(page, app_env, "10")
    officer = browser.new_context(base_url=base_url)
    staff_page = officer.new_page()
    sign_in_new_staff(staff_page, app_env, "passports_officer")
    visit(staff_page, "/staff/requests")
    staff_page.get_by_role("link", name=first).click()
    staff_page.wait_for_url(re.compile(rf"/staff/requests/{first}/?$"))
    wait_until_connected(staff_page)
    expect(staff_page.get_by_test_id("status")).to_have_text("In review")
    screenshot(staff_page, "staff-review-en")
    staff_page.get_by_role("button", name="Reject the request").click()
    expect(staff_page.get_by_role("alert")).to_contain_text("reason for the rejection")
    staff_page.get_by_label("Reason for the rejection").fill("The photo does not meet the rules")
    staff_page.get_by_role("button", name="Reject the request").click()
    expect(staff_page.get_by_test_id("status")).to_have_text("Rejected")

    # One passport request at a time: the second can be made once the first is decided.
    second = _passport_request(page, app_env, "5")
    visit(staff_page, f"/staff/requests/{second}")
    staff_page.get_by_role("button", name="Approve the request").click()
    expect(staff_page.get_by_test_id("status")).to_have_text("Approved")
    staff_page.get_by_role("button", name="Record the next delivery step").click()
    expect(staff_page.get_by_test_id("delivery-status")).to_contain_text("Saudi Post")
    staff_page.set_viewport_size({"width": 360, "height": 800})
    staff_page.get_by_role("button", name="العربية").click()
    screenshot(staff_page, "staff-review-ar-360")
    officer.close()

    visit(page, f"/transactions/{first}")
    expect(page.get_by_test_id("status")).to_have_text("Rejected")
    expect(page.get_by_text("The photo does not meet the rules")).to_be_visible()
    visit(page, f"/transactions/{second}")
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    visit(page, "/account")
    expect(page.get_by_role("region", name="Who accessed my record")).to_contain_text(
        "Review of a request")


def test_a_signed_in_citizen_cannot_open_any_staff_page(page: Page, app_env):
    sign_in(page, app_env, "jassim", DEMO_PASSWORD, _mobile("g1"))
    for path in STAFF_PAGES:
        page.goto(path)
        page.wait_for_url(re.compile(r"/staff/not-allowed/?$"))
        wait_until_connected(page)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            re.compile("Not allowed|غير مسموح"))
        expect(page.get_by_text(re.compile("Find|بحث"), exact=True)).to_have_count(0)
    screenshot(page, "staff-not-allowed")


def test_staff_without_the_role_are_refused(page: Page, app_env):
    sign_in_new_staff(page, app_env, "branch_manager", "RUH-01")
    for path in ("/staff/activate", "/staff/requests"):
        visit(page, path)
        page.wait_for_url(re.compile(r"/staff/not-allowed/?$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
