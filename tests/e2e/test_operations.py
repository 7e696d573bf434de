"""Operations in the browser: the staff console's charts with their tables (axe-clean in both
languages, at 360 and 1280 px), and a journey's server log free of the demo persons' ID
numbers and mobiles."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from absher_app.domain.calendars import today_in_riyadh
from absher_app.domain.demo import DEMO_PASSWORD, demo_records
from absher_app.domain.identity import normalize_mobile
from absher_app.providers.clock import SystemClock
from tests.e2e.conftest import REVIEW_SHOTS, assert_accessible, screenshot, wait_until_connected
from tests.e2e.helpers import cli, in_language, sign_in
from tests.e2e.test_staff import _mobile, sign_in_new_staff

pytestmark = pytest.mark.e2e


def test_the_admin_console_shows_charts_each_with_its_table(page: Page, app_env):
    # A job run first, so that the jobs table has a last run to show.
    assert cli("jobs", "run", "--only", "expire-unpaid", env=app_env).returncode == 0
    sign_in_new_staff(page, app_env, "admin")
    in_language(page)
    for name in ("Requests per day by status", "Time to a decision",
                 "Appointments booked against capacity",
                 "Messages waiting for an answer, by sector", "Background jobs"):
        expect(page.get_by_role("heading", level=2, name=name)).to_be_visible()
    requests = page.get_by_role("table", name="Requests per day by status")
    expect(requests.get_by_role("row")).to_have_count(31)  # a header and 30 days
    expect(requests.get_by_role("columnheader", name="In review")).to_be_visible()
    branches = page.get_by_role("table", name="Appointments booked and capacity per branch")
    expect(branches.get_by_role("row", name=re.compile(r"\(RUH-01\)"))).to_have_count(1)
    jobs = page.get_by_role("table", name="Last runs of the background jobs")
    expect(jobs.get_by_role("row", name=re.compile("expire-unpaid"))).to_contain_text(
        "Succeeded")
    expect(page.locator(".chart svg").first).to_be_visible()  # recharts drew something
    assert_accessible(page)
    screenshot(page, "staff-charts-en-1280", REVIEW_SHOTS)
    page.set_viewport_size({"width": 360, "height": 800})
    assert_accessible(page)
    screenshot(page, "staff-charts-en-360", REVIEW_SHOTS)
    page.get_by_role("button", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_role("heading", level=2, name="الطلبات اليومية حسب الحالة")).to_be_visible()
    expect(page.get_by_role("table", name="المواعيد المحجوزة والطاقة لكل فرع")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "staff-charts-ar-360", REVIEW_SHOTS)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert_accessible(page)
    screenshot(page, "staff-charts-ar-1280", REVIEW_SHOTS)


def test_a_clerk_sees_no_charts(page: Page, app_env):
    sign_in_new_staff(page, app_env, "activation_clerk")
    in_language(page)
    expect(page.get_by_test_id("staff-role")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Requests per day by status")
           ).to_have_count(0)
    expect(page.get_by_role("heading", level=2, name="Background jobs")).to_have_count(0)


def test_the_server_log_holds_no_id_number_or_mobile(page: Page, app_env, app_server):
    if app_server is None:
        pytest.skip("the app under test is external (ABSHER_E2E_URL): its log is not here")
    # A citizen journey that types the ID and gets a code by SMS.
    sign_in(page, app_env, "mohammed", DEMO_PASSWORD, _mobile("c1"))
    wait_until_connected(page)
    log = app_server.log_path.read_text(errors="replace")
    assert log, "the server wrote no log at all"
    records = demo_records(today_in_riyadh(SystemClock()))
    numbers = {r["id_number"] for r in records}
    mobiles = {m for r in records for m in (r["mobile"], normalize_mobile(r["mobile"]),
                                            normalize_mobile(r["mobile"]).lstrip("+"))}
    leaked = sorted(n for n in numbers | mobiles if n in log)
    assert leaked == [], f"the server log holds {leaked[:5]}"
    # Our own lines are JSON objects.
    ours = [json.loads(line) for line in log.splitlines()
            if line.startswith("{") and '"logger": "absher' in line]
    assert all("level" in line and "message" in line for line in ours)
