"""`/staff/branches`: the branch manager's day view of their branch (an administrator: any).

One day at a time: every slot with its bookings against its capacity, and the day's
appointments; the capacity per slot (the branch default, the whole day or one slot); closing
the day with a reason (the people booked are told and offered another time, by the domain) and
reopening it; checking a slip in by the text of its QR code."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date, timedelta

import reflex as rx

from absher_app import routes
from absher_app.application.views import Option
from absher_app.components.forms import (
    NO_PROBLEM,
    error_summary,
    form_values,
    localized,
    problem,
    problem_for,
    select_field,
    submit_button,
    text_field,
)
from absher_app.components.staff_layout import staff_page
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import appointments, backoffice, staff
from absher_app.domain.errors import DomainError
from absher_app.i18n import translate
from absher_app.pages.appointments import day_label
from absher_app.pages.transactions import bilingual
from absher_app.providers.sms import get_sms_sender
from absher_app.state.language import t
from absher_app.state.staff_session import CLOCK, SessionState, staff_guard
from absher_app.state.wizard import both


@dataclasses.dataclass
class SlotRow:
    start: str
    booked: int
    capacity: int
    free: int
    closed: bool


@dataclasses.dataclass
class BookingRow:
    reference: str
    start: str
    topic_ar: str
    topic_en: str
    status: str
    status_ar: str
    status_en: str


def _first_working_day(day: date) -> date:
    while not appointments.is_working_day(day):
        day += timedelta(days=1)
    return day


class StaffBranchState(rx.State):
    """The branch and day on screen. Every action names the branch and day loaded (backend
    vars), checked again against the branches this staff member manages."""

    branches: list[Option] = []
    branch: str = ""
    day: str = ""
    day_ar: str = ""
    day_en: str = ""
    working_day: bool = True
    closed_reason: str = ""
    slots: list[SlotRow] = []
    bookings: list[BookingRow] = []
    scopes: list[Option] = []
    error: dict[str, str] = NO_PROBLEM
    done: dict[str, str] = NO_PROBLEM
    busy: bool = False
    _branch: str = ""
    _day: str = ""

    def _fill(self, who: staff.StaffIdentity, branch_code: str, day: date) -> None:
        with session_scope() as session:
            self.branches = [Option(b.code, b.name_ar, b.name_en)
                             for b in backoffice.managed_branches(session, who)]
            if not self.branches:
                self.branch = self._branch = ""
                return
            if branch_code not in {b.value for b in self.branches}:
                branch_code = self.branches[0].value
            view = backoffice.branch_day(session, who, branch_code, day)
            self.slots = [SlotRow(s.start, s.booked, s.capacity, s.free, s.closed)
                          for s in view.slots]
            self.bookings = [BookingRow(a.reference, a.start,
                                        *both(f"messages.topic.{a.topic}"), a.status,
                                        *both(f"appointments.status.{a.status}"))
                             for a in view.appointments]
            self.closed_reason, self.working_day = view.closed_reason, view.working_day
        self.branch = self._branch = branch_code
        self.day = self._day = day.isoformat()
        self.day_ar, self.day_en = day_label(day, "ar"), day_label(day, "en")
        self.scopes = [Option("default", *both("staff.branches.scope_default")),
                       Option("day", *both("staff.branches.scope_day"))] + [
            Option(s.start, *[translate("staff.branches.scope_slot", lang, time=s.start)
                              for lang in ("ar", "en")]) for s in self.slots]

    async def _show(self, who: staff.StaffIdentity, branch_code: str, day: date) -> None:
        await asyncio.to_thread(self._fill, who, branch_code, day)

    def _loaded_day(self) -> date:
        return date.fromisoformat(self._day)

    @rx.event
    async def load(self):
        """The first branch this staff member manages, today (or the next working day)."""
        who, refusal = await staff_guard(self, staff.MANAGE_BRANCHES, touch=False)
        if refusal:
            return refusal
        self.error, self.done, self.busy = NO_PROBLEM, NO_PROBLEM, False
        today = CLOCK.now().astimezone(appointments.RIYADH).date()
        await self._show(who, self._branch, _first_working_day(today))
        return None

    @rx.event
    async def show_day(self, form_data: dict):
        """Show the branch and day chosen (both checked by the server)."""
        who, refusal = await staff_guard(self, staff.MANAGE_BRANCHES)
        if refusal:
            return refusal
        values = form_values(form_data, "branch", "day")
        self.done = NO_PROBLEM
        try:
            day = backoffice.parse_day(values["day"], CLOCK.now())
        except DomainError as error:
            self.error = problem(error, "day")
            return None
        if values["branch"] not in {b.value for b in self.branches}:
            self.error = problem_for("branch_not_managed", "branch")
            return None
        self.error = NO_PROBLEM
        await self._show(who, values["branch"], day)
        return None

    @rx.event
    async def choose_branch(self, value: str):
        """Another branch (an administrator's choice), on the same day."""
        who, refusal = await staff_guard(self, staff.MANAGE_BRANCHES)
        if refusal:
            return refusal
        if value not in {b.value for b in self.branches} or not self._day:
            self.error = problem_for("branch_not_managed", "branch")
            return None
        self.error, self.done = NO_PROBLEM, NO_PROBLEM
        await self._show(who, value, self._loaded_day())
        return None

    async def _act(self, who: staff.StaffIdentity, action, field: str) -> str | None:
        """Run `action(session, who, branch, day)` on the loaded branch and day; on success
        show the day again and return the action's result."""
        if not self._branch or not self._day:
            self.error = problem_for("branch_not_managed", field)
            return None
        branch, day = self._branch, self._loaded_day()

        def _run():
            with session_scope() as session:
                return action(session, who, branch, day)

        self.busy = True
        try:
            result = await asyncio.to_thread(_run)
        except DomainError as error:
            self.error, self.done = problem(error, field), NO_PROBLEM
            return None
        finally:
            self.busy = False
        self.error = NO_PROBLEM
        await self._show(who, branch, day)
        return result

    def _done(self, key: str, **params: str) -> None:
        self.done = {lang: translate(key, lang, **params) for lang in ("ar", "en")} | {
            "field": ""}

    @rx.event
    async def set_capacity(self, form_data: dict):
        """Places per slot: the branch default, this whole day, or one slot of it."""
        who, refusal = await staff_guard(self, staff.MANAGE_BRANCHES)
        if refusal:
            return refusal
        values = form_values(form_data, "scope", "places")
        scope, places = values["scope"], values["places"].strip()
        if scope not in {"default", "day", *appointments.slot_times()}:
            self.error = problem_for("staff_choose_scope", "scope")
            return None
        if not places.isascii() or not places.isdigit() or len(places) > 3:
            self.error = problem_for("capacity_invalid", "places")
            return None
        number = int(places)

        def _set(session, w, branch, day):
            return backoffice.set_capacity(
                session, w, branch, number, now=CLOCK.now(),
                day=None if scope == "default" else day,
                start=None if scope in ("default", "day") else scope)

        change = await self._act(who, _set, "places")
        if change is not None:
            self._done("staff.branches.capacity_done", places=str(number),
                       changed=str(change.changed))
            if change.kept_higher:
                self._done("staff.branches.capacity_kept", places=str(number),
                           slots="، ".join(change.kept_higher))
        return None

    @rx.event
    async def close_day(self, form_data: dict):
        """Close the branch on the day shown, with the reason people are told."""
        who, refusal = await staff_guard(self, staff.MANAGE_BRANCHES)
        if refusal:
            return refusal
        reason = form_values(form_data, "reason")["reason"]
        affected = await self._act(who, lambda s, w, b, d: backoffice.close_day(
            s, w, b, d, reason, now=CLOCK.now(), sms=get_sms_sender()), "reason")
        if affected is not None:
            self._done("staff.branches.closed_done", count=str(len(affected)))
        return None

    @rx.event
    async def reopen_day(self):
        """Open the day again (appointments the closure cancelled stay cancelled)."""
        who, refusal = await staff_guard(self, staff.MANAGE_BRANCHES)
        if refusal:
            return refusal
        reopened = await self._act(who, lambda s, w, b, d: backoffice.reopen_day(
            s, w, b, d, now=CLOCK.now()), "")
        if reopened:
            self._done("staff.branches.reopened_done")
        return None

    @rx.event
    async def check_in(self, form_data: dict):
        """Check in the slip whose QR text was scanned (or typed) at this branch."""
        who, refusal = await staff_guard(self, staff.MANAGE_BRANCHES)
        if refusal:
            return refusal
        scanned = form_values(form_data, "scanned")["scanned"][:100]
        appointment = await self._act(who, lambda s, w, b, _d: backoffice.check_in(
            s, w, b, scanned, now=CLOCK.now()).reference, "scanned")
        if appointment:
            self._done("staff.branches.checked_in", reference=appointment)
        return None


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
        rx.el.caption(t("staff.branches.slots")), head, rx.el.tbody(rx.foreach(s.slots, row)),
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
            rx.el.td(rx.el.span(bilingual(r.status_ar, r.status_en),
                                class_name="status status-" + r.status)),
        )

    return rx.cond(s.bookings.length() > 0, rx.el.div(rx.el.table(
        rx.el.caption(t("staff.branches.bookings")), head,
        rx.el.tbody(rx.foreach(s.bookings, row)), class_name="data-table stack-table",
        data_testid="booking-table"), class_name="table-scroll"),
        rx.el.p(t("staff.branches.no_bookings")))


def _day_picker() -> rx.Component:
    s = StaffBranchState
    return rx.el.form(
        rx.el.div(
            select_field("branch", "staff.branches.branch", s.branches, s.error,
                         value=s.branch, on_change=StaffBranchState.choose_branch,
                         placeholder_key="staff.branches.choose"),
            rx.el.div(text_field("day", "staff.branches.day", s.error, input_type="date",
                                 default_value=s.day, dir="ltr"), key=s.day),
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
                rx.el.select(rx.foreach(s.scopes, lambda o: rx.el.option(
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
        s.closed_reason != "",
        rx.el.div(
            rx.el.p(t_with("staff.branches.closed_because", {"reason": s.closed_reason}),
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
            rx.el.button(t("staff.branches.close"), type="submit", class_name="button warning",
                         disabled=s.busy),
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
        rx.cond(s.branches.length() == 0, rx.el.p(t("staff.branches.none"), role="alert"),
                rx.fragment(
                    _day_picker(),
                    error_summary(s.error),
                    rx.el.div(rx.cond(s.done["ar"] != "", rx.el.p(localized(s.done),
                                                                   class_name="notice")),
                              role="status"),
                    rx.el.h2(bilingual(s.day_ar, s.day_en), data_testid="branch-day"),
                    rx.cond(s.working_day, rx.fragment(
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
