"""`/register`: new user (مستخدم جديد) — details, SMS code, password; then how to activate."""

from __future__ import annotations

import asyncio

import reflex as rx

from absher_app import routes
from absher_app.components.countdown import resend_countdown
from absher_app.components.forms import (
    NO_PROBLEM,
    checkbox_field,
    error_summary,
    form_values,
    problem,
    problem_for,
    radio_group,
    submit_button,
    text_field,
)
from absher_app.components.layout import page_layout
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import accounts, codes
from absher_app.domain.errors import DomainError
from absher_app.domain.identity import CATEGORIES
from absher_app.domain.passwords import strength
from absher_app.providers.clock import SystemClock
from absher_app.providers.rate_limit import get_rate_limiter
from absher_app.providers.sms import get_sms_sender
from absher_app.settings import get_settings
from absher_app.state.language import LanguageState, t

CLOCK = SystemClock()
FIELD_OF_ERROR = {
    "category_unknown": "category", "id_length": "id_number", "id_first_digit": "id_number",
    "id_checksum": "id_number", "id_category_mismatch": "id_number",
    "registry_no_match": "id_number", "id_has_account": "id_number",
    "mobile_invalid": "mobile", "mobile_not_mobile": "mobile",
    "username_invalid": "username",
    "username_taken": "username", "email_invalid": "email", "country_required": "country",
    "terms_required": "terms", "code_format": "code", "code_wrong": "code",
    "code_used": "code", "code_expired": "code", "code_locked": "code",
    "password_too_short": "password", "password_too_long": "password",
    "password_mismatch": "password_confirm", "password_common": "password",
    "password_personal": "password", "password_weak": "password",
}
COUNTRIES = ("KW", "AE", "BH", "QA", "OM", "US", "GB", "IN", "PK", "EG", "JO", "RU", "JP", "SN",
             "PH", "ID", "NP", "SD", "FR", "DE", "TR")


class RegisterState(rx.State):
    """The registration wizard. What the person typed is theirs; the person id stays backend."""

    step: str = "details"
    category: str = "citizen"
    id_number: str = ""
    mobile: str = ""
    username: str = ""
    email: str = ""
    country: str = ""
    masked_mobile: str = ""
    strength: int = -1
    resend_wait: int = 0
    resend_serial: int = 0
    error: dict[str, str] = NO_PROBLEM
    busy: bool = False
    _person_id: int = 0

    def _details(self, accepted: bool = True) -> accounts.RegistrationDetails:
        return accounts.RegistrationDetails(
            category=self.category, id_number=self.id_number, mobile=self.mobile,
            username=self.username, email=self.email, country=self.country or None,
            accepted_terms=accepted)

    async def _lang(self) -> str:
        return (await self.get_state(LanguageState)).lang

    def _fail(self, error: DomainError) -> None:
        self.error = problem(error, FIELD_OF_ERROR.get(error.code, ""))

    def _set_wait(self, seconds: int) -> None:
        """Restart the resend countdown from `seconds`."""
        self.resend_wait, self.resend_serial = max(0, seconds), self.resend_serial + 1

    @rx.event
    def load(self):
        """A finished registration is not shown again: coming back starts a new, empty one."""
        if self.step == "done":
            self.reset()

    @rx.event
    def start_over(self):
        """Back to the first step, keeping what was typed."""
        self.step, self.error, self._person_id = "details", NO_PROBLEM, 0

    @rx.event
    async def submit_details(self, form_data: dict):
        """Check the details against the registry and text a code."""
        values = form_values(form_data, "category", "id_number", "mobile", "username", "email",
                             "country")
        self.category = values["category"] if values["category"] in CATEGORIES else ""
        self.id_number, self.mobile = values["id_number"], values["mobile"]
        self.username, self.email = values["username"], values["email"]
        self.country = values["country"] if values["country"] in COUNTRIES else ""
        details = self._details(accepted=form_data.get("terms") == "yes")
        lang = await self._lang()
        client = self.router.session.client_ip if self.router else ""

        def _start():
            with session_scope() as session:
                person, sent = accounts.start_registration(
                    session, details, now=CLOCK.now(), sms=get_sms_sender(), lang=lang,
                    client=client, limiter=get_rate_limiter(),
                    limit=get_settings().registration_failure_limit)
                return person.id, sent, codes.send_wait_seconds(session, person.id,
                                                                "registration", CLOCK.now())

        self.busy = True
        yield
        try:
            person_id, sent, wait = await asyncio.to_thread(_start)
        except DomainError as error:
            self._fail(error)
        else:
            self._person_id, self.masked_mobile = person_id, sent.masked_mobile
            self._set_wait(wait)
            self.step, self.error = "code", NO_PROBLEM
        finally:
            self.busy = False

    @rx.event
    async def submit_code(self, form_data: dict):
        """Accept the registration code."""
        if not self._person_id:
            self.step, self.error = "details", problem_for("session_expired")
            return
        code = form_values(form_data, "code")["code"]
        person_id = self._person_id

        def _verify():
            with session_scope() as session:
                codes.verify_code(session, person_id=person_id, purpose="registration",
                                  code=code, now=CLOCK.now())

        try:
            await asyncio.to_thread(_verify)
        except DomainError as error:
            self._fail(error)
        else:
            self.step, self.error = "password", NO_PROBLEM

    @rx.event
    async def resend_code(self):
        """Text a new code (subject to the cooldown and the sending limit)."""
        if not self._person_id:
            self.step, self.error = "details", problem_for("session_expired")
            return
        details, lang = self._details(), await self._lang()
        client = self.router.session.client_ip if self.router else ""

        def _resend():
            with session_scope() as session:
                person, sent = accounts.start_registration(
                    session, details, now=CLOCK.now(), sms=get_sms_sender(), lang=lang,
                    client=client, limiter=get_rate_limiter(),
                    limit=get_settings().registration_failure_limit)
                return sent, codes.send_wait_seconds(session, person.id, "registration",
                                                     CLOCK.now())

        try:
            sent, wait = await asyncio.to_thread(_resend)
        except codes.ThrottledError as error:
            self._fail(error)
            self._set_wait(error.retry_after)
        except DomainError as error:
            self._fail(error)
        else:
            self.masked_mobile, self.error = sent.masked_mobile, NO_PROBLEM
            self._set_wait(wait)

    @rx.event
    def measure(self, password: str):
        """Strength meter: score only, the password is not kept."""
        self.strength = strength(password[:256]) if isinstance(password, str) and password else -1

    @rx.event
    async def submit_password(self, form_data: dict):
        """Create the registered account (argon2 hashing runs off the event loop)."""
        if not self._person_id or self.step != "password":
            self.step, self.error = "details", problem_for("session_expired")
            return
        password = form_data.get("password", "")
        confirm = form_data.get("password_confirm", "")
        if not isinstance(password, str) or not isinstance(confirm, str):
            return
        details, lang = self._details(), await self._lang()

        def _complete():
            with session_scope() as session:
                accounts.complete_registration(session, details, password=password,
                                               confirm=confirm, now=CLOCK.now(), lang=lang)

        self.busy = True
        yield
        try:
            await asyncio.to_thread(_complete)
        except DomainError as error:
            self._fail(error)
        else:
            self.step, self.error, self._person_id = "done", NO_PROBLEM, 0
        finally:
            self.busy = False


def _details_form() -> rx.Component:
    error = RegisterState.error
    return rx.el.form(
        error_summary(error),
        radio_group("category", "register.category",
                    [(c, f"register.category.{c}") for c in CATEGORIES], error,
                    default=RegisterState.category),
        text_field("id_number", "register.id_number", error, hint_key="register.id_hint",
                   input_mode="numeric", max_length=10, default_value=RegisterState.id_number,
                   dir="ltr"),
        text_field("mobile", "register.mobile", error, hint_key="register.mobile_hint",
                   input_type="tel", autocomplete="tel-national",
                   default_value=RegisterState.mobile, dir="ltr"),
        text_field("username", "register.username", error, hint_key="register.username_hint",
                   autocomplete="username", default_value=RegisterState.username, dir="ltr"),
        text_field("email", "register.email", error, input_type="email", autocomplete="email",
                   default_value=RegisterState.email, dir="ltr"),
        rx.el.div(
            rx.el.label(t("register.country"), html_for="field-country", class_name="field-label"),
            rx.el.select(
                rx.el.option("—", value=""),
                *[rx.el.option(code, value=code) for code in COUNTRIES],
                id="field-country", name="country", default_value=RegisterState.country,
                class_name="field-input",
            ),
            class_name="field",
        ),
        checkbox_field("terms", "register.terms", error),
        submit_button("register.continue", loading=RegisterState.busy),
        on_submit=RegisterState.submit_details,
        class_name="form",
    )


def _code_form() -> rx.Component:
    error = RegisterState.error
    return rx.fragment(
        rx.el.h2(t("register.code_title")),
        rx.el.p(t_with("register.code_sent", {"mobile": rx.el.bdi(RegisterState.masked_mobile)})),
        rx.el.form(
            error_summary(error),
            text_field("code", "login.code", error, input_mode="numeric", max_length=6,
                       autocomplete="one-time-code", test_id="otp-code", dir="ltr"),
            submit_button("login.verify", test_id="otp-submit"),
            on_submit=RegisterState.submit_code,
            reset_on_submit=True,
            class_name="form",
        ),
        resend_countdown(RegisterState.resend_wait, RegisterState.resend_serial,
                         RegisterState.resend_code),
    )


def strength_meter(score: rx.Var) -> rx.Component:
    """Live password strength (zxcvbn score), announced politely to screen readers."""
    return rx.el.div(
        rx.el.span(t("strength.label"), ": "),
        rx.match(score, *[(n, rx.el.strong(t(f"strength.{n}"))) for n in range(5)],
                 rx.el.span("—")),
        rx.el.meter(value=rx.cond(score < 0, 0, score + 1), min=0, max=5, low=2.5, high=3.5,
                    optimum=5, aria_hidden="true"),
        aria_live="polite",
        class_name="strength",
    )


def _password_form() -> rx.Component:
    error = RegisterState.error
    return rx.fragment(
        rx.el.h2(t("register.password_title")),
        rx.el.form(
            error_summary(error),
            rx.el.div(
                rx.el.label(t("register.password"), html_for="field-password",
                            class_name="field-label"),
                rx.el.p(t("register.password_hint"), id="field-password-hint",
                        class_name="field-hint"),
                rx.el.input(id="field-password", name="password", type="password",
                            auto_complete="new-password", aria_describedby="field-password-hint",
                            class_name="field-input", dir="ltr",
                            on_change=RegisterState.measure.debounce(250)),
                strength_meter(RegisterState.strength),
                class_name="field",
            ),
            text_field("password_confirm", "register.password_confirm", error,
                       input_type="password", autocomplete="new-password", dir="ltr"),
            submit_button("register.create", loading=RegisterState.busy),
            on_submit=RegisterState.submit_password,
            class_name="form",
        ),
    )


def activation_ways() -> rx.Component:
    """The three ways to activate, linking the demo partners' pages in demo mode."""
    demo = get_settings().dev_tools_enabled
    return rx.el.ul(
        rx.el.li(rx.el.a(t("activation.bank"), href=routes.ACTIVATE_BANK) if demo
                 else t("activation.bank")),
        rx.el.li(rx.el.a(t("activation.kiosk"), href=routes.ACTIVATE_KIOSK) if demo
                 else t("activation.kiosk")),
        rx.el.li(t("activation.office")),
        class_name="link-list",
    )


def _done() -> rx.Component:
    return rx.el.div(
        rx.el.h2(t("register.done_title")),
        rx.el.p(t("register.done_lead")),
        activation_ways(),
        rx.el.a(t("nav.login"), href=routes.LOGIN, class_name="button"),
        class_name="panel",
        role="status",
    )


def page() -> rx.Component:
    """The registration wizard."""
    return page_layout(
        "register.title",
        rx.match(
            RegisterState.step,
            ("code", _code_form()),
            ("password", _password_form()),
            ("done", _done()),
            _details_form(),
        ),
        lead_key="register.lead",
    )


