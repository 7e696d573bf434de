"""`/staff/login`: a staff member's username and password, then a code from their
authenticator app (mandatory: staff have no SMS code). The first accepted code confirms the
enrolment of the key the operator handed over when the account was created."""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from absher_app import routes
from absher_app.components.forms import (
    NO_PROBLEM,
    error_summary,
    form_values,
    problem,
    problem_for,
    submit_button,
    text_field,
)
from absher_app.components.staff_layout import staff_page
from absher_app.db import session_scope
from absher_app.domain import staff
from absher_app.domain.errors import DomainError
from absher_app.domain.sign_in_limits import SignInLimits, counting_sign_in, delay_seconds
from absher_app.models import StaffMember
from absher_app.pages.login import SECOND_FACTOR_WINDOW_S
from absher_app.providers.rate_limit import get_rate_limiter
from absher_app.settings import get_settings
from absher_app.state.language import t
from absher_app.state.staff_session import CLOCK


class StaffLoginState(rx.State):
    """Staff sign-in steps. The staff id waiting for its code is a backend var."""

    step: str = "credentials"
    first_time: bool = False
    error: dict[str, str] = NO_PROBLEM
    busy: bool = False
    _staff_id: int = 0
    _password_ok_at: float = 0.0

    def _pending(self) -> int | None:
        # Wall-clock time: the code may reach another worker or host than the password did.
        if self._staff_id and time.time() - self._password_ok_at < SECOND_FACTOR_WINDOW_S:
            return self._staff_id
        self._staff_id = 0
        return None

    @rx.event
    def reset_form(self):
        """A fresh form on every visit."""
        self.step, self.first_time, self.error, self.busy = "credentials", False, NO_PROBLEM, False
        self._staff_id = 0

    @rx.event
    async def submit_credentials(self, form_data: dict):
        """Check the password (the citizens' lock rules); then ask for the app's code."""
        values = form_values(form_data, "login")
        password = form_data.get("password", "")
        password = password if isinstance(password, str) else ""
        device = self.router.headers.user_agent if self.router else ""
        client = self.router.session.client_ip if self.router else ""
        limits = SignInLimits(get_settings().sign_in_failure_limit,
                              get_settings().sign_in_slow_limit, scope="staff_sign_in")

        def _authenticate() -> tuple[int, bool]:
            with session_scope() as session, \
                    counting_sign_in(get_rate_limiter(), limits, client, values["login"]):
                member = staff.authenticate(session, values["login"], password, now=CLOCK.now(),
                                            device=device)
                return member.id, member.totp_confirmed_at is None

        self.busy = True
        yield
        try:
            await asyncio.sleep(await asyncio.to_thread(delay_seconds, get_rate_limiter(),
                                                        limits, client))
            self._staff_id, self.first_time = await asyncio.to_thread(_authenticate)
        except DomainError as error:
            self.error = problem(error, "login" if error.code == "bad_credentials" else "")
        else:
            self._password_ok_at = time.time()
            self.step, self.error = "code", NO_PROBLEM
        finally:
            self.busy = False

    @rx.event
    async def submit_code(self, form_data: dict):
        """Check the authenticator code; on success hand the browser a single-use ticket."""
        staff_id = self._pending()
        if staff_id is None:
            self.step, self.error = "credentials", problem_for("session_expired")
            return
        code = form_values(form_data, "code")["code"]

        def _verify() -> str:
            with session_scope() as session:
                member = session.get(StaffMember, staff_id)
                staff.verify_code(session, member, code, now=CLOCK.now())
                return staff.issue_ticket(session, member, now=CLOCK.now())

        self.busy = True
        yield
        try:
            ticket = await asyncio.to_thread(_verify)
        except DomainError as error:
            self.error = problem(error, "code")
            self.busy = False
            return
        self._staff_id, self.error = 0, NO_PROBLEM
        yield rx.call_script(
            f"window.location.replace('{routes.AUTH_STAFF_SESSION}?ticket={ticket}')")


def _credentials_form() -> rx.Component:
    error = StaffLoginState.error
    return rx.el.form(
        error_summary(error),
        # The QA contract's sign-in labels and test ids, as on the citizens' sign-in.
        text_field("login", "login.id", error, hint_key="staff.login.username_hint",
                   autocomplete="username", test_id="login-id", dir="ltr"),
        text_field("password", "login.password", error, input_type="password",
                   autocomplete="current-password", test_id="login-password", dir="ltr"),
        submit_button("login.submit", test_id="login-submit", loading=StaffLoginState.busy),
        on_submit=StaffLoginState.submit_credentials,
        class_name="form",
    )


def _code_form() -> rx.Component:
    error = StaffLoginState.error
    return rx.fragment(
        rx.el.h2(t("login.code_title")),
        rx.cond(StaffLoginState.first_time,
                rx.el.div(rx.el.p(t("staff.login.first_time")), role="status",
                          class_name="notice"),
                rx.fragment()),
        rx.el.p(t("staff.login.totp_prompt")),
        rx.el.form(
            error_summary(error),
            text_field("code", "login.code", error, autocomplete="one-time-code",
                       test_id="otp-code", dir="ltr", max_length=8, input_mode="numeric"),
            submit_button("login.verify", test_id="otp-submit", loading=StaffLoginState.busy),
            on_submit=StaffLoginState.submit_code,
            reset_on_submit=True,
            class_name="form",
        ),
    )


def page() -> rx.Component:
    """The staff sign-in page."""
    return staff_page(
        "staff.login.title",
        rx.match(StaffLoginState.step, ("code", _code_form()), _credentials_form()),
        lead_key="staff.login.lead",
    )
