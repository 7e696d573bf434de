"""Limits on wrong sign-ins from one client address, for citizens and staff alike.

Two counters, so that nobody with the right password and code is refused because of others:

- per address *and* login (`per_login`, e.g. "20/hour"): past it, that login is refused from
  that address for a while. Someone guessing at one account from behind the same proxy as its
  owner stops the owner only as the account's own lock would; every other person sharing the
  address signs in as usual. The login is keyed by a keyed digest, known or not, so the limit
  tells nothing about which accounts exist.
- per address (`per_address`, e.g. "50/hour"): password spraying (one guess each at many
  logins) is never refused, since behind a reverse proxy every citizen may share one address;
  instead every sign-in from an address past it waits `SLOW_DOWN_S` seconds before its
  password is checked. A sprayer gets a fraction of the guesses, and a guessed password still
  needs the one-time code sent to the owner's phone or app.

The caller passes the client address as a plain string (behind proxies, the address the
trusted proxy hops name) and the limiter (memory, or Redis shared by every worker).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator

from absher_app.domain.accounts import login_key
from absher_app.domain.throttle import counting_failures
from absher_app.providers.rate_limit import RateLimiter

# What counts as a wrong sign-in: a wrong password (or unknown login) and the locks they cause.
SIGN_IN_FAILURES = ("bad_credentials", "account_locked", "account_locked_reset", "staff_locked")
# How long a sign-in from an address past its `per_address` limit waits before the check.
SLOW_DOWN_S = 3.0


@dataclasses.dataclass(frozen=True)
class SignInLimits:
    """The two limits, in the `limits` notation ("20/hour"), and whose sign-in they count
    ("sign_in" for citizens, "staff_sign_in" for staff: the counters are apart)."""

    per_login: str
    per_address: str
    scope: str = "sign_in"


def _address(client: str) -> str:
    return (client or "unknown")[:64]


def delay_seconds(limiter: RateLimiter, limits: SignInLimits, client: str) -> float:
    """Seconds a sign-in from `client` should wait before its password is checked: 0, or
    SLOW_DOWN_S while the address is past its `per_address` limit of wrong sign-ins."""
    if limiter.test(limits.per_address, f"{limits.scope}_address", _address(client)):
        return 0.0
    return SLOW_DOWN_S


@contextlib.contextmanager
def counting_sign_in(limiter: RateLimiter, limits: SignInLimits, client: str,
                     login: str) -> Iterator[None]:
    """Run a password check counted against both limits.

    Raises:
        DomainError: "too_many_failures" (with `seconds`) before the check, while this login
            is past `per_login` wrong sign-ins from this address.
    """
    address = _address(client)
    try:
        with counting_failures(limiter, limits.per_login, limits.scope,
                               f"{address}|{login_key(login)}", SIGN_IN_FAILURES):
            yield
    except Exception as error:
        if getattr(error, "code", None) in SIGN_IN_FAILURES:
            limiter.hit(limits.per_address, f"{limits.scope}_address", address)
        raise
