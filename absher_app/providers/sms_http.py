"""The HTTP SMS gateway: one POST per message, with the gateway's answer sorted into "sent",
"retry" (worth trying again later) and "failed" (it will never go).

The request (JSON, HTTP Basic credentials from ABSHER_SMS_HTTP_USERNAME/PASSWORD):

    POST ABSHER_SMS_HTTP_URL
    Idempotency-Key: absher-<message id>
    {"to": "+9665XXXXXXXX", "text": "...", "sender": "Absher", "reference": "absher-<id>"}

and a 2xx answer `{"id": "<the gateway's message id>"}`. The reference doubles as the
idempotency key: when an answer is lost (a timeout after the gateway took the message) the
retry carries the same key, and the gateway sends the message once. 408, 425, 429 and 5xx
answers and network errors are retried; any other 4xx (a malformed number, bad credentials) is
final.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Protocol

import httpx

from absher_app.settings import Settings, get_settings

RETRY_STATUSES = frozenset({408, 425, 429})


@dataclasses.dataclass(frozen=True)
class SendResult:
    """What one attempt came to."""

    outcome: str  # "sent" | "retry" | "failed"
    provider_ref: str = ""
    error: str = ""
    seconds: float = 0.0


class SmsGateway(Protocol):
    """Sends one message now."""

    def send(self, message_id: int, to: str, body: str) -> SendResult:
        """Try once; never raises for the gateway's or the network's failures."""
        ...


def reference(message_id: int) -> str:
    """The reference (and idempotency key) of an outbox message at the gateway."""
    return f"absher-{message_id}"


def message_id_of(ref: str) -> int | None:
    """The outbox id a reference names (None for anything else)."""
    prefix = "absher-"
    if ref.startswith(prefix) and ref[len(prefix):].isdigit() and len(ref) < 30:
        return int(ref[len(prefix):])
    return None


class HttpSmsGateway:
    """The configured gateway (ABSHER_SMS_HTTP_*)."""

    def __init__(self, url: str, *, username: str = "", password: str = "",
                 sender: str = "Absher", timeout: float = 10.0,
                 client: httpx.Client | None = None) -> None:
        self.url, self.sender = url, sender
        auth = httpx.BasicAuth(username, password) if username else None
        # Connecting must be quick; the gateway may take longer to answer.
        self._client = client or httpx.Client(
            auth=auth, timeout=httpx.Timeout(timeout, connect=min(3.0, timeout)),
            headers={"User-Agent": "absher-passports-relay"})

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> HttpSmsGateway:
        settings = settings or get_settings()
        return cls(settings.sms_http_url, username=settings.sms_http_username,
                   password=settings.sms_http_password, sender=settings.sms_sender_id,
                   timeout=settings.sms_timeout_seconds)

    def close(self) -> None:
        self._client.close()

    def send(self, message_id: int, to: str, body: str) -> SendResult:
        ref = reference(message_id)
        started = time.monotonic()
        try:
            response = self._client.post(self.url, headers={"Idempotency-Key": ref}, json={
                "to": to, "text": body, "sender": self.sender, "reference": ref})
        except httpx.TimeoutException:
            return SendResult("retry", error="timeout", seconds=time.monotonic() - started)
        except httpx.HTTPError as exc:
            return SendResult("retry", error=f"network: {type(exc).__name__}",
                              seconds=time.monotonic() - started)
        seconds = time.monotonic() - started
        status = response.status_code
        if 200 <= status < 300:
            try:
                provider_ref = str(response.json().get("id", ""))[:64]
            except (ValueError, AttributeError):
                provider_ref = ""
            return SendResult("sent", provider_ref=provider_ref, seconds=seconds)
        error = f"HTTP {status}"
        if status in RETRY_STATUSES or status >= 500:
            return SendResult("retry", error=error, seconds=seconds)
        return SendResult("failed", error=error, seconds=seconds)
