"""Registration (مستخدم جديد), as `/register` runs it: the details checked against the civil
registry and a code texted to the mobile on record; the code; the password, which creates the
registered (not yet activated) account.

Nobody is signed in. What the wizard has proved (the person the details matched) is kept on
the server by the page; the password step checks the details and a recent code again.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from absher_app.application.inputs import Form, checkbox, text
from absher_app.application.sign_in import CodeForm
from absher_app.application.unit import Tx, use_case
from absher_app.domain import accounts, codes, countries
from absher_app.domain.accounts import RegistrationDetails
from absher_app.domain.identity import CATEGORIES
from absher_app.providers.rate_limit import get_rate_limiter
from absher_app.settings import get_settings

# The countries a GCC national or a visitor may choose (ISO 3166 codes, every one CLDR names).
COUNTRIES = countries.nationality_codes()
SECRET_MAX = 1024


class RegistrationStep(StrEnum):
    """The wizard's steps, in order."""

    DETAILS = "details"
    CODE = "code"
    PASSWORD = "password"
    DONE = "done"


@dataclasses.dataclass(frozen=True)
class DetailsForm(Form):
    """The first step as typed. The category and country come from lists: a value not on
    them is kept as "" (the rules then ask for a choice)."""

    id_number: str = text(max_length=32)
    mobile: str = text(max_length=32)
    username: str = text(max_length=64)
    email: str = text(max_length=320)
    category: str = text(max_length=16, required=False)
    country: str = text(max_length=8, required=False)
    terms: bool = checkbox()

    def details(self) -> RegistrationDetails:
        """What the rules check (the terms ticked or not)."""
        return RegistrationDetails(
            category=self.category if self.category in CATEGORIES else "",
            id_number=self.id_number, mobile=self.mobile, username=self.username,
            email=self.email, country=self.country if self.country in COUNTRIES else None,
            accepted_terms=self.terms)


@dataclasses.dataclass(frozen=True)
class NewPasswordForm(Form):
    password: str = text(max_length=SECRET_MAX, raw=True)
    password_confirm: str = text(max_length=SECRET_MAX, raw=True)


@dataclasses.dataclass
class Country:
    """A nationality to choose: its ISO code and its name in one language."""

    code: str
    name: str


@dataclasses.dataclass
class NationalitiesView:
    """The nationality list of the registration form, in each language's order: `first` (the
    GCC states, for a GCC national; empty otherwise), then `rest`."""

    first_ar: list[Country] = dataclasses.field(default_factory=list)
    first_en: list[Country] = dataclasses.field(default_factory=list)
    rest_ar: list[Country] = dataclasses.field(default_factory=list)
    rest_en: list[Country] = dataclasses.field(default_factory=list)


def nationalities(category: str) -> NationalitiesView:
    """The countries to choose from for `category`, named from CLDR in Arabic and English and
    sorted for each language; GCC states first (as their own group) for a GCC national."""
    lists = {}
    for lang in countries.LANGUAGES:
        pairs = [Country(code, name) for code, name in countries.nationalities(lang)]
        first = [c for c in pairs if c.code in countries.GCC_STATES] if category == "gcc" else []
        lists[f"first_{lang}"] = first
        lists[f"rest_{lang}"] = [c for c in pairs if c not in first]
    return NationalitiesView(**lists)


@dataclasses.dataclass(frozen=True)
class CodeSent:
    """A registration code went to the mobile on record: whose (`person_id`, kept on the
    server), to which number (masked), and how long until another may be asked for."""

    person_id: int
    masked_mobile: str
    resend_wait: int


@use_case(realm=None)
def send_registration_code(tx: Tx, who: None, details: RegistrationDetails) -> CodeSent:
    """Check the details against the registry and text a code (again, for a resend: the
    cooldown and the sending limit apply)."""
    person, sent = accounts.start_registration(
        tx.session, details, now=tx.now, sms=tx.sms, lang=tx.lang, client=tx.caller.client,
        limiter=get_rate_limiter(), limit=get_settings().registration_failure_limit)
    return CodeSent(person.id, sent.masked_mobile,
                    codes.send_wait_seconds(tx.session, person.id, "registration", tx.now))


@use_case(realm=None)
def confirm_registration_code(tx: Tx, who: None, person_id: int, form: CodeForm) -> None:
    """Accept the code texted to `person_id` (the person the details matched)."""
    codes.verify_code(tx.session, person_id=person_id, purpose="registration", code=form.code,
                      now=tx.now)


@use_case(realm=None)
def create_account(tx: Tx, who: None, details: RegistrationDetails,
                   form: NewPasswordForm) -> None:
    """Create the registered account (slow: argon2id; run it in the hashing pool)."""
    accounts.complete_registration(tx.session, details, password=form.password,
                                   confirm=form.password_confirm, now=tx.now, lang=tx.lang)
