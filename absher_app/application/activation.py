"""Activation by a partner (a bank or a self-service kiosk) that has checked the person: as the
demo pages `/activate/bank` and `/activate/kiosk` play them. In production each partner would
call the directorate over its own authenticated channel into the same use case; the demo
partners exist only while the demo tools are on.
"""

from __future__ import annotations

import dataclasses

from absher_app.application.inputs import Form, checkbox, text
from absher_app.application.unit import Tx, use_case
from absher_app.domain import accounts
from absher_app.domain.accounts import ActivationChannel
from absher_app.domain.errors import ValidationError
from absher_app.settings import get_settings

# The partners the demo plays (an office activates through the staff back office).
DEMO_PARTNERS = (ActivationChannel.BANK, ActivationChannel.KIOSK)


@dataclasses.dataclass(frozen=True)
class PartnerActivationForm(Form):
    """The partner's form: who it is (a hidden field of its page), the identity number, and
    that the partner checked the person."""

    channel: str = text(max_length=16)
    id_number: str = text(max_length=32)
    confirm_identity: bool = checkbox()


@use_case(realm=None)
def activate_as_partner(tx: Tx, who: None, form: PartnerActivationForm) -> bool:
    """Activate the registered account of `form.id_number` as the partner would (the person is
    told by SMS). False, and nothing done, when no such demo partner is on."""
    if form.channel not in DEMO_PARTNERS or not get_settings().dev_tools_enabled:
        return False
    if not form.confirm_identity:
        raise ValidationError("confirm_identity", "check the person's identity first"
                              ).about("confirm_identity")
    accounts.activate_account(tx.session, form.id_number, form.channel, now=tx.now, sms=tx.sms)
    return True
