"""TEMPORARY (not committed): screenshots of the ported pages at 1280 and 360 px in both
languages, for the porter to look at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from absher_app.domain.demo import DEMO_PASSWORD
from tests.e2e.conftest import screenshot, visit, wait_until_connected
from tests.e2e.helpers import sign_in
from tests.e2e.test_services import _mobile

pytestmark = pytest.mark.e2e


def _lang(page: Page, lang: str) -> None:
    wait_until_connected(page)
    if page.locator("html").get_attribute("lang") != lang:
        page.get_by_role("button", name="English" if lang == "en" else "العربية").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("width", [1280, 360])
def test_shots(page: Page, app_env, lang, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, app_env, "ahmed", DEMO_PASSWORD, _mobile("r2"))
    _lang(page, lang)
    for path, name in (("/dashboard", "dashboard"), ("/services", "services"),
                       ("/family", "family"), ("/transactions", "transactions")):
        visit(page, path)
        _lang(page, lang)
        screenshot(page, f"port-{name}-{lang}-{width}")
    visit(page, "/services/iqama_renew")
    _lang(page, lang)
    if page.locator(".step-count").count() or page.locator(".summary-list").count():
        page.locator(".button-group button.secondary").last.click()
        expect(page.locator("input[type=radio]").first).to_be_visible()
    screenshot(page, f"port-who-{lang}-{width}")
    page.locator("input[type=radio]").first.check()
    page.locator("form button[type=submit]").click()
    expect(page.locator(".step-count")).to_be_visible()
    page.locator("form button[type=submit]").click()  # nothing chosen: the error summary
    expect(page.get_by_role("alert")).to_be_visible()
    screenshot(page, f"port-step-error-{lang}-{width}")
    page.locator("input[type=radio]").first.check()
    page.locator("form button[type=submit]").click()
    expect(page.locator(".summary-list")).to_be_visible()
    screenshot(page, f"port-review-{lang}-{width}")
    page.locator(".button-group button:not(.secondary)").first.click()
    expect(page.get_by_test_id("reference")).to_be_visible()
    screenshot(page, f"port-done-{lang}-{width}")
    visit(page, "/transactions")
    links = page.locator("table a")
    if links.count():
        reference = links.first.inner_text().strip()
        visit(page, f"/transactions/{reference}")
        _lang(page, lang)
        screenshot(page, f"port-transaction-{lang}-{width}")
        pay = page.get_by_role("link", name=re.compile("Pay now|ادفع"))
        if pay.count():
            pay.first.click()
            page.wait_for_url(re.compile(r"/pay"))
            _lang(page, lang)
            screenshot(page, f"port-pay-{lang}-{width}")
