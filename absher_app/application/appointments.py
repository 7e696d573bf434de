"""Appointments at the directorate's branches, as the person uses them: my appointments, the
booking flow (sector and service -> city -> branch -> day -> time -> confirm; also moving an
appointment and carrying a message's reference) and the slip (check-in QR code, cancel).

Every list offered is made here, and every choice is checked again, whole, by the domain when
the person confirms. Option values are public: branch codes, ISO days, slot times.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import segno

from absher_app import routes
from absher_app.application.identity import SignedIn
from absher_app.application.unit import Tx, use_case
from absher_app.application.views import Option, Text, both
from absher_app.domain import appointments
from absher_app.domain import messages as messages_domain
from absher_app.domain.appointments import AppointmentStatus
from absher_app.domain.calendars import both_calendars, gregorian_text
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.i18n import translate
from absher_app.models import Appointment, Branch, Message

# Query values and choices are short codes; anything longer is not one of ours.
CHOICE_MAX = 40


@dataclasses.dataclass
class AppointmentRow:
    """One appointment in a list (and the head of its slip)."""

    reference: str
    href: str
    topic_ar: str
    topic_en: str
    branch_ar: str
    branch_en: str
    when_ar: str
    when_en: str
    start: str
    status: str
    status_ar: str
    status_en: str


@dataclasses.dataclass
class TimeOption:
    """A time one may still book, with its free places."""

    start: str
    free: int


@dataclasses.dataclass(frozen=True)
class BookingQuery:
    """Where the booking page was opened from (its query string; anything may be in it)."""

    reschedule: str = ""
    message: str = ""
    service: str = ""
    branch: str = ""

    @classmethod
    def of(cls, params: dict) -> BookingQuery:
        """The known parameters, as bounded strings."""
        return cls(**{f.name: str(params.get(f.name, ""))[:CHOICE_MAX]
                      for f in dataclasses.fields(cls)})


@dataclasses.dataclass
class BookingStart:
    """The booking page as it opens: from scratch, from a message, or moving an appointment;
    with the lists for what is already chosen."""

    moving: str = ""
    current: Text = dataclasses.field(default_factory=Text)
    about_message: str = ""
    sector: str = ""
    topic: str = ""
    city: str = ""
    branch: str = ""
    sectors: list[Option] = dataclasses.field(default_factory=list)
    topics: list[Option] = dataclasses.field(default_factory=list)
    cities: list[Option] = dataclasses.field(default_factory=list)
    branches: list[Option] = dataclasses.field(default_factory=list)
    days: list[Option] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class BookingChoice:
    """What Confirm carries: the choices made on the page (each checked again here)."""

    sector: str
    topic: str
    branch: str
    day: str
    start: str
    moving: str = ""
    about_message: str = ""


@dataclasses.dataclass
class Slip:
    """One of the person's appointments (`found` False alike for "not yours" and "no such")."""

    found: bool = False
    row: AppointmentRow = dataclasses.field(
        default_factory=lambda: AppointmentRow(*[""] * 12))
    city: Text = dataclasses.field(default_factory=Text)
    date: Text = dataclasses.field(default_factory=Text)
    about_message: str = ""
    qr_image: str = ""
    reason: str = ""
    changeable: bool = False
    again_href: str = ""


def day_label(day: date, lang: str) -> str:
    """'Monday 11 May 2026' in the language."""
    return f"{translate(f'appointments.weekday.{day.weekday()}', lang)} " \
           f"{gregorian_text(day, lang)}"


def _when(day: date, start: str, lang: str) -> str:
    return f"{day_label(day, lang)} — {start}"


def _options(prefix: str, keys: list[str]) -> list[Option]:
    return [Option(k, *both(f"{prefix}.{k}")) for k in keys]


def topic_options(sector: str) -> list[Option]:
    """The services one may book a visit for in `sector` (none for an unknown sector)."""
    return _options("messages.topic", appointments.topics(sector))


def sector_options() -> list[Option]:
    return _options("messages.sector", appointments.sectors())


def appointment_row(tx: Tx, appointment: Appointment) -> AppointmentRow:
    branch = tx.session.get(Branch, appointment.branch_id)
    return AppointmentRow(
        appointment.reference, routes.appointment_path(appointment.reference),
        *both(f"messages.topic.{appointment.topic}"), branch.name_ar, branch.name_en,
        _when(appointment.day, appointment.start, "ar"),
        _when(appointment.day, appointment.start, "en"), appointment.start, appointment.status,
        *both(f"appointments.status.{appointment.status}"))


@use_case()
def my_appointments(tx: Tx, who: SignedIn) -> list[AppointmentRow]:
    """The person's appointments: the soonest booked first, then the rest, latest first."""
    return [appointment_row(tx, a)
            for a in appointments.appointments_of(tx.session, who.person_id)]


def _branch_options(tx: Tx, city: str) -> list[Option]:
    return [Option(b.code, b.name_ar, b.name_en)
            for b in appointments.branches_in(tx.session, city)]


def _day_options(tx: Tx, branch_code: str) -> list[Option]:
    branch = appointments.find_branch(tx.session, branch_code)
    return [Option(d.isoformat(), day_label(d, "ar"), day_label(d, "en"))
            for d in appointments.bookable_days(tx.session, branch, tx.now)]


def _moving(tx: Tx, who: SignedIn, reference: str) -> BookingStart | None:
    moving = appointments.appointment_for(tx.session, reference, who.person_id)
    if moving is None or moving.status != AppointmentStatus.BOOKED:
        return None
    branch = tx.session.get(Branch, moving.branch_id)
    message = tx.session.get(Message, moving.message_id) if moving.message_id else None
    return BookingStart(moving=moving.reference,
                        current=Text(_when(moving.day, moving.start, "ar"),
                                     _when(moving.day, moving.start, "en")),
                        about_message=message.reference if message else "",
                        sector=moving.sector, topic=moving.topic, city=branch.city,
                        branch=branch.code)


@use_case()
def start_booking(tx: Tx, who: SignedIn, query: BookingQuery) -> BookingStart:
    """The booking page: moving one of the person's booked appointments (`reschedule`), or a
    new booking, possibly about one of their messages that asks for a visit (`message`), for a
    service and at a branch named in the link (each ignored unless valid)."""
    start = _moving(tx, who, query.reschedule)
    if start is None:
        start = BookingStart()
        sector = appointments.sectors()[0]
        message = messages_domain.message_for(tx.session, query.message, who.person_id)
        if message is not None and message.needs_visit:
            start.about_message = message.reference
        if query.service in appointments.topics(sector):
            start.sector, start.topic = sector, query.service
        if query.branch:
            try:
                branch = appointments.find_branch(tx.session, query.branch)
                start.city, start.branch = branch.city, branch.code
            except DomainError:
                pass  # a stale link: the person chooses the branch
        if len(appointments.sectors()) == 1:
            start.sector = sector
    start.sectors = sector_options()
    start.topics = topic_options(start.sector)
    start.cities = _options("appointments.city", appointments.cities(tx.session))
    if start.city:
        start.branches = _branch_options(tx, start.city)
    if start.branch:
        start.days = _day_options(tx, start.branch)
    return start


@use_case()
def branch_choices(tx: Tx, who: SignedIn, city: str) -> list[Option]:
    """The branches of a city (none for a city that has none)."""
    return _branch_options(tx, city)


@use_case()
def day_choices(tx: Tx, who: SignedIn, branch_code: str) -> list[Option]:
    """The days one may book at the branch.

    Raises:
        ValidationError: branch_unknown.
    """
    return _day_options(tx, branch_code)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError("appointment_time_unknown", "choose a day from the list") from None


@use_case()
def time_choices(tx: Tx, who: SignedIn, branch_code: str, day: str) -> list[TimeOption]:
    """The times of the day one may still book at the branch, with their free places."""
    branch = appointments.find_branch(tx.session, branch_code)
    return [TimeOption(s.start, s.free)
            for s in appointments.free_slots(tx.session, branch, _day(day), tx.now)]


@use_case()
def book_appointment(tx: Tx, who: SignedIn, choice: BookingChoice) -> str:
    """Book (or, with `moving`, move) an appointment; its reference (the person is also told
    by SMS). Every refusal is about the chosen time: the page shows it there.

    Raises:
        DomainError: any of `appointments.book` / `appointments.reschedule`, about "time".
    """
    try:
        if not (choice.topic and choice.branch and choice.day and choice.start):
            raise ValidationError("appointment_time_unknown", "choose a time")
        slot = dict(branch_code=choice.branch, day=_day(choice.day), start=choice.start,
                    now=tx.now, sms=tx.sms)
        if choice.moving:
            return appointments.reschedule(tx.session, who.account, choice.moving,
                                           **slot).reference
        return appointments.book(tx.session, who.account, sector=choice.sector,
                                 topic=choice.topic,
                                 message_reference=choice.about_message or None,
                                 **slot).reference
    except DomainError as error:
        raise error.about("time") from None


@use_case()
def open_slip(tx: Tx, who: SignedIn, reference: str) -> Slip:
    """One of the person's appointments, as its printable slip."""
    appointment = appointments.appointment_for(tx.session, reference, who.person_id)
    if appointment is None:
        return Slip()
    branch = tx.session.get(Branch, appointment.branch_id)
    message = tx.session.get(Message, appointment.message_id) if appointment.message_id \
        else None
    booked = appointment.status == AppointmentStatus.BOOKED
    started = appointments.starts_at(appointment.day, appointment.start) <= tx.now
    return Slip(
        True, appointment_row(tx, appointment),
        Text(*both(f"appointments.city.{branch.city}")),
        Text(both_calendars(appointment.day, "ar"), both_calendars(appointment.day, "en")),
        message.reference if message else "",
        # The QR code carries the opaque check-in reference only: no name, no ID number.
        segno.make(appointments.qr_payload(appointment), error="m").svg_data_uri(
            scale=5, dark="#000000", light="#ffffff") if booked else "",
        appointment.cancel_reason
        if appointment.status == AppointmentStatus.CANCELLED_BY_BRANCH else "",
        booked and not started,
        routes.booking_path(message=message.reference if message else "",
                            service=appointment.topic, branch=branch.code))


@use_case()
def cancel_appointment(tx: Tx, who: SignedIn, reference: str) -> Slip:
    """Cancel one of the person's booked appointments that has not started; the slip as it is
    now (the person is told by SMS).

    Raises:
        ValidationError: appointment_unknown, appointment_not_active, appointment_started.
    """
    appointments.cancel(tx.session, who.account, reference, now=tx.now, sms=tx.sms)
    return open_slip(tx, who, reference)
