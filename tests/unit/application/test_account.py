"""The account's use cases (absher_app.application.account), run as the pages run them: one
transaction for a caller signed in with a session cookie, typed forms in, views out, and every
refusal said about the field of the form that caused it."""

from __future__ import annotations

import json
import re

import pyotp
import pytest
from sqlmodel import select

from absher_app.application import account, unit
from absher_app.application.account import (
    CloseForm,
    DisableTotpForm,
    LanguageForm,
    MobileCodeForm,
    MobileForm,
    NotMeForm,
    PasswordForm,
    RegenerateForm,
    TotpCodeForm,
    TotpStartForm,
)
from absher_app.application.identity import SignInRequired
from absher_app.application.inputs import BadPayload, decode
from absher_app.domain import access_log
from absher_app.domain.accounts import AccountStatus
from absher_app.domain.demo import DEMO_PASSWORD
from absher_app.domain.errors import DomainError
from absher_app.domain.passwords import verify_password
from absher_app.models import Account, Person, SmsMessage

NEW_PASSWORD = "Quiet harbour lanterns at dawn"
WRONG = "Not-the-password-42"
NEW_MOBILE = "0598765432"
SIX_DIGITS = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")


def refused(fn, caller, *inputs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        unit.run(fn, caller, *inputs)
    return caught.value


def row(session, username: str) -> Account:
    session.expire_all()
    return session.exec(select(Account).where(Account.username == username)).one()


def last_code_to(session, mobile_e164: str) -> str:
    session.expire_all()
    message = session.exec(select(SmsMessage).where(SmsMessage.to == mobile_e164)
                           .order_by(SmsMessage.id.desc())).first()
    return SIX_DIGITS.search(message.body).group(1)


# --- overview and language -----------------------------------------------------------------------

def test_overview_shows_the_callers_details_masked_and_who_opened_the_record(
        use_case_db, use_case_session, sign_in_as, use_case_clock):
    caller = sign_in_as("khalid")
    person = use_case_session.get(Person, row(use_case_session, "khalid").person_id)
    access_log.record_access(use_case_session, person.id, "staff", "passports_officer", None,
                             "request_review", use_case_clock.now())
    use_case_session.commit()

    view = unit.run(account.account_overview, caller)

    assert view.profile.username == "khalid"
    assert view.profile.name_en == person.name_en
    assert view.profile.masked_id == person.id_number[0] + "*****" + person.id_number[-4:]
    assert person.mobile not in view.profile.masked_mobile
    assert view.profile.masked_mobile.endswith(person.mobile[-4:])
    [access] = view.accesses
    # Staff are named by their role, never by name; the time is Riyadh's.
    assert access.who_en == "Staff: Passports officer"
    assert access.purpose_en == "Review of a request"
    assert access.when == "2026-05-10 12:00"


def test_every_account_use_case_needs_a_live_session(use_case_db, anonymous):
    for fn, inputs in ((account.account_overview, ()), (account.sign_ins_and_devices, ()),
                       (account.authenticator_status, ()), (account.download_my_data, ()),
                       (account.sign_out_everywhere, ()),
                       (account.report_not_me, (NotMeForm(not_me_confirm=True),))):
        with pytest.raises(SignInRequired):
            unit.run(fn, anonymous, *inputs)


def test_language_is_saved_or_refused_on_its_field(use_case_db, use_case_session,
                                                   sign_in_as):
    caller = sign_in_as("khalid")
    assert unit.run(account.save_language, caller, LanguageForm(language="en")) == "en"
    assert row(use_case_session, "khalid").language == "en"
    error = refused(account.save_language, caller, LanguageForm(language=""))
    assert (error.code, error.field) == ("language_unknown", "language")


# --- password ------------------------------------------------------------------------------------

def _password_form(current=DEMO_PASSWORD, new=NEW_PASSWORD, confirm=None, end_others=False):
    return PasswordForm(current_password=current, new_password=new,
                        new_password_confirm=new if confirm is None else confirm,
                        end_others=end_others)


def test_password_refusals_are_about_this_forms_fields(use_case_db, sign_in_as):
    caller = sign_in_as("khalid")
    for form, code, field in (
            (_password_form(current=WRONG), "current_password_wrong", "current_password"),
            (_password_form(confirm=NEW_PASSWORD + "!"), "password_mismatch",
             "new_password_confirm"),
            (_password_form(new="short", confirm="short"), "password_too_short",
             "new_password"),
            (_password_form(new=DEMO_PASSWORD), "password_unchanged", "new_password")):
        error = refused(account.change_password, caller, form)
        assert (error.code, error.field) == (code, field)


def test_password_change_can_end_the_other_sessions(use_case_db, use_case_session,
                                                    sign_in_as):
    this, other = sign_in_as("khalid"), sign_in_as("khalid")
    ended = unit.run(account.change_password, this, _password_form(end_others=True))
    assert ended == 1
    assert verify_password(NEW_PASSWORD, row(use_case_session, "khalid").password_hash)
    unit.run(account.account_overview, this)  # this device stays signed in
    with pytest.raises(SignInRequired):
        unit.run(account.account_overview, other)


# --- mobile --------------------------------------------------------------------------------------

def test_mobile_change_with_the_code_sent_to_the_new_number(use_case_db, use_case_session,
                                                            sign_in_as, use_case_clock):
    caller = sign_in_as("khalid")
    old = row(use_case_session, "khalid").mobile
    for form, code, field in (
            (MobileForm(mobile_password=WRONG, new_mobile=NEW_MOBILE), "current_password_wrong",
             "mobile_password"),
            (MobileForm(mobile_password=DEMO_PASSWORD, new_mobile="0112345678"),
             "mobile_not_mobile", "new_mobile"),
            (MobileForm(mobile_password=DEMO_PASSWORD, new_mobile="05"), "mobile_invalid",
             "new_mobile"),
            (MobileForm(mobile_password=DEMO_PASSWORD, new_mobile=old), "mobile_unchanged",
             "new_mobile")):
        error = refused(account.start_mobile_change, caller, form)
        assert (error.code, error.field) == (code, field)

    form = MobileForm(mobile_password=DEMO_PASSWORD, new_mobile=NEW_MOBILE)
    masked = unit.run(account.start_mobile_change, caller, form)
    assert masked == "+9665****5432"
    # Another code at once is refused, about the number it would go to.
    error = refused(account.start_mobile_change, caller, form)
    assert (error.code, error.field) == ("code_send_wait", "new_mobile")

    code = last_code_to(use_case_session, "+966598765432")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    error = refused(account.confirm_mobile_change, caller, MobileCodeForm(mobile_code=wrong))
    assert (error.code, error.field) == ("code_wrong", "mobile_code")
    assert unit.run(account.confirm_mobile_change, caller,
                    MobileCodeForm(mobile_code=code)) == masked
    assert row(use_case_session, "khalid").mobile == "+966598765432"
    # The old number is told.
    assert old != "+966598765432"
    assert use_case_session.exec(select(SmsMessage).where(
        SmsMessage.to == old, SmsMessage.purpose == "mobile_changed")).first()


def test_confirming_without_a_code_waiting_says_to_ask_for_one(use_case_db, sign_in_as):
    error = refused(account.confirm_mobile_change, sign_in_as("khalid"),
                    MobileCodeForm(mobile_code="123456"))
    assert (error.code, error.field) == ("mobile_change_none", "")


# --- authenticator app and backup codes ----------------------------------------------------------

def test_authenticator_set_up_backup_codes_and_turning_it_off(use_case_db, use_case_session,
                                                              sign_in_as, use_case_clock):
    caller = sign_in_as("khalid", lang="ar")
    assert unit.run(account.authenticator_status, caller) == account.AuthenticatorView(False, 0)
    error = refused(account.begin_authenticator, caller, TotpStartForm(totp_password=WRONG))
    assert (error.code, error.field) == ("current_password_wrong", "totp_password")

    enrolment = unit.run(account.begin_authenticator, caller,
                         TotpStartForm(totp_password=DEMO_PASSWORD))
    key = enrolment.key.replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", key)
    assert enrolment.key == " ".join(re.findall(".{4}", key))
    assert enrolment.qr.startswith("data:image/svg+xml")
    assert row(use_case_session, "khalid").totp_secret == key

    app = pyotp.TOTP(key)
    now = use_case_clock.now()
    wrong = f"{(int(app.at(now)) + 1) % 1_000_000:06d}"
    error = refused(account.confirm_authenticator, caller, TotpCodeForm(totp_code=wrong))
    assert (error.code, error.field) == ("code_wrong", "totp_code")
    backup = unit.run(account.confirm_authenticator, caller,
                      TotpCodeForm(totp_code=app.at(now)))
    assert len(backup) == 10
    assert unit.run(account.authenticator_status, caller) == account.AuthenticatorView(True, 10)

    file = unit.run(account.backup_codes_file, caller, tuple(backup))
    assert file.filename == "absher-backup-codes.txt"
    assert file.text.startswith("أبشر الجوازات")  # in the caller's language
    assert all(code in file.text for code in backup)

    error = refused(account.regenerate_backup_codes, caller,
                    RegenerateForm(backup_password=WRONG))
    assert (error.code, error.field) == ("current_password_wrong", "backup_password")
    renewed = unit.run(account.regenerate_backup_codes, caller,
                       RegenerateForm(backup_password=DEMO_PASSWORD))
    assert len(renewed) == 10 and not set(renewed) & set(backup)

    error = refused(account.turn_off_authenticator, caller,
                    DisableTotpForm(disable_password=DEMO_PASSWORD, disable_code=backup[0]))
    assert (error.code, error.field) == ("backup_code_wrong", "disable_code")
    error = refused(account.turn_off_authenticator, caller,
                    DisableTotpForm(disable_password=WRONG, disable_code=renewed[0]))
    assert (error.code, error.field) == ("current_password_wrong", "disable_password")
    unit.run(account.turn_off_authenticator, caller,
             DisableTotpForm(disable_password=DEMO_PASSWORD, disable_code=renewed[0]))
    assert unit.run(account.authenticator_status, caller) == account.AuthenticatorView(False, 0)
    assert row(use_case_session, "khalid").totp_secret is None


# --- history, devices, "this wasn't me" ----------------------------------------------------------

def test_history_and_devices_mark_this_device(use_case_db, sign_in_as):
    this = sign_in_as("khalid")
    sign_in_as("khalid", device="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)")
    view = unit.run(account.sign_ins_and_devices, this)
    assert [d.current for d in view.devices] == [True, False]
    assert view.devices[0].device == "Chrome · Linux"
    assert view.devices[1].device == "iOS"
    assert [h.what_en for h in view.history] == ["Signed in", "Signed in"]
    assert not any(h.failed for h in view.history)


def test_sign_out_everywhere_ends_every_session(use_case_db, sign_in_as):
    this, other = sign_in_as("khalid"), sign_in_as("khalid")
    assert unit.run(account.sign_out_everywhere, this) == 2
    for caller in (this, other):
        with pytest.raises(SignInRequired):
            unit.run(account.account_overview, caller)


def test_this_wasnt_me_needs_the_box_then_locks_and_signs_out(use_case_db, use_case_session,
                                                              sign_in_as):
    caller = sign_in_as("khalid")
    error = refused(account.report_not_me, caller, NotMeForm(not_me_confirm=False))
    assert (error.code, error.field) == ("not_me_confirm_required", "not_me_confirm")
    unit.run(account.report_not_me, caller, NotMeForm(not_me_confirm=True))
    assert row(use_case_session, "khalid").status == AccountStatus.LOCKED
    with pytest.raises(SignInRequired):
        unit.run(account.account_overview, caller)


# --- my data and closing -------------------------------------------------------------------------

def test_download_my_data_is_json_without_secrets(use_case_db, use_case_session, sign_in_as):
    caller = sign_in_as("khalid")
    file = unit.run(account.download_my_data, caller)
    assert file.filename == "absher-my-data-2026-05-10.json"
    data = json.loads(file.text)
    khalid = row(use_case_session, "khalid")
    assert data["sections"]["account"]["username"] == "khalid"
    assert khalid.password_hash not in file.text
    assert caller.token("person") not in file.text


def test_close_account_needs_the_password_and_the_box(use_case_db, use_case_session,
                                                      sign_in_as):
    caller = sign_in_as("khalid")
    for form, code, field in (
            (CloseForm(close_password=WRONG, close_confirm=True), "current_password_wrong",
             "close_password"),
            (CloseForm(close_password=DEMO_PASSWORD, close_confirm=False),
             "close_confirm_required", "close_confirm")):
        error = refused(account.close_account, caller, form)
        assert (error.code, error.field) == (code, field)
    unit.run(account.close_account, caller,
             CloseForm(close_password=DEMO_PASSWORD, close_confirm=True))
    closed = row(use_case_session, "khalid")
    assert closed.status == AccountStatus.CLOSED and closed.password_hash == ""
    with pytest.raises(SignInRequired):
        unit.run(account.account_overview, caller)


# --- typed inputs --------------------------------------------------------------------------------

def test_forms_keep_passwords_as_typed_and_refuse_what_no_page_sends():
    form = decode(PasswordForm, {"current_password": " spaced ", "new_password": "a b",
                                 "new_password_confirm": "a b", "end_others": "yes",
                                 "field_current_password": "echo"})
    assert form.current_password == " spaced " and form.end_others is True
    assert decode(CloseForm, {"close_password": "x"}).close_confirm is False
    for forged in ({"current_password": "x", "new_password": "y"},  # a field missing
                   {**dict.fromkeys(("current_password", "new_password",
                                     "new_password_confirm"), "x"), "admin": "1"},
                   {**dict.fromkeys(("current_password", "new_password",
                                     "new_password_confirm"), "x" * 5000)},
                   ["not", "a", "form"]):
        with pytest.raises(BadPayload):
            decode(PasswordForm, forged)
