"""Payment of SADAD bills, behind an interface a real bank integration would implement.

The bank tells the biller that a bill was paid with a signed payment notification (POST
/hooks/payment, absher_app/providers/payment_notify.py). The demo bank page plays the bank: it
shows the bill and "pays" it by signing a notification and handing it to the very function the
endpoint calls, so the demo goes through the same checks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from urllib.parse import urlencode

from sqlmodel import Session

from absher_app import routes
from absher_app.domain.errors import DomainError
from absher_app.domain.secrets import numeric_code
from absher_app.models import Bill
from absher_app.providers.sms import SmsSender
from absher_app.settings import get_settings


class PaymentProvider(Protocol):
    """Where the payer goes to pay a bill, and how the bank's confirmation is recorded."""

    name: str

    def payment_page(self, bill_number: str) -> str:
        """The address the person is sent to, to pay this bill."""
        ...

    def confirm(self, session: Session, bill_number: str, amount_sar: int, *, now: datetime,
                sms: SmsSender) -> tuple[Bill, bool]:
        """Record the bank's confirmation; returns (bill, charged now)."""
        ...


class DemoBank:
    """The dev/test bank: a page of this portal that pays any bill by its number."""

    name = "demo-bank"

    def payment_page(self, bill_number: str) -> str:
        return f"{routes.PAY}?{urlencode({'bill': bill_number})}"

    def confirm(self, session: Session, bill_number: str, amount_sar: int, *, now: datetime,
                sms: SmsSender) -> tuple[Bill, bool]:
        """Sign a notification as the bank would and receive it.

        Raises:
            DomainError: the notification was refused (unknown or expired bill, amount).
        """
        from absher_app.providers import payment_notify, signed
        from absher_app.settings import get_settings

        body = payment_notify.notification_body(bill_number, amount_sar, bank=self.name,
                                                 bank_reference="DB" + numeric_code(16),
                                                 paid_at=now)
        headers = signed.signed_headers(get_settings().payment_secret, body, now)
        result = payment_notify.receive(session, body, headers[signed.TIMESTAMP_HEADER],
                                        headers[signed.SIGNATURE_HEADER], now=now, sms=sms)
        if result.error is not None:
            raise result.error
        if result.bill is None:  # a signature or replay refusal: not something a person fixes
            raise DomainError("payment_not_recorded", result.outcome)
        return result.bill, result.charged


class NoBank:
    """Outside demo mode, until a real bank is configured: no page to pay at (the person pays
    the SADAD bill at their own bank), and nothing here can mark a bill paid."""

    name = "none"

    def payment_page(self, bill_number: str) -> str:
        return ""

    def confirm(self, session: Session, bill_number: str, amount_sar: int, *, now: datetime,
                sms: SmsSender) -> tuple[Bill, bool]:
        raise DomainError("payment_unavailable", "no payment provider is configured")


def get_payment_provider() -> PaymentProvider:
    """The configured provider: the demo bank in demo mode only (it pays any bill for free)."""
    return DemoBank() if get_settings().dev_tools_enabled else NoBank()
