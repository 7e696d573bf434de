"""The family members page: the household with every expiry in both calendars, the calendar
(.ics) download, links that open a service's wizard for that member, the dashboard's "next to
expire" tile, and the page at 360 px in Arabic and English."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from absher_app.domain.calendars import gregorian_text, hijri_text, today_in_riyadh
from absher_app.domain.demo import DEMO_PASSWORD, demo_ids, demo_records
from absher_app.providers.clock import SystemClock
from tests.e2e.conftest import REVIEW_SHOTS, screenshot, visit, wait_until_connected
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e

# Ahmed (r2) heads a household: spouse, two children, a parent and a domestic worker.
HOUSEHOLD = ("Ahmed Hassan Mahmoud", "Mona Ahmed Hassan", "Youssef Ahmed Hassan",
             "Mariam Ahmed Hassan", "Hassan Mahmoud", "Maria Santos")


def _record(key: str) -> dict:
    today = today_in_riyadh(SystemClock())
    return next(r for r in demo_records(today) if r["id_number"] == demo_ids()[key])


def _sign_in_ahmed(page: Page, app_env) -> None:
    sign_in(page, app_env, "ahmed", DEMO_PASSWORD, _record("r2")["mobile"])
    wait_until_connected(page)
    if page.locator("html").get_attribute("lang") != "en":
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _member(page: Page, name: str):
    return page.get_by_role("article", name=name, exact=True)


def test_family_page_lists_members_with_both_calendars_and_a_calendar_file(page: Page, app_env,
                                                                          tmp_path):
    _sign_in_ahmed(page, app_env)
    # The dashboard tile names the next expiry: Youssef's passport, 20 days from today.
    today = today_in_riyadh(SystemClock())
    tile = page.get_by_role("listitem").filter(
        has=page.get_by_role("link", name="Family and sponsored persons"))
    expect(tile).to_contain_text("People you sponsor: 5")
    expect(tile).to_contain_text("Next to expire: Passport — Youssef Ahmed Hassan")
    expect(tile).to_contain_text(gregorian_text(today + timedelta(days=20), "en"))
    expect(tile).to_contain_text(hijri_text(today + timedelta(days=20), "en"))
    expect(tile).to_contain_text("in 20 days")
    expect(tile).to_contain_text("Expired documents: 1")   # the parent's iqama

    page.get_by_role("link", name="Family and sponsored persons").click()
    page.wait_for_url(re.compile(r"/family/?$"))
    visit(page, "/family")
    for name in HOUSEHOLD:
        expect(_member(page, name)).to_be_visible()
    maria = _member(page, "Maria Santos")
    iqama = date.fromisoformat(_record("r3")["iqama_expiry"])
    item = maria.get_by_role("listitem").filter(has_text="Iqama")
    expect(item).to_contain_text(demo_ids()["r3"])
    expect(item).to_contain_text(gregorian_text(iqama, "en"))
    expect(item).to_contain_text(hijri_text(iqama, "en"))
    expect(item.locator("time")).to_have_attribute("datetime", iqama.isoformat())
    expired = _member(page, "Hassan Mahmoud").get_by_role("listitem").filter(has_text="Iqama")
    expect(expired).to_contain_text("Expired")
    expect(expired).to_contain_text("5 days ago")

    with page.expect_download() as caught:
        page.get_by_role("button", name="Download calendar (.ics)").click()
    download = caught.value
    assert download.suggested_filename == "absher-household.ics"
    path = tmp_path / "household.ics"
    download.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == page.locator(".expiry-timeline > li").count() >= 12
    maria_iqama = [e for e in events if "Maria Santos" in str(e["summary"])
                   and "Iqama" in str(e["summary"])]
    assert len(maria_iqama) == 1
    assert maria_iqama[0].decoded("dtstart") == iqama
    assert maria_iqama[0].walk("VALARM"), "every expiry has a reminder alarm"


def test_a_service_link_opens_the_wizard_with_the_member_preselected(page: Page, app_env):
    _sign_in_ahmed(page, app_env)
    visit(page, "/family")
    maria = _member(page, "Maria Santos")
    maria.get_by_text("Services you can start").click()
    link = maria.get_by_role("link", name="Issue or renew an iqama")
    expect(link).to_have_attribute("href", re.compile(rf"\?for={demo_ids()['r3']}$"))
    link.click()
    page.wait_for_url(re.compile(rf"/services/iqama_renew/?\?for={demo_ids()['r3']}$"))
    wait_until_connected(page)
    expect(page.get_by_role("heading", level=1, name="Issue or renew an iqama")).to_be_visible()
    expect(page.get_by_label("Maria Santos")).to_be_checked()
    expect(page.get_by_label("Mona Ahmed Hassan")).not_to_be_checked()

    # The server decides: someone outside the household (Mohammed's worker) is neither
    # preselected nor offered, and a made-up value preselects nobody.
    for value in (demo_ids()["r1"], "2999999999", "1"):
        visit(page, f"/services/iqama_renew?for={value}")
        expect(page.get_by_label("Maria Santos")).to_be_visible()
        expect(page.get_by_role("radio", checked=True)).to_have_count(0)
        expect(page.get_by_text("Rajesh Kumar")).to_have_count(0)


def test_family_page_at_360_px_in_both_languages(page: Page, app_env):
    page.set_viewport_size({"width": 360, "height": 800})
    _sign_in_ahmed(page, app_env)
    visit(page, "/family")
    expect(_member(page, "Maria Santos")).to_be_visible()
    for lang, switch in (("en", None), ("ar", "العربية")):
        if switch:
            page.get_by_role("button", name=switch).click()
            expect(page.locator("html")).to_have_attribute("lang", lang)
        # Nothing sticks out sideways: the page scrolls only down.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the family page is {width} px wide in {lang}"
        screenshot(page, f"family-{lang}-360", REVIEW_SHOTS)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
