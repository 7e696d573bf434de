"""Messages and requests, and appointments: a resident writes to the directorate with a PDF (a
fake PDF and a 6 MB file are refused and nothing is stored), an officer (the operator CLI,
standing in until the staff pages exist) answers and marks that it needs a visit, the resident
reads the answer, books an appointment from it carrying the message's reference, reschedules
and cancels; the slip shows a QR code. Screenshots in Arabic and English, 360 px and desktop."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from absher_app.domain.demo import DEMO_PASSWORD, demo_ids, demo_records
from absher_app.providers.clock import SystemClock, today_in_riyadh
from tests.e2e.conftest import ARTIFACTS, screenshot, visit, wait_until_connected
from tests.e2e.helpers import cli, sign_in

pytestmark = pytest.mark.e2e

MB = 1024 * 1024
DATA_DIR = ARTIFACTS / "data" / "attachments"


def pdf_bytes(padding: int = 0) -> bytes:
    body = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n")
    body += b"%" + b"x" * padding + b"\n" if padding else b""
    return body + b"xref\n0 3\ntrailer\n<< /Root 1 0 R /Size 3 >>\nstartxref\n9\n%%EOF\n"


def stored_files() -> list[Path]:
    return [p for p in DATA_DIR.rglob("*") if p.is_file()] if DATA_DIR.exists() else []


def _mobile(key: str) -> str:
    number = demo_ids()[key]
    return next(r["mobile"] for r in demo_records(today_in_riyadh(SystemClock()))
                if r["id_number"] == number)


def _english(page: Page) -> None:
    wait_until_connected(page)
    if page.locator("html").get_attribute("lang") != "en":
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def shots(page: Page, name: str) -> None:
    """Arabic and English, 360 px and desktop, of the page as it is now (back to English
    desktop afterwards)."""
    for lang, button in (("ar", "العربية"), ("en", "English")):
        page.get_by_role("button", name=button).click()
        expect(page.locator("html")).to_have_attribute("lang", lang)
        for width, label in ((360, "360"), (1280, "desktop")):
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(page, f"{name}-{lang}-{label}")


def _choose_file(page: Page, name: str, data: bytes) -> None:
    page.locator(".upload-zone input[type=file]").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": data})


def test_message_with_pdf_answer_visit_book_reschedule_cancel(page: Page, app_env, browser):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, app_env, "imran", DEMO_PASSWORD, _mobile("r4"))
    _english(page)
    expect(page.get_by_role("link", name="Messages")).to_be_visible()
    visit(page, "/general-services")
    page.get_by_role("link", name="Messages and requests").click()
    page.wait_for_url(re.compile(r"/messages/?$"))
    expect(page.get_by_text("You have not sent any messages yet.")).to_be_visible()
    page.get_by_role("link", name="New message").click()
    expect(page.get_by_role("heading", level=1, name="New message")).to_be_visible()
    wait_until_connected(page)

    # Sector -> service -> subject and message.
    page.get_by_label("General Directorate of Passports").check()
    page.get_by_label("Service").select_option(label="Iqama (resident identity)")
    page.get_by_label("Subject").fill("Iqama renewal still pending")
    page.get_by_label("Message", exact=True).fill(
        "I paid the renewal fee two weeks ago and the iqama still shows the old date.")
    before = len(stored_files())

    # A fake PDF (an image named .pdf) and a 6 MB file: clear messages, nothing stored.
    _choose_file(page, "scan.pdf", b"GIF89a" + b"\0" * 2000)
    expect(page.get_by_role("alert")).to_contain_text("This file is not a valid PDF")
    _choose_file(page, "big.pdf", pdf_bytes(padding=6 * MB))
    expect(page.get_by_role("alert")).to_contain_text("The file is larger than 5 MB")
    screenshot(page, "message-form-refused-en-desktop")
    assert len(stored_files()) == before
    out = cli("messages", "list", "--json", env=app_env)
    assert json.loads(out.stdout) == []
    # What was typed is still there.
    expect(page.get_by_label("Subject")).to_have_value("Iqama renewal still pending")

    _choose_file(page, "receipt.pdf", pdf_bytes())
    expect(page.get_by_test_id("attached-file")).to_contain_text("receipt.pdf")
    expect(page.get_by_role("alert")).to_have_count(0)
    shots(page, "message-form")
    page.get_by_test_id("message-send").click()
    expect(page.get_by_role("heading", name="Your message was sent")).to_be_visible()
    reference = page.get_by_test_id("message-reference").inner_text().strip()
    assert re.fullmatch(r"5\d{9}", reference)
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

    # The officer answers and says the matter needs a visit (CLI until the staff pages).
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
    page.get_by_role("link", name="Book an appointment").click()
    page.wait_for_url(re.compile(r"/appointments/book/?\?"))
    wait_until_connected(page)
    expect(page.get_by_test_id("about-message")).to_contain_text(reference)
    expect(page.get_by_label("Service")).to_have_value("iqama")
    page.get_by_label("City").select_option(label="Riyadh")
    page.get_by_label("Branch").select_option(label="Riyadh Passports - Al Naseem")
    page.get_by_label("Day").select_option(index=2)
    page.locator(".slot label").first.click()
    expect(page.get_by_role("heading", name="Check your appointment")).to_be_visible()
    shots(page, "appointment-slots")
    page.get_by_test_id("appointment-confirm").click()
    expect(page.get_by_role("heading", name="Your appointment is booked")).to_be_visible()
    booked = page.get_by_test_id("appointment-reference").inner_text().strip()
    assert re.fullmatch(r"6\d{9}", booked)
    outbox = json.loads(cli("sms", "outbox", "--last", "3", "--json", env=app_env).stdout)
    assert any(booked in m["body"] for m in outbox)

    page.get_by_role("link", name="View the appointment slip").click()
    page.wait_for_url(re.compile(rf"/appointments/{booked}/?$"))
    wait_until_connected(page)
    expect(page.get_by_test_id("appointment-status")).to_have_text("Booked")
    qr = page.get_by_test_id("slip-qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    first_day = page.locator(".summary-row", has_text="Day").inner_text()
    shots(page, "appointment-slip")

    # Reschedule: another day.
    page.get_by_role("link", name="Change the appointment").click()
    page.wait_for_url(re.compile(r"/appointments/book/?\?reschedule="))
    wait_until_connected(page)
    expect(page.get_by_role("heading", level=1, name="Change an appointment")).to_be_visible()
    page.get_by_label("Day").select_option(index=3)
    page.locator(".slot label").nth(1).click()
    page.get_by_test_id("appointment-confirm").click()
    expect(page.get_by_role("heading", name="Your appointment was changed")).to_be_visible()
    page.get_by_role("link", name="View the appointment slip").click()
    wait_until_connected(page)
    expect(page.get_by_test_id("appointment-status")).to_have_text("Booked")
    expect(page.locator(".summary-row", has_text="Day")).not_to_have_text(first_day)

    # Cancel.
    page.get_by_role("button", name="Cancel the appointment").click()
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_role("status")).to_have_text("Your appointment was cancelled.")
    expect(page.get_by_test_id("appointment-status")).to_have_text("Cancelled")
    expect(page.get_by_test_id("slip-qr")).to_have_count(0)

    visit(page, "/appointments")
    expect(page.get_by_role("cell", name="Cancelled")).to_be_visible()
    visit(page, "/dashboard")
    expect(page.get_by_text("1 open")).to_be_visible()
    expect(page.get_by_text("No upcoming appointments")).to_be_visible()
