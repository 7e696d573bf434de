"""Steps the messages and appointments journeys share (the resident's side and the back
office's), so each journey reads as its story."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from absher_app.domain.calendars import today_in_riyadh
from absher_app.domain.demo import demo_ids, demo_records
from absher_app.providers.clock import SystemClock
from tests.e2e.conftest import ARTIFACTS, screenshot, visit, wait_until_connected

MB = 1024 * 1024
DATA_DIR = ARTIFACTS / "data" / "attachments"


def pdf_bytes(padding: int = 0) -> bytes:
    """A small well-formed PDF (a real cross-reference table, which the PDF check parses),
    optionally padded with a comment to a size: its length grows by exactly padding + 2."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    body = b"%PDF-1.4\n" + (b"%" + b"x" * padding + b"\n" if padding else b"")
    offsets = []
    for number, text in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    xref = b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o
                                                          for o in offsets)
    # startxref written with ten digits, so that the padding alone sets the length.
    return body + xref + b"trailer\n<< /Root 1 0 R /Size 3 >>\nstartxref\n%010d\n%%%%EOF\n" \
        % len(body)


def stored_files() -> list[Path]:
    return [p for p in DATA_DIR.rglob("*") if p.is_file()] if DATA_DIR.exists() else []


def mobile_of(key: str) -> str:
    """The demo person's mobile (where their sign-in codes go)."""
    number = demo_ids()[key]
    return next(r["mobile"] for r in demo_records(today_in_riyadh(SystemClock()))
                if r["id_number"] == number)


def english(page: Page) -> None:
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


def choose_file(page: Page, name: str, data: bytes) -> None:
    page.locator(".upload-zone input[type=file]").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": data})


def start_message(page: Page, subject: str, body: str) -> None:
    """General services -> Messages and requests -> New message, to the directorate about the
    iqama, subject and message typed."""
    visit(page, "/general-services")
    page.get_by_role("link", name="Messages and requests").click()
    page.wait_for_url(re.compile(r"/messages/?$"))
    page.get_by_role("link", name="New message").click()
    expect(page.get_by_role("heading", level=1, name="New message")).to_be_visible()
    wait_until_connected(page)
    page.get_by_label("General Directorate of Passports").check()
    page.get_by_label("Service").select_option(label="Iqama (resident identity)")
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Message", exact=True).fill(body)


def send_message(page: Page) -> str:
    """Send the message on the form; its reference."""
    page.get_by_test_id("message-send").click()
    expect(page.get_by_role("heading", name="Your message was sent")).to_be_visible()
    reference = page.get_by_test_id("message-reference").inner_text().strip()
    assert re.fullmatch(r"5\d{9}", reference)
    return reference


def book_from_message(page: Page, reference: str, branch: str, day_index: int,
                      shots_name: str = "") -> tuple[str, str]:
    """On the message's thread: Book an appointment (the reference goes with it) at `branch`
    on the day_index-th day offered, first free slot; (appointment reference, day value)."""
    page.get_by_role("link", name="Book an appointment").click()
    page.wait_for_url(re.compile(r"/appointments/book/?\?"))
    wait_until_connected(page)
    expect(page.get_by_test_id("about-message")).to_contain_text(reference)
    expect(page.get_by_label("Service")).to_have_value("iqama")
    page.get_by_label("City").select_option(label="Riyadh")
    page.get_by_label("Branch").select_option(label=branch)
    day = page.get_by_label("Day").locator("option").nth(day_index).get_attribute("value")
    page.get_by_label("Day").select_option(index=day_index)
    page.locator(".slot label").first.click()
    expect(page.get_by_role("heading", name="Check your appointment")).to_be_visible()
    if shots_name:
        shots(page, shots_name)
    page.get_by_test_id("appointment-confirm").click()
    expect(page.get_by_role("heading", name="Your appointment is booked")).to_be_visible()
    booked = page.get_by_test_id("appointment-reference").inner_text().strip()
    assert re.fullmatch(r"6\d{9}", booked)
    return booked, day


def open_slip(page: Page, booked: str) -> None:
    page.get_by_role("link", name="View the appointment slip").click()
    page.wait_for_url(re.compile(rf"/appointments/{booked}/?$"))
    wait_until_connected(page)
    expect(page.get_by_test_id("appointment-status")).to_have_text("Booked")


def reschedule_on_slip(page: Page, day_index: int) -> None:
    """From the slip: Change the appointment to another day, second slot; back on the slip."""
    first_day = page.locator(".summary-row", has_text="Day").inner_text()
    page.get_by_role("link", name="Change the appointment").click()
    page.wait_for_url(re.compile(r"/appointments/book/?\?reschedule="))
    wait_until_connected(page)
    expect(page.get_by_role("heading", level=1, name="Change an appointment")).to_be_visible()
    page.get_by_label("Day").select_option(index=day_index)
    page.locator(".slot label").nth(1).click()
    page.get_by_test_id("appointment-confirm").click()
    expect(page.get_by_role("heading", name="Your appointment was changed")).to_be_visible()
    page.get_by_role("link", name="View the appointment slip").click()
    wait_until_connected(page)
    expect(page.get_by_test_id("appointment-status")).to_have_text("Booked")
    expect(page.locator(".summary-row", has_text="Day")).not_to_have_text(first_day)


def cancel_on_slip(page: Page) -> None:
    page.get_by_role("button", name="Cancel the appointment").click()
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_role("status")).to_have_text("Your appointment was cancelled.")
    expect(page.get_by_test_id("appointment-status")).to_have_text("Cancelled")
    expect(page.get_by_test_id("slip-qr")).to_have_count(0)
