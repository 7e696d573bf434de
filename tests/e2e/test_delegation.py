"""Electronic delegation, with two browser contexts (delegator and delegate): the wizard with
the SMS code, acceptance by reference number, an exit/re-entry visa issued on behalf for the
delegator's domestic worker, the activity feed, revocation and the refusal after it, a wrong
reference and an expired delegation, the certificate and the public /verify page.

The persons are fictional and imported through the registry (QA-CONTRACT §2), so that other
journeys' visas or delegations never get in the way; mobiles 05400002xx are theirs alone.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from absher_app.domain.calendars import today_in_riyadh
from absher_app.domain.demo import DEMO_PASSWORD, demo_id
from absher_app.providers.clock import SystemClock
from tests.e2e.conftest import ROOT, screenshot, visit, wait_until_connected
from tests.e2e.helpers import (
    cli,
    fill_date,
    in_language,
    last_message_id,
    latest_code,
    sign_in,
    signed_in_page,
)
from tests.e2e.people import add_people, registry_record, sponsored_worker

pytestmark = pytest.mark.e2e

DELEGATOR = {"id": demo_id("1", 77780001), "mobile": "0540000201", "user": "faris.delegator",
             "en": "Faris Saad Alqahtani", "ar": "فارس سعد القحطاني"}
DELEGATE = {"id": demo_id("1", 77780002), "mobile": "0540000202", "user": "nawaf.delegate",
            "en": "Nawaf Ali Alharbi", "ar": "نواف علي الحربي"}
WORKER = {"id": demo_id("2", 77780003), "mobile": "0540000203",
          "en": "Ramesh Babu", "ar": "راميش بابو"}

@pytest.fixture(scope="module")
def parties(app_url, app_env):
    today = today_in_riyadh(SystemClock())
    records = [registry_record(DELEGATOR, "1980-03-03", "A7780001"),
               registry_record(DELEGATE, "1992-06-06", "A7780002"),
               sponsored_worker(WORKER, "1990-01-01", "N7780003", DELEGATOR,
                                (today + timedelta(days=300)).isoformat(), today)]
    # A request made three weeks ago for ten days, never answered: its end date has passed.
    expired = {"reference": "8000000017", "delegator": DELEGATOR["id"],
               "delegate": DELEGATE["id"], "services": "iqama_renew", "start_days": -21,
               "days": 9, "status": "pending", "made_days_ago": 21}
    add_people("delegation-people", records,
               [[DELEGATOR["id"], DELEGATOR["user"]], [DELEGATE["id"], DELEGATE["user"]]],
               app_env, [expired])
    return DELEGATOR, DELEGATE






def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def _make_delegation(page: Page, app_env, today, shots: bool = False) -> str:
    visit(page, "/services")
    page.get_by_role("link", name="Electronic delegation for individuals").click()
    expect(page.get_by_role("heading", level=1,
                            name="Electronic delegation for individuals")).to_be_visible()
    page.get_by_label("General Directorate of Passports").check()
    if shots:
        screenshot(page, "delegation-wizard-sector-en-desktop")
    _continue(page)
    expect(page.get_by_role("heading", name="Delegated services")).to_be_visible()
    _continue(page)  # nothing ticked
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one option.")
    page.get_by_label("Issue an exit/re-entry visa").check()
    page.get_by_label("Issue or renew an iqama").check()
    if shots:
        page.set_viewport_size({"width": 360, "height": 800})
        screenshot(page, "delegation-wizard-services-en-360")
        page.set_viewport_size({"width": 1280, "height": 900})
    _continue(page)
    page.get_by_label("Delegate's ID number").fill(DELEGATOR["id"])
    page.get_by_label("Delegate's mobile number").fill(DELEGATOR["mobile"])
    _continue(page)
    expect(page.get_by_role("alert")).to_contain_text("You cannot delegate to yourself.")
    page.get_by_label("Delegate's ID number").fill(DELEGATE["id"])
    page.get_by_label("Delegate's mobile number").fill("0540000299")
    _continue(page)
    expect(page.get_by_role("alert")).to_contain_text("not the one on the delegate's account")
    page.get_by_label("Delegate's mobile number").fill(DELEGATE["mobile"])
    _continue(page)
    fill_date(page, "First day", today)
    fill_date(page, "Last day", today + timedelta(days=400))
    _continue(page)
    expect(page.get_by_role("alert")).to_contain_text("365 days at most")
    fill_date(page, "Last day", today + timedelta(days=30))
    _continue(page)
    page.get_by_label(re.compile("^I agree that the delegate")).check()
    _continue(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    before = last_message_id(app_env)
    page.get_by_role("button", name="Submit the request").click()
    expect(page.get_by_label("Code sent to your mobile")).to_be_visible()
    if shots:
        screenshot(page, "delegation-wizard-code-en-desktop")
    page.get_by_label("Code sent to your mobile").fill("000000")
    page.get_by_role("button", name="Confirm and send").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Code sent to your mobile").fill(
        latest_code(app_env, DELEGATOR["mobile"], before))
    page.get_by_role("button", name="Confirm and send").click()
    reference = page.get_by_test_id("reference").inner_text().strip()
    assert re.fullmatch(r"\d{10}", reference)
    return reference


def _answer(page: Page, reference: str, decision: str) -> None:
    visit(page, "/delegations")
    page.get_by_label("Reference number").fill(reference)
    page.get_by_label(decision).check()
    page.get_by_role("button", name="Send my answer").click()


def test_delegate_acts_for_the_delegator_until_revoked(browser: Browser, base_url: str,
                                                        app_env, parties):
    today = today_in_riyadh(SystemClock())
    delegator = signed_in_page(browser, base_url, app_env, DELEGATOR)
    before = last_message_id(app_env)
    reference = _make_delegation(delegator, app_env, today, shots=True)
    # The delegate got the reference number by SMS.
    out = json.loads(cli("sms", "outbox", "--to", DELEGATE["mobile"], "--json",
                         env=app_env).stdout)
    assert any(reference in m["body"] and m["id"] > before for m in out)

    delegate = signed_in_page(browser, base_url, app_env, DELEGATE)
    visit(delegate, "/dashboard")
    expect(delegate.get_by_role("link", name="Delegations (to me / from me)")).to_be_visible()
    expect(delegate.get_by_text("1 to me / 0 from me")).to_be_visible()
    # A wrong reference number is refused, saying so.
    wrong = reference[:-1] + ("0" if reference[-1] != "0" else "1")
    _answer(delegate, wrong, "I accept the delegation")
    expect(delegate.get_by_role("alert")).to_contain_text("This reference number is wrong")
    delegate.get_by_label("Reference number").fill(reference)
    delegate.get_by_label("I accept the delegation").check()
    delegate.get_by_role("button", name="Send my answer").click()
    expect(delegate.get_by_role("status")).to_have_text(
        "You accepted the delegation; it is now active.")
    screenshot(delegate, "delegation-list-en-desktop")

    # The delegate issues an exit/re-entry visa for the delegator's domestic worker.
    visit(delegate, f"/delegations/{reference}")
    delegate.get_by_role("link", name="Issue an exit/re-entry visa").click()
    expect(delegate.get_by_test_id("acting-for")).to_contain_text(DELEGATOR["en"])
    # The delegator's household: a citizen applies for their worker, who is chosen at once.
    expect(delegate.get_by_text(WORKER["en"]).first).to_be_visible()
    delegate.get_by_label("Single").check()
    _continue(delegate)
    delegate.get_by_label("Length in days").fill("30")
    _continue(delegate)
    delegate.get_by_role("button", name="Submit the request").click()
    request_ref = delegate.get_by_test_id("reference").inner_text().strip()
    delegate.get_by_role("link", name="Pay now").click()
    delegate.get_by_role("button", name="Pay SAR 200").click()
    expect(delegate.get_by_role("status")).to_have_text("Paid. Your transaction goes ahead now.")

    # The delegator sees it in the activity feed, then revokes.
    visit(delegator, f"/delegations/{reference}")
    feed = delegator.get_by_test_id("activity-feed")
    expect(feed).to_contain_text(request_ref)
    expect(feed).to_contain_text(WORKER["en"])
    screenshot(delegator, "delegation-feed-en-desktop")
    visit(delegator, f"/delegations/{reference}/certificate")
    expect(delegator.get_by_role("img", name="QR code to verify the delegation")).to_be_visible()
    screenshot(delegator, "delegation-certificate-en-desktop")
    visit(delegator, f"/verify?reference={reference}")
    expect(delegator.get_by_test_id("verify-validity")).to_have_text(
        "This delegation is valid now")
    expect(delegator.get_by_role("region", name="Verification result")).not_to_contain_text(
        DELEGATOR["en"])
    visit(delegator, f"/delegations/{reference}")
    delegator.get_by_role("button", name="Revoke the delegation").click()
    # Asked first (components/confirm.py); "Yes" revokes.
    delegator.get_by_role("button", name="Yes, revoke it").click()
    expect(delegator.get_by_test_id("delegation-status")).to_have_text("Revoked")

    # The delegate's next attempt is refused on the server, with the reason.
    visit(delegate, f"/services/exit_reentry_cancel?delegation={reference}")
    expect(delegate.get_by_role("alert")).to_contain_text("The delegator revoked this delegation")
    visit(delegate, f"/services/exit_reentry_issue?delegation={reference}")
    expect(delegate.get_by_role("alert")).to_contain_text("The delegator revoked this delegation")
    # A service never delegated is refused too (checked before the revocation's reason).
    visit(delegate, f"/services/passport_issue?delegation={reference}")
    expect(delegate.get_by_role("alert")).to_be_visible()

    visit(delegator, f"/verify?reference={reference}")
    expect(delegator.get_by_test_id("verify-validity")).to_have_text(
        "This delegation is not valid now")
    expect(delegator.get_by_test_id("verify-status")).to_have_text("Revoked")
    delegator.context.close()
    delegate.context.close()


def test_an_expired_delegation_cannot_be_accepted_and_the_job_expires_it(
        browser: Browser, base_url: str, app_env, parties):
    delegate = signed_in_page(browser, base_url, app_env, DELEGATE)
    _answer(delegate, "8000000017", "I accept the delegation")
    expect(delegate.get_by_role("alert")).to_contain_text("This delegation has expired")
    result = cli("delegations", "expire", env=app_env)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ delegations? expired at their end date\n", result.stdout)
    visit(delegate, "/delegations")
    expect(delegate.get_by_role("table").filter(has_text="Expired").first).to_be_visible()
    delegate.context.close()


@pytest.mark.parametrize("lang, width", [("ar", 360), ("en", 360), ("ar", 1280)])
def test_screenshots_of_lists_feed_and_certificate(browser: Browser, base_url: str, app_env,
                                                   parties, lang, width):
    context = browser.new_context(base_url=base_url,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, app_env, DELEGATOR["user"], DEMO_PASSWORD, DELEGATOR["mobile"])
    wait_until_connected(page)
    if lang == "en":
        in_language(page)
    elif page.locator("html").get_attribute("lang") != "ar":
        page.get_by_role("button", name="العربية").click()
    visit(page, "/delegations")
    screenshot(page, f"delegation-list-{lang}-{width}")
    link = page.locator("table a").first
    reference = link.inner_text().strip()
    visit(page, f"/delegations/{reference}")
    screenshot(page, f"delegation-detail-{lang}-{width}")
    visit(page, f"/delegations/{reference}/certificate")
    screenshot(page, f"delegation-certificate-{lang}-{width}")
    visit(page, "/services/delegation")
    screenshot(page, f"delegation-wizard-{lang}-{width}")
    visit(page, f"/verify?reference={reference}")
    screenshot(page, f"delegation-verify-{lang}-{width}")
    context.close()


_A_TRANSFER_AWAITING_THE_BUYER = """
import sys
from datetime import UTC, datetime
from sqlmodel import select
from absher_app.db import session_scope
from absher_app.models import Account, Person, ServiceRequest, Vehicle, VehicleTransfer

seller_id, buyer_id, plate = sys.argv[1:4]
now = datetime.now(UTC)
with session_scope() as session:
    seller = session.exec(select(Person).where(Person.id_number == seller_id)).one()
    buyer = session.exec(select(Person).where(Person.id_number == buyer_id)).one()
    account = session.exec(select(Account).where(Account.person_id == seller.id)).one()
    vehicle = Vehicle(plate=plate, owner_id=seller.id, make="Toyota", model="Hilux", year=2020)
    request = ServiceRequest(reference="7" + plate[-4:] + "00099", service_code="vehicle_transfer",
                             account_id=account.id, applicant_id=seller.id,
                             beneficiary_id=seller.id, status="approved",
                             idempotency_key=f"e2e-transfer-{plate}", submitted_at=now,
                             updated_at=now)
    session.add(vehicle)
    session.add(request)
    session.flush()
    session.add(VehicleTransfer(request_id=request.id, vehicle_id=vehicle.id,
                                seller_id=seller.id, buyer_id=buyer.id, price_sar=41000,
                                created_at=now))
"""


def test_the_buyer_confirms_a_vehicle_transfer_on_my_vehicles(browser: Browser, base_url: str,
                                                              app_env, parties):
    made = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", _A_TRANSFER_AWAITING_THE_BUYER, DELEGATOR["id"],
         DELEGATE["id"], "TST7781"], env=app_env, cwd=ROOT, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    buyer = signed_in_page(browser, base_url, app_env, DELEGATE)
    buyer.set_viewport_size({"width": 1280, "height": 900})
    visit(buyer, "/vehicles")
    awaiting = buyer.locator("section", has=buyer.get_by_role(
        "heading", name="Transfers awaiting your confirmation"))
    expect(awaiting).to_contain_text("TST7781")
    expect(awaiting).to_contain_text(DELEGATOR["en"])
    expect(awaiting).to_contain_text("41000")
    mine = buyer.locator("section", has=buyer.get_by_role("heading",
                                                          name="Vehicles registered to me"))
    expect(mine).to_contain_text("No vehicle is registered to you.")
    for lang, button in (("ar", "العربية"), ("en", "English")):
        buyer.get_by_role("button", name=button).click()
        expect(buyer.locator("html")).to_have_attribute("lang", lang)
        for width, label in ((360, "360"), (1280, "desktop")):
            buyer.set_viewport_size({"width": width, "height": 900})
            screenshot(buyer, f"vehicles-awaiting-{lang}-{label}")
    buyer.get_by_role("button", name="I confirm the purchase").click()
    expect(buyer.get_by_role("status")).to_have_text("The vehicle is now yours.")
    expect(awaiting).to_contain_text("No transfer is awaiting you.")
    expect(mine).to_contain_text("TST7781")
    screenshot(buyer, "vehicles-confirmed-en-desktop")
    buyer.context.close()
