"""Signed callbacks (the bank's payment notifications, the SMS gateway's delivery reports):
HMAC-SHA256 over the timestamp and the raw body, and a window around now.

    X-Absher-Timestamp: 1764500000                 (Unix seconds, when the sender signed)
    X-Absher-Signature: sha256=<hex of HMAC(key, "<timestamp>." + body)>

Signing the timestamp with the body means an old message cannot be re-dated; the window
(ABSHER_PAYMENT_NOTIFY_WINDOW_SECONDS) bounds how long a captured message could be replayed,
and the receivers refuse a signature they have already seen within it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from datetime import datetime

TIMESTAMP_HEADER = "X-Absher-Timestamp"
SIGNATURE_HEADER = "X-Absher-Signature"
_PREFIX = "sha256="


class SignatureError(Exception):
    """The message is not signed with the agreed key, or not now: `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sign(key: bytes, timestamp: int | str, body: bytes) -> str:
    """The signature header's value for `body` signed at `timestamp`."""
    mac = hmac.new(key, str(timestamp).encode() + b"." + body, hashlib.sha256)
    return _PREFIX + mac.hexdigest()


@dataclasses.dataclass(frozen=True)
class SignedMessage:
    """A body with its timestamp and signature, as a receiver gets them."""

    body: bytes
    timestamp: str
    signature: str


def signed_message(key: bytes, body: bytes, now: datetime) -> SignedMessage:
    """`body` signed now, for a sender (the demo bank, the test gateway)."""
    timestamp = str(int(now.timestamp()))
    return SignedMessage(body, timestamp, sign(key, timestamp, body))


def signed_headers(key: bytes, body: bytes, now: datetime) -> dict[str, str]:
    """Both headers, for a sender that posts over HTTP."""
    message = signed_message(key, body, now)
    return {TIMESTAMP_HEADER: message.timestamp, SIGNATURE_HEADER: message.signature}


def verify(key: bytes, timestamp: str, signature: str, body: bytes, *, now: datetime,
           window_seconds: int) -> None:
    """Check a received message.

    Raises:
        SignatureError: "unsigned" (no key configured, or headers missing), "bad_timestamp",
            "stale" (outside the window), "bad_signature".
    """
    if not key or not timestamp or not signature:
        raise SignatureError("unsigned")
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureError("bad_timestamp")
    if abs(now.timestamp() - int(timestamp)) > window_seconds:
        raise SignatureError("stale")
    # compare_digest: the time taken says nothing about how much of a guess was right.
    if not hmac.compare_digest(sign(key, timestamp, body), signature.strip().lower()):
        raise SignatureError("bad_signature")


def signature_digest(signature: str) -> str:
    """What the receivers store to recognise a replay (a digest, not the signature itself)."""
    return hashlib.sha256(signature.strip().lower().encode()).hexdigest()
