"""`/forgot-password`: ID number + mobile -> SMS code -> check question -> new password.

What the request has proved so far lives in the backend var `_progress` (never sent to the
browser), and the domain re-checks it in the database at the password step, so no step can be
skipped from the browser. Details that match no account look exactly like a match, and take
as long to answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections.abc import AsyncIterator

import reflex as rx

from absher_app import routes
from absher_app.application import recovery as usecases
from absher_app.application.hashing import hashing_pool
from absher_app.application.recovery import (
    ANSWER_FLOOR_S,
    AnswerForm,
    ResetDetailsForm,
    ResetPasswordForm,
    ResetStep,
)
from absher_app.application.sign_in import CodeForm
from absher_app.application.views import NO_PROBLEM, problem, problem_for
from absher_app.components.countdown import resend_countdown
from absher_app.components.date_input import date_input
from absher_app.components.forms import (
    checkbox_field,
    error_summary,
    radio_group,
    submit_button,
    text_field,
)
from absher_app.components.layout import page_layout
from absher_app.components.panels import activation_ways
from absher_app.components.passwords import new_password_field, password_field
from absher_app.components.text import t_with
from absher_app.domain import codes
from absher_app.domain.errors import DomainError
from absher_app.domain.passwords import MAX_LENGTH, strength
from absher_app.domain.recovery import QUESTIONS, CheckQuestion, ResetProgress
from absher_app.state.events import event, use
from absher_app.state.language import t

Step = ResetStep


@contextlib.asynccontextmanager
async def answering_no_sooner_than(seconds: float) -> AsyncIterator[None]:
    """Whatever happens inside, answer no sooner than `seconds` from now (without holding a
    thread: the event loop waits)."""
    started = time.monotonic()
    try:
        yield
    finally:
        await asyncio.sleep(max(0.0, seconds - (time.monotonic() - started)))


class RecoveryState(rx.State):
    """The forgotten-password wizard."""

    step: str = Step.DETAILS
    id_number: str = ""
    mobile: str = ""
    masked_mobile: str = ""
    question: str = CheckQuestion.BIRTH_DATE
    strength: int = -1
    resend_wait: int = 0
    resend_serial: int = 0
    resent: bool = False
    registered: bool = False
    error: dict[str, str] = NO_PROBLEM
    busy: bool = False
    _progress: ResetProgress | None = None

    def _on_problem(self, error: DomainError) -> None:
        if error.code == "reset_expired":
            self._restart()
        self.error, self.busy = problem(error), False
        if isinstance(error, codes.ThrottledError) and error.code == "code_send_wait":
            self._set_wait(error.retry_after)

    def _copy_progress(self) -> ResetProgress | None:
        """A plain copy of the progress for the use case (the state proxies its vars)."""
        progress = self._progress
        progress = getattr(progress, "__wrapped__", progress)
        return copy.deepcopy(progress) if progress is not None else None

    def _progress_at(self, step: ResetStep) -> ResetProgress | None:
        """The progress when the wizard is at `step`; otherwise it starts again, saying so."""
        progress = self._copy_progress()
        if progress is None or self.step != step:
            self._restart(problem_for("reset_expired"))
            return None
        return progress

    def _set_wait(self, seconds: int) -> None:
        self.resend_wait, self.resend_serial = max(0, seconds), self.resend_serial + 1

    def _restart(self, error: dict[str, str] = NO_PROBLEM) -> None:
        self.step, self.error, self.busy, self.resent = Step.DETAILS, error, False, False
        self.masked_mobile, self.question, self.strength = "", CheckQuestion.BIRTH_DATE, -1
        self.registered, self._progress = False, None

    @event
    def start_over(self):
        """Back to the first step (keeping what was typed); everything proved is forgotten."""
        self._restart()

    @event
    def reset_form(self):
        """A fresh wizard on every visit to /forgot-password."""
        self._restart()
        self.id_number = self.mobile = ""

    @event
    async def submit_details(self, form: ResetDetailsForm):
        """Text a reset code when the details match an account; answer alike when not."""
        self.id_number, self.mobile, self.busy = form.id_number, form.mobile, True
        yield
        async with answering_no_sooner_than(ANSWER_FLOOR_S):
            started = await use(self, usecases.start_reset, form)
        self._progress, self.masked_mobile = started.progress, started.masked_mobile
        self._set_wait(started.resend_wait)
        self.step, self.error, self.resent, self.busy = Step.CODE, NO_PROBLEM, False, False

    @event
    async def submit_code(self, form: CodeForm):
        """Check the reset code."""
        progress = self._progress_at(Step.CODE)
        if progress is None:
            return
        self.busy = True
        yield
        try:
            async with answering_no_sooner_than(ANSWER_FLOOR_S):
                await use(self, usecases.verify_reset_code, progress, form)
        finally:
            self._progress = progress  # an imitated failure counts too
        self.step, self.error, self.resent, self.busy = Step.QUESTION, NO_PROBLEM, False, False

    @event
    async def resend_code(self):
        """Ask for another code (the cooldown and the sending limit apply)."""
        progress = self._progress_at(Step.CODE)
        if progress is None:
            return
        async with answering_no_sooner_than(ANSWER_FLOOR_S):
            wait = await use(self, usecases.resend_reset_code, progress)
        self._progress = progress
        self._set_wait(wait)
        self.error, self.resent = NO_PROBLEM, True

    @event
    def choose_question(self, question: str):
        """Show the field of the chosen check question."""
        if question in QUESTIONS:
            self.question = question

    @event
    async def submit_answer(self, form: AnswerForm):
        """Check the answer to the check question."""
        progress = self._progress_at(Step.QUESTION)
        if progress is None:
            return
        self.question = form.chosen or self.question
        self.busy = True
        yield
        await use(self, usecases.check_answer, progress, form)
        self._progress = progress
        self.step, self.error, self.busy = Step.PASSWORD, NO_PROBLEM, False

    @event
    def measure(self, password: str):
        """Strength meter: score only, the password is not kept."""
        self.strength = strength(password[:MAX_LENGTH]) if password else -1

    @event
    async def submit_password(self, form: ResetPasswordForm):
        """Set the new password. Does not sign in."""
        progress = self._progress_at(Step.PASSWORD)
        if progress is None:
            return
        self.busy = True
        yield
        registered = await use(self, usecases.complete_reset, progress, form,
                               pool=hashing_pool())
        self.step, self.error, self._progress = Step.DONE, NO_PROBLEM, None
        self.registered, self.strength, self.busy = registered, -1, False


def _details_form() -> rx.Component:
    s = RecoveryState
    return rx.fragment(
        rx.el.p(t("recovery.lead"), class_name="lead"),
        rx.el.form(
            error_summary(s.error),
            text_field("id_number", "register.id_number", s.error, hint_key="register.id_hint",
                       input_mode="numeric", max_length=10, default_value=s.id_number,
                       dir="ltr"),
            text_field("mobile", "register.mobile", s.error, hint_key="register.mobile_hint",
                       input_type="tel", autocomplete="tel-national", default_value=s.mobile,
                       dir="ltr"),
            submit_button("register.continue", loading=s.busy),
            on_submit=RecoveryState.submit_details,
            class_name="form",
        ),
        rx.el.p(rx.el.a(t("nav.login"), href=routes.LOGIN)),
    )


def _start_over_button() -> rx.Component:
    return rx.el.button(t("recovery.start_over"), type="button", class_name="button secondary",
                        on_click=RecoveryState.start_over)


def _code_form() -> rx.Component:
    s = RecoveryState
    return rx.fragment(
        rx.el.h2(t("register.code_title")),
        rx.el.p(t_with("recovery.code_sent", {"mobile": rx.el.bdi(s.masked_mobile)})),
        rx.cond(s.resent,
                rx.el.div(rx.el.p(t("recovery.code_resent")), role="status", class_name="notice"),
                rx.fragment()),
        rx.el.form(
            error_summary(s.error),
            text_field("code", "login.code", s.error, input_mode="numeric", max_length=11,
                       autocomplete="one-time-code", test_id="otp-code", dir="ltr"),
            submit_button("login.verify", test_id="otp-submit", loading=s.busy),
            on_submit=RecoveryState.submit_code,
            reset_on_submit=True,
            class_name="form",
        ),
        resend_countdown(s.resend_wait, s.resend_serial, RecoveryState.resend_code),
        _start_over_button(),
    )


def _question_form() -> rx.Component:
    s = RecoveryState
    return rx.fragment(
        rx.el.h2(t("recovery.question_title")),
        rx.el.form(
            error_summary(s.error),
            radio_group("question", "recovery.question_legend",
                        [(q, f"recovery.question.{q}") for q in QUESTIONS], s.error,
                        default=s.question, on_change=RecoveryState.choose_question),
            rx.cond(
                s.question == CheckQuestion.PASSPORT,
                text_field("passport", "recovery.passport", s.error,
                           hint_key="recovery.passport_hint", max_length=20, dir="ltr"),
                date_input("birth_date", "recovery.birth_date", s.error,
                           hint_key="recovery.birth_hint"),
            ),
            submit_button("register.continue", loading=s.busy),
            on_submit=RecoveryState.submit_answer,
            class_name="form",
        ),
        _start_over_button(),
    )


def _password_form() -> rx.Component:
    s = RecoveryState
    return rx.fragment(
        rx.el.h2(t("recovery.password_title")),
        rx.el.form(
            error_summary(s.error),
            new_password_field("password", "recovery.password", s.error, s.strength,
                               RecoveryState.measure),
            password_field("password_confirm", "recovery.password_confirm", s.error,
                           "new-password"),
            checkbox_field("end_sessions", "recovery.end_sessions", s.error, checked=True),
            submit_button("recovery.submit", loading=s.busy),
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
            (Step.CODE, _code_form()),
            (Step.QUESTION, _question_form()),
            (Step.PASSWORD, _password_form()),
            (Step.DONE, _done()),
            _details_form(),
        ),
    )
