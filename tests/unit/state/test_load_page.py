"""A signed-in page's load (absher_app.state.session.load_page): one run for the page and the
chrome; when a rule refuses the page, the chrome is still shown and the refusal goes to the page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from absher_app.application import dashboard
from absher_app.application import session as chrome
from absher_app.application.identity import SignInRequired
from absher_app.domain.errors import DomainError
from absher_app.state import session as session_state
from tests.own_loop import run_in_own_loop

SHOWN = chrome.Chrome("person", "محمد", "Mohammed", 900, "idle", datetime(2026, 5, 10, tzinfo=UTC))


class FakeChromeState:
    """What load_page uses of SessionState: entering a realm, showing a chrome."""

    def __init__(self) -> None:
        self.entered: list[str] = []
        self.shown: list[chrome.Chrome] = []

    async def _enter(self, realm: str) -> None:
        self.entered.append(realm)

    def _show(self, view: chrome.Chrome) -> None:
        self.shown.append(view)


class FakePageState:
    def __init__(self) -> None:
        self.chrome = FakeChromeState()

    async def get_state(self, cls):
        assert cls is session_state.SessionState
        return self.chrome


def _page_load(monkeypatch, answer) -> tuple[FakePageState, list, object]:
    ran: list = []

    async def use(state, fn, *inputs):
        ran.append(fn)
        return answer(fn)

    monkeypatch.setattr(session_state, "use", use)
    page = FakePageState()
    try:
        outcome = run_in_own_loop(session_state.load_page(page, dashboard.dashboard))
    except DomainError as refusal:
        outcome = refusal
    return page, ran, outcome


def test_the_page_and_its_chrome_come_from_one_run(monkeypatch):
    page, ran, view = _page_load(monkeypatch, lambda fn: (SHOWN, "the dashboard"))
    assert view == "the dashboard"
    assert ran == [chrome.with_chrome(dashboard.dashboard)]
    assert page.chrome.entered == ["person"] and page.chrome.shown == [SHOWN]


def test_a_refused_page_still_shows_who_is_signed_in(monkeypatch):
    def answer(fn):
        if fn is chrome.with_chrome(dashboard.dashboard):
            raise DomainError("not_found", "no such page")
        return SHOWN

    page, ran, outcome = _page_load(monkeypatch, answer)
    assert isinstance(outcome, DomainError) and outcome.code == "not_found"
    assert ran == [chrome.with_chrome(dashboard.dashboard), chrome.CHROME["person"]]
    assert page.chrome.shown == [SHOWN]


def test_nobody_signed_in_shows_no_chrome(monkeypatch):
    def answer(fn):
        raise SignInRequired("person")

    with pytest.raises(SignInRequired):
        _page_load(monkeypatch, answer)
