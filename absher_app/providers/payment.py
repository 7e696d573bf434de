"""Payment of SADAD bills, behind an interface a real bank integration would implement.

The bank tells the biller that a bill was paid with a signed payment notification (POST
/hooks/payment, received by absher_app/application/payment_notifications.py). The demo bank
plays the bank: its page shows the bill, and "paying" it makes the notification a real bank
would send, which the portal then receives through the very function the endpoint calls, so the
demo goes through the same checks.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Protocol
from urllib.parse import urlencode

from absher_app import routes
from absher_app.domain.errors import DomainError
from absher_app.providers.signed import SignedMessage, signed_message
from absher_app.settings import get_settings


class PaymentProvider(Protocol):
    """Where the payer goes to pay a bill, and the bank's word that it was paid."""

    name: str

    def payment_page(self, bill_number: str) -> str:
        """The address the person is sent to, to pay this bill ("" when they pay elsewhere)."""
        ...

    def notification(self, bill_number: str, amount_sar: int, now: datetime) -> SignedMessage:
        """Pay the bill and return the bank's signed payment notification.

        Raises:
            DomainError: this provider cannot take the payment here.
        """
        ...


def notification_body(bill_number: str, amount_sar: int, *, bank: str, bank_reference: str,
                      paid_at: datetime) -> bytes:
    """A notification as the bank writes it."""
    return json.dumps({"bill_number": bill_number, "amount_sar": amount_sar, "bank": bank,
                       "bank_reference": bank_reference, "paid_at": paid_at.isoformat()},
                      separators=(",", ":")).encode()


class DemoBank:
    """The dev/test bank: a page of this portal that pays any bill by its number."""

    name = "demo-bank"

    def payment_page(self, bill_number: str) -> str:
        return f"{routes.PAY}?{urlencode({'bill': bill_number})}"

    def notification(self, bill_number: str, amount_sar: int, now: datetime) -> SignedMessage:
        reference = "DB" + "".join(secrets.choice("0123456789") for _ in range(16))
        body = notification_body(bill_number, amount_sar, bank=self.name,
                                 bank_reference=reference, paid_at=now)
        return signed_message(get_settings().payment_secret, body, now)


class NoBank:
    """Outside demo mode, until a real bank is configured: no page to pay at (the person pays
    the SADAD bill at their own bank), and nothing here can mark a bill paid."""

    name = "none"

    def payment_page(self, bill_number: str) -> str:
        return ""

    def notification(self, bill_number: str, amount_sar: int, now: datetime) -> SignedMessage:
        raise DomainError("payment_unavailable", "no payment provider is configured")


def get_payment_provider() -> PaymentProvider:
    """The configured provider: the demo bank in demo mode only (it pays any bill for free)."""
    return DemoBank() if get_settings().dev_tools_enabled else NoBank()
