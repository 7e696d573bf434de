"""`/account/close`: close the account for good (the password and an explicit confirmation);
every session ends and this browser is signed out."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application import account as usecases
from absher_app.application.account import CloseForm
from absher_app.application.hashing import hashing_pool
from absher_app.components.account import account_task_page
from absher_app.components.forms import checkbox_field, error_summary
from absher_app.components.passwords import password_field
from absher_app.state.events import event, use
from absher_app.state.form import FormState
from absher_app.state.language import t
from absher_app.state.session import leave_for
from absher_app.state.tab import reset_tab


class CloseAccountState(FormState, rx.State):
    """The close-account form."""

    @event
    async def close(self, form: CloseForm):
        """Close the account, empty the tab, then let the endpoint clear the cookie."""
        self.busy = True
        yield
        await use(self, usecases.close_account, form, pool=hashing_pool())
        await reset_tab(self)
        yield leave_for(routes.AUTH_SIGNED_OUT)


def page() -> rx.Component:
    """The close-account task."""
    s = CloseAccountState
    return account_task_page(
        "account.close.title",
        rx.el.p(t("account.close.lead")),
        rx.el.form(
            error_summary(s.error),
            password_field("close_password", "account.current_password", s.error),
            checkbox_field("close_confirm", "account.close.confirm", s.error),
            rx.el.button(t("account.close.submit"), type="submit", class_name="button warning",
                         disabled=s.busy),
            on_submit=CloseAccountState.close,
            class_name="form",
        ),
    )
