"""`/forgot-password`: ID number + mobile -> SMS code -> check question -> new password.

What the request has proved so far lives in the backend var `_progress` (never sent to the
browser), and the domain re-checks it in the database at the password step, so no step can be
skipped from the browser. Details that match no account look exactly like a match.
"""

from __future__ import annotations

import asyncio
import copy
import time

import reflex as rx

from absher_app import routes
from absher_app.components.countdown import resend_countdown
from absher_app.components.date_input import date_input
from absher_app.components.forms import (
    NO_PROBLEM,
    checkbox_field,
    error_summary,
    form_values,
    localized,
    problem,
    problem_for,
    radio_group,
    submit_button,
    text_field,
)
from absher_app.components.layout import page_layout
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import codes, recovery
from absher_app.domain.errors import DomainError
from absher_app.domain.passwords import MAX_LENGTH, strength
from absher_app.pages.register import activation_ways, strength_meter
from absher_app.providers.clock import SystemClock
from absher_app.providers.sms import get_sms_sender
from absher_app.state.language import LanguageState, t

CLOCK = SystemClock()
# Matched and unmatched details must take the same time to answer: every answer of the first
# two steps takes at least this long (sending a code takes a few milliseconds).
ANSWER_FLOOR_S = 0.4
FIELD_OF_ERROR = {
    "id_length": "id_number", "id_first_digit": "id_number", "id_checksum": "id_number",
    "mobile_invalid": "mobile", "mobile_not_mobile": "mobile",
    "code_format": "code", "code_wrong": "code", "code_used": "code", "code_expired": "code",
    "code_locked": "code", "code_send_wait": "code",
    "reset_birth_date_invalid": "birth_date", "reset_passport_required": "passport",
    "reset_question_unknown": "question",
    "password_too_short": "password", "password_too_long": "password",
    "password_mismatch": "password_confirm", "password_common": "password",
    "password_personal": "password", "password_weak": "password",
}


async def _at_least(seconds: float, func, *args):
    """Run `func(*args)` off the event loop; answer no sooner than `seconds` from now."""
    started = time.monotonic()
    try:
        return await asyncio.to_thread(func, *args)
    finally:
        await asyncio.sleep(max(0.0, seconds - (time.monotonic() - started)))


class RecoveryState(rx.State):
    """The forgotten-password wizard."""

    step: str = "details"
    id_number: str = ""
    mobile: str = ""
    masked_mobile: str = ""
    question: str = "birth_date"
    strength: int = -1
    resend_wait: int = 0
    resend_serial: int = 0
    resent: bool = False
    registered: bool = False
    error: dict[str, str] = NO_PROBLEM
    busy: bool = False
    _progress: recovery.ResetProgress | None = None

    def _copy_progress(self) -> recovery.ResetProgress | None:
        """A plain copy of the progress for a worker thread (the state proxies its vars)."""
        progress = self._progress
        progress = getattr(progress, "__wrapped__", progress)
        return copy.deepcopy(progress) if progress is not None else None

    def _fail(self, error: DomainError) -> None:
        if error.code == "reset_expired":
            self._restart()
        field = FIELD_OF_ERROR.get(error.code, "")
        if error.code == "reset_check_wrong":
            field = self.question
        self.error = problem(error, field)

    def _set_wait(self, seconds: int) -> None:
        self.resend_wait, self.resend_serial = max(0, seconds), self.resend_serial + 1

    def _restart(self, error: dict[str, str] = NO_PROBLEM) -> None:
        self.step, self.error, self.busy, self.resent = "details", error, False, False
        self.masked_mobile, self.question, self.strength = "", "birth_date", -1
        self.registered, self._progress = False, None

    @rx.event
    def start_over(self):
        """Back to the first step (keeping what was typed); everything proved is forgotten."""
        self._restart()

    @rx.event
    def reset_form(self):
        """A fresh wizard on every visit to /forgot-password."""
        self._restart()
        self.id_number = self.mobile = ""

    @rx.event
    async def submit_details(self, form_data: dict):
        """Text a reset code when the details match an account; answer alike when not."""
        values = form_values(form_data, "id_number", "mobile")
        self.id_number, self.mobile = values["id_number"][:20], values["mobile"][:20]
        lang = (await self.get_state(LanguageState)).lang

        def _start():
            with session_scope() as session:
                now = CLOCK.now()
                progress = recovery.start_reset(session, values["id_number"], values["mobile"],
                                                now=now, sms=get_sms_sender(), lang=lang)
                return progress, recovery.send_wait_seconds(session, progress, now)

        self.busy = True
        yield
        try:
            progress, wait = await _at_least(ANSWER_FLOOR_S, _start)
        except DomainError as error:
            self._fail(error)
        else:
            self._progress, self.masked_mobile = progress, progress.masked_mobile
            self._set_wait(wait)
            self.step, self.error, self.resent = "code", NO_PROBLEM, False
        finally:
            self.busy = False

    @rx.event
    async def submit_code(self, form_data: dict):
        """Check the reset code."""
        progress = self._copy_progress()
        if progress is None or self.step != "code":
            self._restart(problem_for("reset_expired"))
            return
        code = form_values(form_data, "code")["code"][:20]

        def _verify():
            with session_scope() as session:
                recovery.verify_code(session, progress, code, now=CLOCK.now())

        self.busy = True
        yield
        try:
            await _at_least(ANSWER_FLOOR_S, _verify)
        except DomainError as error:
            self._progress = progress  # an imitated failure counts too
            self._fail(error)
        else:
            self._progress = progress
            self.step, self.error, self.resent = "question", NO_PROBLEM, False
        finally:
            self.busy = False

    @rx.event
    async def resend_code(self):
        """Ask for another code (the cooldown and the sending limit apply)."""
        progress = self._copy_progress()
        if progress is None or self.step != "code":
            self._restart(problem_for("reset_expired"))
            return
        lang = (await self.get_state(LanguageState)).lang

        def _resend() -> int:
            with session_scope() as session:
                now = CLOCK.now()
                recovery.resend_code(session, progress, now=now, sms=get_sms_sender(),
                                     lang=lang)
                return recovery.send_wait_seconds(session, progress, now)

        try:
            wait = await _at_least(ANSWER_FLOOR_S, _resend)
        except codes.ThrottledError as error:
            self._fail(error)
            self._set_wait(error.retry_after)
        except DomainError as error:
            self._fail(error)
        else:
            self._progress = progress
            self._set_wait(wait)
            self.error, self.resent = NO_PROBLEM, True

    @rx.event
    def choose_question(self, question: str):
        """Show the field of the chosen check question."""
        if question in recovery.QUESTIONS:
            self.question = question

    @rx.event
    async def submit_answer(self, form_data: dict):
        """Check the answer to the check question."""
        progress = self._copy_progress()
        if progress is None or self.step != "question":
            self._restart(problem_for("reset_expired"))
            return
        values = form_values(form_data, "question", "birth_date_day", "birth_date_month",
                             "birth_date_year", "passport")
        question = values["question"] if values["question"] in recovery.QUESTIONS else ""
        self.question = question or self.question
        if question == "birth_date":
            answer = "-".join(values[f"birth_date_{part}"][:4]
                              for part in ("year", "month", "day"))
        else:
            answer = values["passport"][:20]

        def _check():
            with session_scope() as session:
                recovery.check_answer(session, progress, question, answer, now=CLOCK.now())

        self.busy = True
        yield
        try:
            await asyncio.to_thread(_check)
        except DomainError as error:
            self._fail(error)
        else:
            self._progress = progress
            self.step, self.error = "password", NO_PROBLEM
        finally:
            self.busy = False

    @rx.event
    def measure(self, password: str):
        """Strength meter: score only, the password is not kept."""
        self.strength = (strength(password[:MAX_LENGTH])
                         if isinstance(password, str) and password else -1)

    @rx.event
    async def submit_password(self, form_data: dict):
        """Set the new password (argon2id off the event loop). Does not sign in."""
        progress = self._copy_progress()
        if progress is None or self.step != "password":
            self._restart(problem_for("reset_expired"))
            return
        password = form_data.get("password", "")
        confirm = form_data.get("password_confirm", "")
        if not isinstance(password, str) or not isinstance(confirm, str):
            return
        password, confirm = password[:MAX_LENGTH + 1], confirm[:MAX_LENGTH + 1]
        end_sessions = form_data.get("end_sessions") == "yes"

        def _complete() -> str:
            with session_scope() as session:
                account = recovery.complete_reset(session, progress, password, confirm,
                                                  end_sessions=end_sessions, now=CLOCK.now(),
                                                  sms=get_sms_sender())
                return account.status

        self.busy = True
        yield
        try:
            status = await asyncio.to_thread(_complete)
        except DomainError as error:
            self._fail(error)
        else:
            self.step, self.error, self._progress = "done", NO_PROBLEM, None
            self.registered = status == "registered"
            self.strength = -1
        finally:
            self.busy = False


def _details_form() -> rx.Component:
    error = RecoveryState.error
    return rx.fragment(
        rx.el.p(t("recovery.lead"), class_name="lead"),
        rx.el.form(
            error_summary(error),
            text_field("id_number", "register.id_number", error, hint_key="register.id_hint",
                       input_mode="numeric", max_length=10,
                       default_value=RecoveryState.id_number, dir="ltr"),
            text_field("mobile", "register.mobile", error, hint_key="register.mobile_hint",
                       input_type="tel", autocomplete="tel-national",
                       default_value=RecoveryState.mobile, dir="ltr"),
            submit_button("register.continue", loading=RecoveryState.busy),
            on_submit=RecoveryState.submit_details,
            class_name="form",
        ),
        rx.el.p(rx.el.a(t("nav.login"), href=routes.LOGIN)),
    )


def _start_over_button() -> rx.Component:
    return rx.el.button(t("recovery.start_over"), type="button", class_name="button secondary",
                        on_click=RecoveryState.start_over)


def _code_form() -> rx.Component:
    error = RecoveryState.error
    return rx.fragment(
        rx.el.h2(t("register.code_title")),
        rx.el.p(t_with("recovery.code_sent", {"mobile": rx.el.bdi(RecoveryState.masked_mobile)})),
        rx.cond(RecoveryState.resent,
                rx.el.div(rx.el.p(t("recovery.code_resent")), role="status", class_name="notice"),
                rx.fragment()),
        rx.el.form(
            error_summary(error),
            text_field("code", "login.code", error, input_mode="numeric", max_length=11,
                       autocomplete="one-time-code", test_id="otp-code", dir="ltr"),
            submit_button("login.verify", test_id="otp-submit", loading=RecoveryState.busy),
            on_submit=RecoveryState.submit_code,
            reset_on_submit=True,
            class_name="form",
        ),
        resend_countdown(RecoveryState.resend_wait, RecoveryState.resend_serial,
                         RecoveryState.resend_code),
        _start_over_button(),
    )


def _question_form() -> rx.Component:
    error = RecoveryState.error
    return rx.fragment(
        rx.el.h2(t("recovery.question_title")),
        rx.el.form(
            error_summary(error),
            radio_group("question", "recovery.question_legend",
                        [(q, f"recovery.question.{q}") for q in ("birth_date", "passport")],
                        error, default=RecoveryState.question,
                        on_change=RecoveryState.choose_question),
            rx.cond(
                RecoveryState.question == "passport",
                text_field("passport", "recovery.passport", error,
                           hint_key="recovery.passport_hint", max_length=20, dir="ltr"),
                date_input("birth_date", "recovery.birth_date", error,
                           hint_key="recovery.birth_hint"),
            ),
            submit_button("register.continue", loading=RecoveryState.busy),
            on_submit=RecoveryState.submit_answer,
            class_name="form",
        ),
        _start_over_button(),
    )


def _password_form() -> rx.Component:
    error = RecoveryState.error
    invalid = error["field"] == "password"
    return rx.fragment(
        rx.el.h2(t("recovery.password_title")),
        rx.el.form(
            error_summary(error),
            rx.el.div(
                rx.el.label(t("recovery.password"), html_for="field-password",
                            class_name="field-label"),
                rx.el.p(t("register.password_hint"), id="field-password-hint",
                        class_name="field-hint"),
                rx.cond(invalid, rx.el.p(localized(error), id="field-password-error",
                                         class_name="field-error"), rx.fragment()),
                rx.el.input(id="field-password", name="password", type="password",
                            auto_complete="new-password",
                            aria_describedby=rx.cond(invalid,
                                                     "field-password-error field-password-hint",
                                                     "field-password-hint"),
                            aria_invalid=rx.cond(invalid, "true", "false"),
                            class_name=rx.cond(invalid, "field-input invalid", "field-input"),
                            dir="ltr", on_change=RecoveryState.measure.debounce(250)),
                strength_meter(RecoveryState.strength),
                class_name=rx.cond(invalid, "field field-has-error", "field"),
            ),
            text_field("password_confirm", "recovery.password_confirm", error,
                       input_type="password", autocomplete="new-password", dir="ltr"),
            checkbox_field("end_sessions", "recovery.end_sessions", error, checked=True),
            submit_button("recovery.submit", loading=RecoveryState.busy),
            on_submit=RecoveryState.submit_password,
            class_name="form",
        ),
        _start_over_button(),
    )


def _done() -> rx.Component:
    return rx.el.div(
        rx.el.h2(t("recovery.done_title")),
        rx.el.p(t("recovery.done_lead")),
        rx.cond(RecoveryState.registered,
                rx.fragment(rx.el.p(t("recovery.done_registered")), activation_ways()),
                rx.fragment()),
        rx.el.a(t("nav.login"), href=routes.LOGIN, class_name="button"),
        class_name="panel",
        role="status",
    )


def page() -> rx.Component:
    """The forgotten-password wizard."""
    return page_layout(
        "recovery.title",
        rx.match(
            RecoveryState.step,
            ("code", _code_form()),
            ("question", _question_form()),
            ("password", _password_form()),
            ("done", _done()),
            _details_form(),
        ),
    )
