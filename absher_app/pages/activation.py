"""`/activate/bank` and `/activate/kiosk`: demo pages that play the activation partners."""

from __future__ import annotations

import asyncio

import reflex as rx

from absher_app.components.forms import (
    NO_PROBLEM,
    checkbox_field,
    error_summary,
    form_values,
    problem,
    problem_for,
    submit_button,
    text_field,
)
from absher_app.components.layout import page_layout
from absher_app.db import session_scope
from absher_app.domain.errors import DomainError
from absher_app.providers.activation import DemoActivationPartner
from absher_app.providers.clock import SystemClock
from absher_app.providers.sms import get_sms_sender
from absher_app.settings import get_settings
from absher_app.state.language import t

CLOCK = SystemClock()


class ActivationPartnerState(rx.State):
    """One form for both demo partners; the channel comes from the page, checked here."""

    done: bool = False
    error: dict[str, str] = NO_PROBLEM

    @rx.event
    def reset_form(self):
        """A fresh form on each visit."""
        self.done, self.error = False, NO_PROBLEM

    @rx.event
    async def activate(self, form_data: dict):
        """Activate as the bank or the kiosk would (demo partners are off in production)."""
        channel = form_data.get("channel")
        if channel not in ("bank", "kiosk") or not get_settings().dev_tools_enabled:
            return
        if form_data.get("confirm_identity") != "yes":
            self.error = problem_for("confirm_identity", "confirm_identity")
            return
        id_number = form_values(form_data, "id_number")["id_number"]

        def _activate():
            with session_scope() as session:
                DemoActivationPartner(channel, get_sms_sender()).activate(
                    session, id_number, now=CLOCK.now())

        try:
            await asyncio.to_thread(_activate)
        except DomainError as error:
            self.error = problem(error, "id_number")
        else:
            self.done, self.error = True, NO_PROBLEM


def _partner_page(channel: str) -> rx.Component:
    error = ActivationPartnerState.error
    return page_layout(
        f"{channel}.title",
        rx.cond(
            ActivationPartnerState.done,
            rx.el.div(rx.el.p(t("activation.done")), role="status", class_name="panel"),
            rx.el.form(
                error_summary(error),
                rx.el.input(type="hidden", name="channel", value=channel),
                text_field("id_number", "activation.id_number", error, input_mode="numeric",
                           max_length=10, dir="ltr"),
                checkbox_field("confirm_identity", "activation.confirm_identity", error),
                submit_button("activation.submit"),
                on_submit=ActivationPartnerState.activate,
                class_name="form",
            ),
        ),
        lead_key=f"{channel}.lead",
    )


def bank_page() -> rx.Component:
    """The demo bank."""
    return _partner_page("bank")


def kiosk_page() -> rx.Component:
    """The demo self-service kiosk."""
    return _partner_page("kiosk")
