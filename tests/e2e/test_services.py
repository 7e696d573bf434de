"""Passports e-services through the one wizard: pre-check, steps, check answers, bill, payment,
review, delivery; drafts across sign-out and a restart; idempotent submission."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from absher_app.domain.calendars import gregorian_text, hijri_text, today_in_riyadh
from absher_app.domain.demo import DEMO_PASSWORD, demo_ids, demo_records
from absher_app.providers.clock import SystemClock
from tests.e2e.conftest import (
    REVIEW_SHOTS,
    assert_accessible,
    screenshot,
    visit,
    wait_until_connected,
)
from tests.e2e.helpers import cli, sign_in

pytestmark = pytest.mark.e2e


def _mobile(key: str) -> str:
    number = demo_ids()[key]
    return next(r["mobile"] for r in demo_records(today_in_riyadh(SystemClock()))
                if r["id_number"] == number)


def _sign_in_in_english(page: Page, app_env, username: str, key: str) -> None:
    sign_in(page, app_env, username, DEMO_PASSWORD, _mobile(key))
    wait_until_connected(page)
    if page.locator("html").get_attribute("lang") != "en":
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _open_service(page: Page, title: str) -> None:
    visit(page, "/services")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def _shots(page: Page, name: str) -> None:
    """The screenshot the issue asks for, in English then Arabic, back in English after."""
    screenshot(page, f"{name}-en-360", REVIEW_SHOTS)
    page.get_by_role("button", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    screenshot(page, f"{name}-ar-360", REVIEW_SHOTS)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _both_calendars(day: date) -> tuple[str, str]:
    return gregorian_text(day, "en"), hijri_text(day, "en")


def _pay_from_confirmation(page: Page, amount: int) -> str:
    reference = page.get_by_test_id("reference").inner_text().strip()
    assert re.fullmatch(r"\d{10}", reference)
    page.get_by_role("link", name="Pay now").click()
    page.wait_for_url(re.compile(r"/pay/?\?bill=\d{13}"))
    page.get_by_role("button", name=f"Pay SAR {amount}").click()
    expect(page.get_by_role("status")).to_have_text("Paid. Your transaction goes ahead now.")
    # A paid bill says so and offers no second payment (the bank never charges twice anyway).
    expect(page.get_by_test_id("bill-state")).to_have_text(
        "This bill is paid; there is nothing to pay.")
    expect(page.get_by_role("button", name=re.compile("^Pay SAR"))).to_have_count(0)
    page.get_by_role("link", name="Back to the transaction").click()
    page.wait_for_url(re.compile(rf"/transactions/{reference}/?$"))
    return reference


def test_resident_issues_exit_reentry_for_domestic_worker(page: Page, app_env):
    _sign_in_in_english(page, app_env, "ahmed", "r2")
    _open_service(page, "Issue an exit/re-entry visa")
    page.get_by_label("Maria Santos").check()
    _continue(page)
    expect(page.get_by_text("Step 1 of 2")).to_be_visible()
    _continue(page)  # nothing chosen: the problem is shown, nothing is lost
    expect(page.get_by_role("alert")).to_contain_text("Choose one of the options.")
    page.get_by_label("Single").check()
    _continue(page)
    page.get_by_label("Length in days").fill("30")
    _continue(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_text("Single visa, up to 2 months")).to_be_visible()
    page.get_by_role("button", name="Submit the request").click()
    expect(page.get_by_role("heading", name="Your request was submitted")).to_be_visible()
    reference = _pay_from_confirmation(page, 200)
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    expect(page.get_by_text("Visa number")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert reference in page.inner_text("h2")

    # Print: the visa itself, with both calendars, for the sponsor who applied.
    page.get_by_role("link", name="View and print the visa").click()
    page.wait_for_url(re.compile(rf"/transactions/{reference}/visa/?$"))
    expect(page.get_by_role("heading", level=2, name="Exit/re-entry visa (single)")).to_be_visible()
    assert_accessible(page)
    today = today_in_riyadh(SystemClock())
    expect(page.get_by_test_id("visa-number")).to_have_text(re.compile(r"^5\d{9}$"))
    expect(page.get_by_test_id("visa-kind")).to_have_text("Exit/re-entry visa (single)")
    expect(page.get_by_test_id("visa-holder")).to_have_text("Maria Santos")
    expect(page.get_by_test_id("visa-sponsor")).to_have_text(
        f"Ahmed Hassan Mahmoud ({demo_ids()['r2']})")
    expect(page.get_by_test_id("visa-duration")).to_have_text("30 days")
    expect(page.get_by_test_id("visa-status")).to_have_text("Valid")
    for key, day in (("issued_on", today), ("leave_before", today + timedelta(days=30)),
                     ("return_before", today + timedelta(days=30))):
        gregorian, hijri = _both_calendars(day)
        expect(page.get_by_test_id(f"visa-{key}")).to_contain_text(gregorian)
        expect(page.get_by_test_id(f"visa-{key}")).to_contain_text(hijri)
    # The print button opens the browser's print dialog; the print style shows the visa only.
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print the visa").click()
    page.wait_for_function("window.__printed === true")
    page.emulate_media(media="print")
    expect(page.locator(".visa-document")).to_be_visible()
    expect(page.get_by_role("button", name="Print the visa")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_hidden()
    page.emulate_media(media="screen")
    screenshot(page, "visa-print-en", REVIEW_SHOTS)
    page.set_viewport_size({"width": 360, "height": 800})
    _shots(page, "visa-print")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="Back to the transaction").click()
    page.wait_for_url(re.compile(rf"/transactions/{reference}/?$"))
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    _shots(page, "transaction-approved")

    # Nobody else may open it: another account holder is refused, told why, shown nothing.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login/?$"))
    _sign_in_in_english(page, app_env, "imran", "r4")
    visit(page, f"/transactions/{reference}/visa")
    expect(page.get_by_role("alert")).to_have_text(
        "You cannot open this visa: this request is not among your transactions. "
        "Only the person who applied for a visa can print it.")
    expect(page.locator(".visa-document")).to_have_count(0)
    expect(page.get_by_text("Maria Santos")).to_have_count(0)


def test_citizen_renews_passport_with_post_delivery(page: Page, app_env):
    page.set_viewport_size({"width": 360, "height": 800})
    _sign_in_in_english(page, app_env, "turki", "c8")
    _shots(page, "dashboard")
    _open_service(page, "Issue or renew a Saudi passport")
    page.get_by_label("10 years").check()
    _shots(page, "wizard-step")
    expect(page.get_by_label("10 years")).to_be_checked()  # the language switch lost nothing
    _continue(page)
    page.get_by_label("Delivery by Saudi Post to my national address").check()
    _continue(page)
    page.get_by_label("Short address").fill("rrrd 292")
    _continue(page)
    expect(page.get_by_role("alert")).to_contain_text("4 Latin letters then 4 digits")
    expect(page.get_by_label("Short address")).to_have_value("rrrd 292")
    page.get_by_label("Short address").fill("rrrd2929")
    _continue(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Total"))).to_contain_text("SAR 630")
    _shots(page, "check-answers")
    page.get_by_role("button", name="Submit the request").click()
    expect(page.get_by_test_id("reference")).to_be_visible()
    _shots(page, "confirmation")
    reference = _pay_from_confirmation(page, 630)
    expect(page.get_by_test_id("status")).to_have_text("In review")

    decided = cli("requests", "decide", reference, "approve", env=app_env)
    assert decided.returncode == 0, decided.stderr
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    tracking = page.get_by_test_id("tracking").inner_text().strip()
    for _ in range(3):
        advanced = cli("delivery", "advance", tracking, env=app_env)
        assert advanced.returncode == 0, advanced.stderr
    page.reload()
    expect(page.get_by_test_id("delivery-status")).to_have_text("Delivered")
    expect(page.get_by_test_id("status")).to_have_text("Delivered")
    expect(page.get_by_role("listitem").filter(has_text="Handed to Saudi Post")).to_be_visible()
    refused = cli("delivery", "advance", tracking, env=app_env)
    assert refused.returncode == 2 and "already delivered" in refused.stderr


def test_blocked_request_lists_every_blocker(page: Page, app_env):
    _sign_in_in_english(page, app_env, "khalid", "c4")
    _open_service(page, "Issue an exit/re-entry visa")
    # Khalid sponsors one worker only, so the wizard does not ask whom it is for.
    expect(page.get_by_text("For: Surya Prasad")).to_be_visible()
    region = page.get_by_role("region", name="You cannot make this request yet")
    expect(region).to_contain_text("unpaid traffic fines of SAR 200")
    expect(region).to_contain_text("iqama has expired")
    expect(region.get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)
    # Each fix is one click away, for the same worker.
    surya = demo_ids()["r6"]
    expect(region.get_by_role("link", name="Issue or renew an iqama")).to_have_attribute(
        "href", f"/services/iqama_renew?for={surya}")
    region.get_by_role("link", name="Pay traffic fines").click()
    page.wait_for_url(re.compile(rf"/services/traffic_fines_pay/?\?for={surya}$"))
    expect(page.get_by_role("heading", level=1, name="Pay traffic fines")).to_be_visible()
    expect(page.get_by_label("Surya Prasad")).to_be_checked()   # Khalid could pay his own too
    _continue(page)
    # Surya's one fine, by its number, date, violation and amount.
    page.get_by_label(re.compile(r"^Fine \d+ — Parking where it is not allowed, .*: SAR 200$")
                      ).check()
    _continue(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Parking where it is not allowed: fine"))
           ).to_contain_text("SAR 200")


def test_draft_survives_sign_out_and_restart(page: Page, app_env, app_server):
    _sign_in_in_english(page, app_env, "imran", "r4")
    _open_service(page, "Issue an exit/re-entry visa")
    page.get_by_label(re.compile("^Myself")).check()
    _continue(page)
    page.get_by_label("Multiple").check()
    _continue(page)
    page.get_by_label("Length in days").fill("40")
    _continue(page)  # beyond the iqama (25 days left): refused, value kept
    expect(page.get_by_role("alert")).to_contain_text("must fall within the iqama's validity")
    expect(page.get_by_label("Length in days")).to_have_value("40")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login/?$"))

    if app_server is not None:
        app_server.restart()
    _sign_in_in_english(page, app_env, "imran", "r4")
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_text("We picked up where you left off")).to_be_visible()
    page.get_by_label("Length in days").fill("20")
    _continue(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_text("Multiple", exact=True)).to_be_visible()
    page.get_by_role("button", name="Change Type of exit/re-entry visa").click()
    expect(page.get_by_label("Multiple")).to_be_checked()


# Scaled round too: the draft row lock that makes two submits one request, on
# PostgreSQL with two workers.
@pytest.mark.scaled
def test_double_submit_makes_one_request(page: Page, app_env):
    _sign_in_in_english(page, app_env, "ahmed", "r2")
    _open_service(page, "Issue or renew an iqama")
    page.get_by_label("Mona Ahmed Hassan").check()
    _continue(page)
    page.get_by_label("3 months").check()
    _continue(page)
    expect(page.get_by_text("Dependants' levy: 3 month(s) × SAR 400")).to_be_visible()
    # Two clicks before the server answers the first: what a double click or a retry sends.
    page.get_by_role("button", name="Submit the request").evaluate("b => { b.click(); b.click(); }")
    expect(page.get_by_test_id("reference")).to_be_visible()
    visit(page, "/transactions")
    expect(page.get_by_role("row").filter(has_text="Issue or renew an iqama")).to_have_count(1)
    # The dashboard counts it, with the bill's due date in both calendars (due in 3 days).
    visit(page, "/dashboard")
    tile = page.get_by_role("listitem").filter(
        has=page.get_by_role("link", name="My transactions", exact=True))
    gregorian, hijri = _both_calendars(today_in_riyadh(SystemClock()) + timedelta(days=3))
    expect(tile).to_contain_text("Unpaid bills: 1; the first is due")
    expect(tile).to_contain_text(gregorian)
    expect(tile).to_contain_text(hijri)
