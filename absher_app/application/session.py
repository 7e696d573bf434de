"""The session as the page chrome shows it: who is signed in, until when; and signing out.

The same use cases serve citizens and staff: the realm says whose session it is.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import select

from absher_app.application.identity import REALMS, SignedIn, live_sessions_stamp
from absher_app.application.unit import Tx, declared, use_case
from absher_app.domain import sessions
from absher_app.models import Branch, Person

T = TypeVar("T")


@dataclasses.dataclass
class Chrome:
    """What the header and the idle timer need; `seconds_left` counts from `last_seen`."""

    realm: str
    name_ar: str
    name_en: str
    seconds_left: int
    ends_for: str
    last_seen: datetime  # the session's last recorded activity (kept server-side)
    role: str = ""
    office_ar: str = ""
    office_en: str = ""
    permissions: tuple[str, ...] = ()


def _chrome(tx: Tx, who: SignedIn) -> Chrome:
    left = max(0, int((who.ends_at - tx.now).total_seconds()))
    seen = who.last_seen_at
    if who.realm == "staff":
        office = tx.session.exec(select(Branch).where(Branch.code == who.staff.office)).first() \
            if who.staff.office else None
        return Chrome("staff", who.staff.username, who.staff.username, left, who.ends_for, seen,
                      role=who.staff.role,
                      office_ar=office.name_ar if office else (who.staff.office or ""),
                      office_en=office.name_en if office else (who.staff.office or ""),
                      permissions=tuple(sorted(who.staff.permissions)))
    person = tx.session.get(Person, who.person_id)
    return Chrome("person", person.name_ar, person.name_en, left, who.ends_for, seen)


@functools.cache  # built once per use case
def with_chrome(fn: Callable[..., T]) -> Callable[..., tuple[Chrome, T]]:
    """Use case `fn` together with the page chrome of its realm: `(chrome, view)` from one
    transaction. A page load needs both; asked one after the other they cost two events, two
    transactions and two session lookups."""
    spec = declared(fn)
    if spec.realm is None:
        raise ValueError(f"{fn.__qualname__}: a public use case has no page chrome")

    # Opening a page is activity, as the chrome alone is, whatever `fn` alone declares.
    @use_case(realm=spec.realm, permission=spec.permission)
    @functools.wraps(fn)
    def page(tx: Tx, who: SignedIn, *inputs: Any) -> tuple[Chrome, T]:
        return _chrome(tx, who), fn(tx, who, *inputs)

    return page


# Opening a page is activity; the idle timer's own checks are not (they would keep the
# session alive for ever).
person_chrome = use_case(realm="person")(_chrome)
staff_chrome = use_case(realm="staff")(_chrome)
CHROME = {"person": person_chrome, "staff": staff_chrome}
IDLE_STATUS = {"person": use_case(realm="person", activity=False)(_chrome),
               "staff": use_case(realm="staff", activity=False)(_chrome)}


@use_case(realm=None)
def sign_out(tx: Tx, who: None, realm: str) -> None:
    """End the caller's session of `realm` (if it is still live); the cookie endpoint clears
    the cookie."""
    sessions.end(tx.session, REALMS[realm], tx.caller.token(realm), now=tx.now)


@use_case(realm=None)
def redeem_ticket(tx: Tx, who: None, realm: str, ticket: str) -> str | None:
    """A completed sign-in's ticket for a new session token (None if the ticket is bad)."""
    return sessions.redeem_ticket(tx.session, REALMS[realm], ticket[:100], now=tx.now,
                                  device=tx.caller.device)


@use_case(realm=None)
def tab_owner(tx: Tx, who: None) -> str:
    """Whose the tab's states may be: a digest of the caller's live sessions ("" for nobody),
    compared at hydration with the one recorded when the states were filled."""
    return live_sessions_stamp(tx.session, tx.caller, tx.now)


__all__ = ["CHROME", "IDLE_STATUS", "Chrome", "redeem_ticket", "sign_out", "tab_owner",
           "with_chrome"]

