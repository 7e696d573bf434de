"""`/account/mobile`: change the mobile number: the password and the new number, then the code
sent to that number; the old number is told."""

from __future__ import annotations

import reflex as rx

from absher_app.application import account as usecases
from absher_app.application.account import MobileCodeForm, MobileForm
from absher_app.application.hashing import hashing_pool
from absher_app.application.views import NO_PROBLEM
from absher_app.components.account import NO_NOTICE, account_task_page, live_status, notice
from absher_app.components.forms import error_summary, submit_button, text_field
from absher_app.components.passwords import password_field
from absher_app.components.text import t_with
from absher_app.domain.errors import DomainError
from absher_app.state.events import event, use
from absher_app.state.form import FormState
from absher_app.state.language import t


class MobileFormState(FormState, rx.State):
    """Change mobile: `step` "start" (password, new number) then "code"."""

    step: str = "start"
    masked_new: str = ""
    done: dict[str, str] = NO_NOTICE

    def _on_problem(self, error: DomainError) -> None:
        super()._on_problem(error)
        if error.code == "mobile_change_none":  # no code waiting: ask for one again
            self.step = "start"

    @event
    def cancel(self):
        """Give up this change (the code simply expires)."""
        self.reset()

    @event
    async def start(self, form: MobileForm):
        """Re-authenticate and text a code to the new number."""
        self.busy, self.done = True, NO_NOTICE
        yield
        self.masked_new = await use(self, usecases.start_mobile_change, form,
                                    pool=hashing_pool())
        self.step, self.error, self.busy = "code", NO_PROBLEM, False

    @event
    async def confirm(self, form: MobileCodeForm):
        """Accept the code: the new number replaces the old, which is told by SMS."""
        self.busy = True
        yield
        masked = await use(self, usecases.confirm_mobile_change, form)
        self.reset()
        self.done = notice("account.mobile.done", mobile=masked)


def _code_step() -> rx.Component:
    s = MobileFormState
    return rx.fragment(
        rx.el.p(t_with("account.mobile.code_sent",
                       {"mobile": rx.el.bdi(s.masked_new, dir="ltr")})),
        rx.el.form(
            error_summary(s.error),
            text_field("mobile_code", "account.code", s.error, input_mode="numeric",
                       autocomplete="one-time-code", max_length=6, dir="ltr"),
            rx.el.div(
                submit_button("account.mobile.confirm", loading=s.busy),
                rx.el.button(t("account.cancel"), type="button", class_name="button secondary",
                             on_click=MobileFormState.cancel),
                class_name="button-group",
            ),
            on_submit=MobileFormState.confirm,
            class_name="form",
        ),
    )


def _start_step() -> rx.Component:
    s = MobileFormState
    return rx.el.form(
        error_summary(s.error),
        password_field("mobile_password", "account.current_password", s.error),
        text_field("new_mobile", "account.mobile.new", s.error, hint_key="account.mobile.hint",
                   input_type="tel", autocomplete="tel-national", dir="ltr", max_length=16),
        submit_button("account.mobile.send", loading=s.busy),
        on_submit=MobileFormState.start,
        class_name="form",
    )


def page() -> rx.Component:
    """The change-mobile task."""
    return account_task_page(
        "account.mobile.title",
        live_status(MobileFormState.done),
        rx.cond(MobileFormState.step == "code", _code_step(), _start_step()),
        lead_key="account.mobile.lead",
    )
