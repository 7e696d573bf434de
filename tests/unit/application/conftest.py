"""Fixtures for the use case tests: `unit.run` on the test database at a fixed moment, and
callers signed in as demo persons or demo staff (their session cookies, as a browser has them).

    def test_something(app_world):
        caller = app_world.person("imran")
        rows = unit.run(appointments.my_appointments, caller)
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy
from sqlmodel import Session, select

from absher_app.application import unit
from absher_app.application.identity import Caller
from absher_app.db import session_scope
from absher_app.domain import accounts, staff
from absher_app.domain.demo import load_demo
from absher_app.models import Account, StaffMember
from absher_app.providers.clock import RIYADH, FixedClock

# A Sunday, 12:00 in Riyadh: a working day with bookable times left.
APP_NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
APP_TODAY = APP_NOW.astimezone(RIYADH).date()


@dataclasses.dataclass
class AppWorld:
    """The demo data on the test database, and ways to call use cases as someone."""

    engine: sqlalchemy.Engine
    clock: FixedClock

    def db(self) -> Session:
        """A session of its own on the test database (to arrange or to look)."""
        return Session(self.engine, expire_on_commit=False)

    def person(self, username: str, **caller: str) -> Caller:
        """A caller signed in as the demo account `username` (a live citizen session)."""
        with self.db() as session:
            account = session.exec(select(Account).where(Account.username == username)).one()
            token = accounts.redeem_sign_in_ticket(
                session, accounts.issue_sign_in_ticket(session, account, now=self.clock.now()),
                now=self.clock.now())
            session.commit()
        return Caller(tokens={"person": token}, client="192.0.2.10", device="pytest",
                      where="pytest", **caller)

    def staff(self, username: str, **caller: str) -> Caller:
        """A caller signed in as the staff member `username` (a live staff session)."""
        with self.db() as session:
            member = session.exec(select(StaffMember).where(
                StaffMember.username == username)).one()
            token = staff.redeem_ticket(session, staff.issue_ticket(session, member,
                                                                     now=self.clock.now()),
                                        now=self.clock.now())
            session.commit()
        return Caller(tokens={"staff": token}, client="192.0.2.20", device="pytest",
                      where="pytest", **caller)

    def run(self, fn: Callable, caller: Caller, *inputs):
        """`unit.run` as a page would call it."""
        return unit.run(fn, caller, *inputs)


@pytest.fixture
def app_world(engine, monkeypatch) -> AppWorld:
    """Demo persons, accounts, staff, branches and vehicles; `unit.run` on this database at
    APP_NOW (move `app_world.clock` to call later)."""
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session, APP_TODAY)
        session.commit()

    clock = FixedClock(APP_NOW)
    monkeypatch.setattr(unit, "session_scope", functools.partial(session_scope, engine))
    monkeypatch.setattr(unit, "CLOCK", clock)
    return AppWorld(engine, clock)
