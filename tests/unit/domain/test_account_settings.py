"""The account page's rules: re-authentication, password, mobile, language, authenticator app and
backup codes, history, sessions, "this wasn't me", close account and download my data."""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, date, datetime, timedelta

import pyotp
import pytest
from sqlmodel import select

from absher_app.domain import account_settings as settings_
from absher_app.domain import accounts, codes, demo
from absher_app.domain.account_settings import (
    active_sessions,
    begin_totp_enrolment,
    change_password,
    close_account,
    confirm_mobile_change,
    confirm_totp_enrolment,
    describe_device,
    disable_totp,
    export_filename,
    export_personal_data,
    mask_id_number,
    mobile_periods,
    pending_mobile,
    profile,
    reauthenticate,
    regenerate_backup_codes,
    register_export_section,
    report_not_me,
    set_language,
    sign_in_history,
    sign_out_everywhere,
    start_mobile_change,
)
from absher_app.domain.accounts import (
    AuthError,
    LockedError,
    RegistrationDetails,
    activate_account,
    authenticate,
    complete_registration,
    issue_sign_in_ticket,
    redeem_sign_in_ticket,
    resolve_session,
    second_factor_method,
    start_registration,
    verify_second_factor,
)
from absher_app.domain.demo import DEMO_PASSWORD, demo_ids, load_demo
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.domain.passwords import hash_password, verify_password
from absher_app.i18n import translate
from absher_app.models import (
    Account,
    AuthEvent,
    BackupCode,
    OneTimeCode,
    Person,
    SmsMessage,
    UserSession,
)
from absher_app.providers.rate_limit import LimitsRateLimiter
from absher_app.providers.sms import OutboxSmsSender

TODAY = date(2026, 5, 10)
NOW = datetime(2026, 5, 10, 9, 0, 0, tzinfo=UTC)  # a TOTP step boundary
SMS = OutboxSmsSender()
NEW_PASSWORD = "Quiet harbour lanterns at dawn"
WRONG = "Not-the-password-42"
CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
SIX_DIGITS = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")
NEW_MOBILE = "0598765432"
NEW_MOBILE_E164 = "+966598765432"


def at(seconds: float = 0, minutes: float = 0) -> datetime:
    return NOW + timedelta(seconds=seconds, minutes=minutes)


@functools.cache
def _demo_hash() -> str:
    return hash_password(DEMO_PASSWORD)


@pytest.fixture
def ids(session, monkeypatch) -> dict[str, str]:
    """The demo registry and accounts (mohammed = c1, khalid = c4, ... all active)."""
    monkeypatch.setattr(demo, "hash_password", lambda password: _demo_hash()
                        if password == DEMO_PASSWORD else hash_password(password))
    load_demo(session, TODAY)
    session.commit()
    return demo_ids()


@pytest.fixture
def account(session, ids) -> Account:
    return session.exec(select(Account).where(Account.username == "khalid")).one()


def refused(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


def last_sms(session) -> SmsMessage:
    return session.exec(select(SmsMessage).order_by(SmsMessage.id.desc())).first()


def sms_count(session) -> int:
    return len(session.exec(select(SmsMessage.id)).all())


def events(session, kind: str, account_id: int) -> list[AuthEvent]:
    return list(session.exec(select(AuthEvent).where(AuthEvent.kind == kind,
                                                     AuthEvent.account_id == account_id)).all())


def sign_in(session, account: Account, now: datetime = NOW, device: str = CHROME
            ) -> tuple[str, int]:
    """A new session; returns (token, session id)."""
    token = redeem_sign_in_ticket(session, issue_sign_in_ticket(session, account, now=now),
                                  now=now, device=device)
    session.commit()
    _, row = resolve_session(session, token, now=now, touch=False)
    return token, row.id


def enrol(session, account: Account, now: datetime = NOW) -> tuple[str, list[str]]:
    """Enrol an authenticator app; returns (secret, backup codes)."""
    secret = begin_totp_enrolment(session, account, password=DEMO_PASSWORD, now=now).secret
    backup = confirm_totp_enrolment(session, account, code=pyotp.TOTP(secret).at(now),
                                    now=now, sms=SMS)
    session.commit()
    return secret, backup


# --- profile ----------------------------------------------------------------------------------

def test_id_number_is_masked_to_its_kind_and_last_four_digits():
    assert mask_id_number("1000000032") == "1*****0032"


def test_profile_masks_identifiers_and_counts_backup_codes(session, account, ids):
    shown = profile(session, account)
    assert shown.name_en == "Khalid Saad Alotaibi"
    assert shown.masked_id_number == mask_id_number(ids["c4"])
    assert shown.masked_mobile.endswith(account.mobile[-4:]) and "*" in shown.masked_mobile
    assert (shown.category, shown.username, shown.totp_enabled) == ("citizen", "khalid", False)
    assert shown.backup_codes_left == 0
    enrol(session, account)
    assert profile(session, account).backup_codes_left == 10


# --- re-authentication ------------------------------------------------------------------------

def test_reauthentication_accepts_the_current_password(session, account):
    reauthenticate(session, account, DEMO_PASSWORD, now=NOW)
    assert events(session, "reauth_failed", account.id) == []


@pytest.mark.both_databases
def test_a_wrong_password_is_counted_even_when_the_caller_rolls_back(session, account):
    assert refused(reauthenticate, session, account, WRONG, now=NOW).code == \
        "current_password_wrong"
    session.rollback()
    assert len(events(session, "reauth_failed", account.id)) == 1


@pytest.mark.both_databases
def test_five_wrong_passwords_pause_reauthentication_for_ten_minutes(session, account):
    for second in range(5):
        refused(reauthenticate, session, account, WRONG, now=at(second))
    error = refused(reauthenticate, session, account, DEMO_PASSWORD, now=at(60))
    assert error.code == "reauth_locked"
    assert error.params["minutes"] == 9  # ten minutes from the first failure, rounded up
    # Sign-in itself is not locked by this.
    assert authenticate(session, "khalid", DEMO_PASSWORD, now=at(61)).id == account.id
    reauthenticate(session, account, DEMO_PASSWORD, now=at(minutes=10, seconds=1))


# --- password ---------------------------------------------------------------------------------

def test_password_change_needs_the_current_password(session, account):
    before = account.password_hash
    error = refused(change_password, session, account, current=WRONG, new=NEW_PASSWORD,
                    confirm=NEW_PASSWORD, end_other_sessions=False, current_session_id=None,
                    now=NOW, sms=SMS)
    assert error.code == "current_password_wrong"
    assert account.password_hash == before
    assert sms_count(session) == 0


@pytest.mark.parametrize(("new", "confirm", "code"), [
    ("short12", "short12", "password_too_short"),
    (NEW_PASSWORD, NEW_PASSWORD + "!", "password_mismatch"),
    ("khalid", "khalid", "password_too_short"),
    ("Khalid Saad Alotaibi", "Khalid Saad Alotaibi", "password_personal"),
    ("password1", "password1", "password_common"),
    (DEMO_PASSWORD, DEMO_PASSWORD, "password_unchanged"),
])
def test_the_new_password_follows_the_registration_rules(session, account, new, confirm, code):
    error = refused(change_password, session, account, current=DEMO_PASSWORD, new=new,
                    confirm=confirm, end_other_sessions=False, current_session_id=None,
                    now=NOW, sms=SMS)
    assert error.code == code


def test_password_change_replaces_the_hash_and_texts_the_person(session, account):
    account.language = "en"
    ended = change_password(session, account, current=DEMO_PASSWORD, new=NEW_PASSWORD,
                            confirm=NEW_PASSWORD, end_other_sessions=False,
                            current_session_id=None, now=NOW, sms=SMS, device=CHROME)
    session.commit()
    assert ended == 0
    assert verify_password(NEW_PASSWORD, account.password_hash)
    assert not verify_password(DEMO_PASSWORD, account.password_hash)
    assert account.password_hash.startswith("$argon2id$")
    assert account.password_changed_at == NOW
    message = last_sms(session)
    assert (message.to, message.body) == (account.mobile, translate("sms.password_changed", "en"))
    [event] = events(session, "password_changed", account.id)
    assert NEW_PASSWORD not in event.detail and event.device == CHROME
    with pytest.raises(AuthError):
        authenticate(session, "khalid", DEMO_PASSWORD, now=at(1))
    assert authenticate(session, "khalid", NEW_PASSWORD, now=at(2)).id == account.id


def test_password_change_may_end_the_other_sessions_but_keeps_this_one(session, account):
    mine, mine_id = sign_in(session, account)
    other, _ = sign_in(session, account, device=IPHONE)
    ended = change_password(session, account, current=DEMO_PASSWORD, new=NEW_PASSWORD,
                            confirm=NEW_PASSWORD, end_other_sessions=True,
                            current_session_id=mine_id, now=at(5), sms=SMS)
    session.commit()
    assert ended == 1
    assert resolve_session(session, mine, now=at(6)) is not None
    assert resolve_session(session, other, now=at(6)) is None


def test_password_change_without_the_option_keeps_every_session(session, account):
    mine, mine_id = sign_in(session, account)
    other, _ = sign_in(session, account, device=IPHONE)
    change_password(session, account, current=DEMO_PASSWORD, new=NEW_PASSWORD,
                    confirm=NEW_PASSWORD, end_other_sessions=False, current_session_id=mine_id,
                    now=at(5), sms=SMS)
    assert resolve_session(session, other, now=at(6)) is not None


# --- mobile -------------------------------------------------------------------------------------

def test_mobile_change_texts_a_code_to_the_new_number_only(session, account):
    sent = start_mobile_change(session, account, password=DEMO_PASSWORD, new_mobile=NEW_MOBILE,
                               now=NOW, sms=SMS)
    message = last_sms(session)
    assert (message.to, message.purpose) == (NEW_MOBILE_E164, "phone_change")
    assert sent.masked_mobile.endswith("5432")
    assert pending_mobile(session, account, now=NOW) == NEW_MOBILE_E164
    assert account.mobile != NEW_MOBILE_E164  # nothing changes before the code


def test_mobile_change_needs_the_password_and_a_new_valid_mobile(session, account):
    assert refused(start_mobile_change, session, account, password=WRONG, new_mobile=NEW_MOBILE,
                   now=NOW, sms=SMS).code == "current_password_wrong"
    assert refused(start_mobile_change, session, account, password=DEMO_PASSWORD,
                   new_mobile="0123", now=NOW, sms=SMS).code == "mobile_invalid"
    assert refused(start_mobile_change, session, account, password=DEMO_PASSWORD,
                   new_mobile="0" + account.mobile[4:], now=NOW,
                   sms=SMS).code == "mobile_unchanged"
    assert sms_count(session) == 0


def test_confirming_the_code_changes_the_mobile_and_tells_the_old_number(session, account):
    old = account.mobile
    account.language = "en"
    start_mobile_change(session, account, password=DEMO_PASSWORD, new_mobile=NEW_MOBILE,
                        now=NOW, sms=SMS)
    [code] = SIX_DIGITS.findall(last_sms(session).body)
    assert confirm_mobile_change(session, account, code=code, now=at(30),
                                 sms=SMS) == NEW_MOBILE_E164
    session.commit()
    assert account.mobile == NEW_MOBILE_E164
    notice = last_sms(session)
    assert notice.to == old
    assert notice.body == translate("sms.mobile_changed", "en", mobile="+9665****5432")
    [event] = events(session, "mobile_changed", account.id)
    assert event.detail == f"{old}>{NEW_MOBILE_E164}"
    # Sign-in codes now go to the new number; the same code does not work twice.
    accounts.send_sign_in_code(session, account, now=at(90), sms=SMS, lang="en")
    assert last_sms(session).to == NEW_MOBILE_E164
    assert refused(confirm_mobile_change, session, account, code=code, now=at(100),
                   sms=SMS).code == "mobile_change_none"


def test_a_wrong_or_foreign_code_does_not_change_the_mobile(session, account):
    old = account.mobile
    start_mobile_change(session, account, password=DEMO_PASSWORD, new_mobile=NEW_MOBILE,
                        now=NOW, sms=SMS)
    [code] = SIX_DIGITS.findall(last_sms(session).body)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert refused(confirm_mobile_change, session, account, code=wrong, now=at(10),
                   sms=SMS).code == "code_wrong"
    # A sign-in code is not a phone-change code.
    accounts.send_sign_in_code(session, account, now=at(20), sms=SMS, lang="en")
    [sign_in_code] = SIX_DIGITS.findall(last_sms(session).body)
    if sign_in_code != code:
        assert refused(confirm_mobile_change, session, account, code=sign_in_code, now=at(30),
                       sms=SMS).code == "code_wrong"
    assert account.mobile == old


def test_an_expired_phone_change_code_leaves_nothing_pending(session, account):
    start_mobile_change(session, account, password=DEMO_PASSWORD, new_mobile=NEW_MOBILE,
                        now=NOW, sms=SMS)
    [code] = SIX_DIGITS.findall(last_sms(session).body)
    assert refused(confirm_mobile_change, session, account, code=code, now=at(minutes=11),
                   sms=SMS).code == "mobile_change_none"


def test_a_confirmation_without_a_started_change_is_refused(session, account):
    assert refused(confirm_mobile_change, session, account, code="123456", now=NOW,
                   sms=SMS).code == "mobile_change_none"


# --- language ---------------------------------------------------------------------------------

def test_language_preference_is_stored_and_used_for_text_messages(session, account):
    set_language(session, account, "en", now=NOW)
    assert account.language == "en"
    change_password(session, account, current=DEMO_PASSWORD, new=NEW_PASSWORD,
                    confirm=NEW_PASSWORD, end_other_sessions=False, current_session_id=None,
                    now=NOW, sms=SMS)
    assert last_sms(session).body == translate("sms.password_changed", "en")
    assert refused(set_language, session, account, "fr", now=NOW).code == "language_unknown"
    assert account.language == "en"


# --- authenticator app and backup codes --------------------------------------------------------

def test_enrolment_keeps_the_secret_pending_until_a_code_proves_the_scan(session, account):
    enrolment = begin_totp_enrolment(session, account, password=DEMO_PASSWORD, now=NOW)
    assert re.fullmatch(r"[A-Z2-7]{32}", enrolment.secret)
    assert enrolment.uri.startswith("otpauth://totp/") and enrolment.secret in enrolment.uri
    assert (account.totp_secret, account.totp_enabled) == (enrolment.secret, False)
    assert second_factor_method(account) == "sms"  # pending is not enrolled


def test_enrolment_needs_the_password(session, account):
    assert refused(begin_totp_enrolment, session, account, password=WRONG,
                   now=NOW).code == "current_password_wrong"
    assert account.totp_secret is None


def test_a_wrong_code_leaves_enrolment_pending(session, account):
    secret = begin_totp_enrolment(session, account, password=DEMO_PASSWORD, now=NOW).secret
    good = pyotp.TOTP(secret).at(NOW)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    assert refused(confirm_totp_enrolment, session, account, code=wrong, now=NOW,
                   sms=SMS).code == "code_wrong"
    assert account.totp_enabled is False


def test_confirmed_enrolment_gives_ten_single_use_backup_codes_stored_hashed(session, account):
    account.language = "en"
    secret, backup = enrol(session, account)
    assert account.totp_enabled and second_factor_method(account) == "totp"
    assert len(backup) == 10 == len(set(backup))
    assert all(re.fullmatch(r"[2-9A-Z]{5}-[2-9A-Z]{5}", code) for code in backup)
    stored = [row.code_digest for row in session.exec(select(BackupCode)).all()]
    assert len(stored) == 10 and not {c.replace("-", "") for c in backup} & set(stored)
    assert last_sms(session).body == translate("sms.totp_enabled", "en")
    # The code used to enrol does not sign in again; the next step's code does.
    assert refused(verify_second_factor, session, account, pyotp.TOTP(secret).at(NOW), "totp",
                   now=at(5)).code == "code_wrong"
    verify_second_factor(session, account, pyotp.TOTP(secret).at(at(30)), "totp", now=at(31))
    verify_second_factor(session, account, backup[0], "backup", now=at(40))
    assert refused(verify_second_factor, session, account, backup[0], "backup",
                   now=at(41)).code == "backup_code_wrong"
    assert refused(begin_totp_enrolment, session, account, password=DEMO_PASSWORD,
                   now=at(50)).code == "totp_already_enabled"


def test_confirming_without_a_started_enrolment_is_refused(session, account):
    assert refused(confirm_totp_enrolment, session, account, code="123456", now=NOW,
                   sms=SMS).code == "totp_not_started"


def test_new_backup_codes_need_the_password_and_replace_the_old_ones(session, account):
    assert refused(regenerate_backup_codes, session, account, password=DEMO_PASSWORD,
                   now=NOW).code == "totp_not_enabled"
    _, old = enrol(session, account)
    assert refused(regenerate_backup_codes, session, account, password=WRONG,
                   now=at(1)).code == "current_password_wrong"
    new = regenerate_backup_codes(session, account, password=DEMO_PASSWORD, now=at(2))
    assert len(new) == 10 and not set(new) & set(old)
    assert refused(verify_second_factor, session, account, old[0], "backup",
                   now=at(3)).code == "backup_code_wrong"
    verify_second_factor(session, account, new[0], "backup", now=at(4))


def test_turning_the_app_off_needs_the_password_and_a_current_code(session, account):
    secret, backup = enrol(session, account)
    code = pyotp.TOTP(secret).at(at(30))
    assert refused(disable_totp, session, account, password=WRONG, code=code, now=at(31),
                   sms=SMS).code == "current_password_wrong"
    assert refused(disable_totp, session, account, password=DEMO_PASSWORD, code="000000",
                   now=at(31), sms=SMS).code in ("code_wrong",)
    assert account.totp_enabled
    disable_totp(session, account, password=DEMO_PASSWORD, code=code, now=at(31), sms=SMS)
    session.commit()
    assert (account.totp_enabled, account.totp_secret) == (False, None)
    assert second_factor_method(account) == "sms"
    assert session.exec(select(BackupCode)).all() == []
    assert events(session, "totp_disabled", account.id)
    assert refused(disable_totp, session, account, password=DEMO_PASSWORD, code=code,
                   now=at(40), sms=SMS).code == "totp_not_enabled"


def test_a_backup_code_also_turns_the_app_off_when_the_phone_is_lost(session, account):
    _, backup = enrol(session, account)
    disable_totp(session, account, password=DEMO_PASSWORD, code=backup[3].lower(), now=at(5),
                 sms=SMS)
    assert account.totp_enabled is False


# --- sign-in history ----------------------------------------------------------------------------

def test_device_descriptions_are_short_words():
    assert describe_device(CHROME) == "Chrome · Linux"
    assert describe_device(IPHONE) == "Safari · iOS"
    assert describe_device("") == ""
    assert describe_device("curl/8.5.0") == "curl/8.5.0"


@pytest.mark.both_databases
def test_history_is_the_accounts_events_newest_first_with_results(session, account, ids):
    with pytest.raises(AuthError):
        authenticate(session, "khalid", WRONG, now=NOW, device=CHROME)
    authenticate(session, "khalid", DEMO_PASSWORD, now=at(10), device=CHROME)
    sign_in(session, account, now=at(20))
    # Another person's events are not shown.
    other = session.exec(select(Account).where(Account.username == "mohammed")).one()
    sign_in(session, other, now=at(30))
    history = sign_in_history(session, account)
    assert [(e.kind, e.failed) for e in history] == [("login_ok", False),
                                                     ("login_failed", True)]
    assert history[0].at == at(20) and history[0].device == "Chrome · Linux"


@pytest.mark.both_databases
def test_history_includes_wrong_codes_and_is_bounded(session, account):
    for second in range(3):
        with pytest.raises(ValidationError):
            codes.verify_code(session, person_id=account.person_id, purpose="sign_in",
                              code="000000", now=at(second))
    for minute in range(1, 8):
        sign_in(session, account, now=at(minutes=minute))
    history = sign_in_history(session, account, limit=5)
    assert len(history) == 5 and all(e.kind == "login_ok" for e in history)
    assert [e.kind for e in sign_in_history(session, account)].count("code_failed") == 3


# --- sessions -----------------------------------------------------------------------------------

@pytest.mark.both_databases
def test_active_sessions_are_the_live_ones_with_this_device_first(session, account):
    _, old_id = sign_in(session, account, now=at(minutes=-30))  # idle for 30 minutes
    _, mine_id = sign_in(session, account, now=at(minutes=-2), device=CHROME)
    sign_in(session, account, now=at(minutes=-1), device=IPHONE)
    listed = active_sessions(session, account, now=NOW, current_session_id=mine_id)
    assert [(e.device, e.current) for e in listed] == [("Chrome · Linux", True),
                                                       ("Safari · iOS", False)]
    assert listed[0].started == at(minutes=-2)


def test_sign_out_everywhere_ends_every_session_this_one_included(session, account):
    mine, mine_id = sign_in(session, account)
    other, _ = sign_in(session, account, device=IPHONE)
    assert sign_out_everywhere(session, account, now=at(5)) == 2
    session.commit()
    assert resolve_session(session, mine, now=at(6)) is None
    assert resolve_session(session, other, now=at(6)) is None
    assert active_sessions(session, account, now=at(6), current_session_id=mine_id) == []
    assert events(session, "signed_out_everywhere", account.id)[0].detail == "sessions ended: 2"


# --- this wasn't me -----------------------------------------------------------------------------

def test_this_wasnt_me_locks_the_account_until_a_password_reset(session, account):
    token, _ = sign_in(session, account)
    assert refused(report_not_me, session, account, confirmed=False, now=NOW,
                   sms=SMS).code == "not_me_confirm_required"
    assert account.status == "active"
    account.language = "en"
    report_not_me(session, account, confirmed=True, now=at(5), sms=SMS, device=CHROME)
    session.commit()
    assert account.status == "locked"
    assert resolve_session(session, token, now=at(6)) is None
    assert last_sms(session).body == translate("sms.not_me_locked", "en")
    assert events(session, accounts.NOT_ME_LOCKED, account.id)
    with pytest.raises(LockedError) as caught:
        authenticate(session, "khalid", DEMO_PASSWORD, now=at(10))
    assert caught.value.code == "account_locked_reported"
    # A locked account still holds its ID: it cannot register again.
    person = session.get(Person, account.person_id)
    form = RegistrationDetails(category="citizen", id_number=person.id_number,
                               mobile="0" + person.mobile[4:], username="khalid.new",
                               email="k@example.com", accepted_terms=True)
    assert refused(accounts.check_registration, session, form).code == "id_has_account"


def test_a_lock_by_wrong_passwords_keeps_its_own_message(session, account):
    account.status = "locked"
    with pytest.raises(LockedError) as caught:
        authenticate(session, "khalid", DEMO_PASSWORD, now=NOW)
    assert caught.value.code == "account_locked_reset"


# --- close account ------------------------------------------------------------------------------

def _registration(person: Person, username: str) -> RegistrationDetails:
    return RegistrationDetails(category=person.category, id_number=person.id_number,
                               mobile="0" + person.mobile[4:], username=username,
                               email=f"{username}@example.com", accepted_terms=True)


def _register_again(session, person: Person, username: str, now: datetime) -> Account:
    form = _registration(person, username)
    start_registration(session, form, now=now, sms=SMS, lang="en", client="192.0.2.10",
                       limiter=LimitsRateLimiter(), limit="1000/hour")
    [code] = SIX_DIGITS.findall(last_sms(session).body)
    codes.verify_code(session, person_id=person.id, purpose="registration", code=code, now=now)
    return complete_registration(session, form, password=NEW_PASSWORD, confirm=NEW_PASSWORD,
                                 now=now, lang="en")


def test_closing_needs_the_password_and_the_confirmation(session, account):
    assert refused(close_account, session, account, password=WRONG, confirmed=True, now=NOW,
                   sms=SMS).code == "current_password_wrong"
    assert refused(close_account, session, account, password=DEMO_PASSWORD, confirmed=False,
                   now=NOW, sms=SMS).code == "close_confirm_required"
    assert account.status == "active"


def test_a_closed_account_cannot_sign_in_and_keeps_no_credential(session, account):
    token, _ = sign_in(session, account)
    enrol(session, account)
    account.language = "en"
    mobile = account.mobile
    close_account(session, account, password=DEMO_PASSWORD, confirmed=True, now=at(5), sms=SMS)
    session.commit()
    assert account.status == "closed"
    assert (account.password_hash, account.totp_secret, account.totp_enabled) == ("", None,
                                                                                   False)
    assert session.exec(select(BackupCode)).all() == []
    assert resolve_session(session, token, now=at(6)) is None
    message = last_sms(session)
    assert (message.to, message.body) == (mobile, translate("sms.account_closed", "en"))
    with pytest.raises(AuthError) as caught:  # the same answer as an unknown user
        authenticate(session, "khalid", DEMO_PASSWORD, now=at(10))
    assert caught.value.code == "bad_credentials"


@pytest.mark.both_databases
def test_the_same_id_may_register_again_after_closing(session, account):
    person = session.get(Person, account.person_id)
    close_account(session, account, password=DEMO_PASSWORD, confirmed=True, now=NOW, sms=SMS)
    session.commit()
    # Another person may not take the closed account's username.
    other = session.exec(select(Person).where(Person.id_number == demo_ids()["c2"])).one()
    assert refused(accounts.check_registration, session,
                   _registration(other, "khalid")).code == "username_taken"
    again = _register_again(session, person, "khalid", at(minutes=5))
    session.commit()
    assert again.id == account.id  # the row is reopened: one account per person
    assert (again.status, again.language, again.activated_at) == ("registered", "en", None)
    assert [e.detail for e in events(session, "registered", again.id)] == ["reopened"]
    activate_account(session, person.id_number, "office", now=at(minutes=6))
    assert authenticate(session, "khalid", NEW_PASSWORD, now=at(minutes=7)).id == account.id


@pytest.mark.both_databases
def test_after_closing_the_person_may_choose_another_username(session, account):
    person = session.get(Person, account.person_id)
    close_account(session, account, password=DEMO_PASSWORD, confirmed=True, now=NOW, sms=SMS)
    again = _register_again(session, person, "khalid.saad", at(minutes=5))
    assert again.username == "khalid.saad"


# --- download my data ---------------------------------------------------------------------------

def _secrets_of(session, account: Account) -> list[str]:
    values = [account.password_hash, DEMO_PASSWORD]
    values += [row.code_digest for row in session.exec(select(OneTimeCode)).all()]
    values += [row.code_digest for row in session.exec(select(BackupCode)).all()]
    values += [row.token_digest for row in session.exec(select(UserSession)).all()]
    if account.totp_secret:
        values.append(account.totp_secret)
    return [v for v in values if v]


def test_my_data_holds_the_record_account_events_sessions_and_messages(session, account, ids):
    now = datetime.now(UTC)  # SMS rows are stamped with the real time
    token, _ = sign_in(session, account, now=now)
    accounts.send_sign_in_code(session, account, now=now, sms=SMS, lang="en")
    [sign_in_code] = SIX_DIGITS.findall(last_sms(session).body)
    secret, backup = enrol(session, account, now=now)
    data = export_personal_data(session, account, now=now, device=CHROME)
    text = json.dumps(data, ensure_ascii=False)
    assert data["format"] == "absher-passports-personal-data" and data["version"] == 1
    sections = data["sections"]
    assert set(sections) >= {"registry_record", "account", "authentication_events", "sessions",
                             "verification_codes_sent", "sms_messages"}
    assert sections["registry_record"]["id_number"] == ids["c4"]
    assert sections["registry_record"]["traffic_fines_sar"] == 1500
    assert sections["account"]["username"] == "khalid"
    assert sections["account"]["totp_enabled"] is True
    assert sections["account"]["backup_codes"] == {"total": 10, "unused": 10}
    assert "password_hash" not in sections["account"]
    assert "totp_secret" not in sections["account"]
    assert {e["kind"] for e in sections["authentication_events"]} >= {"login_ok", "totp_enabled"}
    assert sections["sessions"][0]["device"] == CHROME
    assert [m["purpose"] for m in sections["sms_messages"]] == ["sign_in", "totp_changed"]
    for value in [*_secrets_of(session, account), secret, token, sign_in_code, *backup]:
        assert value not in text, value
    assert settings_.CODE_MASK in sections["sms_messages"][0]["text"]
    assert events(session, "data_exported", account.id)


@pytest.mark.both_databases
def test_my_data_keeps_messages_to_an_old_number_only_while_it_was_mine(session, account):
    now = datetime.now(UTC)
    old = account.mobile
    start_mobile_change(session, account, password=DEMO_PASSWORD, new_mobile=NEW_MOBILE,
                        now=now, sms=SMS)
    [code] = SIX_DIGITS.findall(last_sms(session).body)
    confirm_mobile_change(session, account, code=code, now=now + timedelta(seconds=20), sms=SMS)
    # Months later the old number has a new owner, who gets a message.
    session.add(SmsMessage(to=old, body="someone else's message", purpose="sign_in",
                           created_at=now + timedelta(days=90)))
    # And a message to the new number before it was ours is not ours either.
    session.add(SmsMessage(to=NEW_MOBILE_E164, body="a previous owner's message",
                           purpose="sign_in", created_at=now - timedelta(days=90)))
    session.commit()
    assert [p[0] for p in mobile_periods(session, account)] == [old, NEW_MOBILE_E164]
    messages = export_personal_data(session, account, now=now)["sections"]["sms_messages"]
    assert [(m["to"], m["purpose"]) for m in messages] == [
        (NEW_MOBILE_E164, "phone_change"), (old, "mobile_changed")]
    assert code not in json.dumps(messages)


def test_later_features_add_their_own_sections(session, account, monkeypatch):
    monkeypatch.setattr(settings_, "EXPORT_SECTIONS", {})
    register_export_section("requests", lambda s, a: [{"reference": "R-1", "of": a.username}])
    data = export_personal_data(session, account, now=NOW)
    assert data["sections"]["requests"] == [{"reference": "R-1", "of": "khalid"}]
    with pytest.raises(ValueError):
        register_export_section("requests", lambda s, a: [])
    with pytest.raises(ValueError):
        register_export_section("account", lambda s, a: [])


def test_export_file_is_named_after_the_date_in_riyadh():
    assert export_filename(datetime(2026, 5, 10, 22, 0, tzinfo=UTC)) == \
        "absher-my-data-2026-05-11.json"
