"""Defect 2: neither registration nor sign-in tells who exists.

Registration gives one answer for "not in the registry" and "not the mobile on record", and
counts such answers per client address. At sign-in, an unknown login is answered as a real
account with a wrong password is, its lock included: the same codes, the same minutes, at the
same attempts (password recovery already imitates its throttles this way)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from absher_app.domain import accounts
from absher_app.domain.accounts import AuthError, LockedError, authenticate, start_registration
from absher_app.domain.demo import DEMO_PASSWORD, demo_id
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.i18n import error_text
from absher_app.models import AuthEvent
from absher_app.providers.rate_limit import LimitsRateLimiter
from absher_app.providers.sms import OutboxSmsSender
from tests.unit.domain.test_accounts import (
    NOW,
    WRONG,
    _past_failures,
    account_of,
    at,
    details,
    national,
    person_of,
)

SMS = OutboxSmsSender()
PROBER = "203.0.113.9"


def registration_answer(session, form, *, client: str = PROBER, limiter=None,
                        limit: str = "1000/hour") -> DomainError | None:
    try:
        start_registration(session, form, now=NOW, sms=SMS, lang="en", client=client,
                           limiter=limiter or LimitsRateLimiter(), limit=limit)
    except DomainError as error:
        return error
    return None


# --- registration -----------------------------------------------------------------------------

def test_unknown_id_and_wrong_mobile_get_one_answer(session, ids):
    unknown = registration_answer(session, details(session, ids, id_number=demo_id("1", 777)))
    other_mobile = national(person_of(session, ids, "c1").mobile)
    wrong_mobile = registration_answer(session, details(session, ids, mobile=other_mobile))
    wrong_category = registration_answer(session, details(session, ids, "r1",
                                                          category="dependent"))
    answers = [unknown, wrong_mobile, wrong_category]
    assert all(isinstance(a, ValidationError) for a in answers)
    assert {(a.code, tuple(a.params.items())) for a in answers} == {("registry_no_match", ())}
    for lang in ("ar", "en"):
        assert len({error_text(a.code, lang, **a.params) for a in answers}) == 1


def test_registration_failures_are_limited_per_client_address(session, ids):
    limiter = LimitsRateLimiter()
    probe = details(session, ids, id_number=demo_id("1", 777))
    for _ in range(3):
        assert registration_answer(session, probe, limiter=limiter,
                                   limit="3/hour").code == "registry_no_match"
    refused = registration_answer(session, details(session, ids), limiter=limiter,
                                  limit="3/hour")
    assert refused.code == "registration_too_many"
    assert 1 <= refused.params["seconds"] <= 3600
    assert "{seconds}" not in error_text(refused.code, "ar", **refused.params)
    # The right details from another address go through, and a code is sent.
    assert registration_answer(session, details(session, ids), client="198.51.100.1",
                               limiter=limiter, limit="3/hour") is None


def test_an_id_that_has_an_account_counts_too_but_form_mistakes_do_not(session, ids):
    limiter = LimitsRateLimiter()
    taken = details(session, ids, "c1", username="someone.new")
    assert registration_answer(session, taken, limiter=limiter,
                               limit="2/hour").code == "id_has_account"
    for _ in range(5):  # typing mistakes say nothing about the registry and are not counted
        assert registration_answer(session, details(session, ids, email="nope"),
                                   limiter=limiter, limit="2/hour").code == "email_invalid"
    assert registration_answer(session, taken, limiter=limiter,
                               limit="2/hour").code == "id_has_account"
    assert registration_answer(session, details(session, ids), limiter=limiter,
                               limit="2/hour").code == "registration_too_many"


# --- sign-in ----------------------------------------------------------------------------------

def answer(session, login: str, password: str, now) -> tuple[str, dict]:
    try:
        authenticate(session, login, password, now=now)
    except (AuthError, LockedError) as error:
        return error.code, error.params
    return "ok", {}


UNKNOWN = "no.such.person"


@pytest.mark.parametrize("login", ["khalid", UNKNOWN, "closed"])
def test_an_unknown_login_locks_exactly_as_an_account_does(session, ids, login):
    if login == "closed":
        account_of(session, "mohammed").status = "closed"
        session.commit()
        login = "mohammed"
    seen = []
    start = NOW
    # Three rounds of five wrong passwords in a minute: locks of 1, 2 and 4 minutes; an
    # attempt during the lock is refused without counting; after it, attempts count again.
    for minutes in (1, 2, 4):
        for second in range(5):
            seen.append(answer(session, login, WRONG, start + timedelta(seconds=second)))
        seen.append(answer(session, login, WRONG, start + timedelta(seconds=30)))
        start += timedelta(seconds=4, minutes=minutes, milliseconds=1)
    expected = []
    for minutes in (1, 2, 4):
        expected += [("bad_credentials", {})] * 4 + [("account_locked", {"minutes": minutes})]
        expected += [("account_locked", {"minutes": minutes})]
    assert seen == expected


def test_one_hundred_failures_lock_an_unknown_login_until_reset_as_an_account(session, ids):
    seen = {}
    for login in ("khalid", UNKNOWN):
        if login == "khalid":
            _past_failures(session, account_of(session, "khalid"), 99)
        else:
            key = accounts.login_key(UNKNOWN)
            for i in range(99):
                session.add(AuthEvent(kind=accounts.UNKNOWN_LOGIN_FAILED, detail=key,
                                      created_at=NOW - timedelta(days=1, minutes=2 * i)))
            session.commit()
        seen[login] = [answer(session, login, WRONG, NOW),
                       answer(session, login, DEMO_PASSWORD, at(hours=5))]
        assert [code for code, _ in seen[login]] == ["account_locked_reset"] * 2
    assert seen["khalid"] == seen[UNKNOWN]


def test_the_unknown_login_is_counted_by_a_keyed_digest_never_in_clear(session, ids):
    for second in range(3):
        answer(session, " No.Such.Person ", WRONG, at(second))
    answer(session, "no.such.person", WRONG, at(3))
    rows = session.exec(select(AuthEvent).where(
        AuthEvent.kind == accounts.UNKNOWN_LOGIN_FAILED)).all()
    assert len(rows) == 4 and len({r.detail for r in rows}) == 1  # one login, however typed
    assert "no.such" not in rows[0].detail.lower() and len(rows[0].detail) == 64
    assert all(r.account_id is None and r.person_id is None for r in rows)


def test_an_id_number_login_in_arabic_digits_is_the_same_unknown_login(session, ids):
    number = demo_id("1", 777)
    arabic = number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert accounts.login_key(number) == accounts.login_key(arabic)
    assert accounts.login_key(number) != accounts.login_key(demo_id("1", 778))
