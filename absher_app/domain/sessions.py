"""Signed-in browsers, for citizens and staff alike: one ticket -> cookie -> session stack,
parameterised by the `Realm` (whose tables, which principal, how its audit trail records).

A completed sign-in issues a single-use ticket (60 s); the HTTP endpoint redeems it for a
random session token that lives only in an HttpOnly cookie; the database keeps keyed digests
of both. A session ends on sign-out, after `SESSION_IDLE` without activity, and at
`SESSION_MAX` whatever happens (NIST 800-63B AAL2 re-authentication limits).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, SQLModel, select

from absher_app.domain.secrets import digest, url_token
from absher_app.models.accounts import SessionColumns, TicketColumns

SESSION_IDLE = timedelta(minutes=15)
SESSION_MAX = timedelta(hours=12)
TICKET_TTL = timedelta(seconds=60)
# Activity moves `last_seen_at` at most this often: an event within a minute of the last
# recorded one changes nothing in the database (the idle limit is 15 minutes).
TOUCH_EVERY = timedelta(seconds=60)


@dataclasses.dataclass(frozen=True)
class Realm:
    """One side of the portal that people sign in to (citizens, staff).

    Attributes:
        name: "person" or "staff".
        session_model / ticket_model: its tables (SessionColumns / TicketColumns + owner).
        owner: the owner column of both tables ("account_id", "staff_id").
        owner_model: the owner's table (read with the session row, in the same query).
        prefix: keeps the digests of one realm apart from the other's ("" for citizens).
        principal: the signed-in principal for an owner id, None unless it may sign in now.
        on_signed_in / on_signed_out: the realm's audit trail (and lock clearing).
    """

    name: str
    session_model: type[SessionColumns]
    ticket_model: type[TicketColumns]
    owner: str
    prefix: str
    principal: Callable[[Session, int], Any | None]
    owner_model: type[SQLModel]
    on_signed_in: Callable[[Session, Any, datetime, str], None]
    on_signed_out: Callable[[Session, int, datetime], None]

    def session_digest(self, token: str) -> str:
        return digest(f"{self.prefix}session:{token}")

    def ticket_digest(self, ticket: str) -> str:
        return digest(f"{self.prefix}ticket:{ticket}")


@dataclasses.dataclass(frozen=True)
class Resolved:
    """A live session and its principal."""

    principal: Any
    row: SessionColumns

    @property
    def idle_end(self) -> datetime:
        return self.row.last_seen_at + SESSION_IDLE

    @property
    def ends_at(self) -> datetime:
        """When the session ends unless used again (idle), or for good (its 12-hour cap)."""
        return min(self.idle_end, self.row.expires_at)

    @property
    def ends_for(self) -> str:
        return "idle" if self.idle_end <= self.row.expires_at else "expired"


def issue_ticket(session: Session, realm: Realm, owner_id: int, *, now: datetime) -> str:
    """A single-use, 60-second ticket the realm's session endpoint exchanges for a cookie."""
    ticket = url_token()
    session.add(realm.ticket_model(**{realm.owner: owner_id},
                                   ticket_digest=realm.ticket_digest(ticket),
                                   expires_at=now + TICKET_TTL))
    return ticket


def redeem_ticket(session: Session, realm: Realm, ticket: str, *, now: datetime,
                  device: str = "") -> str | None:
    """Turn a ticket into a new session; the session token (None if the ticket is bad)."""
    if not ticket:
        return None
    model = realm.ticket_model
    row = session.exec(select(model).where(
        model.ticket_digest == realm.ticket_digest(ticket))).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    row.used_at = now
    session.add(row)
    owner_id = getattr(row, realm.owner)
    principal = realm.principal(session, owner_id)
    if principal is None:
        return None
    token = url_token()
    session.add(realm.session_model(**{realm.owner: owner_id},
                                    token_digest=realm.session_digest(token),
                                    created_at=now, last_seen_at=now,
                                    expires_at=now + SESSION_MAX, device=device[:200]))
    realm.on_signed_in(session, principal, now, device)
    return token


def _rows(session: Session, realm: Realm, token: str | None) -> tuple[SessionColumns, Any] | None:
    """The session row of `token` and its owner's row, in one query (every event asks who is
    signed in): while the caller holds the owner's row, `realm.principal` finds it in the
    session (whose identity map holds rows only as long as someone does) without asking again."""
    if not token:
        return None
    model, owner = realm.session_model, realm.owner_model
    found = session.exec(select(model, owner).join(
        owner, getattr(model, realm.owner) == owner.id).where(
        model.token_digest == realm.session_digest(token))).first()
    return (found[0], found[1]) if found else None


def resolve(session: Session, realm: Realm, token: str | None, *, now: datetime,
            touch: bool = True, touch_every: timedelta = timedelta(0)) -> Resolved | None:
    """The live session of `token` and its principal; None when absent, ended or timed out.

    A session found past its idle or absolute limit is ended there and then. `touch` counts
    this call as activity, at most once every `touch_every`.
    """
    found = _rows(session, realm, token)
    if found is None or found[0].ended_at is not None:
        return None
    row, _owner = found
    if row.expires_at <= now or row.last_seen_at + SESSION_IDLE <= now:
        row.ended_at = now
        session.add(row)
        return None
    principal = realm.principal(session, getattr(row, realm.owner))
    if principal is None:
        return None
    if touch and now - row.last_seen_at >= touch_every:
        row.last_seen_at = now
        session.add(row)
    return Resolved(principal, row)


def end(session: Session, realm: Realm, token: str | None, *, now: datetime) -> None:
    """Sign out: the token stops working at once, and for good, whatever the principal's state
    (a session of a locked account must not come back to life when it is active again)."""
    found = _rows(session, realm, token)
    if found is None or found[0].ended_at is not None:
        return
    row = found[0]
    row.ended_at = now
    session.add(row)
    realm.on_signed_out(session, getattr(row, realm.owner), now)


def end_all(session: Session, realm: Realm, owner_id: int, *, now: datetime) -> int:
    """Sign out everywhere; how many sessions ended."""
    model = realm.session_model
    rows = session.exec(select(model).where(
        getattr(model, realm.owner) == owner_id,
        model.ended_at.is_(None))).all()  # type: ignore[union-attr]
    for row in rows:
        row.ended_at = now
        session.add(row)
    return len(rows)
