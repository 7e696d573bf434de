"""`/activate/bank` and `/activate/kiosk`: demo pages that play the activation partners."""

from __future__ import annotations

import reflex as rx

from absher_app.application.activation import PartnerActivationForm, activate_as_partner
from absher_app.application.views import NO_PROBLEM
from absher_app.components.forms import checkbox_field, error_summary, submit_button, text_field
from absher_app.components.layout import page_layout
from absher_app.state.events import event, use
from absher_app.state.form import FormState
from absher_app.state.language import t


class ActivationPartnerState(FormState, rx.State):
    """One form for both demo partners; the channel comes from the page, checked by the use
    case."""

    done: bool = False

    @event
    async def activate(self, form: PartnerActivationForm):
        """Activate as the bank or the kiosk would (demo partners are off in production)."""
        if await use(self, activate_as_partner, form):
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
