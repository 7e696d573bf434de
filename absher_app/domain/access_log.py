"""Who accessed my record: every time someone other than the person opens their record.

Staff write here when they look a person up (office activation, request review); delegates
(and any later actor) write through the same `record_access`, with their own `actor_kind`.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlmodel import Session, col, select

from absher_app.models import Branch, RecordAccess

ACTOR_KINDS = ("staff", "delegate")
# Why a record was opened (i18n `access.purpose.<purpose>` says it to the person).
PURPOSES = ("office_activation", "request_review", "message_answer", "delegated_service")


@dataclasses.dataclass(frozen=True)
class AccessEntry:
    """One access, as the person is shown it."""

    created_at: datetime
    actor_kind: str
    actor_label: str
    office_ar: str
    office_en: str
    purpose: str


def record_access(session: Session, person_id: int, actor_kind: str, actor_label: str,
                  office: str | None, purpose: str, now: datetime,
                  actor_id: int | None = None) -> None:
    """Log that `actor_label` (a staff role, a delegate's name) of kind `actor_kind` opened the
    person's record at `office` (a branch code, or None) for `purpose`.

    Raises:
        ValueError: an unknown actor kind or purpose (a programming error, not user input).
    """
    if actor_kind not in ACTOR_KINDS:
        raise ValueError(f"unknown actor kind {actor_kind!r}")
    if purpose not in PURPOSES:
        raise ValueError(f"unknown access purpose {purpose!r}")
    session.add(RecordAccess(person_id=person_id, actor_kind=actor_kind,
                             actor_label=actor_label[:200], actor_id=actor_id, office=office,
                             purpose=purpose, created_at=now))


def accesses_of(session: Session, person_id: int, limit: int = 50) -> list[AccessEntry]:
    """The latest accesses to the person's record, newest first (office names resolved)."""
    rows = session.exec(
        select(RecordAccess, Branch).join(Branch, col(Branch.code) == col(RecordAccess.office),
                                          isouter=True)
        .where(RecordAccess.person_id == person_id)
        .order_by(col(RecordAccess.created_at).desc(), col(RecordAccess.id).desc()).limit(limit)
    ).all()
    return [AccessEntry(created_at=row.created_at, actor_kind=row.actor_kind,
                        actor_label=row.actor_label,
                        office_ar=branch.name_ar if branch else "",
                        office_en=branch.name_en if branch else "", purpose=row.purpose)
            for row, branch in rows]
