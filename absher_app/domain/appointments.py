"""Appointments at the directorate's branches: sector and service -> city -> branch -> a day
(Sunday to Thursday, no public holiday, no day the branch closed) -> a time with a free place
-> confirm; view, reschedule, cancel; the slip's check-in reference. And the branch manager's
side: capacity per slot, closing a day.

Never overbooked: a slot's `booked` counter moves only by a conditional UPDATE
(`... WHERE booked < capacity AND NOT closed`), which the database applies one writer at a time
(a row lock on PostgreSQL, the write lock on SQLite), so of many people racing for the last
place exactly one gets it; a CHECK constraint backs it. One active appointment per person and
service is the unique `active_key`.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, time, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from absher_app.domain import messages as messages_domain
from absher_app.domain import notify
from absher_app.domain.calendars import RIYADH, to_hijri
from absher_app.domain.errors import ValidationError
from absher_app.domain.rules_data import rule
from absher_app.domain.secrets import numeric_code, url_token
from absher_app.models import (
    Account,
    Appointment,
    AppointmentSlot,
    Branch,
    BranchClosure,
    Message,
    Person,
)
from absher_app.providers.sms import SmsSender


class AppointmentStatus(StrEnum):
    """An appointment's status (the stored value is the enum's value)."""

    BOOKED = "booked"
    CANCELLED = "cancelled"  # by the person
    CANCELLED_BY_BRANCH = "cancelled_by_branch"  # the branch closed that day
    ATTENDED = "attended"  # checked in at the branch


# The one status that holds a place (and may be moved, cancelled or checked in).
ACTIVE = AppointmentStatus.BOOKED
STATUSES = tuple(AppointmentStatus)
REFERENCE = re.compile(r"6[0-9]{9}")
QR_PREFIX = "absher-checkin:"


# ---------------------------------------------------------------------------------------------
# The lists and the calendar (rules.toml [appointments]).

def sectors() -> list[str]:
    """The sectors one may book with."""
    return list(rule("appointments", "sectors"))


def topics(sector: str) -> list[str]:
    """The services one may book a visit for, in a sector."""
    return list(rule("appointments", sector)) if sector in sectors() else []


def slot_times() -> list[str]:
    """Every slot start of a working day, "HH:MM"."""
    first = datetime.strptime(rule("appointments", "first_slot"), "%H:%M")
    last = datetime.strptime(rule("appointments", "last_slot"), "%H:%M")
    step = timedelta(minutes=int(rule("appointments", "slot_minutes")))
    times = []
    while first <= last:
        times.append(first.strftime("%H:%M"))
        first += step
    return times


def is_public_holiday(day: date) -> bool:
    """A public holiday of the rules file (fixed Gregorian, Hijri (Umm al-Qura), one-off)."""
    if day.strftime("%m-%d") in rule("appointments", "fixed_holidays"):
        return True
    if day.isoformat() in rule("appointments", "extra_holidays"):
        return True
    hijri = to_hijri(day)
    return hijri is not None and [hijri.month, hijri.day] in rule("appointments",
                                                                  "hijri_holidays")


def is_working_day(day: date) -> bool:
    """Sunday to Thursday and not a public holiday."""
    return day.weekday() in rule("appointments", "working_weekdays") and \
        not is_public_holiday(day)


def starts_at(day: date, start: str) -> datetime:
    """When a slot starts (Riyadh time, timezone-aware)."""
    hours, minutes = (int(part) for part in start.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=RIYADH)


def _bookable_time(day: date, start: str, now: datetime) -> bool:
    lead = timedelta(minutes=int(rule("appointments", "lead_minutes")))
    return start in slot_times() and starts_at(day, start) >= now + lead


def _closed_days(session: Session, branch_id: int, first: date, last: date) -> set[date]:
    return set(session.exec(select(BranchClosure.day).where(
        BranchClosure.branch_id == branch_id, BranchClosure.day >= first,
        BranchClosure.day <= last)).all())


def bookable_days(session: Session, branch: Branch, now: datetime) -> list[date]:
    """The days one may book at the branch, from today to book_days_ahead ahead (a day with
    no time left to book, like today after the last slot, is left out)."""
    today = now.astimezone(RIYADH).date()
    last = today + timedelta(days=int(rule("appointments", "book_days_ahead")))
    closed = _closed_days(session, branch.id, today, last)
    latest = slot_times()[-1]
    days = []
    day = today
    while day <= last:
        if is_working_day(day) and day not in closed and _bookable_time(day, latest, now):
            days.append(day)
        day += timedelta(days=1)
    return days


def _check_day(session: Session, branch: Branch, day: date, now: datetime) -> None:
    today = now.astimezone(RIYADH).date()
    if day < today:
        raise ValidationError("appointment_past", "that day has passed")
    if day > today + timedelta(days=int(rule("appointments", "book_days_ahead"))):
        raise ValidationError("appointment_too_far", "that day is too far ahead",
                              days=int(rule("appointments", "book_days_ahead")))
    if day.weekday() not in rule("appointments", "working_weekdays"):
        raise ValidationError("appointment_weekend", "branches receive Sunday to Thursday")
    if is_public_holiday(day):
        raise ValidationError("appointment_holiday", "that day is a public holiday")
    if day in _closed_days(session, branch.id, day, day):
        raise ValidationError("appointment_branch_closed", "the branch is closed that day")


# ---------------------------------------------------------------------------------------------
# Branches and slots.

def cities(session: Session) -> list[str]:
    """The cities that have a branch (keys, see i18n appointments.city.*)."""
    return sorted(set(session.exec(select(Branch.city)).all()))


def branches_in(session: Session, city: str) -> list[Branch]:
    """The branches of a city."""
    return list(session.exec(select(Branch).where(Branch.city == city)
                             .order_by(col(Branch.code))).all())


def find_branch(session: Session, branch_code: str) -> Branch:
    """The branch with this code.

    Raises:
        ValidationError: branch_unknown.
    """
    branch = session.exec(select(Branch).where(
        Branch.code == (branch_code or "").strip().upper())).first()
    if branch is None:
        raise ValidationError("branch_unknown", "no branch has this code")
    return branch


def ensure_slots(session: Session, branch: Branch, day: date) -> list[AppointmentSlot]:
    """The day's slot rows at the branch, made (at the branch's capacity) where missing. Two
    workers making the same row at once is harmless: the loser's insert does nothing."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    closed = day in _closed_days(session, branch.id, day, day)
    rows = [{"branch_id": branch.id, "day": day, "start": start,
             "capacity": branch.slot_capacity, "booked": 0, "closed": closed}
            for start in slot_times()]
    session.execute(insert(AppointmentSlot).values(rows).on_conflict_do_nothing(
        index_elements=["branch_id", "day", "start"]))
    return list(session.exec(select(AppointmentSlot).where(
        AppointmentSlot.branch_id == branch.id, AppointmentSlot.day == day)
        .order_by(col(AppointmentSlot.start))).all())


@dataclasses.dataclass(frozen=True)
class SlotView:
    """A time on a day at a branch, with what is left of it."""

    start: str
    capacity: int
    booked: int
    closed: bool

    @property
    def free(self) -> int:
        """Places left (0 when closed)."""
        return 0 if self.closed else max(0, self.capacity - self.booked)


def day_slots(session: Session, branch: Branch, day: date) -> list[SlotView]:
    """Every slot of the day with its capacity and bookings (for the branch page)."""
    return [SlotView(s.start, s.capacity, s.booked, s.closed)
            for s in ensure_slots(session, branch, day)]


def free_slots(session: Session, branch: Branch, day: date, now: datetime) -> list[SlotView]:
    """The times of the day one may still book, with at least one free place."""
    try:
        _check_day(session, branch, day, now)
    except ValidationError:
        return []
    return [s for s in day_slots(session, branch, day)
            if s.free > 0 and _bookable_time(day, s.start, now)]


def _take_place(session: Session, branch: Branch, day: date, start: str) -> AppointmentSlot:
    slot = next((s for s in ensure_slots(session, branch, day) if s.start == start), None)
    if slot is None:
        raise ValidationError("appointment_time_unknown", "choose a time from the list")
    # The one statement that decides who gets a place: applied by one writer at a time, it
    # matches only while a place is left.
    taken = session.execute(
        sa.update(AppointmentSlot)
        .where(AppointmentSlot.id == slot.id, AppointmentSlot.booked < AppointmentSlot.capacity,
               AppointmentSlot.closed.is_(False))  # type: ignore[attr-defined]
        .values(booked=AppointmentSlot.booked + 1)).rowcount
    if taken != 1:
        raise ValidationError("appointment_full", "that time has just been taken")
    session.refresh(slot)
    return slot


def _release_place(session: Session, slot_id: int) -> None:
    session.execute(sa.update(AppointmentSlot)
                    .where(AppointmentSlot.id == slot_id, AppointmentSlot.booked > 0)
                    .values(booked=AppointmentSlot.booked - 1))


# ---------------------------------------------------------------------------------------------
# The person's side.

def _active_key(person_id: int, sector: str, topic: str) -> str:
    return f"{person_id}:{sector}:{topic}"


def _unique_reference(session: Session) -> str:
    while True:
        value = "6" + numeric_code(9)
        if session.exec(select(Appointment.id).where(Appointment.reference == value)).first() \
                is None:
            return value


def find(session: Session, reference: str) -> Appointment | None:
    """The appointment with this reference (None for anything malformed)."""
    reference = (reference or "").strip()
    if not REFERENCE.fullmatch(reference):
        return None
    return session.exec(select(Appointment).where(Appointment.reference == reference)).first()


def appointment_for(session: Session, reference: str, person_id: int) -> Appointment | None:
    """The person's own appointment (None alike for "not yours" and "does not exist")."""
    appointment = find(session, reference)
    return appointment if appointment is not None and appointment.person_id == person_id \
        else None


# Prebuilt (see absher_app.db): every dashboard load.
_APPOINTMENTS_OF = select(Appointment).where(
    Appointment.person_id == bindparam("person_id")).order_by(col(Appointment.id).desc())


def appointments_of(session: Session, person_id: int) -> list[Appointment]:
    """The person's appointments, the soonest booked ones first, then the rest, latest first."""
    rows = list(session.exec(_APPOINTMENTS_OF, params={"person_id": person_id}).all())
    booked = sorted((a for a in rows if a.status == ACTIVE), key=lambda a: (a.day, a.start))
    return booked + [a for a in rows if a.status != ACTIVE]


def next_appointment(session: Session, person_id: int, now: datetime) -> Appointment | None:
    """The person's next booked appointment that has not started yet (the dashboard tile)."""
    upcoming = [a for a in appointments_of(session, person_id)
                if a.status == ACTIVE and starts_at(a.day, a.start) >= now]
    return upcoming[0] if upcoming else None


def _message_to_carry(session: Session, person_id: int, reference: str | None) -> Message | None:
    if not reference:
        return None
    message = messages_domain.message_for(session, reference, person_id)
    if message is None or not message.needs_visit:
        raise ValidationError("appointment_message_unknown",
                              "no message of yours asks for a visit with this reference")
    return message


def book(session: Session, account: Account, *, sector: str, topic: str, branch_code: str,
         day: date, start: str, now: datetime, sms: SmsSender,
         message_reference: str | None = None) -> Appointment:
    """Book a place for the account's person; in one transaction, which the caller commits (a
    refusal raised here leaves it to be rolled back).

    Raises:
        ValidationError: sector_unknown, topic_unknown, branch_unknown, appointment_past,
            appointment_too_far, appointment_weekend, appointment_holiday,
            appointment_branch_closed, appointment_time_unknown, appointment_full,
            appointment_already_booked, appointment_message_unknown.
    """
    if sector not in sectors():
        raise ValidationError("sector_unknown", "choose a sector")
    if topic not in topics(sector):
        raise ValidationError("topic_unknown", "choose a service from the list")
    branch = find_branch(session, branch_code)
    message = _message_to_carry(session, account.person_id, message_reference)
    _check_day(session, branch, day, now)
    if not _bookable_time(day, start, now):
        raise ValidationError("appointment_time_unknown" if start not in slot_times()
                              else "appointment_past", "choose a later time")
    key = _active_key(account.person_id, sector, topic)
    if session.exec(select(Appointment.id).where(Appointment.active_key == key)).first():
        raise ValidationError("appointment_already_booked",
                              "you already have an appointment for this service")
    slot = _take_place(session, branch, day, start)
    appointment = Appointment(
        reference=_unique_reference(session), account_id=account.id,
        person_id=account.person_id, slot_id=slot.id, branch_id=branch.id, sector=sector,
        topic=topic, day=day, start=start, active_key=key,
        message_id=message.id if message else None, checkin_ref=url_token(),
        created_at=now, updated_at=now)
    try:
        session.add(appointment)
        session.flush()
    except IntegrityError as exc:  # the same person booked the same service a moment ago
        raise ValidationError("appointment_already_booked",
                              "you already have an appointment for this service") from exc
    _tell(session, appointment, branch, "appointment_booked", now, sms)
    return appointment


def _tell(session: Session, appointment: Appointment, branch: Branch, key: str,
          now: datetime, sms: SmsSender, **extra: str) -> None:
    notify.notify(session, session.get(Person, appointment.person_id), key, now=now, sms=sms,
                  reference=appointment.reference, day=appointment.day.isoformat(),
                  time=appointment.start,
                  localized={"ar": {"branch": branch.name_ar}, "en": {"branch": branch.name_en}},
                  **extra)
    session.flush()


def _own_booked(session: Session, account: Account, reference: str,
                now: datetime) -> Appointment:
    appointment = appointment_for(session, reference, account.person_id)
    if appointment is None:
        raise ValidationError("appointment_unknown", "no appointment of yours has this reference")
    if appointment.status != ACTIVE:
        raise ValidationError("appointment_not_active", "this appointment is no longer booked")
    if starts_at(appointment.day, appointment.start) <= now:
        raise ValidationError("appointment_started", "this appointment has already started")
    return appointment


def reschedule(session: Session, account: Account, reference: str, *, branch_code: str,
               day: date, start: str, now: datetime, sms: SmsSender) -> Appointment:
    """Move a booked appointment to another time (at the same or another branch). The new
    place is taken before the old one is given back, in one transaction: if the new time is
    full, the old booking stays as it was.

    Raises:
        ValidationError: as `book`, and appointment_unknown, appointment_not_active,
            appointment_started, appointment_same_time.
    """
    appointment = _own_booked(session, account, reference, now)
    branch = find_branch(session, branch_code)
    if (branch.id, day, start) == (appointment.branch_id, appointment.day, appointment.start):
        raise ValidationError("appointment_same_time", "that is the time you already have")
    _check_day(session, branch, day, now)
    if not _bookable_time(day, start, now):
        raise ValidationError("appointment_time_unknown" if start not in slot_times()
                              else "appointment_past", "choose a later time")
    slot = _take_place(session, branch, day, start)
    _release_place(session, appointment.slot_id)
    appointment.slot_id, appointment.branch_id = slot.id, branch.id
    appointment.day, appointment.start, appointment.updated_at = day, start, now
    session.add(appointment)
    _tell(session, appointment, branch, "appointment_rescheduled", now, sms)
    return appointment


def cancel(session: Session, account: Account, reference: str, *, now: datetime,
           sms: SmsSender) -> Appointment:
    """Cancel a booked appointment that has not started; its place is free again.

    Raises:
        ValidationError: appointment_unknown, appointment_not_active, appointment_started.
    """
    appointment = _own_booked(session, account, reference, now)
    _end(session, appointment, AppointmentStatus.CANCELLED, now)
    _tell(session, appointment, session.get(Branch, appointment.branch_id),
          "appointment_cancelled", now, sms)
    return appointment


def _end(session: Session, appointment: Appointment, status: AppointmentStatus, now: datetime,
         reason: str = "") -> None:
    _release_place(session, appointment.slot_id)
    appointment.status, appointment.active_key = status, None
    appointment.cancel_reason, appointment.updated_at = reason[:300], now
    session.add(appointment)


def qr_payload(appointment: Appointment) -> str:
    """What the slip's QR code carries: an opaque random reference, no personal data."""
    return QR_PREFIX + appointment.checkin_ref


def check_in(session: Session, scanned: str, *, now: datetime) -> Appointment:
    """The branch scans a slip: today's booked appointment is marked attended.

    Raises:
        ValidationError: checkin_unknown, appointment_not_active, checkin_not_today.
    """
    ref = (scanned or "").strip().removeprefix(QR_PREFIX)
    appointment = session.exec(select(Appointment).where(
        Appointment.checkin_ref == ref[:64])).first() if ref else None
    if appointment is None:
        raise ValidationError("checkin_unknown", "this slip is not known")
    if appointment.status != ACTIVE:
        raise ValidationError("appointment_not_active", "this appointment is no longer booked")
    if appointment.day != now.astimezone(RIYADH).date():
        raise ValidationError("checkin_not_today", "this appointment is on another day",
                              day=appointment.day.isoformat())
    appointment.status, appointment.active_key, appointment.updated_at = (
        AppointmentStatus.ATTENDED, None, now)
    session.add(appointment)
    session.flush()
    return appointment


# ---------------------------------------------------------------------------------------------
# The branch manager's side (the branch pages call these; so does `absher branches ...`).

@dataclasses.dataclass(frozen=True)
class CapacityChange:
    """What setting a capacity did: slots changed, and those kept higher because more people
    had already booked them than the new capacity."""

    changed: int
    kept_higher: list[str]


def set_capacity(session: Session, branch_code: str, capacity: int, *, now: datetime,
                 day: date | None = None, start: str | None = None) -> CapacityChange:
    """Set the places per slot: for one slot (day and start), one day (day), or the branch's
    default for every day from today on (neither). A slot never drops below its bookings.

    Raises:
        ValidationError: branch_unknown, capacity_invalid, appointment_time_unknown,
            appointment_past.
    """
    if not 0 <= capacity <= 500:
        raise ValidationError("capacity_invalid", "capacity is a whole number from 0 to 500")
    branch = find_branch(session, branch_code)
    today = now.astimezone(RIYADH).date()
    if start is not None and (day is None or start not in slot_times()):
        raise ValidationError("appointment_time_unknown", "give a day and a slot time")
    if day is not None:
        if day < today:
            raise ValidationError("appointment_past", "that day has passed")
        slots = [s for s in ensure_slots(session, branch, day) if start in (None, s.start)]
    else:
        branch.slot_capacity = capacity
        session.add(branch)
        slots = list(session.exec(select(AppointmentSlot).where(
            AppointmentSlot.branch_id == branch.id, AppointmentSlot.day >= today)).all())
    kept = []
    for slot in slots:
        slot.capacity = max(capacity, slot.booked)
        if slot.booked > capacity:
            kept.append(f"{slot.day.isoformat()} {slot.start}")
        session.add(slot)
    session.flush()
    return CapacityChange(len(slots), kept)


def close_day(session: Session, branch_code: str, day: date, reason: str, *, now: datetime,
              sms: SmsSender) -> list[Appointment]:
    """Close a branch for a day: no more bookings; every booked appointment that day becomes
    cancelled_by_branch and its person is told in-app and by SMS, with the reason, and offered
    another time. Returns those appointments.

    Raises:
        ValidationError: branch_unknown, appointment_past, closure_reason_required,
            day_already_closed.
    """
    branch = find_branch(session, branch_code)
    if day < now.astimezone(RIYADH).date():
        raise ValidationError("appointment_past", "that day has passed")
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise ValidationError("closure_reason_required", "give the reason for closing")
    if day in _closed_days(session, branch.id, day, day):
        raise ValidationError("day_already_closed", "the branch is already closed that day")
    session.add(BranchClosure(branch_id=branch.id, day=day, reason=reason, created_at=now))
    session.flush()
    for slot in ensure_slots(session, branch, day):
        slot.closed = True
        session.add(slot)
    affected = list(session.exec(select(Appointment).where(
        Appointment.branch_id == branch.id, Appointment.day == day,
        Appointment.status == ACTIVE)).all())
    for appointment in affected:
        _end(session, appointment, AppointmentStatus.CANCELLED_BY_BRANCH, now, reason)
        _tell(session, appointment, branch, "appointment_branch_closed", now, sms, reason=reason)
    session.flush()
    return affected


def reopen_day(session: Session, branch_code: str, day: date) -> bool:
    """Undo a closure (appointments cancelled by it stay cancelled: people were told)."""
    branch = find_branch(session, branch_code)
    closure = session.exec(select(BranchClosure).where(
        BranchClosure.branch_id == branch.id, BranchClosure.day == day)).first()
    if closure is None:
        return False
    session.delete(closure)
    for slot in ensure_slots(session, branch, day):
        slot.closed = False
        session.add(slot)
    session.flush()
    return True


def branch_appointments(session: Session, branch_code: str, day: date) -> list[Appointment]:
    """The day's appointments at a branch, by time (for the branch page)."""
    branch = find_branch(session, branch_code)
    return list(session.exec(select(Appointment).where(
        Appointment.branch_id == branch.id, Appointment.day == day)
        .order_by(col(Appointment.start), col(Appointment.id))).all())
