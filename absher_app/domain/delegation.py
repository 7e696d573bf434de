"""Electronic delegation for individuals (عمل تفويض إلكتروني للأفراد, seed 000).

Lifecycle (history is never deleted; every change is a DelegationEvent):

    pending --accept--> active --revoke--> revoked
       |                  |----"this wasn't me"--> suspended
       |--reject--> rejected
       |--withdraw--> withdrawn
    pending/active/suspended --end date passed (job)--> expired

The delegator makes it through the wizard (catalogue service "delegation", confirmed with a
code sent to their mobile); the delegate accepts with the reference number they received by
SMS. While it is active and within its dates the delegate may run the delegated services for
the delegator's household (`authorize`), which every handler checks again on the server.

Rules and their parameters are in data/rules.toml [delegation].
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from absher_app.domain import notify
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.domain.identity import normalize_mobile, validate_id_number
from absher_app.domain.rules_data import age_on, rule
from absher_app.domain.secrets import numeric_code
from absher_app.domain.throttle import check_rate
from absher_app.models import Account, Delegation, DelegationEvent, Person
from absher_app.providers.rate_limit import RateLimiter
from absher_app.providers.sms import SmsSender


class DelegationStatus(StrEnum):
    """A delegation's status (the stored value is the enum's value); see the module docstring."""

    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"


class DelegationEventKind(StrEnum):
    """A line of a delegation's history; the `act_*` kinds are the delegate's acts under it
    (the delegator's activity feed)."""

    CREATED = "created"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    ACT_SUBMITTED = "act_submitted"
    ACT_PAID = "act_paid"

    @classmethod
    def is_act(cls, kind: str) -> bool:
        """True for a delegate's act under the delegation (not a change of the delegation)."""
        return kind in (cls.ACT_SUBMITTED, cls.ACT_PAID)


STATUSES = tuple(DelegationStatus)
OPEN = (DelegationStatus.PENDING, DelegationStatus.ACTIVE)
# Statuses that end by themselves when the last day passes.
ENDS_BY_DATE = (DelegationStatus.PENDING, DelegationStatus.ACTIVE, DelegationStatus.SUSPENDED)
SECTORS = ("passports", "traffic")
REFERENCE = re.compile(r"[0-9]{10}")


class DelegationRefused(DomainError):
    """An action the delegation does not allow; `code` says why (errors.<code>)."""


def delegable_codes(sector: str) -> tuple[str, ...]:
    """The services of `sector` that may be delegated (rules.toml, [delegation.delegable])."""
    return tuple(rule("delegation", "delegable").get(sector, ()))


def services_of(delegation: Delegation) -> tuple[str, ...]:
    return tuple(code for code in delegation.services.split(",") if code)


def _active_account(session: Session, person: Person) -> Account | None:
    account = session.exec(select(Account).where(Account.person_id == person.id)).first()
    return account if account is not None and account.status == "active" else None


# ---------------------------------------------------------------------------------------------
# Rules (each raises ValidationError naming the wizard field it belongs to).

def check_delegator(session: Session, delegator: Person) -> None:
    if delegator.category not in rule("delegation", "delegator_categories"):
        raise ValidationError("delegator_category", "this account type cannot delegate")
    if _active_account(session, delegator) is None:
        raise ValidationError("delegator_not_active", "activate your account first")


def parse_services(sector: str, raw: str) -> tuple[str, ...]:
    """Comma-separated service codes: at least one, all delegable in `sector`, no repeats."""
    codes = tuple(dict.fromkeys(c.strip() for c in (raw or "").split(",") if c.strip()))
    allowed = delegable_codes(sector)
    if not codes:
        raise ValidationError("services_required", "choose at least one service",
                              field="services")
    if any(code not in allowed for code in codes):
        raise ValidationError("service_not_delegable", "this service cannot be delegated",
                              field="services")
    return tuple(code for code in allowed if code in codes)  # catalogue order


def find_delegate(session: Session, delegator: Person, id_number: str, mobile: str,
                  today: date) -> Person:
    """The person to delegate to: known, activated, not the delegator, an adult citizen, and
    the mobile given is the one on their account (the reference number goes there)."""
    try:
        number = validate_id_number(id_number)
    except ValidationError as error:
        raise ValidationError(error.code, str(error), field="delegate_id") from None
    if number == delegator.id_number:
        raise ValidationError("delegate_self", "you cannot delegate to yourself",
                              field="delegate_id")
    person = session.exec(select(Person).where(Person.id_number == number)).first()
    account = _active_account(session, person) if person is not None else None
    if person is None or account is None:
        raise ValidationError("delegate_not_active", "no activated account has this number",
                              field="delegate_id")
    if person.category not in rule("delegation", "delegate_categories"):
        raise ValidationError("delegate_not_citizen", "the delegate must be a citizen",
                              field="delegate_id")
    minimum = rule("delegation", "delegate_min_age")
    if age_on(person.birth_date, today) < minimum:
        raise ValidationError("delegate_minor", "the delegate must be an adult",
                              field="delegate_id", age=minimum)
    try:
        typed = normalize_mobile(mobile)
    except ValidationError as error:
        raise ValidationError(error.code, str(error), field="delegate_mobile") from None
    if typed != account.mobile:
        raise ValidationError("delegate_mobile_mismatch",
                              "this is not the delegate's registered mobile",
                              field="delegate_mobile")
    return person


def check_period(starts_on: date, ends_on: date, today: date) -> None:
    """From today (or up to `start_within_days` ahead) for at most `max_days`, both ends in."""
    ahead = rule("delegation", "start_within_days")
    if starts_on < today:
        raise ValidationError("delegation_start_past", "the first day cannot be in the past",
                              field="starts_on")
    if starts_on > today + timedelta(days=ahead):
        raise ValidationError("delegation_start_far", "the first day is too far ahead",
                              field="starts_on", days=ahead)
    if ends_on < starts_on:
        raise ValidationError("delegation_end_before_start", "the last day is before the first",
                              field="ends_on")
    longest = rule("delegation", "max_days")
    if (ends_on - starts_on).days + 1 > longest:
        raise ValidationError("delegation_too_long", "a delegation lasts at most a year",
                              field="ends_on", days=longest,
                              date=(starts_on + timedelta(days=longest - 1)).isoformat())


def check_not_duplicate(session: Session, delegator: Person, delegate: Person,
                        services: tuple[str, ...], today: date) -> None:
    """No second open (pending or active) delegation to the same person for the same services:
    a service already delegated to them cannot be delegated again until that one ends (one
    past its last day has ended, even before the expiry job marks it so)."""
    for other in session.exec(select(Delegation).where(
            Delegation.delegator_id == delegator.id, Delegation.delegate_id == delegate.id,
            col(Delegation.status).in_(OPEN), Delegation.ends_on >= today)).all():
        if set(services) & set(services_of(other)):
            raise ValidationError("delegation_duplicate", "already delegated to this person",
                                  field="services", reference=other.reference)


# ---------------------------------------------------------------------------------------------
# Lifecycle.

def _event(session: Session, delegation: Delegation, kind: str, now: datetime,
           actor: Person | None = None, **extra: Any) -> None:
    session.add(DelegationEvent(delegation_id=delegation.id, kind=kind, created_at=now,
                                actor_id=actor.id if actor else None, **extra))


def _new_reference(session: Session) -> str:
    while True:
        value = "8" + numeric_code(9)
        if session.exec(select(Delegation).where(Delegation.reference == value)).first() is None:
            return value


def _tell_both(session: Session, delegation: Delegation, key: str, now: datetime,
               sms: SmsSender | None) -> None:
    for person_id, role in ((delegation.delegator_id, "delegator"),
                            (delegation.delegate_id, "delegate")):
        notify.notify(session, session.get(Person, person_id), f"delegation_{key}_{role}",
                      now=now, sms=sms, reference=delegation.reference)


def create(session: Session, *, delegator: Person, delegate_id_number: str,
           delegate_mobile: str, sector: str, services: tuple[str, ...] | str, starts_on: date,
           ends_on: date, today: date, now: datetime, sms: SmsSender | None,
           reference: str | None = None, request_id: int | None = None) -> Delegation:
    """Make a pending delegation (every rule checked again) and text the delegate its
    reference number. The wizard calls this once the delegator confirmed it with a code."""
    if sector not in SECTORS:
        raise ValidationError("choose_one", "choose a sector", field="sector")
    check_delegator(session, delegator)
    codes = parse_services(sector, services if isinstance(services, str) else ",".join(services))
    delegate = find_delegate(session, delegator, delegate_id_number, delegate_mobile, today)
    check_period(starts_on, ends_on, today)
    check_not_duplicate(session, delegator, delegate, codes, today)
    delegation = Delegation(reference=reference or _new_reference(session), request_id=request_id,
                            delegator_id=delegator.id, delegate_id=delegate.id, sector=sector,
                            services=",".join(codes), starts_on=starts_on, ends_on=ends_on,
                            status=DelegationStatus.PENDING, created_at=now, updated_at=now)
    session.add(delegation)
    session.flush()
    _event(session, delegation, DelegationEventKind.CREATED, now, delegator)
    notify.notify(session, delegate, "delegation_received", now=now, sms=sms,
                  reference=delegation.reference, start=starts_on.isoformat(),
                  end=ends_on.isoformat(),
                  localized={"ar": {"name": delegator.name_ar}, "en": {"name": delegator.name_en}})
    notify.notify(session, delegator, "delegation_sent", now=now, sms=None,
                  reference=delegation.reference)
    session.flush()
    return delegation


def find(session: Session, reference: str) -> Delegation | None:
    reference = (reference or "").strip()
    if not REFERENCE.fullmatch(reference):
        return None
    return session.exec(select(Delegation).where(Delegation.reference == reference)).first()


def _expire_if_due(session: Session, delegation: Delegation, today: date, now: datetime,
                   sms: SmsSender | None) -> None:
    if delegation.status in ENDS_BY_DATE and delegation.ends_on < today:
        delegation.status, delegation.updated_at = DelegationStatus.EXPIRED, now
        session.add(delegation)
        _event(session, delegation, DelegationEventKind.EXPIRED, now)
        if sms is not None:
            _tell_both(session, delegation, "expired", now, sms)
        session.flush()


def _pending_for(session: Session, delegate: Person, reference: str, today: date,
                 now: datetime, sms: SmsSender | None) -> Delegation:
    """The pending delegation with this reference addressed to `delegate`. A reference that is
    wrong or someone else's gets the same answer: it must not confirm that it exists."""
    delegation = find(session, reference)
    if delegation is None or delegation.delegate_id != delegate.id:
        raise DelegationRefused("delegation_reference_wrong", "no delegation to you has this "
                                                              "reference number")
    _expire_if_due(session, delegation, today, now, sms)
    if delegation.status == DelegationStatus.WITHDRAWN:
        raise DelegationRefused("delegation_withdrawn", "the delegator withdrew it")
    if delegation.status == DelegationStatus.EXPIRED:
        raise DelegationRefused("delegation_expired", "its end date has passed")
    if delegation.status != DelegationStatus.PENDING:
        raise DelegationRefused("delegation_already_answered", "it was already answered")
    return delegation


def accept(session: Session, *, delegate: Person, reference: str, today: date, now: datetime,
           sms: SmsSender | None) -> Delegation:
    """The delegate accepts: only them, once, with the right reference, before the end date,
    and not after it was withdrawn."""
    delegation = _pending_for(session, delegate, reference, today, now, sms)
    if _active_account(session, delegate) is None:
        raise DelegationRefused("delegate_not_active", "your account is not active")
    delegation.status, delegation.updated_at = DelegationStatus.ACTIVE, now
    session.add(delegation)
    _event(session, delegation, DelegationEventKind.ACCEPTED, now, delegate)
    _tell_both(session, delegation, "accepted", now, sms)
    session.flush()
    return delegation


def reject(session: Session, *, delegate: Person, reference: str, today: date, now: datetime,
           sms: SmsSender | None) -> Delegation:
    """The delegate declines (same checks as accepting)."""
    delegation = _pending_for(session, delegate, reference, today, now, sms)
    delegation.status, delegation.updated_at = DelegationStatus.REJECTED, now
    session.add(delegation)
    _event(session, delegation, DelegationEventKind.REJECTED, now, delegate)
    _tell_both(session, delegation, "rejected", now, sms)
    session.flush()
    return delegation


def _own(session: Session, delegator: Person, reference: str) -> Delegation:
    delegation = find(session, reference)
    if delegation is None or delegation.delegator_id != delegator.id:
        raise DelegationRefused("delegation_not_found", "you made no delegation with this number")
    return delegation


def _end(session: Session, delegator: Person, reference: str, *, wanted: DelegationStatus,
         new: DelegationStatus, today: date, now: datetime,
         sms: SmsSender | None) -> Delegation:
    delegation = _own(session, delegator, reference)
    _expire_if_due(session, delegation, today, now, sms)
    if delegation.status != wanted:
        raise DelegationRefused(f"delegation_not_{wanted}", f"only a {wanted} delegation can "
                                                            f"become {new}",
                                status=delegation.status)
    delegation.status, delegation.updated_at = new, now
    session.add(delegation)
    _event(session, delegation, DelegationEventKind(new.value), now, delegator)
    _tell_both(session, delegation, new, now, sms)
    session.flush()
    return delegation


def withdraw(session: Session, *, delegator: Person, reference: str, today: date, now: datetime,
             sms: SmsSender | None) -> Delegation:
    """The delegator withdraws a request the delegate has not answered yet."""
    return _end(session, delegator, reference, wanted=DelegationStatus.PENDING,
                new=DelegationStatus.WITHDRAWN, today=today, now=now, sms=sms)


def revoke(session: Session, *, delegator: Person, reference: str, today: date, now: datetime,
           sms: SmsSender | None) -> Delegation:
    """The delegator ends an active delegation, at any time."""
    return _end(session, delegator, reference, wanted=DelegationStatus.ACTIVE,
                new=DelegationStatus.REVOKED, today=today, now=now, sms=sms)


def suspend(session: Session, *, delegator: Person, reference: str, today: date,
            now: datetime, sms: SmsSender | None) -> Delegation:
    """"This wasn't me": the delegator does not recognise an action; the delegation stops at
    once (like a revocation, but recorded as a report to look into)."""
    return _end(session, delegator, reference, wanted=DelegationStatus.ACTIVE,
                new=DelegationStatus.SUSPENDED, today=today, now=now, sms=sms)


def expire_due(session: Session, today: date, now: datetime, sms: SmsSender | None) -> int:
    """Expire every open delegation whose last day has passed (idempotent; returns how many)."""
    due = session.exec(select(Delegation).where(
        col(Delegation.status).in_(ENDS_BY_DATE),
        Delegation.ends_on < today)).all()
    for delegation in due:
        _expire_if_due(session, delegation, today, now, sms)
    return len(due)


# ---------------------------------------------------------------------------------------------
# Acting on behalf.

def authorize(session: Session, *, delegate: Person, reference: str, service_code: str,
              today: date) -> Delegation:
    """The delegation under which `delegate` may run `service_code` today, or
    DelegationRefused saying why not. Called by every handler that acts on behalf."""
    delegation = find(session, reference)
    if delegation is None or delegation.delegate_id != delegate.id:
        raise DelegationRefused("delegation_reference_wrong", "no delegation to you has this "
                                                              "reference number")
    if delegation.status == DelegationStatus.ACTIVE and delegation.ends_on < today:
        raise DelegationRefused("delegation_expired", "its end date has passed")
    if delegation.status != DelegationStatus.ACTIVE:
        raise DelegationRefused(f"delegation_is_{delegation.status}", "not active")
    if today < delegation.starts_on:
        raise DelegationRefused("delegation_not_started", "it starts later",
                                date=delegation.starts_on.isoformat())
    if service_code not in services_of(delegation) or service_code not in delegable_codes(
            delegation.sector):
        raise DelegationRefused("delegation_service_out_of_scope",
                                "this service is not delegated to you")
    if _active_account(session, delegate) is None:
        raise DelegationRefused("delegate_not_active", "your account is not active")
    return delegation


def record_act(session: Session, delegation: Delegation, *, kind: str, actor_id: int | None,
               service_code: str, request_id: int | None, reference: str,
               beneficiary_id: int | None, now: datetime) -> None:
    """One line of the delegator's activity feed."""
    session.add(DelegationEvent(delegation_id=delegation.id, kind=kind, actor_id=actor_id,
                                service_code=service_code, request_id=request_id,
                                reference=reference, beneficiary_id=beneficiary_id,
                                created_at=now))
    session.flush()


def delegation_of_request(session: Session, request_id: int) -> Delegation | None:
    """The delegation a request was submitted under (None for one's own requests)."""
    event = session.exec(select(DelegationEvent).where(
        DelegationEvent.request_id == request_id,
        DelegationEvent.kind == DelegationEventKind.ACT_SUBMITTED)).first()
    return session.get(Delegation, event.delegation_id) if event else None


def in_force(delegation: Delegation, today: date) -> bool:
    """True while the delegate may act under it: active, and `today` within its period."""
    return (delegation.status == DelegationStatus.ACTIVE
            and delegation.starts_on <= today <= delegation.ends_on)


def acts_of(session: Session, delegate: Person) -> list[tuple[int, Delegation]]:
    """The requests `delegate` submitted on behalf of others (their ids, newest first), each
    with the delegation it was made under."""
    rows = session.exec(_ACTS_OF, params={"person_id": delegate.id}).all()
    return [(request_id, delegation) for request_id, delegation in rows]


def check_payment(session: Session, request_id: int, service_code: str, today: date) -> None:
    """A bill of a request made under a delegation is paid (and the request goes ahead) only
    while that delegation still allows the service."""
    delegation = delegation_of_request(session, request_id)
    if delegation is None:
        return
    authorize(session, delegate=session.get(Person, delegation.delegate_id),
              reference=delegation.reference, service_code=service_code, today=today)


# ---------------------------------------------------------------------------------------------
# Reading.

# Prebuilt (see absher_app.db): every dashboard load.
_GIVEN_BY = select(Delegation).where(Delegation.delegator_id == bindparam("person_id")).order_by(
    col(Delegation.id).desc())
_GIVEN_TO = select(Delegation).where(Delegation.delegate_id == bindparam("person_id")).order_by(
    col(Delegation.id).desc())
_ACTS_OF = select(DelegationEvent.request_id, Delegation).join(
    Delegation, col(Delegation.id) == DelegationEvent.delegation_id).where(
    DelegationEvent.kind == DelegationEventKind.ACT_SUBMITTED,
    DelegationEvent.actor_id == bindparam("person_id"),
    col(DelegationEvent.request_id).is_not(None)).order_by(col(DelegationEvent.id).desc())


def given_by(session: Session, person: Person) -> list[Delegation]:
    return list(session.exec(_GIVEN_BY, params={"person_id": person.id}).all())


def given_to(session: Session, person: Person) -> list[Delegation]:
    return list(session.exec(_GIVEN_TO, params={"person_id": person.id}).all())


def open_count(given: list[Delegation], today: date) -> int:
    """How many of `given` are open: pending or active, their last day not passed."""
    return sum(1 for d in given if d.status in OPEN and d.ends_on >= today)


def history(session: Session, delegation: Delegation) -> list[DelegationEvent]:
    return list(session.exec(select(DelegationEvent).where(
        DelegationEvent.delegation_id == delegation.id).order_by(col(DelegationEvent.id))).all())


def mask_name(name: str) -> str:
    """First letter of each word, the rest hidden: "Mohammed Alqahtani" -> "M****** A********"."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


@dataclasses.dataclass(frozen=True)
class Verification:
    """What the public /verify page shows: validity and scope, masked names, nothing else."""

    reference: str
    valid_now: bool
    status: str
    sector: str
    services: tuple[str, ...]
    starts_on: date
    ends_on: date
    delegator_ar: str
    delegator_en: str
    delegate_ar: str
    delegate_en: str


def verify_public(session: Session, reference: str, *, today: date, client: str,
                  limiter: RateLimiter, limit: str) -> Verification:
    """The public /verify page: counted against the same per-client limit as the public
    inquiries (it is one more public look-up), then `verify`."""
    check_rate(limiter, limit, client)
    return verify(session, reference, today)


def verify(session: Session, reference: str, today: date) -> Verification:
    """Anyone with the reference number may check a delegation."""
    delegation = find(session, reference)
    if delegation is None:
        raise ValidationError("delegation_unknown", "no delegation has this reference number",
                              field="reference")
    status = delegation.status
    if status in ENDS_BY_DATE and delegation.ends_on < today:
        status = DelegationStatus.EXPIRED  # the job may not have run yet today
    delegator = session.get(Person, delegation.delegator_id)
    delegate = session.get(Person, delegation.delegate_id)
    return Verification(
        reference=delegation.reference,
        valid_now=status == DelegationStatus.ACTIVE
        and delegation.starts_on <= today <= delegation.ends_on,
        status=status, sector=delegation.sector, services=services_of(delegation),
        starts_on=delegation.starts_on, ends_on=delegation.ends_on,
        delegator_ar=mask_name(delegator.name_ar), delegator_en=mask_name(delegator.name_en),
        delegate_ar=mask_name(delegate.name_ar), delegate_en=mask_name(delegate.name_en))
