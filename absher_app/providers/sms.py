"""SMS sending. Every message is first a row of the outbox table, written in the caller's
transaction; then either it stays there (the dev provider, `outbox`: operators read it with
`absher sms outbox` or the dev page) or the relay (absher_app/relay.py) sends it through the
HTTP gateway (`http`, absher_app/providers/sms_http.py) and records its delivery on the row.
"""

from __future__ import annotations

from typing import Protocol

from sqlmodel import Session, col, select

from absher_app.models import SmsMessage
from absher_app.settings import get_settings


class SmsNotConfigured(RuntimeError):
    """No SMS provider is configured: refuse loudly instead of dropping messages."""


class SmsSender(Protocol):
    """Sends one text message to a Saudi mobile (E.164)."""

    def send(self, session: Session, to: str, body: str, purpose: str) -> None:
        """Queue the message; it leaves only if the caller's transaction commits."""
        ...


class OutboxSmsSender:
    """The message is a row in the outbox, in the caller's transaction: kept there (status
    "outbox", the dev provider) or queued for the relay (status "queued")."""

    def __init__(self, status: str = "outbox") -> None:
        self.status = status

    def send(self, session: Session, to: str, body: str, purpose: str) -> None:
        """Write the message to the outbox."""
        session.add(SmsMessage(to=to, body=body, purpose=purpose, status=self.status))


def get_sms_sender() -> SmsSender:
    """The configured provider."""
    provider = get_settings().sms_provider
    if provider == "outbox":
        return OutboxSmsSender()
    if provider == "http":
        return OutboxSmsSender(status="queued")
    raise SmsNotConfigured(f"no SMS provider is configured (ABSHER_SMS_PROVIDER={provider!r})")


def read_outbox(session: Session, to: str | None = None, last: int = 20) -> list[SmsMessage]:
    """The newest messages first, optionally only those to one mobile (E.164)."""
    query = select(SmsMessage).order_by(col(SmsMessage.id).desc()).limit(last)
    if to:
        query = query.where(SmsMessage.to == to)
    return list(session.exec(query).all())
