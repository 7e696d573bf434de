"""Appointments: `/appointments` (mine), `/appointments/book` (sector and service -> city ->
branch -> day -> time -> confirm; also moves an appointment, `?reschedule=REF`, and carries a
message's reference, `?message=REF`) and `/appointments/<reference>` (the printable slip with
its check-in QR code; reschedule; cancel)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date

import reflex as rx
import segno

from absher_app import routes
from absher_app.application.views import Option
from absher_app.components.forms import (
    NO_PROBLEM,
    error_summary,
    problem,
    problem_for,
    select_field,
)
from absher_app.components.layout import page_layout
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import appointments
from absher_app.domain import messages as messages_domain
from absher_app.domain.calendars import both_calendars, gregorian_text
from absher_app.domain.errors import DomainError
from absher_app.i18n import translate
from absher_app.models import Account, Appointment, Branch, Message
from absher_app.pages.transactions import bilingual
from absher_app.providers.sms import get_sms_sender
from absher_app.routes import reference_in
from absher_app.state.language import t
from absher_app.state.session import CLOCK, signed_in_account
from absher_app.state.wizard import both


@dataclasses.dataclass
class TimeOption:
    start: str
    free: int


@dataclasses.dataclass
class AppointmentRow:
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


def day_label(day: date, lang: str) -> str:
    """'Monday 11 May 2026' in the language."""
    return f"{translate(f'appointments.weekday.{day.weekday()}', lang)} " \
           f"{gregorian_text(day, lang)}"


def _when(day: date, start: str, lang: str) -> str:
    return f"{day_label(day, lang)} — {start}"


def appointment_row(session, appointment: Appointment) -> AppointmentRow:
    branch = session.get(Branch, appointment.branch_id)
    return AppointmentRow(
        appointment.reference, routes.appointment_path(appointment.reference),
        *both(f"messages.topic.{appointment.topic}"), branch.name_ar, branch.name_en,
        _when(appointment.day, appointment.start, "ar"),
        _when(appointment.day, appointment.start, "en"), appointment.start, appointment.status,
        *both(f"appointments.status.{appointment.status}"))


# ---------------------------------------------------------------------------------------------
# /appointments

def _rows(account_id: int) -> list[AppointmentRow]:
    with session_scope() as session:
        account = session.get(Account, account_id)
        return [appointment_row(session, a)
                for a in appointments.appointments_of(session, account.person_id)]


class AppointmentsState(rx.State):
    """My appointments."""

    rows: list[AppointmentRow] = []

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        self.rows = await asyncio.to_thread(_rows, who.account_id)
        return None


def _appointment_tr(row: rx.Var[AppointmentRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.a(row.reference, href=row.href)),
        rx.el.td(bilingual(row.topic_ar, row.topic_en)),
        rx.el.td(bilingual(row.branch_ar, row.branch_en)),
        rx.el.td(bilingual(row.when_ar, row.when_en)),
        rx.el.td(rx.el.span(bilingual(row.status_ar, row.status_en),
                            class_name="status status-" + row.status)),
    )


def list_page() -> rx.Component:
    rows = AppointmentsState.rows
    return page_layout(
        "appointments.title",
        rx.el.a(t("appointments.new"), href=routes.APPOINTMENT_BOOK, class_name="button"),
        rx.cond(rows.length() > 0, rx.el.div(rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(t(f"appointments.col.{k}"), scope="col") for k in
                                   ("reference", "topic", "branch", "when", "status")])),
            rx.el.tbody(rx.foreach(rows, _appointment_tr)),
            class_name="data-table",
        ), class_name="table-scroll"), rx.el.p(t("appointments.none"))),
        lead_key="appointments.lead",
    )


# ---------------------------------------------------------------------------------------------
# /appointments/book

def _options(prefix: str, keys: list[str]) -> list[Option]:
    return [Option(k, *both(f"{prefix}.{k}")) for k in keys]


@dataclasses.dataclass
class Prefill:
    """Where the booking starts: from scratch, from a message, or moving an appointment."""

    moving: str = ""
    about_message: str = ""
    sector: str = ""
    topic: str = ""
    city: str = ""
    branch: str = ""
    current_ar: str = ""
    current_en: str = ""


def _prefill(account_id: int, query: dict[str, str]) -> Prefill:
    with session_scope() as session:
        person_id = session.get(Account, account_id).person_id
        found = Prefill()
        sector = appointments.sectors()[0]
        moving = appointments.appointment_for(session, query.get("reschedule", ""), person_id)
        if moving and moving.status == appointments.ACTIVE:
            branch = session.get(Branch, moving.branch_id)
            message = session.get(Message, moving.message_id) if moving.message_id else None
            return Prefill(moving.reference, message.reference if message else "",
                           moving.sector, moving.topic, branch.city, branch.code,
                           _when(moving.day, moving.start, "ar"),
                           _when(moving.day, moving.start, "en"))
        message: Message | None = messages_domain.message_for(
            session, query.get("message", ""), person_id)
        if message is not None and message.needs_visit:
            found.about_message = message.reference
        topic = query.get("service", "")
        if topic in appointments.topics(sector):
            found.sector, found.topic = sector, topic
        if branch_code := query.get("branch", ""):
            try:
                branch = appointments.find_branch(session, branch_code)
                found.city, found.branch = branch.city, branch.code
            except DomainError:
                pass
        if len(appointments.sectors()) == 1:
            found.sector = sector
        return found


def _branch_options(city: str) -> list[Option]:
    with session_scope() as session:
        return [Option(b.code, b.name_ar, b.name_en)
                for b in appointments.branches_in(session, city)]


def _city_options() -> list[Option]:
    with session_scope() as session:
        return _options("appointments.city", appointments.cities(session))


def _day_options(branch_code: str) -> list[Option]:
    with session_scope() as session:
        branch = appointments.find_branch(session, branch_code)
        return [Option(d.isoformat(), day_label(d, "ar"), day_label(d, "en"))
                for d in appointments.bookable_days(session, branch, CLOCK.now())]


def _time_options(branch_code: str, day: str) -> list[TimeOption]:
    with session_scope() as session:
        branch = appointments.find_branch(session, branch_code)
        return [TimeOption(s.start, s.free) for s in appointments.free_slots(
            session, branch, date.fromisoformat(day), CLOCK.now())]


class BookingState(rx.State):
    """The booking flow. Every choice is checked against the lists the server made; the
    booking itself is checked again, whole, by the domain."""

    moving: str = ""
    current_ar: str = ""
    current_en: str = ""
    about_message: str = ""
    sector: str = ""
    topic: str = ""
    city: str = ""
    branch: str = ""
    day: str = ""
    start: str = ""
    sectors: list[Option] = []
    topics: list[Option] = []
    cities: list[Option] = []
    branches: list[Option] = []
    days: list[Option] = []
    times: list[TimeOption] = []
    done_reference: str = ""
    busy: bool = False
    error: dict[str, str] = NO_PROBLEM

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        query = {k: str(v)[:40] for k, v in self.router.url.query_parameters.items()}
        found = await asyncio.to_thread(_prefill, who.account_id, query)
        self.moving, self.about_message = found.moving, found.about_message
        self.current_ar, self.current_en = found.current_ar, found.current_en
        self.done_reference, self.error, self.busy = "", NO_PROBLEM, False
        self.sectors = _options("messages.sector", appointments.sectors())
        self.sector, self.topic, self.city, self.branch = found.sector, found.topic, "", ""
        self.topics = _options("messages.topic", appointments.topics(found.sector))
        self.cities = await asyncio.to_thread(_city_options)
        self.day, self.start, self.days, self.times, self.branches = "", "", [], [], []
        if found.city:
            self.city = found.city
            self.branches = await asyncio.to_thread(_branch_options, found.city)
        if found.branch:
            self.branch = found.branch
            self.days = await asyncio.to_thread(_day_options, found.branch)
        return None

    @rx.event
    def choose_sector(self, value: str):
        if self.moving or value not in appointments.sectors():
            return
        self.sector, self.topic = value, ""
        self.topics = _options("messages.topic", appointments.topics(value))
        self.error = NO_PROBLEM

    @rx.event
    def choose_topic(self, value: str):
        if self.moving or value not in appointments.topics(self.sector):
            return
        self.topic, self.error = value, NO_PROBLEM

    @rx.event
    async def choose_city(self, value: str):
        if value not in {o.value for o in self.cities}:
            return
        self.city, self.branch, self.day, self.start = value, "", "", ""
        self.days, self.times, self.error = [], [], NO_PROBLEM
        self.branches = await asyncio.to_thread(_branch_options, value)

    @rx.event
    async def choose_branch(self, value: str):
        if value not in {o.value for o in self.branches}:
            return
        self.branch, self.day, self.start, self.times = value, "", "", []
        self.error = NO_PROBLEM
        self.days = await asyncio.to_thread(_day_options, value)

    @rx.event
    async def choose_day(self, value: str):
        if value not in {o.value for o in self.days}:
            return
        self.day, self.start, self.error = value, "", NO_PROBLEM
        self.times = await asyncio.to_thread(_time_options, self.branch, value)

    @rx.event
    def choose_time(self, value: str):
        if value in {o.start for o in self.times}:
            self.start, self.error = value, NO_PROBLEM

    @rx.event
    async def confirm(self):
        who = await signed_in_account(self)
        if who is None:
            yield rx.redirect(routes.LOGIN)
            return
        if self.busy or self.done_reference:
            return
        if not (self.topic and self.branch and self.day and self.start):
            self.error = problem_for("appointment_time_unknown", "time")
            return
        self.busy = True
        yield
        choice = dict(branch_code=self.branch, day=date.fromisoformat(self.day),
                      start=self.start, now=CLOCK.now(), sms=get_sms_sender())
        sector, topic, moving, about = self.sector, self.topic, self.moving, self.about_message

        def _book() -> str:
            with session_scope() as session:
                account = session.get(Account, who.account_id)
                if moving:
                    return appointments.reschedule(session, account, moving, **choice).reference
                return appointments.book(session, account, sector=sector, topic=topic,
                                         message_reference=about or None, **choice).reference

        try:
            self.done_reference = await asyncio.to_thread(_book)
        except DomainError as error:
            self.error = problem(error, "time")
            if error.code == "appointment_full":  # show what is left now
                self.start = ""
                self.times = await asyncio.to_thread(_time_options, self.branch, self.day)
        finally:
            self.busy = False


def _chosen_label(options: rx.Var[list[Option]], value: rx.Var[str]) -> rx.Component:
    return rx.foreach(options, lambda o: rx.cond(o.value == value, bilingual(o.ar, o.en),
                                                 rx.fragment()))


def _time_picker() -> rx.Component:
    s = BookingState
    invalid = s.error["field"] == "time"
    return rx.el.fieldset(
        rx.el.legend(t("appointments.field.time"), class_name="field-label"),
        rx.cond(invalid, rx.el.p(localized_error(s.error), class_name="field-error"),
                rx.fragment()),
        rx.cond(s.times.length() > 0, rx.el.div(rx.foreach(s.times, lambda o: rx.el.div(
            rx.el.input(type="radio", name="time", value=o.start, id="time-" + o.start,
                        checked=s.start == o.start, on_change=BookingState.choose_time),
            rx.el.label(rx.el.span(o.start, dir="ltr", class_name="slot-time"),
                        rx.el.span(t_with("appointments.places", {"count": o.free}),
                                   class_name="slot-free"),
                        html_for="time-" + o.start),
            class_name="slot")), class_name="slot-grid"),
            rx.el.p(t("appointments.no_times"))),
        class_name=rx.cond(invalid, "field radios field-has-error", "field radios"),
    )


def localized_error(error: rx.Var) -> rx.Var:
    return bilingual(error["ar"], error["en"])


def _review() -> rx.Component:
    s = BookingState
    return rx.el.section(
        rx.el.h2(t("appointments.check_title")),
        rx.el.dl(
            _pair("appointments.field.topic", _chosen_label(s.topics, s.topic)),
            _pair("appointments.field.branch", _chosen_label(s.branches, s.branch)),
            _pair("appointments.field.day", _chosen_label(s.days, s.day)),
            _pair("appointments.field.time", rx.el.span(s.start, dir="ltr")),
            rx.cond(s.about_message != "", _pair("appointments.field.message",
                                                 rx.el.span(s.about_message, dir="ltr")),
                    rx.fragment()),
            class_name="summary-list",
        ),
        rx.el.button(rx.cond(s.moving != "", t("appointments.confirm_reschedule"),
                             t("appointments.confirm")),
                     type="button", class_name="button", disabled=s.busy,
                     on_click=BookingState.confirm, data_testid="appointment-confirm"),
        class_name="booking-review",
    )


def _pair(label_key: str, value, **props) -> rx.Component:
    return rx.el.div(rx.el.dt(t(label_key)), rx.el.dd(value, **props), class_name="summary-row")


def _booking_form() -> rx.Component:
    s = BookingState
    return rx.el.div(
        error_summary(s.error),
        rx.cond(s.moving != "", rx.el.p(t_with("appointments.current",
                                               {"when": s.current_ar}, {"when": s.current_en}),
                                        class_name="notice"), rx.fragment()),
        rx.cond(s.about_message != "", rx.el.p(
            t("appointments.field.message"), " ", rx.el.span(s.about_message, dir="ltr"),
            class_name="notice", data_testid="about-message"), rx.fragment()),
        rx.cond(s.moving == "", rx.fragment(
            select_field("sector", "appointments.field.sector", s.sectors, s.error,
                         value=s.sector, on_change=BookingState.choose_sector,
                         placeholder_key="appointments.choose"),
            rx.cond(s.sector != "", select_field(
                "topic", "appointments.field.topic", s.topics, s.error, value=s.topic,
                on_change=BookingState.choose_topic, placeholder_key="appointments.choose"),
                rx.fragment()),
        ), rx.fragment()),
        rx.cond(s.topic != "", select_field(
            "city", "appointments.field.city", s.cities, s.error, value=s.city,
            on_change=BookingState.choose_city, placeholder_key="appointments.choose"),
            rx.fragment()),
        rx.cond((s.topic != "") & (s.city != ""), select_field(
            "branch", "appointments.field.branch", s.branches, s.error, value=s.branch,
            on_change=BookingState.choose_branch, placeholder_key="appointments.choose"),
            rx.fragment()),
        rx.cond((s.topic != "") & (s.branch != ""), rx.cond(
            s.days.length() > 0,
            select_field("day", "appointments.field.day", s.days, s.error, value=s.day,
                         on_change=BookingState.choose_day,
                         placeholder_key="appointments.choose"),
            rx.el.p(t("appointments.no_days"))), rx.fragment()),
        rx.cond((s.topic != "") & (s.day != ""), _time_picker(), rx.fragment()),
        rx.cond((s.topic != "") & (s.start != ""), _review(), rx.fragment()),
        class_name="form booking",
    )


def book_page() -> rx.Component:
    s = BookingState
    return page_layout(
        rx.cond(s.moving != "", t("appointments.reschedule_title"),
                t("appointments.book_title")),
        rx.cond(
            s.done_reference != "",
            rx.el.div(
                rx.el.h2(rx.cond(s.moving != "", t("appointments.rescheduled_title"),
                                 t("appointments.booked_title"))),
                rx.el.p(s.done_reference, class_name="panel-reference", dir="ltr",
                        data_testid="appointment-reference"),
                rx.el.p(t("appointments.booked_next")),
                rx.el.div(
                    rx.el.a(t("appointments.view_slip"),
                            href=routes.APPOINTMENTS + "/" + s.done_reference,
                            class_name="button"),
                    rx.el.a(t("appointments.all"), href=routes.APPOINTMENTS),
                    class_name="button-group"),
                class_name="panel", role="status",
            ),
            _booking_form(),
        ),
        lead_key="appointments.book_lead",
    )


# ---------------------------------------------------------------------------------------------
# /appointments/<reference>

@dataclasses.dataclass
class Slip:
    found: bool = False
    row: AppointmentRow | None = None
    city_ar: str = ""
    city_en: str = ""
    date_ar: str = ""
    date_en: str = ""
    about_message: str = ""
    qr_image: str = ""
    reason: str = ""
    changeable: bool = False
    again_href: str = ""


def _slip(account_id: int, reference: str) -> Slip:
    with session_scope() as session:
        account = session.get(Account, account_id)
        appointment = appointments.appointment_for(session, reference, account.person_id)
        if appointment is None:
            return Slip()
        branch = session.get(Branch, appointment.branch_id)
        message = session.get(Message, appointment.message_id) if appointment.message_id \
            else None
        booked = appointment.status == appointments.ACTIVE
        started = appointments.starts_at(appointment.day, appointment.start) <= CLOCK.now()
        return Slip(
            True, appointment_row(session, appointment),
            *both(f"appointments.city.{branch.city}"),
            both_calendars(appointment.day, "ar"), both_calendars(appointment.day, "en"),
            message.reference if message else "",
            # The QR code carries the opaque check-in reference only: no name, no ID number.
            segno.make(appointments.qr_payload(appointment), error="m").svg_data_uri(
                scale=5, dark="#000000", light="#ffffff") if booked else "",
            appointment.cancel_reason if appointment.status == "cancelled_by_branch" else "",
            booked and not started,
            routes.booking_path(message=message.reference if message else "",
                                service=appointment.topic, branch=branch.code))


class SlipState(rx.State):
    """One of my appointments: the slip, and changing or cancelling it."""

    found: bool = True
    row: AppointmentRow = AppointmentRow("", "", "", "", "", "", "", "", "", "", "", "")
    city_ar: str = ""
    city_en: str = ""
    date_ar: str = ""
    date_en: str = ""
    about_message: str = ""
    qr_image: str = ""
    reason: str = ""
    changeable: bool = False
    again_href: str = ""
    asking_cancel: bool = False
    cancelled: bool = False
    error: dict[str, str] = NO_PROBLEM

    def _apply(self, slip: Slip) -> None:
        self.found = slip.found
        if slip.row is not None:
            self.row = slip.row
        for name in ("city_ar", "city_en", "date_ar", "date_en", "about_message", "qr_image",
                     "reason", "changeable", "again_href"):
            setattr(self, name, getattr(slip, name))

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        self.asking_cancel, self.cancelled, self.error = False, False, NO_PROBLEM
        self._apply(await asyncio.to_thread(
            _slip, who.account_id, reference_in(self.router.url.path, routes.APPOINTMENTS)))
        return None

    @rx.event
    def ask_cancel(self, asking: bool):
        self.asking_cancel = bool(asking) and self.changeable

    @rx.event
    async def cancel(self):
        who = await signed_in_account(self)
        if who is None:
            return rx.redirect(routes.LOGIN)
        reference = self.row.reference

        def _cancel() -> None:
            with session_scope() as session:
                appointments.cancel(session, session.get(Account, who.account_id), reference,
                                    now=CLOCK.now(), sms=get_sms_sender())

        try:
            await asyncio.to_thread(_cancel)
        except DomainError as error:
            self.error = problem(error)
        else:
            self.cancelled, self.error = True, NO_PROBLEM
        self.asking_cancel = False
        self._apply(await asyncio.to_thread(_slip, who.account_id, reference))
        return None


def slip_page() -> rx.Component:
    s = SlipState
    return page_layout(
        t_with("appointments.slip_title", {"reference": s.row.reference}),
        rx.cond(~s.found, rx.el.p(t("appointments.not_found"), role="alert"), rx.fragment(
            error_summary(s.error),
            rx.cond(s.cancelled, rx.el.p(t("appointments.cancelled_done"), role="status",
                                         class_name="notice"), rx.fragment()),
            rx.el.div(
                rx.el.dl(
                    _pair("appointments.col.reference",
                          rx.el.span(s.row.reference, dir="ltr")),
                    _pair("appointments.field.topic", bilingual(s.row.topic_ar, s.row.topic_en)),
                    _pair("appointments.field.branch",
                          bilingual(s.row.branch_ar, s.row.branch_en)),
                    _pair("appointments.field.city", bilingual(s.city_ar, s.city_en)),
                    _pair("appointments.field.day", bilingual(s.date_ar, s.date_en)),
                    _pair("appointments.field.time", rx.el.span(s.row.start, dir="ltr")),
                    _pair("appointments.col.status", rx.el.span(
                        bilingual(s.row.status_ar, s.row.status_en),
                        class_name="status status-" + s.row.status),
                        data_testid="appointment-status"),
                    rx.cond(s.about_message != "", _pair(
                        "appointments.field.message", rx.el.a(
                            s.about_message, href=routes.MESSAGES + "/" + s.about_message,
                            dir="ltr")), rx.fragment()),
                    class_name="summary-list",
                ),
                rx.cond(s.qr_image != "", rx.el.figure(
                    rx.el.img(src=s.qr_image, alt=t("appointments.qr_alt"), width="200",
                              height="200", data_testid="slip-qr"),
                    rx.el.figcaption(t("appointments.qr_hint")),
                    class_name="slip-qr"), rx.fragment()),
                class_name="slip",
            ),
            rx.cond(s.reason != "", rx.el.div(
                rx.el.p(t_with("appointments.branch_closed_note", {"reason": s.reason})),
                rx.el.a(t("appointments.choose_another"), href=s.again_href,
                        class_name="button"),
                class_name="notice"), rx.fragment()),
            rx.cond(s.changeable, rx.cond(
                s.asking_cancel,
                rx.el.div(
                    rx.el.p(t("appointments.cancel_question"), role="alert"),
                    rx.el.div(
                        rx.el.button(t("appointments.cancel_yes"), type="button",
                                     class_name="button warning", on_click=SlipState.cancel),
                        rx.el.button(t("appointments.cancel_no"), type="button",
                                     class_name="button secondary",
                                     on_click=SlipState.ask_cancel(False)),
                        class_name="button-group"),
                    class_name="panel"),
                rx.el.div(
                    rx.el.button(t("appointments.print"), type="button", class_name="button",
                                 on_click=rx.call_script("window.print()")),
                    rx.el.a(t("appointments.reschedule"),
                            href=routes.APPOINTMENT_BOOK + "?reschedule=" + s.row.reference,
                            class_name="button secondary"),
                    rx.el.button(t("appointments.cancel"), type="button",
                                 class_name="button secondary",
                                 on_click=SlipState.ask_cancel(True)),
                    class_name="button-group"),
            ), rx.fragment()),
            rx.el.a(t("appointments.all"), href=routes.APPOINTMENTS),
        )),
    )
