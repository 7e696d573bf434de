"""Who is signed in. The session token lives only in an HttpOnly cookie: the server reads it
from the websocket's handshake headers (which Reflex never sends to the browser), and every
handler that needs identity asks `signed_in_account` again; nothing in state is trusted.
"""

from __future__ import annotations

import asyncio
import dataclasses
from http.cookies import SimpleCookie

import reflex as rx

from absher_app import routes
from absher_app.db import session_scope
from absher_app.domain import accounts
from absher_app.providers.clock import SystemClock

SESSION_COOKIE = "absher_session"
CLOCK = SystemClock()


@dataclasses.dataclass(frozen=True)
class SignedIn:
    """The signed-in person, as handlers need them."""

    account_id: int
    person_id: int
    name_ar: str
    name_en: str
    session_id: int = 0  # the UserSession row of this browser ("this device")


def session_token(state: rx.State) -> str | None:
    """The session cookie sent with this browser's websocket handshake."""
    raw = state.router.headers.raw_headers.get("cookie", "") if state.router else ""
    if not raw:
        return None
    cookie = SimpleCookie()
    try:
        cookie.load(raw)
    except Exception:  # noqa: BLE001 - a malformed header is no session
        return None
    morsel = cookie.get(SESSION_COOKIE)
    return morsel.value if morsel else None


def _resolve(token: str | None) -> SignedIn | None:
    from absher_app.models import Person

    with session_scope() as session:
        found = accounts.resolve_session(session, token, now=CLOCK.now())
        if found is None:
            return None
        account, row = found
        person = session.get(Person, account.person_id)
        return SignedIn(account.id, account.person_id, person.name_ar, person.name_en, row.id)


async def signed_in_account(state: rx.State) -> SignedIn | None:
    """Check the session in the database (off the event loop); None when not signed in."""
    return await asyncio.to_thread(_resolve, session_token(state))


class SessionState(rx.State):
    """The little the page chrome needs: is someone signed in, and their name."""

    signed_in: bool = False
    name_ar: str = ""
    name_en: str = ""

    @rx.event
    async def require_sign_in(self):
        """on_load guard for signed-in pages: a redirect only; handlers check again."""
        who = await signed_in_account(self)
        if who is None:
            self.signed_in = False
            self.name_ar = self.name_en = ""
            return rx.redirect(routes.LOGIN)
        self.signed_in = True
        self.name_ar, self.name_en = who.name_ar, who.name_en
        return None

    @rx.event
    async def sign_out(self):
        """End the session in the database, then let the server clear the cookie."""
        token = session_token(self)

        def _end() -> None:
            with session_scope() as session:
                accounts.end_session(session, token, now=CLOCK.now())

        await asyncio.to_thread(_end)
        self.signed_in = False
        self.name_ar = self.name_en = ""
        return rx.call_script(f"window.location.replace('{routes.AUTH_SIGNED_OUT}')")
