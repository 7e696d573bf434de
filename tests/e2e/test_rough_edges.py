"""The rough edges of issue 15, each as a new user meets it: a refused service's page has its
own h1 and <title>; destructive acts ask first (not as an alert); /register names
nationalities; /pay offers no payment for a bill that is paid or expired; the iqama inquiry's
rows have their own labels; no Arabic-Indic digits on Arabic pages; the message form's file
input is no stray control; axe on the pages and wizard steps issue 15 lists, in both languages
at 360 and 1280 px; dates typed in day/month/year boxes in either calendar; staff get the idle
warning. The persons are fictional, imported through the registry (mobiles 05400003xx)."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from absher_app.domain.calendars import gregorian_text, to_hijri, today_in_riyadh
from absher_app.domain.demo import demo_id, demo_ids
from absher_app.providers.clock import SystemClock
from tests.e2e.conftest import ROOT, assert_accessible, screenshot, visit, wait_until_connected
from tests.e2e.helpers import (
    fill_date,
    idle_warning_then_stay,
    in_language,
    signed_in_page,
)
from tests.e2e.people import add_people
from tests.e2e.test_staff import sign_in_new_staff

pytestmark = pytest.mark.e2e

DELEGATOR = {"id": demo_id("1", 77790001), "mobile": "0540000301", "user": "sami.rough",
             "en": "Sami Nasser Alotaibi", "ar": "سامي ناصر العتيبي"}
DELEGATE = {"id": demo_id("1", 77790002), "mobile": "0540000302", "user": "turki.rough",
            "en": "Turki Fahad Alsahli", "ar": "تركي فهد السهلي"}
WORKER = {"id": demo_id("2", 77790003), "mobile": "0540000303",
          "en": "Joseph Mathew", "ar": "جوزيف ماثيو"}
DELEGATION = "8777900011"   # active, for exit/re-entry visas only
BILLS = {"paid": "9777900000011", "expired": "9777900000029", "unpaid": "9777900000037"}
INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
WIDTHS = (360, 1280)

_WORLD = """
import sys
from datetime import UTC, date, datetime, timedelta
from sqlmodel import select
from absher_app.db import session_scope
from absher_app.models import Account, Bill, Delegation, Person, ServiceRequest

delegator_id, delegate_id, reference, bills = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
now = datetime.now(UTC)
with session_scope() as session:
    def person(id_number):
        return session.exec(select(Person).where(Person.id_number == id_number)).one()
    delegator, delegate = person(delegator_id), person(delegate_id)
    if not session.exec(select(Delegation).where(Delegation.reference == reference)).first():
        session.add(Delegation(reference=reference, delegator_id=delegator.id,
                               delegate_id=delegate.id, sector="passports",
                               services="exit_reentry_issue", starts_on=date.today(),
                               ends_on=date.today() + timedelta(days=30), status="active",
                               created_at=now, updated_at=now))
    account = session.exec(select(Account).where(Account.person_id == delegator.id)).one()
    for number, status, serial in zip(bills, ("paid", "expired", "unpaid"), range(3)):
        if session.exec(select(Bill).where(Bill.number == number)).first():
            continue
        request = ServiceRequest(reference=f"777790000{serial}", service_code="passport_issue",
                                 account_id=account.id, applicant_id=delegator.id,
                                 beneficiary_id=delegator.id, fee_sar=300,
                                 status="in_review" if status == "paid" else "awaiting_payment",
                                 idempotency_key=f"e2e-rough-{serial}", submitted_at=now,
                                 updated_at=now)
        session.add(request)
        session.flush()
        session.add(Bill(number=number, request_id=request.id, amount_sar=300, status=status,
                         due_at=now + timedelta(days=3), paid_at=now if status == "paid" else None))
"""


@pytest.fixture(scope="module")
def world(app_url, app_env):
    """The delegator (with a domestic worker), the delegate, an active delegation between them
    and three bills (paid, expired, unpaid), written straight into the app's database."""
    today = today_in_riyadh(SystemClock())
    records = [
        {"id_number": p["id"], "category": "citizen", "name_ar": p["ar"], "name_en": p["en"],
         "birth_date": birth, "gender": "M", "nationality": "SA", "mobile": p["mobile"],
         "passport": {"number": number, "expiry": "2031-01-31"}}
        for p, birth, number in ((DELEGATOR, "1981-04-04", "A7790001"),
                                 (DELEGATE, "1990-07-07", "A7790002"))
    ] + [{"id_number": WORKER["id"], "category": "resident", "name_ar": WORKER["ar"],
          "name_en": WORKER["en"], "birth_date": "1991-02-02", "gender": "M",
          "nationality": "IN", "mobile": WORKER["mobile"],
          "passport": {"number": "N7790003", "expiry": (today + timedelta(days=900)).isoformat()},
          "iqama_expiry": (today + timedelta(days=300)).isoformat(),
          "sponsor_id": DELEGATOR["id"], "relationship": "domestic_worker"}]
    add_people("rough-people", records,
               [[DELEGATOR["id"], DELEGATOR["user"]], [DELEGATE["id"], DELEGATE["user"]]],
               app_env)
    made = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", _WORLD, DELEGATOR["id"],
                           DELEGATE["id"], DELEGATION, *BILLS.values()],
                          env=app_env, cwd=ROOT, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    return DELEGATOR, DELEGATE






def _checked_everywhere(page: Page, lang: str, name: str) -> None:
    """axe at both widths; on an Arabic page, no Arabic-Indic digit in the visible text."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        if name:
            screenshot(page, f"rough-{name}-{lang}-{width}")
    if lang == "ar":
        found = INDIC_DIGITS.findall(page.locator("body").inner_text())
        assert not found, f"Arabic-Indic digits on {page.url}: {found}"


def _heading_and_title(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    expect(page).to_have_title(text)


# -- 2 and 3: a refused service's own title; revoking asks first ------------------------------

def test_a_refused_service_has_its_own_title_and_revoking_asks_first(browser: Browser,
                                                                    base_url: str, app_env,
                                                                    world):
    delegate = signed_in_page(browser, base_url, app_env, DELEGATE)
    # Service A (delegated) then service B (not delegated), in the same tab.
    visit(delegate, f"/services/exit_reentry_issue?delegation={DELEGATION}")
    _heading_and_title(delegate, "Issue an exit/re-entry visa")
    expect(delegate.get_by_test_id("acting-for")).to_contain_text(DELEGATOR["en"])
    visit(delegate, f"/services/final_exit_issue?delegation={DELEGATION}")
    expect(delegate.get_by_role("alert")).to_be_visible()
    _heading_and_title(delegate, "Issue a final exit visa")
    delegate.get_by_role("button", name="العربية").click()
    _heading_and_title(delegate, "إصدار تأشيرة خروج نهائي")
    delegate.get_by_role("button", name="English").click()
    _heading_and_title(delegate, "Issue a final exit visa")
    # Other pages' <title> follow the language too.
    visit(delegate, "/delegations")
    expect(delegate).to_have_title("Delegations")

    delegator = signed_in_page(browser, base_url, app_env, DELEGATOR)
    visit(delegator, f"/delegations/{DELEGATION}")
    status = delegator.get_by_test_id("delegation-status")
    expect(status).to_have_text("Active")
    delegator.get_by_role("button", name="Revoke the delegation").click()
    question = delegator.get_by_role("group", name=re.compile("^Revoke this delegation?"))
    expect(question).to_be_visible()
    expect(delegator.get_by_role("alert")).to_have_count(0)   # a question, not an error
    keep = question.get_by_role("button", name="No, keep it")
    expect(keep).to_be_focused()
    assert_accessible(delegator)
    screenshot(delegator, "rough-revoke-question-en")
    keep.click()
    expect(question).to_have_count(0)
    expect(status).to_have_text("Active")
    delegator.get_by_role("button", name="Revoke the delegation").click()
    delegator.get_by_role("button", name="Yes, revoke it").click()
    expect(status).to_have_text("Revoked")

    # After the revocation: each service's page still has its own title, with the refusal.
    visit(delegate, f"/services/exit_reentry_issue?delegation={DELEGATION}")
    expect(delegate.get_by_role("alert")).to_contain_text("The delegator revoked this delegation")
    _heading_and_title(delegate, "Issue an exit/re-entry visa")
    visit(delegate, f"/services/final_exit_issue?delegation={DELEGATION}")
    expect(delegate.get_by_role("alert")).to_be_visible()
    _heading_and_title(delegate, "Issue a final exit visa")
    delegator.context.close()
    delegate.context.close()


# -- 12, 10 and 3: every step of one wizard; dates in either calendar; deleting asks first ----

def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def _every_language(page: Page, name: str) -> None:
    for lang in ("ar", "en"):
        in_language(page, lang)
        _checked_everywhere(page, lang, name)


def test_every_wizard_step_dates_in_either_calendar_and_deleting_a_draft_asks(
        browser: Browser, base_url: str, app_env, world):
    today = today_in_riyadh(SystemClock())
    page = signed_in_page(browser, base_url, app_env, DELEGATOR)
    visit(page, "/services")
    page.get_by_role("link", name="Electronic delegation for individuals").click()
    expect(page.get_by_role("heading", level=1,
                            name="Electronic delegation for individuals")).to_be_visible()
    expect(page).to_have_title("Electronic delegation for individuals")
    _every_language(page, "")
    page.get_by_label("General Directorate of Passports").check()
    _continue(page)
    expect(page.get_by_role("heading", name="Delegated services")).to_be_visible()
    _every_language(page, "")
    page.get_by_label("Issue or renew an iqama").check()
    _continue(page)
    page.get_by_label("Delegate's ID number").fill(DELEGATE["id"])
    _every_language(page, "")
    page.get_by_label("Delegate's mobile number").fill(DELEGATE["mobile"])
    _continue(page)

    # The dates: no browser date picker; day, month and year boxes, and the calendar.
    expect(page.locator("input[type=date]")).to_have_count(0)
    first = page.get_by_role("group", name="First day", exact=True)
    expect(first.get_by_label("Day", exact=True)).to_be_visible()
    _every_language(page, "wizard-dates")
    # A Hijri day that does not exist (day 30 of a 29-day month) is refused, saying why.
    fill_date(page, "First day", None, hijri=(1448, 1, 30))
    fill_date(page, "Last day", today + timedelta(days=20))
    _continue(page)
    expect(page.get_by_role("alert")).to_contain_text("no such day in the Umm al-Qura calendar")
    _every_language(page, "wizard-dates-error")
    # Today typed as a Hijri date is converted on the server; when the step comes back with
    # another problem, the boxes still hold it as typed, in Hijri.
    hijri = to_hijri(today)
    fill_date(page, "First day", None, hijri=(hijri.year, hijri.month, hijri.day))
    fill_date(page, "Last day", today - timedelta(days=5))
    _continue(page)
    expect(page.get_by_role("alert")).to_be_visible()
    first = page.get_by_role("group", name="First day", exact=True)
    expect(first.get_by_label("Hijri", exact=True)).to_be_checked()
    expect(first.get_by_label("Year", exact=True)).to_have_value(str(hijri.year))
    expect(first.get_by_label("Month", exact=True)).to_have_value(str(hijri.month))
    fill_date(page, "Last day", today + timedelta(days=20))
    _continue(page)
    page.get_by_label(re.compile("^I agree that the delegate")).check()
    _every_language(page, "")
    _continue(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    # The answers read in both calendars.
    expect(page.get_by_text(gregorian_text(today, "en")).first).to_be_visible()
    expect(page.get_by_text(re.compile(f"{hijri.year} AH")).first).to_be_visible()
    _every_language(page, "wizard-review")

    # Deleting the draft asks first (a question, not an alert); "No" keeps everything.
    in_language(page, "en")
    page.get_by_role("button", name="Delete the draft").click()
    question = page.get_by_role("group", name=re.compile("^Delete this draft?"))
    expect(question).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(question.get_by_role("button", name="No, keep it")).to_be_focused()
    assert_accessible(page)
    question.get_by_role("button", name="No, keep it").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("button", name="Delete the draft").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_have_count(0)
    page.context.close()


# -- 7: a paid or expired bill has no pay button ----------------------------------------------

def test_pay_offers_no_payment_for_a_paid_or_expired_bill(page: Page, world):
    visit(page, f"/pay?bill={BILLS['paid']}")
    in_language(page, "en")
    summary = page.locator(".summary-list")
    expect(summary).to_contain_text("Paid")
    expect(page.get_by_test_id("bill-state")).to_have_text(
        "This bill is paid; there is nothing to pay.")
    pay_button = page.get_by_role("button", name=re.compile("^Pay SAR"))
    expect(pay_button).to_have_count(0)
    _every_language(page, "pay-paid")

    visit(page, f"/pay?bill={BILLS['expired']}")
    expect(page.get_by_test_id("bill-state")).to_contain_text("expired unpaid")
    expect(pay_button).to_have_count(0)

    visit(page, f"/pay?bill={BILLS['unpaid']}")
    in_language(page, "en")
    expect(page.get_by_role("button", name="Pay SAR 300")).to_be_visible()
    expect(page.get_by_test_id("bill-state")).to_have_count(0)


# -- 8: the iqama inquiry's rows -----------------------------------------------------------

def test_each_row_of_the_iqama_inquiry_has_its_own_label(page: Page):
    visit(page, "/inquiries")
    for lang in ("en", "ar"):
        in_language(page, lang)
        kind = "Iqama expiry by iqama number" if lang == "en" else "انتهاء الإقامة برقم الإقامة"
        page.get_by_role("radio", name=kind, exact=True).check()
        page.get_by_label("Iqama number" if lang == "en" else "رقم الإقامة", exact=True).fill(
            demo_ids()["r2"])
        page.get_by_role("button", name="Look up" if lang == "en" else "استعلام").click()
        labels = page.get_by_role("status").locator("dt")
        expect(labels.first).to_be_visible()
        texts = [text.strip() for text in labels.all_inner_texts()]
        assert len(texts) == len(set(texts)) == 4, texts
        if lang == "en":
            assert "Time to expiry" in texts
        _checked_everywhere(page, lang, "iqama-inquiry")


# -- 6: nationalities by name, sorted, GCC states first for GCC ---------------------------------

def test_register_lists_nationalities_by_name_gcc_states_first(page: Page):
    visit(page, "/register")
    in_language(page, "en")
    country = page.get_by_label("Country", exact=True)
    page.get_by_label("Visitor", exact=True).check()
    options = country.locator("option")
    expect(options.nth(1)).to_have_text("Afghanistan")
    names = options.all_inner_texts()[1:]
    assert len(names) > 240 and "KW" not in names and "Kuwait" in names
    assert names.index("Åland Islands") < names.index("Albania")
    expect(country.locator("optgroup")).to_have_count(0)

    page.get_by_label("GCC citizen", exact=True).check()
    gcc = country.locator("optgroup").first
    expect(gcc).to_have_attribute("label", "GCC states")
    expect(gcc.locator("option")).to_have_text(
        ["Bahrain", "Kuwait", "Oman", "Qatar", "United Arab Emirates"])
    country.select_option(label="Kuwait")
    assert country.input_value() == "KW"
    _checked_everywhere(page, "en", "register-gcc")

    in_language(page, "ar")
    country = page.get_by_label("الدولة", exact=True)
    expect(country).to_have_value("KW")   # the choice survives the other language's list
    gcc = country.locator("optgroup").first
    expect(gcc).to_have_attribute("label", "دول مجلس التعاون الخليجي")
    expect(gcc.locator("option")).to_have_text(
        ["الإمارات العربية المتحدة", "البحرين", "الكويت", "عُمان", "قطر"])
    others = country.locator("optgroup").nth(1).locator("option").all_inner_texts()
    # Alphabetical in Arabic, whatever hamza the alef carries.
    assert others.index("إثيوبيا") < others.index("أرمينيا") < others.index("إسبانيا")
    _checked_everywhere(page, "ar", "register-gcc")


# -- 10 and 9: the message form's file input; axe and digits on the citizen pages ------------

CITIZEN_PAGES = ("/messages/new", "/appointments/book", "/delegations", "/transactions",
                 "/account", "/family", "/dashboard", "/services", "/appointments",
                 f"/pay?bill={BILLS['unpaid']}")


def test_citizen_pages_pass_axe_in_both_languages_and_widths_with_western_digits(
        browser: Browser, base_url: str, app_env, world):
    page = signed_in_page(browser, base_url, app_env, DELEGATOR)
    visit(page, "/messages/new")
    page.get_by_label("General Directorate of Passports").check()
    # The file input is named and hidden from assistive technology: the visible button
    # opens the file dialog; there is no English "Choose File" control besides it.
    file_input = page.locator("input[type=file]")
    expect(file_input).to_have_attribute("aria-hidden", "true")
    expect(file_input).to_have_attribute("aria-labelledby", "field-attachment-label")
    expect(page.get_by_role("button", name=re.compile("Choose File|No file chosen"))
           ).to_have_count(0)
    for lang in ("ar", "en"):
        in_language(page, lang)
        for path in CITIZEN_PAGES:
            visit(page, path)
            _checked_everywhere(page, lang, "")
    page.context.close()


def test_public_arabic_pages_write_western_digits(page: Page):
    for path in ("/", "/login", "/register", "/inquiries", "/forgot-password"):
        visit(page, path)
        in_language(page, "ar")
        _checked_everywhere(page, "ar", "")


# -- 10 and staff: every staff page, axe; the idle warning -----------------------------------

STAFF_PAGES = ("/staff", "/staff/activate", "/staff/requests", "/staff/messages",
               "/staff/branches")


def test_every_staff_page_passes_axe_in_both_languages_and_widths(page: Page, app_env):
    sign_in_new_staff(page, app_env, "admin")
    for lang in ("ar", "en"):
        in_language(page, lang)
        for path in STAFF_PAGES:
            visit(page, path)
            _checked_everywhere(page, lang, "")
        # One request and one message thread, when the queues have any.
        for queue, pattern in (("/staff/requests", r"/staff/requests/\d+"),
                               ("/staff/messages", r"/staff/messages/\d+")):
            visit(page, queue)
            link = page.locator(f"main a[href*='{queue}/']").first
            if link.count():
                link.click()
                page.wait_for_url(re.compile(pattern))
                wait_until_connected(page)
                _checked_everywhere(page, lang, "")


def test_staff_get_the_idle_warning_then_are_signed_out(page: Page, app_env):
    page.clock.install()  # before the page loads, so that its timers are the fake ones
    sign_in_new_staff(page, app_env, "admin")
    idle_warning_then_stay(page, "rough-staff-idle-warning-en")
    dialog = page.get_by_role("alertdialog")
    expect(page).to_have_url(re.compile(r"/staff/?$"))
    # No answer the next time: signed out of the back office.
    page.clock.fast_forward("12:50")
    page.wait_for_timeout(500)
    page.clock.fast_forward("00:15")
    expect(dialog).to_be_visible()
    page.clock.fast_forward("02:05")
    page.wait_for_url(re.compile(r"/staff/login"))
    page.goto("/staff")
    page.wait_for_url(re.compile(r"/staff/login"))
