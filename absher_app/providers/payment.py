"""Payment of SADAD bills, behind an interface a real bank integration would implement.

In production the bank tells the biller that a bill was paid (a SADAD payment notification);
the demo bank page plays the bank: it shows the bill and "pays" it, which records the payment
exactly as a notification would.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from urllib.parse import urlencode

from sqlmodel import Session

from absher_app import routes
from absher_app.domain import requests
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
        return requests.pay_bill(session, bill_number, amount_sar, bank=self.name,
                                 bank_reference="DB" + numeric_code(16), now=now, sms=sms)


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
