"""The booking page's lists show the person's pick while the server answers (issue 15 #11):
the server's frames are held back after each pick, so the page has not heard the answer yet
when the lists are looked at; then they are let through and the next list appears."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from absher_app.domain.demo import DEMO_PASSWORD
from tests.e2e.conftest import visit, wait_until_connected
from tests.e2e.helpers import sign_in
from tests.e2e.messaging import english, mobile_of

pytestmark = pytest.mark.e2e


class HeldSocket:
    """Between the page and the server: forwards every frame, except that while `hold` is on
    the server's frames wait until `release`."""

    def __init__(self) -> None:
        self.hold = False
        self.waiting: list[str | bytes] = []
        self.page_side: WebSocketRoute | None = None

    def route(self, page_side: WebSocketRoute) -> None:
        server = page_side.connect_to_server()
        self.page_side = page_side
        page_side.on_message(lambda frame: server.send(frame))

        def from_server(frame: str | bytes) -> None:
            if self.hold:
                self.waiting.append(frame)
            else:
                page_side.send(frame)

        server.on_message(from_server)

    def release(self) -> None:
        self.hold = False
        for frame in self.waiting:
            self.page_side.send(frame)
        self.waiting.clear()


def test_the_lists_keep_the_pick_while_the_server_answers(page: Page, app_env):
    held = HeldSocket()
    page.route_web_socket(re.compile(r"/_event"), held.route)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, app_env, "turki", DEMO_PASSWORD, mobile_of("c8"))
    english(page)
    visit(page, "/appointments/book?service=iqama")
    expect(page.get_by_label("Service")).to_have_value("iqama")
    page.get_by_label("City").select_option(label="Riyadh")
    branch = page.get_by_label("Branch")
    expect(branch.locator("option", has_text="Al Naseem")).to_have_count(1)

    held.hold = True
    branch.select_option(label="Riyadh Passports - Al Naseem")
    page.wait_for_timeout(1500)  # the server has answered by now; the page has not heard it
    assert held.waiting, "the server's answer was not held back"
    expect(branch).to_have_value("RUH-02")
    expect(page.get_by_label("Day")).to_have_count(0)
    held.release()
    day = page.get_by_label("Day")
    expect(day.locator("option").nth(2)).to_be_attached()
    expect(branch).to_have_value("RUH-02")

    held.hold = True
    chosen = day.locator("option").nth(2).get_attribute("value")
    day.select_option(index=2)
    page.wait_for_timeout(1500)
    assert held.waiting, "the server's answer was not held back"
    expect(day).to_have_value(chosen)
    expect(page.locator(".slot")).to_have_count(0)
    held.release()
    expect(page.locator(".slot").first).to_be_visible()
    expect(day).to_have_value(chosen)
    expect(branch).to_have_value("RUH-02")

    # A new city empties the branch list (the server's doing, not a pick to keep).
    page.get_by_label("City").select_option(label="Jeddah")
    expect(branch).to_have_value("")
    expect(page.get_by_label("Day")).to_have_count(0)
    wait_until_connected(page)
