"""Registration, activation, sign-in and sessions.

Registration is checked against the civil registry: the number must exist in the chosen
category and the mobile must be the one on record. Both failures get one answer
(`registry_no_match`), so that the form cannot be used to learn who is in the registry or
which mobile a person has; `start_registration` also counts them per client address. The
account is then *registered*; it can do nothing until a bank, a kiosk or an office activates it.

Sign-in never tells a known login from an unknown one: an unknown (or closed) login is answered
after the same work, and its wrong passwords lock it exactly as a real account's would (a decoy
lock, counted in the audit trail under a keyed digest of the login, never the login itself).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, func, select

from absher_app.domain import audit, codes, sessions
from absher_app.domain.errors import DomainError, ValidationError, whole_minutes
from absher_app.domain.identity import (
    CATEGORIES,
    normalize_id_number,
    normalize_mobile,
    validate_id_number,
)
from absher_app.domain.passwords import (
    burn_verify_time,
    check_password,
    hash_password,
    verify_password,
)
from absher_app.domain.secrets import digest
from absher_app.domain.throttle import counting_failures
from absher_app.i18n import translate
from absher_app.models import Account, Person, SignInTicket, UserSession
from absher_app.providers.rate_limit import RateLimiter
from absher_app.providers.sms import SmsSender


class AccountStatus(StrEnum):
    """Where an account is in its life (the stored value of `Account.status`)."""

    # Registered with the SMS code; does nothing until a bank, kiosk or office activates it.
    REGISTERED = "registered"
    ACTIVE = sessions.ACTIVE_STATUS  # the one status whose sessions work
    # 100 wrong passwords in a row, or the person's own "this wasn't me": until a reset.
    LOCKED = "locked"
    # Closed by the person: no credentials kept; the same ID may register again.
    CLOSED = "closed"


class ActivationChannel(StrEnum):
    """Who checked the person and activated the account (`Account.activation_channel`)."""

    BANK = "bank"
    KIOSK = "kiosk"
    OFFICE = "office"


ACTIVATION_CHANNELS = tuple(ActivationChannel)
USERNAME_RE = re.compile(r"[a-z][a-z0-9._]{3,31}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
REGISTRATION_CODE_VALID = timedelta(minutes=30)
PASSWORD_WINDOW_S = 60
PASSWORD_FAILURES_PER_WINDOW = 5
FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(minutes=10)
MAX_CONSECUTIVE_FAILURES = 100
SESSION_IDLE = sessions.SESSION_IDLE
SESSION_MAX = sessions.SESSION_MAX
TICKET_TTL = sessions.TICKET_TTL
# Audit kind of the lock the person asks for from the account page ("this wasn't me").
NOT_ME_LOCKED = "not_me_locked"
# Audit kinds of the decoy lock of a login that names no account (detail: the login's key).
UNKNOWN_LOGIN_FAILED = "unknown_login_failed"
UNKNOWN_LOGIN_LOCKED = "unknown_login_locked"
# What counts against a client address's limit of registration attempts: details that match
# nobody in the registry, and an ID that already has an account.
REGISTRATION_FAILURES = ("registry_no_match", "id_has_account")


class AuthError(DomainError):
    """Sign-in refused; the message never says whether the account exists."""


class LockedError(DomainError):
    """The account is locked until `until` (or until a password reset when `until` is None)."""

    def __init__(self, code: str, message: str, until: datetime | None,
                 now: datetime | None = None) -> None:
        minutes = whole_minutes((until - now).total_seconds()) if until and now else 0
        super().__init__(code, message, minutes=minutes)
        self.until = until


@dataclasses.dataclass(frozen=True)
class RegistrationDetails:
    """What the registration form collects."""

    category: str
    id_number: str
    mobile: str
    username: str
    email: str
    country: str | None = None
    accepted_terms: bool = False


def _person_names(person: Person) -> list[str]:
    return [person.id_number, person.name_ar, person.name_en, *person.name_en.split(),
            *person.name_ar.split()]


def check_registration(session: Session, details: RegistrationDetails) -> Person:
    """Validate the form and match it against the civil registry; return the person.

    Raises:
        ValidationError: the first problem, in a message that reveals nobody else's data.
    """
    if details.category not in CATEGORIES:
        raise ValidationError("category_unknown", "choose a category").about("category")
    id_number = validate_id_number(details.id_number, details.category)
    mobile = normalize_mobile(details.mobile)
    username = details.username.strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise ValidationError("username_invalid", "4-32 letters, digits, dot or underscore"
                              ).about("username")
    if username.isdigit() or re.fullmatch(r"[0-9]{10}", username):
        raise ValidationError("username_invalid", "the username may not be a number"
                              ).about("username")
    if not EMAIL_RE.fullmatch(details.email.strip()) or len(details.email) > 254:
        raise ValidationError("email_invalid", "enter a valid email address").about("email")
    if details.category in ("gcc", "visitor") and not (
        details.country and re.fullmatch(r"[A-Z]{2}", details.country)
    ):
        raise ValidationError("country_required", "choose your country").about("country")
    if not details.accepted_terms:
        raise ValidationError("terms_required", "accept the terms and conditions"
                              ).about("terms")
    person = session.exec(select(Person).where(Person.id_number == id_number)).first()
    # One answer for "no such person" and "not their mobile": telling them apart would let
    # anyone learn who is in the civil registry and probe for their mobile.
    if person is None or person.category != details.category or person.mobile != mobile:
        raise ValidationError("registry_no_match",
                              "the ID number and mobile do not match the civil registry"
                              ).about("id_number")
    existing = _account_of_person(session, person.id)
    # A closed account does not hold the ID: its person may register again (see
    # complete_registration). Any other status does.
    if existing is not None and existing.status != AccountStatus.CLOSED:
        raise ValidationError("id_has_account", "this ID already has an account"
                              ).about("id_number")
    taken = select(Account.id).where(Account.username == username)
    if existing is not None:
        taken = taken.where(Account.id != existing.id)  # the person's own old username is free
    if session.exec(taken).first():
        raise ValidationError("username_taken", "this username is taken").about("username")
    return person


def _account_of_person(session: Session, person_id: int) -> Account | None:
    return session.exec(select(Account).where(Account.person_id == person_id)).first()


def start_registration(session: Session, details: RegistrationDetails, *, now: datetime,
                       sms: SmsSender, lang: str, client: str, limiter: RateLimiter,
                       limit: str) -> tuple[Person, codes.CodeSent]:
    """Check the details and text a registration code to the mobile on record.

    `client` is the caller's address; past `limit` (e.g. "10/hour") of details that match no
    one (or an ID that already has an account) from that address, registration from it waits.

    Raises:
        ValidationError: the first problem with the details (see check_registration).
        DomainError: "too_many_failures" (with `seconds`) past the limit.
        ThrottledError: a code was sent moments ago.
    """
    with counting_failures(limiter, limit, "registration", client, REGISTRATION_FAILURES,
                           refusal="registration_too_many"):
        person = check_registration(session, details)
    sent = codes.issue_code(session, person_id=person.id, mobile=person.mobile,
                            purpose="registration", now=now, sms=sms, lang=lang)
    return person, sent


def complete_registration(session: Session, details: RegistrationDetails, *, password: str,
                          confirm: str, now: datetime, lang: str) -> Account:
    """Create the registered (not yet activated) account.

    Requires a registration code accepted in the last 30 minutes for this person.
    """
    person = check_registration(session, details)
    if not codes.code_verified_since(session, person_id=person.id, purpose="registration",
                                     since=now - REGISTRATION_CODE_VALID):
        raise ValidationError("code_required", "confirm your mobile with the code first")
    username = details.username.strip().lower()
    check_password(password, confirm, personal=[username, *_person_names(person)])
    # Only GCC nationals and visitors choose a country; a value left over from another
    # category (or sent by a client) is not stored.
    country = details.country if details.category in ("gcc", "visitor") else None
    values = dict(username=username, email=details.email.strip(), mobile=person.mobile,
                  country=country, password_hash=hash_password(password),
                  status=AccountStatus.REGISTERED,
                  language=lang if lang in ("ar", "en") else "ar", activation_channel=None,
                  activated_at=None, locked_until=None, totp_secret=None, totp_enabled=False,
                  totp_last_step=0, created_at=now, password_changed_at=now)
    # One account row per person (person_id is unique): a closed account is reopened as a new,
    # not yet activated one; its audit trail stays attached to the row.
    account = _account_of_person(session, person.id)
    reopened = account is not None
    if account is None:
        account = Account(person_id=person.id, **values)
    else:
        for name, value in values.items():
            setattr(account, name, value)
    session.add(account)
    session.flush()
    audit.record(session, "registered", person_id=person.id, account_id=account.id,
                 detail="reopened" if reopened else "", now=now)
    return account


def activate_account(session: Session, id_number: str, channel: str, *, now: datetime,
                     sms: SmsSender | None = None) -> Account:
    """Activate a registered account as `channel` would, after checking the person there."""
    if channel not in ACTIVATION_CHANNELS:
        raise ValidationError("channel_unknown", "channel must be bank, kiosk or office")
    number = validate_id_number(id_number)
    account = session.exec(
        select(Account).join(Person).where(Person.id_number == number)
    ).first()
    if account is None:
        raise ValidationError("activation_no_account", "no registered account for this ID"
                              ).about("id_number")
    if account.status != AccountStatus.REGISTERED:
        raise ValidationError("activation_not_pending", "this account is already activated"
                              ).about("id_number")
    account.status = AccountStatus.ACTIVE
    account.activation_channel = channel
    account.activated_at = now
    session.add(account)
    audit.record(session, "activated", person_id=account.person_id, account_id=account.id,
                 detail=channel, now=now)
    if sms is not None:
        sms.send(session, account.mobile,
                 translate("sms.activated", account.language, channel=translate(
                     f"activation.channel.{channel}", account.language)), "activation")
    return account


def find_account(session: Session, login: str) -> Account | None:
    """The account whose username or identity number is `login` (ASCII, Arabic-Indic or
    Persian digits)."""
    login = normalize_login(login)
    if re.fullmatch(r"[0-9]{10}", login):
        return session.exec(
            select(Account).join(Person).where(Person.id_number == login)
        ).first()
    return session.exec(select(Account).where(Account.username == login)).first()


def lock_after_failure(*, failures_in_window: int, consecutive_failures: int,
                       locks_since_success: int) -> tuple[bool, timedelta | None]:
    """After a wrong password: (locked until a password reset, length of a temporary lock).

    Every 5th failure within a minute locks for 1, 2, 4, 8, then 10 minutes (each lock since
    the last good sign-in doubles the next); 100 failures in a row lock until a reset. Shared
    by citizens' and staff accounts, which count their failures in their own audit tables.
    """
    if consecutive_failures >= MAX_CONSECUTIVE_FAILURES:
        return True, None
    if (failures_in_window >= PASSWORD_FAILURES_PER_WINDOW
            and failures_in_window % PASSWORD_FAILURES_PER_WINDOW == 0):
        return False, min(FIRST_LOCK * (2 ** locks_since_success), MAX_LOCK)
    return False, None


def _locks_since_ok(session: Session, account: Account) -> int:
    last_ok = audit.last_time(session, "login_ok", account_id=account.id) or audit.BEGINNING
    return audit.count_since(session, "account_locked", last_ok, account_id=account.id)


def _consecutive_failures(session: Session, account: Account) -> int:
    last_ok = audit.last_time(session, "login_ok", account_id=account.id) or audit.BEGINNING
    since_reset = audit.last_time(session, "password_reset", account_id=account.id)
    start = max(last_ok, since_reset) if since_reset else last_ok
    return audit.count_since(session, "login_failed", start, account_id=account.id)


def authenticate(session: Session, login: str, password: str, *, now: datetime,
                 device: str = "") -> Account:
    """Check the password; return the account (which may still await activation).

    Unknown login and wrong password raise the same AuthError after the same work.

    Raises:
        AuthError: bad credentials.
        LockedError: temporarily locked, or locked until a password reset.
    """
    account = find_account(session, login)
    if account is None or account.status == "closed":
        burn_verify_time(password or "")
        _refuse_unknown_login(session, login, now=now, device=device)
    if account.status == "locked":
        burn_verify_time(password or "")
        if _locked_by_report(session, account):
            raise LockedError("account_locked_reported", "you reported activity that was not you",
                              None)
        raise LockedError("account_locked_reset", "reset your password to unlock", None)
    if account.locked_until and account.locked_until > now:
        burn_verify_time(password or "")
        raise LockedError("account_locked", "too many wrong passwords", account.locked_until,
                              now)
    if not verify_password(password or "", account.password_hash):
        audit.record(session, "login_failed", person_id=account.person_id,
                     account_id=account.id, device=device, now=now)
        session.flush()
        failures = audit.count_since(session, "login_failed",
                                     audit.window(now, PASSWORD_WINDOW_S), account_id=account.id)
        until_reset, lock = lock_after_failure(
            failures_in_window=failures,
            consecutive_failures=_consecutive_failures(session, account),
            locks_since_success=_locks_since_ok(session, account))
        if until_reset:
            account.status = "locked"
            audit.record(session, "account_locked", person_id=account.person_id,
                         account_id=account.id, detail="until reset", now=now)
        elif lock is not None:
            account.locked_until = now + lock
            audit.record(session, "account_locked", person_id=account.person_id,
                         account_id=account.id, now=now)
        session.add(account)
        session.commit()  # the failure must count even though we raise
        if account.status == "locked":
            raise LockedError("account_locked_reset", "reset your password to unlock", None)
        if account.locked_until and account.locked_until > now:
            raise LockedError("account_locked", "too many wrong passwords", account.locked_until,
                              now)
        raise AuthError("bad_credentials", "the ID/username or password is not right"
                        ).about("login")
    audit.record(session, "password_ok", person_id=account.person_id, account_id=account.id,
                 device=device, now=now)
    return account


def normalize_login(login: str) -> str:
    """A login as `find_account` reads it: an ID number in ASCII digits, a username in lower
    case."""
    login = (login or "").strip()
    if re.fullmatch(r"[0-9٠-٩۰-۹]{10}", login):
        return normalize_id_number(login)
    return login.lower()


def login_key(login: str) -> str:
    """A keyed digest standing for a login in counters and the audit trail (never the login
    itself: a mistyped password is sometimes typed into the login field)."""
    return digest(f"login:{normalize_login(login)[:254]}")


def _decoy_lock(session: Session, key: str, now: datetime) -> LockedError | None:
    """The lock an account would be under after the failures recorded for `key`, if any."""
    if audit.count_since(session, UNKNOWN_LOGIN_FAILED, audit.BEGINNING,
                         detail=key) >= MAX_CONSECUTIVE_FAILURES:
        return LockedError("account_locked_reset", "reset your password to unlock", None)
    locks = audit.count_since(session, UNKNOWN_LOGIN_LOCKED, audit.BEGINNING, detail=key)
    if not locks:
        return None
    started = audit.recent(session, UNKNOWN_LOGIN_LOCKED, audit.BEGINNING, detail=key,
                           limit=1)[0]
    # The nth lock lasts what lock_after_failure gives after n-1 earlier locks.
    until = started + min(FIRST_LOCK * (2 ** (locks - 1)), MAX_LOCK)
    if until > now:
        return LockedError("account_locked", "too many wrong passwords", until, now)
    return None


def _refuse_unknown_login(session: Session, login: str, *, now: datetime,
                          device: str) -> None:
    """Answer a login that names no account as a real account with a wrong password would be
    answered, its lock included (the password recovery imitates its throttles the same way).

    Raises:
        LockedError: the decoy lock, temporary or "until a reset".
        AuthError: bad credentials, every other time.
    """
    key = login_key(login)
    locked = _decoy_lock(session, key, now)
    if locked is not None:
        raise locked
    audit.record(session, UNKNOWN_LOGIN_FAILED, detail=key, device=device, now=now)
    session.flush()
    consecutive = audit.count_since(session, UNKNOWN_LOGIN_FAILED, audit.BEGINNING, detail=key)
    until_reset, lock = lock_after_failure(
        failures_in_window=audit.count_since(session, UNKNOWN_LOGIN_FAILED,
                                             audit.window(now, PASSWORD_WINDOW_S), detail=key),
        consecutive_failures=consecutive,
        locks_since_success=audit.count_since(session, UNKNOWN_LOGIN_LOCKED, audit.BEGINNING,
                                              detail=key))
    if lock is not None and not until_reset:
        audit.record(session, UNKNOWN_LOGIN_LOCKED, detail=key, now=now)
    session.commit()  # the failure must count even though we raise, as for an account
    if until_reset:
        raise LockedError("account_locked_reset", "reset your password to unlock", None)
    if lock is not None:
        raise LockedError("account_locked", "too many wrong passwords", now + lock, now)
    raise AuthError("bad_credentials", "the ID/username or password is not right"
                    ).about("login")


def _locked_by_report(session: Session, account: Account) -> bool:
    """True when the person's own "this wasn't me" (not 100 wrong passwords) locked it last."""
    reported = audit.last_time(session, NOT_ME_LOCKED, account_id=account.id)
    if reported is None:
        return False
    guessed = audit.recent(session, "account_locked", audit.BEGINNING, account_id=account.id,
                           detail="until reset", limit=1)
    return not guessed or reported >= guessed[0]


def second_factor_method(account: Account) -> str:
    """'totp' when the person enrolled an authenticator app, else 'sms'."""
    return "totp" if account.totp_enabled else "sms"


def send_sign_in_code(session: Session, account: Account, *, now: datetime, sms: SmsSender,
                      lang: str) -> codes.CodeSent:
    """Text a sign-in code to the account's mobile (never when an authenticator app is enrolled:
    SMS must not become a way around the stronger factor)."""
    if account.totp_enabled:
        raise ValidationError("code_method", "this account signs in with its authenticator app")
    return codes.issue_code(session, person_id=account.person_id, mobile=account.mobile,
                            purpose="sign_in", now=now, sms=sms, lang=lang)


def verify_second_factor(session: Session, account: Account, code: str, method: str, *,
                         now: datetime) -> None:
    """Check the second factor: an SMS code, an authenticator code or a backup code."""
    if method == "sms" and not account.totp_enabled:
        codes.verify_code(session, person_id=account.person_id, purpose="sign_in", code=code,
                          now=now)
    elif method == "totp" and account.totp_enabled:
        codes.verify_totp(session, account, code, now)
    elif method == "backup" and account.totp_enabled:
        codes.verify_backup_code(session, account, code, now)
    else:
        raise ValidationError("code_method", "this way of signing in is not set up")


def _active_account(session: Session, account_id: int) -> Account | None:
    account = session.get(Account, account_id)
    return account if account is not None and account.status == AccountStatus.ACTIVE else None


def _signed_in(session: Session, account: Account, now: datetime, device: str) -> None:
    account.locked_until = None
    session.add(account)
    audit.record(session, "login_ok", person_id=account.person_id, account_id=account.id,
                 device=device, now=now)


def _signed_out(session: Session, account_id: int, now: datetime) -> None:
    account = session.get(Account, account_id)
    audit.record(session, "signed_out", person_id=account.person_id if account else None,
                 account_id=account_id, now=now)


# Citizens' side of the one session stack (absher_app.domain.sessions).
PERSON = sessions.Realm(
    name="person", session_model=UserSession, ticket_model=SignInTicket, owner="account_id",
    prefix="", principal=_active_account, owner_model=Account,
    owner_columns=("status", "person_id"), on_signed_in=_signed_in,
    on_signed_out=_signed_out)


def issue_sign_in_ticket(session: Session, account: Account, *, now: datetime) -> str:
    """A single-use, 60-second ticket that /auth/session exchanges for the session cookie."""
    return sessions.issue_ticket(session, PERSON, account.id, now=now)


def redeem_sign_in_ticket(session: Session, ticket: str, *, now: datetime,
                          device: str = "") -> str | None:
    """Turn a ticket into a new session; return the session token (None if the ticket is bad)."""
    return sessions.redeem_ticket(session, PERSON, ticket, now=now, device=device)


def resolve_session(session: Session, token: str | None, *, now: datetime,
                    touch: bool = True) -> tuple[Account, UserSession] | None:
    """The signed-in account for a session token, or None when absent, ended or timed out."""
    found = sessions.resolve(session, PERSON, token, now=now, touch=touch)
    return (found.principal, found.row) if found else None


def end_session(session: Session, token: str | None, *, now: datetime) -> None:
    """Sign out: the token stops working at once, and for good."""
    sessions.end(session, PERSON, token, now=now)


def end_all_sessions(session: Session, account_id: int, *, now: datetime) -> int:
    """Sign out everywhere; returns how many sessions ended."""
    return sessions.end_all(session, PERSON, account_id, now=now)


def count_accounts(session: Session) -> int:
    """How many accounts exist (for the operator)."""
    return int(session.exec(select(func.count()).select_from(Account)).one())


