"""Who is signed in. The session token lives only in an HttpOnly cookie: the server reads it
from the websocket's handshake headers (which Reflex never sends to the browser), and every
handler that needs identity asks `signed_in_account` again; nothing in state is trusted.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timedelta
from http.cookies import SimpleCookie

import reflex as rx

from absher_app import routes
from absher_app.db import session_scope
from absher_app.domain import accounts
from absher_app.providers.clock import SystemClock
from absher_app.settings import get_settings

# "__Host-absher_session" over https (always, in production): Secure, this host only, path /.
SESSION_COOKIE = get_settings().cookie_name("absher_session")
CLOCK = SystemClock()
# The idle warning shows this long before the session would end without activity.
IDLE_WARNING_BEFORE = timedelta(minutes=2)
IDLE_PHASES = ("warn", "end")


@dataclasses.dataclass(frozen=True)
class SignedIn:
    """The signed-in person, as handlers need them."""

    account_id: int
    person_id: int
    name_ar: str
    name_en: str
    session_id: int = 0  # the UserSession row of this browser ("this device")
    # When the session was last used, and when it ends unless used again (idle or 12 h cap).
    last_seen_at: datetime | None = None
    ends_at: datetime | None = None
    ends_for: str = "idle"


def session_token(state: rx.State, cookie_name: str = SESSION_COOKIE) -> str | None:
    """The session cookie (the citizen's by default) sent with this browser's websocket
    handshake."""
    raw = state.router.headers.raw_headers.get("cookie", "") if state.router else ""
    if not raw:
        return None
    cookie = SimpleCookie()
    try:
        cookie.load(raw)
    except Exception:  # noqa: BLE001 - a malformed header is no session
        return None
    morsel = cookie.get(cookie_name)
    return morsel.value if morsel else None


def _resolve(token: str | None, touch: bool = True) -> SignedIn | None:
    """The signed-in person for a token; `touch=False` looks without counting as activity."""
    from absher_app.models import Person

    with session_scope() as session:
        found = accounts.resolve_session(session, token, now=CLOCK.now(), touch=touch)
        if found is None:
            return None
        account, row = found
        person = session.get(Person, account.person_id)
        idle_end = row.last_seen_at + accounts.SESSION_IDLE
        return SignedIn(account.id, account.person_id, person.name_ar, person.name_en,
                        session_id=row.id, last_seen_at=row.last_seen_at, ends_at=min(idle_end, row.expires_at),
                        ends_for="idle" if idle_end <= row.expires_at else "expired")


async def signed_in_account(state: rx.State, touch: bool = True) -> SignedIn | None:
    """Check the session in the database (off the event loop); None when not signed in.

    Page loaders pass touch=False: `require_sign_in`, the first on_load of the same
    navigation, already counted it as activity and started the idle timer from that moment;
    touching again would look like activity in another tab and push the warning back.
    """
    return await asyncio.to_thread(_resolve, session_token(state), touch)


class SessionState(rx.State):
    """The little the page chrome needs: is someone signed in, their name, and the idle timer.

    The browser counts `idle_seconds` down from the last time it heard from the server
    (`idle_serial` changes each time); at the warning and at the end it asks `idle_check`,
    which looks at the session in the database before warning or signing out, so that
    activity in another tab or handler is not missed.
    """

    signed_in: bool = False
    name_ar: str = ""
    name_en: str = ""
    idle_warning: bool = False
    idle_seconds: int = int(accounts.SESSION_IDLE.total_seconds())
    idle_serial: int = 0
    # "idle": the session ends for lack of activity; "expired": at its 12-hour cap, which
    # activity cannot push back (the warning then only informs, once).
    idle_ending: str = "idle"
    _last_seen_at: datetime | None = None
    _cap_warned: bool = False

    def _signed_out(self) -> None:
        self.signed_in, self.idle_warning = False, False
        self.name_ar = self.name_en = ""
        self._last_seen_at, self._cap_warned = None, False

    def _restart_idle_timer(self, who: SignedIn) -> None:
        """Let the browser count again from what the database says now."""
        self._last_seen_at = who.last_seen_at
        left = (who.ends_at - CLOCK.now()).total_seconds() if who.ends_at else 0
        self.idle_seconds = max(0, int(left))
        self.idle_serial += 1
        self.idle_warning = False
        self.idle_ending = who.ends_for

    @rx.event
    async def require_sign_in(self):
        """on_load guard for signed-in pages: a redirect only; handlers check again."""
        who = await signed_in_account(self)
        if who is None:
            self._signed_out()
            return rx.redirect(routes.LOGIN)
        self.signed_in = True
        self.name_ar, self.name_en = who.name_ar, who.name_en
        self._restart_idle_timer(who)
        return None

    @rx.event
    async def idle_check(self, phase: str):
        """The browser's idle timer ran to the warning ("warn") or to the end ("end").

        Activity the browser did not see (another tab, another handler) restarts the timer;
        otherwise "warn" opens the warning and "end" signs out with the idle message.
        """
        if phase not in IDLE_PHASES or not self.signed_in:
            return None
        who = await asyncio.to_thread(_resolve, session_token(self), False)
        if who is None:
            self._signed_out()
            if phase == "warn":
                return rx.call_script(f"window.location.replace('{routes.AUTH_SIGNED_OUT}')")
            return rx.call_script(
                f"window.location.replace('{routes.signed_out_because(self.idle_ending)}')")
        if self._last_seen_at is None or who.last_seen_at > self._last_seen_at:
            self._restart_idle_timer(who)
            return None
        if phase == "warn":
            if who.ends_for == "expired":
                if self._cap_warned:
                    return None
                self._cap_warned = True
            self.idle_ending = who.ends_for
            self.idle_warning = True
            return None
        # Time is up for this browser and nothing happened elsewhere: end it now.
        self._signed_out()
        return rx.call_script(
            f"window.location.replace('{routes.signed_out_because(who.ends_for)}')")

    @rx.event
    async def stay_signed_in(self):
        """The warning's "Stay signed in": counts as activity on the server."""
        who = await signed_in_account(self)
        if who is None:
            self._signed_out()
            return rx.call_script(
                f"window.location.replace('{routes.signed_out_because('idle')}')")
        self._restart_idle_timer(who)
        return None

    @rx.event
    def dismiss_warning(self):
        """Close the warning of the 12-hour cap (nothing can extend the session then)."""
        self.idle_warning = False

    @rx.event
    async def idle_dialog_open_change(self, is_open: bool):
        """Closing the warning (Escape) means staying signed in (or, at the cap, "OK")."""
        if is_open is False and self.idle_warning:
            if self.idle_ending == "expired":
                return SessionState.dismiss_warning
            return SessionState.stay_signed_in
        return None

    @rx.event
    async def sign_out(self):
        """End the session in the database, then let the server clear the cookie."""
        token = session_token(self)

        def _end() -> None:
            with session_scope() as session:
                accounts.end_session(session, token, now=CLOCK.now())

        await asyncio.to_thread(_end)
        self._signed_out()
        return rx.call_script(f"window.location.replace('{routes.AUTH_SIGNED_OUT}')")
