"""The delegate's side of a delegation, in two browsers (issue 15): a delegator delegates three
services; the delegate sees them on the dashboard and under "Delegations to me", starts one for
the delegator, leaves a draft, resumes it from the dashboard, submits; both see the request
(the delegate's marked "on behalf of"); the delegator revokes; the delegate's dashboard, list,
transactions and the request's page reflect it at once. Also: the dashboard's Messages tile
reads "label: number" in both languages, and My vehicles is reached from the dashboard.

The persons are fictional and imported through the registry (QA-CONTRACT §2), so that other
journeys never get in the way; mobiles 05400005xx are theirs alone.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from absher_app.domain.calendars import today_in_riyadh
from absher_app.domain.demo import demo_id
from absher_app.providers.clock import SystemClock
from tests.e2e.conftest import screenshot, visit, wait_until_connected
from tests.e2e.helpers import (
    fill_date,
    in_language,
    last_message_id,
    latest_code,
    signed_in_page,
)
from tests.e2e.people import add_people, registry_record, sponsored_worker

pytestmark = pytest.mark.e2e

DELEGATOR = {"id": demo_id("1", 77780511), "mobile": "0540000511", "user": "saleh.delegator",
             "en": "Saleh Nasser Alotaibi", "ar": "صالح ناصر العتيبي"}
DELEGATE = {"id": demo_id("1", 77780512), "mobile": "0540000512", "user": "majed.delegate",
            "en": "Majed Fahad Aldosari", "ar": "ماجد فهد الدوسري"}
WORKER = {"id": demo_id("2", 77780513), "mobile": "0540000513",
          "en": "Anil Kumar Nair", "ar": "أنيل كومار ناير"}
# A second delegator whose worker's iqama has expired: acting for him, the exit/re-entry visa
# is blocked and its fix opens iqama renewal under the same delegation. He delegates to Saleh.
BLOCKED_DELEGATOR = {"id": demo_id("1", 77780514), "mobile": "0540000514",
                     "en": "Hamad Turki Alzahrani", "ar": "حمد تركي الزهراني"}
BLOCKED_WORKER = {"id": demo_id("2", 77780515), "mobile": "0540000515",
                  "en": "Ravi Shankar Pillai", "ar": "رافي شانكار بيلاي"}
BLOCKED_REFERENCE = "8000000514"
SERVICES = ("Issue an exit/re-entry visa", "Cancel an exit/re-entry visa",
            "Issue a final exit visa")

@pytest.fixture(scope="module")
def parties(app_url, app_env):
    today = today_in_riyadh(SystemClock())
    records = [registry_record(DELEGATOR, "1979-04-04", "A7780511"),
               registry_record(DELEGATE, "1990-07-07", "A7780512"),
               sponsored_worker(WORKER, "1991-02-02", "N7780513", DELEGATOR,
                                (today + timedelta(days=300)).isoformat(), today),
               registry_record(BLOCKED_DELEGATOR, "1975-05-05", "A7780514"),
               sponsored_worker(BLOCKED_WORKER, "1988-03-03", "N7780515", BLOCKED_DELEGATOR,
                                (today - timedelta(days=20)).isoformat(), today)]
    blocked = {"reference": BLOCKED_REFERENCE, "delegator": BLOCKED_DELEGATOR["id"],
               "delegate": DELEGATOR["id"], "services": "exit_reentry_issue,iqama_renew",
               "start_days": -1, "days": 21, "status": "active"}
    add_people("delegate-journey-people", records,
               [[DELEGATOR["id"], DELEGATOR["user"]], [DELEGATE["id"], DELEGATE["user"]]],
               app_env, [blocked])
    return DELEGATOR, DELEGATE






def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def confirm_if_asked(page: Page) -> None:
    """Answer the confirmation a destructive act asks for, when the portal asks one ("Yes,
    revoke" or another confirm button); when it acts at once there is nothing to click."""
    confirm = page.get_by_role("button", name=re.compile(r"^(Yes, revoke|Confirm)", re.I))
    try:
        confirm.first.wait_for(state="visible", timeout=3000)
    except Exception:  # noqa: BLE001 - Playwright's timeout: no question was asked
        return
    confirm.first.click()


def _delegate_three_services(page: Page, app_env, today) -> str:
    visit(page, "/services/delegation")
    page.get_by_label("General Directorate of Passports").check()
    _continue(page)
    for name in SERVICES:
        page.get_by_label(name, exact=True).check()
    _continue(page)
    page.get_by_label("Delegate's ID number").fill(DELEGATE["id"])
    page.get_by_label("Delegate's mobile number").fill(DELEGATE["mobile"])
    _continue(page)
    fill_date(page, "First day", today)
    fill_date(page, "Last day", today + timedelta(days=30))
    _continue(page)
    page.get_by_label(re.compile("^I agree that the delegate")).check()
    _continue(page)
    before = last_message_id(app_env)
    page.get_by_role("button", name="Submit the request").click()
    page.get_by_label("Code sent to your mobile").fill(
        latest_code(app_env, DELEGATOR["mobile"], before))
    page.get_by_role("button", name="Confirm and send").click()
    reference = page.get_by_test_id("reference").inner_text().strip()
    assert re.fullmatch(r"\d{10}", reference)
    return reference


def _accept(page: Page, reference: str) -> None:
    visit(page, "/delegations")
    page.get_by_label("Reference number").fill(reference)
    page.get_by_label("I accept the delegation").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_have_text(
        "You accepted the delegation; it is now active.")


def _acting_section(page: Page):
    return page.locator("section", has=page.get_by_role(
        "heading", name="Delegations to me in force today"))


def _shots(page: Page, name: str) -> None:
    """The page in Arabic and English at 360 and 1280 px (back in English at 1280)."""
    for lang in ("ar", "en"):
        in_language(page, lang)
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(page, f"{name}-{lang}-{width}")


def test_the_delegate_acts_from_the_dashboard_until_the_delegator_revokes(
        browser: Browser, base_url: str, app_env, parties):
    today = today_in_riyadh(SystemClock())
    name = DELEGATOR["en"]
    delegator = signed_in_page(browser, base_url, app_env, DELEGATOR)
    reference = _delegate_three_services(delegator, app_env, today)
    delegate = signed_in_page(browser, base_url, app_env, DELEGATE)
    _accept(delegate, reference)

    # The delegate's dashboard: the delegation, its three services by name, its period, and
    # an entry per service to start it for the delegator.
    visit(delegate, "/dashboard")
    acting = _acting_section(delegate)
    card = acting.get_by_test_id("delegation-to-me").filter(has_text=name)
    expect(card).to_contain_text(f"Delegation from {name}")
    for service in SERVICES:
        expect(card).to_contain_text(service)
        expect(card.get_by_role("link", name=f"Start “{service}” for {name}")).to_be_visible()
    expect(card).to_contain_text(f"{today.isoformat()} → {(today + timedelta(30)).isoformat()}")
    expect(card).not_to_contain_text("exit_reentry")
    _shots(delegate, "delegate-dashboard")
    # The same under "Delegations to me".
    visit(delegate, "/delegations")
    listed = _acting_section(delegate).get_by_test_id("delegation-to-me").filter(has_text=name)
    expect(listed.get_by_role("link", name=f"Start “{SERVICES[2]}” for {name}")).to_be_visible()
    _shots(delegate, "delegate-delegations")

    # Start one from the dashboard, answer its first step, leave.
    visit(delegate, "/dashboard")
    _acting_section(delegate).get_by_role(
        "link", name=f"Start “{SERVICES[0]}” for {name}").click()
    expect(delegate.get_by_test_id("acting-for")).to_contain_text(name)
    expect(delegate.get_by_text(WORKER["en"]).first).to_be_visible()
    delegate.get_by_label("Single").check()
    _continue(delegate)
    expect(delegate.get_by_label("Length in days")).to_be_visible()
    # The draft waits on the dashboard, marked as on the delegator's behalf; it resumes at the
    # first unanswered step, still under the delegation.
    visit(delegate, "/dashboard")
    drafts = delegate.locator("section", has=delegate.get_by_role("heading", name="Saved drafts"))
    expect(drafts).to_contain_text(f"{SERVICES[0]} — On behalf of {name}")
    expect(_acting_section(delegate).get_by_role(
        "link", name=f"Continue the draft of “{SERVICES[0]}” for {name}")).to_be_visible()
    drafts.get_by_role("link", name="Continue").click()
    expect(delegate).to_have_url(re.compile(rf"delegation={reference}"))
    expect(delegate.get_by_test_id("acting-for")).to_contain_text(name)
    delegate.get_by_label("Length in days").fill("30")
    _continue(delegate)
    expect(delegate.get_by_role("heading", name="Check your answers")).to_be_visible()
    delegate.get_by_role("button", name="Submit the request").click()
    request_ref = delegate.get_by_test_id("reference").inner_text().strip()
    assert re.fullmatch(r"\d{10}", request_ref)

    # Both see the request: the delegate's marked "on behalf of", the delegator's as ever.
    visit(delegate, "/transactions")
    row = delegate.get_by_role("row").filter(has_text=request_ref)
    expect(row).to_contain_text(f"On behalf of {name}")
    expect(row).to_contain_text(WORKER["en"])
    row.get_by_role("link", name=request_ref).click()
    expect(delegate.get_by_test_id("on-behalf")).to_have_text(f"On behalf of {name}")
    expect(delegate.get_by_test_id("status")).to_have_text("Awaiting payment")
    _shots(delegate, "delegate-transaction")
    visit(delegator, "/transactions")
    expect(delegator.get_by_role("row").filter(has_text=request_ref)).to_contain_text(
        WORKER["en"])
    visit(delegator, f"/transactions/{request_ref}")
    expect(delegator.get_by_test_id("status")).to_have_text("Awaiting payment")

    # The delegator revokes.
    visit(delegator, f"/delegations/{reference}")
    delegator.get_by_role("button", name="Revoke the delegation").click()
    confirm_if_asked(delegator)
    expect(delegator.get_by_test_id("delegation-status")).to_have_text("Revoked")

    # At once, for the delegate: nothing in force, the request no longer theirs to open.
    visit(delegate, "/delegations")
    expect(_acting_section(delegate)).to_contain_text("No delegation to you is in force today.")
    expect(delegate.get_by_role("row").filter(has_text=name).first).to_contain_text("Revoked")
    visit(delegate, "/dashboard")
    expect(delegate.get_by_role("heading", name="Delegations to me in force today")
           ).to_have_count(0)
    expect(delegate.get_by_text(f"On behalf of {name}")).to_have_count(0)
    visit(delegate, "/transactions")
    expect(delegate.get_by_role("link", name=request_ref)).to_have_count(0)
    visit(delegate, f"/transactions/{request_ref}")
    refused = delegate.get_by_test_id("on-behalf-refused")
    expect(refused).to_contain_text(f"You made this request on behalf of {name}")
    expect(refused).to_contain_text("The delegator revoked this delegation")
    expect(delegate.get_by_test_id("status")).to_have_count(0)
    screenshot(delegate, "delegate-transaction-revoked-en-1280")
    visit(delegate, f"/services/exit_reentry_issue?delegation={reference}")
    expect(delegate.get_by_role("alert")).to_contain_text("The delegator revoked this delegation")
    # The delegator still has it.
    visit(delegator, f"/transactions/{request_ref}")
    expect(delegator.get_by_test_id("status")).to_have_text("Awaiting payment")
    delegator.context.close()
    delegate.context.close()


def test_the_dashboard_tiles_say_label_and_number_and_lead_to_my_vehicles(
        browser: Browser, base_url: str, app_env, parties):
    page = signed_in_page(browser, base_url, app_env, DELEGATE)
    visit(page, "/dashboard")
    messages = page.locator("li.service-tile",
                            has=page.get_by_role("link", name="Messages", exact=True))
    expect(messages).to_contain_text(re.compile(r"Open messages: \d+"))
    in_language(page, "ar")
    messages = page.locator("li.service-tile",
                            has=page.get_by_role("link", name="الرسائل", exact=True))
    expect(messages).to_contain_text(re.compile(r"رسائل مفتوحة: \d+"))
    expect(messages).not_to_contain_text("رسالة مفتوحة")
    in_language(page, "en")
    page.get_by_role("link", name="My vehicles").click()
    expect(page).to_have_url(re.compile(r"/vehicles/?$"))
    expect(page.get_by_role("heading", level=1, name="My vehicles")).to_be_visible()
    page.context.close()


def test_a_blocked_request_on_behalf_fixes_under_the_same_delegation(
        browser: Browser, base_url: str, app_env, parties):
    """Acting for Hamad, whose worker's iqama has expired: the exit/re-entry visa is blocked, and
    "Issue or renew an iqama" opens for that worker, still on Hamad's behalf."""
    page = signed_in_page(browser, base_url, app_env, DELEGATOR)
    visit(page, f"/services/exit_reentry_issue?delegation={BLOCKED_REFERENCE}")
    expect(page.get_by_test_id("acting-for")).to_contain_text(BLOCKED_DELEGATOR["en"])
    expect(page.get_by_role("heading", name="You cannot make this request yet")).to_be_visible()
    page.get_by_role("link", name="Issue or renew an iqama").click()
    expect(page).to_have_url(re.compile(rf"/services/iqama_renew\?delegation={BLOCKED_REFERENCE}"
                                        rf"&for={BLOCKED_WORKER['id']}"))
    wait_until_connected(page)
    expect(page.get_by_test_id("acting-for")).to_contain_text(BLOCKED_DELEGATOR["en"])
    expect(page.get_by_role("heading", level=1, name="Issue or renew an iqama")).to_be_visible()
    expect(page.get_by_text(BLOCKED_WORKER["en"]).first).to_be_visible()
    screenshot(page, "delegate-fix-under-delegation-en-1280")
    page.context.close()
