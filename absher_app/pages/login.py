"""Signing in: `/login` for citizens (ID number or username + password, then a code by SMS,
the authenticator app or a backup code) and `/staff/login` for staff (username + password,
then the authenticator app, always). One state serves both; the realm comes from the route."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

import reflex as rx

from absher_app import routes
from absher_app.application.hashing import hashing_pool
from absher_app.application.inputs import Bounded
from absher_app.application.sign_in import (
    CodeForm,
    CredentialsForm,
    check_password,
    resend_code,
    sign_in_delay,
    verify_second_factor,
)
from absher_app.application.views import NO_PROBLEM, problem, problem_for
from absher_app.components.countdown import resend_countdown
from absher_app.components.forms import error_summary, submit_button, text_field
from absher_app.components.layout import page_layout
from absher_app.components.panels import activation_ways
from absher_app.components.text import t_with
from absher_app.domain.codes import ThrottledError
from absher_app.domain.errors import DomainError
from absher_app.state.events import event, use
from absher_app.state.language import adopt_language_script, t
from absher_app.state.tab import reset_tab

# A password check opens a 10-minute window for the second factor, as a code lives.
SECOND_FACTOR_WINDOW_S = 600
COOKIE_ENDPOINTS = {"person": routes.AUTH_SESSION, "staff": routes.AUTH_STAFF_SESSION}
AltMethod = Annotated[str, Bounded(8, "totp|backup")]


class SignInState(rx.State):
    """The sign-in steps (credentials -> code, or "not activated yet"). Whose password was
    accepted, and when, are backend vars: the browser cannot name someone else."""

    realm: str = "person"
    step: str = "credentials"
    method: str = "sms"
    first_time: bool = False
    masked_mobile: str = ""
    notice: str = ""
    resend_wait: int = 0
    resend_serial: int = 0
    error: dict[str, str] = NO_PROBLEM
    busy: bool = False
    _principal_id: int = 0
    _password_ok_at: float = 0.0

    def _on_problem(self, error: DomainError) -> None:
        self.error, self.busy = problem(error), False

    def _pending(self) -> int | None:
        """Whose password was accepted, while the second-factor window lasts. Wall-clock time:
        the next event may be handled by another worker or host."""
        if self._principal_id and time.time() - self._password_ok_at < SECOND_FACTOR_WINDOW_S:
            return self._principal_id
        self._principal_id = 0
        return None

    def _expired(self) -> None:
        self.step, self.error = "credentials", problem_for("session_expired")

    def _set_wait(self, seconds: int) -> None:
        """Restart the resend countdown from `seconds`."""
        self.resend_wait, self.resend_serial = max(0, seconds), self.resend_serial + 1

    @event
    def reset_form(self):
        """A fresh form on every visit (with why the last session ended, if it did)."""
        path = self.router.url.path if self.router else ""
        self.realm = "staff" if path.startswith(routes.STAFF) else "person"
        self.step, self.method, self.error, self.busy = "credentials", "sms", NO_PROBLEM, False
        self.first_time, self._principal_id = False, 0
        reason = self.router.url.query_parameters.get("reason", "") if self.router else ""
        self.notice = reason if reason in routes.SIGN_OUT_REASONS else ""

    @event(background=True)
    async def submit_credentials(self, form: CredentialsForm):
        """Check the password; then ask for the second factor (or explain activation).

        A background event: the hash waits its turn in the hashing pool (a sign-in burst
        queues there) without holding this tab's state lock, which Redis would expire after
        REFLEX_REDIS_LOCK_EXPIRATION (10 s) and so lose what the handler then writes.
        """
        async with self:
            realm, self.busy = self.realm, True
        await asyncio.sleep(await use(self, sign_in_delay, realm))
        checked = await use(self, check_password, realm, form, pool=hashing_pool())
        async with self:
            self.busy, self.error, self.notice = False, NO_PROBLEM, ""
            if not checked.active:
                self.step = "inactive"
                return
            self._principal_id, self._password_ok_at = checked.principal_id, time.time()
            self.step, self.method = "code", checked.method
            self.masked_mobile, self.first_time = checked.masked_mobile, checked.first_time
            self._set_wait(checked.resend_wait)

    @event
    async def submit_code(self, form: CodeForm):
        """Check the second factor; on success hand the browser a single-use ticket."""
        principal_id = self._pending()
        if principal_id is None:
            self._expired()
            return
        self.busy = True
        yield
        signed = await use(self, verify_second_factor, self.realm, principal_id, self.method,
                           form)
        endpoint = COOKIE_ENDPOINTS[self.realm]
        # Whoever used this tab before, nothing of theirs stays in it for this person.
        await reset_tab(self)
        # The endpoint sets the HttpOnly cookie. A browser without a language choice of its
        # own takes the account's preference.
        adopt = adopt_language_script(signed.language) if signed.language else ""
        yield rx.call_script(adopt + f"window.location.replace('{endpoint}?ticket="
                                     f"{signed.ticket}')")

    @event
    async def resend_code(self):
        """Text a new sign-in code (cooldown and sending limit apply)."""
        principal_id = self._pending()
        if principal_id is None:
            self._expired()
            return
        if self.realm != "person" or self.method != "sms":
            return  # an authenticator app is never bypassed by SMS
        try:
            sent = await use(self, resend_code, principal_id)
        except ThrottledError as error:
            self._on_problem(error)
            self._set_wait(error.retry_after)
            return
        self.masked_mobile, self.error = sent.masked_mobile, NO_PROBLEM
        self._set_wait(sent.resend_wait)

    @event
    def use_method(self, method: AltMethod):
        """Switch between the authenticator app and a backup code (citizens)."""
        if self.method in ("totp", "backup"):
            self.method, self.error = method, NO_PROBLEM


def _credentials_form(login_label: str, hint: str | None = None) -> rx.Component:
    error = SignInState.error
    return rx.el.form(
        error_summary(error),
        text_field("login", login_label, error, hint_key=hint, autocomplete="username",
                   test_id="login-id", dir="ltr"),
        text_field("password", "login.password", error, input_type="password",
                   autocomplete="current-password", test_id="login-password", dir="ltr"),
        submit_button("login.submit", test_id="login-submit", loading=SignInState.busy),
        on_submit=SignInState.submit_credentials,
        class_name="form",
    )


def _code_form(prompt: rx.Component, after: rx.Component) -> rx.Component:
    error = SignInState.error
    return rx.fragment(
        rx.el.h2(t("login.code_title")),
        prompt,
        rx.el.form(
            error_summary(error),
            text_field("code", "login.code", error, autocomplete="one-time-code",
                       test_id="otp-code", dir="ltr", max_length=11, input_mode="numeric"),
            submit_button("login.verify", test_id="otp-submit", loading=SignInState.busy),
            on_submit=SignInState.submit_code,
            reset_on_submit=True,
            class_name="form",
        ),
        after,
    )


def _notice() -> rx.Component:
    """Why the last session ended (idle or the 12-hour cap), after an automatic sign-out."""
    return rx.match(
        SignInState.notice,
        ("idle", rx.el.div(rx.el.p(t("login.notice_idle")), role="status", class_name="notice")),
        ("expired", rx.el.div(rx.el.p(t("login.notice_expired")), role="status",
                              class_name="notice")),
        rx.fragment(),
    )


def _person_code_form() -> rx.Component:
    switch = {"totp": ("login.use_backup", "backup"), "backup": ("login.use_totp", "totp")}
    return _code_form(
        rx.match(
            SignInState.method,
            ("totp", rx.el.p(t("login.totp_prompt"))),
            ("backup", rx.el.p(t("login.backup_prompt"))),
            rx.el.p(t_with("login.code_sent",
                           {"mobile": rx.el.bdi(SignInState.masked_mobile)})),
        ),
        rx.match(
            SignInState.method,
            *[(method, rx.el.button(t(label), type="button", class_name="button secondary",
                                    on_click=SignInState.use_method(other)))
              for method, (label, other) in switch.items()],
            resend_countdown(SignInState.resend_wait, SignInState.resend_serial,
                             SignInState.resend_code),
        ),
    )


def _inactive() -> rx.Component:
    return rx.el.div(
        rx.el.h2(t("activation.title")),
        rx.el.p(t("activation.lead")),
        activation_ways(),
        class_name="panel",
        role="status",
    )


def page() -> rx.Component:
    """The citizens' sign-in page."""
    return page_layout(
        "login.title",
        _notice(),
        rx.match(
            SignInState.step,
            ("code", _person_code_form()),
            ("inactive", _inactive()),
            rx.fragment(
                _credentials_form("login.id"),
                rx.el.p(rx.el.a(t("login.forgot"), href=routes.FORGOT_PASSWORD)),
                rx.el.p(rx.el.a(t("login.new_user"), href=routes.REGISTER)),
            ),
        ),
    )


def staff_page() -> rx.Component:
    """The staff sign-in page: the authenticator app is the only second factor."""
    prompt = rx.fragment(
        rx.cond(SignInState.first_time,
                rx.el.div(rx.el.p(t("staff.login.first_time")), role="status",
                          class_name="notice"),
                rx.fragment()),
        rx.el.p(t("staff.login.totp_prompt")),
    )
    return page_layout(
        "staff.login.title",
        rx.match(SignInState.step,
                 ("code", _code_form(prompt, rx.fragment())),
                 _credentials_form("staff.login.username", "staff.login.username_hint")),
        lead_key="staff.login.lead",
        realm="staff",
    )
