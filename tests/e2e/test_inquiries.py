"""Public inquiries: each answers correctly for a demo person, without a name, and refuses bad
input with a clear message (role=alert)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from absher_app.domain.calendars import gregorian_text, hijri_text, today_in_riyadh
from absher_app.domain.demo import demo_ids, demo_records
from absher_app.providers.clock import SystemClock
from tests.e2e.conftest import assert_accessible, screenshot, visit

pytestmark = pytest.mark.e2e
IDS = demo_ids()


def _today():
    return today_in_riyadh(SystemClock())


def _record(key: str) -> dict:
    return next(r for r in demo_records(_today()) if r["id_number"] == IDS[key])


def _english(page: Page) -> None:
    visit(page, "/inquiries")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Public inquiries")


def _ask(page: Page, inquiry: str, **fields: str) -> None:
    """Choose the inquiry, fill its fields (label: value), look it up. The fields are looked
    for in the chosen inquiry's own form: until the server has answered the choice, the page
    still shows the previous form, whose same-named field the new form then replaces."""
    page.get_by_role("radio", name=inquiry, exact=True).check()
    form = page.get_by_role("form", name=inquiry, exact=True)
    for label, value in fields.items():
        field = form.get_by_label(label.replace("_", " "), exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    form.get_by_role("button", name="Look up").click()


def _result(page: Page):
    return page.get_by_role("status")


@pytest.fixture(scope="module")
def reference(app_env) -> str:
    """A request in review for a demo citizen's child, put straight into the app's database."""
    url = app_env.get("REFLEX_DB_URL", "")
    # Its own database: SQLite, or PostgreSQL in the scale-out run; not an external app's.
    if os.environ.get("ABSHER_E2E_URL") or not url.startswith(("sqlite", "postgresql")):
        pytest.skip("needs the test app's own database")
    from absher_app.models import Account, Person, ServiceRequest

    engine = sqlalchemy.create_engine(url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        mohammed = session.exec(select(Person).where(Person.id_number == IDS["c1"])).one()
        child = session.exec(select(Person).where(Person.id_number == IDS["c3"])).one()
        account = session.exec(select(Account).where(Account.person_id == mohammed.id)).one()
        existing = session.exec(select(ServiceRequest).where(
            ServiceRequest.idempotency_key == "e2e-inquiry")).first()
        if existing is None:
            existing = ServiceRequest(
                reference="7123456780", service_code="passport_issue", account_id=account.id,
                applicant_id=mohammed.id, beneficiary_id=child.id, fee_sar=300,
                status="in_review", idempotency_key="e2e-inquiry",
                submitted_at=now - timedelta(days=2), updated_at=now)
            session.add(existing)
            session.commit()
        reference = existing.reference
    engine.dispose()
    return reference


# Scaled round too: every inquiry is counted in the Redis-backed per-IP limit
# shared by the workers.
@pytest.mark.scaled
def test_visa_validity_by_visa_number_and_by_id(page: Page):
    _english(page)
    visitor = _record("v1")
    _ask(page, "Visa validity by visa number", Visa_number=visitor["visa"]["number"])
    result = _result(page)
    expect(result).to_contain_text("Visit visa")
    expect(result).to_contain_text("Valid")
    valid_until = _today() + timedelta(days=5)
    expect(result).to_contain_text(gregorian_text(valid_until, "en"))
    expect(result).to_contain_text(hijri_text(valid_until, "en"))
    expect(result).not_to_contain_text(visitor["name_en"])
    assert_accessible(page)

    _ask(page, "Visa validity by ID or iqama number", **{"ID, iqama or border number": IDS["v3"]})
    expect(result).to_contain_text("Expired")
    expect(result).to_contain_text(gregorian_text(_today() - timedelta(days=2), "en"))
    expect(result).not_to_contain_text(_record("v3")["name_en"])


def test_iqama_expiry_and_absence_report(page: Page):
    _english(page)
    _ask(page, "Iqama expiry by iqama number", Iqama_number=IDS["r6"])
    result = _result(page)
    expect(result).to_contain_text("Expired")
    expect(result).to_contain_text("15 days ago")
    expect(result).to_contain_text(hijri_text(_today() - timedelta(days=15), "en"))
    expect(result).not_to_contain_text(_record("r6")["name_en"])

    _ask(page, "Absence (huroob) report by iqama number", Iqama_number=IDS["r8"])
    expect(result).to_contain_text("An absence (huroob) report stands against this iqama holder.")
    expect(result).not_to_contain_text(_record("r8")["name_en"])
    page.get_by_label("Iqama number", exact=True).fill(IDS["r1"])
    page.get_by_role("button", name="Look up").click()
    expect(result).to_contain_text("No absence report stands against this iqama holder.")
    assert_accessible(page)


def test_transaction_status_by_reference(page: Page, reference: str):
    _english(page)
    _ask(page, "Transaction status by reference number", Reference_number=reference)
    result = _result(page)
    expect(result).to_contain_text("Issue or renew a Saudi passport")
    expect(result).to_contain_text("In review")
    expect(result).to_contain_text(gregorian_text(_today(), "en"))
    for key in ("c1", "c3"):
        expect(result).not_to_contain_text(_record(key)["name_en"])


def test_border_number_for_a_visitor(page: Page):
    _english(page)
    visitor = _record("v1")
    _ask(page, "Border number for visitors by passport number",
         Passport_number=visitor["passport"]["number"], Nationality="United States")
    result = _result(page)
    expect(result).to_contain_text(IDS["v1"])
    expect(result).to_contain_text("Valid")
    expect(result).not_to_contain_text(visitor["name_en"])


def test_an_unknown_number_finds_nothing(page: Page):
    _english(page)
    _ask(page, "Iqama expiry by iqama number", Iqama_number="2000000998")
    expect(_result(page)).to_contain_text("No matching record. Check the number you entered.")


@pytest.mark.parametrize(("inquiry", "fields", "message"), [
    ("Iqama expiry by iqama number", {"Iqama_number": IDS["c1"]},
     "An iqama number starts with 2."),
    ("Iqama expiry by iqama number", {"Iqama_number": "2000000007"},
     "The ID number is not valid"),
    ("Visa validity by visa number", {"Visa_number": "123"},
     "A visa number is 10 digits starting with 5, or V and 9 digits for a visit visa."),
    ("Visa validity by ID or iqama number", {"ID, iqama or border number": "12345"},
     "The ID number must be 10 digits."),
    ("Transaction status by reference number", {"Reference_number": "12ab"},
     "A reference number is 10 digits."),
    ("Border number for visitors by passport number", {"Passport_number": "N1234567"},
     "Choose the nationality."),
])
def test_bad_input_is_refused_with_a_clear_message(page: Page, inquiry, fields, message):
    _english(page)
    _ask(page, inquiry, **fields)
    expect(page.get_by_role("alert")).to_contain_text(message)
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)
    expect(_result(page)).to_have_text("")
    assert_accessible(page)


def test_arabic_answer_with_hijri_date(page: Page):
    visit(page, "/inquiries")
    page.get_by_role("radio", name="انتهاء الإقامة برقم الإقامة", exact=True).check()
    page.get_by_label("رقم الإقامة", exact=True).fill(IDS["r4"])
    page.get_by_role("button", name="استعلام").click()
    result = _result(page)
    expires = _today() + timedelta(days=25)
    expect(result).to_contain_text("سارية")
    expect(result).to_contain_text(gregorian_text(expires, "ar"))
    expect(result).to_contain_text(hijri_text(expires, "ar"))
    expect(result).to_contain_text("بعد 25 يوماً")


def test_home_and_header_lead_to_the_inquiries(page: Page):
    visit(page, "/")
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Iqama expiry by iqama number").click()
    page.wait_for_url(re.compile(r"/inquiries/?\?kind=iqama$"))
    expect(page.get_by_role("radio", name="Iqama expiry by iqama number")).to_be_checked()
    expect(page.get_by_label("Iqama number", exact=True)).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Inquiries").click()
    page.wait_for_url(re.compile(r"/inquiries/?$"))
    expect(page.get_by_role("radio", name="Visa validity by visa number")).to_be_checked()


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_inquiries_screenshots(page: Page, width: int, lang: str):
    page.set_viewport_size({"width": width, "height": 900})
    visit(page, "/inquiries")
    if lang == "en":
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Public inquiries")
    label = {"ar": ("صلاحية التأشيرة برقم الهوية أو الإقامة", "رقم الهوية أو الإقامة أو الحدود",
                    "استعلام"),
             "en": ("Visa validity by ID or iqama number", "ID, iqama or border number",
                    "Look up")}[lang]
    page.get_by_role("radio", name=label[0], exact=True).check()
    page.get_by_label(label[1], exact=True).fill(IDS["v1"])
    page.get_by_role("button", name=label[2]).click()
    expect(_result(page)).to_contain_text(_record("v1")["visa"]["number"])
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"
    assert_accessible(page)
    path = screenshot(page, f"inquiries-{lang}-{width}")
    assert path.stat().st_size > 10_000
