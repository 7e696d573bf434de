"""`/register`: new user (مستخدم جديد) — details, SMS code, password; then how to activate."""

from __future__ import annotations

from typing import Annotated

import reflex as rx

from absher_app import routes
from absher_app.application import registration as usecases
from absher_app.application.hashing import hashing_pool
from absher_app.application.inputs import Bounded
from absher_app.application.registration import (
    COUNTRIES,
    Country,
    DetailsForm,
    NationalitiesView,
    NewPasswordForm,
    RegistrationStep,
)
from absher_app.application.sign_in import CodeForm
from absher_app.application.views import NO_PROBLEM, problem, problem_for
from absher_app.components.countdown import resend_countdown
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
from absher_app.domain.accounts import RegistrationDetails
from absher_app.domain.errors import DomainError
from absher_app.domain.identity import CATEGORIES
from absher_app.domain.passwords import MAX_LENGTH, strength
from absher_app.state.events import event, use
from absher_app.state.language import LanguageState, is_english, t

Step = RegistrationStep
Choice = Annotated[str, Bounded(16)]


class RegisterState(rx.State):
    """The registration wizard. What the person typed is theirs; whom the details matched
    stays on the server (`_person_id`)."""

    step: str = Step.DETAILS
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
    # The nationality list for the chosen category (CLDR names, sorted per language).
    countries: NationalitiesView = rx.field(default_factory=NationalitiesView)
    _person_id: int = 0

    def _on_problem(self, error: DomainError) -> None:
        self.error, self.busy = problem(error), False
        if isinstance(error, codes.ThrottledError) and error.code == "code_send_wait":
            self._set_wait(error.retry_after)

    def _details(self) -> RegistrationDetails:
        """The details as typed at the first step (the terms were accepted there)."""
        return RegistrationDetails(
            category=self.category, id_number=self.id_number, mobile=self.mobile,
            username=self.username, email=self.email, country=self.country or None,
            accepted_terms=True)

    def _set_wait(self, seconds: int) -> None:
        """Restart the resend countdown from `seconds`."""
        self.resend_wait, self.resend_serial = max(0, seconds), self.resend_serial + 1

    def _expired(self) -> None:
        self.step, self.error, self._person_id = Step.DETAILS, problem_for("session_expired"), 0

    @event
    def load(self):
        """A finished registration is not shown again: coming back starts a new, empty one."""
        if self.step == Step.DONE:
            self.reset()
        self.countries = usecases.nationalities(self.category)

    @event
    def choose_country(self, value: Choice):
        """Kept so that the list, drawn again in the other language or for another category,
        shows the same country."""
        self.country = value if value in COUNTRIES else ""

    @event
    def choose_category(self, value: Choice):
        """GCC states lead the nationality list of a GCC national."""
        if value in CATEGORIES:
            self.category, self.countries = value, usecases.nationalities(value)

    @event
    def start_over(self):
        """Back to the first step, keeping what was typed."""
        self.step, self.error, self._person_id = Step.DETAILS, NO_PROBLEM, 0

    @event
    async def submit_details(self, form: DetailsForm):
        """Check the details against the registry and text a code."""
        details = form.details()
        self.category, self.country = details.category, details.country or ""
        self.countries = usecases.nationalities(self.category)
        self.id_number, self.mobile = details.id_number, details.mobile
        self.username, self.email = details.username, details.email
        self.busy = True
        yield
        sent = await use(self, usecases.send_registration_code, details)
        self._person_id, self.masked_mobile = sent.person_id, sent.masked_mobile
        self._set_wait(sent.resend_wait)
        self.step, self.error, self.busy = Step.CODE, NO_PROBLEM, False

    @event
    async def submit_code(self, form: CodeForm):
        """Accept the registration code."""
        if not self._person_id:
            self._expired()
            return
        await use(self, usecases.confirm_registration_code, self._person_id, form)
        self.step, self.error = Step.PASSWORD, NO_PROBLEM

    @event
    async def resend_code(self):
        """Text a new code (subject to the cooldown and the sending limit)."""
        if not self._person_id:
            self._expired()
            return
        sent = await use(self, usecases.send_registration_code, self._details())
        self.masked_mobile, self.error = sent.masked_mobile, NO_PROBLEM
        self._set_wait(sent.resend_wait)

    @event
    def measure(self, password: str):
        """Strength meter: score only, the password is not kept."""
        self.strength = strength(password[:MAX_LENGTH]) if password else -1

    @event
    async def submit_password(self, form: NewPasswordForm):
        """Create the registered account."""
        if not self._person_id or self.step != Step.PASSWORD:
            self._expired()
            return
        self.busy = True
        yield
        await use(self, usecases.create_account, self._details(), form, pool=hashing_pool())
        self.step, self.error, self._person_id, self.busy = Step.DONE, NO_PROBLEM, 0, False


def _options(countries: rx.Var[list[Country]]) -> rx.Component:
    return rx.foreach(countries, lambda c: rx.el.option(c.name, value=c.code))


def _countries(first: rx.Var[list[Country]], rest: rx.Var[list[Country]]) -> rx.Component:
    """The GCC states as their own group first (for a GCC national), then every country."""
    return rx.cond(
        first.length() > 0,
        rx.fragment(rx.el.optgroup(_options(first), label=t("register.country_gcc")),
                    rx.el.optgroup(_options(rest), label=t("register.country_other"))),
        _options(rest),
    )


def _details_form() -> rx.Component:
    s = RegisterState
    error = s.error
    return rx.el.form(
        error_summary(error),
        radio_group("category", "register.category",
                    [(c, f"register.category.{c}") for c in CATEGORIES], error,
                    default=s.category, on_change=RegisterState.choose_category),
        text_field("id_number", "register.id_number", error, hint_key="register.id_hint",
                   input_mode="numeric", max_length=10, default_value=s.id_number, dir="ltr"),
        text_field("mobile", "register.mobile", error, hint_key="register.mobile_hint",
                   input_type="tel", autocomplete="tel-national", default_value=s.mobile,
                   dir="ltr"),
        text_field("username", "register.username", error, hint_key="register.username_hint",
                   autocomplete="username", default_value=s.username, dir="ltr"),
        text_field("email", "register.email", error, input_type="email", autocomplete="email",
                   default_value=s.email, dir="ltr"),
        rx.el.div(
            rx.el.label(t("register.country"), html_for="field-country", class_name="field-label"),
            rx.el.select(
                rx.el.option("—", value=""),
                rx.cond(is_english(), _countries(s.countries.first_en, s.countries.rest_en),
                        _countries(s.countries.first_ar, s.countries.rest_ar)),
                id="field-country", name="country", default_value=s.country,
                on_change=RegisterState.choose_country,
                # Another language or category draws other options: the select starts again
                # from the country chosen (kept by choose_country).
                key=LanguageState.lang + "-" + s.category,
                class_name="field-input",
            ),
            class_name="field",
        ),
        checkbox_field("terms", "register.terms", error),
        submit_button("register.continue", loading=s.busy),
        on_submit=RegisterState.submit_details,
        class_name="form",
    )


def _code_form() -> rx.Component:
    s = RegisterState
    return rx.fragment(
        rx.el.h2(t("register.code_title")),
        rx.el.p(t_with("register.code_sent", {"mobile": rx.el.bdi(s.masked_mobile)})),
        rx.el.form(
            error_summary(s.error),
            text_field("code", "login.code", s.error, input_mode="numeric", max_length=6,
                       autocomplete="one-time-code", test_id="otp-code", dir="ltr"),
            submit_button("login.verify", test_id="otp-submit"),
            on_submit=RegisterState.submit_code,
            reset_on_submit=True,
            class_name="form",
        ),
        resend_countdown(s.resend_wait, s.resend_serial, RegisterState.resend_code),
    )


def _password_form() -> rx.Component:
    s = RegisterState
    return rx.fragment(
        rx.el.h2(t("register.password_title")),
        rx.el.form(
            error_summary(s.error),
            new_password_field("password", "register.password", s.error, s.strength,
                               RegisterState.measure),
            password_field("password_confirm", "register.password_confirm", s.error,
                           "new-password"),
            submit_button("register.create", loading=s.busy),
            on_submit=RegisterState.submit_password,
            class_name="form",
        ),
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
            (Step.CODE, _code_form()),
            (Step.PASSWORD, _password_form()),
            (Step.DONE, _done()),
            _details_form(),
        ),
        lead_key="register.lead",
    )
