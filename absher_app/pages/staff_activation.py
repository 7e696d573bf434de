"""`/staff/activate`: activation at an office. The clerk finds the registered account by the ID
number on the card in front of them, checks the person shown (name, date of birth, mobile
masked) against the card, and activates with channel "office". Looking the person up is
logged in their "who accessed my record". Use cases: absher_app.application.staff."""

from __future__ import annotations

import reflex as rx

from absher_app.application import staff as usecases
from absher_app.application.staff import ConfirmForm, FindForm, PersonCardView
from absher_app.application.views import NO_PROBLEM, Text, problem
from absher_app.components.content import status_message, summary_list, summary_row
from absher_app.components.forms import (
    checkbox_field,
    error_summary,
    submit_button,
    text_field,
)
from absher_app.components.staff_layout import staff_page
from absher_app.components.text import bilingual
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import SessionState


class StaffActivationState(rx.State):
    """The person being checked at the counter. The ID number activated is the one found,
    kept as a backend var: the browser cannot swap it between the check and the activation."""

    found: bool = False
    card: PersonCardView = rx.field(default_factory=PersonCardView)
    error: dict[str, str] = NO_PROBLEM
    done: Text = rx.field(default_factory=Text)
    busy: bool = False
    _found: PersonCardView = rx.field(default_factory=PersonCardView)

    def _clear(self) -> None:
        self.found, self.card, self._found = False, PersonCardView(), PersonCardView()

    def _on_problem(self, error) -> None:
        self.error, self.busy = problem(error), False

    @event
    async def load(self):
        """A fresh counter for each visit."""
        await use(self, usecases.open_activation_counter)
        self._clear()
        self.error, self.done, self.busy = NO_PROBLEM, Text(), False

    @event
    async def find(self, form: FindForm):
        """Look the registered account up by ID number (logged for the person)."""
        self._clear()
        self.done = Text()
        card = await use(self, usecases.find_for_activation, form)
        self.found, self.card, self._found, self.error = True, card, card, NO_PROBLEM

    @event
    async def activate(self, form: ConfirmForm):
        """Activate the account found, once the clerk confirms the card matches."""
        self.busy = True
        yield
        self.done = await use(self, usecases.activate_at_office, self._found, form)
        self._clear()
        self.error, self.busy = NO_PROBLEM, False

    @event
    async def start_over(self):
        """Back to an empty search (another person at the counter)."""
        await use(self, usecases.open_activation_counter)
        self._clear()
        self.error, self.done = NO_PROBLEM, Text()


def _card() -> rx.Component:
    s = StaffActivationState
    c = s.card
    error = s.error
    return rx.el.section(
        rx.el.h2(t("staff.activate.check_title"), id="check-title"),
        rx.el.p(t("staff.activate.check_lead")),
        summary_list(
            summary_row("staff.person.id_number", rx.el.bdi(c.id_number), dir="ltr"),
            summary_row("staff.person.name", bilingual(c.name_ar, c.name_en),
                        data_testid="person-name"),
            summary_row("staff.person.category", bilingual(c.category_ar, c.category_en)),
            summary_row("staff.person.birth_date", rx.fragment(
                rx.el.bdi(c.birth_date, dir="ltr"), " · ",
                bilingual(c.birth_hijri_ar, c.birth_hijri_en))),
            summary_row("staff.person.mobile", rx.el.bdi(c.masked_mobile, dir="ltr")),
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
        status_message(s.done),
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
