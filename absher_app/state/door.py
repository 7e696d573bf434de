"""The door every socket event comes through before its handler (a Reflex middleware).

Reflex hands a handler whatever the browser sent. The handlers' own decoding
(absher_app.state.events) checks each argument; this door refuses what cannot even reach a
handler in one piece, quietly and with one log line (no traceback, no state change):
- a payload that is not an object of named arguments;
- Reflex's generic `setvar` event: no page of the portal sets a var from the browser that way,
  so none may be set through it;
- an event naming no handler (Reflex itself logs those with a traceback: the filter below
  turns that into one line).
At hydration (each page load or reconnect) it also claims the tab for the sessions the
cookies now prove (absher_app.state.tab.claim_tab).
"""

from __future__ import annotations

import logging

import reflex as rx
from reflex.middleware import Middleware
from reflex_base.event.processor.base_state_processor import _hydrate_event_names

from absher_app.state.events import cookie_tokens
from absher_app.state.tab import claim_tab

LOG = logging.getLogger("absher.events")
MAX_ARGUMENTS = 8


def _refuse(event_name: str, why: str) -> rx.state.StateUpdate:
    LOG.warning("refused event %s: %s", event_name[-120:], why)
    return rx.state.StateUpdate()


class EventDoor(Middleware):
    """See the module docstring."""

    async def preprocess(self, app, state, event):
        payload = event.payload
        if not isinstance(payload, dict) or len(payload) > MAX_ARGUMENTS or not all(
                isinstance(key, str) and len(key) <= 64 for key in payload):
            return _refuse(event.name, "the payload is not an object of named arguments")
        if event.name.endswith(".setvar"):
            return _refuse(event.name, "the generic setter is not used by this portal")
        if event.name in _hydrate_event_names():
            await claim_tab(state, cookie_tokens(state.router))
        return None


class UnknownEventFilter(logging.Filter):
    """Reflex logs an event naming no handler as an exception with its traceback; a forged
    name is the browser's fault, not a bug: one warning line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, KeyError) and "No registered handler found" in str(error):
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg, record.args = "refused event: %s", (str(error)[:200],)
        return True


def install(app: rx.App) -> None:
    """Put the door in front of every handler of `app`."""
    app.add_middleware(EventDoor(), index=0)
    logging.getLogger("reflex_base.event.processor.event_processor").addFilter(
        UnknownEventFilter())
