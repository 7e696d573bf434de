"""Journeys through the further delegable services on the one wizard: traffic fines chosen one
by one, a travel permit issued and cancelled, a first iqama for a newly arrived worker, and a
vehicle's registration, a driving authorisation (given and cancelled) and a driving licence."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from absher_app.domain.calendars import today_in_riyadh
from absher_app.domain.demo import demo_ids
from absher_app.providers.clock import SystemClock
from tests.e2e.conftest import REVIEW_SHOTS, screenshot
from tests.e2e.helpers import fill_date
from tests.e2e.test_services import (
    _continue,
    _open_service,
    _pay_from_confirmation,
    _sign_in_in_english,
)

pytestmark = pytest.mark.e2e


def _shots(page: Page, name: str) -> None:
    """The page as it is, in English and Arabic, 1280 and 360 px wide (back to English, 1280
    px after); nothing wider than the screen at 360 px."""
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-en-{width}", REVIEW_SHOTS)
        page.get_by_role("button", name="العربية").click()
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        screenshot(page, f"{name}-ar-{width}", REVIEW_SHOTS)
        if width == 360:
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.set_viewport_size({"width": 1280, "height": 900})


def _submit(page: Page) -> None:
    page.get_by_role("button", name="Submit the request").click()
    expect(page.get_by_role("heading", name="Your request was submitted")).to_be_visible()


def _result(page: Page, label: str):
    """The value of a row of the transaction's result ("Permit number", ...)."""
    return page.locator(".summary-row").filter(
        has=page.get_by_role("definition")).filter(has_text=label).locator("dd")


def _total(page: Page):
    return page.get_by_role("row", name=re.compile("^Total"))


def test_fines_are_listed_and_paid_one_then_the_rest_together(page: Page, app_env):
    _sign_in_in_english(page, app_env, "khalid", "c4")
    _open_service(page, "Pay traffic fines")
    page.get_by_label(re.compile("^Myself")).check()
    _continue(page)
    fines = page.get_by_role("group", name="Unpaid fines")
    expect(fines.get_by_role("checkbox")).to_have_count(3)
    expect(fines).to_contain_text("Speeding")
    expect(fines).to_contain_text("SAR 800")
    _continue(page)   # nothing ticked: told so, on the page
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one option.")
    page.get_by_label(re.compile(r"Not wearing a seatbelt, .*: SAR 200$")).check()
    _shots(page, "fines-choose")
    expect(page.get_by_label(re.compile(r"Not wearing a seatbelt"))).to_be_checked()
    _continue(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^Not wearing a seatbelt: fine \d+ of"))
           ).to_contain_text("SAR 200")
    expect(_total(page)).to_contain_text("SAR 200")
    _submit(page)
    _pay_from_confirmation(page, 200)
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    expect(_result(page, "Fines paid")).to_have_text("1")

    # The two left, together: one bill, one line each.
    _open_service(page, "Pay traffic fines")
    page.get_by_label(re.compile("^Myself")).check()
    _continue(page)
    boxes = page.get_by_role("group", name="Unpaid fines").get_by_role("checkbox")
    expect(boxes).to_have_count(2)
    boxes.nth(0).check()
    boxes.nth(1).check()
    _continue(page)
    expect(page.get_by_role("row", name=re.compile("^Speeding: fine"))).to_contain_text(
        "SAR 800")
    expect(page.get_by_role("row", name=re.compile("^Using a mobile phone while driving"))
           ).to_contain_text("SAR 500")
    expect(_total(page)).to_contain_text("SAR 1300")
    _shots(page, "fines-review")
    _submit(page)
    _pay_from_confirmation(page, 1300)
    expect(_result(page, "Fines paid")).to_have_text("2")
    # Nothing left to pay.
    _open_service(page, "Pay traffic fines")
    page.get_by_label(re.compile("^Myself")).check()
    _continue(page)
    expect(page.get_by_role("region", name="You cannot make this request yet")).to_contain_text(
        "There are no unpaid traffic fines.")


def test_a_travel_permit_is_issued_then_cancelled(page: Page, app_env):
    _sign_in_in_english(page, app_env, "khalid", "c4")
    _open_service(page, "Issue a travel permit")
    # Khalid's one child under 21: the wizard does not ask whom it is for.
    expect(page.get_by_text("For: Lama Khalid Alotaibi")).to_be_visible()
    page.get_by_label("Several trips").check()
    _shots(page, "travel-permit-step")
    too_late = today_in_riyadh(SystemClock()) + timedelta(days=400)
    fill_date(page, "The permit ends on", too_late)
    _continue(page)
    expect(page.get_by_role("alert")).to_contain_text("The permit must end on")
    expect(page.get_by_label("Several trips")).to_be_checked()   # nothing lost
    until = today_in_riyadh(SystemClock()) + timedelta(days=60)
    fill_date(page, "The permit ends on", until)
    _continue(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_text("This service is free.")).to_be_visible()
    _submit(page)
    expect(page.get_by_text("Your request has been carried out.")).to_be_visible()
    page.get_by_role("link", name="View the transaction").click()
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    expect(_result(page, "Permit number")).to_have_text(re.compile(r"^8\d{9}$"))
    expect(_result(page, "Valid until")).to_have_text(until.isoformat())

    # A second permit waits until this one is cancelled: the blocker links to the cancelling.
    _open_service(page, "Issue a travel permit")
    region = page.get_by_role("region", name="You cannot make this request yet")
    expect(region).to_contain_text("already holds travel permit")
    region.get_by_role("link", name="Cancel a travel permit").click()
    expect(page.get_by_role("heading", level=1, name="Cancel a travel permit")).to_be_visible()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    _submit(page)
    page.get_by_role("link", name="View the transaction").click()
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    _open_service(page, "Issue a travel permit")
    expect(page.get_by_label("One trip")).to_be_visible()   # no blocker any more


def test_a_first_iqama_for_a_newly_arrived_worker(page: Page, app_env):
    _sign_in_in_english(page, app_env, "turki", "c8")
    _open_service(page, "Issue a first iqama")
    expect(page.get_by_text("For: Joseph Mathew")).to_be_visible()
    page.get_by_label("6 months").check()
    _continue(page)
    expect(page.get_by_role("row", name=re.compile("^Iqama for 6 months"))).to_contain_text(
        "SAR 325")
    _submit(page)
    _pay_from_confirmation(page, 325)
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    expect(_result(page, "Valid until")).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    # Now he holds an iqama: the next one is a renewal.
    _open_service(page, "Issue or renew an iqama")
    expect(page.get_by_text("For: Joseph Mathew")).to_be_visible()


def test_registration_driving_authorisation_and_licence(page: Page, app_env):
    _sign_in_in_english(page, app_env, "mohammed", "c1")
    _open_service(page, "Renew a vehicle registration (istimara)")
    page.get_by_label("Vehicle KSA4821 — Hyundai Sonata 2019").check()
    _continue(page)
    expect(page.get_by_role("alert")).to_contain_text("This vehicle has no valid insurance.")
    page.get_by_label("Vehicle ABD1234 — Toyota Camry 2021").check()
    _continue(page)
    page.get_by_label("2 years").check()
    _continue(page)
    expect(page.get_by_role("row", name=re.compile(r"^Registration renewal: 2 year"))
           ).to_contain_text("SAR 200")
    _submit(page)
    _pay_from_confirmation(page, 200)
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    expect(_result(page, "Vehicle plate")).to_have_text("ABD1234")

    # Turki may drive the Camry for a month, inside the Kingdom (free).
    turki = demo_ids()["c8"]
    _open_service(page, "Authorise someone to drive your vehicle")
    page.get_by_label("Vehicle ABD1234 — Toyota Camry 2021").check()
    _continue(page)
    page.get_by_label("Driver's ID or iqama number").fill(demo_ids()["c1"])
    _continue(page)
    expect(page.get_by_role("alert")).to_contain_text("You own this vehicle")
    page.get_by_label("Driver's ID or iqama number").fill(turki)
    _continue(page)
    page.get_by_label("Inside the Kingdom only").check()
    until = today_in_riyadh(SystemClock()) + timedelta(days=30)
    fill_date(page, "The authorisation ends on", until)
    _continue(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    _shots(page, "authorisation-review")
    _submit(page)
    page.get_by_role("link", name="View the transaction").click()
    number = _result(page, "Authorisation number")
    expect(number).to_have_text(re.compile(r"^6\d{9}$"))
    authorisation = number.inner_text().strip()

    # Cancelling it: the one authorisation in force is offered by its number.
    _open_service(page, "Cancel a driving authorisation")
    page.get_by_label(re.compile(f"^Authorisation {authorisation} — vehicle ABD1234, driver "
                                 f"{turki}")).check()
    _continue(page)
    _submit(page)
    page.get_by_role("link", name="View the transaction").click()
    expect(page.get_by_test_id("status")).to_have_text("Approved")

    # His own licence, 5 years, collected at a traffic department.
    _open_service(page, "Renew a driving licence")
    page.get_by_label(re.compile("^Myself")).check()
    _continue(page)
    page.get_by_label("5 years").check()
    _continue(page)
    expect(page.get_by_role("alert")).to_contain_text("Confirm this to continue.")
    page.get_by_label("I have passed the medical examination at an approved medical centre"
                      ).check()
    _continue(page)
    page.get_by_label("Collect it at a traffic department").check()
    _continue(page)
    expect(page.get_by_role("row", name=re.compile(r"^Driving licence: 5 year"))
           ).to_contain_text("SAR 200")
    _submit(page)
    _pay_from_confirmation(page, 200)
    expect(_result(page, "Licence number")).to_have_text("1000000101")
