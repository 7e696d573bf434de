"""Registration's use cases (absher_app.application.registration): details checked against the
civil registry, a code to the mobile on record, then the password; refusals on their fields."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from absher_app.application import registration, unit
from absher_app.application.registration import DetailsForm, NewPasswordForm
from absher_app.application.sign_in import CodeForm
from absher_app.domain.accounts import AccountStatus
from absher_app.domain.codes import ThrottledError
from absher_app.domain.demo import demo_ids, demo_records
from absher_app.domain.errors import DomainError
from absher_app.models import Account, SmsMessage
from tests.unit.application.conftest import USE_CASE_TODAY

PASSWORD = "amber dunes under a quiet moon"


def record(key: str) -> dict:
    return next(r for r in demo_records(USE_CASE_TODAY) if r["id_number"] == demo_ids()[key])


def details_form(key: str = "c2", **changes) -> DetailsForm:
    person = record(key)
    values = dict(category=person["category"], id_number=person["id_number"],
                  mobile=person["mobile"], username="sara_q", email="sara@example.org",
                  country="", terms=True)
    return DetailsForm(**{**values, **changes})


def refused(fn, caller, *inputs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        unit.run(fn, caller, *inputs)
    return caught.value


def test_the_details_form_keeps_only_listed_categories_and_countries():
    details = details_form(category="admin", country="XX").details()
    assert (details.category, details.country) == ("", None)
    details = details_form("g2", country="AE").details()
    assert (details.category, details.country, details.accepted_terms) == ("gcc", "AE", True)


def test_each_refusal_is_about_its_field(use_case_db, anonymous):
    for form, code, field in (
            (details_form(category=""), "category_unknown", "category"),
            (details_form(id_number="12345"), "id_length", "id_number"),
            (details_form(mobile="0112345678"), "mobile_not_mobile", "mobile"),
            (details_form(username="x"), "username_invalid", "username"),
            (details_form(email="not an email"), "email_invalid", "email"),
            (details_form("g2"), "country_required", "country"),
            (details_form(terms=False), "terms_required", "terms"),
            (details_form("c1", username="someone_new"), "id_has_account", "id_number"),
            (details_form(username="mohammed"), "username_taken", "username")):
        error = refused(registration.send_registration_code, anonymous, form.details())
        assert (error.code, error.field) == (code, field), form


def test_register_with_the_code_then_the_password(use_case_db, use_case_session, anonymous):
    details = details_form().details()
    sent = unit.run(registration.send_registration_code, anonymous, details)
    person = record("c2")
    assert sent.masked_mobile.endswith(person["mobile"][-4:])
    assert sent.resend_wait == 60
    # A resend at once waits for the cooldown, with how long it has left.
    with pytest.raises(ThrottledError) as caught:
        unit.run(registration.send_registration_code, anonymous, details)
    assert caught.value.retry_after == 60

    message = use_case_session.exec(select(SmsMessage).order_by(SmsMessage.id.desc())).first()
    code = re.search(r"[0-9]{6}", message.body).group(0)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    error = refused(registration.confirm_registration_code, anonymous, sent.person_id,
                    CodeForm(code=wrong))
    assert (error.code, error.field) == ("code_wrong", "code")
    # A password before the code is accepted is refused.
    error = refused(registration.create_account, anonymous, details,
                    NewPasswordForm(password=PASSWORD, password_confirm=PASSWORD))
    assert error.code == "code_required"

    unit.run(registration.confirm_registration_code, anonymous, sent.person_id,
             CodeForm(code=code))
    error = refused(registration.create_account, anonymous, details,
                    NewPasswordForm(password=PASSWORD, password_confirm=PASSWORD + "x"))
    assert (error.code, error.field) == ("password_mismatch", "password_confirm")
    error = refused(registration.create_account, anonymous, details,
                    NewPasswordForm(password="sara_q", password_confirm="sara_q"))
    assert error.field == "password"
    unit.run(registration.create_account, anonymous, details,
             NewPasswordForm(password=PASSWORD, password_confirm=PASSWORD))
    account = use_case_session.exec(select(Account).where(Account.username == "sara_q")).one()
    assert account.status == AccountStatus.REGISTERED
    assert account.language == "en"  # the caller's language
