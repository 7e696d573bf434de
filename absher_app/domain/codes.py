"""One-time codes by SMS, authenticator (TOTP) codes and backup codes.

Rules (NIST 800-63B §5.1.3/5.2.2, login.gov): a 6-digit code from `secrets`, valid 10 minutes,
once, and only for the purpose it was issued for; a new code of a purpose ends the person's
earlier ones of that purpose (only the latest SMS works); at most 10 sends in 5 minutes and one
a minute; 10 wrong codes lock code entry for 10 minutes, and a new code does not reset that
count.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime, timedelta

import pyotp
from sqlmodel import Session, col, select

from absher_app.domain import audit
from absher_app.domain.errors import DomainError, ValidationError, whole_minutes
from absher_app.domain.identity import mask_mobile, normalize_id_number
from absher_app.domain.secrets import digest, numeric_code, same_digest, typed_code
from absher_app.i18n import translate
from absher_app.models import Account, BackupCode, OneTimeCode
from absher_app.providers.sms import SmsSender

PURPOSES = ("registration", "sign_in", "reset", "phone_change", "confirm")
CODE_TTL = timedelta(minutes=10)
SEND_WINDOW_S = 300
MAX_SENDS_PER_WINDOW = 10
RESEND_COOLDOWN_S = 60
FAILURE_WINDOW_S = 600
MAX_FAILURES = 10
LOCK = timedelta(minutes=10)
BACKUP_CODE_COUNT = 10
TOTP_STEP_S = 30


class ThrottledError(DomainError):
    """Too many attempts; `retry_after` seconds until the next one is allowed."""

    def __init__(self, code: str, message: str, retry_after: int) -> None:
        super().__init__(code, message, seconds=retry_after, minutes=whole_minutes(retry_after))
        self.retry_after = retry_after


@dataclasses.dataclass(frozen=True)
class CodeSent:
    """Where and until when the code works, and when another may be asked for."""

    masked_mobile: str
    expires_at: datetime
    resend_at: datetime


def _typed_digits(code: str | None) -> str | None:
    """The 6 digits the person typed (spaces dropped, Arabic-Indic digits made ASCII), or None.

    Arabic keyboards type ١٢٣٤٥٦; those must work, and must never reach `same_digest`, which
    refuses non-ASCII strings with a TypeError.
    """
    typed = normalize_id_number(code or "")
    if len(typed) == 6 and typed.isascii() and typed.isdigit():
        return typed
    return None


def _code_digest(person_id: int, purpose: str, code: str) -> str:
    # Bound to the person and the purpose: a sign-in code can never pass as a reset code.
    return digest(f"otp:{person_id}:{purpose}:{code}")


def send_wait_seconds(session: Session, person_id: int, purpose: str, now: datetime) -> int:
    """Seconds until another `purpose` code may be sent to this person (0 = now).

    The one-minute cooldown is per purpose (a sign-in right after registering is fine) and
    only while the last code of that purpose is unused: once it was accepted, signing out and
    in again must not mean a minute's wait. The limit of 10 sends in 5 minutes counts every
    purpose and every code.
    """
    sends = audit.recent(session, "code_sent", audit.window(now, SEND_WINDOW_S),
                         person_id=person_id, limit=MAX_SENDS_PER_WINDOW)
    same_purpose = audit.recent(session, "code_sent", audit.window(now, RESEND_COOLDOWN_S),
                                person_id=person_id, detail=purpose, limit=1)
    waits = [0]
    if same_purpose and not _last_code_used(session, person_id, purpose):
        waits.append(RESEND_COOLDOWN_S - int((now - same_purpose[0]).total_seconds()))
    if len(sends) >= MAX_SENDS_PER_WINDOW:
        waits.append(SEND_WINDOW_S - int((now - sends[-1]).total_seconds()))
    return max(waits)


def _last_code_used(session: Session, person_id: int, purpose: str) -> bool:
    used = session.exec(
        select(OneTimeCode.used_at).where(OneTimeCode.person_id == person_id,
                                          OneTimeCode.purpose == purpose)
        .order_by(col(OneTimeCode.id).desc()).limit(1)
    ).first()
    return used is not None


def issue_code(session: Session, *, person_id: int, mobile: str, purpose: str, now: datetime,
               sms: SmsSender, lang: str = "ar") -> CodeSent:
    """Create a code for `purpose` and text it to `mobile` (E.164).

    Raises:
        ThrottledError: within the resend cooldown or over the sending limit.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown code purpose {purpose!r}")
    wait = send_wait_seconds(session, person_id, purpose, now)
    if wait > 0:
        raise ThrottledError("code_send_wait", f"wait {wait} s before asking for a new code", wait)
    # A resend ends the earlier codes of this purpose: only the latest SMS works, so a code
    # read off someone's lock screen is worth nothing once they asked for another.
    for earlier in session.exec(
        select(OneTimeCode).where(OneTimeCode.person_id == person_id,
                                  OneTimeCode.purpose == purpose,
                                  col(OneTimeCode.used_at).is_(None),
                                  OneTimeCode.expires_at > now)
    ).all():
        earlier.expires_at = now
        session.add(earlier)
    code = numeric_code(6)
    session.add(OneTimeCode(person_id=person_id, purpose=purpose, mobile=mobile,
                            code_digest=_code_digest(person_id, purpose, code),
                            created_at=now, expires_at=now + CODE_TTL))
    audit.record(session, "code_sent", person_id=person_id, detail=purpose, now=now)
    sms.send(session, mobile, translate(f"sms.code.{purpose}", lang, code=code), purpose)
    return CodeSent(masked_mobile=mask_mobile(mobile), expires_at=now + CODE_TTL,
                    resend_at=now + timedelta(seconds=RESEND_COOLDOWN_S))


def failure_lock_seconds(session: Session, person_id: int, now: datetime) -> int:
    """Seconds for which code entry stays locked after 10 wrong codes (0 = not locked).

    The 10th wrong code within 10 minutes locks entry for 10 minutes from that code. (Counting
    only the failures of the last 10 minutes would end the lock 10 minutes after the *first* of
    the ten, possibly at once, while `retry_after` promised 10 minutes.) Wrong codes are not
    recorded while locked, so trying again does not extend the lock.
    """
    window = timedelta(seconds=FAILURE_WINDOW_S)
    return lock_seconds_after(audit.recent(session, "code_failed", now - LOCK - window,
                                           person_id=person_id, limit=100), now)


def lock_seconds_after(failure_times: list[datetime], now: datetime) -> int:
    """Seconds code entry stays locked given the times of recent wrong codes (0 = not locked):
    the rule of `failure_lock_seconds`, for any audit table (staff count theirs apart)."""
    window = timedelta(seconds=FAILURE_WINDOW_S)
    times = sorted(failure_times)
    until: datetime | None = None
    for last in range(MAX_FAILURES - 1, len(times)):
        if times[last] - times[last - MAX_FAILURES + 1] < window:
            until = times[last] + LOCK
    if until is None or until <= now:
        return 0
    return math.ceil((until - now).total_seconds())


def _fail(session: Session, person_id: int, now: datetime, code: str, message: str) -> None:
    """Count a wrong code, commit the count (the caller's rollback must not undo it), raise."""
    audit.record(session, "code_failed", person_id=person_id, now=now)
    session.commit()
    locked = failure_lock_seconds(session, person_id, now)
    if locked:
        raise ThrottledError("code_locked", "too many wrong codes", locked).about("code")
    raise ValidationError(code, message).about("code")


def _check_not_locked(session: Session, person_id: int, now: datetime) -> None:
    locked = failure_lock_seconds(session, person_id, now)
    if locked:
        raise ThrottledError("code_locked", "too many wrong codes", locked).about("code")


def verify_code(session: Session, *, person_id: int, purpose: str, code: str,
                now: datetime) -> None:
    """Accept `code` once if it is the person's live code for `purpose`.

    Raises:
        ThrottledError: code entry is locked.
        ValidationError: wrong, expired or already used code (counted as a failure).
    """
    _check_not_locked(session, person_id, now)
    typed = _typed_digits(code)
    if typed is None:
        raise ValidationError("code_format", "the code is 6 digits").about("code")
    wanted = _code_digest(person_id, purpose, typed)
    candidates = session.exec(
        select(OneTimeCode).where(OneTimeCode.person_id == person_id,
                                  OneTimeCode.purpose == purpose)
        .order_by(col(OneTimeCode.id).desc()).limit(MAX_SENDS_PER_WINDOW)
    ).all()
    match = next((c for c in candidates if same_digest(c.code_digest, wanted)), None)
    if match is None:
        _fail(session, person_id, now, "code_wrong", "the code is not right")
        return
    if match.used_at is not None:
        _fail(session, person_id, now, "code_used", "this code was already used")
        return
    if match.expires_at <= now:
        _fail(session, person_id, now, "code_expired", "this code has expired")
        return
    match.used_at = now
    session.add(match)
    audit.record(session, "code_ok", person_id=person_id, detail=purpose, now=now)


def code_verified_since(session: Session, *, person_id: int, purpose: str,
                        since: datetime) -> bool:
    """True when a code for `purpose` was accepted for this person at or after `since`."""
    row = session.exec(
        select(OneTimeCode.id).where(
            OneTimeCode.person_id == person_id, OneTimeCode.purpose == purpose,
            OneTimeCode.used_at.is_not(None), OneTimeCode.used_at >= since,  # type: ignore[union-attr]
        ).limit(1)
    ).first()
    return row is not None


# --- Authenticator app (TOTP, RFC 6238) -------------------------------------------------------

def new_totp_secret() -> str:
    """A fresh base32 secret for enrolment."""
    return pyotp.random_base32()


def totp_uri(secret: str, account_name: str) -> str:
    """The otpauth:// URI that the enrolment QR code carries."""
    return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name="Absher Passports")


def totp_matches(secret: str, code: str, now: datetime, after_step: int) -> int | None:
    """The time step that `code` belongs to (±1 step of now, later than `after_step`), or None.

    Each step is accepted once: the caller stores the returned step as the account's last.
    """
    if not (code.isascii() and code.isdigit()):
        return None  # also keeps non-ASCII text away from compare_digest (TypeError)
    totp = pyotp.TOTP(secret, interval=TOTP_STEP_S)
    current = int(now.timestamp()) // TOTP_STEP_S
    for step in (current - 1, current, current + 1):
        if step > after_step and same_digest(totp.at(step * TOTP_STEP_S), code):
            return step
    return None


def verify_totp(session: Session, account: Account, code: str, now: datetime) -> None:
    """Accept an authenticator code for the account, once.

    Raises:
        ThrottledError: code entry is locked.
        ValidationError: wrong or replayed code (counted as a failure); not 6 digits (not
            counted).
    """
    _check_not_locked(session, account.person_id, now)
    if not account.totp_secret:
        raise ValidationError("totp_not_enrolled", "no authenticator app is enrolled"
                              ).about("code")
    typed = _typed_digits(code)
    if typed is None:
        raise ValidationError("code_format", "the code is 6 digits").about("code")
    step = totp_matches(account.totp_secret, typed, now, account.totp_last_step)
    if step is None:
        _fail(session, account.person_id, now, "code_wrong", "the code is not right")
        return
    account.totp_last_step = step
    session.add(account)
    audit.record(session, "totp_ok", person_id=account.person_id, account_id=account.id, now=now)


# --- Backup codes ---------------------------------------------------------------------------

def _backup_digest(account_id: int, code: str) -> str:
    return digest(f"backup:{account_id}:{code}")


def normalize_backup_code(code: str) -> str:
    """Upper case, without spaces or dashes."""
    return (code or "").upper().replace("-", "").replace(" ", "")


def new_backup_codes(session: Session, account: Account, now: datetime) -> list[str]:
    """Replace the account's backup codes with ten new ones; returns them once, to show."""
    for old in session.exec(select(BackupCode).where(BackupCode.account_id == account.id)).all():
        session.delete(old)
    codes = [typed_code(10) for _ in range(BACKUP_CODE_COUNT)]
    for code in codes:
        session.add(BackupCode(account_id=account.id, code_digest=_backup_digest(account.id, code)))
    audit.record(session, "backup_codes_created", person_id=account.person_id,
                 account_id=account.id, now=now)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def verify_backup_code(session: Session, account: Account, code: str, now: datetime) -> None:
    """Accept one unused backup code, once.

    Raises:
        ThrottledError: code entry is locked.
        ValidationError: wrong or used code (counted as a failure).
    """
    _check_not_locked(session, account.person_id, now)
    wanted = _backup_digest(account.id, normalize_backup_code(code))
    row = session.exec(
        select(BackupCode).where(BackupCode.account_id == account.id,
                                 BackupCode.code_digest == wanted)
    ).first()
    if row is None or row.used_at is not None:
        _fail(session, account.person_id, now, "backup_code_wrong",
              "this backup code is not right or was already used")
        return
    row.used_at = now
    session.add(row)
    audit.record(session, "backup_code_used", person_id=account.person_id,
                 account_id=account.id, now=now)


def unused_backup_codes(session: Session, account_id: int) -> int:
    """How many backup codes are left."""
    return len(session.exec(
        select(BackupCode.id).where(BackupCode.account_id == account_id,
                                    BackupCode.used_at.is_(None))  # type: ignore[union-attr]
    ).all())
