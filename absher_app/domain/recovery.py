"""Forgotten password: ID number + mobile -> SMS code -> a check question -> a new password.

Rules:

- Enumeration-safe. Details that match no account (unknown ID, another mobile, a closed
  account) get the same answer as a match and move on to the code step; no SMS leaves, and no
  code can ever be accepted there. Wrong codes, the resend cooldown and the 10-failure lock are
  imitated for such a request (`ResetProgress.decoy_*`) so that the steps that follow tell
  nothing either.
- The code is a "reset" code (`codes.issue_code` / `codes.verify_code`): one a minute, 10 in
  5 minutes, valid 10 minutes, once, and 10 wrong codes lock code entry for 10 minutes. A
  sign-in code is never accepted here, nor a reset code at sign-in.
- The check question (date of birth or passport number, from the civil registry) allows
  `MAX_CHECK_FAILURES` wrong answers per account in `CHECK_WINDOW`; each is an audit row.
- The new password follows `passwords.check_password`. The reset never signs anyone in: the
  next sign-in still asks for the SMS or authenticator code, and an enrolled authenticator
  stays enrolled. It clears the temporary lock, turns a "locked" account back to "active" (or
  to "registered" when it was never activated), can end every session of the account, records
  `password_reset` in the audit trail and texts the account holder.
- Registered (not yet activated) accounts can recover their password and stay "registered";
  closed accounts cannot.

What a wizard has proved so far is a `ResetProgress` that the page keeps server-side; the
password step also re-checks the proof in the database (the code used, the check answered,
no reset since).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hmac
import math
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, select

from absher_app.domain import accounts, audit, codes
from absher_app.domain.accounts import AccountStatus
from absher_app.domain.calendars import RIYADH
from absher_app.domain.errors import ValidationError
from absher_app.domain.identity import (
    mask_mobile,
    normalize_id_number,
    normalize_mobile,
    validate_id_number,
)
from absher_app.domain.passwords import check_password, hash_password
from absher_app.i18n import translate
from absher_app.models import Account, Person
from absher_app.providers.sms import SmsSender

# Account statuses that can recover a password ("locked" is what recovery is for).
RESETTABLE = (AccountStatus.ACTIVE, AccountStatus.LOCKED, AccountStatus.REGISTERED)


class CheckQuestion(StrEnum):
    """What the check question asks, from the civil registry (also the name of the field
    that holds the answer)."""

    BIRTH_DATE = "birth_date"
    PASSPORT = "passport"


QUESTIONS = tuple(CheckQuestion)
# After the code is accepted, the question and the new password must follow within this time.
PROOF_TTL = timedelta(minutes=15)
MAX_CHECK_FAILURES = 3
CHECK_WINDOW = timedelta(hours=24)


@dataclasses.dataclass
class ResetProgress:
    """How far one forgotten-password request has come. Kept server-side only.

    `account_id` is None when the ID number and mobile matched no account that may recover
    its password; the page must never show the difference.
    """

    masked_mobile: str
    started_at: datetime
    account_id: int | None = None
    person_id: int | None = None
    code_ok_at: datetime | None = None
    check_ok_at: datetime | None = None
    # Imitations of the code throttles for a request that matched nothing.
    decoy_sends: list[datetime] = dataclasses.field(default_factory=list)
    decoy_failures: list[datetime] = dataclasses.field(default_factory=list)

    @property
    def matched(self) -> bool:
        """Whether a real account stands behind this request (never shown to the user)."""
        return self.account_id is not None


def _expired() -> ValidationError:
    return ValidationError("reset_expired", "start the password recovery again")


def start_reset(session: Session, id_number: str, mobile: str, *, now: datetime,
                sms: SmsSender, lang: str = "ar") -> ResetProgress:
    """Check the form and, when it matches an account, text a reset code to its mobile.

    Raises:
        ValidationError: the ID number or the mobile is badly formed (this reveals nothing
            about accounts). A match and a non-match are otherwise answered alike.
    """
    number = validate_id_number(id_number)
    e164 = normalize_mobile(mobile)
    progress = ResetProgress(masked_mobile=mask_mobile(e164), started_at=now)
    found = session.exec(
        select(Account, Person).join(Person).where(Person.id_number == number)
    ).first()
    account, person = found if found else (None, None)
    if account is None or account.status not in RESETTABLE or account.mobile != e164:
        if person is not None:  # for the operators: someone tried this ID with other details
            audit.record(session, "reset_unmatched", person_id=person.id, now=now)
        progress.decoy_sends.append(now)
        return progress
    progress.account_id, progress.person_id = account.id, account.person_id
    audit.record(session, "reset_requested", person_id=account.person_id,
                 account_id=account.id, now=now)
    # A reset code sent moments ago still works; the answer must not differ.
    with contextlib.suppress(codes.ThrottledError):
        codes.issue_code(session, person_id=account.person_id, mobile=account.mobile,
                         purpose="reset", now=now, sms=sms, lang=lang)
    return progress


def _decoy_send_wait(progress: ResetProgress, now: datetime) -> int:
    """`codes.send_wait_seconds`, imitated for a request that matched nothing."""
    waits = [0]
    recent = [t for t in progress.decoy_sends
              if now - t < timedelta(seconds=codes.SEND_WINDOW_S)]
    if recent:
        waits.append(codes.RESEND_COOLDOWN_S - int((now - max(recent)).total_seconds()))
    if len(recent) >= codes.MAX_SENDS_PER_WINDOW:
        oldest = sorted(recent)[-codes.MAX_SENDS_PER_WINDOW]
        waits.append(codes.SEND_WINDOW_S - int((now - oldest).total_seconds()))
    return max(waits)


def send_wait_seconds(session: Session, progress: ResetProgress, now: datetime) -> int:
    """Seconds until another reset code may be asked for (the countdown on the page)."""
    if progress.matched:
        return codes.send_wait_seconds(session, progress.person_id, "reset", now)
    return _decoy_send_wait(progress, now)


def resend_code(session: Session, progress: ResetProgress, *, now: datetime, sms: SmsSender,
                lang: str = "ar") -> None:
    """Text a new reset code (the cooldown and the sending limit apply, or are imitated).

    Raises:
        ThrottledError: too soon, or too many codes.
        ValidationError: the account can no longer recover its password.
    """
    if not progress.matched:
        wait = _decoy_send_wait(progress, now)
        if wait > 0:
            raise codes.ThrottledError("code_send_wait", f"wait {wait} s", wait)
        progress.decoy_sends.append(now)
        return
    account = _resettable_account(session, progress)
    codes.issue_code(session, person_id=account.person_id, mobile=account.mobile,
                     purpose="reset", now=now, sms=sms, lang=lang)


def _decoy_lock_seconds(failures: list[datetime], now: datetime) -> int:
    """`codes.failure_lock_seconds`, imitated: the 10th wrong code within 10 minutes locks
    code entry for 10 minutes from that code."""
    times = sorted(failures)
    window = timedelta(seconds=codes.FAILURE_WINDOW_S)
    until: datetime | None = None
    for last in range(codes.MAX_FAILURES - 1, len(times)):
        if times[last] - times[last - codes.MAX_FAILURES + 1] < window:
            until = times[last] + codes.LOCK
    if until is None or until <= now:
        return 0
    return math.ceil((until - now).total_seconds())


def _typed_code(code: str) -> str | None:
    typed = normalize_id_number(code or "")
    return typed if len(typed) == 6 and typed.isascii() and typed.isdigit() else None


def verify_code(session: Session, progress: ResetProgress, code: str, *,
                now: datetime) -> None:
    """Accept the reset code texted for this request (once; 10 wrong codes lock entry).

    Raises:
        ThrottledError: code entry is locked.
        ValidationError: badly formed, wrong, used or expired code.
    """
    if not progress.matched:
        locked = _decoy_lock_seconds(progress.decoy_failures, now)
        if locked:
            raise codes.ThrottledError("code_locked", "too many wrong codes", locked
                                       ).about("code")
        if _typed_code(code) is None:
            raise ValidationError("code_format", "the code is 6 digits").about("code")
        progress.decoy_failures.append(now)
        locked = _decoy_lock_seconds(progress.decoy_failures, now)
        if locked:
            raise codes.ThrottledError("code_locked", "too many wrong codes", locked
                                       ).about("code")
        raise ValidationError("code_wrong", "the code is not right").about("code")
    _resettable_account(session, progress)
    codes.verify_code(session, person_id=progress.person_id, purpose="reset", code=code,
                      now=now)
    progress.code_ok_at = now


def _resettable_account(session: Session, progress: ResetProgress) -> Account:
    account = session.get(Account, progress.account_id) if progress.account_id else None
    if account is None or account.status not in RESETTABLE:
        raise _expired()
    return account


def _code_proof(session: Session, progress: ResetProgress, now: datetime) -> Account:
    """The account, once its reset code was accepted lately (checked in the database too)."""
    if not progress.matched or progress.code_ok_at is None:
        raise _expired()
    if now - progress.code_ok_at > PROOF_TTL:
        raise _expired()
    account = _resettable_account(session, progress)
    if not codes.code_verified_since(session, person_id=account.person_id, purpose="reset",
                                     since=progress.code_ok_at):
        raise _expired()
    # One proof, one reset.
    if audit.count_since(session, "password_reset", progress.code_ok_at, account_id=account.id):
        raise _expired()
    return account


def check_failures_left(session: Session, account_id: int, now: datetime) -> int:
    """Wrong answers still allowed before the check question locks (0 = locked)."""
    failures = audit.count_since(session, "reset_check_failed", now - CHECK_WINDOW,
                                 account_id=account_id)
    return max(0, MAX_CHECK_FAILURES - failures)


def _check_lock_hours(session: Session, account_id: int, now: datetime) -> int:
    times = audit.recent(session, "reset_check_failed", now - CHECK_WINDOW,
                         account_id=account_id, limit=MAX_CHECK_FAILURES)
    if len(times) < MAX_CHECK_FAILURES:
        return 0
    until = times[-1] + CHECK_WINDOW  # when the oldest of the last three leaves the window
    return max(1, math.ceil((until - now).total_seconds() / 3600))


def _birth_date(answer: str) -> date:
    parts = [normalize_id_number(p) for p in (answer or "").split("-")]
    try:
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
            raise ValueError(answer)
        year, month, day = (int(p) for p in parts)
        if year < 1900:
            raise ValueError(answer)
        return date(year, month, day)
    except ValueError:
        raise ValidationError("reset_birth_date_invalid", "enter a real date"
                              ).about(CheckQuestion.BIRTH_DATE) from None


def _passport(value: str | None) -> str:
    return "".join(normalize_id_number(value or "").upper().replace("-", "").split())


def check_answer(session: Session, progress: ResetProgress, question: str, answer: str, *,
                 now: datetime) -> None:
    """Check the answer to the check question against the civil registry.

    `question` is "birth_date" (answer "YYYY-MM-DD") or "passport" (the passport number).

    Raises:
        ValidationError: no code accepted yet or too long ago (reset_expired); badly formed
            answer (not counted); wrong answer (counted: reset_check_wrong, and
            reset_check_locked once the wrong answers are used up).
    """
    account = _code_proof(session, progress, now)
    hours = _check_lock_hours(session, account.id, now)
    if hours:
        raise ValidationError("reset_check_locked", "too many wrong answers", hours=hours)
    if question not in QUESTIONS:
        raise ValidationError("reset_question_unknown", "choose a question").about("question")
    person = session.get(Person, account.person_id)
    if question == CheckQuestion.BIRTH_DATE:
        right = _birth_date(answer) == person.birth_date
    else:
        typed = _passport(answer)
        if not typed:
            raise ValidationError("reset_passport_required", "enter the passport number"
                                  ).about(CheckQuestion.PASSPORT)
        on_record = _passport(person.passport_number)
        right = bool(on_record) and hmac.compare_digest(typed.encode(), on_record.encode())
    if not right:
        audit.record(session, "reset_check_failed", person_id=account.person_id,
                     account_id=account.id, detail=question, now=now)
        session.commit()  # the wrong answer must count even though we raise
        left = check_failures_left(session, account.id, now)
        if left == 0:
            raise ValidationError("reset_check_locked", "too many wrong answers",
                                  hours=_check_lock_hours(session, account.id, now))
        raise ValidationError("reset_check_wrong", "the answer does not match", left=left
                              ).about(question)
    audit.record(session, "reset_check_ok", person_id=account.person_id,
                 account_id=account.id, detail=question, now=now)
    progress.check_ok_at = now


def _personal_values(account: Account, person: Person) -> list[str]:
    return [person.id_number, account.username, person.name_ar, person.name_en,
            *person.name_en.split(), *person.name_ar.split()]


def complete_reset(session: Session, progress: ResetProgress, password: str, confirm: str, *,
                   end_sessions: bool, now: datetime, sms: SmsSender) -> Account:
    """Set the new password (slow: argon2id; call off the event loop).

    Does not sign in. Clears the temporary lock, unlocks a "locked" account, ends every
    session of the account when `end_sessions`, records `password_reset` and texts the
    account holder in the account's language.

    Raises:
        ValidationError: the code or the check question not done (lately), the account can
            no longer recover its password (reset_expired), or a password rule.
    """
    account = _code_proof(session, progress, now)
    if progress.check_ok_at is None or progress.check_ok_at < progress.code_ok_at:
        raise _expired()
    if not audit.count_since(session, "reset_check_ok", progress.code_ok_at,
                             account_id=account.id):
        raise _expired()
    person = session.get(Person, account.person_id)
    check_password(password, confirm, personal=_personal_values(account, person))
    account.password_hash = hash_password(password)
    account.password_changed_at = now
    account.locked_until = None
    if account.status == AccountStatus.LOCKED:
        account.status = (AccountStatus.ACTIVE if account.activated_at
                          else AccountStatus.REGISTERED)
    session.add(account)
    ended = accounts.end_all_sessions(session, account.id, now=now) if end_sessions else 0
    audit.record(session, "password_reset", person_id=account.person_id,
                 account_id=account.id, detail=f"sessions ended: {ended}", now=now)
    sms.send(session, account.mobile, reset_notice(account.language, now), "password_reset")
    return account


def reset_notice(lang: str, when: datetime) -> str:
    """The SMS that tells the account holder their password was changed."""
    local = when.astimezone(RIYADH)
    return translate("sms.password_reset", lang, date=local.strftime("%Y-%m-%d"),
                     time=local.strftime("%H:%M"))

