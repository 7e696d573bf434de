"""The retention job: delete what the portal no longer needs, on the periods of rules.toml
[retention] (each with its reason there), keeping what the account page promises.

Everything is deleted with set-based statements (one DELETE per kind), so the job is quick and
idempotent, and can run beside the app on every worker: a second run finds nothing to do.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, delete, func, or_, select
from sqlmodel import Session, col

from absher_app.domain.account_settings import HISTORY_KINDS, HISTORY_LIMIT
from absher_app.domain.messages import attachments_dir
from absher_app.domain.rules_data import rule
from absher_app.models import (
    Account,
    AuthEvent,
    MessageAttachment,
    OneTimeCode,
    PaymentNotification,
    RecordAccess,
    SignInTicket,
    SmsMessage,
    StaffEvent,
    StaffMember,
    StaffSession,
    StaffSignInTicket,
    UserSession,
)

FINAL_SMS = ("outbox", "sent", "delivered", "failed")


def period(name: str) -> int:
    """A value of rules.toml [retention]."""
    return int(rule("retention", name))


@dataclasses.dataclass
class RetentionReport:
    """How many of each kind were deleted."""

    sms: int = 0
    codes: int = 0
    sessions: int = 0
    auth_events: int = 0
    staff_events: int = 0
    record_accesses: int = 0
    payment_notifications: int = 0
    orphan_files: int = 0

    @property
    def total(self) -> int:
        return sum(dataclasses.astuple(self))

    def summary(self) -> str:
        return (f"deleted {self.sms} SMS, {self.codes} codes and tickets, {self.sessions} "
                f"ended sessions, {self.auth_events} sign-in events, {self.staff_events} staff "
                f"events, {self.record_accesses} record accesses, "
                f"{self.payment_notifications} payment notifications, {self.orphan_files} "
                "orphan files")


def _deleted(session: Session, statement) -> int:
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _latest(model, partition, limit: int, *where):
    """The ids of the `limit` newest rows of each partition."""
    ranked = select(model.id, func.row_number().over(
        partition_by=partition,
        order_by=(col(model.created_at).desc(), col(model.id).desc())).label("rank")
    ).where(*where).subquery()
    return select(ranked.c.id).where(ranked.c.rank <= limit)


def run(session: Session, now: datetime, *, data_dir: str | Path | None = None
        ) -> RetentionReport:
    """Delete everything past its period (in `session`'s transaction; the files at once)."""
    report = RetentionReport()

    def days(name: str) -> datetime:
        return now - timedelta(days=period(name))

    report.sms = _deleted(session, delete(SmsMessage).where(
        col(SmsMessage.status).in_(FINAL_SMS), SmsMessage.created_at < days("sms_days")))

    codes_cutoff = days("codes_days")
    report.codes = sum(_deleted(session, delete(model).where(model.expires_at < codes_cutoff))
                       for model in (OneTimeCode, SignInTicket, StaffSignInTicket))

    sessions_cutoff = days("ended_sessions_days")
    for model in (UserSession, StaffSession):
        report.sessions += _deleted(session, delete(model).where(or_(
            model.ended_at < sessions_cutoff,
            and_(col(model.ended_at).is_(None), model.expires_at < sessions_cutoff))))

    # The sign-in history shows a person's latest HISTORY_LIMIT events of HISTORY_KINDS (their
    # account's, and their own from before the account): those stay, whatever their age.
    shown = _latest(AuthEvent, func.coalesce(AuthEvent.person_id, -AuthEvent.account_id),
                    HISTORY_LIMIT, col(AuthEvent.kind).in_(HISTORY_KINDS))
    locked = select(Account.id).where(Account.status == "locked")
    report.auth_events = _deleted(session, delete(AuthEvent).where(
        AuthEvent.created_at < days("auth_events_days"),
        col(AuthEvent.id).not_in(shown),
        or_(col(AuthEvent.account_id).is_(None), col(AuthEvent.account_id).not_in(locked))))

    locked_staff = select(StaffMember.id).where(StaffMember.status == "locked")
    report.staff_events = _deleted(session, delete(StaffEvent).where(
        StaffEvent.created_at < days("staff_events_days"),
        or_(col(StaffEvent.staff_id).is_(None), col(StaffEvent.staff_id).not_in(locked_staff))))

    kept_accesses = _latest(RecordAccess, RecordAccess.person_id,
                            period("record_access_keep_latest"))
    report.record_accesses = _deleted(session, delete(RecordAccess).where(
        RecordAccess.created_at < days("record_access_days"),
        col(RecordAccess.id).not_in(kept_accesses)))

    report.payment_notifications = _deleted(session, delete(PaymentNotification).where(
        PaymentNotification.received_at < days("payment_notifications_days")))

    session.flush()
    report.orphan_files = remove_orphan_files(session, now, data_dir=data_dir)
    return report


def remove_orphan_files(session: Session, now: datetime, *,
                        data_dir: str | Path | None = None) -> int:
    """Delete attachment files no row names, older than orphan_file_hours; returns how many."""
    folder = attachments_dir(data_dir)
    cutoff = (now - timedelta(hours=period("orphan_file_hours"))).timestamp()
    known = set(session.execute(select(MessageAttachment.storage_name)).scalars().all())
    removed = 0
    for path in folder.iterdir():
        if not path.is_file() or path.name in known:
            continue
        try:
            if path.stat().st_mtime < min(cutoff, time.time()):
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another worker's run got there first
            continue
    return removed
