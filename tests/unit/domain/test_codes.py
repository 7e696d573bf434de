"""One-time SMS codes, authenticator (TOTP) codes and backup codes, and the throttles behind them.

Rules (NIST 800-63B §5.1.3/5.2.2, login.gov): 6 digits, valid 10 minutes, once, only for their
purpose; one send a minute per purpose and 10 sends in 5 minutes; 10 wrong codes lock code
entry for 10 minutes, and a new code does not reset that count.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta

import pyotp
import pytest
from sqlmodel import Session, func, select

from absher_app.domain import audit, codes
from absher_app.domain.codes import (
    BACKUP_CODE_COUNT,
    CODE_TTL,
    PURPOSES,
    CodeSent,
    ThrottledError,
    code_verified_since,
    failure_lock_seconds,
    issue_code,
    new_backup_codes,
    new_totp_secret,
    normalize_backup_code,
    send_wait_seconds,
    totp_uri,
    unused_backup_codes,
    verify_backup_code,
    verify_code,
    verify_totp,
)
from absher_app.domain.demo import demo_id
from absher_app.domain.errors import ValidationError
from absher_app.domain.identity import mask_mobile
from absher_app.domain.secrets import digest, numeric_code, same_digest, typed_code, url_token
from absher_app.models import Account, AuthEvent, BackupCode, OneTimeCode, Person, SmsMessage
from absher_app.providers.sms import OutboxSmsSender

NOW = datetime(2026, 5, 10, 9, 0, 0, tzinfo=UTC)  # a multiple of 30 s: TOTP step boundary
MOBILE = "+966551234567"
OTHER_MOBILE = "+966561234567"
SMS = OutboxSmsSender()
# 160 bits of base32, fixed so that the TOTP codes of neighbouring steps are known to differ.
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
SIX_DIGITS = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")


def at(seconds: float = 0, minutes: float = 0) -> datetime:
    return NOW + timedelta(seconds=seconds, minutes=minutes)


def make_person(session: Session, serial: int = 1, mobile: str = MOBILE) -> Person:
    person = Person(id_number=demo_id("1", 900 + serial), category="citizen", name_ar="اختبار",
                    name_en="Test Person", birth_date=date(1990, 1, 1), gender="F",
                    nationality="SA", mobile=mobile)
    session.add(person)
    session.flush()
    return person


def make_account(session: Session, person: Person, *, secret: str | None = SECRET) -> Account:
    account = Account(person_id=person.id, username=f"user{person.id}", email="u@example.com",
                      mobile=person.mobile, password_hash="not-a-hash", status="active",
                      totp_secret=secret, totp_enabled=secret is not None,
                      created_at=NOW, password_changed_at=NOW)
    session.add(account)
    session.flush()
    return account


@pytest.fixture
def person(session) -> Person:
    return make_person(session)


def send(session, person, purpose="sign_in", now=NOW, lang="en") -> str:
    """Issue a code and read it back from the SMS outbox, as the person would."""
    issue_code(session, person_id=person.id, mobile=person.mobile, purpose=purpose, now=now,
               sms=SMS, lang=lang)
    message = session.exec(select(SmsMessage).order_by(SmsMessage.id.desc())).first()
    found = SIX_DIGITS.findall(message.body)
    assert len(found) == 1, message.body
    return found[0]


def wrong(code: str) -> str:
    """Another 6-digit code."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def events(session, kind: str, person_id: int | None = None) -> list[AuthEvent]:
    query = select(AuthEvent).where(AuthEvent.kind == kind)
    if person_id is not None:
        query = query.where(AuthEvent.person_id == person_id)
    return list(session.exec(query.order_by(AuthEvent.id)).all())


def refused(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value


def throttled(call, *args, **kwargs) -> ThrottledError:
    with pytest.raises(ThrottledError) as caught:
        call(*args, **kwargs)
    return caught.value


def check(session, person, code, purpose="sign_in", now=NOW) -> None:
    verify_code(session, person_id=person.id, purpose=purpose, code=code, now=now)


# --- secrets ---------------------------------------------------------------------------------

def test_digest_is_keyed_hex_sha256_and_deterministic():
    value = digest("otp:1:sign_in:123456")
    assert re.fullmatch(r"[0-9a-f]{64}", value)
    assert value == digest("otp:1:sign_in:123456")
    assert value != digest("otp:1:sign_in:123457")
    assert value != hashlib.sha256(b"otp:1:sign_in:123456").hexdigest()  # keyed, not plain


def test_same_digest_compares_equal_and_unequal():
    assert same_digest("ab" * 32, "ab" * 32) is True
    assert same_digest("ab" * 32, "ab" * 31 + "ac") is False


def test_numeric_codes_are_six_ascii_digits_and_vary():
    drawn = {numeric_code(6) for _ in range(300)}
    assert all(re.fullmatch(r"[0-9]{6}", c) for c in drawn)
    assert len(drawn) > 250  # 300 draws from a million rarely collide
    assert {c[0] for c in drawn} >= set("0123456789")  # leading zeros kept, all digits used


def test_typed_codes_avoid_look_alike_characters():
    drawn = [typed_code(10) for _ in range(200)]
    assert all(re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}", c) for c in drawn)
    assert len(set(drawn)) == 200


def test_url_tokens_carry_256_bits():
    tokens = {url_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", t) for t in tokens)


# --- audit -----------------------------------------------------------------------------------

@pytest.mark.both_databases
def test_audit_record_truncates_detail_and_device(session, person):
    audit.record(session, "probe", person_id=person.id, detail="d" * 500, device="u" * 500,
                 now=NOW)
    session.commit()
    row = events(session, "probe")[0]
    assert (len(row.detail), len(row.device)) == (200, 200)
    assert row.created_at == NOW


@pytest.mark.both_databases
def test_audit_recent_counts_and_last_time(session, person):
    other = make_person(session, serial=2, mobile=OTHER_MOBILE)
    for seconds, who, detail in [(0, person, "a"), (10, person, "b"), (20, other, "a"),
                                 (30, person, "a")]:
        audit.record(session, "k", person_id=who.id, detail=detail, now=at(seconds))
    audit.record(session, "other", person_id=person.id, now=at(40))
    session.flush()
    assert audit.recent(session, "k", NOW, person_id=person.id) == [at(30), at(10), NOW]
    assert audit.recent(session, "k", at(10), person_id=person.id) == [at(30), at(10)]
    assert audit.recent(session, "k", NOW, person_id=person.id, detail="a") == [at(30), NOW]
    assert audit.recent(session, "k", NOW, person_id=person.id, limit=1) == [at(30)]
    assert audit.count_since(session, "k", NOW) == 4
    assert audit.count_since(session, "k", at(10), person_id=person.id) == 2
    assert audit.count_since(session, "k", at(31)) == 0
    assert audit.last_time(session, "k", person_id=other.id) == at(20)
    assert audit.last_time(session, "never") is None
    assert audit.window(at(60), 60) == NOW


# --- issuing ---------------------------------------------------------------------------------

def test_issue_code_texts_a_six_digit_code_and_records_the_send(session, person):
    sent = issue_code(session, person_id=person.id, mobile=MOBILE, purpose="sign_in", now=NOW,
                      sms=SMS, lang="en")
    assert sent == CodeSent(masked_mobile=mask_mobile(MOBILE), expires_at=at(minutes=10),
                            resend_at=at(60))
    assert sent.masked_mobile == "+9665****4567"
    session.commit()
    [message] = session.exec(select(SmsMessage)).all()
    assert (message.to, message.purpose) == (MOBILE, "sign_in")
    [code] = SIX_DIGITS.findall(message.body)
    assert message.body == f"Your Absher Passports sign-in code: {code}. Do not share it."
    [row] = session.exec(select(OneTimeCode)).all()
    assert (row.person_id, row.purpose, row.mobile) == (person.id, "sign_in", MOBILE)
    assert (row.created_at, row.expires_at, row.used_at) == (NOW, NOW + CODE_TTL, None)
    assert re.fullmatch(r"[0-9a-f]{64}", row.code_digest)
    assert code not in row.code_digest
    [event] = events(session, "code_sent")
    assert (event.person_id, event.detail, event.created_at) == (person.id, "sign_in", NOW)
    assert code not in event.detail


@pytest.mark.parametrize("purpose", PURPOSES)
def test_every_purpose_has_an_arabic_message_with_the_code(session, person, purpose):
    code = send(session, person, purpose=purpose, lang="ar")
    body = session.exec(select(SmsMessage)).one().body
    assert code in body
    assert re.search(r"[\u0600-\u06FF]", body)  # Arabic text


def test_unknown_purpose_is_a_programming_error(session, person):
    with pytest.raises(ValueError, match="purpose"):
        issue_code(session, person_id=person.id, mobile=MOBILE, purpose="login", now=NOW,
                   sms=SMS)
    assert session.exec(select(func.count()).select_from(SmsMessage)).one() == 0


def test_codes_are_not_predictable_from_one_send_to_the_next(session, person):
    first = send(session, person, "sign_in", NOW)
    second = send(session, person, "reset", NOW)
    third = send(session, person, "registration", NOW)
    rows = session.exec(select(OneTimeCode)).all()
    assert len({r.code_digest for r in rows}) == 3
    # Same digits for two purposes would still give two digests: the digest binds the purpose.
    assert codes._code_digest(person.id, "sign_in", first) != codes._code_digest(
        person.id, "reset", first)
    assert all(re.fullmatch(r"[0-9]{6}", c) for c in (first, second, third))


# --- verifying -------------------------------------------------------------------------------

@pytest.mark.both_databases
def test_right_code_is_accepted_once(session, person):
    code = send(session, person)
    assert code_verified_since(session, person_id=person.id, purpose="sign_in",
                               since=NOW) is False
    check(session, person, code, now=at(5))
    row = session.exec(select(OneTimeCode)).one()
    assert row.used_at == at(5)
    assert [e.detail for e in events(session, "code_ok")] == ["sign_in"]
    assert code_verified_since(session, person_id=person.id, purpose="sign_in", since=NOW)
    assert not code_verified_since(session, person_id=person.id, purpose="sign_in",
                                   since=at(6))
    assert not code_verified_since(session, person_id=person.id, purpose="registration",
                                   since=NOW)
    assert refused(check, session, person, code, now=at(6)).code == "code_used"
    assert len(events(session, "code_failed", person.id)) == 1


@pytest.mark.both_databases
def test_code_works_until_just_before_ten_minutes(session, person):
    code = send(session, person)
    check(session, person, code, now=at(minutes=9, seconds=59))


@pytest.mark.both_databases
def test_code_expires_after_ten_minutes(session, person):
    code = send(session, person)
    assert refused(check, session, person, code, now=at(minutes=10, seconds=1)).code == \
        "code_expired"
    assert refused(check, session, person, code, now=at(minutes=10)).code == "code_expired"
    assert session.exec(select(OneTimeCode)).one().used_at is None
    assert len(events(session, "code_failed", person.id)) == 2


def test_code_is_bound_to_its_purpose(session, person):
    code = send(session, person, "sign_in")
    for purpose in ("reset", "registration", "phone_change"):
        assert refused(check, session, person, code, purpose=purpose).code == "code_wrong"
    check(session, person, code, purpose="sign_in")  # still good for what it was sent for


def test_code_is_bound_to_its_person(session, person):
    other = make_person(session, serial=2, mobile=OTHER_MOBILE)
    code = send(session, person)
    assert refused(check, session, other, code).code == "code_wrong"
    check(session, person, code)


def test_wrong_code_is_refused_and_counted(session, person):
    code = send(session, person)
    error = refused(check, session, person, wrong(code))
    assert error.code == "code_wrong"
    assert len(events(session, "code_failed", person.id)) == 1
    check(session, person, code)  # the right one still works


def test_a_resend_ends_the_earlier_code_of_that_purpose(session, person):
    # Defect 9: only the latest SMS may work, or a code read off a lock screen stays usable.
    first = send(session, person, now=NOW)
    second = send(session, person, now=at(60))
    assert session.exec(select(func.count()).select_from(OneTimeCode)).one() == 2
    if first != second:  # one chance in a million that both texts carry the same digits
        assert refused(check, session, person, first, now=at(61)).code == "code_expired"
    check(session, person, second, now=at(62))
    used = session.exec(select(OneTimeCode).where(OneTimeCode.used_at.is_not(None))).all()
    assert len(used) == 1


def test_a_resend_leaves_codes_of_other_purposes_alone(session, person):
    sign_in = send(session, person, now=NOW)
    send(session, person, purpose="reset", now=at(1))
    check(session, person, sign_in, now=at(2))


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12a456", "12-456",
                                   "１２３４５６", None])
def test_badly_formed_code_is_refused_and_not_counted(session, person, typed):
    send(session, person)
    assert refused(check, session, person, typed).code == "code_format"
    assert events(session, "code_failed", person.id) == []


def test_many_badly_formed_codes_never_lock(session, person):
    code = send(session, person)
    for _ in range(25):
        assert refused(check, session, person, "12345").code == "code_format"
    check(session, person, code)


def test_code_with_surrounding_or_inner_spaces_is_accepted(session, person):
    code = send(session, person)
    check(session, person, f" {code[:3]} {code[3:]} ")


def test_code_typed_with_arabic_indic_digits_is_accepted(session, person):
    code = send(session, person)
    check(session, person, code.translate(ARABIC))
    assert session.exec(select(OneTimeCode)).one().used_at == NOW


# --- sending limits --------------------------------------------------------------------------

def test_resend_cooldown_is_one_minute_per_purpose(session, person):
    send(session, person, "sign_in", NOW)
    error = throttled(send, session, person, "sign_in", NOW)
    assert (error.code, error.retry_after) == ("code_send_wait", 60)
    assert error.params == {"seconds": 60, "minutes": 1}
    assert throttled(send, session, person, "sign_in", at(30)).retry_after == 30
    assert throttled(send, session, person, "sign_in", at(59.5)).retry_after == 1
    assert send_wait_seconds(session, person.id, "sign_in", at(45)) == 15
    send(session, person, "sign_in", at(60))
    assert session.exec(select(func.count()).select_from(SmsMessage)).one() == 2


def test_a_used_code_does_not_hold_back_the_next_one(session, person):
    # Signing out and in again at once must not mean waiting for the cooldown.
    code = send(session, person, "sign_in", NOW)
    check(session, person, code, now=at(5))
    assert send_wait_seconds(session, person.id, "sign_in", at(10)) == 0
    send(session, person, "sign_in", at(10))
    assert throttled(send, session, person, "sign_in", at(20)).retry_after == 50


def test_refused_send_writes_no_code_no_sms_and_no_event(session, person):
    send(session, person, "reset", NOW)
    throttled(send, session, person, "reset", at(10))
    assert session.exec(select(func.count()).select_from(SmsMessage)).one() == 1
    assert session.exec(select(func.count()).select_from(OneTimeCode)).one() == 1
    assert len(events(session, "code_sent")) == 1


def test_cooldown_does_not_block_another_purpose(session, person):
    send(session, person, "registration", NOW)
    assert send_wait_seconds(session, person.id, "sign_in", NOW) == 0
    send(session, person, "sign_in", NOW)
    send(session, person, "reset", at(1))


def test_cooldown_is_per_person(session, person):
    other = make_person(session, serial=2, mobile=OTHER_MOBILE)
    send(session, person, "sign_in", NOW)
    send(session, other, "sign_in", NOW)


def _ten_sends(session, person) -> None:
    four = ("registration", "sign_in", "reset", "phone_change")
    for second, purposes in [(0, four), (60, four), (120, ("registration", "sign_in"))]:
        for purpose in purposes:
            send(session, person, purpose, at(second))


@pytest.mark.both_databases
def test_at_most_ten_sends_in_five_minutes_across_purposes(session, person):
    _ten_sends(session, person)
    assert len(events(session, "code_sent", person.id)) == 10
    # phone_change last went out at 60 s: its cooldown is over, the window limit is not.
    error = throttled(send, session, person, "phone_change", at(120))
    assert (error.code, error.retry_after) == ("code_send_wait", 180)
    assert error.params["minutes"] == 3
    assert throttled(send, session, person, "reset", at(200)).retry_after == 100
    assert throttled(send, session, person, "reset", at(299)).retry_after == 1
    assert len(events(session, "code_sent", person.id)) == 10  # refusals are not sends


def test_waiting_retry_after_is_enough(session, person):
    _ten_sends(session, person)
    retry = throttled(send, session, person, "phone_change", at(120)).retry_after
    send(session, person, "phone_change", at(120 + retry))
    assert len(events(session, "code_sent", person.id)) == 11


@pytest.mark.both_databases
def test_sending_is_allowed_again_after_the_window(session, person):
    _ten_sends(session, person)
    send(session, person, "reset", at(301))
    # The four sends at 60 s and the two at 120 s are still in the window, with this one: 7.
    send(session, person, "phone_change", at(302))


def test_send_limit_is_per_person(session, person):
    other = make_person(session, serial=2, mobile=OTHER_MOBILE)
    _ten_sends(session, person)
    send(session, other, "phone_change", at(120))


# --- failure lock ----------------------------------------------------------------------------

def test_ten_wrong_codes_lock_code_entry_for_ten_minutes(session, person):
    code = send(session, person)
    for attempt in range(9):
        assert refused(check, session, person, wrong(code), now=at(attempt)).code == \
            "code_wrong"
    assert failure_lock_seconds(session, person.id, at(9)) == 0
    error = throttled(check, session, person, wrong(code), now=at(9))
    assert (error.code, error.retry_after) == ("code_locked", 600)
    assert error.params == {"seconds": 600, "minutes": 10}
    # Even the right code is refused now, and asking does not extend the lock.
    assert throttled(check, session, person, code, now=at(10)).retry_after == 599
    assert throttled(check, session, person, code, now=at(minutes=5, seconds=9)).retry_after \
        == 300
    assert session.exec(select(OneTimeCode)).one().used_at is None
    assert len(events(session, "code_failed", person.id)) == 10
    # The first code has expired by the time the lock ends; a new one works at 10:00.
    fresh = send(session, person, now=at(minutes=9))
    assert throttled(check, session, person, fresh, now=at(minutes=10, seconds=8)).retry_after \
        == 1
    check(session, person, fresh, now=at(minutes=10, seconds=9))


def test_lock_lasts_ten_minutes_from_the_tenth_wrong_code_not_from_the_first(session, person):
    for minute in range(9):  # one wrong code a minute, 9:00 .. 9:08
        refused(check, session, person, "000000", now=at(minutes=minute))
    error = throttled(check, session, person, "000000", now=at(minutes=9))  # 9:09
    assert error.retry_after == 600
    # Locked until 9:19, as promised, although the first failure left the window at 9:10.
    assert failure_lock_seconds(session, person.id, at(minutes=10, seconds=1)) == 539
    code = send(session, person, now=at(minutes=15))
    assert throttled(check, session, person, code, now=at(minutes=18, seconds=59)).retry_after \
        == 1
    check(session, person, code, now=at(minutes=19))


def test_after_a_lock_one_wrong_code_does_not_lock_again(session, person):
    for attempt in range(10):
        with pytest.raises((ValidationError, ThrottledError)):
            check(session, person, "000000", now=at(attempt))
    after = at(minutes=10, seconds=9)
    assert failure_lock_seconds(session, person.id, after) == 0
    assert refused(check, session, person, "000000", now=after).code == "code_wrong"
    code = send(session, person, now=after)
    check(session, person, code, now=after)


def test_lock_holds_for_every_purpose_and_for_badly_formed_codes(session, person):
    for attempt in range(10):
        with pytest.raises((ValidationError, ThrottledError)):
            check(session, person, "000000", now=at(attempt))
    code = send(session, person, "reset", at(20))
    for purpose, typed in [("reset", code), ("registration", "000000"), ("sign_in", "x")]:
        assert throttled(check, session, person, typed, purpose=purpose,
                         now=at(30)).code == "code_locked"


def test_lock_is_per_person(session, person):
    other = make_person(session, serial=2, mobile=OTHER_MOBILE)
    for attempt in range(10):
        with pytest.raises((ValidationError, ThrottledError)):
            check(session, person, "000000", now=at(attempt))
    code = send(session, other)
    check(session, other, code, now=at(20))


def test_a_new_code_does_not_reset_the_failure_count(session, person):
    first = send(session, person, now=NOW)
    for attempt in range(9):
        refused(check, session, person, wrong(first), now=at(attempt))
    second = send(session, person, now=at(60))
    assert throttled(check, session, person, wrong(second), now=at(61)).code == "code_locked"
    assert throttled(check, session, person, second, now=at(62)).code == "code_locked"


@pytest.mark.both_databases
def test_failures_spread_over_more_than_ten_minutes_do_not_lock(session, person):
    for attempt in range(9):
        refused(check, session, person, "000000", now=at(attempt))
    assert refused(check, session, person, "000000",
                   now=at(minutes=10, seconds=9)).code == "code_wrong"


@pytest.mark.both_databases
def test_a_failure_survives_the_callers_rollback(session, engine, person):
    code = send(session, person)
    session.commit()
    with pytest.raises(ValidationError):
        check(session, person, wrong(code))
    session.rollback()
    with Session(engine) as fresh:
        [event] = fresh.exec(select(AuthEvent).where(AuthEvent.kind == "code_failed")).all()
        assert (event.person_id, event.created_at) == (person.id, NOW)


@pytest.mark.both_databases
def test_a_lock_survives_the_callers_rollback(session, person):
    for attempt in range(10):
        with pytest.raises((ValidationError, ThrottledError)):
            check(session, person, "000000", now=at(attempt))
        session.rollback()
    assert failure_lock_seconds(session, person.id, at(10)) == 599


# --- authenticator app (TOTP) ----------------------------------------------------------------

def totp_at(when: datetime, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(when)


def test_new_totp_secret_is_random_base32_of_160_bits():
    secrets_ = {new_totp_secret() for _ in range(20)}
    assert len(secrets_) == 20
    assert all(re.fullmatch(r"[A-Z2-7]{32}", s) for s in secrets_)


def test_totp_uri_names_the_issuer_and_carries_the_secret():
    uri = totp_uri(SECRET, "sara.qahtani")
    assert uri.startswith("otpauth://totp/Absher%20Passports:sara.qahtani?")
    assert f"secret={SECRET}" in uri
    assert "issuer=Absher%20Passports" in uri


def test_fresh_secret_code_from_an_authenticator_app_is_accepted(session, person):
    account = make_account(session, person, secret=new_totp_secret())
    verify_totp(session, account, totp_at(NOW, account.totp_secret), NOW)
    assert account.totp_last_step == int(NOW.timestamp()) // 30
    assert [e.account_id for e in events(session, "totp_ok")] == [account.id]


def test_totp_code_is_accepted_once(session, person):
    account = make_account(session, person)
    code = totp_at(NOW)
    verify_totp(session, account, code, NOW)
    error = refused(verify_totp, session, account, code, at(10))  # same 30 s step: replay
    assert error.code == "code_wrong"
    assert len(events(session, "code_failed", person.id)) == 1


def test_totp_steps_are_distinct_for_the_fixed_secret():
    assert len({totp_at(at(30 * k)) for k in range(-2, 3)}) == 5


@pytest.mark.parametrize("offset_steps", [-1, 0, 1])
def test_totp_one_step_either_side_is_accepted(session, person, offset_steps):
    account = make_account(session, person)
    verify_totp(session, account, totp_at(at(30 * offset_steps)), NOW)
    assert account.totp_last_step == int(NOW.timestamp()) // 30 + offset_steps


@pytest.mark.parametrize("offset_steps", [-3, -2, 2, 3])
def test_totp_two_steps_away_is_refused_and_counted(session, person, offset_steps):
    account = make_account(session, person)
    error = refused(verify_totp, session, account, totp_at(at(30 * offset_steps)), NOW)
    assert error.code == "code_wrong"
    assert account.totp_last_step == 0
    assert len(events(session, "code_failed", person.id)) == 1


def test_totp_an_older_step_than_the_last_used_is_refused(session, person):
    account = make_account(session, person)
    verify_totp(session, account, totp_at(NOW), NOW)
    assert refused(verify_totp, session, account, totp_at(at(-30)), NOW).code == "code_wrong"
    verify_totp(session, account, totp_at(at(30)), at(30))  # the next step is fine


@pytest.mark.both_databases
def test_totp_last_step_is_stored(session, engine, person):
    account = make_account(session, person)
    verify_totp(session, account, totp_at(NOW), NOW)
    session.commit()
    with Session(engine) as fresh:
        assert fresh.get(Account, account.id).totp_last_step == int(NOW.timestamp()) // 30


def test_totp_wrong_code_is_counted_and_ten_lock(session, person):
    account = make_account(session, person)
    code = totp_at(NOW)
    for attempt in range(9):
        assert refused(verify_totp, session, account, wrong(code), at(attempt)).code == \
            "code_wrong"
    assert throttled(verify_totp, session, account, wrong(code), at(9)).code == "code_locked"
    assert throttled(verify_totp, session, account, code, at(10)).code == "code_locked"


def test_totp_with_spaces_or_arabic_indic_digits_is_accepted(session, person):
    account = make_account(session, person)
    code = totp_at(NOW)
    verify_totp(session, account, code[:3] + " " + code[3:], NOW)
    verify_totp(session, account, totp_at(at(30)).translate(ARABIC), at(30))
    assert events(session, "code_failed") == []


@pytest.mark.parametrize("typed", ["", "12345", "abcdef", "١٢٣٤٥", None])
def test_totp_badly_formed_code_is_refused_not_counted(session, person, typed):
    account = make_account(session, person)
    assert refused(verify_totp, session, account, typed, NOW).code == "code_format"
    assert events(session, "code_failed") == []


def test_totp_without_enrolment_is_refused(session, person):
    account = make_account(session, person, secret=None)
    assert refused(verify_totp, session, account, "123456", NOW).code == "totp_not_enrolled"


# --- backup codes ----------------------------------------------------------------------------

_TYPED = "[23456789ABCDEFGHJKMNPQRSTUVWXYZ]"  # no 0/O, 1/I/L
BACKUP_FORMAT = re.compile(f"{_TYPED}{{5}}-{_TYPED}{{5}}")


def test_ten_backup_codes_in_xxxxx_xxxxx_form_stored_only_as_digests(session, person):
    account = make_account(session, person)
    shown = new_backup_codes(session, account, NOW)
    assert len(shown) == BACKUP_CODE_COUNT == 10
    assert len(set(shown)) == 10
    assert all(BACKUP_FORMAT.fullmatch(c) for c in shown)
    session.commit()
    rows = session.exec(select(BackupCode).where(BackupCode.account_id == account.id)).all()
    assert len(rows) == 10
    stored = " ".join(r.code_digest for r in rows)
    for code in shown:
        assert code not in stored and normalize_backup_code(code) not in stored
    assert all(re.fullmatch(r"[0-9a-f]{64}", r.code_digest) for r in rows)
    assert unused_backup_codes(session, account.id) == 10
    assert [e.account_id for e in events(session, "backup_codes_created")] == [account.id]


def test_each_backup_code_works_once_and_the_count_goes_down(session, person):
    account = make_account(session, person)
    shown = new_backup_codes(session, account, NOW)
    verify_backup_code(session, account, shown[0], NOW)
    assert unused_backup_codes(session, account.id) == 9
    error = refused(verify_backup_code, session, account, shown[0], at(1))
    assert error.code == "backup_code_wrong"
    assert unused_backup_codes(session, account.id) == 9
    for index, code in enumerate(shown[1:4], start=1):
        verify_backup_code(session, account, code, at(index + 1))
    assert unused_backup_codes(session, account.id) == 6
    assert len(events(session, "backup_code_used")) == 4


def test_backup_code_in_lower_case_or_without_dash_is_accepted(session, person):
    account = make_account(session, person)
    shown = new_backup_codes(session, account, NOW)
    verify_backup_code(session, account, shown[0].lower(), NOW)
    verify_backup_code(session, account, shown[1].replace("-", ""), NOW)
    verify_backup_code(session, account, " " + shown[2].lower().replace("-", " ") + " ", NOW)
    assert unused_backup_codes(session, account.id) == 7


def test_regenerating_backup_codes_invalidates_the_old_ones(session, person):
    account = make_account(session, person)
    old = new_backup_codes(session, account, NOW)
    verify_backup_code(session, account, old[0], NOW)
    new = new_backup_codes(session, account, at(1))
    assert not set(old) & set(new)
    assert unused_backup_codes(session, account.id) == 10
    assert refused(verify_backup_code, session, account, old[1], at(2)).code == \
        "backup_code_wrong"
    verify_backup_code(session, account, new[0], at(3))
    assert session.exec(select(func.count()).select_from(BackupCode)).one() == 10


def test_backup_codes_belong_to_their_account(session, person):
    mine = make_account(session, person)
    theirs = make_account(session, make_person(session, serial=2, mobile=OTHER_MOBILE))
    shown = new_backup_codes(session, mine, NOW)
    assert refused(verify_backup_code, session, theirs, shown[0], NOW).code == \
        "backup_code_wrong"
    verify_backup_code(session, mine, shown[0], NOW)


def test_wrong_backup_codes_count_towards_the_code_lock(session, person):
    account = make_account(session, person)
    shown = new_backup_codes(session, account, NOW)
    for attempt in range(9):
        refused(verify_backup_code, session, account, "AAAAA-AAAAA", at(attempt))
    assert throttled(verify_backup_code, session, account, "", at(9)).code == "code_locked"
    assert throttled(verify_backup_code, session, account, shown[0], at(10)).code == \
        "code_locked"
    assert unused_backup_codes(session, account.id) == 10


@pytest.mark.parametrize(("typed", "normal"), [
    ("abcde-fghjk", "ABCDEFGHJK"), (" ab cd-e ", "ABCDE"), ("", ""), (None, ""),
])
def test_normalize_backup_code(typed, normal):
    assert normalize_backup_code(typed) == normal


def test_throttled_error_rounds_minutes_up():
    assert ThrottledError("x", "m", 61).params == {"seconds": 61, "minutes": 2}
    assert ThrottledError("x", "m", 1).params == {"seconds": 1, "minutes": 1}
    assert ThrottledError("x", "m", 120).retry_after == 120
