"""Payment notifications, as a SADAD biller receives them from the bank: the one way a payment
is recorded. The endpoint (POST /hooks/payment) and the demo bank page both hand the signed
message to `receive` (the demo bank through `pay_through`), so the demo exercises the same
checks as a real bank's call.

The message (JSON, signed as absher_app/providers/signed.py describes; written by
absher_app/providers/payment.py's `notification_body`):

    {"bill_number": "30012345678901", "amount_sar": 300, "bank": "...",
     "bank_reference": "...", "paid_at": "2026-11-30T09:00:00+00:00"}

Checks, in order: the signature and the timestamp window; the same signed message seen before
(a replay: refused, 409); the bank's reference already recorded (the bank sending its
notification again: acknowledged, nothing charged); then the bill's own rules (unknown,
expired, wrong amount: refused, 422). Every signed message is kept with what came of it.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from absher_app.domain import requests
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.models import Bill, Payment, PaymentNotification
from absher_app.observability import metrics
from absher_app.providers import signed
from absher_app.providers.payment import PaymentProvider
from absher_app.providers.sms import SmsSender
from absher_app.settings import get_settings

MAX_BODY_BYTES = 4096
_REFERENCE = re.compile(r"[A-Za-z0-9\-]{4,40}")
_BILL = re.compile(r"[0-9]{4,20}")


@dataclasses.dataclass(frozen=True)
class NotificationResult:
    """What came of one notification, and the HTTP answer the bank gets."""

    outcome: str  # paid | duplicate | already_paid | replay | unsigned... | refused:<code>
    http_status: int
    bill: Bill | None = None
    charged: bool = False
    error: DomainError | None = None

    def body(self) -> dict:
        """The JSON answer (nothing about the person: the bank knows the bill already)."""
        return {"outcome": self.outcome}


def _parse(body: bytes) -> dict:
    """The notification's fields, checked for form.

    Raises:
        ValidationError: "notification_malformed".
    """
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError("notification_malformed", "not JSON") from exc
    if not isinstance(data, dict):
        raise ValidationError("notification_malformed", "not an object")
    bill, amount = data.get("bill_number"), data.get("amount_sar")
    bank, reference = data.get("bank"), data.get("bank_reference")
    if (not isinstance(bill, str) or not _BILL.fullmatch(bill)
            or not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0
            or not isinstance(bank, str) or not 1 <= len(bank) <= 32
            or not isinstance(reference, str) or not _REFERENCE.fullmatch(reference)):
        raise ValidationError("notification_malformed", "missing or malformed fields")
    return {"bill_number": bill, "amount_sar": amount, "bank": bank,
            "bank_reference": reference}


def receive(session: Session, body: bytes, timestamp: str, signature: str, *, now: datetime,
            sms: SmsSender, key: bytes | None = None,
            window_seconds: int | None = None) -> NotificationResult:
    """Check a notification and record the payment it reports, in `session`'s transaction.

    The caller commits (also when the outcome is a refusal: the message is kept, so that it
    cannot be replayed). On a replay the session has been rolled back.
    """
    settings = get_settings()
    key = settings.payment_secret if key is None else key
    window = settings.payment_notify_window_seconds if window_seconds is None else window_seconds
    if len(body) > MAX_BODY_BYTES:
        metrics.observe_payment_notification("too_large")
        return NotificationResult("too_large", 413)
    try:
        signed.verify(key, timestamp, signature, body, now=now, window_seconds=window)
    except signed.SignatureError as exc:
        # Not from the bank (or not now): nothing of it is stored.
        metrics.observe_payment_notification(exc.reason)
        return NotificationResult(exc.reason, 401)
    note = PaymentNotification(signature_digest=signed.signature_digest(signature),
                               outcome="received", received_at=now)
    session.add(note)
    try:
        # Concurrent copies of one message wait here for the first to commit, then fail.
        session.flush()
    except IntegrityError:
        session.rollback()
        metrics.observe_payment_notification("replay")
        return NotificationResult("replay", 409)
    try:
        fields = _parse(body)
    except ValidationError as error:
        return _finish(session, note, f"refused:{error.code}", 400, error=error)
    note.bill_number, note.amount_sar = fields["bill_number"], fields["amount_sar"]
    note.bank, note.bank_reference = fields["bank"], fields["bank_reference"]
    known = session.exec(select(Payment).where(
        Payment.bank_reference == fields["bank_reference"])).first()
    if known is not None:
        return _known_reference(session, note, known, fields)
    bill = requests.find_bill(session, fields["bill_number"])
    if bill is not None:
        # One at a time per bill (PostgreSQL): a second notification about the same payment
        # waits here and then finds the payment recorded.
        session.refresh(bill, with_for_update=True)
        known = session.exec(select(Payment).where(
            Payment.bank_reference == fields["bank_reference"])).first()
        if known is not None:
            return _known_reference(session, note, known, fields)
    try:
        bill, charged = requests.pay_bill(session, fields["bill_number"], fields["amount_sar"],
                                          bank=fields["bank"],
                                          bank_reference=fields["bank_reference"], now=now,
                                          sms=sms)
    except DomainError as error:
        return _finish(session, note, f"refused:{error.code}", 422, error=error)
    if charged:
        return _finish(session, note, "paid", 200, bill=bill, charged=True)
    # Paid already, by another payment (the person paid twice, through two banks).
    return _finish(session, note, "already_paid", 200, bill=bill)


def _known_reference(session: Session, note: PaymentNotification, known: Payment,
                     fields: dict) -> NotificationResult:
    bill = session.get(Bill, known.bill_id)
    if bill is not None and bill.number == fields["bill_number"] \
            and known.amount_sar == fields["amount_sar"]:
        return _finish(session, note, "duplicate", 200, bill=bill)
    # The same bank reference for another bill or amount: the bank must look into it.
    return _finish(session, note, "refused:reference_conflict", 409,
                   error=ValidationError("reference_conflict", "reference already used"))


def _finish(session: Session, note: PaymentNotification, outcome: str, status: int, *,
            bill: Bill | None = None, charged: bool = False,
            error: DomainError | None = None) -> NotificationResult:
    if note not in session:  # a race inside pay_bill rolled the transaction back
        note = PaymentNotification(signature_digest=note.signature_digest, bank=note.bank,
                                   bank_reference=note.bank_reference,
                                   bill_number=note.bill_number, amount_sar=note.amount_sar,
                                   outcome=outcome, received_at=note.received_at)
    note.outcome = outcome[:32]
    session.add(note)
    session.flush()
    return NotificationResult(outcome, status, bill=bill, charged=charged, error=error)


def pay_through(provider: PaymentProvider, session: Session, bill_number: str,
                amount_sar: int, *, now: datetime, sms: SmsSender) -> tuple[Bill, bool]:
    """Pay at `provider` (the demo bank) and receive its notification like any bank's; returns
    (bill, charged now). The caller commits.

    Raises:
        DomainError: the provider cannot take the payment, or the notification was refused
            (unknown or expired bill, wrong amount).
    """
    message = provider.notification(bill_number, amount_sar, now)
    result = receive(session, message.body, message.timestamp, message.signature, now=now,
                     sms=sms)
    if result.error is not None:
        raise result.error
    if result.bill is None:  # a signature or replay refusal: not something a person fixes
        raise DomainError("payment_not_recorded", result.outcome)
    return result.bill, result.charged
