"""TRANSITIONAL: the staff guard of the pages not yet on the event pipeline
(absher_app.state.events); it goes when the last of them moves.

Who is signed in as staff, and the guard every staff page loader and event handler runs.

The staff session is a random token in its own HttpOnly cookie (`absher_staff_session`),
separate from a citizen's: being signed in as a citizen gives nothing here. Like the citizen's
session it is read from the websocket handshake headers and checked in the database on every
call; nothing in state is trusted.

Every staff state handler starts with:

    who, refusal = await staff_guard(self, staff.REVIEW_REQUESTS)   # or touch=False in loaders
    if refusal:
        return refusal

`staff_guard` logs each refusal (staff audit trail and the application log) and answers with
the redirect to show: the staff sign-in when nobody is signed in, "not allowed" for a citizen or
for staff whose role lacks the permission. tests/unit/state/test_staff_guard.py calls every
handler of every state in STAFF_STATES without the right session and fails on any that acts.
"""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from absher_app import routes
from absher_app.application.identity import SESSION_COOKIES
from absher_app.db import session_scope
from absher_app.domain import accounts, staff
from absher_app.domain.staff import StaffIdentity
from absher_app.providers.clock import SystemClock
from absher_app.state.session import SessionState, session_token  # noqa: F401

STAFF_SESSION_COOKIE = SESSION_COOKIES["staff"]
CLOCK = SystemClock()
LOG = logging.getLogger("absher.staff")


def staff_token(state: rx.State) -> str | None:
    """The staff session cookie sent with this browser's websocket handshake."""
    return session_token(state, STAFF_SESSION_COOKIE)


def _where(state: rx.State) -> str:
    path = state.router.url.path if state.router else ""
    return f"{type(state).__name__} {path}"[:150]


def _check(staff_tok: str | None, citizen_tok: str | None, permission: str | None,
           touch: bool, where: str) -> tuple[StaffIdentity | None, str]:
    """(the staff member, "") when allowed; else (None, "login" or "not_allowed"), logged."""
    with session_scope() as session:
        now = CLOCK.now()
        who = staff.resolve_session(session, staff_tok, now=now, touch=touch)
        if who is not None and (permission is None or who.may(permission)):
            return who, ""
        citizen = None
        if who is None and citizen_tok:
            found = accounts.resolve_session(session, citizen_tok, now=now, touch=False)
            citizen = found[0].id if found else None
        staff.record_refusal(session, who.staff_id if who else None, permission or "", where,
                             now=now, citizen_account_id=citizen)
    LOG.warning("staff access refused: %s needs %s (staff %s, citizen account %s)", where,
                permission or "a staff session", who.staff_id if who else None, citizen)
    return None, "login" if who is None and citizen is None else "not_allowed"


async def staff_guard(state: rx.State, permission: str | None, *,
                      touch: bool = True) -> tuple[StaffIdentity | None, rx.event.EventSpec | None]:
    """Check the staff session and the role in the database (off the event loop).

    Args:
        state: the state whose handler runs (its websocket headers carry the cookies).
        permission: what the handler needs (`staff.ACTIVATE_ACCOUNTS`...); None: any staff.
        touch: False in page loaders (the sign-in check of the same navigation counted it).

    Returns:
        (who, None) when allowed; (None, the redirect to return) when refused.
    """
    if permission is not None and permission not in staff.PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    who, refused = await asyncio.to_thread(_check, staff_token(state), session_token(state),
                                           permission, touch, _where(state))
    if who is not None:
        return who, None
    return None, rx.redirect(routes.STAFF_LOGIN if refused == "login"
                             else routes.STAFF_NOT_ALLOWED)
