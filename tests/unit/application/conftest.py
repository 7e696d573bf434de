"""Fixtures for the use cases: their transactions on the test database (SQLite, and
PostgreSQL when reachable), the demo registry and accounts, a clock that stands still, and
callers signed in the way the portal signs people in (a ticket redeemed for a session token).

    def test_something(use_case_db, sign_in_as):
        caller = sign_in_as("khalid")
        view = unit.run(account.account_overview, caller)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
import sqlalchemy
from sqlmodel import Session, select

from absher_app.application import unit
from absher_app.application.identity import Caller
from absher_app.db import session_scope
from absher_app.domain import accounts, demo, sessions
from absher_app.domain.demo import DEMO_PASSWORD, load_demo
from absher_app.domain.passwords import hash_password
from absher_app.models import Account
from absher_app.providers.clock import FixedClock

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
