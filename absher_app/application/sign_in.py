"""Signing in, for citizens and staff: a password, then a second factor, then a single-use
ticket that the realm's cookie endpoint exchanges for the session cookie.

Citizens use an ID number or username and receive an SMS code (or use their authenticator app
or a backup code); staff use their username and their authenticator app, always. Both follow
the same lock rules (absher_app.domain.accounts) and the same per-address limit on failures.
"""

from __future__ import annotations

import dataclasses

from absher_app.application.inputs import Form, text
from absher_app.application.unit import Tx, use_case
from absher_app.domain import accounts, codes, sessions, staff
from absher_app.domain.errors import ValidationError
from absher_app.domain.identity import mask_mobile
from absher_app.domain.sign_in_limits import SignInLimits, counting_sign_in, delay_seconds
from absher_app.models import Account, StaffMember
from absher_app.providers.rate_limit import get_rate_limiter
from absher_app.settings import get_settings

METHODS = ("sms", "totp", "backup")
# Each realm's wrong sign-ins are counted apart.
LIMIT_SCOPES = {"person": "sign_in", "staff": "staff_sign_in"}


@dataclasses.dataclass(frozen=True)
class CredentialsForm(Form):
    """The first step: who (ID number or username) and the password (kept as typed)."""

    login: str = text(max_length=64)
    password: str = text(max_length=1024, raw=True)


@dataclasses.dataclass(frozen=True)
class CodeForm(Form):
    """The second step: the code from the SMS, the app or a backup code."""

    code: str = text(max_length=32)


@dataclasses.dataclass(frozen=True)
class PasswordChecked:
    """The password was right: whose (`principal_id`), whether they may go on (`active`), and
    how the second factor comes."""

    principal_id: int
    active: bool = True
    method: str = "totp"
    masked_mobile: str = ""
    resend_wait: int = 0
    first_time: bool = False  # staff: the first code confirms the app's enrolment


@dataclasses.dataclass(frozen=True)
class Ticket:
    """A completed sign-in: the ticket for the cookie endpoint, the account's language."""

    ticket: str
    language: str = ""


def _limits(realm: str) -> SignInLimits:
    return SignInLimits(get_settings().sign_in_failure_limit, get_settings().sign_in_slow_limit,
                        scope=LIMIT_SCOPES[realm])


def _limited(tx: Tx, realm: str, login: str):
    return counting_sign_in(get_rate_limiter(), _limits(realm), tx.caller.client, login)


@use_case(realm=None)
def sign_in_delay(tx: Tx, who: None, realm: str) -> float:
    """Seconds a sign-in from the caller's address waits before its password is checked (0,
    or a few while the address is past its limit of wrong sign-ins: spraying slows down)."""
    return delay_seconds(get_rate_limiter(), _limits(realm), tx.caller.client)


def _send_code(tx: Tx, account: Account) -> tuple[str, int]:
    """Text a sign-in code (a code sent under a minute ago stays the one to type)."""
    try:
        masked = accounts.send_sign_in_code(tx.session, account, now=tx.now, sms=tx.sms,
                                            lang=tx.lang).masked_mobile
    except codes.ThrottledError:
        masked = mask_mobile(account.mobile)
    return masked, codes.send_wait_seconds(tx.session, account.person_id, "sign_in", tx.now)


@use_case(realm=None)
def check_password(tx: Tx, who: None, realm: str, form: CredentialsForm) -> PasswordChecked:
    """Step 1 for `realm`: the password (hashing: run it in the hashing pool)."""
    if realm == "staff":
        with _limited(tx, realm, form.login):
            member = staff.authenticate(tx.session, form.login, form.password, now=tx.now,
                                        device=tx.caller.device)
        return PasswordChecked(member.id, first_time=member.totp_confirmed_at is None)
    with _limited(tx, realm, form.login):
        account = accounts.authenticate(tx.session, form.login, form.password, now=tx.now,
                                        device=tx.caller.device)
    if account.status != "active":
        return PasswordChecked(account.id, active=False)
    method = accounts.second_factor_method(account)
    masked, wait = _send_code(tx, account) if method == "sms" else ("", 0)
    return PasswordChecked(account.id, method=method, masked_mobile=masked, resend_wait=wait)


@use_case(realm=None)
def resend_code(tx: Tx, who: None, account_id: int) -> PasswordChecked:
    """A new SMS code for a citizen whose password was accepted (cooldown and limits apply)."""
    account = tx.session.get(Account, account_id)
    masked = accounts.send_sign_in_code(tx.session, account, now=tx.now, sms=tx.sms,
                                        lang=tx.lang).masked_mobile
    return PasswordChecked(account.id, method="sms", masked_mobile=masked,
                           resend_wait=codes.send_wait_seconds(tx.session, account.person_id,
                                                               "sign_in", tx.now))


@use_case(realm=None)
def verify_second_factor(tx: Tx, who: None, realm: str, principal_id: int, method: str,
                         form: CodeForm) -> Ticket:
    """Step 2: the code; then the ticket the cookie endpoint exchanges for a session."""
    if realm == "staff":
        member = tx.session.get(StaffMember, principal_id)
        staff.verify_code(tx.session, member, form.code, now=tx.now)
        return Ticket(sessions.issue_ticket(tx.session, staff.STAFF, member.id, now=tx.now))
    if method not in METHODS:
        raise ValidationError("code_method", "this way of signing in is not set up",
                              field="code")
    account = tx.session.get(Account, principal_id)
    accounts.verify_second_factor(tx.session, account, form.code, method, now=tx.now)
    return Ticket(sessions.issue_ticket(tx.session, accounts.PERSON, account.id, now=tx.now),
                  account.language)
