"""Registration against the civil registry, activation, sign-in, lockouts and sessions."""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, timedelta

import pyotp
import pytest
from sqlmodel import Session, func, select

from absher_app.domain import accounts, codes, demo
from absher_app.domain.accounts import (
    AuthError,
    LockedError,
    RegistrationDetails,
    activate_account,
    authenticate,
    check_registration,
    complete_registration,
    count_accounts,
    end_all_sessions,
    end_session,
    find_account,
    issue_sign_in_ticket,
    redeem_sign_in_ticket,
    resolve_session,
    second_factor_method,
    send_sign_in_code,
    start_registration,
    verify_second_factor,
)
from absher_app.domain.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_id, demo_ids, load_demo
from absher_app.domain.errors import ValidationError
from absher_app.domain.passwords import hash_password, verify_password
from absher_app.i18n import translate
from absher_app.models import (
    Account,
    AuthEvent,
    OneTimeCode,
    Person,
    SignInTicket,
    SmsMessage,
    UserSession,
)
from absher_app.providers.rate_limit import LimitsRateLimiter
from absher_app.providers.sms import OutboxSmsSender

TODAY = date(2026, 5, 10)
NOW = datetime(2026, 5, 10, 9, 0, 0, tzinfo=UTC)
SMS = OutboxSmsSender()
ARGON2_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$"
PASSWORD = "Blue camels cross 7 dunes"
WRONG = "Not-the-password-42"
DEVICE = "Mozilla/5.0 (pytest)"
SIX_DIGITS = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# Registration's per-address limit, out of the way of tests about other rules.
UNLIMITED = dict(client="192.0.2.10", limiter=LimitsRateLimiter(), limit="1000/hour")


def at(seconds: float = 0, minutes: float = 0, hours: float = 0) -> datetime:
    return NOW + timedelta(seconds=seconds, minutes=minutes, hours=hours)


@functools.cache
def _demo_password_hash() -> str:
    return hash_password(DEMO_PASSWORD)


@pytest.fixture
def ids(session, monkeypatch) -> dict[str, str]:
    """The demo registry and demo accounts (c1 mohammed, c4 khalid ... active; c9 hind
    registered); c2, g2, v2, r1 and others have no account."""
    # One real argon2id hash of the demo password for the whole module, not one per test.
    monkeypatch.setattr(demo, "hash_password", lambda password: _demo_password_hash()
                        if password == DEMO_PASSWORD else hash_password(password))
    load_demo(session, TODAY)
    session.commit()
    return demo_ids()


def person_of(session, ids, key: str) -> Person:
    return session.exec(select(Person).where(Person.id_number == ids[key])).one()


def account_of(session, username: str) -> Account:
    return session.exec(select(Account).where(Account.username == username)).one()


def national(e164: str) -> str:
    """+9665XXXXXXXX -> 05XXXXXXXX, the form people type."""
    return "0" + e164[4:]


def details(session, ids, key: str = "c2", **changes) -> RegistrationDetails:
    person = person_of(session, ids, key)
    values = dict(category=person.category, id_number=person.id_number,
                  mobile=national(person.mobile), username="sara.qahtani",
                  email="sara@example.com", country=None, accepted_terms=True)
    values.update(changes)
    return RegistrationDetails(**values)


def last_sms(session) -> SmsMessage:
    return session.exec(select(SmsMessage).order_by(SmsMessage.id.desc())).first()


def code_in_last_sms(session) -> str:
    [code] = SIX_DIGITS.findall(last_sms(session).body)
    return code


def other_code(code: str) -> str:
    """A well-formed code that is not `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def verified_registration(session, form: RegistrationDetails, now: datetime = NOW) -> str:
    """Start registration and enter the texted code; returns the code."""
    person, _ = start_registration(session, form, now=now, sms=SMS, lang="en", **UNLIMITED)
    code = code_in_last_sms(session)
    codes.verify_code(session, person_id=person.id, purpose="registration", code=code, now=now)
    return code


def register(session, form: RegistrationDetails, password: str = PASSWORD,
             now: datetime = NOW, lang: str = "en") -> Account:
    verified_registration(session, form, now)
    account = complete_registration(session, form, password=password, confirm=password,
                                    now=now, lang=lang)
    session.commit()
    return account


def refused(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value


def events(session, kind: str, account_id: int | None = None) -> list[AuthEvent]:
    query = select(AuthEvent).where(AuthEvent.kind == kind)
    if account_id is not None:
        query = query.where(AuthEvent.account_id == account_id)
    return list(session.exec(query.order_by(AuthEvent.id)).all())


def new_session(session, account: Account, now: datetime = NOW, device: str = "") -> str:
    ticket = issue_sign_in_ticket(session, account, now=now)
    token = redeem_sign_in_ticket(session, ticket, now=now, device=device)
    assert token is not None
    session.commit()
    return token


def signed_in_account(session, token, now) -> Account | None:
    found = resolve_session(session, token, now=now)
    return found[0] if found else None


# --- check_registration ----------------------------------------------------------------------

def test_registration_details_matching_the_registry_give_the_person(session, ids):
    person = check_registration(session, details(session, ids))
    assert (person.id_number, person.name_en) == (ids["c2"], "Sara Mohammed Alqahtani")


def test_mobile_may_be_typed_in_any_usual_form(session, ids):
    e164 = person_of(session, ids, "c2").mobile
    for typed in (national(e164), e164, e164[4:], national(e164).translate(ARABIC),
                  f"{e164[:4]}-{e164[4:7]}-{e164[7:]}"):
        assert check_registration(session, details(session, ids, mobile=typed)).mobile == \
            e164, typed


def test_id_number_in_arabic_indic_digits_is_accepted(session, ids):
    form = details(session, ids, id_number=ids["c2"].translate(ARABIC))
    assert check_registration(session, form).id_number == ids["c2"]


def test_unknown_id_number_is_not_in_the_registry(session, ids):
    unknown = demo_id("1", 777)
    assert unknown not in ids.values()
    assert refused(check_registration, session,
                   details(session, ids, id_number=unknown)).code == "registry_no_match"


def test_id_number_of_another_kind_is_refused(session, ids):
    form = details(session, ids, category="resident")  # a citizen's number starts with 1
    error = refused(check_registration, session, form)
    assert error.code == "id_category_mismatch"
    assert error.params == {"expected": "2"}


def test_number_of_the_same_kind_but_another_category_is_not_found(session, ids):
    # Residents and dependents both hold iqamas (2...): the registry tells them apart.
    form = details(session, ids, "r1", category="dependent", username="rajesh.k")
    assert refused(check_registration, session, form).code == "registry_no_match"
    form = details(session, ids, "r1", username="rajesh.k")
    assert check_registration(session, form).category == "resident"


def test_mobile_not_on_record_is_refused(session, ids):
    c1_mobile = person_of(session, ids, "c1").mobile
    form = details(session, ids, mobile=national(c1_mobile))
    assert refused(check_registration, session, form).code == "registry_no_match"


def test_mobile_must_be_a_saudi_mobile(session, ids):
    for mobile, code in [("12345", "mobile_invalid"), ("0112345678", "mobile_not_mobile"),
                         ("+447911123456", "mobile_invalid"), ("", "mobile_invalid")]:
        assert refused(check_registration, session,
                       details(session, ids, mobile=mobile)).code == code, mobile


@pytest.mark.both_databases
def test_id_that_already_has_an_account_is_refused(session, ids):
    c1 = person_of(session, ids, "c1")
    form = details(session, ids, "c1", username="someone.new")
    assert form.mobile == national(c1.mobile)
    assert refused(check_registration, session, form).code == "id_has_account"


@pytest.mark.both_databases
def test_taken_username_is_refused_whatever_the_case(session, ids):
    for taken in ("khalid", "KHALID", " Khalid "):
        assert refused(check_registration, session,
                       details(session, ids, username=taken)).code == "username_taken", taken


def test_badly_formed_username_is_refused(session, ids):
    for username in ("abc", "1sara", "sara qahtani", "sara-q", "s" * 33, "", "_sara",
                     "سارة", "sara@q", "1234567890"):
        assert refused(check_registration, session,
                       details(session, ids, username=username)).code == "username_invalid", \
            username


def test_well_formed_usernames_pass(session, ids):
    for username in ("sara", "Sara.Q_1990", "s" * 32):
        assert check_registration(session, details(session, ids, username=username)).id_number \
            == ids["c2"], username


def test_badly_formed_email_is_refused(session, ids):
    for email in ("", "sara", "sara@", "sara@example", "sara@example.c", "sa ra@example.com",
                  "sara@@example.com", "s" * 250 + "@example.com"):
        assert refused(check_registration, session,
                       details(session, ids, email=email)).code == "email_invalid", email


def test_terms_must_be_accepted(session, ids):
    assert refused(check_registration, session,
                   details(session, ids, accepted_terms=False)).code == "terms_required"


def test_unknown_category_is_refused(session, ids):
    assert refused(check_registration, session,
                   details(session, ids, category="tourist")).code == "category_unknown"


@pytest.mark.parametrize("key", ["g2", "v2"])
def test_gcc_nationals_and_visitors_must_choose_a_country(session, ids, key):
    for country in (None, "", "ae", "ARE", "A"):
        form = details(session, ids, key, username="someone.new", country=country)
        assert refused(check_registration, session, form).code == "country_required", country
    form = details(session, ids, key, username="someone.new", country="AE")
    assert check_registration(session, form).id_number == ids[key]


def test_form_problems_are_reported_before_registry_lookups(session, ids):
    # An unknown number with a bad email says "email", revealing nothing about the registry.
    form = details(session, ids, id_number=demo_id("1", 777), email="nope")
    assert refused(check_registration, session, form).code == "email_invalid"


# --- start / complete registration -----------------------------------------------------------

def test_start_registration_texts_a_code_to_the_mobile_on_record(session, ids):
    person, sent = start_registration(session, details(session, ids), now=NOW, sms=SMS,
                                      lang="en", **UNLIMITED)
    message = last_sms(session)
    assert (message.to, message.purpose) == (person.mobile, "registration")
    assert message.body.startswith("Your Absher Passports registration code: ")
    assert sent.expires_at == at(minutes=10)
    assert sent.masked_mobile.endswith(person.mobile[-4:])
    assert "*" in sent.masked_mobile


def test_start_registration_checks_first_and_sends_nothing_when_refused(session, ids):
    with pytest.raises(ValidationError):
        start_registration(session, details(session, ids, accepted_terms=False), now=NOW,
                           sms=SMS, lang="en", **UNLIMITED)
    assert session.exec(select(func.count()).select_from(SmsMessage)).one() == 0


def test_complete_registration_needs_the_code_first(session, ids):
    form = details(session, ids)
    start_registration(session, form, now=NOW, sms=SMS, lang="en", **UNLIMITED)
    with pytest.raises(ValidationError):
        codes.verify_code(session, person_id=person_of(session, ids, "c2").id,
                          purpose="registration", code=other_code(code_in_last_sms(session)),
                          now=NOW)
    error = refused(complete_registration, session, form, password=PASSWORD, confirm=PASSWORD,
                    now=NOW, lang="en")
    assert error.code == "code_required"
    assert count_accounts(session) == len(DEMO_ACCOUNTS)


def test_a_sign_in_code_does_not_stand_in_for_the_registration_code(session, ids):
    form = details(session, ids)
    person = person_of(session, ids, "c2")
    codes.issue_code(session, person_id=person.id, mobile=person.mobile, purpose="sign_in",
                     now=NOW, sms=SMS, lang="en")
    codes.verify_code(session, person_id=person.id, purpose="sign_in",
                      code=code_in_last_sms(session), now=NOW)
    assert refused(complete_registration, session, form, password=PASSWORD, confirm=PASSWORD,
                   now=NOW, lang="en").code == "code_required"


def test_registration_code_is_good_for_thirty_minutes(session, ids):
    form = details(session, ids)
    verified_registration(session, form, NOW)
    assert refused(complete_registration, session, form, password=PASSWORD, confirm=PASSWORD,
                   now=at(minutes=30, seconds=1), lang="en").code == "code_required"


def test_complete_registration_creates_a_registered_account(session, ids, owasp_hashing):
    form = details(session, ids, username="Sara.Qahtani", email=" sara@example.com ")
    account = register(session, form, now=at(minutes=5))
    person = person_of(session, ids, "c2")
    stored = session.get(Account, account.id)
    assert stored.status == "registered"
    assert (stored.person_id, stored.username, stored.email) == (
        person.id, "sara.qahtani", "sara@example.com")
    assert stored.mobile == person.mobile
    assert stored.country is None
    assert stored.language == "en"
    assert (stored.created_at, stored.password_changed_at) == (at(minutes=5), at(minutes=5))
    assert (stored.activation_channel, stored.activated_at, stored.locked_until) == (
        None, None, None)
    assert stored.password_hash.startswith(ARGON2_PREFIX)
    assert verify_password(PASSWORD, stored.password_hash)
    assert PASSWORD not in stored.password_hash
    assert [e.account_id for e in events(session, "registered")] == [account.id]
    assert count_accounts(session) == len(DEMO_ACCOUNTS) + 1


@pytest.mark.both_databases
def test_the_same_id_cannot_register_twice(session, ids):
    form = details(session, ids)
    register(session, form)
    assert refused(check_registration, session,
                   details(session, ids, username="other.name")).code == "id_has_account"


def test_country_is_kept_for_a_gcc_national(session, ids):
    account = register(session, details(session, ids, "g2", username="maryam.n",
                                        country="AE"))
    assert account.country == "AE"


def test_country_is_not_stored_for_a_citizen(session, ids):
    # A value left over from choosing "visitor" first must not end up on a citizen's account.
    account = register(session, details(session, ids, country="US"))
    assert session.get(Account, account.id).country is None


@pytest.mark.parametrize(("lang", "stored"), [("ar", "ar"), ("en", "en"), ("fr", "ar")])
def test_account_language_is_ar_or_en(session, ids, lang, stored):
    form = details(session, ids)
    verified_registration(session, form)
    account = complete_registration(session, form, password=PASSWORD, confirm=PASSWORD,
                                    now=NOW, lang=lang)
    assert account.language == stored


@pytest.mark.parametrize(("password", "confirm", "code"), [
    ("short", "short", "password_too_short"),
    (PASSWORD, PASSWORD + "!", "password_mismatch"),
    ("password1", "password1", "password_common"),
    ("sara.qahtani", "sara.qahtani", "password_personal"),
    ("SARA MOHAMMED ALQAHTANI", "SARA MOHAMMED ALQAHTANI", "password_personal"),
    ("Alqahtani", "Alqahtani", "password_personal"),
    ("abcdefgh", "abcdefgh", "password_weak"),
])
def test_password_rules_apply_at_registration(session, ids, password, confirm, code):
    form = details(session, ids)
    verified_registration(session, form)
    assert refused(complete_registration, session, form, password=password, confirm=confirm,
                   now=NOW, lang="en").code == code
    assert count_accounts(session) == len(DEMO_ACCOUNTS)


def test_password_equal_to_the_id_number_is_refused(session, ids):
    form = details(session, ids)
    verified_registration(session, form)
    assert refused(complete_registration, session, form, password=ids["c2"],
                   confirm=ids["c2"], now=NOW, lang="en").code == "password_personal"


# --- activation ------------------------------------------------------------------------------

@pytest.mark.parametrize("channel", ["bank", "kiosk", "office"])
def test_activation_through_each_channel(session, ids, channel):
    account = activate_account(session, ids["c9"], channel, now=NOW, sms=SMS)
    session.commit()
    stored = session.get(Account, account.id)
    assert stored.username == "hind"
    assert (stored.status, stored.activation_channel, stored.activated_at) == (
        "active", channel, NOW)
    message = last_sms(session)
    assert (message.to, message.purpose) == (stored.mobile, "activation")
    assert message.body == translate("sms.activated", "ar",
                                     channel=translate(f"activation.channel.{channel}", "ar"))
    [event] = events(session, "activated", account.id)
    assert (event.detail, event.created_at) == (channel, NOW)


def test_activation_by_id_in_arabic_indic_digits_without_sms(session, ids):
    account = activate_account(session, ids["c9"].translate(ARABIC), "office", now=NOW)
    assert account.status == "active"
    assert session.exec(select(func.count()).select_from(SmsMessage)).one() == 0


def test_unknown_activation_channel_is_refused(session, ids):
    for channel in ("", "post", "BANK", "email"):
        assert refused(activate_account, session, ids["c9"], channel, now=NOW).code == \
            "channel_unknown", channel
    assert account_of(session, "hind").status == "registered"


def test_an_active_account_cannot_be_activated_again(session, ids):
    assert refused(activate_account, session, ids["c4"], "bank", now=NOW,
                   sms=SMS).code == "activation_not_pending"
    assert account_of(session, "khalid").activation_channel == "office"
    assert session.exec(select(func.count()).select_from(SmsMessage)).one() == 0


def test_activating_twice_is_refused(session, ids):
    activate_account(session, ids["c9"], "kiosk", now=NOW)
    assert refused(activate_account, session, ids["c9"], "bank",
                   now=at(1)).code == "activation_not_pending"
    assert account_of(session, "hind").activation_channel == "kiosk"


def test_activation_needs_a_registered_account(session, ids):
    assert refused(activate_account, session, ids["c2"], "bank", now=NOW).code == \
        "activation_no_account"
    assert refused(activate_account, session, "123", "bank", now=NOW).code == "id_length"


# --- finding the account ---------------------------------------------------------------------

@pytest.mark.both_databases
def test_account_is_found_by_username_or_id_number(session, ids):
    persian = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    for login in ("khalid", "KHALID", "  Khalid ", ids["c4"], ids["c4"].translate(ARABIC),
                  ids["c4"].translate(persian), f" {ids['c4']} "):
        assert find_account(session, login).username == "khalid", login
    for login in ("", None, "nobody", demo_id("1", 777), "khalid1", ids["c2"]):
        assert find_account(session, login) is None, login


# --- password sign-in ------------------------------------------------------------------------

def test_sign_in_by_username_and_by_id_number(session, ids):
    by_name = authenticate(session, "khalid", DEMO_PASSWORD, now=NOW, device=DEVICE)
    by_id = authenticate(session, ids["c4"], DEMO_PASSWORD, now=at(1))
    assert by_name.id == by_id.id
    assert by_name.username == "khalid"
    session.commit()
    okays = events(session, "password_ok", by_name.id)
    assert [(e.device, e.created_at) for e in okays] == [(DEVICE, NOW), ("", at(1))]


def test_unknown_user_and_wrong_password_are_told_apart_by_nothing(session, ids):
    with pytest.raises(AuthError) as unknown:
        authenticate(session, "nobody.here", WRONG, now=NOW)
    with pytest.raises(AuthError) as wrong:
        authenticate(session, "khalid", WRONG, now=NOW)
    assert unknown.value.code == wrong.value.code == "bad_credentials"
    assert str(unknown.value) == str(wrong.value)
    assert unknown.value.params == wrong.value.params == {}
    assert type(unknown.value) is type(wrong.value) is AuthError


def test_unknown_user_still_spends_one_hash_verification(session, ids, monkeypatch):
    burned, verified = [], []
    monkeypatch.setattr(accounts, "burn_verify_time", burned.append)
    real_verify = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password",
                        lambda p, h: verified.append(p) or real_verify(p, h))
    with pytest.raises(AuthError):
        authenticate(session, "nobody.here", WRONG, now=NOW)
    assert (burned, verified) == ([WRONG], [])
    with pytest.raises(AuthError):
        authenticate(session, "khalid", WRONG, now=NOW)
    assert (burned, verified) == ([WRONG], [WRONG])  # the known user: one real verification


def test_closed_account_is_refused_like_an_unknown_one(session, ids, monkeypatch):
    burned = []
    monkeypatch.setattr(accounts, "burn_verify_time", burned.append)
    account = account_of(session, "khalid")
    account.status = "closed"
    session.commit()
    with pytest.raises(AuthError) as caught:
        authenticate(session, "khalid", DEMO_PASSWORD, now=NOW)
    assert caught.value.code == "bad_credentials"
    assert burned == [DEMO_PASSWORD]


@pytest.mark.both_databases
def test_wrong_password_is_recorded_with_the_device(session, engine, ids):
    with pytest.raises(AuthError):
        authenticate(session, "khalid", WRONG, now=NOW, device=DEVICE)
    session.rollback()  # the caller's rollback does not undo the count
    with Session(engine) as fresh:
        [event] = fresh.exec(select(AuthEvent).where(AuthEvent.kind == "login_failed")).all()
        assert (event.account_id, event.device, event.detail) == (
            account_of(fresh, "khalid").id, DEVICE, "")


def fail(session, login: str, now: datetime):
    """One wrong password; returns the error raised."""
    with pytest.raises((AuthError, LockedError)) as caught:
        authenticate(session, login, WRONG, now=now)
    return caught.value


@pytest.mark.both_databases
def test_five_wrong_passwords_in_a_minute_lock_for_a_minute(session, ids):
    for second in (0, 10, 20, 30):
        error = fail(session, "khalid", at(second))
        assert (type(error), error.code) == (AuthError, "bad_credentials")
    error = fail(session, "khalid", at(40))
    assert (type(error), error.code) == (LockedError, "account_locked")
    assert error.params == {"minutes": 1}
    assert error.until == at(100)
    session.expire_all()
    assert account_of(session, "khalid").locked_until == at(100)
    assert len(events(session, "account_locked", account_of(session, "khalid").id)) == 1


def test_the_right_password_is_refused_while_locked(session, ids, monkeypatch):
    for second in range(5):
        fail(session, "khalid", at(second))
    burned = []
    monkeypatch.setattr(accounts, "burn_verify_time", burned.append)
    with pytest.raises(LockedError) as caught:
        authenticate(session, "khalid", DEMO_PASSWORD, now=at(30))
    assert caught.value.code == "account_locked"
    assert caught.value.params == {"minutes": 1}
    assert burned == [DEMO_PASSWORD]  # the same work as any other answer
    assert events(session, "password_ok") == []
    assert len(events(session, "login_failed")) == 5  # refusals while locked are not failures
    # By ID number too, and it is the account that is locked, not the login name.
    with pytest.raises(LockedError):
        authenticate(session, ids["c4"], DEMO_PASSWORD, now=at(63))
    # Once the minute after the fifth failure (at 4 s) is over, the right password works.
    assert authenticate(session, "khalid", DEMO_PASSWORD, now=at(64)).username == "khalid"


@pytest.mark.both_databases
def test_wrong_passwords_spread_over_more_than_a_minute_do_not_lock(session, ids):
    for second in (0, 20, 40, 61, 81):
        error = fail(session, "khalid", at(second))
        assert error.code == "bad_credentials"
    assert account_of(session, "khalid").locked_until is None


def test_each_lock_doubles_up_to_ten_minutes(session, ids):
    start = NOW
    for expected in (1, 2, 4, 8, 10, 10):
        errors = [fail(session, "khalid", start + timedelta(seconds=s)) for s in range(5)]
        assert [e.code for e in errors] == ["bad_credentials"] * 4 + ["account_locked"]
        assert errors[-1].params == {"minutes": expected}
        until = account_of(session, "khalid").locked_until
        assert until == start + timedelta(seconds=4, minutes=expected)
        start = until + timedelta(seconds=1)


def test_a_good_sign_in_starts_the_lock_ladder_again(session, ids):
    for round_start in (NOW, at(minutes=2)):
        for s in range(5):
            fail(session, "khalid", round_start + timedelta(seconds=s))
    assert account_of(session, "khalid").locked_until == at(minutes=4, seconds=4)
    account = authenticate(session, "khalid", DEMO_PASSWORD, now=at(minutes=5))
    new_session(session, account, at(minutes=5))  # the completed sign-in records login_ok
    assert account_of(session, "khalid").locked_until is None
    for s in range(5):
        error = fail(session, "khalid", at(minutes=6, seconds=s))
    assert error.params == {"minutes": 1}


def _past_failures(session, account: Account, count: int) -> None:
    """`count` wrong passwords, two minutes apart, ending a day ago (no 5-a-minute lock)."""
    for i in range(count):
        session.add(AuthEvent(person_id=account.person_id, account_id=account.id,
                              kind="login_failed",
                              created_at=NOW - timedelta(days=1, minutes=2 * i)))
    session.commit()


def test_one_hundred_consecutive_failures_lock_until_reset(session, ids, monkeypatch):
    account = account_of(session, "khalid")
    _past_failures(session, account, 99)
    error = fail(session, "khalid", NOW)
    assert (type(error), error.code, error.until) == (LockedError, "account_locked_reset", None)
    session.expire_all()
    assert account_of(session, "khalid").status == "locked"
    assert [e.detail for e in events(session, "account_locked", account.id)] == ["until reset"]
    burned = []
    monkeypatch.setattr(accounts, "burn_verify_time", burned.append)
    with pytest.raises(LockedError) as caught:
        authenticate(session, "khalid", DEMO_PASSWORD, now=at(hours=5))
    assert caught.value.code == "account_locked_reset"
    assert burned == [DEMO_PASSWORD]


def test_ninety_nine_consecutive_failures_do_not_lock(session, ids):
    _past_failures(session, account_of(session, "khalid"), 98)
    assert fail(session, "khalid", NOW).code == "bad_credentials"
    assert account_of(session, "khalid").status == "active"


@pytest.mark.parametrize("reset_kind", ["login_ok", "password_reset"])
def test_a_good_sign_in_or_a_reset_restarts_the_consecutive_count(session, ids, reset_kind):
    account = account_of(session, "khalid")
    _past_failures(session, account, 99)
    session.add(AuthEvent(person_id=account.person_id, account_id=account.id, kind=reset_kind,
                          created_at=NOW - timedelta(hours=1)))
    session.commit()
    assert fail(session, "khalid", NOW).code == "bad_credentials"
    assert account_of(session, "khalid").status == "active"


def test_failures_are_counted_per_account(session, ids):
    for s in range(4):
        fail(session, "khalid", at(s))
        fail(session, "mohammed", at(s))
    assert fail(session, "khalid", at(5)).code == "account_locked"
    assert authenticate(session, "mohammed", DEMO_PASSWORD, now=at(6)).username == "mohammed"


def test_a_registered_account_signs_in_but_gets_no_session(session, ids):
    account = authenticate(session, "hind", DEMO_PASSWORD, now=NOW)
    assert account.status == "registered"
    ticket = issue_sign_in_ticket(session, account, now=NOW)
    assert redeem_sign_in_ticket(session, ticket, now=NOW) is None
    assert session.exec(select(func.count()).select_from(UserSession)).one() == 0
    assert events(session, "login_ok") == []


# --- second factor ---------------------------------------------------------------------------

def test_second_factor_is_sms_unless_an_authenticator_is_enrolled(session, ids):
    account = account_of(session, "khalid")
    assert second_factor_method(account) == "sms"
    account.totp_secret, account.totp_enabled = codes.new_totp_secret(), True
    assert second_factor_method(account) == "totp"


def test_sms_second_factor(session, ids):
    account = account_of(session, "khalid")
    sent = send_sign_in_code(session, account, now=NOW, sms=SMS, lang="en")
    message = last_sms(session)
    assert (message.to, message.purpose) == (account.mobile, "sign_in")
    assert sent.masked_mobile.endswith(account.mobile[-4:])
    code = code_in_last_sms(session)
    assert refused(verify_second_factor, session, account, other_code(code), "sms",
                   now=NOW).code == "code_wrong"
    verify_second_factor(session, account, code, "sms", now=NOW)
    assert refused(verify_second_factor, session, account, code, "sms",
                   now=at(1)).code == "code_used"


def test_methods_that_are_not_set_up_are_refused(session, ids):
    account = account_of(session, "khalid")
    for method in ("totp", "backup", "email", ""):
        assert refused(verify_second_factor, session, account, "123456", method,
                       now=NOW).code == "code_method", method
    assert events(session, "code_failed") == []


def test_totp_and_backup_second_factors_when_enrolled(session, ids):
    account = account_of(session, "khalid")
    account.totp_secret, account.totp_enabled = codes.new_totp_secret(), True
    verify_second_factor(session, account, pyotp.TOTP(account.totp_secret).at(NOW), "totp",
                         now=NOW)
    backup = codes.new_backup_codes(session, account, NOW)
    verify_second_factor(session, account, backup[0], "backup", now=NOW)
    assert codes.unused_backup_codes(session, account.id) == 9


def test_sms_never_stands_in_for_an_enrolled_authenticator(session, ids):
    account = account_of(session, "khalid")
    sms_code = send_sign_in_code(session, account, now=NOW, sms=SMS, lang="en") and \
        code_in_last_sms(session)
    account.totp_secret, account.totp_enabled = codes.new_totp_secret(), True
    assert refused(send_sign_in_code, session, account, now=at(120), sms=SMS,
                   lang="en").code == "code_method"
    assert refused(verify_second_factor, session, account, sms_code, "sms",
                   now=at(5)).code == "code_method"


# --- tickets and sessions --------------------------------------------------------------------

@pytest.mark.both_databases
def test_ticket_is_single_use_and_stored_only_as_a_digest(session, ids):
    account = account_of(session, "khalid")
    ticket = issue_sign_in_ticket(session, account, now=NOW)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", ticket)
    row = session.exec(select(SignInTicket)).one()
    assert row.ticket_digest != ticket and ticket not in row.ticket_digest
    assert row.expires_at == at(60)
    token = redeem_sign_in_ticket(session, ticket, now=at(5), device=DEVICE)
    assert token is not None and token != ticket
    assert row.used_at == at(5)
    assert redeem_sign_in_ticket(session, ticket, now=at(6)) is None
    assert session.exec(select(func.count()).select_from(UserSession)).one() == 1


@pytest.mark.both_databases
def test_ticket_expires_after_sixty_seconds(session, ids):
    account = account_of(session, "khalid")
    late = issue_sign_in_ticket(session, account, now=NOW)
    assert redeem_sign_in_ticket(session, late, now=at(60)) is None
    in_time = issue_sign_in_ticket(session, account, now=NOW)
    assert redeem_sign_in_ticket(session, in_time, now=at(59)) is not None


def test_unknown_ticket_gives_nothing(session, ids):
    issue_sign_in_ticket(session, account_of(session, "khalid"), now=NOW)
    for ticket in ("", "nonsense", "A" * 43):
        assert redeem_sign_in_ticket(session, ticket, now=NOW) is None, ticket
    assert session.exec(select(func.count()).select_from(UserSession)).one() == 0


@pytest.mark.both_databases
def test_session_token_resolves_and_is_stored_only_as_a_digest(session, ids):
    account = account_of(session, "khalid")
    account.locked_until = at(-10)
    token = new_session(session, account, NOW, DEVICE)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    row = session.exec(select(UserSession)).one()
    assert row.token_digest != token and token not in row.token_digest
    assert re.fullmatch(r"[0-9a-f]{64}", row.token_digest)
    assert (row.created_at, row.last_seen_at, row.expires_at, row.device) == (
        NOW, NOW, at(hours=12), DEVICE)
    found_account, found_row = resolve_session(session, token, now=at(1))
    assert (found_account.id, found_row.id) == (account.id, row.id)
    assert account_of(session, "khalid").locked_until is None
    [event] = events(session, "login_ok", account.id)
    assert (event.device, event.created_at) == (DEVICE, NOW)


def test_no_session_for_missing_or_unknown_tokens(session, ids):
    new_session(session, account_of(session, "khalid"))
    for token in (None, "", "nonsense"):
        assert resolve_session(session, token, now=NOW) is None, token


def test_idle_timeout_is_fifteen_minutes_and_activity_extends_it(session, ids):
    token = new_session(session, account_of(session, "khalid"))
    seen = at(minutes=14, seconds=59)
    assert signed_in_account(session, token, seen).username == "khalid"
    assert session.exec(select(UserSession)).one().last_seen_at == seen
    seen = seen + timedelta(minutes=14, seconds=59)  # 29:58 after sign-in, alive thanks to use
    assert signed_in_account(session, token, seen).username == "khalid"
    assert resolve_session(session, token, now=seen + timedelta(minutes=15)) is None
    row = session.exec(select(UserSession)).one()
    assert row.ended_at == seen + timedelta(minutes=15)
    assert resolve_session(session, token, now=seen + timedelta(minutes=1)) is None  # for good


@pytest.mark.both_databases
def test_idle_for_exactly_fifteen_minutes_is_signed_out(session, ids):
    token = new_session(session, account_of(session, "khalid"))
    assert resolve_session(session, token, now=at(minutes=15)) is None


def test_looking_without_touching_does_not_extend_the_session(session, ids):
    token = new_session(session, account_of(session, "khalid"))
    assert resolve_session(session, token, now=at(minutes=10), touch=False) is not None
    assert session.exec(select(UserSession)).one().last_seen_at == NOW
    assert resolve_session(session, token, now=at(minutes=15)) is None


@pytest.mark.both_databases
def test_a_session_lasts_at_most_twelve_hours_even_when_active(session, ids):
    token = new_session(session, account_of(session, "khalid"))
    moment = NOW
    while moment < at(hours=12) - timedelta(minutes=10):
        moment += timedelta(minutes=10)
        assert signed_in_account(session, token, moment) is not None
    assert signed_in_account(session, token, at(hours=12, seconds=-1)) is not None
    assert resolve_session(session, token, now=at(hours=12)) is None


def test_sign_out_ends_the_session_at_once(session, ids):
    account = account_of(session, "khalid")
    token = new_session(session, account)
    end_session(session, token, now=at(5))
    assert resolve_session(session, token, now=at(6)) is None
    assert session.exec(select(UserSession)).one().ended_at == at(5)
    assert [e.created_at for e in events(session, "signed_out", account.id)] == [at(5)]
    end_session(session, token, now=at(7))  # twice is harmless
    end_session(session, None, now=at(7))
    end_session(session, "nonsense", now=at(7))
    assert len(events(session, "signed_out")) == 1


def test_sign_out_holds_even_while_the_account_is_not_active(session, ids):
    account = account_of(session, "khalid")
    token = new_session(session, account)
    account.status = "locked"
    session.commit()
    end_session(session, token, now=at(1))
    account.status = "active"  # e.g. after a password reset
    session.commit()
    assert resolve_session(session, token, now=at(2)) is None


def test_each_sign_in_gets_a_new_token_and_both_work_until_ended(session, ids):
    account = account_of(session, "khalid")
    first = new_session(session, account, NOW)
    second = new_session(session, account, at(1))
    assert first != second
    assert signed_in_account(session, first, at(2)).id == account.id
    assert signed_in_account(session, second, at(2)).id == account.id
    end_session(session, first, now=at(3))
    assert resolve_session(session, first, now=at(4)) is None
    assert signed_in_account(session, second, at(4)).id == account.id


def test_sign_out_everywhere_ends_every_session_of_the_account(session, ids):
    khalid = account_of(session, "khalid")
    other = account_of(session, "mohammed")
    tokens = [new_session(session, khalid, at(i)) for i in range(3)]
    theirs = new_session(session, other)
    assert end_all_sessions(session, khalid.id, now=at(10)) == 3
    assert all(resolve_session(session, t, now=at(11)) is None for t in tokens)
    assert signed_in_account(session, theirs, at(11)).id == other.id
    assert end_all_sessions(session, khalid.id, now=at(12)) == 0


def test_a_session_of_an_account_that_is_no_longer_active_does_not_resolve(session, ids):
    account = account_of(session, "khalid")
    token = new_session(session, account)
    account.status = "locked"
    session.commit()
    assert resolve_session(session, token, now=at(1)) is None


def test_locked_error_minutes():
    assert LockedError("x", "m", at(61), NOW).params == {"minutes": 2}
    assert LockedError("x", "m", at(1), NOW).params == {"minutes": 1}
    assert LockedError("x", "m", None).params == {"minutes": 0}


@pytest.mark.both_databases
def test_count_accounts(session, ids):
    assert count_accounts(session) == len(DEMO_ACCOUNTS) == 8


# --- the whole journey, and no secret in the audit trail -------------------------------------

def test_full_journey_leaves_no_secret_in_the_audit_trail(session, ids):
    form = details(session, ids, "v2", username="elena.p", email="elena@example.com",
                   country="RU")
    person, _ = start_registration(session, form, now=NOW, sms=SMS, lang="en", **UNLIMITED)
    registration_code = code_in_last_sms(session)
    bad_code = other_code(registration_code)
    with pytest.raises(ValidationError):
        codes.verify_code(session, person_id=person.id, purpose="registration", code=bad_code,
                          now=at(5))
    codes.verify_code(session, person_id=person.id, purpose="registration",
                      code=registration_code, now=at(10))
    account = complete_registration(session, form, password=PASSWORD, confirm=PASSWORD,
                                    now=at(20), lang="en")
    session.commit()
    activate_account(session, ids["v2"], "kiosk", now=at(minutes=5), sms=SMS)
    session.commit()
    with pytest.raises(AuthError):
        authenticate(session, "elena.p", WRONG, now=at(minutes=6), device=DEVICE)
    signed_in = authenticate(session, ids["v2"], PASSWORD, now=at(minutes=7), device=DEVICE)
    send_sign_in_code(session, signed_in, now=at(minutes=7), sms=SMS, lang="ar")
    sign_in_code = code_in_last_sms(session)
    verify_second_factor(session, signed_in, sign_in_code, "sms", now=at(minutes=8))
    ticket = issue_sign_in_ticket(session, signed_in, now=at(minutes=8))
    token = redeem_sign_in_ticket(session, ticket, now=at(minutes=8), device=DEVICE)
    session.commit()
    assert signed_in_account(session, token, at(minutes=9)).username == "elena.p"
    end_session(session, token, now=at(minutes=10))
    session.commit()

    kinds = [e.kind for e in events_all(session, account.id, person.id)]
    for kind in ("code_sent", "code_failed", "code_ok", "registered", "activated",
                 "login_failed", "password_ok", "login_ok", "signed_out"):
        assert kind in kinds, kind
    secrets_used = [registration_code, bad_code, sign_in_code, PASSWORD, WRONG, ticket, token]
    rows = session.exec(select(AuthEvent)).all()
    assert len(rows) >= 10
    for row in rows:
        for secret in secrets_used:
            assert secret not in row.detail and secret not in row.device, (row.kind, secret)
    # Nor anywhere else in the stored rows, except the SMS text that carries a code.
    for row in session.exec(select(UserSession)).all():
        assert token not in row.token_digest and token not in row.device
    for row in session.exec(select(OneTimeCode)).all():
        assert registration_code not in row.code_digest and sign_in_code not in row.code_digest
    stored = session.get(Account, account.id)
    assert PASSWORD not in stored.password_hash
    assert stored.country == "RU"


def events_all(session, account_id: int, person_id: int) -> list[AuthEvent]:
    return list(session.exec(
        select(AuthEvent).where((AuthEvent.account_id == account_id)
                                | (AuthEvent.person_id == person_id))
        .order_by(AuthEvent.id)).all())
