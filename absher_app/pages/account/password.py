"""`/account/password`: change the password (the current one first), and optionally sign out
the other devices."""

from __future__ import annotations

import reflex as rx

from absher_app.application import account as usecases
from absher_app.application.account import PasswordForm
from absher_app.application.hashing import hashing_pool
from absher_app.application.views import NO_PROBLEM
from absher_app.components.account import NO_NOTICE, account_task_page, live_status, notice
from absher_app.components.forms import checkbox_field, error_summary, submit_button
from absher_app.components.passwords import new_password_field, password_field
from absher_app.domain.passwords import MAX_LENGTH, strength
from absher_app.state.events import event, use
from absher_app.state.form import FormState

FORM_ID = "password-form"


class PasswordFormState(FormState, rx.State):
    """Change password."""

    done: dict[str, str] = NO_NOTICE
    strength: int = -1

    @event
    def measure(self, password: str):
        """Strength meter: the score only; the password is not kept."""
        self.strength = strength(password[:MAX_LENGTH]) if password else -1

    @event
    async def change(self, form: PasswordForm):
        """Check the current password, store the new one, text the person."""
        self.busy, self.done = True, NO_NOTICE
        yield
        ended = await use(self, usecases.change_password, form, pool=hashing_pool())
        self.error, self.busy, self.strength = NO_PROBLEM, False, -1
        self.done = (notice("account.password.done_ended", count=ended) if ended
                     else notice("account.password.done"))
        yield rx.call_script(f"document.getElementById('{FORM_ID}').reset()")


def page() -> rx.Component:
    """The change-password task."""
    s = PasswordFormState
    return account_task_page(
        "account.password.title",
        rx.el.form(
            error_summary(s.error),
            password_field("current_password", "account.current_password", s.error),
            new_password_field("new_password", "account.password.new", s.error, s.strength,
                               PasswordFormState.measure),
            password_field("new_password_confirm", "account.password.confirm", s.error,
                           "new-password"),
            checkbox_field("end_others", "account.password.end_others", s.error),
            submit_button("account.password.submit", loading=s.busy),
            live_status(s.done),
            on_submit=PasswordFormState.change,
            id=FORM_ID,
            class_name="form",
        ),
    )
