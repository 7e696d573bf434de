"""Forgotten password: enumeration safety, the reset code, the check question, the new password."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlmodel import Session, func, select

from absher_app.domain import codes, recovery
from absher_app.domain.accounts import (
    AuthError,
    LockedError,
    authenticate,
    resolve_session,
    second_factor_method,
    send_sign_in_code,
    verify_second_factor,
)
from absher_app.domain.demo import DEMO_PASSWORD, demo_id
from absher_app.domain.errors import ValidationError
from absher_app.domain.identity import mask_mobile, normalize_mobile
from absher_app.domain.passwords import verify_password
from absher_app.i18n import translate
from absher_app.models import Account, AuthEvent, SmsMessage, UserSession
from absher_app.providers.sms import OutboxSmsSender
from tests.unit.domain.test_accounts import (  # noqa: F401  (ids is a fixture)
    ARABIC,
    NOW,
    SIX_DIGITS,
    account_of,
    at,
    ids,
    national,
    new_session,
    other_code,
    person_of,
)

SMS = OutboxSmsSender()
NEW_PASSWORD = "Falcons nest above 9 wadis"
GOOD_8 = "q7!Vz#9p"


def sms_count(session) -> int:
    return session.exec(select(func.count()).select_from(SmsMessage)).one()


def last_sms(session) -> SmsMessage:
    return session.exec(select(SmsMessage).order_by(SmsMessage.id.desc())).first()


def code_in_last_sms(session) -> str:
    [code] = SIX_DIGITS.findall(last_sms(session).body)
    return code


def events(session, kind: str) -> list[AuthEvent]:
    return list(session.exec(select(AuthEvent).where(AuthEvent.kind == kind)
                             .order_by(AuthEvent.id)).all())


def start(session, ids, key: str = "c4", mobile: str | None = None, now=NOW,
          lang: str = "en") -> recovery.ResetProgress:
    person = person_of(session, ids, key)
    progress = recovery.start_reset(session, ids[key], mobile or national(person.mobile),
                                    now=now, sms=SMS, lang=lang)
    session.commit()
    return progress


def with_code(session, ids, key: str = "c4", now=NOW) -> recovery.ResetProgress:
    progress = start(session, ids, key, now=now)
    recovery.verify_code(session, progress, code_in_last_sms(session), now=now + timedelta(
        seconds=10))
    session.commit()
    return progress


def birth_date(session, ids, key: str = "c4") -> str:
    return person_of(session, ids, key).birth_date.isoformat()


def proved(session, ids, key: str = "c4", now=NOW) -> recovery.ResetProgress:
    progress = with_code(session, ids, key, now)
    recovery.check_answer(session, progress, "birth_date", birth_date(session, ids, key),
                          now=now + timedelta(seconds=20))
    session.commit()
    return progress


def reset(session, ids, key: str = "c4", password: str = NEW_PASSWORD, end_sessions=True,
          now=NOW) -> Account:
    progress = proved(session, ids, key, now)
    account = recovery.complete_reset(session, progress, password, password,
                                      end_sessions=end_sessions,
                                      now=now + timedelta(seconds=30), sms=SMS)
    session.commit()
    return account


def refused(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value


def throttled(call, *args, **kwargs) -> codes.ThrottledError:
    with pytest.raises(codes.ThrottledError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- step 1: ID number and mobile ------------------------------------------------------------

def test_matching_details_text_a_reset_code_to_the_accounts_mobile(session, ids):
    khalid = account_of(session, "khalid")
    progress = start(session, ids)
    message = last_sms(session)
    assert (message.to, message.purpose) == (khalid.mobile, "reset")
    assert message.body == translate("sms.code.reset", "en", code=code_in_last_sms(session))
    assert progress.matched and progress.account_id == khalid.id
    assert progress.masked_mobile == mask_mobile(khalid.mobile)
    assert recovery.send_wait_seconds(session, progress, NOW) == codes.RESEND_COOLDOWN_S
    assert [e.account_id for e in events(session, "reset_requested")] == [khalid.id]


def _unmatched(session, ids, case: str) -> tuple[str, str]:
    """(ID number, mobile) that match no account that may recover its password."""
    other_mobile = national(person_of(session, ids, "c1").mobile)
    if case == "wrong_mobile":
        return ids["c4"], other_mobile
    if case == "unknown_id":
        return demo_id("1", 99999999), other_mobile
    if case == "no_account":
        return ids["c2"], national(person_of(session, ids, "c2").mobile)
    account = account_of(session, "khalid")
    account.status = "closed"
    session.commit()
    return ids["c4"], national(account.mobile)


@pytest.mark.parametrize("case", ["wrong_mobile", "unknown_id", "no_account", "closed"])
def test_details_matching_no_account_get_the_same_answer_and_no_sms(session, ids, case):
    id_number, mobile = _unmatched(session, ids, case)
    progress = recovery.start_reset(session, id_number, mobile, now=NOW, sms=SMS, lang="en")
    session.commit()
    assert sms_count(session) == 0
    assert events(session, "code_sent") == []
    assert not progress.matched and progress.account_id is None
    # What the page shows is what it shows for a match: the mobile typed, masked, and the
    # one-minute countdown before another code may be asked for.
    assert progress.masked_mobile == mask_mobile(normalize_mobile(mobile))
    assert recovery.send_wait_seconds(session, progress, NOW) == codes.RESEND_COOLDOWN_S


def test_the_answer_is_the_same_for_a_match_and_a_non_match(session, ids):
    khalid = account_of(session, "khalid")
    typed = national(khalid.mobile)
    matched = start(session, ids, "c4", typed)
    unmatched = recovery.start_reset(session, ids["c2"], typed, now=NOW, sms=SMS)
    for progress in (matched, unmatched):
        assert progress.masked_mobile == mask_mobile(khalid.mobile)
        assert recovery.send_wait_seconds(session, progress, at(15)) == 45


@pytest.mark.parametrize(("id_number", "mobile", "code"), [
    ("1000000009", "0551234567", "id_checksum"),
    ("12345", "0551234567", "id_length"),
    (None, "12345", "mobile_invalid"),
])
def test_badly_formed_id_or_mobile_is_refused_before_any_lookup(session, ids, id_number,
                                                                  mobile, code):
    error = refused(recovery.start_reset, session, id_number or ids["c4"], mobile, now=NOW,
                    sms=SMS)
    assert error.code == code
    assert sms_count(session) == 0


def test_arabic_indic_digits_are_accepted(session, ids):
    khalid = account_of(session, "khalid")
    progress = recovery.start_reset(session, ids["c4"].translate(ARABIC),
                                    national(khalid.mobile).translate(ARABIC), now=NOW, sms=SMS)
    assert progress.matched


# --- step 2: the reset code ------------------------------------------------------------------

def test_an_unmatched_request_never_accepts_a_code(session, ids):
    real = start(session, ids)  # khalid asked for a real reset code...
    code = code_in_last_sms(session)
    unmatched = start(session, ids, "c4", national(person_of(session, ids, "c1").mobile),
                      now=at(5))
    # ... which the request with the wrong mobile cannot use, nor count against him.
    error = refused(recovery.verify_code, session, unmatched, code, now=at(10))
    assert error.code == "code_wrong"
    assert events(session, "code_failed") == []
    recovery.verify_code(session, real, code, now=at(11))
    assert real.code_ok_at == at(11)


def test_an_unmatched_request_imitates_the_ten_wrong_codes_lock(session, ids):
    progress = start(session, ids, "c2")
    for second in range(9):
        assert refused(recovery.verify_code, session, progress, "123456",
                       now=at(second)).code == "code_wrong"
    assert refused(recovery.verify_code, session, progress, "12", now=at(9)).code == "code_format"
    error = throttled(recovery.verify_code, session, progress, "123456", now=at(10))
    assert (error.code, error.params["minutes"]) == ("code_locked", 10)
    assert throttled(recovery.verify_code, session, progress, "123456",
                     now=at(minutes=5)).code == "code_locked"
    assert refused(recovery.verify_code, session, progress, "123456",
                   now=at(minutes=10, seconds=11)).code == "code_wrong"


def test_ten_wrong_reset_codes_lock_code_entry_for_a_matched_request(session, ids):
    progress = start(session, ids)
    code = code_in_last_sms(session)
    for second in range(9):
        assert refused(recovery.verify_code, session, progress, other_code(code),
                       now=at(second)).code == "code_wrong"
    error = throttled(recovery.verify_code, session, progress, other_code(code), now=at(9))
    assert (error.code, error.params["minutes"]) == ("code_locked", 10)
    # Even the right code waits out the lock: the same throttle as every other code.
    assert throttled(recovery.verify_code, session, progress, code, now=at(60)).code == \
        "code_locked"
    assert len(events(session, "code_failed")) == 10


def test_resend_cooldown_is_enforced_and_imitated(session, ids):
    matched = start(session, ids)
    unmatched = start(session, ids, "c2")
    for progress in (matched, unmatched):
        error = throttled(recovery.resend_code, session, progress, now=at(30), sms=SMS)
        assert (error.code, error.retry_after) == ("code_send_wait", 30)
    before = sms_count(session)
    for progress in (matched, unmatched):
        recovery.resend_code(session, progress, now=at(60), sms=SMS)
        assert recovery.send_wait_seconds(session, progress, at(60)) == 60
    assert sms_count(session) == before + 1  # only the real account gets a text
    assert last_sms(session).purpose == "reset"


def test_a_reset_code_is_refused_for_sign_in_and_a_sign_in_code_for_reset(session, ids):
    khalid = account_of(session, "khalid")
    progress = start(session, ids)
    reset_code = code_in_last_sms(session)
    assert refused(verify_second_factor, session, khalid, reset_code, "sms",
                   now=at(5)).code == "code_wrong"
    send_sign_in_code(session, khalid, now=at(6), sms=SMS, lang="en")
    sign_in_code = code_in_last_sms(session)
    assert refused(recovery.verify_code, session, progress, sign_in_code,
                   now=at(7)).code == "code_wrong"
    assert progress.code_ok_at is None


def test_an_expired_reset_code_is_refused(session, ids):
    progress = start(session, ids)
    code = code_in_last_sms(session)
    assert refused(recovery.verify_code, session, progress, code,
                   now=at(minutes=10)).code == "code_expired"


def test_a_used_reset_code_is_refused(session, ids):
    progress = with_code(session, ids)
    code = code_in_last_sms(session)
    again = start(session, ids, now=at(minutes=2))
    again_code = code_in_last_sms(session)
    assert refused(recovery.verify_code, session, again, code,
                   now=at(minutes=3)).code == "code_used"
    recovery.verify_code(session, again, again_code, now=at(minutes=3))
    assert progress.code_ok_at == at(10)


# --- step 3: the check question --------------------------------------------------------------

def test_the_question_and_the_password_need_the_code_first(session, ids):
    progress = start(session, ids)
    assert refused(recovery.check_answer, session, progress, "birth_date",
                   birth_date(session, ids), now=at(5)).code == "reset_expired"
    progress.code_ok_at = at(5)  # a forged progress: the database knows better
    assert refused(recovery.check_answer, session, progress, "birth_date",
                   birth_date(session, ids), now=at(6)).code == "reset_expired"
    progress.check_ok_at = at(6)
    assert refused(recovery.complete_reset, session, progress, NEW_PASSWORD, NEW_PASSWORD,
                   end_sessions=True, now=at(7), sms=SMS).code == "reset_expired"
    assert verify_password(DEMO_PASSWORD, account_of(session, "khalid").password_hash)


def test_an_unmatched_request_never_reaches_the_question(session, ids):
    progress = start(session, ids, "c2")
    progress.code_ok_at = at(5)
    assert refused(recovery.check_answer, session, progress, "birth_date", "1993-09-01",
                   now=at(6)).code == "reset_expired"


@pytest.mark.both_databases
def test_the_proof_of_the_code_lasts_fifteen_minutes(session, ids):
    progress = with_code(session, ids)  # code accepted at 10 s
    assert refused(recovery.check_answer, session, progress, "birth_date",
                   birth_date(session, ids), now=at(minutes=15, seconds=11)
                   ).code == "reset_expired"
    recovery.check_answer(session, progress, "birth_date", birth_date(session, ids),
                          now=at(minutes=15, seconds=10))


def _answers(session, ids) -> dict[str, str]:
    person = person_of(session, ids, "c4")
    born = person.birth_date
    return {
        "iso": ("birth_date", born.isoformat()),
        "unpadded": ("birth_date", f"{born.year}-{born.month}-{born.day}"),
        "arabic": ("birth_date", born.isoformat().translate(ARABIC)),
        "passport": ("passport", person.passport_number),
        "passport_spaced": ("passport", " " + " ".join(person.passport_number.lower()) + " "),
    }


@pytest.mark.parametrize("case", ["iso", "unpadded", "arabic", "passport", "passport_spaced"])
def test_date_of_birth_or_passport_number_answers_the_question(session, ids, case):
    question, answer = _answers(session, ids)[case]
    progress = with_code(session, ids)
    recovery.check_answer(session, progress, question, answer, now=at(20))
    assert progress.check_ok_at == at(20)
    assert [e.detail for e in events(session, "reset_check_ok")] == [question]


@pytest.mark.parametrize(("question", "answer", "code"), [
    ("birth_date", "1985-02-30", "reset_birth_date_invalid"),
    ("birth_date", "--", "reset_birth_date_invalid"),
    ("birth_date", "85-11-30", "reset_birth_date_invalid"),
    ("passport", "  ", "reset_passport_required"),
    ("mother", "x", "reset_question_unknown"),
])
def test_badly_formed_answers_are_not_counted(session, ids, question, answer, code):
    progress = with_code(session, ids)
    assert refused(recovery.check_answer, session, progress, question, answer,
                   now=at(20)).code == code
    assert events(session, "reset_check_failed") == []


@pytest.mark.both_databases
def test_wrong_answers_are_bounded_to_three_a_day(session, ids, engine):
    progress = with_code(session, ids)
    khalid = account_of(session, "khalid")
    wrong = refused(recovery.check_answer, session, progress, "birth_date", "1985-11-29",
                    now=at(20))
    assert (wrong.code, wrong.params) == ("reset_check_wrong", {"left": 2})
    session.rollback()  # the caller's rollback does not undo the count
    wrong = refused(recovery.check_answer, session, progress, "passport", "A0000000", now=at(21))
    assert (wrong.code, wrong.params) == ("reset_check_wrong", {"left": 1})
    locked = refused(recovery.check_answer, session, progress, "birth_date", "2000-01-01",
                     now=at(22))
    assert (locked.code, locked.params) == ("reset_check_locked", {"hours": 24})
    # The right answer does not help now, nor does a new code.
    assert refused(recovery.check_answer, session, progress, "birth_date",
                   birth_date(session, ids), now=at(23)).code == "reset_check_locked"
    again = with_code(session, ids, now=at(hours=2))
    locked = refused(recovery.check_answer, session, again, "birth_date",
                     birth_date(session, ids), now=at(hours=2, seconds=20))
    assert locked.params == {"hours": 22}
    with Session(engine) as fresh:
        failed = fresh.exec(select(AuthEvent).where(AuthEvent.kind == "reset_check_failed")).all()
        assert [(e.account_id, e.detail) for e in failed] == [
            (khalid.id, "birth_date"), (khalid.id, "passport"), (khalid.id, "birth_date")]
    assert recovery.check_failures_left(session, khalid.id, at(hours=2)) == 0
    # A day after the first wrong answer, one try is back.
    later = with_code(session, ids, now=at(hours=24, seconds=30))
    recovery.check_answer(session, later, "birth_date", birth_date(session, ids),
                          now=at(hours=24, seconds=45))


# --- step 4: the new password ----------------------------------------------------------------

def test_the_password_step_needs_the_question(session, ids):
    progress = with_code(session, ids)
    assert refused(recovery.complete_reset, session, progress, NEW_PASSWORD, NEW_PASSWORD,
                   end_sessions=True, now=at(30), sms=SMS).code == "reset_expired"


@pytest.mark.parametrize(("password", "confirm", "code"), [
    (GOOD_8[:7], GOOD_8[:7], "password_too_short"),
    (NEW_PASSWORD, NEW_PASSWORD + "!", "password_mismatch"),
    ("password1", "password1", "password_common"),
    ("Alotaibi", "Alotaibi", "password_personal"),
    ("Khalid Saad Alotaibi", "Khalid Saad Alotaibi", "password_personal"),
    ("abcdefgh", "abcdefgh", "password_weak"),
])
def test_password_rules_apply(session, ids, password, confirm, code):
    progress = proved(session, ids)
    assert refused(recovery.complete_reset, session, progress, password, confirm,
                   end_sessions=True, now=at(30), sms=SMS).code == code


def test_eight_good_characters_are_accepted(session, ids):
    account = reset(session, ids, password=GOOD_8)
    assert verify_password(GOOD_8, account.password_hash)


def test_the_id_number_is_refused_as_password(session, ids):
    progress = proved(session, ids)
    assert refused(recovery.complete_reset, session, progress, ids["c4"], ids["c4"],
                   end_sessions=True, now=at(30), sms=SMS).code == "password_personal"


def test_reset_changes_the_password_and_does_not_sign_in(session, ids):
    reset(session, ids)
    khalid = account_of(session, "khalid")
    assert khalid.password_changed_at == at(30)
    with pytest.raises(AuthError):
        authenticate(session, "khalid", DEMO_PASSWORD, now=at(minutes=1))
    assert authenticate(session, "khalid", NEW_PASSWORD, now=at(minutes=2)).id == khalid.id
    assert session.exec(select(func.count()).select_from(UserSession)).one() == 0
    assert events(session, "login_ok") == []
    # The second factor is still asked for.
    assert second_factor_method(khalid) == "sms"


def test_an_enrolled_authenticator_stays_enrolled(session, ids):
    khalid = account_of(session, "khalid")
    khalid.totp_secret, khalid.totp_enabled = codes.new_totp_secret(), True
    session.commit()
    secret = khalid.totp_secret
    reset(session, ids)
    khalid = account_of(session, "khalid")
    assert (khalid.totp_enabled, khalid.totp_secret) == (True, secret)
    assert second_factor_method(khalid) == "totp"
    verify_second_factor(session, khalid, pyotp.TOTP(secret).at(at(minutes=5)), "totp",
                         now=at(minutes=5))


@pytest.mark.both_databases
def test_one_proof_gives_one_reset(session, ids):
    progress = proved(session, ids)
    recovery.complete_reset(session, progress, NEW_PASSWORD, NEW_PASSWORD, end_sessions=True,
                            now=at(30), sms=SMS)
    session.commit()
    assert refused(recovery.complete_reset, session, progress, "Another long passphrase 1",
                   "Another long passphrase 1", end_sessions=True, now=at(40),
                   sms=SMS).code == "reset_expired"
    assert verify_password(NEW_PASSWORD, account_of(session, "khalid").password_hash)


def test_a_locked_account_is_active_again(session, ids):
    khalid = account_of(session, "khalid")
    khalid.status, khalid.locked_until = "locked", at(hours=1)
    session.commit()
    with pytest.raises(LockedError):
        authenticate(session, "khalid", DEMO_PASSWORD, now=NOW)
    reset(session, ids)
    khalid = account_of(session, "khalid")
    assert (khalid.status, khalid.locked_until) == ("active", None)
    assert authenticate(session, "khalid", NEW_PASSWORD, now=at(minutes=1)).status == "active"


def test_a_temporary_lock_is_cleared(session, ids):
    khalid = account_of(session, "khalid")
    khalid.locked_until = at(minutes=10)
    session.commit()
    reset(session, ids)
    assert account_of(session, "khalid").locked_until is None
    assert authenticate(session, "khalid", NEW_PASSWORD, now=at(minutes=1)).id == khalid.id


def test_a_registered_account_can_reset_and_stays_registered(session, ids):
    reset(session, ids, "c9")
    hind = account_of(session, "hind")
    assert hind.status == "registered" and hind.activated_at is None
    assert authenticate(session, "hind", NEW_PASSWORD, now=at(minutes=1)).status == "registered"


def test_a_locked_account_that_was_never_activated_goes_back_to_registered(session, ids):
    hind = account_of(session, "hind")
    hind.status = "locked"
    session.commit()
    reset(session, ids, "c9")
    assert account_of(session, "hind").status == "registered"


def test_a_closed_account_cannot_reset(session, ids):
    khalid = account_of(session, "khalid")
    progress = start(session, ids)
    code = code_in_last_sms(session)
    khalid.status = "closed"
    session.commit()
    assert refused(recovery.verify_code, session, progress, code, now=at(5)).code == \
        "reset_expired"
    assert not start(session, ids, now=at(70)).matched


def test_an_account_closed_before_the_last_step_is_not_reset(session, ids):
    progress = proved(session, ids)
    khalid = account_of(session, "khalid")
    khalid.status = "closed"
    session.commit()
    assert refused(recovery.complete_reset, session, progress, NEW_PASSWORD, NEW_PASSWORD,
                   end_sessions=True, now=at(30), sms=SMS).code == "reset_expired"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_account_holder_is_told_by_sms_in_their_language(session, ids, lang):
    khalid = account_of(session, "khalid")
    khalid.language = lang
    session.commit()
    reset(session, ids)
    message = last_sms(session)
    assert (message.to, message.purpose) == (khalid.mobile, "password_reset")
    # 09:00:30 UTC is 12:00 in Riyadh.
    assert message.body == translate("sms.password_reset", lang, date="2026-05-10",
                                     time="12:00")
    assert "2026-05-10" in message.body and "12:00" in message.body
    assert ("If this wasn't you" in message.body) == (lang == "en")
    assert ("إن لم تكن أنت" in message.body) == (lang == "ar")
    assert SIX_DIGITS.findall(message.body) == []  # never mistaken for a code


@pytest.mark.parametrize("end_sessions", [True, False])
def test_other_sessions_end_when_asked(session, ids, end_sessions):
    khalid = account_of(session, "khalid")
    tokens = [new_session(session, khalid, NOW), new_session(session, khalid, at(1))]
    theirs = new_session(session, account_of(session, "mohammed"), NOW)
    reset(session, ids, end_sessions=end_sessions)
    live = [resolve_session(session, t, now=at(minutes=1)) is not None for t in tokens]
    assert live == [not end_sessions] * 2
    assert resolve_session(session, theirs, now=at(minutes=1)) is not None
    [event] = events(session, "password_reset")
    assert event.detail == f"sessions ended: {2 if end_sessions else 0}"


def test_the_audit_trail_records_the_reset_without_secrets(session, ids):
    progress = start(session, ids)
    code = code_in_last_sms(session)
    wrong = other_code(code)
    with pytest.raises(ValidationError):
        recovery.verify_code(session, progress, wrong, now=at(5))
    recovery.verify_code(session, progress, code, now=at(10))
    answer = birth_date(session, ids)
    with pytest.raises(ValidationError):
        recovery.check_answer(session, progress, "passport", "X9999999", now=at(15))
    recovery.check_answer(session, progress, "birth_date", answer, now=at(20))
    recovery.complete_reset(session, progress, NEW_PASSWORD, NEW_PASSWORD, end_sessions=True,
                            now=at(30), sms=SMS)
    session.commit()
    khalid = account_of(session, "khalid")
    kinds = [e.kind for e in session.exec(select(AuthEvent).order_by(AuthEvent.id)).all()]
    assert kinds == ["reset_requested", "code_sent", "code_failed", "code_ok",
                     "reset_check_failed", "reset_check_ok", "password_reset"]
    [event] = events(session, "password_reset")
    assert (event.account_id, event.person_id, event.created_at) == (
        khalid.id, khalid.person_id, at(30))
    secrets = [code, wrong, answer, "X9999999", NEW_PASSWORD, khalid.password_hash]
    for row in session.exec(select(AuthEvent)).all():
        for secret in secrets:
            assert secret not in row.detail and secret not in row.device, (row.kind, secret)


def test_a_reset_restarts_the_count_towards_the_hundred_failure_lock(session, ids):
    khalid = account_of(session, "khalid")
    for i in range(99):
        session.add(AuthEvent(person_id=khalid.person_id, account_id=khalid.id,
                              kind="login_failed",
                              created_at=NOW - timedelta(days=1, minutes=2 * i)))
    session.commit()
    reset(session, ids)
    with pytest.raises(AuthError) as caught:
        authenticate(session, "khalid", "not it at all 42", now=at(minutes=1))
    assert caught.value.code == "bad_credentials"
    assert account_of(session, "khalid").status == "active"
