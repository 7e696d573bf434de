"""Directorate staff: accounts, roles, sign-in (password + authenticator app), sessions, and the
back-office actions each role may take.

Staff sign in with the same password rules, argon2id hashes, lock and throttle numbers as
citizens (`accounts.lock_after_failure`, `codes.lock_seconds_after`, `codes.totp_matches`),
counted in their own audit table. The authenticator app is mandatory: there is no SMS code for
staff, so a stolen password and a SIM swap are not enough. Every action below checks the
staff member's role again (the pages check it too: defence in depth), and every look at a
person's record is written to the person's access log.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta

import pyotp
from sqlmodel import Session, col, func, select

from absher_app.domain import access_log, accounts, audit, codes, requests, sessions
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.domain.identity import mask_mobile, validate_id_number
from absher_app.domain.passwords import (
    burn_verify_time,
    check_password,
    hash_password,
    verify_password,
)
from absher_app.models import (
    Account,
    Branch,
    Delivery,
    Person,
    ServiceRequest,
    StaffEvent,
    StaffMember,
    StaffSession,
    StaffSignInTicket,
)
from absher_app.providers.sms import SmsSender

# Permissions: what a page or an action needs. Pages added later (messages inbox, branches)
# ask for their own permission here; a role gets it through ROLE_PERMISSIONS.
ACTIVATE_ACCOUNTS = "activate_accounts"
REVIEW_REQUESTS = "review_requests"
ANSWER_MESSAGES = "answer_messages"
MANAGE_BRANCHES = "manage_branches"
PERMISSIONS = (ACTIVATE_ACCOUNTS, REVIEW_REQUESTS, ANSWER_MESSAGES, MANAGE_BRANCHES)

ROLES = ("activation_clerk", "passports_officer", "branch_manager", "admin")
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "activation_clerk": frozenset({ACTIVATE_ACCOUNTS}),
    "passports_officer": frozenset({REVIEW_REQUESTS, ANSWER_MESSAGES}),
    "branch_manager": frozenset({MANAGE_BRANCHES}),
    "admin": frozenset(PERMISSIONS),
}

SESSION_IDLE = accounts.SESSION_IDLE
SESSION_MAX = accounts.SESSION_MAX
TICKET_TTL = accounts.TICKET_TTL


class NotAllowedError(DomainError):
    """The staff member's role does not include what was asked."""


@dataclasses.dataclass(frozen=True)
class StaffIdentity:
    """A signed-in staff member, as pages and actions need them (no secret in here)."""

    staff_id: int
    username: str
    role: str
    office: str | None

    @property
    def permissions(self) -> frozenset[str]:
        return ROLE_PERMISSIONS.get(self.role, frozenset())

    def may(self, permission: str) -> bool:
        """True when the role includes `permission`."""
        return permission in self.permissions


def identity_of(member: StaffMember) -> StaffIdentity:
    return StaffIdentity(member.id, member.username, member.role, member.office)


def require(staff: StaffIdentity, permission: str) -> None:
    """Raise NotAllowedError unless the role includes `permission`."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    if not staff.may(permission):
        raise NotAllowedError("staff_not_allowed", "your role does not include this")


# --- The staff audit trail ------------------------------------------------------------------

def record(session: Session, kind: str, *, staff_id: int | None, now: datetime,
           detail: str = "", device: str = "") -> None:
    """Add one staff audit row (never a secret in `detail`)."""
    session.add(StaffEvent(staff_id=staff_id, kind=kind, detail=detail[:200],
                           device=device[:200], created_at=now))


def _times(session: Session, kind: str, staff_id: int, since: datetime,
           limit: int = 100) -> list[datetime]:
    return list(session.exec(
        select(StaffEvent.created_at).where(StaffEvent.staff_id == staff_id,
                                            StaffEvent.kind == kind,
                                            StaffEvent.created_at >= since)
        .order_by(col(StaffEvent.created_at).desc()).limit(limit)).all())


def _count(session: Session, kind: str, staff_id: int, since: datetime) -> int:
    return int(session.exec(
        select(func.count()).select_from(StaffEvent).where(
            StaffEvent.staff_id == staff_id, StaffEvent.kind == kind,
            StaffEvent.created_at >= since)).one())


def events_of(session: Session, staff_id: int, limit: int = 50) -> list[StaffEvent]:
    """The staff member's latest audit rows, newest first."""
    return list(session.exec(select(StaffEvent).where(StaffEvent.staff_id == staff_id)
                             .order_by(col(StaffEvent.id).desc()).limit(limit)).all())


def record_refusal(session: Session, staff_id: int | None, permission: str, where: str, *,
                   now: datetime, citizen_account_id: int | None = None) -> None:
    """Log a refused attempt to open a staff page or run a staff action."""
    who = f"citizen account {citizen_account_id}" if citizen_account_id else "no staff session"
    detail = f"{permission or 'staff'} at {where}" + ("" if staff_id else f" ({who})")
    record(session, "access_refused", staff_id=staff_id, detail=detail, now=now)


# --- Accounts ------------------------------------------------------------------------------

def create_staff(session: Session, username: str, role: str, *, password: str, confirm: str,
                 office: str | None = None, now: datetime,
                 totp_secret: str | None = None) -> tuple[StaffMember, str]:
    """Create a staff account; returns it and its authenticator secret (to show once).

    `totp_secret` is for the documented demo accounts only; otherwise a fresh one is made.

    Raises:
        ValidationError: bad username, role, office or password; username taken.
    """
    username = (username or "").strip().lower()
    if not accounts.USERNAME_RE.fullmatch(username) or username.isdigit():
        raise ValidationError("username_invalid", "4-32 letters, digits, dot or underscore")
    if role not in ROLES:
        raise ValidationError("staff_role_unknown", "the role must be one of: "
                              + ", ".join(ROLES), roles=", ".join(ROLES))
    office = (office or "").strip().upper() or None
    if office is not None and session.exec(
            select(Branch.id).where(Branch.code == office)).first() is None:
        raise ValidationError("staff_office_unknown", "no branch has this code", office=office)
    if session.exec(select(StaffMember.id).where(StaffMember.username == username)).first():
        raise ValidationError("username_taken", "this username is taken")
    check_password(password, confirm, personal=[username])
    secret = totp_secret or codes.new_totp_secret()
    member = StaffMember(username=username, role=role, office=office,
                         password_hash=hash_password(password), totp_secret=secret,
                         created_at=now)
    session.add(member)
    session.flush()
    record(session, "created", staff_id=member.id, detail=f"{role} {office or 'HQ'}", now=now)
    return member, secret


def unlock(session: Session, username: str, *, now: datetime) -> StaffMember:
    """An operator lifts a lock (after checking, out of band, that the staff member asked)."""
    member = find_staff(session, username)
    if member is None:
        raise ValidationError("staff_unknown", "no staff account has this username")
    member.status, member.locked_until = "active", None
    session.add(member)
    # A good sign-in is what restarts the failure counts; an unlock counts as one.
    record(session, "login_ok", staff_id=member.id, detail="unlocked by an operator", now=now)
    return member


def current_code(member: StaffMember, now: datetime) -> str:
    """The authenticator code of this 30-second step (the operator CLI's demo helper)."""
    return pyotp.TOTP(member.totp_secret, interval=codes.TOTP_STEP_S).at(now)


def find_staff(session: Session, username: str) -> StaffMember | None:
    return session.exec(select(StaffMember).where(
        StaffMember.username == (username or "").strip().lower()[:64])).first()


def authenticate(session: Session, username: str, password: str, *, now: datetime,
                 device: str = "") -> StaffMember:
    """Check the password with the citizens' lock rules; return the staff member.

    Raises:
        AuthError: unknown username or wrong password (the same answer after the same work).
        LockedError: temporarily locked, or locked until an operator resets the account.
    """
    member = find_staff(session, username)
    if member is None:
        burn_verify_time(password or "")
        raise accounts.AuthError("bad_credentials", "the username or password is not right"
                                   ).about("login")
    if member.status == "locked":
        burn_verify_time(password or "")
        raise accounts.LockedError("staff_locked", "ask an administrator to unlock", None)
    if member.locked_until and member.locked_until > now:
        burn_verify_time(password or "")
        raise accounts.LockedError("account_locked", "too many wrong passwords",
                                   member.locked_until, now)
    if not verify_password(password or "", member.password_hash):
        record(session, "login_failed", staff_id=member.id, device=device, now=now)
        session.flush()
        last_ok = _last(session, "login_ok", member.id)
        until_reset, lock = accounts.lock_after_failure(
            failures_in_window=_count(session, "login_failed", member.id,
                                      now - timedelta(seconds=accounts.PASSWORD_WINDOW_S)),
            consecutive_failures=_count(session, "login_failed", member.id, last_ok),
            locks_since_success=_count(session, "account_locked", member.id, last_ok))
        if until_reset:
            member.status = "locked"
        elif lock is not None:
            member.locked_until = now + lock
        if until_reset or lock is not None:
            record(session, "account_locked", staff_id=member.id,
                   detail="until reset" if until_reset else "", now=now)
        session.add(member)
        session.commit()  # the failure must count even though we raise
        if until_reset:
            raise accounts.LockedError("staff_locked", "ask an administrator to unlock", None)
        if lock is not None:
            raise accounts.LockedError("account_locked", "too many wrong passwords",
                                       member.locked_until, now)
        raise accounts.AuthError("bad_credentials", "the username or password is not right"
                                   ).about("login")
    record(session, "password_ok", staff_id=member.id, device=device, now=now)
    return member


def _last(session: Session, kind: str, staff_id: int) -> datetime:
    times = _times(session, kind, staff_id, audit.BEGINNING, limit=1)
    return times[0] if times else audit.BEGINNING


def code_lock_seconds(session: Session, staff_id: int, now: datetime) -> int:
    """Seconds code entry stays locked after 10 wrong codes (the citizens' rule)."""
    window = timedelta(seconds=codes.FAILURE_WINDOW_S) + codes.LOCK
    return codes.lock_seconds_after(_times(session, "code_failed", staff_id, now - window), now)


def verify_code(session: Session, member: StaffMember, code: str, *, now: datetime) -> None:
    """Accept an authenticator code once (each 30-second step at most once); the first
    accepted code confirms the enrolment.

    Raises:
        ThrottledError: code entry is locked.
        ValidationError: not 6 digits (not counted), wrong or replayed code (counted).
    """
    locked = code_lock_seconds(session, member.id, now)
    if locked:
        raise codes.ThrottledError("code_locked", "too many wrong codes", locked)
    typed = codes._typed_digits(code)  # noqa: SLF001 - the same reading of typed digits
    if typed is None:
        raise ValidationError("code_format", "the code is 6 digits")
    step = codes.totp_matches(member.totp_secret, typed, now, member.totp_last_step)
    if step is None:
        record(session, "code_failed", staff_id=member.id, now=now)
        session.commit()
        locked = code_lock_seconds(session, member.id, now)
        if locked:
            raise codes.ThrottledError("code_locked", "too many wrong codes", locked)
        raise ValidationError("code_wrong", "the code is not right")
    member.totp_last_step = step
    if member.totp_confirmed_at is None:
        member.totp_confirmed_at = now
        record(session, "totp_enrolled", staff_id=member.id, now=now)
    session.add(member)
    record(session, "totp_ok", staff_id=member.id, now=now)


# --- Sessions (the same shape as citizens': a ticket, then an HttpOnly cookie) ----------------

def _active_member(session: Session, staff_id: int) -> StaffIdentity | None:
    member = session.get(StaffMember, staff_id)
    return identity_of(member) if member is not None and \
        member.status == sessions.ACTIVE_STATUS else None


def _signed_in(session: Session, who: StaffIdentity, now: datetime, device: str) -> None:
    member = session.get(StaffMember, who.staff_id)
    member.locked_until = None
    session.add(member)
    record(session, "login_ok", staff_id=member.id, device=device, now=now)


def _signed_out(session: Session, staff_id: int, now: datetime) -> None:
    record(session, "signed_out", staff_id=staff_id, now=now)


# Staff's side of the one session stack (absher_app.domain.sessions): its own tables and
# cookie, digests kept apart from citizens' by the prefix.
STAFF = sessions.Realm(
    name="staff", session_model=StaffSession, ticket_model=StaffSignInTicket, owner="staff_id",
    prefix="staff-", principal=_active_member, owner_model=StaffMember,
    owner_columns=("status",), on_signed_in=_signed_in,
    on_signed_out=_signed_out)


def issue_ticket(session: Session, member: StaffMember, *, now: datetime) -> str:
    """A single-use, 60-second ticket that the staff session endpoint exchanges for a cookie."""
    return sessions.issue_ticket(session, STAFF, member.id, now=now)


def redeem_ticket(session: Session, ticket: str, *, now: datetime,
                  device: str = "") -> str | None:
    """Turn a ticket into a new staff session; the session token (None if the ticket is bad)."""
    return sessions.redeem_ticket(session, STAFF, ticket, now=now, device=device)


def resolve_session(session: Session, token: str | None, *, now: datetime,
                    touch: bool = True) -> StaffIdentity | None:
    """The signed-in staff member for a session token; None when absent, ended or timed out."""
    found = sessions.resolve(session, STAFF, token, now=now, touch=touch)
    return found.principal if found else None


def end_session(session: Session, token: str | None, *, now: datetime) -> None:
    """Sign out: the token stops working at once."""
    sessions.end(session, STAFF, token, now=now)


# --- Activation at an office ------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class PersonCard:
    """What the clerk checks against the ID card (nothing more: the mobile is masked)."""

    id_number: str
    category: str
    name_ar: str
    name_en: str
    birth_date: date
    masked_mobile: str


def _registered_account(session: Session, id_number: str) -> tuple[Account, Person]:
    number = validate_id_number(id_number)
    found = session.exec(select(Account, Person).join(Person).where(
        Person.id_number == number)).first()
    if found is None or found[0].status == "closed":
        raise ValidationError("activation_no_account", "no registered account for this ID")
    if found[0].status != "registered":
        raise ValidationError("activation_not_pending", "this account is already activated")
    return found


def find_for_activation(session: Session, staff: StaffIdentity, id_number: str, *,
                        now: datetime) -> PersonCard:
    """The person of a registered (not yet activated) account, to confirm at the counter.
    Showing it is an access to their record, and is logged for them.

    Raises:
        NotAllowedError, ValidationError (bad ID, no account awaiting activation).
    """
    require(staff, ACTIVATE_ACCOUNTS)
    _account, person = _registered_account(session, id_number)
    access_log.record_access(session, person.id, "staff", staff.role, staff.office,
                             "office_activation", now, actor_id=staff.staff_id)
    record(session, "record_opened", staff_id=staff.staff_id,
           detail=f"person {person.id} office_activation", now=now)
    return PersonCard(person.id_number, person.category, person.name_ar, person.name_en,
                      person.birth_date, mask_mobile(person.mobile))


def activate_at_office(session: Session, staff: StaffIdentity, id_number: str, *,
                       now: datetime, sms: SmsSender) -> Account:
    """Activate the registered account through the "office" channel (the person is told)."""
    require(staff, ACTIVATE_ACCOUNTS)
    _registered_account(session, id_number)
    account = accounts.activate_account(session, id_number, "office", now=now, sms=sms)
    record(session, "account_activated", staff_id=staff.staff_id,
           detail=f"account {account.id} at {staff.office or 'HQ'}", now=now)
    return account


# --- Request review ---------------------------------------------------------------------------

def awaiting_decision(session: Session, staff: StaffIdentity,
                      limit: int = 100) -> list[ServiceRequest]:
    """Requests in review, oldest first (first come, first served)."""
    require(staff, REVIEW_REQUESTS)
    return list(session.exec(select(ServiceRequest).where(ServiceRequest.status == "in_review")
                             .order_by(col(ServiceRequest.submitted_at)).limit(limit)).all())


def deliveries_under_way(session: Session, staff: StaffIdentity,
                         limit: int = 100) -> list[ServiceRequest]:
    """Approved requests whose document is on its way by post (not yet delivered)."""
    require(staff, REVIEW_REQUESTS)
    return list(session.exec(
        select(ServiceRequest).join(Delivery, col(Delivery.request_id) == col(ServiceRequest.id))
        .where(Delivery.status != "delivered")
        .order_by(col(ServiceRequest.updated_at)).limit(limit)).all())


def open_request(session: Session, staff: StaffIdentity, reference: str, *,
                 now: datetime) -> ServiceRequest:
    """One request for review; opening it is logged for the applicant and the beneficiary.

    Raises:
        NotAllowedError, ValidationError (no request has this reference).
    """
    require(staff, REVIEW_REQUESTS)
    request = requests.find_request(session, reference)
    if request is None:
        raise ValidationError("request_unknown", "no request has this reference")
    for person_id in dict.fromkeys((request.applicant_id, request.beneficiary_id)):
        access_log.record_access(session, person_id, "staff", staff.role, staff.office,
                                 "request_review", now, actor_id=staff.staff_id)
    record(session, "record_opened", staff_id=staff.staff_id,
           detail=f"request {request.reference} request_review", now=now)
    return request


def decide_request(session: Session, staff: StaffIdentity, reference: str, approve: bool,
                   reason: str, *, now: datetime, sms: SmsSender) -> ServiceRequest:
    """Approve, or reject with a reason (`requests.decide`, which notifies the person)."""
    require(staff, REVIEW_REQUESTS)
    request = requests.decide(session, reference, approve, reason, now=now, sms=sms)
    record(session, "request_decided", staff_id=staff.staff_id,
           detail=f"{request.reference} {request.status}", now=now)
    return request


def advance_delivery(session: Session, staff: StaffIdentity, reference: str, *,
                     now: datetime, sms: SmsSender) -> str:
    """Move the request's delivery to its next status; returns the new status."""
    require(staff, REVIEW_REQUESTS)
    request = requests.find_request(session, reference)
    delivery = requests.delivery_of(session, request.id) if request else None
    if delivery is None:
        raise ValidationError("tracking_unknown", "no delivery has this tracking number")
    delivery = requests.advance_delivery(session, delivery.tracking_number, now=now, sms=sms)
    record(session, "delivery_advanced", staff_id=staff.staff_id,
           detail=f"{request.reference} {delivery.status}", now=now)
    return delivery.status


def documents_of(person: Person) -> list[tuple[str, str]]:
    """(document key, "number · expiry") of the person's documents on record."""
    docs = []
    if person.passport_number:
        docs.append(("passport", f"{person.passport_number} · {person.passport_expiry}"))
    if person.iqama_expiry:
        docs.append(("iqama", f"{person.id_number} · {person.iqama_expiry}"))
    if person.visa_number:
        docs.append(("visa", f"{person.visa_number} · {person.visa_expiry}"))
    return docs


def answers_of(request: ServiceRequest) -> dict[str, str]:
    """The request's stored answers, as text."""
    try:
        answers = json.loads(request.answers_json or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in answers.items()} if isinstance(answers, dict) else {}
