"""`/staff/activate`: activation at an office. The clerk finds the registered account by the ID
number on the card in front of them, checks the person shown (name, date of birth, mobile
masked) against the card, and activates with channel "office". Looking the person up is
logged in their "who accessed my record"."""

from __future__ import annotations

import asyncio

import reflex as rx

from absher_app.components.forms import (
    NO_PROBLEM,
    checkbox_field,
    error_summary,
    form_values,
    localized,
    problem,
    problem_for,
    submit_button,
    text_field,
)
from absher_app.components.staff_layout import staff_page
from absher_app.db import session_scope
from absher_app.domain import staff
from absher_app.domain.calendars import hijri_text
from absher_app.domain.errors import DomainError
from absher_app.i18n import translate
from absher_app.providers.sms import get_sms_sender
from absher_app.state.language import is_english, t
from absher_app.state.staff_session import CLOCK, SessionState, staff_guard


class StaffActivationState(rx.State):
    """The person being checked at the counter. The ID number activated is the one found,
    kept as a backend var: the browser cannot swap it between the check and the activation."""

    found: bool = False
    id_number: str = ""
    name_ar: str = ""
    name_en: str = ""
    category_ar: str = ""
    category_en: str = ""
    birth_date: str = ""
    birth_hijri_ar: str = ""
    birth_hijri_en: str = ""
    masked_mobile: str = ""
    error: dict[str, str] = NO_PROBLEM
    done: dict[str, str] = NO_PROBLEM
    busy: bool = False
    _found_id: str = ""

    def _clear(self) -> None:
        self.found, self.id_number, self._found_id = False, "", ""
        self.name_ar = self.name_en = self.masked_mobile = self.birth_date = ""
        self.category_ar = self.category_en = self.birth_hijri_ar = self.birth_hijri_en = ""

    @rx.event
    async def load(self):
        """A fresh counter for each visit."""
        _who, refusal = await staff_guard(self, staff.ACTIVATE_ACCOUNTS, touch=False)
        if refusal:
            return refusal
        self._clear()
        self.error, self.done, self.busy = NO_PROBLEM, NO_PROBLEM, False
        return None

    @rx.event
    async def find(self, form_data: dict):
        """Look the registered account up by ID number (logged for the person)."""
        who, refusal = await staff_guard(self, staff.ACTIVATE_ACCOUNTS)
        if refusal:
            return refusal
        id_number = form_values(form_data, "id_number")["id_number"]

        def _find() -> staff.PersonCard:
            with session_scope() as session:
                return staff.find_for_activation(session, who, id_number, now=CLOCK.now())

        self.done = NO_PROBLEM
        try:
            card = await asyncio.to_thread(_find)
        except DomainError as error:
            self._clear()
            self.error = problem(error, "id_number")
            return None
        self.error, self.found = NO_PROBLEM, True
        self.id_number = self._found_id = card.id_number
        self.name_ar, self.name_en = card.name_ar, card.name_en
        self.category_ar = translate(f"staff.category.{card.category}", "ar")
        self.category_en = translate(f"staff.category.{card.category}", "en")
        self.birth_date = card.birth_date.isoformat()
        self.birth_hijri_ar = hijri_text(card.birth_date, "ar")
        self.birth_hijri_en = hijri_text(card.birth_date, "en")
        self.masked_mobile = card.masked_mobile
        return None

    @rx.event
    async def activate(self, form_data: dict):
        """Activate the account found, once the clerk confirms the card matches."""
        who, refusal = await staff_guard(self, staff.ACTIVATE_ACCOUNTS)
        if refusal:
            yield refusal
            return
        if not self._found_id:
            self.error = problem_for("staff_find_first", "id_number")
            return
        if form_data.get("confirm") != "yes":
            self.error = problem_for("staff_confirm_card", "confirm")
            return
        id_number = self._found_id

        def _activate() -> None:
            with session_scope() as session:
                staff.activate_at_office(session, who, id_number, now=CLOCK.now(),
                                         sms=get_sms_sender())

        self.busy = True
        yield
        try:
            await asyncio.to_thread(_activate)
        except DomainError as error:
            self.error = problem(error, "")
        else:
            self.done = {"ar": translate("staff.activate.done", "ar", name=self.name_ar),
                         "en": translate("staff.activate.done", "en", name=self.name_en),
                         "field": ""}
            self.error = NO_PROBLEM
            self._clear()
        finally:
            self.busy = False

    @rx.event
    async def start_over(self):
        """Back to an empty search (another person at the counter)."""
        _who, refusal = await staff_guard(self, staff.ACTIVATE_ACCOUNTS)
        if refusal:
            return refusal
        self._clear()
        self.error, self.done = NO_PROBLEM, NO_PROBLEM
        return None


def _row(label_key: str, value, **props) -> rx.Component:
    return rx.el.div(rx.el.dt(t(label_key)), rx.el.dd(value, **props), class_name="summary-row")


def _card() -> rx.Component:
    s = StaffActivationState
    error = s.error
    return rx.el.section(
        rx.el.h2(t("staff.activate.check_title"), id="check-title"),
        rx.el.p(t("staff.activate.check_lead")),
        rx.el.dl(
            _row("staff.person.id_number", rx.el.bdi(s.id_number), dir="ltr"),
            _row("staff.person.name", rx.cond(is_english(), s.name_en, s.name_ar),
                 data_testid="person-name"),
            _row("staff.person.category", rx.cond(is_english(), s.category_en, s.category_ar)),
            _row("staff.person.birth_date", rx.fragment(
                rx.el.bdi(s.birth_date, dir="ltr"), " · ",
                rx.cond(is_english(), s.birth_hijri_en, s.birth_hijri_ar))),
            _row("staff.person.mobile", rx.el.bdi(s.masked_mobile, dir="ltr")),
            class_name="summary-list",
        ),
        rx.el.form(
            error_summary(error),
            checkbox_field("confirm", "staff.activate.confirm", error),
            submit_button("staff.activate.submit", loading=s.busy),
            on_submit=s.activate,
            class_name="form",
        ),
        rx.el.button(t("staff.activate.another"), type="button", class_name="button secondary",
                     on_click=s.start_over),
        aria_labelledby="check-title",
        class_name="panel",
    )


def page() -> rx.Component:
    """The activation counter."""
    s = StaffActivationState
    return staff_page(
        "staff.activate.title",
        rx.el.div(rx.cond(s.done["ar"] != "", rx.el.p(localized(s.done), class_name="notice")),
                  role="status"),
        rx.cond(
            s.found,
            _card(),
            rx.el.form(
                rx.cond(s.found, rx.fragment(), error_summary(s.error)),
                text_field("id_number", "staff.activate.id_number", s.error,
                           hint_key="staff.activate.id_hint", dir="ltr", input_mode="numeric",
                           max_length=10, autocomplete="off"),
                submit_button("staff.activate.find"),
                on_submit=s.find,
                reset_on_submit=False,
                class_name="form",
            ),
        ),
        lead_key="staff.activate.lead",
    )


ON_LOAD = [SessionState.require_staff, StaffActivationState.load]
