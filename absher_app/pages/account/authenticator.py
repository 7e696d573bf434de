"""`/account/authenticator`: the authenticator app (set up with a QR code and a first code,
turned off with the password and a code) and the backup codes (shown once, made anew).

Two things secret are sent to the browser on purpose, because showing them is the step: the
key while it is being scanned, and the new backup codes until the person says they saved them.
Both are emptied when their step ends and on every visit.
"""

from __future__ import annotations

import reflex as rx

from absher_app.application import account as usecases
from absher_app.application.account import (
    DisableTotpForm,
    RegenerateForm,
    TotpCodeForm,
    TotpStartForm,
)
from absher_app.application.hashing import hashing_pool
from absher_app.application.views import NO_PROBLEM, problem
from absher_app.components.account import NO_NOTICE, account_task_page, live_status, notice
from absher_app.components.forms import error_summary, submit_button, text_field
from absher_app.components.passwords import password_field
from absher_app.components.text import t_with
from absher_app.domain.errors import DomainError
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import load_page

# Errors after which the enrolment cannot go on: it starts again from the password.
ENROLMENT_ENDED = ("totp_not_started", "totp_already_enabled")


class AuthenticatorState(rx.State):
    """`step`: "idle" (on or off), "scan" (a key to scan, then a code), "codes" (new backup
    codes shown). Each of the three forms has its own error."""

    totp_enabled: bool = False
    backup_codes_left: int = 0
    step: str = "idle"
    enrol_secret: str = ""
    enrol_secret_qr: str = ""
    fresh_backup_codes: list[str] = []
    error: dict[str, str] = NO_PROBLEM  # set-up (password, then the code from the app)
    regenerate_error: dict[str, str] = NO_PROBLEM
    disable_error: dict[str, str] = NO_PROBLEM
    done: dict[str, str] = NO_NOTICE
    busy: bool = False
    # Which form the running event came from (its error goes there).
    _form: str = "error"

    def _on_problem(self, error: DomainError) -> None:
        setattr(self, self._form, problem(error))
        self.busy = False
        if error.code in ENROLMENT_ENDED:
            self.enrol_secret, self.enrol_secret_qr, self.step = "", "", "idle"

    async def _refresh(self) -> None:
        self._show_status(await use(self, usecases.authenticator_status))

    def _show_status(self, status: usecases.AuthenticatorView) -> None:
        self.totp_enabled, self.backup_codes_left = status.enabled, status.codes_left

    @event
    async def load(self):
        """A fresh page on every visit: nothing shown once is shown again."""
        self.reset()
        self._show_status(await load_page(self, usecases.authenticator_status))

    @event
    async def start(self, form: TotpStartForm):
        """Re-authenticate and show a new key as a QR code and as text."""
        self._form, self.busy, self.done = "error", True, NO_NOTICE
        yield
        enrolment = await use(self, usecases.begin_authenticator, form, pool=hashing_pool())
        self.enrol_secret, self.enrol_secret_qr = enrolment.key, enrolment.qr
        self.step, self.error, self.busy = "scan", NO_PROBLEM, False

    @event
    async def confirm(self, form: TotpCodeForm):
        """A current code from the app turns it on; the backup codes are shown once."""
        if self.step != "scan":
            return
        self._form, self.busy = "error", True
        yield
        codes = await use(self, usecases.confirm_authenticator, form)
        self.enrol_secret, self.enrol_secret_qr = "", ""
        self.fresh_backup_codes, self.step, self.busy = codes, "codes", False
        self.error, self.done = NO_PROBLEM, notice("account.totp.enabled_done")
        await self._refresh()

    @event
    def cancel(self):
        """Stop enrolling (the pending key is replaced at the next start)."""
        self.enrol_secret, self.enrol_secret_qr, self.step = "", "", "idle"
        self.error, self.busy = NO_PROBLEM, False

    @event
    def codes_saved(self):
        """The person has the codes: forget them."""
        self.fresh_backup_codes, self.step = [], "idle"

    @event
    async def download_codes(self):
        """The backup codes as a text file."""
        if not self.fresh_backup_codes:
            return None
        file = await use(self, usecases.backup_codes_file, tuple(self.fresh_backup_codes))
        return rx.download(data=file.text, filename=file.filename)

    @event
    async def regenerate(self, form: RegenerateForm):
        """Password, then ten new backup codes (the old ones stop working)."""
        self._form, self.busy, self.done = "regenerate_error", True, NO_NOTICE
        yield
        codes = await use(self, usecases.regenerate_backup_codes, form, pool=hashing_pool())
        self.fresh_backup_codes, self.step, self.busy = codes, "codes", False
        self.regenerate_error = NO_PROBLEM
        await self._refresh()

    @event
    async def disable(self, form: DisableTotpForm):
        """Password plus an app code (or a backup code): back to SMS codes."""
        self._form, self.busy, self.done = "disable_error", True, NO_NOTICE
        yield
        await use(self, usecases.turn_off_authenticator, form, pool=hashing_pool())
        self.reset()
        self.done = notice("account.totp.disabled_done")
        await self._refresh()


def _backup_codes_shown() -> rx.Component:
    s = AuthenticatorState
    return rx.el.div(
        rx.el.h2(t("account.backup.title")),
        rx.el.p(t("account.backup.lead")),
        rx.el.ul(
            rx.foreach(s.fresh_backup_codes, lambda code: rx.el.li(rx.el.code(code, dir="ltr"))),
            aria_label=t("account.backup.list"),
            class_name="backup-codes-list",
        ),
        rx.el.div(
            rx.el.button(t("account.backup.download"), type="button",
                         class_name="button secondary", on_click=s.download_codes),
            rx.el.button(t("account.backup.print"), type="button",
                         class_name="button secondary",
                         on_click=rx.call_script("window.print()")),
            rx.el.button(t("account.backup.saved"), type="button", class_name="button",
                         on_click=s.codes_saved),
            class_name="button-group no-print",
        ),
        class_name="panel backup-codes",
    )


def _scan_step() -> rx.Component:
    s = AuthenticatorState
    return rx.el.div(
        rx.el.h2(t("account.totp.scan_title")),
        rx.el.p(t("account.totp.scan")),
        rx.el.img(src=s.enrol_secret_qr, alt=t("account.totp.qr_alt"), width="205",
                  height="205", class_name="totp-qr"),
        rx.el.p(t("account.totp.manual"), id="totp-key-label"),
        rx.el.p(rx.el.code(s.enrol_secret, dir="ltr"), aria_labelledby="totp-key-label",
                class_name="totp-key", data_testid="totp-key"),
        rx.el.form(
            error_summary(s.error),
            text_field("totp_code", "account.totp.code", s.error, input_mode="numeric",
                       autocomplete="one-time-code", max_length=7, dir="ltr"),
            rx.el.div(
                submit_button("account.totp.confirm", loading=s.busy),
                rx.el.button(t("account.cancel"), type="button", class_name="button secondary",
                             on_click=s.cancel),
                class_name="button-group",
            ),
            on_submit=AuthenticatorState.confirm,
            reset_on_submit=True,
            class_name="form",
        ),
    )


def _totp_on() -> rx.Component:
    s = AuthenticatorState
    return rx.fragment(
        rx.el.p(t("account.totp.on")),
        rx.el.p(t_with("account.totp.codes_left", {"count": s.backup_codes_left.to_string()})),
        rx.el.h2(t("account.backup.regenerate_title"), id="regenerate-title"),
        rx.el.form(
            error_summary(s.regenerate_error),
            password_field("backup_password", "account.current_password", s.regenerate_error,
                           hint_key="account.backup.regenerate_hint"),
            submit_button("account.backup.regenerate", loading=s.busy),
            on_submit=AuthenticatorState.regenerate,
            aria_labelledby="regenerate-title",
            class_name="form",
        ),
        rx.el.h2(t("account.totp.disable_title"), id="totp-off-title"),
        rx.el.form(
            error_summary(s.disable_error),
            password_field("disable_password", "account.current_password", s.disable_error),
            text_field("disable_code", "account.totp.disable_code", s.disable_error,
                       autocomplete="one-time-code", max_length=12, dir="ltr"),
            submit_button("account.totp.disable", loading=s.busy),
            on_submit=AuthenticatorState.disable,
            aria_labelledby="totp-off-title",
            class_name="form",
        ),
    )


def _totp_off() -> rx.Component:
    s = AuthenticatorState
    return rx.fragment(
        rx.el.p(t("account.totp.off")),
        rx.el.form(
            error_summary(s.error),
            password_field("totp_password", "account.current_password", s.error),
            submit_button("account.totp.start", loading=s.busy),
            on_submit=AuthenticatorState.start,
            class_name="form",
        ),
    )


def page() -> rx.Component:
    """The authenticator app and backup codes task."""
    s = AuthenticatorState
    return account_task_page(
        "account.totp.title",
        live_status(s.done),
        rx.match(
            s.step,
            ("scan", _scan_step()),
            ("codes", _backup_codes_shown()),
            rx.cond(s.totp_enabled, _totp_on(), _totp_off()),
        ),
    )
