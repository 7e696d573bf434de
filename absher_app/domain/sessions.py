"""Signed-in browsers, for citizens and staff alike: one ticket -> cookie -> session stack,
parameterised by the `Realm` (whose tables, which principal, how its audit trail records).

A completed sign-in issues a single-use ticket (60 s); the HTTP endpoint redeems it for a
random session token that lives only in an HttpOnly cookie; the database keeps keyed digests
of both. A session ends on sign-out, after `SESSION_IDLE` without activity, and at
`SESSION_MAX` whatever happens (NIST 800-63B AAL2 re-authentication limits).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, bindparam, update
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
        owner_columns: the owner's columns read with it: `status` (the owner may sign in only
            while it is ACTIVE_STATUS), then what callers need at every event (a citizen's
            `person_id`), so that the principal itself is read only when a use case needs it.
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
    owner_columns: tuple[str, ...]
    on_signed_in: Callable[[Session, Any, datetime, str], None]
    on_signed_out: Callable[[Session, int, datetime], None]

    def session_digest(self, token: str) -> str:
        return digest(f"{self.prefix}session:{token}")

    def ticket_digest(self, ticket: str) -> str:
        return digest(f"{self.prefix}ticket:{ticket}")


# The owner status that may sign in (accounts' and staff members' alike).
ACTIVE_STATUS = "active"


@dataclasses.dataclass(frozen=True)
class Resolved:
    """A live session: its row as read (`id`, `owner_id`, `expires_at`, … and the owner's
    `Realm.owner_columns`), its last activity (now, when this call touched it), and its
    principal, read from the database the first time someone asks for it."""

    row: Row
    last_seen_at: datetime
    load_principal: Callable[[], Any] = dataclasses.field(repr=False, compare=False)

    @functools.cached_property
    def principal(self) -> Any:
        return self.load_principal()

    @property
    def idle_end(self) -> datetime:
        return self.last_seen_at + SESSION_IDLE

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


@functools.cache
def _lookup_statement(realm: Realm) -> Select:
    """The session row of a token digest and its owner's `owner_columns`, as plain columns.

    Every event asks who is signed in, often twice: built once, and read without the ORM
    (the ORM's statement building and entity loading took 0.4 ms of each lookup; bench/)."""
    table, owner = realm.session_model.__table__, realm.owner_model.__table__
    owner_id = table.c[realm.owner]
    return select(table.c.id, owner_id.label("owner_id"), table.c.last_seen_at,
                  table.c.expires_at, table.c.ended_at,
                  *(owner.c[name] for name in realm.owner_columns)).join(
        owner, owner_id == owner.c.id).where(table.c.token_digest == bindparam("digest"))


def _lookup(session: Session, realm: Realm, token: str | None) -> Row | None:
    if not token:
        return None
    # Through the session, not its connection: the session's pending changes (an end_all of
    # this transaction) are flushed first.
    return session.execute(_lookup_statement(realm),
                           {"digest": realm.session_digest(token)}).first()


def _set(session: Session, realm: Realm, session_id: int, **values: datetime) -> None:
    table = realm.session_model.__table__
    session.execute(update(table).where(table.c.id == session_id).values(**values))


def resolve(session: Session, realm: Realm, token: str | None, *, now: datetime,
            touch: bool = True, touch_every: timedelta = timedelta(0)) -> Resolved | None:
    """The live session of `token`; None when absent, ended, timed out or its owner may not
    sign in now (not ACTIVE_STATUS).

    A session found past its idle or absolute limit is ended there and then. `touch` counts
    this call as activity, at most once every `touch_every`.
    """
    row = _lookup(session, realm, token)
    if row is None or row.ended_at is not None:
        return None
    if row.expires_at <= now or row.last_seen_at + SESSION_IDLE <= now:
        _set(session, realm, row.id, ended_at=now)
        return None
    if row.status != ACTIVE_STATUS:
        return None
    last_seen = row.last_seen_at
    if touch and now - last_seen >= touch_every:
        _set(session, realm, row.id, last_seen_at=now)
        last_seen = now
    return Resolved(row, last_seen, functools.partial(realm.principal, session, row.owner_id))


def end(session: Session, realm: Realm, token: str | None, *, now: datetime) -> None:
    """Sign out: the token stops working at once, and for good, whatever the principal's state
    (a session of a locked account must not come back to life when it is active again)."""
    row = _lookup(session, realm, token)
    if row is None or row.ended_at is not None:
        return
    _set(session, realm, row.id, ended_at=now)
    realm.on_signed_out(session, row.owner_id, now)


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
