"""The bilingual shell: Arabic by default, English one click away and remembered; health."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, visit, wait_until_connected

pytestmark = pytest.mark.e2e


def expect_document(page: Page, lang: str, direction: str) -> None:
    """<html lang dir> is `lang` and `direction` (waited for: the page sets them, in time)."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", direction)


def test_home_is_arabic_rtl_by_default(page: Page):
    visit(page, "/")
    expect_document(page, "ar", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("أنجز معاملات الجوازات من منزلك")
    expect(page.get_by_role("link", name="تسجيل الدخول").first).to_be_visible()


def test_language_switch_is_remembered_across_reloads(page: Page):
    visit(page, "/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Do your passports business from home")
    expect_document(page, "en", "ltr")

    page.reload()
    wait_until_connected(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Do your passports business from home")
    expect_document(page, "en", "ltr")
    visit(page, "/")  # accessibility in English too

    page.get_by_role("button", name="العربية").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("أنجز معاملات الجوازات من منزلك")
    expect_document(page, "ar", "rtl")
    page.reload()
    wait_until_connected(page)
    expect_document(page, "ar", "rtl")


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_home_screenshots(page: Page, width: int, lang: str):
    page.set_viewport_size({"width": width, "height": 900})
    visit(page, "/")
    if lang == "en":
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Do your passports business from home"
        )
    # Nothing may scroll sideways at 360 px: the layout must fit the phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"
    path = screenshot(page, f"home-{lang}-{width}")
    assert path.stat().st_size > 10_000


def test_dev_sms_outbox_page_lists_messages(page: Page):
    visit(page, "/dev/sms")
    expect(page.get_by_role("heading", level=1)).to_have_text("صندوق الرسائل النصية (للتطوير)")


def test_health_reports_database(app_url: str):
    with urllib.request.urlopen(f"{app_url}/health", timeout=10) as response:
        assert response.status == 200
        body = json.loads(response.read())
    assert body["status"] is True
    assert body["db"] is True
    with urllib.request.urlopen(f"{app_url}/ping", timeout=10) as response:
        assert response.status == 200
