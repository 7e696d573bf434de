"""The authentication audit trail, and the throttles that count its rows.

Counting audit rows (rather than counters in memory) keeps the limits right across workers and
restarts, and leaves one record of every attempt for the person's sign-in history.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, func, select

from absher_app.models import AuthEvent


def record(session: Session, kind: str, *, person_id: int | None = None,
           account_id: int | None = None, detail: str = "", device: str = "",
           now: datetime) -> None:
    """Add one audit row (never a secret in `detail`)."""
    session.add(AuthEvent(person_id=person_id, account_id=account_id, kind=kind,
                          detail=detail[:200], device=device[:200], created_at=now))


def count_since(session: Session, kind: str, since: datetime, *,
                person_id: int | None = None, account_id: int | None = None,
                detail: str | None = None) -> int:
    """How many `kind` events for that person or account (or with that detail) happened at
    or after `since`."""
    query = select(func.count()).select_from(AuthEvent).where(
        AuthEvent.kind == kind, AuthEvent.created_at >= since
    )
    if detail is not None:
        query = query.where(AuthEvent.detail == detail)
    if person_id is not None:
        query = query.where(AuthEvent.person_id == person_id)
    if account_id is not None:
        query = query.where(AuthEvent.account_id == account_id)
    return int(session.exec(query).one())


def recent(session: Session, kind: str, since: datetime, *, person_id: int | None = None,
           account_id: int | None = None, detail: str | None = None,
           limit: int = 100) -> list[datetime]:
    """Times of the matching events, newest first."""
    query = select(AuthEvent.created_at).where(
        AuthEvent.kind == kind, AuthEvent.created_at >= since
    )
    if detail is not None:
        query = query.where(AuthEvent.detail == detail)
    if person_id is not None:
        query = query.where(AuthEvent.person_id == person_id)
    if account_id is not None:
        query = query.where(AuthEvent.account_id == account_id)
    query = query.order_by(col(AuthEvent.created_at).desc()).limit(limit)
    return list(session.exec(query).all())


def last_time(session: Session, kind: str, *, person_id: int | None = None,
              account_id: int | None = None) -> datetime | None:
    """When the latest `kind` event happened, if ever."""
    times = recent(session, kind, BEGINNING, person_id=person_id, account_id=account_id, limit=1)
    return times[0] if times else None


# Earlier than any event: the start of 'since ever' windows.
BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)


def window(now: datetime, seconds: int) -> datetime:
    """The start of a window of `seconds` ending now."""
    return now - timedelta(seconds=seconds)
