"""Random secrets and their keyed digests.

Codes, tickets and session tokens are stored only as HMAC-SHA256 digests keyed with the
deployment secret, so a copy of the database alone cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from absher_app.settings import get_settings

# Crockford-like alphabet without look-alikes (0/O, 1/I/L) for codes people type.
_TYPED_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def digest(value: str) -> str:
    """HMAC-SHA256 of `value` under the deployment secret, hex."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def same_digest(a: str, b: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(a, b)


def numeric_code(length: int = 6) -> str:
    """A uniformly random code of `length` digits."""
    return f"{secrets.randbelow(10**length):0{length}d}"


def url_token() -> str:
    """256 random bits, URL-safe (session tokens, sign-in tickets)."""
    return secrets.token_urlsafe(32)


def typed_code(length: int = 10) -> str:
    """A random code of unambiguous letters and digits, for backup codes."""
    return "".join(secrets.choice(_TYPED_ALPHABET) for _ in range(length))
