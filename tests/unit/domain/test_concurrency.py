"""Races, with real threads each on its own connection and transaction, on SQLite and
PostgreSQL: two submissions of one draft make one request; two payments of one bill charge once.

Each thread runs the domain function exactly as a Reflex worker does (`session_scope`: its own
session, committed at the end). A barrier starts them together; a short pause placed inside the
domain call (after the thread has read what it decides on, before it writes) makes the
interleaving that loses a race happen every run instead of once in a while -- without it a
green run would prove little.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, func, select

from absher_app.db import session_scope
from absher_app.domain import catalogue, notify, requests, wizard
from absher_app.domain.calendars import RIYADH
from absher_app.domain.demo import demo_ids, load_demo
from absher_app.models import (
    Account,
    Bill,
    Notification,
    Payment,
    Person,
    RequestEvent,
    ServiceRequest,
    SmsMessage,
    Visa,
    WizardDraft,
)
from absher_app.providers.sms import OutboxSmsSender

# Races and row locks behave differently on each database: run them on both.
pytestmark = pytest.mark.both_databases

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
TODAY = NOW.astimezone(RIYADH).date()
SMS = OutboxSmsSender()
RACERS = 2
PAUSE_S = 0.3
_refs = itertools.count(1)


def _count(engine, model, *where) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _race(engine, work: Callable[[Session], object], stagger: float) -> list[object]:
    """Run `work(session)` in RACERS threads, each in its own committed transaction, racer i
    starting i * `stagger` seconds after the first; return what each returned (or the
    exception it raised)."""
    barrier = threading.Barrier(RACERS)
    results: list[object] = [None] * RACERS

    def run(index: int) -> None:
        barrier.wait()
        time.sleep(index * stagger)
        try:
            with session_scope(engine) as session:
                results[index] = work(session)
        except Exception as error:  # noqa: BLE001 - the test asserts on it
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racer hung (deadlock?)"
    return results


@pytest.fixture
def loaded(engine):
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session, TODAY)
        session.commit()
    return engine


def _ids(engine, username: str, key: str) -> tuple[int, int]:
    with Session(engine) as session:
        account = session.exec(select(Account).where(Account.username == username)).one()
        person = session.exec(select(Person).where(Person.id_number == demo_ids()[key])).one()
        return account.id, person.id


def _draft(engine, username: str, key: str, code: str, answers: dict[str, str]) -> str:
    account_id, person_id = _ids(engine, username, key)
    with session_scope(engine) as session:
        draft = wizard.save_draft(session, account_id, code, now=NOW,
                                  beneficiary_id=person_id, answers=answers, step="review")
        return draft.token


def _submitter(account_id: int, beneficiary_id: int, code: str, token: str):
    def work(session: Session) -> str:
        account = session.get(Account, account_id)
        ctx = wizard.Context(session=session, today=TODAY, now=NOW,
                             applicant=session.get(Person, account.person_id),
                             beneficiary=session.get(Person, beneficiary_id))
        return requests.submit(session, account, catalogue.BY_CODE[code], ctx,
                               draft_token=token, sms=SMS).reference
    return work


@pytest.fixture
def slow_checks(monkeypatch):
    """Pause every submission after it read the draft and before it writes the request."""
    real = requests.check_draft

    def paused(*args, **kwargs):
        time.sleep(PAUSE_S)
        return real(*args, **kwargs)

    monkeypatch.setattr(requests, "check_draft", paused)


# Together: both read before either writes. Staggered by half the pause: the second reads the
# draft before the first commits and checks the rules after (it then sees the first's request).
STAGGERS = pytest.mark.parametrize("stagger", [0, PAUSE_S / 2, PAUSE_S * 1.5],
                                   ids=["together", "overlapping", "after-commit"])


@STAGGERS
@pytest.mark.parametrize("code,key,answers", [
    ("exit_reentry_issue", "r1", {"visa_kind": "single", "days": "30"}),   # with a bill
    ("exit_reentry_cancel", "r1", {}),                                      # free: approved now
])
def test_two_simultaneous_submissions_of_one_draft_make_one_request(loaded, slow_checks, code,
                                                                      key, answers, stagger):
    engine = loaded
    if code == "exit_reentry_cancel":  # a visa to cancel, issued by an earlier request
        token = _draft(engine, "mohammed", key, "exit_reentry_issue",
                       {"visa_kind": "single", "days": "30"})
        account_id, person_id = _ids(engine, "mohammed", key)
        with session_scope(engine) as session:
            first = _submitter(account_id, person_id, "exit_reentry_issue", token)(session)
        _pay_all(engine, first)
    token = _draft(engine, "mohammed", key, code, answers)
    account_id, person_id = _ids(engine, "mohammed", key)
    before = _count(engine, ServiceRequest)

    results = _race(engine, _submitter(account_id, person_id, code, token), stagger)

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, f"a racer failed instead of getting the same request: {errors!r}"
    assert len(set(results)) == 1, results
    assert _count(engine, ServiceRequest) == before + 1
    with Session(engine) as session:
        request = requests.find_request(session, results[0])
        assert request.idempotency_key == token
        kinds = [e.kind for e in requests.timeline(session, request.id)]
    assert kinds.count("submitted") == 1
    assert _count(engine, WizardDraft) == 0
    if code == "exit_reentry_issue":
        assert _count(engine, Bill, Bill.request_id == request.id) == 1
        assert kinds == ["submitted", "bill_issued"]
        assert _count(engine, SmsMessage, SmsMessage.purpose == "bill_issued") == 1
    else:
        assert kinds == ["submitted", "approved"]
        assert _count(engine, Visa, Visa.status == "cancelled") == 1


def _pay_all(engine, reference: str) -> None:
    with session_scope(engine) as session:
        request = requests.find_request(session, reference)
        bill = requests.bill_of(session, request.id)
        requests.pay_bill(session, bill.number, bill.amount_sar, bank="test",
                          bank_reference=f"T{next(_refs)}", now=NOW + timedelta(minutes=5),
                          sms=SMS)


@pytest.fixture
def slow_expiry(monkeypatch):
    """Pause every payment after it read the bill and before it writes the payment."""
    real = requests.expire_unpaid

    def paused(*args, **kwargs):
        result = real(*args, **kwargs)
        time.sleep(PAUSE_S)
        return result

    monkeypatch.setattr(requests, "expire_unpaid", paused)


@STAGGERS
def test_two_simultaneous_payments_of_one_bill_charge_once(loaded, slow_expiry, stagger):
    engine = loaded
    token = _draft(engine, "mohammed", "r1", "exit_reentry_issue",
                   {"visa_kind": "multiple", "days": "30"})
    account_id, person_id = _ids(engine, "mohammed", "r1")
    with session_scope(engine) as session:
        reference = _submitter(account_id, person_id, "exit_reentry_issue", token)(session)
        request = requests.find_request(session, reference)
        bill = requests.bill_of(session, request.id)
        number, amount, request_id = bill.number, bill.amount_sar, request.id
    paid_at = NOW + timedelta(minutes=5)

    def work(session: Session) -> bool:
        _, charged = requests.pay_bill(session, number, amount, bank="test",
                                       bank_reference=f"T{next(_refs)}", now=paid_at, sms=SMS)
        return charged

    results = _race(engine, work, stagger)

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, f"a racer failed instead of being told it was paid: {errors!r}"
    assert sorted(results) == [False, True]          # one charged, the other told "paid"
    assert _count(engine, Payment) == 1
    assert _count(engine, RequestEvent, RequestEvent.request_id == request_id,
                  RequestEvent.kind == "paid") == 1
    assert _count(engine, RequestEvent, RequestEvent.request_id == request_id,
                  RequestEvent.kind == "approved") == 1
    assert _count(engine, Visa, Visa.person_id == person_id) == 1   # the effect ran once
    assert _count(engine, Notification, Notification.kind == "approved") == 1
    with Session(engine) as session:
        assert session.get(ServiceRequest, request_id).status == "approved"
        assert notify.unread_count(session, session.get(Account, account_id).person_id) == 2


@STAGGERS
def test_the_expiry_job_on_two_workers_at_once_expires_a_bill_once(loaded, stagger):
    engine = loaded
    token = _draft(engine, "mohammed", "r1", "exit_reentry_issue",
                   {"visa_kind": "single", "days": "30"})
    account_id, person_id = _ids(engine, "mohammed", "r1")
    with session_scope(engine) as session:
        reference = _submitter(account_id, person_id, "exit_reentry_issue", token)(session)
    overdue = NOW + timedelta(days=30)

    results = _race(engine, lambda session: requests.expire_unpaid(session, overdue, sms=SMS),
                    stagger)

    assert sorted(results) == [0, 1], results
    with Session(engine) as session:
        request = requests.find_request(session, reference)
        assert request.status == "expired"
        assert [e.kind for e in requests.timeline(session, request.id)].count("expired") == 1
    assert _count(engine, Notification, Notification.kind == "expired") == 1
