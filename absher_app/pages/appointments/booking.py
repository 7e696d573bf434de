"""`/appointments/book`: sector and service -> city -> branch -> day -> time -> confirm; also
moves an appointment (`?reschedule=REF`) and carries a message's reference (`?message=REF`)."""

from __future__ import annotations

from typing import Annotated

import reflex as rx

from absher_app import routes
from absher_app.application import appointments as usecases
from absher_app.application.appointments import BookingChoice, BookingQuery, TimeOption
from absher_app.application.inputs import Bounded
from absher_app.application.views import NO_PROBLEM, Option, Text, problem
from absher_app.components.content import summary_list, summary_row
from absher_app.components.forms import error_summary, field_error, select_field
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual, t_with
from absher_app.domain import appointments
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import load_page

Choice = Annotated[str, Bounded(usecases.CHOICE_MAX)]


class BookingState(rx.State):
    """The booking flow. Every choice is checked against the lists the server made; the
    booking itself is checked again, whole, by the domain.

    The lists keep the person's pick from the moment they make it; `serial` changes whenever
    the server sets the choices itself (a page load), `times_serial` when the times are made
    again (another day, a time just taken), so those controls then show the server's values.
    """

    moving: str = ""
    current: Text = rx.field(default_factory=Text)
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
    serial: int = 0
    times_serial: int = 0
    error: dict[str, str] = NO_PROBLEM

    def _on_problem(self, error):
        self.error, self.busy = problem(error), False
        if error.code == "appointment_full":  # show what is left now
            self.start = ""
            return BookingState.refresh_times
        return None

    @event
    async def load(self):
        found = await load_page(self, usecases.start_booking,
                                BookingQuery.of(self.router.url.query_parameters))
        self.moving, self.about_message, self.current = (found.moving, found.about_message,
                                                         found.current)
        self.sector, self.topic, self.city, self.branch = (found.sector, found.topic,
                                                           found.city, found.branch)
        self.sectors, self.topics, self.cities = found.sectors, found.topics, found.cities
        self.branches, self.days = found.branches, found.days
        self.day, self.start, self.times = "", "", []
        self.done_reference, self.error, self.busy = "", NO_PROBLEM, False
        self.serial += 1

    @event
    def choose_sector(self, value: Choice):
        if self.moving or value not in appointments.sectors():
            return
        self.sector, self.topic = value, ""
        self.topics = usecases.topic_options(value)
        self.error = NO_PROBLEM

    @event
    def choose_topic(self, value: Choice):
        if self.moving or value not in appointments.topics(self.sector):
            return
        self.topic, self.error = value, NO_PROBLEM

    @event
    async def choose_city(self, value: Choice):
        if value not in {o.value for o in self.cities}:
            return
        self.city, self.branch, self.day, self.start = value, "", "", ""
        self.branches, self.days, self.times, self.error = [], [], [], NO_PROBLEM
        yield  # the emptied branch and day lists now; their options when found
        self.branches = await use(self, usecases.branch_choices, value)

    @event
    async def choose_branch(self, value: Choice):
        if value not in {o.value for o in self.branches}:
            return
        self.branch, self.day, self.start, self.days, self.times = value, "", "", [], []
        self.error = NO_PROBLEM
        yield
        self.days = await use(self, usecases.day_choices, value)

    @event
    async def choose_day(self, value: Choice):
        if value not in {o.value for o in self.days}:
            return
        self.day, self.start, self.error = value, "", NO_PROBLEM
        yield
        self.times = await use(self, usecases.time_choices, self.branch, value)
        self.times_serial += 1

    @event
    async def refresh_times(self):
        if self.branch and self.day:
            self.times = await use(self, usecases.time_choices, self.branch, self.day)
            self.times_serial += 1

    @event
    def choose_time(self, value: Choice):
        if value in {o.start for o in self.times}:
            self.start, self.error = value, NO_PROBLEM

    @event
    async def confirm(self):
        if self.busy or self.done_reference:
            return
        self.busy = True
        yield
        self.done_reference = await use(self, usecases.book_appointment, BookingChoice(
            self.sector, self.topic, self.branch, self.day, self.start, self.moving,
            self.about_message))
        self.error, self.busy = NO_PROBLEM, False


def _chosen_label(options: rx.Var[list[Option]], value: rx.Var[str]) -> rx.Component:
    return rx.foreach(options, lambda o: rx.cond(o.value == value, bilingual(o.ar, o.en),
                                                 rx.fragment()))


def _time_picker() -> rx.Component:
    s = BookingState
    invalid = s.error["field"] == "time"
    return rx.el.fieldset(
        rx.el.legend(t("appointments.field.time"), class_name="field-label"),
        field_error(s.error, "time"),
        rx.cond(s.times.length() > 0, rx.el.div(rx.foreach(s.times, lambda o: rx.el.div(
            rx.el.input(type="radio", name="time", value=o.start, id="time-" + o.start,
                        default_checked=s.start == o.start, on_change=BookingState.choose_time),
            rx.el.label(rx.el.span(o.start, dir="ltr", class_name="slot-time"),
                        rx.el.span(t_with("appointments.places", {"count": o.free}),
                                   class_name="slot-free"),
                        html_for="time-" + o.start),
            class_name="slot")), class_name="slot-grid",
            # The radios keep the person's pick; new times (another day) start unpicked.
            key=s.serial.to_string() + "-" + s.times_serial.to_string()),
            rx.el.p(t("appointments.no_times"))),
        class_name=rx.cond(invalid, "field radios field-has-error", "field radios"),
    )


def _review() -> rx.Component:
    s = BookingState
    return rx.el.section(
        rx.el.h2(t("appointments.check_title")),
        summary_list(
            summary_row("appointments.field.topic", _chosen_label(s.topics, s.topic)),
            summary_row("appointments.field.branch", _chosen_label(s.branches, s.branch)),
            summary_row("appointments.field.day", _chosen_label(s.days, s.day)),
            summary_row("appointments.field.time", rx.el.span(s.start, dir="ltr")),
            rx.cond(s.about_message != "", summary_row(
                "appointments.field.message", rx.el.span(s.about_message, dir="ltr")),
                rx.fragment()),
        ),
        rx.el.button(rx.cond(s.moving != "", t("appointments.confirm_reschedule"),
                             t("appointments.confirm")),
                     type="button", class_name="button", disabled=s.busy,
                     on_click=BookingState.confirm, data_testid="appointment-confirm"),
        class_name="booking-review",
    )


def _choices() -> list[rx.Component]:
    """The chain of lists; each keeps the person's pick, and is drawn anew (see BookingState)
    when the server changed it: the page loaded, or a choice it depends on changed."""
    s = BookingState
    loaded = s.serial.to_string()
    return [
        rx.cond(s.moving == "", rx.fragment(
            select_field("sector", "appointments.field.sector", s.sectors, s.error,
                         value=s.sector, on_change=BookingState.choose_sector,
                         placeholder_key="appointments.choose", remount=loaded),
            rx.cond(s.sector != "", select_field(
                "topic", "appointments.field.topic", s.topics, s.error, value=s.topic,
                on_change=BookingState.choose_topic, placeholder_key="appointments.choose",
                remount=loaded + s.sector), rx.fragment()),
        ), rx.fragment()),
        rx.cond(s.topic != "", select_field(
            "city", "appointments.field.city", s.cities, s.error, value=s.city,
            on_change=BookingState.choose_city, placeholder_key="appointments.choose",
            remount=loaded), rx.fragment()),
        rx.cond((s.topic != "") & (s.city != ""), select_field(
            "branch", "appointments.field.branch", s.branches, s.error, value=s.branch,
            on_change=BookingState.choose_branch, placeholder_key="appointments.choose",
            remount=loaded + s.city), rx.fragment()),
        rx.cond((s.topic != "") & (s.branch != ""), rx.cond(
            s.days.length() > 0,
            select_field("day", "appointments.field.day", s.days, s.error, value=s.day,
                         on_change=BookingState.choose_day,
                         placeholder_key="appointments.choose", remount=loaded + s.branch),
            rx.el.p(t("appointments.no_days"))), rx.fragment()),
    ]


def _booking_form() -> rx.Component:
    s = BookingState
    return rx.el.div(
        error_summary(s.error),
        rx.cond(s.moving != "", rx.el.p(t_with("appointments.current",
                                               {"when": s.current.ar}, {"when": s.current.en}),
                                        class_name="notice"), rx.fragment()),
        rx.cond(s.about_message != "", rx.el.p(
            t("appointments.field.message"), " ", rx.el.span(s.about_message, dir="ltr"),
            class_name="notice", data_testid="about-message"), rx.fragment()),
        *_choices(),
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
