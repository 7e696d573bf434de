"""The staff side of messages and appointments, for the staff pages: every action checks the
role first (`staff.require`), and what opens a person's record is logged for them.

Passports officers (and administrators) answer messages; branch managers manage their own
office's branch, administrators any branch. The message and appointment rules themselves live
in `messages` and `appointments` (the CLI calls those directly, as the operator)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from absher_app.domain import access_log, appointments, messages, staff
from absher_app.domain.errors import ValidationError
from absher_app.domain.staff import ANSWER_MESSAGES, MANAGE_BRANCHES, StaffIdentity
from absher_app.models import Appointment, Branch, BranchClosure, Message, MessageAttachment
from absher_app.providers.sms import SmsSender

# How far from today the branch day view reaches (back: to look at what happened; ahead: the
# booking horizon and more).
DAY_VIEW_BACK = timedelta(days=31)
DAY_VIEW_AHEAD = timedelta(days=366)


# ---------------------------------------------------------------------------------------------
# Messages.

@dataclasses.dataclass(frozen=True)
class InboxFilter:
    """The inbox filter as the staff member chose it; "" means any."""

    sector: str = ""
    topic: str = ""
    status: str = ""


def clean_filter(sector: str, topic: str, status: str) -> InboxFilter:
    """The filter values the server accepts (the browser's are never trusted).

    Raises:
        ValidationError: sector_unknown, topic_unknown, status_unknown (about that field).
    """
    sector, topic, status = (str(v or "").strip()[:40] for v in (sector, topic, status))
    if sector and sector not in messages.sectors():
        raise ValidationError("sector_unknown", "no such sector", field="sector")
    if topic and topic not in (messages.topics(sector) if sector else
                               {t for s in messages.sectors() for t in messages.topics(s)}):
        raise ValidationError("topic_unknown", "no such service", field="topic")
    if status and status not in messages.STATUSES:
        raise ValidationError("status_unknown", "no such status", field="status")
    return InboxFilter(sector, topic, status)


def inbox(session: Session, who: StaffIdentity, chosen: InboxFilter) -> list[Message]:
    """The messages matching the filter, oldest waiting first."""
    staff.require(who, ANSWER_MESSAGES)
    return messages.inbox(session, sector=chosen.sector or None, topic=chosen.topic or None,
                          status=chosen.status or None)


def open_message(session: Session, who: StaffIdentity, reference: str, *,
                 now: datetime) -> Message:
    """One message for answering: opening it is logged in the person's "who accessed my
    record", and a sent message goes "in review" (the person sees someone took it up).

    Raises:
        NotAllowedError, ValidationError (message_unknown).
    """
    staff.require(who, ANSWER_MESSAGES)
    message = messages.find(session, reference)
    if message is None:
        raise ValidationError("message_unknown", "no message has this reference")
    access_log.record_access(session, message.person_id, "staff", who.role, who.office,
                             "message_answer", now, actor_id=who.staff_id)
    staff.record(session, "record_opened", staff_id=who.staff_id,
                 detail=f"message {message.reference} message_answer", now=now)
    if message.status == messages.MessageStatus.SENT:
        messages.start_review(session, message.reference, now=now)
    session.flush()
    return message


def answer_message(session: Session, who: StaffIdentity, reference: str, text: str, *,
                   now: datetime, sms: SmsSender) -> Message:
    """Answer (the person is told in-app and by SMS)."""
    staff.require(who, ANSWER_MESSAGES)
    message = messages.answer(session, reference, text, staff_label=who.username, now=now,
                              sms=sms)
    staff.record(session, "message_answered", staff_id=who.staff_id, detail=reference, now=now)
    return message


def mark_needs_visit(session: Session, who: StaffIdentity, reference: str, *, now: datetime,
                     sms: SmsSender) -> Message:
    """Say the matter needs a visit: the person is offered an appointment."""
    staff.require(who, ANSWER_MESSAGES)
    message = messages.mark_needs_visit(session, reference, now=now, sms=sms)
    staff.record(session, "message_needs_visit", staff_id=who.staff_id, detail=reference,
                 now=now)
    return message


def close_message(session: Session, who: StaffIdentity, reference: str, *, now: datetime,
                  sms: SmsSender) -> Message:
    """Close the message (no more replies); the person is told."""
    staff.require(who, ANSWER_MESSAGES)
    message = messages.close(session, reference, now=now, sms=sms)
    staff.record(session, "message_closed", staff_id=who.staff_id, detail=reference, now=now)
    return message


def attachment_for_staff(session: Session, who: StaffIdentity, attachment_id: int, *,
                         now: datetime) -> MessageAttachment | None:
    """A sent message's attachment for the staff download (None when there is no such file
    sent with a message); each download is in the staff audit trail.

    Raises:
        NotAllowedError: the role does not answer messages.
    """
    staff.require(who, ANSWER_MESSAGES)
    attachment = session.get(MessageAttachment, attachment_id)
    if attachment is None or attachment.message_id is None:
        return None
    message = session.get(Message, attachment.message_id)
    staff.record(session, "attachment_opened", staff_id=who.staff_id,
                 detail=f"message {message.reference if message else '?'}", now=now)
    return attachment


# ---------------------------------------------------------------------------------------------
# Branches.

def managed_branches(session: Session, who: StaffIdentity) -> list[Branch]:
    """The branches this staff member manages: their office's, or every one for an admin."""
    staff.require(who, MANAGE_BRANCHES)
    query = select(Branch).order_by(col(Branch.city), col(Branch.code))
    if who.role != "admin":
        if not who.office:
            return []
        query = query.where(Branch.code == who.office)
    return list(session.exec(query).all())


def _managed(session: Session, who: StaffIdentity, branch_code: str) -> Branch:
    branch = next((b for b in managed_branches(session, who) if b.code == branch_code), None)
    if branch is None:
        raise staff.NotAllowedError("branch_not_managed", "you do not manage this branch")
    return branch


def parse_day(text: str, now: datetime) -> date:
    """A day from the page (YYYY-MM-DD) within the view's reach.

    Raises:
        ValidationError: day_invalid (about "day").
    """
    try:
        day = date.fromisoformat(str(text or "").strip()[:10])
    except ValueError:
        raise ValidationError("day_invalid", "give a date as YYYY-MM-DD", field="day") from None
    today = now.astimezone(appointments.RIYADH).date()
    if not today - DAY_VIEW_BACK <= day <= today + DAY_VIEW_AHEAD:
        raise ValidationError("day_invalid", "give a date within the coming year", field="day")
    return day


@dataclasses.dataclass(frozen=True)
class BranchDay:
    """One day at a branch, as the branch page shows it."""

    branch: Branch
    day: date
    slots: list[appointments.SlotView]
    appointments: list[Appointment]
    closed_reason: str
    working_day: bool


def branch_day(session: Session, who: StaffIdentity, branch_code: str, day: date) -> BranchDay:
    """The day's slots (booked / capacity) and appointments at a branch this staff manages.
    A weekend or public holiday has no slots."""
    branch = _managed(session, who, branch_code)
    closure = session.exec(select(BranchClosure).where(
        BranchClosure.branch_id == branch.id, BranchClosure.day == day)).first()
    working = appointments.is_working_day(day)
    return BranchDay(branch, day, appointments.day_slots(session, branch, day) if working else [],
                     appointments.branch_appointments(session, branch.code, day),
                     closure.reason if closure else "", working)


def set_capacity(session: Session, who: StaffIdentity, branch_code: str, places: int, *,
                 now: datetime, day: date | None = None,
                 start: str | None = None) -> appointments.CapacityChange:
    """Places per slot: the branch default (no day), a whole day, or one slot."""
    branch = _managed(session, who, branch_code)
    change = appointments.set_capacity(session, branch.code, places, now=now, day=day,
                                       start=start)
    where = f"{day.isoformat() if day else 'default'}{' ' + start if start else ''}"
    staff.record(session, "capacity_set", staff_id=who.staff_id,
                 detail=f"{branch.code} {where} {places}", now=now)
    return change


def close_day(session: Session, who: StaffIdentity, branch_code: str, day: date, reason: str,
              *, now: datetime, sms: SmsSender) -> list[Appointment]:
    """Close the branch for a day; the people booked are told and offered another time."""
    branch = _managed(session, who, branch_code)
    affected = appointments.close_day(session, branch.code, day, reason, now=now, sms=sms)
    staff.record(session, "day_closed", staff_id=who.staff_id,
                 detail=f"{branch.code} {day.isoformat()} ({len(affected)} cancelled)", now=now)
    return affected


def reopen_day(session: Session, who: StaffIdentity, branch_code: str, day: date, *,
               now: datetime) -> bool:
    """Undo a closure (False when the day was not closed)."""
    branch = _managed(session, who, branch_code)
    reopened = appointments.reopen_day(session, branch.code, day)
    if reopened:
        staff.record(session, "day_reopened", staff_id=who.staff_id,
                     detail=f"{branch.code} {day.isoformat()}", now=now)
    return reopened


def check_in(session: Session, who: StaffIdentity, branch_code: str, scanned: str, *,
             now: datetime) -> Appointment:
    """Check a slip in at this branch (a slip of another branch is unknown here).

    Raises:
        NotAllowedError, ValidationError (checkin_unknown, appointment_not_active,
            checkin_not_today).
    """
    branch = _managed(session, who, branch_code)
    ref = (scanned or "").strip().removeprefix(appointments.QR_PREFIX)[:64]
    found = session.exec(select(Appointment).where(Appointment.checkin_ref == ref)).first() \
        if ref else None
    if found is None or found.branch_id != branch.id:
        raise ValidationError("checkin_unknown", "this slip is not known")
    appointment = appointments.check_in(session, scanned, now=now)
    staff.record(session, "checked_in", staff_id=who.staff_id,
                 detail=f"{branch.code} {appointment.reference}", now=now)
    return appointment
