"""Payment notifications: signature, timestamp window, replays refused, the bank's reference
idempotent, amount and bill checked; 50 concurrent duplicates make one payment (SQLite and
PostgreSQL); the endpoint and the demo bank go through the same function."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from absher_app.application import payment_notifications
from absher_app.application.payment_notifications import pay_through
from absher_app.db import session_scope
from absher_app.domain import requests
from absher_app.domain.errors import DomainError
from absher_app.models import Bill, Payment, PaymentNotification
from absher_app.providers import signed
from absher_app.providers.payment import DemoBank, NoBank, notification_body
from absher_app.settings import get_settings
from tests.unit.domain.test_requests import LATER, SMS, people, submit  # noqa: F401

KEY = b"k" * 40


def bill_for(session, people) -> Bill:  # noqa: F811 - the fixture's value
    request = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                     {"visa_kind": "single", "days": "61"})
    return requests.bill_of(session, request.id)


def message(bill: Bill, *, amount: int | None = None, reference: str = "BANK0001",
            at=LATER, number: str | None = None) -> tuple[bytes, dict[str, str]]:
    body = notification_body(number or bill.number,
                             bill.amount_sar if amount is None else amount,
                             bank="test-bank", bank_reference=reference, paid_at=at)
    return body, signed.signed_headers(KEY, body, at)


def receive(session, body: bytes, headers: dict[str, str], now=LATER):
    result = payment_notifications.receive(session, body, headers[signed.TIMESTAMP_HEADER],
                                           headers[signed.SIGNATURE_HEADER], now=now, sms=SMS,
                                           key=KEY, window_seconds=300)
    session.commit()
    return result


def count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_a_signed_notification_pays_the_bill(session, people):  # noqa: F811
    bill = bill_for(session, people)
    result = receive(session, *message(bill))
    assert (result.outcome, result.http_status, result.charged) == ("paid", 200, True)
    session.refresh(bill)
    assert bill.status == "paid"
    payment = session.exec(select(Payment)).one()
    assert (payment.bank, payment.bank_reference, payment.amount_sar) == \
        ("test-bank", "BANK0001", bill.amount_sar)
    note = session.exec(select(PaymentNotification)).one()
    assert (note.outcome, note.bill_number, note.bank_reference) == \
        ("paid", bill.number, "BANK0001")


@pytest.mark.parametrize("tamper, reason", [
    (lambda body, h: (body.replace(b"test-bank", b"evil-bank"), h), "bad_signature"),
    (lambda body, h: (body, {**h, signed.SIGNATURE_HEADER: "sha256=" + "0" * 64}),
     "bad_signature"),
    (lambda body, h: (body, {**h, signed.SIGNATURE_HEADER: ""}), "unsigned"),
    (lambda body, h: (body, {**h, signed.TIMESTAMP_HEADER: "soon"}), "bad_timestamp"),
])
def test_a_notification_not_signed_with_the_key_is_refused_and_not_kept(
        session, people, tamper, reason):  # noqa: F811
    bill = bill_for(session, people)
    result = receive(session, *tamper(*message(bill)))
    assert (result.outcome, result.http_status) == (reason, 401)
    assert count(session, PaymentNotification) == 0 and count(session, Payment) == 0


def test_a_stale_or_future_timestamp_is_refused(session, people):  # noqa: F811
    bill = bill_for(session, people)
    assert receive(session, *message(bill, at=LATER - timedelta(minutes=6))).outcome == "stale"
    assert receive(session, *message(bill, at=LATER + timedelta(minutes=6))).outcome == "stale"
    assert receive(session, *message(bill, at=LATER - timedelta(minutes=4))).outcome == "paid"


def test_the_same_message_again_is_a_replay(session, people):  # noqa: F811
    bill = bill_for(session, people)
    body, headers = message(bill)
    assert receive(session, body, headers).outcome == "paid"
    again = receive(session, body, headers)
    assert (again.outcome, again.http_status) == ("replay", 409)
    assert count(session, Payment) == 1


def test_the_bank_sending_its_notification_again_is_acknowledged_once(session, people):  # noqa: F811
    bill = bill_for(session, people)
    assert receive(session, *message(bill)).outcome == "paid"
    again = receive(session, *message(bill, at=LATER + timedelta(seconds=30)),
                    now=LATER + timedelta(seconds=30))
    assert (again.outcome, again.http_status, again.charged) == ("duplicate", 200, False)
    assert count(session, Payment) == 1


def test_a_second_payment_of_a_paid_bill_is_not_charged(session, people):  # noqa: F811
    bill = bill_for(session, people)
    assert receive(session, *message(bill)).outcome == "paid"
    other = receive(session, *message(bill, reference="BANK0002"))
    assert (other.outcome, other.charged) == ("already_paid", False)
    assert count(session, Payment) == 1


@pytest.mark.parametrize("change, outcome, status", [
    ({"amount": 1}, "refused:bill_amount", 422),
    ({"number": "99999999999999"}, "refused:bill_unknown", 422),
])
def test_the_bill_and_its_amount_are_checked(session, people, change, outcome, status):  # noqa: F811
    bill = bill_for(session, people)
    result = receive(session, *message(bill, **change))
    assert (result.outcome, result.http_status) == (outcome, status)
    assert count(session, Payment) == 0
    assert session.exec(select(PaymentNotification)).one().outcome == outcome
    session.refresh(bill)
    assert bill.status == "unpaid"


def test_an_expired_bill_is_refused(session, people):  # noqa: F811
    bill = bill_for(session, people)
    late = bill.due_at + timedelta(minutes=1)
    result = receive(session, *message(bill, at=late), now=late)
    assert result.outcome == "refused:bill_expired"


def test_a_malformed_notification_is_refused_but_kept(session, people):  # noqa: F811
    body = b'{"bill_number": "1", "amount_sar": "lots"}'
    result = receive(session, body, signed.signed_headers(KEY, body, LATER))
    assert (result.outcome, result.http_status) == ("refused:notification_malformed", 400)


def test_one_bank_reference_for_two_bills_is_a_conflict(session, people):  # noqa: F811
    first = bill_for(session, people)
    assert receive(session, *message(first)).outcome == "paid"
    second = requests.bill_of(session, submit(session, "mohammed", "passport_issue",
                                              people["c1"], {"years": "5", "delivery": "office"}
                                              ).id)
    result = receive(session, *message(second))
    assert (result.outcome, result.http_status) == ("refused:reference_conflict", 409)
    session.refresh(second)
    assert second.status == "unpaid"


@pytest.mark.parametrize("same_message", [True, False], ids=["replays", "resent"])
def test_fifty_concurrent_duplicates_make_one_payment(engine, session, people,  # noqa: F811
                                                      same_message):
    bill = bill_for(session, people)
    messages = [message(bill, at=LATER if same_message else LATER + timedelta(seconds=i))
                for i in range(50)]
    barrier = threading.Barrier(len(messages))
    outcomes: list[str] = [""] * len(messages)

    def run(i: int) -> None:
        body, headers = messages[i]
        barrier.wait()
        try:
            with session_scope(engine) as s:
                outcomes[i] = payment_notifications.receive(
                    s, body, headers[signed.TIMESTAMP_HEADER], headers[signed.SIGNATURE_HEADER],
                    now=LATER + timedelta(seconds=i), sms=SMS, key=KEY,
                    window_seconds=300).outcome
        except Exception as exc:  # noqa: BLE001 - asserted below
            outcomes[i] = f"error: {exc!r}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(messages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert outcomes.count("paid") == 1, outcomes
    assert set(outcomes) == {"paid", "replay" if same_message else "duplicate"}
    with Session(engine) as fresh:
        assert count(fresh, Payment) == 1
        assert fresh.get(Bill, bill.id).status == "paid"


def test_the_endpoint_answers_with_the_outcome(engine, session, people, monkeypatch):  # noqa: F811
    from absher_app import hooks
    from absher_app.http_routes import http_app

    bill = bill_for(session, people)
    get_settings.cache_clear()
    monkeypatch.setenv("ABSHER_PAYMENT_NOTIFY_SECRET", KEY.decode())
    monkeypatch.setattr(hooks, "session_scope", lambda: session_scope(engine))

    class Clock:
        def now(self):
            return LATER

    monkeypatch.setattr(hooks, "CLOCK", Clock())
    client = TestClient(http_app())
    try:
        body, headers = message(bill)
        first = client.post("/hooks/payment", content=body, headers=headers)
        assert (first.status_code, first.json()) == (200, {"outcome": "paid"})
        assert client.post("/hooks/payment", content=body, headers=headers).status_code == 409
        assert client.post("/hooks/payment", content=body).status_code == 401
        assert client.post("/hooks/payment", content=b"x" * 5000,
                           headers=headers).status_code == 413
        assert client.get("/hooks/payment").status_code == 405
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_the_demo_bank_sends_a_signed_notification(session, people):  # noqa: F811
    from absher_app.domain.errors import ValidationError

    bill = bill_for(session, people)
    with pytest.raises(ValidationError) as refused:
        pay_through(DemoBank(), session, bill.number, 1, now=LATER, sms=SMS)
    assert refused.value.code == "bill_amount"
    session.commit()
    paid, charged = pay_through(DemoBank(), session, bill.number, bill.amount_sar, now=LATER,
                                sms=SMS)
    session.commit()
    assert charged and paid.status == "paid"
    notes = session.exec(select(PaymentNotification).order_by(PaymentNotification.id)).all()
    assert [(n.outcome, n.bank) for n in notes] == [("refused:bill_amount", "demo-bank"),
                                                    ("paid", "demo-bank")]


def test_the_demo_bank_pays_once_and_no_bank_pays_nothing(session, people):  # noqa: F811
    bill = bill_for(session, people)
    assert bill.number in DemoBank().payment_page(bill.number)
    assert pay_through(DemoBank(), session, bill.number, bill.amount_sar, now=LATER,
                       sms=SMS)[1] is True
    session.commit()
    assert pay_through(DemoBank(), session, bill.number, bill.amount_sar, now=LATER,
                       sms=SMS)[1] is False
    assert count(session, Payment) == 1
    assert NoBank().payment_page(bill.number) == ""
    with pytest.raises(DomainError) as refused:
        pay_through(NoBank(), session, bill.number, bill.amount_sar, now=LATER, sms=SMS)
    assert refused.value.code == "payment_unavailable"
