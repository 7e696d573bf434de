"""Requests: submission (idempotent, one transaction), SADAD bills and their payment, review
decisions, delivery by post, and the jobs that expire what was left unpaid.

The states of a request, its bill and its delivery are in absher_app.domain.request_status
(RequestStatus, BillStatus, DeliveryStatus).
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from absher_app.domain import access_log, catalogue, delegation, notify, wizard
from absher_app.domain.calendars import RIYADH
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.domain.request_status import BillStatus, DeliveryStatus, RequestStatus
from absher_app.domain.rules_data import rule
from absher_app.domain.secrets import numeric_code
from absher_app.models import (
    Account,
    Bill,
    Delivery,
    Payment,
    Person,
    RequestEvent,
    ServiceRequest,
    WizardDraft,
)
from absher_app.providers.sms import SmsSender

DELIVERY_STATUSES = tuple(DeliveryStatus)


class BlockedError(DomainError):
    """The request breaks rules; `blockers` lists them all."""

    def __init__(self, blockers: list[wizard.Blocker]) -> None:
        super().__init__("request_blocked", "the request is blocked")
        self.blockers = blockers


class AnswersError(DomainError):
    """A stored answer is no longer valid (e.g. a date that has passed)."""

    def __init__(self, problems: list[DomainError]) -> None:
        super().__init__("answers_invalid", "an answer needs changing")
        self.problems = problems


def _unique(session: Session, model: type, column: str, make) -> str:
    while True:
        value = make()
        if session.exec(select(model).where(getattr(model, column) == value)).first() is None:
            return value


def _event(session: Session, request: ServiceRequest, kind: str, now: datetime,
           detail: str = "") -> None:
    # The detail column holds 300 characters; a rejection reason may be longer (the request
    # keeps it whole in decision_reason).
    session.add(RequestEvent(request_id=request.id, kind=kind, detail=detail[:300],
                             created_at=now))


def context_for(session: Session, request: ServiceRequest, now: datetime) -> wizard.Context:
    """The rule context of a stored request at `now`, its answers parsed again as on the day
    it was submitted: they were valid then and were paid for as they were, so a date that has
    passed since (a bill paid the next day, a decision weeks later) must not drop them."""
    ctx = wizard.Context(session=session,
                         today=request.submitted_at.astimezone(RIYADH).date(), now=now,
                         applicant=session.get(Person, request.applicant_id),
                         beneficiary=session.get(Person, request.beneficiary_id))
    service = catalogue.service(request.service_code)
    ctx.answers, _ = wizard.validate_answers(service, ctx,
                                             wizard.decode_answers(request.answers_json))
    ctx.today = now.astimezone(RIYADH).date()
    return ctx


@dataclasses.dataclass(frozen=True)
class Checked:
    """A draft that passed every rule: its parsed answers and its fee."""

    answers: dict[str, Any]
    fee: list[wizard.FeeLine]


def check_draft(service: wizard.Service, ctx: wizard.Context,
                stored: dict[str, str]) -> Checked:
    """Every rule and every answer again, as at submission.

    Raises:
        BlockedError, AnswersError.
    """
    if ctx.beneficiary is None or ctx.beneficiary.id not in {
            p.id for p in wizard.candidates(service, ctx)}:
        raise ValidationError("beneficiary_not_allowed", "not someone you may apply for")
    if blockers := wizard.precheck(service, ctx):
        raise BlockedError(blockers)
    answers, problems = wizard.validate_answers(service, ctx, stored)
    if problems:
        raise AnswersError(problems)
    return Checked(answers, service.fee(ctx))


def _submitted(session: Session, account: Account, draft_token: str) -> ServiceRequest | None:
    """The request this draft token already became (only ever the same account's)."""
    existing = session.exec(select(ServiceRequest).where(
        ServiceRequest.idempotency_key == draft_token)).first()
    if existing is not None and existing.account_id != account.id:
        # never hand one account's request to another
        raise ValidationError("draft_missing", "this application is no longer open")
    return existing


def submit(session: Session, account: Account, service: wizard.Service, ctx: wizard.Context,
           *, draft_token: str, sms: SmsSender, on_behalf: str = "") -> ServiceRequest:
    """Turn the draft into a request, its bill, and its first timeline events; in one
    transaction, which must be a fresh one (a lost race rolls it back). A second submit with
    the same draft token returns the first request, also when both run at the same moment.

    `on_behalf`: the reference of the delegation under which the account's holder acts for
    `ctx.applicant` (checked again here, and the action goes into its activity feed).

    Races (tests/unit/domain/test_concurrency.py): on PostgreSQL the draft row is locked, so a
    second submit of it waits here until the first commits and then finds the draft gone and
    the request made. SQLite takes no row locks; there a second submit may read the draft
    before the first commits and check the rules after -- when the first's request already
    blocks it as "an open request". Any refusal is therefore checked against the idempotency
    key once more, and the unique key catches two inserts at once.
    """
    draft = session.exec(select(WizardDraft).where(WizardDraft.token == draft_token)
                         .with_for_update()).first()
    if existing := _submitted(session, account, draft_token):
        return existing
    if draft is None or draft.account_id != account.id or draft.service_code != wizard.draft_key(
            service.code, on_behalf):
        raise ValidationError("draft_missing", "this application is no longer open")
    acting = None
    if on_behalf:
        acting = delegation.authorize(session, delegate=session.get(Person, account.person_id),
                                      reference=on_behalf, service_code=service.code,
                                      today=ctx.today)
        if acting.delegator_id != ctx.applicant.id:
            raise ValidationError("draft_missing", "this application is no longer open")
    elif ctx.applicant.id != account.person_id:
        raise ValidationError("draft_missing", "this application is no longer open")
    try:
        checked = check_draft(service, ctx, wizard.decode_answers(draft.answers_json))
    except DomainError:
        if existing := _submitted(session, account, draft_token):
            return existing  # a racing submit of this very draft won meanwhile
        raise
    total = wizard.fee_total(checked.fee)
    request = ServiceRequest(
        reference=_unique(session, ServiceRequest, "reference", lambda: "7" + numeric_code(9)),
        service_code=service.code, account_id=account.id, applicant_id=ctx.applicant.id,
        beneficiary_id=ctx.beneficiary.id, answers_json=wizard.encode_answers(checked.answers),
        fee_sar=total, idempotency_key=draft_token, submitted_at=ctx.now, updated_at=ctx.now,
        status=RequestStatus.AWAITING_PAYMENT if total else RequestStatus.IN_REVIEW)
    try:
        session.add(request)
        session.flush()
    except IntegrityError:  # a concurrent submit of the same draft won: this transaction is void
        session.rollback()
        return session.exec(select(ServiceRequest).where(
            ServiceRequest.idempotency_key == draft_token)).one()
    _event(session, request, "submitted", ctx.now)
    session.delete(draft)
    if acting is not None:
        delegation.record_act(session, acting, kind="act_submitted", actor_id=account.person_id,
                              service_code=service.code, request_id=request.id,
                              reference=request.reference, beneficiary_id=ctx.beneficiary.id,
                              now=ctx.now)
        # The delegator's "who accessed my record" shows the delegate's acts too.
        delegate = session.get(Person, account.person_id)
        access_log.record_access(session, acting.delegator_id, "delegate",
                                 f"{delegate.name_ar} — {delegate.name_en}", None,
                                 "delegated_service", ctx.now, actor_id=delegate.id)
    if total:
        bill = Bill(number=_unique(session, Bill, "number", lambda: "9" + numeric_code(12)),
                    request_id=request.id, amount_sar=total, issued_at=ctx.now,
                    due_at=ctx.now + timedelta(days=rule("billing", "bill_valid_days")),
                    breakdown_json=json.dumps([dataclasses.asdict(line) for line in checked.fee],
                                              ensure_ascii=False))
        session.add(bill)
        _event(session, request, "bill_issued", ctx.now, bill.number)
        notify.notify(session, ctx.applicant, "bill_issued", now=ctx.now, sms=sms,
                      reference=request.reference, bill=bill.number, amount=total)
    else:
        _advance_after_payment(session, service, request, ctx, sms)
    session.flush()
    return request


def _advance_after_payment(session: Session, service: wizard.Service, request: ServiceRequest,
                           ctx: wizard.Context, sms: SmsSender) -> None:
    if service.needs_review:
        request.status = RequestStatus.IN_REVIEW
        _event(session, request, "in_review", ctx.now)
        notify.notify(session, ctx.applicant, "in_review", now=ctx.now, sms=sms,
                      reference=request.reference)
    else:
        _approve(session, service, request, ctx, sms)
    session.add(request)


def _approve(session: Session, service: wizard.Service, request: ServiceRequest,
             ctx: wizard.Context, sms: SmsSender) -> None:
    ctx.reference, ctx.request_id, ctx.sms = request.reference, request.id, sms
    outcome = service.effect(ctx)
    request.status = RequestStatus.APPROVED
    request.outcome_json = json.dumps(outcome, ensure_ascii=False, sort_keys=True)
    request.updated_at = ctx.now
    _event(session, request, "approved", ctx.now)
    if service.delivery and ctx.answers.get("delivery") == "post":
        delivery = Delivery(request_id=request.id, short_address=ctx.answers["short_address"],
                            tracking_number=_unique(session, Delivery, "tracking_number",
                                                    lambda: "SP" + numeric_code(10) + "SA"),
                            updated_at=ctx.now)
        session.add(delivery)
        _event(session, request, "delivery_awaiting_document", ctx.now, delivery.tracking_number)
    notify.notify(session, ctx.applicant, service.approved_notice, now=ctx.now, sms=sms,
                  reference=request.reference)


# ---------------------------------------------------------------------------------------------
# Bills and payment (the bank's side calls `pay_bill` through providers/payment.py).

def find_bill(session: Session, number: str) -> Bill | None:
    number = (number or "").strip()
    if not re.fullmatch(r"[0-9]{13}", number):
        return None
    return session.exec(select(Bill).where(Bill.number == number)).first()


def pay_bill(session: Session, number: str, amount_sar: int, *, bank: str, bank_reference: str,
             now: datetime, sms: SmsSender) -> tuple[Bill, bool]:
    """Record the bank's payment of a bill; returns (bill, charged). A bill already paid is not
    charged again (charged=False); an expired or unknown bill, or a wrong amount, is refused.
    Call it in a fresh transaction: losing a race to pay the same bill rolls it back."""
    bill = find_bill(session, number)
    if bill is None:
        raise ValidationError("bill_unknown", "no bill has this number")
    expire_unpaid(session, now, sms=sms)
    # Lock the bill (PostgreSQL): a second payment at the same moment waits here and then sees
    # it paid. SQLite serialises writers instead, and the unique Payment.bill_id stops a second
    # payment row whichever way the two interleave.
    session.refresh(bill, with_for_update=True)
    if bill.status == BillStatus.PAID:
        return bill, False
    if bill.status == BillStatus.EXPIRED:
        raise ValidationError("bill_expired", "this bill has expired")
    if amount_sar != bill.amount_sar:
        raise ValidationError("bill_amount", "the amount is not the bill's amount",
                              amount=bill.amount_sar)
    request = session.get(ServiceRequest, bill.request_id)
    # A request made under a delegation goes ahead only while the delegation allows it.
    delegation.check_payment(session, request.id, request.service_code,
                             now.astimezone(RIYADH).date())
    try:
        session.add(Payment(bill_id=bill.id, amount_sar=amount_sar, bank=bank[:32],
                            bank_reference=bank_reference[:40], paid_at=now))
        session.flush()
    except IntegrityError:  # paid at the same moment by another worker: charge once
        session.rollback()
        return session.get(Bill, bill.id), False
    bill.status, bill.paid_at = BillStatus.PAID, now
    session.add(bill)
    _event(session, request, "paid", now, bill.number)
    if acting := delegation.delegation_of_request(session, request.id):
        delegation.record_act(session, acting, kind="act_paid", actor_id=None,
                              service_code=request.service_code, request_id=request.id,
                              reference=request.reference, beneficiary_id=request.beneficiary_id,
                              now=now)
    ctx = context_for(session, request, now)
    _advance_after_payment(session, catalogue.service(request.service_code), request, ctx, sms)
    session.flush()
    return bill, True


def expire_unpaid(session: Session, now: datetime, *, sms: SmsSender | None = None) -> int:
    """Expire bills past their due time, and their requests (idempotent; returns how many).

    Safe to run on several workers at once, and beside a payment: each bill is expired by a
    conditional update (unpaid -> expired), so only the run whose update took effect writes
    the events and sends the notice."""
    rows = session.exec(select(Bill).where(Bill.status == BillStatus.UNPAID, Bill.due_at <= now)
                        .order_by(Bill.id)).all()  # one lock order for every worker
    expired = 0
    for bill in rows:
        changed = session.execute(update(Bill).where(
            Bill.id == bill.id, Bill.status == BillStatus.UNPAID).values(
            status=BillStatus.EXPIRED)).rowcount
        session.refresh(bill)
        if not changed:
            continue  # paid or expired by someone else meanwhile
        expired += 1
        request = session.get(ServiceRequest, bill.request_id)
        request.status, request.updated_at = RequestStatus.EXPIRED, now
        session.add(request)
        _event(session, request, "expired", now, bill.number)
        notify.notify(session, session.get(Person, request.applicant_id), "expired", now=now,
                      sms=sms, reference=request.reference)
    session.flush()
    return expired


# ---------------------------------------------------------------------------------------------
# Staff / operator actions.

def find_request(session: Session, reference: str) -> ServiceRequest | None:
    reference = (reference or "").strip()
    if not re.fullmatch(r"[0-9]{10}", reference):
        return None
    return session.exec(select(ServiceRequest).where(ServiceRequest.reference == reference)).first()


def decide(session: Session, reference: str, approve: bool, reason: str, *, now: datetime,
           sms: SmsSender) -> ServiceRequest:
    """Approve or reject a request that is in review (a reason is required to reject)."""
    request = find_request(session, reference)
    if request is None:
        raise ValidationError("request_unknown", "no request has this reference")
    if request.status != RequestStatus.IN_REVIEW:
        raise ValidationError("request_not_in_review", "this request is not awaiting a decision")
    reason = " ".join((reason or "").split())[:500]
    if not approve and not reason:
        raise ValidationError("reason_required", "give the reason for the rejection")
    ctx = context_for(session, request, now)
    if approve:
        _approve(session, catalogue.service(request.service_code), request, ctx, sms)
    else:
        request.status, request.decision_reason, request.updated_at = (RequestStatus.REJECTED,
                                                                       reason, now)
        _event(session, request, "rejected", now, reason)
        notify.notify(session, ctx.applicant, "rejected", now=now, sms=sms,
                      reference=request.reference, reason=reason)
    request.decision_reason = reason
    session.add(request)
    session.flush()
    return request


def advance_delivery(session: Session, tracking_number: str, *, now: datetime,
                     sms: SmsSender) -> Delivery:
    """Move a delivery to its next status (what Saudi Post's tracking feed would do)."""
    delivery = session.exec(select(Delivery).where(
        Delivery.tracking_number == (tracking_number or "").strip().upper())).first()
    if delivery is None:
        raise ValidationError("tracking_unknown", "no delivery has this tracking number")
    index = DELIVERY_STATUSES.index(delivery.status)
    if index == len(DELIVERY_STATUSES) - 1:
        raise ValidationError("delivery_done", "this document was already delivered")
    delivery.status, delivery.updated_at = DELIVERY_STATUSES[index + 1], now
    session.add(delivery)
    request = session.get(ServiceRequest, delivery.request_id)
    _event(session, request, f"delivery_{delivery.status}", now, delivery.tracking_number)
    if delivery.status == DeliveryStatus.DELIVERED:
        request.status, request.updated_at = RequestStatus.DELIVERED, now
        session.add(request)
    notify.notify(session, session.get(Person, request.applicant_id),
                  f"delivery_{delivery.status}", now=now, sms=sms,
                  reference=request.reference, tracking=delivery.tracking_number)
    session.flush()
    return delivery


# ---------------------------------------------------------------------------------------------
# Reading.

# Prebuilt (see absher_app.db): every dashboard load.
_REQUESTS_OF = select(ServiceRequest).where(
    ServiceRequest.applicant_id == bindparam("person_id")).order_by(
    ServiceRequest.id.desc()).limit(bindparam("limit"))  # type: ignore[union-attr]
_UNPAID_BILLS_OF = select(Bill).join(ServiceRequest, ServiceRequest.id == Bill.request_id).where(
    ServiceRequest.applicant_id == bindparam("person_id"), Bill.status == BillStatus.UNPAID,
    Bill.due_at > bindparam("now")).order_by(Bill.due_at, Bill.id)  # type: ignore[arg-type]


def requests_of(session: Session, person_id: int, limit: int = 50) -> list[ServiceRequest]:
    """The person's requests, as applicant, newest first."""
    return list(session.exec(_REQUESTS_OF, params={"person_id": person_id,
                                                   "limit": limit}).all())


def unpaid_bills_of(session: Session, person_id: int, now: datetime) -> list[Bill]:
    """The person's bills still payable at `now` (unpaid, not yet due), soonest due first."""
    return list(session.exec(_UNPAID_BILLS_OF, params={"person_id": person_id,
                                                       "now": now}).all())


def timeline(session: Session, request_id: int) -> list[RequestEvent]:
    return list(session.exec(select(RequestEvent).where(RequestEvent.request_id == request_id)
                             .order_by(RequestEvent.id)).all())  # type: ignore[arg-type]


def bill_of(session: Session, request_id: int) -> Bill | None:
    return session.exec(select(Bill).where(Bill.request_id == request_id)).first()


def delivery_of(session: Session, request_id: int) -> Delivery | None:
    return session.exec(select(Delivery).where(Delivery.request_id == request_id)).first()


def by_idempotency_key(session: Session, key: str) -> ServiceRequest | None:
    """The request a draft with this token became, if it was submitted."""
    if not key:
        return None
    return session.exec(select(ServiceRequest).where(ServiceRequest.idempotency_key == key)).first()
