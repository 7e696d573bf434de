"""Fixtures for the use cases: their transactions on the test database (SQLite, and
PostgreSQL when reachable), the demo registry and accounts, a clock that stands still, and
callers signed in the way the portal signs people in (a ticket redeemed for a session token).
Two styles live here side by side:

    def test_something(use_case_db, sign_in_as):
        caller = sign_in_as("khalid")
        view = unit.run(account.account_overview, caller)

    def test_other(app_world):
        caller = app_world.person("imran")          # or app_world.staff("officer")
        rows = unit.run(appointments.my_appointments, caller)

    def test_a_service(svc_world):  # a copy of a demo database made once per run: quick
        caller = svc_world.sign_in("ahmed")
        view = svc_world.run(wizard.open_wizard, caller, WizardKey("iqama_renew"))

`app_world` and `svc_world` give the same `World`; they differ in how its database is made
(the demo loaded for the test, or a copy of one loaded once per run).
"""


from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy
from sqlmodel import Session, select

from absher_app.application import unit
from absher_app.application.identity import Caller
from absher_app.db import session_scope
from absher_app.domain import accounts, demo, sessions
from absher_app.domain import staff as staff_domain
from absher_app.domain.calendars import RIYADH
from absher_app.domain.demo import DEMO_PASSWORD, load_demo
from absher_app.domain.passwords import hash_password
from absher_app.models import Account, StaffMember
from absher_app.providers.clock import FixedClock
from absher_app.settings import get_settings
from tests.unit.service_cases import copy_of, demo_template

USE_CASE_TODAY = date(2026, 5, 10)
USE_CASE_NOW = datetime(2026, 5, 10, 9, 0, 0, tzinfo=UTC)  # a TOTP step boundary
USE_CASE_DEVICE = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Chrome/131.0.0.0 Safari/537.36")


@functools.cache
def _demo_hash() -> str:
    return hash_password(DEMO_PASSWORD)


@pytest.fixture
def use_case_clock(monkeypatch) -> FixedClock:
    """The clock every `unit.run` reads (move it with `.set(...)`)."""
    clock = FixedClock(USE_CASE_NOW)
    monkeypatch.setattr(unit, "CLOCK", clock)
    return clock


@pytest.fixture
def use_case_db(engine, monkeypatch, use_case_clock) -> sqlalchemy.Engine:
    """`unit.run` opens its transactions on the test database, which holds the demo registry
    and accounts (mohammed, khalid, ... active; hind registered)."""
    monkeypatch.setattr(unit, "session_scope", lambda: session_scope(engine))
    monkeypatch.setattr(demo, "hash_password", lambda password: _demo_hash()
                        if password == DEMO_PASSWORD else hash_password(password))
    with session_scope(engine) as session:
        load_demo(session, USE_CASE_TODAY)
    return engine


@pytest.fixture
def use_case_session(use_case_db) -> Session:
    """A session of its own on the test database, to look at what the use cases wrote."""
    with Session(use_case_db, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def sign_in_as(use_case_db, use_case_clock) -> Callable[..., Caller]:
    """`sign_in_as(username, lang="en")`: a caller with a fresh session of that account."""

    def sign_in(username: str, lang: str = "en", device: str = USE_CASE_DEVICE) -> Caller:
        now = use_case_clock.now()
        with session_scope(use_case_db) as session:
            account = session.exec(select(Account).where(Account.username == username)).one()
            ticket = sessions.issue_ticket(session, accounts.PERSON, account.id, now=now)
            token = sessions.redeem_ticket(session, accounts.PERSON, ticket, now=now,
                                           device=device)
        assert token
        return Caller(tokens={"person": token}, client="203.0.113.7", device=device,
                      lang=lang, where="pytest")

    return sign_in


@pytest.fixture
def anonymous() -> Caller:
    """A caller with no session (registration, recovery, the demo partners)."""
    return Caller(client="203.0.113.8", device=USE_CASE_DEVICE, lang="en", where="pytest")


# A Sunday, 12:00 in Riyadh: a working day with bookable times left.
APP_NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
APP_TODAY = APP_NOW.astimezone(RIYADH).date()


@dataclasses.dataclass
class World:
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
            token = staff_domain.redeem_ticket(session, staff_domain.issue_ticket(session, member,
                                                                     now=self.clock.now()),
                                        now=self.clock.now())
            session.commit()
        return Caller(tokens={"staff": token}, client="192.0.2.20", device="pytest",
                      where="pytest", **caller)

    def sign_in(self, username: str, lang: str = "en") -> Caller:
        """`person`, in English unless told (the services' tests read English text)."""
        return self.person(username, lang=lang)

    def run(self, fn: Callable, caller: Caller, *inputs):
        """`unit.run` as a page would call it."""
        return unit.run(fn, caller, *inputs)


@pytest.fixture
def app_world(engine, monkeypatch) -> World:
    """Demo persons, accounts, staff, branches and vehicles; `unit.run` on this database at
    APP_NOW (move `app_world.clock` to call later)."""
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session, APP_TODAY)
        session.commit()

    clock = FixedClock(APP_NOW)
    monkeypatch.setattr(unit, "session_scope", functools.partial(session_scope, engine))
    monkeypatch.setattr(unit, "CLOCK", clock)
    return World(engine, clock)


SVC_NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)  # 12:00 in Riyadh
SVC_TODAY = SVC_NOW.astimezone(RIYADH).date()


@pytest.fixture(scope="session")
def svc_template(tmp_path_factory) -> Path:
    return demo_template(tmp_path_factory.mktemp("svc"), SVC_TODAY)


@pytest.fixture
def svc_world(svc_template, tmp_path, monkeypatch) -> Iterator[World]:
    # The demo bank pays the bills of these journeys (it exists in demo mode only).
    monkeypatch.setattr(get_settings(), "demo", True)
    engine = copy_of(svc_template, tmp_path)
    clock = FixedClock(SVC_NOW)
    monkeypatch.setattr(unit, "session_scope", lambda: session_scope(engine))
    monkeypatch.setattr(unit, "CLOCK", clock)
    yield World(engine, clock)
    engine.dispose()
