"""Defect 4: the sign-in limit keyed so that others' wrong passwords never refuse a person with
the right password, however many share the address (behind a reverse proxy everyone does);
password spraying from one address is slowed instead. Defect 9: staff sign-in has the same
limits, counted apart."""

from __future__ import annotations

from datetime import timedelta

import pytest

from absher_app.domain import accounts, staff
from absher_app.domain.demo import DEMO_PASSWORD
from absher_app.domain.errors import DomainError
from absher_app.domain.sign_in_limits import (
    SLOW_DOWN_S,
    SignInLimits,
    counting_sign_in,
    delay_seconds,
)
from absher_app.providers.rate_limit import LimitsRateLimiter
from tests.unit.domain.test_accounts import NOW, WRONG

PROXY = "10.0.0.1"  # every citizen, as the app sees them behind a reverse proxy
LIMITS = SignInLimits(per_login="5/hour", per_address="20/hour")
STAFF_PASSWORD = "Blue camels cross 7 dunes"


def sign_in(session, limiter, login: str, password: str, now, client: str = PROXY,
            limits: SignInLimits = LIMITS) -> str:
    """One attempt as the sign-in page makes it; the answer's code ("ok" when let in)."""
    try:
        with counting_sign_in(limiter, limits, client, login):
            accounts.authenticate(session, login, password, now=now)
    except DomainError as error:
        return error.code
    return "ok"


def test_a_password_spray_behind_one_address_never_refuses_the_right_password(session, ids):
    limiter = LimitsRateLimiter()
    # 60 wrong passwords at 60 logins (most unknown), one each, three times the address limit.
    for i in range(60):
        sign_in(session, limiter, f"user.{i:03d}", WRONG, NOW + timedelta(seconds=i))
    assert sign_in(session, limiter, "khalid", DEMO_PASSWORD, NOW + timedelta(minutes=5)) == "ok"
    assert sign_in(session, limiter, "mohammed", DEMO_PASSWORD,
                   NOW + timedelta(minutes=5)) == "ok"
    # ...but every sign-in from that address now waits before its password is checked.
    assert delay_seconds(limiter, LIMITS, PROXY) == SLOW_DOWN_S
    assert delay_seconds(limiter, LIMITS, "192.0.2.50") == 0


def test_guessing_at_one_login_stops_that_login_from_that_address_only(session, ids):
    limiter = LimitsRateLimiter()
    for minute in range(5):  # a minute apart: below the account's own lock
        assert sign_in(session, limiter, "khalid", WRONG,
                       NOW + timedelta(minutes=minute)) == "bad_credentials"
    later = NOW + timedelta(minutes=10)
    assert sign_in(session, limiter, "khalid", DEMO_PASSWORD, later) == "too_many_failures"
    assert sign_in(session, limiter, "khalid", DEMO_PASSWORD, later,
                   client="192.0.2.50") == "ok"
    assert sign_in(session, limiter, "mohammed", DEMO_PASSWORD, later) == "ok"
    # However the login is typed (case, spaces), it is the same login for the limit.
    assert sign_in(session, limiter, " KHALID ", DEMO_PASSWORD, later) == "too_many_failures"


def test_an_unknown_login_is_limited_exactly_as_a_known_one(session, ids):
    limiter = LimitsRateLimiter()
    answers = {}
    for login in ("khalid", "no.such.person"):
        answers[login] = [sign_in(session, limiter, login, WRONG,
                                  NOW + timedelta(minutes=minute)) for minute in range(6)]
    assert answers["khalid"] == answers["no.such.person"] == \
        ["bad_credentials"] * 5 + ["too_many_failures"]


def test_successes_are_never_counted(session, ids):
    limiter = LimitsRateLimiter()
    for minute in range(30):
        assert sign_in(session, limiter, "khalid", DEMO_PASSWORD,
                       NOW + timedelta(minutes=minute)) == "ok"
    assert delay_seconds(limiter, LIMITS, PROXY) == 0


@pytest.fixture
def clerk(session, ids):
    member, _key = staff.create_staff(session, "clerk.one", "activation_clerk",
                                      password=STAFF_PASSWORD,
                                      confirm=STAFF_PASSWORD, now=NOW)
    session.commit()
    return member


def test_staff_sign_in_has_its_own_limits(session, clerk):
    limiter = LimitsRateLimiter()
    staff_limits = SignInLimits(per_login="3/hour", per_address="10/hour",
                                scope="staff_sign_in")

    def staff_sign_in(login: str, password: str, now, client: str = PROXY) -> str:
        try:
            with counting_sign_in(limiter, staff_limits, client, login):
                staff.authenticate(session, login, password, now=now)
        except DomainError as error:
            return error.code
        return "ok"

    answers = [staff_sign_in("clerk.one", WRONG, NOW + timedelta(minutes=m)) for m in range(3)]
    assert answers == ["bad_credentials"] * 3
    later = NOW + timedelta(minutes=10)
    assert staff_sign_in("clerk.one", STAFF_PASSWORD, later) == "too_many_failures"
    assert staff_sign_in("clerk.one", STAFF_PASSWORD, later, client="192.0.2.50") == "ok"
    # Apart from citizens': the citizens' counters of that address are untouched.
    assert delay_seconds(limiter, LIMITS, PROXY) == 0
    for i in range(10):
        staff_sign_in(f"nobody.{i}", WRONG, later + timedelta(seconds=i))
    assert delay_seconds(limiter, staff_limits, PROXY) == SLOW_DOWN_S
