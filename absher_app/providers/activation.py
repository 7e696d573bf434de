"""Activation partners: a bank and a self-service kiosk confirm a person and activate the account.

In production each partner calls the directorate with its own authenticated channel; the demo
pages `/activate/bank` and `/activate/kiosk` play those partners through the same interface.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlmodel import Session

from absher_app.domain.accounts import activate_account
from absher_app.models import Account
from absher_app.providers.sms import SmsSender


class ActivationPartner(Protocol):
    """A party that has checked the person and tells us to activate their account."""

    channel: str

    def activate(self, session: Session, id_number: str, *, now: datetime) -> Account:
        """Activate the registered account of `id_number`."""
        ...


class DemoActivationPartner:
    """The demo bank or kiosk: activation is recorded with this partner's channel."""

    def __init__(self, channel: str, sms: SmsSender) -> None:
        self.channel = channel
        self._sms = sms

    def activate(self, session: Session, id_number: str, *, now: datetime) -> Account:
        """Activate through the domain rule, with this channel, and tell the person by SMS."""
        return activate_account(session, id_number, self.channel, now=now, sms=self._sms)
