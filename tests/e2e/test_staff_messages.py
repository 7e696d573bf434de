"""The back office's messages inbox and branch pages, end to end: a resident writes with a PDF;
the demo passports officer finds it in the inbox, opens the attachment, answers and marks that
it needs a visit; the resident reads the answer, books from it, reschedules and cancels, and
sees the officer in "who accessed my record"; the branch manager closes a day that has the
resident's new booking and the resident is told. Citizens are refused both pages, a branch
manager the inbox. Screenshots of the inbox, the thread and the branch day in Arabic and
English, 360 px and desktop."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from absher_app.domain.demo import DEMO_PASSWORD
from tests.e2e.conftest import visit, wait_until_connected
from tests.e2e.helpers import fill_date, sign_in
from tests.e2e.messaging import (
    book_from_message,
    cancel_on_slip,
    choose_file,
    english,
    mobile_of,
    open_slip,
    pdf_bytes,
    reschedule_on_slip,
    send_message,
    shots,
    start_message,
)
from tests.e2e.test_staff import sign_in_new_staff

pytestmark = pytest.mark.e2e

ANSWER = "Your iqama transfer needs your fingerprint at a branch. Please book a visit."


def _refused(page: Page, path: str) -> None:
    page.goto(path)
    page.wait_for_url(re.compile(r"/staff/not-allowed/?$"))
    wait_until_connected(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Not allowed|غير مسموح"))


def test_officer_answers_from_the_inbox_and_the_manager_closes_a_booked_day(
        page: Page, app_env, browser, base_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, app_env, "ahmed", DEMO_PASSWORD, mobile_of("r2"))
    english(page)
    start_message(page, "Transfer of my iqama",
                  "My new employer started the transfer a month ago and nothing has changed.")
    choose_file(page, "contract.pdf", pdf_bytes())
    expect(page.get_by_test_id("attached-file")).to_contain_text("contract.pdf")
    reference = send_message(page)

    # A citizen session gives nothing in the back office.
    for path in ("/staff/messages", f"/staff/messages/{reference}", "/staff/branches"):
        _refused(page, path)

    # The officer: console -> inbox, filtered; the oldest waiting first.
    officer = browser.new_context(base_url=base_url)
    desk = officer.new_page()
    desk.set_viewport_size({"width": 1280, "height": 900})
    sign_in_new_staff(desk, app_env, "passports_officer")
    desk.get_by_role("link", name="Messages inbox").click()
    desk.wait_for_url(re.compile(r"/staff/messages/?$"))
    wait_until_connected(desk)
    desk.get_by_label("Status").select_option(label="Sent")
    expect(desk.get_by_role("link", name=reference)).to_be_visible()
    desk.get_by_label("Sector").select_option(label="General Directorate of Passports")
    desk.get_by_label("Service").select_option(label="Iqama (resident identity)")
    expect(desk.get_by_role("link", name=reference)).to_be_visible()
    desk.get_by_label("Status").select_option(label="Closed")
    expect(desk.get_by_role("link", name=reference)).to_have_count(0)
    desk.get_by_label("Status").select_option(label="Sent")
    expect(desk.get_by_role("link", name=reference)).to_be_visible()
    shots(desk, "staff-inbox")

    # The thread: the person, the PDF, the answer, the visit.
    desk.get_by_role("link", name=reference).click()
    desk.wait_for_url(re.compile(rf"/staff/messages/{reference}/?$"))
    wait_until_connected(desk)
    expect(desk.get_by_test_id("message-status")).to_have_text("In review")
    expect(desk.get_by_text("Ahmed Hassan Mahmoud")).to_be_visible()
    href = desk.get_by_role("link", name="Download contract.pdf").get_attribute("href")
    pdf = desk.request.get(href)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    assert page.request.get(href).status == 404  # the citizen's session opens nothing here
    desk.get_by_role("button", name="Send the answer").click()
    expect(desk.get_by_role("alert")).to_be_visible()  # an empty answer is refused
    desk.get_by_label("Answer to the person").fill(ANSWER)
    desk.get_by_role("button", name="Send the answer").click()
    expect(desk.get_by_role("status")).to_contain_text("The answer was sent")
    expect(desk.get_by_test_id("message-status")).to_have_text("Answered")
    desk.get_by_role("button", name="Needs a visit to a branch").click()
    expect(desk.get_by_test_id("needs-visit")).to_be_visible()
    expect(desk.get_by_role("status")).to_contain_text("offered an appointment")
    shots(desk, "staff-thread")
    officer.close()

    # The resident reads the answer and books from it, reschedules, cancels.
    visit(page, f"/messages/{reference}")
    expect(page.get_by_test_id("message-status")).to_have_text("Answered")
    expect(page.get_by_text(ANSWER)).to_be_visible()
    expect(page.get_by_role("heading", name="This matter needs a visit to a branch")) \
        .to_be_visible()
    booked, _day = book_from_message(page, reference, "Riyadh Passports - Al Naseem", 2)
    open_slip(page, booked)
    reschedule_on_slip(page, 3)
    cancel_on_slip(page)
    visit(page, "/account")
    region = page.get_by_role("region", name="Who accessed my record")
    expect(region).to_contain_text("Staff: Passports officer")
    expect(region).to_contain_text("Answer to a message")

    # A new booking at the manager's branch; the manager closes that day.
    visit(page, f"/messages/{reference}")
    booked, day = book_from_message(page, reference, "Riyadh Passports - Al Malaz", 2)
    manager = browser.new_context(base_url=base_url)
    branch = manager.new_page()
    branch.set_viewport_size({"width": 1280, "height": 900})
    sign_in_new_staff(branch, app_env, "branch_manager", "RUH-01")  # Riyadh - Al Malaz
    _refused(branch, "/staff/messages")
    visit(branch, "/staff")
    branch.get_by_role("link", name="Branch management").click()
    branch.wait_for_url(re.compile(r"/staff/branches/?$"))
    wait_until_connected(branch)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day), day
    fill_date(branch, "Date", date.fromisoformat(day))   # day, month and year boxes
    branch.get_by_role("button", name="Show").click()
    bookings = branch.get_by_test_id("booking-table")
    expect(bookings).to_contain_text(booked)
    expect(bookings).to_contain_text("Booked")
    expect(branch.get_by_test_id("slot-table")).to_contain_text("1 / 6")
    branch.get_by_label("Apply to").select_option(label="This whole day")
    branch.get_by_label("Places in each slot").fill("3")
    branch.get_by_role("button", name="Save the places").click()
    expect(branch.get_by_role("status")).to_contain_text("Each slot now has 3 places")
    expect(branch.get_by_test_id("slot-table")).to_contain_text("1 / 3")
    shots(branch, "staff-branch-day")
    branch.get_by_role("button", name="Close the day").click()
    # Asked first: it cancels the day's appointments (a question, not an alert).
    question = branch.get_by_role("group", name=re.compile("^Close the branch on this day?"))
    expect(question).to_be_visible()
    expect(branch.get_by_role("alert")).to_have_count(0)
    question.get_by_role("button", name="No, keep it open").click()
    expect(question).to_have_count(0)
    branch.get_by_role("button", name="Close the day").click()
    branch.get_by_role("button", name="Yes, close the day").click()
    expect(branch.get_by_role("alert")).to_be_visible()  # the reason is required
    branch.get_by_label("Reason for closing").fill("Maintenance of the branch building")
    branch.get_by_role("button", name="Close the day").click()
    branch.get_by_role("button", name="Yes, close the day").click()
    expect(branch.get_by_role("status")).to_contain_text("their people told: 1")
    expect(bookings).to_contain_text("Cancelled by the branch")
    expect(branch.get_by_test_id("closed-reason")).to_contain_text("Maintenance")
    shots(branch, "staff-branch-closed")
    manager.close()

    # The booked person is told, with the reason, and offered another time.
    visit(page, "/dashboard")
    expect(page.locator("#notifications")).to_contain_text(
        re.compile(rf"Maintenance of the branch building.*{booked}|{booked}.*Maintenance"))
    visit(page, f"/appointments/{booked}")
    expect(page.get_by_test_id("appointment-status")).to_have_text("Cancelled by the branch")
