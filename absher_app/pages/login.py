"""`/login`: ID number or username + password, then a one-time code (SMS, app or backup)."""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from absher_app import routes
from absher_app.components.countdown import resend_countdown
from absher_app.components.forms import (
    NO_PROBLEM,
    error_summary,
    form_values,
    problem,
    problem_for,
    submit_button,
    text_field,
)
from absher_app.components.layout import page_layout
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import accounts, codes
from absher_app.domain.errors import DomainError
from absher_app.domain.identity import mask_mobile
from absher_app.domain.sign_in_limits import SignInLimits, counting_sign_in, delay_seconds
from absher_app.models import Account
from absher_app.pages.register import activation_ways
from absher_app.providers.clock import SystemClock
from absher_app.providers.rate_limit import get_rate_limiter
from absher_app.providers.sms import get_sms_sender
from absher_app.settings import get_settings
from absher_app.state.hashing import run_hashing
from absher_app.state.language import LanguageState, adopt_language_script, t

CLOCK = SystemClock()
# A password check opens a 10-minute window for the second factor, as a code lives.
SECOND_FACTOR_WINDOW_S = 600


class LoginState(rx.State):
    """Sign-in steps. The account id waiting for its second factor is a backend var."""

    step: str = "credentials"
    method: str = "sms"
    masked_mobile: str = ""
    notice: str = ""
    resend_wait: int = 0
    resend_serial: int = 0
    error: dict[str, str] = NO_PROBLEM
    busy: bool = False
    _account_id: int = 0
    _password_ok_at: float = 0.0

    def _fail(self, error: DomainError, field: str) -> None:
        self.error = problem(error, field)

    def _pending(self) -> int | None:
        if self._account_id and time.time() - self._password_ok_at < SECOND_FACTOR_WINDOW_S:
            return self._account_id
        self._account_id = 0
        return None

    def _set_wait(self, seconds: int) -> None:
        """Restart the resend countdown from `seconds`."""
        self.resend_wait, self.resend_serial = max(0, seconds), self.resend_serial + 1

    @rx.event
    def reset_form(self):
        """Fresh sign-in form on every visit to /login (with why a session ended, if it did)."""
        self.step, self.method, self.error, self.busy = "credentials", "sms", NO_PROBLEM, False
        self._account_id = 0
        reason = self.router.url.query_parameters.get("reason", "") if self.router else ""
        self.notice = reason if reason in routes.SIGN_OUT_REASONS else ""

    @rx.event(background=True)
    async def submit_credentials(self, form_data: dict):
        """Check the password; then ask for the second factor (or explain activation).

        A background event: the hash waits its turn in the hashing pool (a sign-in burst
        queues there) without holding this tab's state lock, which Redis would expire after
        REFLEX_REDIS_LOCK_EXPIRATION (10 s) and so lose what the handler then writes.
        """
        values = form_values(form_data, "login")
        password = form_data.get("password", "")
        password = password if isinstance(password, str) else ""
        async with self:
            lang = (await self.get_state(LanguageState)).lang
            device = self.router.headers.user_agent if self.router else ""
            client = self.router.session.client_ip if self.router else ""
            self.busy = True

        limits = SignInLimits(get_settings().sign_in_failure_limit,
                              get_settings().sign_in_slow_limit)

        def _authenticate():
            with session_scope() as session:
                with counting_sign_in(get_rate_limiter(), limits, client, values["login"]):
                    account = accounts.authenticate(session, values["login"], password,
                                                    now=CLOCK.now(), device=device)
                if account.status != "active":
                    return account.id, account.status, "", "", 0
                method = accounts.second_factor_method(account)
                masked, wait = "", 0
                if method == "sms":
                    try:
                        masked = accounts.send_sign_in_code(session, account, now=CLOCK.now(),
                                                            sms=get_sms_sender(),
                                                            lang=lang).masked_mobile
                    except codes.ThrottledError:
                        # A code sent under a minute ago is still valid: ask for that one.
                        masked = mask_mobile(account.mobile)
                    wait = codes.send_wait_seconds(session, account.person_id, "sign_in",
                                                   CLOCK.now())
                return account.id, account.status, method, masked, wait

        try:
            await asyncio.sleep(await asyncio.to_thread(delay_seconds, get_rate_limiter(),
                                                        limits, client))
            account_id, status, method, masked, wait = await run_hashing(_authenticate)
        except DomainError as error:
            async with self:
                self._fail(error, "login" if error.code == "bad_credentials" else "")
                self.busy = False
            return
        except BaseException:
            async with self:
                self.busy = False
            raise
        async with self:
            self.busy = False
            self.error = NO_PROBLEM
            if status != "active":
                self.step = "inactive"
            else:
                # Wall-clock time: the next event may be handled by another worker or host,
                # whose monotonic clock starts elsewhere.
                self._account_id, self._password_ok_at = account_id, time.time()
                self.step, self.method, self.masked_mobile = "code", method, masked
                self.notice = ""
                self._set_wait(wait)

    @rx.event
    async def submit_code(self, form_data: dict):
        """Check the second factor; on success hand the browser a single-use ticket."""
        account_id = self._pending()
        if account_id is None:
            self.step, self.error = "credentials", problem_for("session_expired")
            return
        code = form_values(form_data, "code")["code"]
        method = self.method if self.method in ("sms", "totp", "backup") else "sms"

        def _verify() -> tuple[str, str]:
            with session_scope() as session:
                account = session.get(Account, account_id)
                accounts.verify_second_factor(session, account, code, method, now=CLOCK.now())
                return (accounts.issue_sign_in_ticket(session, account, now=CLOCK.now()),
                        account.language)

        self.busy = True
        yield
        try:
            ticket, language = await asyncio.to_thread(_verify)
        except DomainError as error:
            self._fail(error, "code")
            self.busy = False
            return
        self._account_id, self.error = 0, NO_PROBLEM
        # The ticket is URL-safe base64 made here; the HTTP endpoint sets the HttpOnly cookie.
        # A browser without a language choice of its own takes the account's preference.
        yield rx.call_script(adopt_language_script(language)
                             + f"window.location.replace('{routes.AUTH_SESSION}?ticket={ticket}')")

    @rx.event
    async def resend_code(self):
        """Text a new sign-in code (cooldown and sending limit apply)."""
        account_id = self._pending()
        if account_id is None:
            self.step, self.error = "credentials", problem_for("session_expired")
            return
        if self.method != "sms":
            return  # an enrolled authenticator app is never bypassed by SMS
        lang = (await self.get_state(LanguageState)).lang

        def _send() -> tuple[str, int]:
            with session_scope() as session:
                account = session.get(Account, account_id)
                masked = accounts.send_sign_in_code(session, account, now=CLOCK.now(),
                                                    sms=get_sms_sender(), lang=lang).masked_mobile
                return masked, codes.send_wait_seconds(session, account.person_id, "sign_in",
                                                       CLOCK.now())

        try:
            self.masked_mobile, wait = await asyncio.to_thread(_send)
            self.error = NO_PROBLEM
            self._set_wait(wait)
        except codes.ThrottledError as error:
            self._fail(error, "code")
            self._set_wait(error.retry_after)
        except DomainError as error:
            self._fail(error, "code")

    @rx.event
    def use_method(self, method: str):
        """Switch between the authenticator app and a backup code."""
        if method in ("totp", "backup") and self.method in ("totp", "backup"):
            self.method, self.error = method, NO_PROBLEM


def _credentials_form() -> rx.Component:
    error = LoginState.error
    return rx.fragment(
        rx.el.form(
            error_summary(error),
            text_field("login", "login.id", error, autocomplete="username", test_id="login-id",
                       dir="ltr"),
            text_field("password", "login.password", error, input_type="password",
                       autocomplete="current-password", test_id="login-password", dir="ltr"),
            submit_button("login.submit", test_id="login-submit", loading=LoginState.busy),
            on_submit=LoginState.submit_credentials,
            class_name="form",
        ),
        rx.el.p(rx.el.a(t("login.forgot"), href=routes.FORGOT_PASSWORD)),
        rx.el.p(rx.el.a(t("login.new_user"), href=routes.REGISTER)),
    )


def _notice() -> rx.Component:
    """Why the last session ended (idle or the 12-hour cap), after an automatic sign-out."""
    return rx.match(
        LoginState.notice,
        ("idle", rx.el.div(rx.el.p(t("login.notice_idle")), role="status", class_name="notice")),
        ("expired", rx.el.div(rx.el.p(t("login.notice_expired")), role="status",
                              class_name="notice")),
        rx.fragment(),
    )


def _code_form() -> rx.Component:
    error = LoginState.error
    return rx.fragment(
        rx.el.h2(t("login.code_title")),
        rx.match(
            LoginState.method,
            ("totp", rx.el.p(t("login.totp_prompt"))),
            ("backup", rx.el.p(t("login.backup_prompt"))),
            rx.el.p(t_with("login.code_sent", {"mobile": rx.el.bdi(LoginState.masked_mobile)})),
        ),
        rx.el.form(
            error_summary(error),
            text_field("code", "login.code", error, autocomplete="one-time-code",
                       test_id="otp-code", dir="ltr", max_length=11),
            submit_button("login.verify", test_id="otp-submit", loading=LoginState.busy),
            on_submit=LoginState.submit_code,
            reset_on_submit=True,
            class_name="form",
        ),
        rx.match(
            LoginState.method,
            ("totp", rx.el.button(t("login.use_backup"), type="button",
                                  class_name="button secondary",
                                  on_click=LoginState.use_method("backup"))),
            ("backup", rx.el.button(t("login.use_totp"), type="button",
                                    class_name="button secondary",
                                    on_click=LoginState.use_method("totp"))),
            resend_countdown(LoginState.resend_wait, LoginState.resend_serial,
                             LoginState.resend_code),
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
    """The sign-in page."""
    return page_layout(
        "login.title",
        _notice(),
        rx.match(LoginState.step, ("code", _code_form()), ("inactive", _inactive()),
                 _credentials_form()),
    )
