"""The signed-in person's own account: profile, password, mobile, language, authenticator app
and backup codes, sign-in history, sessions, "this wasn't me", download my data, close account.

Every change that weakens or moves a factor asks for the current password again
(re-authentication, NIST 800-63B §4.2.3 / OWASP ASVS V2.5); wrong answers are counted in the
audit trail and throttled like sign-in. Each change is audited and the person is told by SMS, on
the mobile that was theirs before the change.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, or_, select

from absher_app.domain import audit, codes, traffic
from absher_app.domain.accounts import (
    NOT_ME_LOCKED,
    SESSION_IDLE,
    AccountStatus,
    end_all_sessions,
)
from absher_app.domain.calendars import RIYADH
from absher_app.domain.errors import ValidationError
from absher_app.domain.identity import mask_mobile, normalize_mobile
from absher_app.domain.passwords import check_password, hash_password, verify_password
from absher_app.i18n import LANGUAGES, translate
from absher_app.models import (
    Account,
    AuthEvent,
    BackupCode,
    OneTimeCode,
    Person,
    SmsMessage,
    UserSession,
)
from absher_app.providers.sms import SmsSender

REAUTH_WINDOW_S = 600
REAUTH_MAX_FAILURES = 5
HISTORY_LIMIT = 50
MAX_SESSIONS_SHOWN = 50
# A message to an old mobile sent this long after the change is no longer the person's (the
# number may have a new owner); the change notice itself leaves within the same transaction.
OLD_MOBILE_GRACE = timedelta(minutes=1)
EXPORT_FORMAT = "absher-passports-personal-data"
EXPORT_VERSION = 1

# The events the sign-in history shows, in the order of the i18n keys `account.event.<kind>`.
HISTORY_KINDS = (
    "login_ok", "login_failed", "code_failed", "account_locked", "signed_out",
    "signed_out_everywhere", "backup_code_used", "reauth_failed", "password_changed",
    "password_reset", "mobile_changed", "totp_enabled", "totp_disabled", "backup_codes_created",
    NOT_ME_LOCKED, "account_closed", "activated", "registered", "data_exported",
)
# Which of them are refusals (shown as such in the history).
FAILED_KINDS = frozenset({"login_failed", "code_failed", "account_locked", "reauth_failed"})


# --- Profile -------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Profile:
    """What the account page shows about the person (masked where it is an identifier)."""

    name_ar: str
    name_en: str
    masked_id_number: str
    masked_mobile: str
    email: str
    category: str
    username: str
    language: str
    totp_enabled: bool
    backup_codes_left: int


def mask_id_number(id_number: str) -> str:
    """The first digit (the kind of number) and the last four, e.g. 1*****0008."""
    return id_number[:1] + "*" * max(len(id_number) - 5, 0) + id_number[-4:]


def profile(session: Session, account: Account) -> Profile:
    """The person's profile as the account page shows it."""
    person = session.get(Person, account.person_id)
    return Profile(
        name_ar=person.name_ar, name_en=person.name_en,
        masked_id_number=mask_id_number(person.id_number),
        masked_mobile=mask_mobile(account.mobile), email=account.email,
        category=person.category, username=account.username, language=account.language,
        totp_enabled=account.totp_enabled,
        backup_codes_left=codes.unused_backup_codes(session, account.id)
        if account.totp_enabled else 0,
    )


# --- Re-authentication -----------------------------------------------------------------------

def reauthenticate(session: Session, account: Account, password: str, *, now: datetime,
                   device: str = "") -> None:
    """Check the current password before a sensitive change (errors are about the field
    "current_password").

    Five wrong answers in ten minutes pause these checks (not sign-in) until the oldest of them
    is ten minutes old; a stolen session must not become a way to guess the password.

    Raises:
        codes.ThrottledError: too many wrong passwords lately.
        ValidationError: the password is not right (counted, and the count committed).
    """
    since = audit.window(now, REAUTH_WINDOW_S)
    failures = audit.recent(session, "reauth_failed", since, account_id=account.id,
                            limit=REAUTH_MAX_FAILURES)
    if len(failures) >= REAUTH_MAX_FAILURES:
        wait = REAUTH_WINDOW_S - int((now - failures[-1]).total_seconds())
        raise codes.ThrottledError("reauth_locked", "too many wrong passwords", max(wait, 1)
                                   ).about("current_password")
    if verify_password(password or "", account.password_hash):
        return
    audit.record(session, "reauth_failed", person_id=account.person_id, account_id=account.id,
                 device=device, now=now)
    session.commit()  # the failure must count even though the caller rolls back
    raise ValidationError("current_password_wrong", "the current password is not right"
                          ).about("current_password")


def _notify(session: Session, account: Account, sms: SmsSender, key: str, purpose: str,
            to: str | None = None, **params: Any) -> None:
    sms.send(session, to or account.mobile, translate(key, account.language, **params), purpose)


def _personal_words(session: Session, account: Account) -> list[str]:
    person = session.get(Person, account.person_id)
    return [account.username, person.id_number, person.name_ar, person.name_en,
            *person.name_en.split(), *person.name_ar.split()]


# --- Password ------------------------------------------------------------------------------

def change_password(session: Session, account: Account, *, current: str, new: str,
                    confirm: str, end_other_sessions: bool, current_session_id: int | None,
                    now: datetime, sms: SmsSender, device: str = "") -> int:
    """Replace the password (slow: argon2id; call off the event loop).

    Returns:
        How many other sessions were ended (0 unless `end_other_sessions`).

    Raises:
        ValidationError / codes.ThrottledError: wrong current password, or a new password
            that breaks a rule (the same rules as at registration).
    """
    reauthenticate(session, account, current, now=now, device=device)
    check_password(new, confirm, personal=_personal_words(session, account))
    if verify_password(new, account.password_hash):
        raise ValidationError("password_unchanged", "the new password is the current one"
                              ).about("password")
    account.password_hash = hash_password(new)
    account.password_changed_at = now
    session.add(account)
    ended = 0
    if end_other_sessions:
        ended = _end_sessions(session, account.id, now=now, keep=current_session_id)
    audit.record(session, "password_changed", person_id=account.person_id,
                 account_id=account.id, device=device, detail=f"other sessions ended: {ended}",
                 now=now)
    _notify(session, account, sms, "sms.password_changed", "password_changed")
    return ended


def _end_sessions(session: Session, account_id: int, *, now: datetime,
                  keep: int | None = None) -> int:
    rows = session.exec(
        select(UserSession).where(UserSession.account_id == account_id,
                                  UserSession.ended_at.is_(None))  # type: ignore[union-attr]
    ).all()
    ended = 0
    for row in rows:
        if row.id != keep:
            row.ended_at = now
            session.add(row)
            ended += 1
    return ended


# --- Mobile --------------------------------------------------------------------------------

def start_mobile_change(session: Session, account: Account, *, password: str, new_mobile: str,
                        now: datetime, sms: SmsSender, device: str = "") -> codes.CodeSent:
    """Re-authenticate, then text a phone-change code to the NEW mobile.

    The number is not checked against the registry (the registry holds the number the person
    registered with; a new SIM is the reason to change it). Proving the code arrived proves the
    person holds the new number.
    """
    reauthenticate(session, account, password, now=now, device=device)
    mobile = normalize_mobile(new_mobile)
    if mobile == account.mobile:
        raise ValidationError("mobile_unchanged", "this is already your mobile").about("mobile")
    sent = codes.issue_code(session, person_id=account.person_id, mobile=mobile,
                            purpose="phone_change", now=now, sms=sms, lang=account.language)
    audit.record(session, "mobile_change_started", person_id=account.person_id,
                 account_id=account.id, device=device, detail=mask_mobile(mobile), now=now)
    return sent


def pending_mobile(session: Session, account: Account, *, now: datetime) -> str | None:
    """The new mobile waiting for its code (the newest live phone-change code), if any."""
    row = session.exec(
        select(OneTimeCode).where(OneTimeCode.person_id == account.person_id,
                                  OneTimeCode.purpose == "phone_change",
                                  OneTimeCode.used_at.is_(None),  # type: ignore[union-attr]
                                  OneTimeCode.expires_at > now)
        .order_by(col(OneTimeCode.id).desc()).limit(1)
    ).first()
    return row.mobile if row else None


def confirm_mobile_change(session: Session, account: Account, *, code: str, now: datetime,
                          sms: SmsSender, device: str = "") -> str:
    """Accept the code sent to the new mobile: the account's mobile becomes that number, and
    the OLD number is told. Returns the new mobile (E.164).

    Raises:
        ValidationError / codes.ThrottledError: no change waiting, or a wrong/expired code.
    """
    if pending_mobile(session, account, now=now) is None:
        raise ValidationError("mobile_change_none", "ask for a code to your new mobile first")
    codes.verify_code(session, person_id=account.person_id, purpose="phone_change", code=code,
                      now=now)
    # The code that just passed names the number it was sent to.
    used = session.exec(
        select(OneTimeCode).where(OneTimeCode.person_id == account.person_id,
                                  OneTimeCode.purpose == "phone_change",
                                  OneTimeCode.used_at == now)
        .order_by(col(OneTimeCode.id).desc()).limit(1)
    ).one()
    old, new = account.mobile, used.mobile
    account.mobile = new
    session.add(account)
    # Full numbers: the export uses them to tell which messages were the person's.
    audit.record(session, "mobile_changed", person_id=account.person_id, account_id=account.id,
                 device=device, detail=f"{old}>{new}", now=now)
    _notify(session, account, sms, "sms.mobile_changed", "mobile_changed", to=old,
            mobile=mask_mobile(new))
    return new


# --- Language ------------------------------------------------------------------------------

def set_language(session: Session, account: Account, lang: str, *, now: datetime) -> None:
    """Store the language the portal speaks to the person in (pages after sign-in, SMS)."""
    if lang not in LANGUAGES:
        raise ValidationError("language_unknown", "choose Arabic or English").about("language")
    if account.language != lang:
        account.language = lang
        session.add(account)
        audit.record(session, "language_changed", person_id=account.person_id,
                     account_id=account.id, detail=lang, now=now)


# --- Authenticator app and backup codes -------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class TotpEnrolment:
    """What the enrolment step shows: the secret for manual entry and the otpauth URI (QR)."""

    secret: str
    uri: str


def begin_totp_enrolment(session: Session, account: Account, *, password: str, now: datetime,
                         device: str = "") -> TotpEnrolment:
    """Re-authenticate and keep a new secret pending (totp_enabled stays False until a code
    from the app proves it was scanned). A second start replaces the pending secret."""
    if account.totp_enabled:
        raise ValidationError("totp_already_enabled", "an authenticator app is already set up")
    reauthenticate(session, account, password, now=now, device=device)
    secret = codes.new_totp_secret()
    account.totp_secret, account.totp_enabled, account.totp_last_step = secret, False, 0
    session.add(account)
    audit.record(session, "totp_enrolment_started", person_id=account.person_id,
                 account_id=account.id, device=device, now=now)
    return TotpEnrolment(secret=secret, uri=codes.totp_uri(secret, account.username))


def confirm_totp_enrolment(session: Session, account: Account, *, code: str, now: datetime,
                           sms: SmsSender, device: str = "") -> list[str]:
    """A current code from the app turns the authenticator on; returns the ten backup codes,
    which exist only in this return value (stored as digests)."""
    if account.totp_enabled:
        raise ValidationError("totp_already_enabled", "an authenticator app is already set up")
    if not account.totp_secret:
        raise ValidationError("totp_not_started", "start the set-up again")
    codes.verify_totp(session, account, code, now)
    account.totp_enabled = True
    session.add(account)
    backup = codes.new_backup_codes(session, account, now)
    audit.record(session, "totp_enabled", person_id=account.person_id, account_id=account.id,
                 device=device, now=now)
    _notify(session, account, sms, "sms.totp_enabled", "totp_changed")
    return backup


def regenerate_backup_codes(session: Session, account: Account, *, password: str,
                            now: datetime, device: str = "") -> list[str]:
    """Re-authenticate and replace every backup code with ten new ones (returned once)."""
    if not account.totp_enabled:
        raise ValidationError("totp_not_enabled", "set up an authenticator app first")
    reauthenticate(session, account, password, now=now, device=device)
    return codes.new_backup_codes(session, account, now)


def disable_totp(session: Session, account: Account, *, password: str, code: str,
                 now: datetime, sms: SmsSender, device: str = "") -> None:
    """Password plus a current app code (or, when the phone is lost, a backup code): back to
    SMS codes. The secret and the backup codes are deleted."""
    if not account.totp_enabled:
        raise ValidationError("totp_not_enabled", "set up an authenticator app first")
    reauthenticate(session, account, password, now=now, device=device)
    typed = (code or "").strip()
    if re.fullmatch(r"[0-9٠-٩۰-۹ ]{6,7}", typed):
        codes.verify_totp(session, account, typed, now)
    else:
        codes.verify_backup_code(session, account, typed, now)
    _remove_totp(session, account)
    audit.record(session, "totp_disabled", person_id=account.person_id, account_id=account.id,
                 device=device, now=now)
    _notify(session, account, sms, "sms.totp_disabled", "totp_changed")


def _remove_totp(session: Session, account: Account) -> None:
    account.totp_secret, account.totp_enabled, account.totp_last_step = None, False, 0
    session.add(account)
    for row in session.exec(select(BackupCode).where(BackupCode.account_id == account.id)).all():
        session.delete(row)


# --- Sign-in history and sessions -----------------------------------------------------------

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"),
             ("Firefox/", "Firefox"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))


def describe_device(user_agent: str) -> str:
    """'Chrome on Windows'-like words for a user agent (the raw string says little to people);
    empty when nothing was recorded."""
    if not user_agent:
        return ""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or user_agent[:40]


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    """One line of the sign-in history."""

    at: datetime
    kind: str
    device: str
    failed: bool


def sign_in_history(session: Session, account: Account,
                    limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The account's authentication events, newest first, at most `limit` (≤ 200).

    Code failures are recorded against the person (they may precede the account), so events of
    the person without an account id are included too.
    """
    limit = max(1, min(limit, 200))
    rows = session.exec(
        select(AuthEvent).where(
            AuthEvent.kind.in_(HISTORY_KINDS),  # type: ignore[attr-defined]
            or_(AuthEvent.account_id == account.id,
                (AuthEvent.person_id == account.person_id)
                & AuthEvent.account_id.is_(None)),  # type: ignore[union-attr]
        ).order_by(col(AuthEvent.created_at).desc(), col(AuthEvent.id).desc()).limit(limit)
    ).all()
    return [HistoryEntry(at=row.created_at, kind=row.kind, device=describe_device(row.device),
                         failed=row.kind in FAILED_KINDS) for row in rows]


@dataclasses.dataclass(frozen=True)
class SessionEntry:
    """A signed-in browser as the session list shows it."""

    started: datetime
    last_seen: datetime
    device: str
    current: bool


def active_sessions(session: Session, account: Account, *, now: datetime,
                    current_session_id: int | None) -> list[SessionEntry]:
    """The account's live sessions (not ended, not timed out), the current one first."""
    rows = session.exec(
        select(UserSession).where(UserSession.account_id == account.id,
                                  UserSession.ended_at.is_(None),  # type: ignore[union-attr]
                                  UserSession.expires_at > now,
                                  UserSession.last_seen_at > now - SESSION_IDLE)
        .order_by(col(UserSession.last_seen_at).desc()).limit(MAX_SESSIONS_SHOWN)
    ).all()
    entries = [SessionEntry(started=row.created_at, last_seen=row.last_seen_at,
                            device=describe_device(row.device),
                            current=row.id == current_session_id) for row in rows]
    return sorted(entries, key=lambda e: not e.current)


def sign_out_everywhere(session: Session, account: Account, *, now: datetime,
                        device: str = "") -> int:
    """End every session of the account, this one included; returns how many ended."""
    ended = end_all_sessions(session, account.id, now=now)
    audit.record(session, "signed_out_everywhere", person_id=account.person_id,
                 account_id=account.id, device=device, detail=f"sessions ended: {ended}",
                 now=now)
    return ended


def report_not_me(session: Session, account: Account, *, confirmed: bool, now: datetime,
                  sms: SmsSender, device: str = "") -> None:
    """Lock the account until a password reset ("this wasn't me"), end every session, and
    tell the person by SMS how to get back in."""
    if not confirmed:
        raise ValidationError("not_me_confirm_required",
                              "confirm that you want to lock the account").about("confirm")
    account.status = AccountStatus.LOCKED
    session.add(account)
    ended = end_all_sessions(session, account.id, now=now)
    audit.record(session, NOT_ME_LOCKED, person_id=account.person_id, account_id=account.id,
                 device=device, detail=f"sessions ended: {ended}", now=now)
    _notify(session, account, sms, "sms.not_me_locked", "account_locked")


# --- Close account ------------------------------------------------------------------------

def close_account(session: Session, account: Account, *, password: str, confirmed: bool,
                  now: datetime, sms: SmsSender, device: str = "") -> None:
    """Close the account for good: no sign-in, sessions ended, credentials deleted.

    The row stays (the audit trail and future records point at it) with status "closed"; the
    same ID may register again later, which reopens this row as a new, not yet activated
    account (see accounts.complete_registration).
    """
    reauthenticate(session, account, password, now=now, device=device)
    if not confirmed:
        raise ValidationError("close_confirm_required",
                              "confirm that you want to close the account").about("confirm")
    _notify(session, account, sms, "sms.account_closed", "account_closed")
    account.status = AccountStatus.CLOSED
    account.password_hash = ""  # no credential is kept for a closed account
    account.locked_until = None
    _remove_totp(session, account)
    ended = end_all_sessions(session, account.id, now=now)
    audit.record(session, "account_closed", person_id=account.person_id, account_id=account.id,
                 device=device, detail=f"sessions ended: {ended}", now=now)


# --- Download my data (PDPL) ------------------------------------------------------------------

ExportSection = Callable[[Session, Account], Any]
# Sections later features add (requests, delegations, messages ...): name -> builder. A builder
# returns JSON-ready data about `account`'s person and never a secret.
EXPORT_SECTIONS: dict[str, ExportSection] = {}


def register_export_section(name: str, builder: ExportSection) -> None:
    """Add a section to "download my data"; a name may be registered once."""
    if name in EXPORT_SECTIONS or name in _CORE_SECTIONS:
        raise ValueError(f"export section {name!r} is already registered")
    EXPORT_SECTIONS[name] = builder


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


_SIX_DIGITS = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")
CODE_MASK = "••••••"


def _registry_record(session: Session, account: Account) -> dict[str, Any]:
    person = session.get(Person, account.person_id)
    fields = ("id_number", "category", "name_ar", "name_en", "birth_date", "gender",
              "nationality", "mobile", "passport_number", "passport_expiry", "iqama_expiry",
              "visa_number", "visa_type", "visa_expiry", "entered_on", "sponsor_id",
              "relationship", "travel_ban", "absent_report", "updated_at")
    record = {name: _iso(getattr(person, name)) for name in fields}
    fines = traffic.fines_of(session, person)
    record["traffic_fines_sar"] = sum(f.amount_sar for f in fines if f.status == "unpaid")
    record["traffic_fines"] = [
        {"number": f.number, "date": f.issued_on.isoformat(), "violation": f.violation,
         "amount_sar": f.amount_sar, "status": f.status} for f in fines]
    return record


# The account's columns that are the person's data. Left out on purpose: password_hash,
# totp_secret and totp_last_step (credentials), and ids.
ACCOUNT_EXPORT_FIELDS = ("username", "email", "mobile", "country", "status", "language",
                         "activation_channel", "activated_at", "locked_until", "totp_enabled",
                         "created_at", "password_changed_at")


def _account_record(session: Session, account: Account) -> dict[str, Any]:
    record = {name: _iso(getattr(account, name)) for name in ACCOUNT_EXPORT_FIELDS}
    rows = session.exec(select(BackupCode).where(BackupCode.account_id == account.id)).all()
    record["backup_codes"] = {"total": len(rows),
                              "unused": sum(1 for row in rows if row.used_at is None)}
    return record


def _auth_events(session: Session, account: Account) -> list[dict[str, Any]]:
    rows = session.exec(
        select(AuthEvent).where(or_(AuthEvent.account_id == account.id,
                                    AuthEvent.person_id == account.person_id))
        .order_by(col(AuthEvent.created_at), col(AuthEvent.id))
    ).all()
    return [{"time": _iso(r.created_at), "kind": r.kind, "detail": r.detail,
             "device": r.device} for r in rows]


def _sessions(session: Session, account: Account) -> list[dict[str, Any]]:
    rows = session.exec(select(UserSession).where(UserSession.account_id == account.id)
                        .order_by(col(UserSession.created_at))).all()
    return [{"started": _iso(r.created_at), "last_seen": _iso(r.last_seen_at),
             "expires": _iso(r.expires_at), "ended": _iso(r.ended_at), "device": r.device}
            for r in rows]


def _verification_codes(session: Session, account: Account) -> list[dict[str, Any]]:
    rows = session.exec(select(OneTimeCode).where(OneTimeCode.person_id == account.person_id)
                        .order_by(col(OneTimeCode.created_at))).all()
    return [{"purpose": r.purpose, "sent_to": r.mobile, "sent": _iso(r.created_at),
             "expires": _iso(r.expires_at), "used": _iso(r.used_at)} for r in rows]


def mobile_periods(session: Session, account: Account
                   ) -> list[tuple[str, datetime | None, datetime | None]]:
    """(mobile, from, until) for each number the account has had, oldest first.

    Rebuilt from the "mobile_changed" audit rows; `None` means open-ended. A new number's period
    starts a code's lifetime before the change, so the code sent to it belongs to the person.
    """
    changes = session.exec(
        select(AuthEvent).where(AuthEvent.account_id == account.id,
                                AuthEvent.kind == "mobile_changed")
        .order_by(col(AuthEvent.created_at), col(AuthEvent.id))
    ).all()
    periods: list[tuple[str, datetime | None, datetime | None]] = []
    start: datetime | None = None
    for change in changes:
        old, _, new = change.detail.partition(">")
        periods.append((old, start, change.created_at + OLD_MOBILE_GRACE))
        start = change.created_at - codes.CODE_TTL
    periods.append((account.mobile, start, None))
    return periods


def _sms_messages(session: Session, account: Account) -> list[dict[str, Any]]:
    messages: dict[int, SmsMessage] = {}
    for mobile, start, until in mobile_periods(session, account):
        query = select(SmsMessage).where(SmsMessage.to == mobile)
        if start is not None:
            query = query.where(SmsMessage.created_at >= start)
        if until is not None:
            query = query.where(SmsMessage.created_at <= until)
        messages.update({m.id: m for m in session.exec(query).all()})
    out = []
    for m in sorted(messages.values(), key=lambda m: (m.created_at, m.id)):
        # One-time codes are credentials, even spent ones: masked.
        body = _SIX_DIGITS.sub(CODE_MASK, m.body) if m.purpose in codes.PURPOSES else m.body
        out.append({"time": _iso(m.created_at), "to": m.to, "purpose": m.purpose, "text": body})
    return out


_CORE_SECTIONS: dict[str, ExportSection] = {
    "registry_record": _registry_record,
    "account": _account_record,
    "authentication_events": _auth_events,
    "sessions": _sessions,
    "verification_codes_sent": _verification_codes,
    "sms_messages": _sms_messages,
}


def export_personal_data(session: Session, account: Account, *, now: datetime,
                         device: str = "") -> dict[str, Any]:
    """Everything the portal holds about the signed-in person, JSON-ready (PDPL right of access).

    The shape is stable: top-level metadata, then `sections`, one key per part of the portal
    (`register_export_section` adds more). No password hash, TOTP secret, code, token or digest
    is ever included; codes in SMS texts are masked.
    """
    sections = {name: build(session, account) for name, build in _CORE_SECTIONS.items()}
    for name, build in EXPORT_SECTIONS.items():
        sections[name] = build(session, account)
    audit.record(session, "data_exported", person_id=account.person_id, account_id=account.id,
                 device=device, now=now)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": now.isoformat(),
        "controller": translate("portal.ministry", "en"),
        "omitted": translate("account.export_omitted", "en"),
        "sections": sections,
    }


def export_filename(now: datetime) -> str:
    """absher-my-data-YYYY-MM-DD.json (the date in the Kingdom)."""
    return f"absher-my-data-{now.astimezone(RIYADH):%Y-%m-%d}.json"
