"""Messages and requests, and appointments: a resident writes to the directorate with a PDF (a
fake PDF and a 6 MB file are refused and nothing is stored), an officer (here the operator
CLI; test_staff_messages.py uses the staff pages) answers and marks that it needs a visit, the
resident reads the answer, books an appointment from it carrying the message's reference,
reschedules and cancels; the slip shows a QR code. Screenshots in Arabic and English, 360 px and
desktop."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from absher_app.domain.demo import DEMO_PASSWORD
from tests.e2e.conftest import screenshot, visit, wait_until_connected
from tests.e2e.helpers import cli, sign_in
from tests.e2e.messaging import (
    MB,
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
    stored_files,
)

pytestmark = pytest.mark.e2e


# Scaled round too: the file goes up over HTTP to whichever worker takes it, the
# page's state being in Redis, and comes back down from the shared data folder.
@pytest.mark.scaled
def test_message_with_pdf_answer_visit_book_reschedule_cancel(page: Page, app_env, browser):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, app_env, "imran", DEMO_PASSWORD, mobile_of("r4"))
    english(page)
    expect(page.get_by_role("link", name="Messages")).to_be_visible()
    visit(page, "/messages")
    expect(page.get_by_text("You have not sent any messages yet.")).to_be_visible()

    # Sector -> service -> subject and message.
    start_message(page, "Iqama renewal still pending",
                  "I paid the renewal fee two weeks ago and the iqama still shows the old date.")
    before = len(stored_files())

    # A fake PDF (an image named .pdf) and a 6 MB file: clear messages, nothing stored.
    choose_file(page, "scan.pdf", b"GIF89a" + b"\0" * 2000)
    expect(page.get_by_role("alert")).to_contain_text("This file is not a valid PDF")
    choose_file(page, "big.pdf", pdf_bytes(padding=6 * MB))
    expect(page.get_by_role("alert")).to_contain_text("The file is larger than 5 MB")
    screenshot(page, "message-form-refused-en-desktop")
    assert len(stored_files()) == before
    out = cli("messages", "list", "--json", env=app_env)
    assert not any(m["subject"] == "Iqama renewal still pending" for m in json.loads(out.stdout))
    # What was typed is still there.
    expect(page.get_by_label("Subject")).to_have_value("Iqama renewal still pending")

    choose_file(page, "receipt.pdf", pdf_bytes())
    expect(page.get_by_test_id("attached-file")).to_contain_text("receipt.pdf")
    expect(page.get_by_role("alert")).to_have_count(0)
    shots(page, "message-form")
    reference = send_message(page)
    assert len(stored_files()) == before + 1
    outbox = json.loads(cli("sms", "outbox", "--last", "3", "--json", env=app_env).stdout)
    assert any(reference in m["body"] for m in outbox)

    page.get_by_role("link", name="View the message").click()
    page.wait_for_url(re.compile(rf"/messages/{reference}/?$"))
    wait_until_connected(page)
    expect(page.get_by_test_id("message-status")).to_have_text("Sent")
    download = page.get_by_role("link", name="Download receipt.pdf")
    href = download.get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200 and response.body().startswith(b"%PDF-")
    assert response.headers["content-type"] == "application/pdf"
    stranger = browser.new_context()
    try:
        assert stranger.request.get(page.url.split("/messages")[0] + href).status == 404
    finally:
        stranger.close()

    # The officer answers and says the matter needs a visit (here by the operator CLI;
    # test_staff_messages.py does it on the staff pages).
    answered = cli("messages", "answer", reference, "--text",
                   "Your renewal needs your fingerprint at a branch. Please book a visit.",
                   "--needs-visit", env=app_env)
    assert answered.returncode == 0, answered.stderr
    visit(page, f"/messages/{reference}")
    expect(page.get_by_test_id("message-status")).to_have_text("Answered")
    expect(page.get_by_text("Your renewal needs your fingerprint")).to_be_visible()
    expect(page.get_by_role("heading", name="This matter needs a visit to a branch")) \
        .to_be_visible()
    page.get_by_label("Your reply").fill("Thank you, I will book a visit.")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_role("status")).to_have_text("Your reply was sent.")
    expect(page.get_by_test_id("message-status")).to_have_text("In review")
    shots(page, "message-thread")

    # Book from the message: its reference goes with the appointment.
    booked, _day = book_from_message(page, reference, "Riyadh Passports - Al Naseem", 2,
                                     shots_name="appointment-slots")
    outbox = json.loads(cli("sms", "outbox", "--last", "3", "--json", env=app_env).stdout)
    assert any(booked in m["body"] for m in outbox)

    open_slip(page, booked)
    qr = page.get_by_test_id("slip-qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    shots(page, "appointment-slip")

    # Reschedule: another day; then cancel.
    reschedule_on_slip(page, 3)
    cancel_on_slip(page)

    visit(page, "/appointments")
    expect(page.get_by_role("cell", name="Cancelled")).to_be_visible()
    visit(page, "/dashboard")
    expect(page.get_by_text("Open messages: 1")).to_be_visible()  # the tile as "label: number"
    expect(page.get_by_text("No upcoming appointments")).to_be_visible()
