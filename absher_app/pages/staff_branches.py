"""`/staff/branches`: the branch manager's day view of their branch (an administrator: any).

One day at a time: every slot with its bookings against its capacity, and the day's
appointments; the capacity per slot (the branch default, the whole day or one slot); closing
the day with a reason (the people booked are told and offered another time, by the domain) and
reopening it; checking a slip in by the text of its QR code. Use cases:
absher_app.application.staff."""

from __future__ import annotations

from typing import Annotated

import reflex as rx

from absher_app import routes
from absher_app.application import staff as usecases
from absher_app.application.inputs import Bounded
from absher_app.application.staff import (
    BookingRow,
    BranchDay,
    BranchDayView,
    CapacityForm,
    DayForm,
    ReasonForm,
    ScanForm,
    SlotRow,
)
from absher_app.application.views import NO_PROBLEM, Text, problem
from absher_app.components.confirm import confirm_panel
from absher_app.components.content import status_message, tag
from absher_app.components.date_input import date_input
from absher_app.components.forms import (
    error_summary,
    select_field,
    submit_button,
    text_field,
)
from absher_app.components.staff_layout import staff_page
from absher_app.components.text import bilingual, t_with
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import SessionState

Choice = Annotated[str, Bounded(40)]


class StaffBranchState(rx.State):
    """The branch and day on screen. Every action names the branch and day shown (backend
    vars), checked again against the branches this staff member manages."""

    view: BranchDayView = rx.field(default_factory=BranchDayView)
    error: dict[str, str] = NO_PROBLEM
    busy: bool = False
    # "Close the day" asked "are you sure?".
    asking_close: bool = False
    _branch: str = ""
    _day: str = ""

    def _on_problem(self, error) -> None:
        self.error, self.busy, self.asking_close = problem(error), False, False
        self.view.done = Text()

    def _show(self, view: BranchDayView) -> None:
        self.view, self._branch, self._day = view, view.branch, view.day
        self.error, self.busy, self.asking_close = NO_PROBLEM, False, False

    @event
    async def load(self):
        """The branch shown last in this tab (else the first one managed), today or the next
        working day."""
        self._show(await use(self, usecases.branch_today, self._branch))

    @event
    async def show_day(self, form: DayForm):
        """Show the branch and day chosen (both checked by the server)."""
        self._show(await use(self, usecases.branch_on_day, form))

    @event
    async def choose_branch(self, value: Choice):
        """Another branch (an administrator's choice), on the same day."""
        self._show(await use(self, usecases.branch_on_day, DayForm(value, self._day)))

    async def _act(self, action, *inputs) -> None:
        self.busy = True
        self._show(await use(self, action, BranchDay(self._branch, self._day), *inputs))

    @event
    async def set_capacity(self, form: CapacityForm):
        """Places per slot: the branch default, this whole day, or one slot of it."""
        await self._act(usecases.set_capacity, form)

    @event
    def ask_close(self, asking: bool):
        self.asking_close = asking

    @event
    async def close_day(self, form: ReasonForm):
        """Close the branch on the day shown, with the reason people are told."""
        await self._act(usecases.close_day, form)

    @event
    async def reopen_day(self):
        """Open the day again (appointments the closure cancelled stay cancelled)."""
        await self._act(usecases.reopen_day)

    @event
    async def check_in(self, form: ScanForm):
        """Check in the slip whose QR text was scanned (or typed) at this branch."""
        await self._act(usecases.check_in, form)


# ---------------------------------------------------------------------------------------------
# The page.

def _slot_table() -> rx.Component:
    s = StaffBranchState
    head = rx.el.thead(rx.el.tr(*[rx.el.th(t(k), scope="col") for k in (
        "staff.branches.col.time", "staff.branches.col.booked", "staff.branches.col.free")]))

    def row(r: SlotRow) -> rx.Component:
        return rx.el.tr(
            rx.el.th(rx.el.bdi(r.start, dir="ltr"), scope="row"),
            rx.el.td(rx.el.bdi(r.booked.to_string() + " / " + r.capacity.to_string(),
                               dir="ltr")),
            rx.el.td(rx.cond(r.closed, t("staff.branches.closed_short"),
                             rx.el.bdi(r.free.to_string(), dir="ltr"))),
        )

    return rx.el.div(rx.el.table(
        rx.el.caption(t("staff.branches.slots")), head, rx.el.tbody(rx.foreach(s.view.slots, row)),
        class_name="data-table", data_testid="slot-table"), class_name="table-scroll")


def _booking_table() -> rx.Component:
    s = StaffBranchState
    head = rx.el.thead(rx.el.tr(*[rx.el.th(t(k), scope="col") for k in (
        "staff.branches.col.time", "staff.review.reference", "messages.col.topic",
        "messages.col.status")]))

    def row(r: BookingRow) -> rx.Component:
        return rx.el.tr(
            rx.el.td(rx.el.bdi(r.start, dir="ltr")),
            rx.el.td(rx.el.bdi(r.reference, dir="ltr")),
            rx.el.td(bilingual(r.topic_ar, r.topic_en)),
            rx.el.td(tag(r.status, r.status_ar, r.status_en)),
        )

    return rx.cond(s.view.bookings.length() > 0, rx.el.div(rx.el.table(
        rx.el.caption(t("staff.branches.bookings")), head,
        rx.el.tbody(rx.foreach(s.view.bookings, row)), class_name="data-table stack-table",
        data_testid="booking-table"), class_name="table-scroll"),
        rx.el.p(t("staff.branches.no_bookings")))


def _day_picker() -> rx.Component:
    s = StaffBranchState
    return rx.el.form(
        rx.el.div(
            select_field("branch", "staff.branches.branch", s.view.branches, s.error,
                         value=s.view.branch, on_change=StaffBranchState.choose_branch,
                         placeholder_key="staff.branches.choose"),
            rx.el.div(date_input("day", "staff.branches.date", s.error, value=s.view.day,
                                 autocomplete=False), key=s.view.day),
            rx.el.div(submit_button("staff.branches.show"), class_name="filter-submit"),
            class_name="filter-row",
        ),
        on_submit=StaffBranchState.show_day,
        class_name="form filter-form",
    )


def _capacity_form() -> rx.Component:
    s = StaffBranchState
    return rx.el.form(
        rx.el.h3(t("staff.branches.capacity_title")),
        rx.el.div(
            rx.el.div(
                rx.el.label(t("staff.branches.scope"), html_for="field-scope",
                            class_name="field-label"),
                rx.el.select(rx.foreach(s.view.scopes, lambda o: rx.el.option(
                    bilingual(o.ar, o.en), value=o.value)), id="field-scope", name="scope",
                    class_name="field-input"),
                class_name="field",
            ),
            text_field("places", "staff.branches.places", s.error, input_type="number",
                       hint_key="staff.branches.places_hint", input_mode="numeric", dir="ltr"),
            class_name="filter-row",
        ),
        submit_button("staff.branches.capacity_save", loading=s.busy),
        on_submit=StaffBranchState.set_capacity, reset_on_submit=False, class_name="form",
    )


def _closing() -> rx.Component:
    s = StaffBranchState
    return rx.cond(
        s.view.closed_reason != "",
        rx.el.div(
            rx.el.p(t_with("staff.branches.closed_because", {"reason": s.view.closed_reason}),
                    data_testid="closed-reason"),
            rx.el.button(t("staff.branches.reopen"), type="button",
                         class_name="button secondary", disabled=s.busy,
                         on_click=StaffBranchState.reopen_day),
            class_name="notice",
        ),
        rx.el.form(
            rx.el.h3(t("staff.branches.close_title")),
            rx.el.p(t("staff.branches.close_lead")),
            text_field("reason", "staff.branches.reason", s.error,
                       hint_key="staff.branches.reason_hint", max_length=300),
            # Closing cancels the day's appointments: asked first (components/confirm.py).
            rx.cond(
                s.asking_close,
                confirm_panel("close-day", "staff.branches.close_question",
                              "staff.branches.close_yes", "staff.branches.close_no",
                              on_no=StaffBranchState.ask_close(False)),
                rx.el.button(t("staff.branches.close"), type="button",
                             class_name="button warning", disabled=s.busy,
                             on_click=StaffBranchState.ask_close(True)),
            ),
            on_submit=StaffBranchState.close_day, class_name="form",
        ),
    )


def _check_in() -> rx.Component:
    s = StaffBranchState
    return rx.el.form(
        rx.el.h2(t("staff.branches.checkin_title")),
        text_field("scanned", "staff.branches.scanned", s.error,
                   hint_key="staff.branches.scanned_hint", max_length=100, dir="ltr",
                   autocomplete="off"),
        submit_button("staff.branches.checkin", loading=s.busy),
        on_submit=StaffBranchState.check_in, reset_on_submit=True, class_name="form panel",
    )


def page() -> rx.Component:
    s = StaffBranchState
    return staff_page(
        "staff.branches.title",
        rx.cond(s.view.branches.length() == 0, rx.el.p(t("staff.branches.none"), role="alert"),
                rx.fragment(
                    _day_picker(),
                    error_summary(s.error),
                    status_message(s.view.done),
                    rx.el.h2(bilingual(s.view.day_label.ar, s.view.day_label.en),
                             data_testid="branch-day"),
                    rx.cond(s.view.working_day, rx.fragment(
                        _slot_table(),
                        _booking_table(),
                        rx.el.section(rx.el.h2(t("staff.branches.manage")), _capacity_form(),
                                      _closing(), class_name="panel"),
                    ), rx.el.p(t("staff.branches.not_working"))),
                    _check_in(),
                )),
        rx.el.p(rx.el.a(t("staff.messages.to_console"), href=routes.STAFF)),
        lead_key="staff.branches.lead",
    )


ON_LOAD = [SessionState.require_staff, StaffBranchState.load]
