"""Who is signed in, as the page chrome shows it, for citizens and staff alike, and the idle
timer. Nothing here is trusted for access: every use case finds the caller again from the
HttpOnly session cookie (absher_app.application.unit.run).

The browser counts `idle_seconds` down from the last time it heard from the server
(`idle_serial` changes each time); at the warning and at the end it asks `idle_check`, which
looks at the session in the database before warning or signing out, so that activity in
another tab or handler is not missed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar

import reflex as rx

from absher_app import routes
from absher_app.application import session as chrome
from absher_app.application.identity import SignInRequired
from absher_app.application.inputs import Bounded
from absher_app.application.unit import declared
from absher_app.domain.errors import DomainError
from absher_app.domain.sessions import SESSION_IDLE
from absher_app.state.events import SIGN_IN_PAGES, event, use
from absher_app.state.tab import reset_tab

# The idle warning shows this long before the session would end without activity.
IDLE_WARNING_BEFORE = timedelta(minutes=2)
IDLE_PHASES = ("warn", "end")
SIGNED_OUT_PAGES = {"person": routes.AUTH_SIGNED_OUT, "staff": routes.AUTH_STAFF_SIGNED_OUT}
Phase = Annotated[str, Bounded(8, "warn|end")]
T = TypeVar("T")


def leave_for(url: str) -> rx.event.EventSpec:
    """Replace the page with `url` (a full load: a new socket, with the cookies as they are)."""
    return rx.call_script(f"window.location.replace('{url}')")


class SessionState(rx.State):
    """The little the page chrome needs: whose session (realm), their name (staff: username,
    role, office and permissions), and the idle timer."""

    realm: str = ""
    signed_in: bool = False
    name_ar: str = ""
    name_en: str = ""
    role: str = ""
    office_ar: str = ""
    office_en: str = ""
    permissions: list[str] = []
    idle_warning: bool = False
    idle_seconds: int = int(SESSION_IDLE.total_seconds())
    idle_serial: int = 0
    # "idle": the session ends for lack of activity; "expired": at its 12-hour cap, which
    # activity cannot push back (the warning then only informs, once).
    idle_ending: str = "idle"
    _last_seen_at: datetime | None = None
    _cap_warned: bool = False

    def _show(self, view: chrome.Chrome) -> None:
        """Show the session and let the browser count again from what the database says."""
        self.realm, self.signed_in = view.realm, True
        self.name_ar, self.name_en = view.name_ar, view.name_en
        self.role, self.office_ar, self.office_en = view.role, view.office_ar, view.office_en
        self.permissions = list(view.permissions)
        self._last_seen_at = view.last_seen
        self.idle_seconds, self.idle_serial = view.seconds_left, self.idle_serial + 1
        self.idle_warning, self.idle_ending = False, view.ends_for

    async def _require(self, realm: str):
        await self._enter(realm)
        self._show(await use(self, chrome.CHROME[realm]))

    async def _enter(self, realm: str) -> None:
        # A page of the other realm (a citizen's tab opening the back office) starts afresh.
        if self.realm and self.realm != realm:
            await reset_tab(self)

    @event
    async def require_sign_in(self):
        """on_load guard of a citizen's page that shows nothing of its own (the others load
        through `load_page`): a redirect only; every use case checks again."""
        await self._require("person")

    @event
    async def require_staff(self):
        """on_load guard of staff pages (their own loaders then check the role)."""
        await self._require("staff")

    @event
    async def idle_check(self, phase: Phase):
        """The browser's idle timer ran to the warning ("warn") or to the end ("end").

        Activity the browser did not see (another tab, another handler) restarts the timer;
        otherwise "warn" opens the warning and "end" signs out with the idle message.
        """
        if not self.signed_in or self.realm not in chrome.IDLE_STATUS:
            return None
        realm = self.realm
        try:
            view = await use(self, chrome.IDLE_STATUS[realm])
        except SignInRequired:
            ending = self.idle_ending
            await reset_tab(self)
            if phase == "warn" or realm == "staff":
                return leave_for(SIGNED_OUT_PAGES[realm])
            return leave_for(routes.signed_out_because(ending))
        if self._last_seen_at is None or view.last_seen > self._last_seen_at:
            self._show(view)
            return None
        if phase == "warn":
            if view.ends_for == "expired":
                if self._cap_warned:
                    return None
                self._cap_warned = True
            self.idle_ending, self.idle_warning = view.ends_for, True
            return None
        # Time is up for this browser and nothing happened elsewhere: end it now.
        await reset_tab(self)
        return leave_for(routes.signed_out_because(view.ends_for) if realm == "person"
                         else SIGNED_OUT_PAGES[realm])

    @event
    async def stay_signed_in(self):
        """The warning's "Stay signed in": counts as activity on the server."""
        realm = self.realm if self.realm in chrome.CHROME else "person"
        try:
            self._show(await use(self, chrome.CHROME[realm]))
        except SignInRequired:
            await reset_tab(self)
            return leave_for(routes.signed_out_because("idle") if realm == "person"
                             else SIGNED_OUT_PAGES[realm])
        return None

    @event
    def dismiss_warning(self):
        """Close the warning of the 12-hour cap (nothing can extend the session then)."""
        self.idle_warning = False

    @event
    async def idle_dialog_open_change(self, is_open: bool):
        """Closing the warning (Escape) means staying signed in (or, at the cap, "OK")."""
        if is_open is False and self.idle_warning:
            if self.idle_ending == "expired":
                return SessionState.dismiss_warning
            return SessionState.stay_signed_in
        return None

    @event
    async def sign_out(self):
        """End the session in the database, empty the tab, let the server clear the cookie."""
        realm = self.realm if self.realm in SIGNED_OUT_PAGES else "person"
        await use(self, chrome.sign_out, realm)
        await reset_tab(self)
        return leave_for(SIGNED_OUT_PAGES[realm])


async def load_page(state: rx.State, fn: Callable[..., T], *inputs: Any) -> T:
    """The on_load of a signed-in page, in one event: the page's use case `fn` and the page
    chrome (`SessionState`: who is signed in, the idle timer) from one transaction. Returns
    the page's view; a rule's refusal is raised for the page to show, under the chrome."""
    session = await state.get_state(SessionState)
    realm = declared(fn).realm
    await session._enter(realm)
    try:
        shown, view = await use(state, chrome.with_chrome(fn), *inputs)
    except DomainError:
        # Nothing of the refused transaction stands, the chrome included: ask it alone.
        session._show(await use(state, chrome.CHROME[realm]))
        raise
    session._show(shown)
    return view


__all__ = ["IDLE_WARNING_BEFORE", "SIGN_IN_PAGES", "SessionState", "leave_for", "load_page"]
