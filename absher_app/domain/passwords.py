"""Password hashing and the password rules (NIST 800-63B §5.1.1, OWASP ASVS V2.1).

At least 8 characters, up to 256 and never truncated; no composition rules; refused when on a
common-password list, equal to the person's ID, username or name, or too easy to guess.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from passlib.context import CryptContext
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from absher_app.domain.errors import ValidationError
from absher_app.settings import get_settings

MIN_LENGTH = 8
MAX_LENGTH = 256
MIN_STRENGTH = 2  # zxcvbn score 0..4; below 2 is "too guessable"
# zxcvbn's cost grows with length, and zxcvbn 4.5 raises ValueError above 72 characters: the
# first 72 characters decide the score.
_SCORED_PREFIX = 72

# OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
_CONTEXT = CryptContext(
    schemes=["argon2"],
    argon2__type="ID",
    argon2__memory_cost=19456,
    argon2__time_cost=2,
    argon2__parallelism=1,
)
# argon2's smallest cost (8 KiB, t=1), same algorithm and format, for the unit tests only
# (ABSHER_PASSWORD_HASH_COST=test, refused in production): they hash thousands of times.
# Verification reads the cost from the stored hash, so either context verifies either hash.
_TEST_CONTEXT = CryptContext(
    schemes=["argon2"],
    argon2__type="ID",
    argon2__memory_cost=8,
    argon2__time_cost=1,
    argon2__parallelism=1,
)
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])


def _context() -> CryptContext:
    return _TEST_CONTEXT if get_settings().password_hash_cost == "test" else _CONTEXT


def hash_password(password: str) -> str:
    """An argon2id hash of the whole password (slow by design: call off the event loop)."""
    return _context().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """True when `password` matches; a malformed hash is a mismatch, never an error."""
    try:
        return _context().verify(password, password_hash)
    except (ValueError, TypeError):
        return False


@functools.cache
def _dummy_hash(cost: str) -> str:
    # Cached per cost, so that the verification it burns costs what a real one would.
    return hash_password("dummy password for timing equalisation")


def burn_verify_time(password: str) -> None:
    """Spend the time of one verification, so an unknown user answers as slowly as a known one."""
    verify_password(password, _dummy_hash(get_settings().password_hash_cost))


def strength(password: str) -> int:
    """zxcvbn score 0 (very weak) .. 4 (very strong), for the strength meter."""
    if not password:
        return 0
    return int(zxcvbn(password[:_SCORED_PREFIX])["score"])


def check_password(password: str, confirm: str | None = None, *,
                   personal: Iterable[str] = ()) -> None:
    """Raise ValidationError with the first rule `password` breaks (about the field "password",
    or "password_confirm" when the two differ).

    Args:
        password: the new password.
        confirm: the confirmation, when the form has one.
        personal: the person's ID number, username and names: the password may not equal them.
    """
    if len(password) < MIN_LENGTH:
        raise ValidationError("password_too_short", f"at least {MIN_LENGTH} characters"
                              ).about("password")
    if len(password) > MAX_LENGTH:
        raise ValidationError("password_too_long", f"at most {MAX_LENGTH} characters"
                              ).about("password")
    if confirm is not None and confirm != password:
        raise ValidationError("password_mismatch", "the two passwords are not the same"
                              ).about("password_confirm")
    lowered = password.lower()
    if lowered in _COMMON:
        raise ValidationError("password_common", "this password is on a list of common passwords"
                              ).about("password")
    folded = lowered.replace(" ", "")
    for value in personal:
        if value and folded == value.lower().replace(" ", ""):
            raise ValidationError("password_personal", "the password may not be your ID or name"
                                  ).about("password")
    if strength(password) < MIN_STRENGTH:
        raise ValidationError("password_weak", "this password is too easy to guess"
                              ).about("password")
