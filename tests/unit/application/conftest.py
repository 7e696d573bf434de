"""Fixtures for the use case tests.

Services, transactions, dashboard, family (`svc_world`): `unit.run` on a fresh copy of a
SQLite database holding the demo (loaded once per run: loading it per test was most of the
time), at a clock that stands still, and callers signed in as demo account holders the way the
portal signs people in (a ticket redeemed for a session token). SQLite only: these use cases
hold nothing that differs between the databases (the domain's tests run both).

    def test_something(svc_world):
        caller = svc_world.sign_in("ahmed")
        view = svc_world.run(wizard.open_wizard, caller, WizardKey("iqama_renew"))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from sqlmodel import Session, select

from absher_app.application import unit
from absher_app.application.identity import Caller
from absher_app.db import session_scope
from absher_app.domain import accounts
from absher_app.models import Account
from absher_app.providers.clock import RIYADH, FixedClock
from tests.unit.service_cases import copy_of, demo_template

SVC_NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)  # 12:00 in Riyadh
SVC_TODAY = SVC_NOW.astimezone(RIYADH).date()


@dataclasses.dataclass
class ServicesWorld:
    """The demo on a database of its own, and ways to call use cases as someone."""

    engine: sqlalchemy.Engine
    clock: FixedClock

    def db(self) -> Session:
        """A session of its own on the test database (to arrange or to look)."""
        return Session(self.engine, expire_on_commit=False)

    def sign_in(self, username: str, lang: str = "en") -> Caller:
        """A caller with a fresh session of the account `username`."""
        now = self.clock.now()
        with self.db() as session:
            account = session.exec(select(Account).where(Account.username == username)).one()
            ticket = accounts.issue_sign_in_ticket(session, account, now=now)
            token = accounts.redeem_sign_in_ticket(session, ticket, now=now, device="pytest")
            session.commit()
        assert token
        return Caller(tokens={"person": token}, client="203.0.113.9", device="pytest",
                      lang=lang, where="pytest")

    def run(self, fn: Callable[..., Any], caller: Caller, *inputs: Any) -> Any:
        """`unit.run` as a page's event would call it."""
        return unit.run(fn, caller, *inputs)


@pytest.fixture(scope="session")
def svc_template(tmp_path_factory) -> Path:
    return demo_template(tmp_path_factory.mktemp("svc"), SVC_TODAY)


@pytest.fixture
def svc_world(svc_template, tmp_path, monkeypatch) -> Iterator[ServicesWorld]:
    engine = copy_of(svc_template, tmp_path)
    clock = FixedClock(SVC_NOW)
    monkeypatch.setattr(unit, "session_scope", lambda: session_scope(engine))
    monkeypatch.setattr(unit, "CLOCK", clock)
    yield ServicesWorld(engine, clock)
    engine.dispose()
