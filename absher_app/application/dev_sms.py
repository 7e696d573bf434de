"""The dev SMS outbox as `/dev/sms` shows it, for people trying the demo (codes included: the
page shows nothing unless the demo tools are on)."""

from __future__ import annotations

import dataclasses

from absher_app.application.unit import Tx, use_case
from absher_app.providers.sms import read_outbox
from absher_app.settings import get_settings

SHOWN = 50


@dataclasses.dataclass
class OutboxRow:
    time: str
    recipient: str
    purpose: str
    body: str


@dataclasses.dataclass
class Outbox:
    """The newest messages first; `enabled` False (and no message) outside the demo."""

    enabled: bool
    messages: list[OutboxRow]


@use_case(realm=None)
def dev_outbox(tx: Tx, who: None) -> Outbox:
    """The newest SMS of the outbox, while the demo tools are on."""
    if not get_settings().dev_tools_enabled:
        return Outbox(False, [])
    return Outbox(True, [OutboxRow(f"{m.created_at:%Y-%m-%d %H:%M:%S}", m.to, m.purpose, m.body)
                         for m in read_outbox(tx.session, last=SHOWN)])
