"""`/account/devices`: the sign-in history, the signed-in devices with "sign out everywhere",
and "this wasn't me" (lock the account until a password reset)."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application import account as usecases
from absher_app.application.account import DeviceRow, HistoryRow, NotMeForm
from absher_app.application.views import NO_PROBLEM, problem
from absher_app.components.account import account_section, account_task_page, date_time
from absher_app.components.forms import checkbox_field, error_summary
from absher_app.components.text import bilingual, t_with
from absher_app.domain.account_settings import HISTORY_LIMIT
from absher_app.domain.errors import DomainError
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import leave_for, load_page
from absher_app.state.tab import reset_tab


class DevicesState(rx.State):
    """The history and devices shown, and the "this wasn't me" form's error."""

    history: list[HistoryRow] = []
    devices: list[DeviceRow] = []
    not_me_error: dict[str, str] = NO_PROBLEM

    def _on_problem(self, error: DomainError) -> None:
        self.not_me_error = problem(error)

    @event
    async def load(self):
        """The history and the devices as they are now."""
        self.reset()
        view = await load_page(self, usecases.sign_ins_and_devices)
        self.history, self.devices = view.history, view.devices

    async def _signed_out(self):
        # Nothing of this person stays in the tab; the endpoint then clears the cookie.
        await reset_tab(self)
        return leave_for(routes.AUTH_SIGNED_OUT)

    @event
    async def sign_out_everywhere(self):
        """End every session of the account, this one too, then sign this browser out."""
        await use(self, usecases.sign_out_everywhere)
        return await self._signed_out()

    @event
    async def report_not_me(self, form: NotMeForm):
        """Lock the account ("this wasn't me"), end every session, sign this browser out."""
        await use(self, usecases.report_not_me, form)
        return await self._signed_out()


def _history_row(row: rx.Var[HistoryRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(date_time(row.at)),
        rx.el.td(
            bilingual(row.what_ar, row.what_en),
            rx.cond(row.failed,
                    rx.el.span(t("account.history.refused"), class_name="tag tag-refused")),
        ),
        rx.el.td(rx.cond(row.device != "", rx.el.bdi(row.device, dir="ltr"),
                         t("account.device.unknown"))),
    )


def _history() -> rx.Component:
    history = DevicesState.history
    return account_section(
        "history", "account.history.title",
        rx.el.p(t_with("account.history.lead", {"count": str(HISTORY_LIMIT)})),
        rx.cond(
            history.length() > 0,
            rx.el.table(
                rx.el.thead(rx.el.tr(*[rx.el.th(t(f"account.history.{k}"), scope="col")
                                       for k in ("time", "what", "device")])),
                rx.el.tbody(rx.foreach(history, _history_row)),
                class_name="data-table compact-table",
                aria_labelledby="history-title",
            ),
            rx.el.p(t("account.history.empty")),
        ),
        rx.el.p(t("account.time_note"), class_name="field-hint"),
    )


def _device_row(row: rx.Var[DeviceRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.cond(row.device != "", rx.el.bdi(row.device, dir="ltr"),
                    t("account.device.unknown")),
            rx.cond(row.current, rx.el.span(t("account.sessions.this_device"), class_name="tag")),
        ),
        rx.el.td(date_time(row.started)),
        rx.el.td(date_time(row.last_seen)),
    )


def _devices() -> rx.Component:
    return account_section(
        "sessions", "account.sessions.title",
        rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(t(f"account.sessions.{k}"), scope="col")
                                   for k in ("device", "started", "last_seen")])),
            rx.el.tbody(rx.foreach(DevicesState.devices, _device_row)),
            class_name="data-table compact-table",
            aria_labelledby="sessions-title",
        ),
        rx.el.p(t("account.sessions.hint"), id="sign-out-all-hint", class_name="field-hint"),
        rx.el.button(t("account.sessions.sign_out_all"), type="button",
                     class_name="button secondary", aria_describedby="sign-out-all-hint",
                     on_click=DevicesState.sign_out_everywhere),
    )


def _not_me() -> rx.Component:
    error = DevicesState.not_me_error
    return account_section(
        "not-me", "account.not_me.title",
        rx.el.p(t("account.not_me.lead")),
        rx.el.form(
            error_summary(error),
            checkbox_field("not_me_confirm", "account.not_me.confirm", error),
            rx.el.button(t("account.not_me.submit"), type="submit", class_name="button warning"),
            on_submit=DevicesState.report_not_me,
            class_name="form",
        ),
    )


def page() -> rx.Component:
    """The sign-in history and devices task."""
    return account_task_page("account.devices.title", _history(), _devices(), _not_me())
