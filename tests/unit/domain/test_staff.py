"""Staff accounts: creation, the citizens' lock and code rules on their own audit trail, the
mandatory authenticator app, sessions, roles, office activation and request review (each look
at a person's record logged for them)."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlmodel import select

from absher_app.domain import access_log, accounts, codes, staff
from absher_app.domain.demo import DEMO_PASSWORD, DEMO_STAFF, demo_ids
from absher_app.domain.errors import ValidationError
from absher_app.models import Account, RecordAccess, StaffEvent, StaffMember
from tests.unit.domain.test_requests import (
    LATER,
    NOW,
    PASSPORT_POST,
    SMS,
    pay,
    people,  # noqa: F401 - fixture
    submit,
)

PASSWORD = "Counter staff 2026 pass"


def make(session, username="clerk.one", role="activation_clerk", office=None,
         password=PASSWORD) -> tuple[StaffMember, str]:
    member, secret = staff.create_staff(session, username, role, password=password,
                                        confirm=password, office=office, now=NOW)
    session.commit()
    return member, secret


def code_at(secret: str, moment) -> str:
    return pyotp.TOTP(secret, interval=codes.TOTP_STEP_S).at(moment)


def who(member: StaffMember) -> staff.StaffIdentity:
    return staff.identity_of(member)


def kinds(session, member: StaffMember) -> list[str]:
    return [e.kind for e in session.exec(select(StaffEvent).where(
        StaffEvent.staff_id == member.id).order_by(StaffEvent.id)).all()]


# --- Roles ---------------------------------------------------------------------------------

def test_each_role_has_exactly_its_permissions():
    assert staff.ROLE_PERMISSIONS == {
        "activation_clerk": {staff.ACTIVATE_ACCOUNTS},
        "passports_officer": {staff.REVIEW_REQUESTS, staff.ANSWER_MESSAGES},
        "branch_manager": {staff.MANAGE_BRANCHES},
        "admin": set(staff.PERMISSIONS),
    }
    assert set(staff.ROLE_PERMISSIONS) == set(staff.ROLES)


def test_require_refuses_a_role_without_the_permission_and_an_unknown_permission():
    clerk = staff.StaffIdentity(1, "c", "activation_clerk", None)
    staff.require(clerk, staff.ACTIVATE_ACCOUNTS)
    with pytest.raises(staff.NotAllowedError):
        staff.require(clerk, staff.REVIEW_REQUESTS)
    with pytest.raises(ValueError):
        staff.require(clerk, "everything")
    assert not staff.StaffIdentity(1, "x", "retired", None).permissions


# --- Creation ------------------------------------------------------------------------------

def test_create_hashes_the_password_and_returns_a_fresh_key(session, people):
    member, secret = make(session, office="ruh-01")
    assert member.password_hash.startswith("$argon2id$") and PASSWORD not in member.password_hash
    assert member.totp_secret == secret and len(secret) >= 32
    assert member.office == "RUH-01" and member.totp_confirmed_at is None
    other, other_secret = make(session, "clerk.two")
    assert other_secret != secret and other.office is None  # headquarters
    assert kinds(session, member) == ["created"]


@pytest.mark.parametrize("username, role, office, password, code", [
    ("ab", "activation_clerk", None, PASSWORD, "username_invalid"),
    ("1234567890", "activation_clerk", None, PASSWORD, "username_invalid"),
    ("good.name", "janitor", None, PASSWORD, "staff_role_unknown"),
    ("good.name", "admin", "XXX-99", PASSWORD, "staff_office_unknown"),
    ("good.name", "admin", None, "short", "password_too_short"),
    ("good.name", "admin", None, "password", "password_too_short"),
])
def test_create_refuses_bad_input(session, people, username, role, office, password, code):
    with pytest.raises(ValidationError) as caught:
        make(session, username, role, office, password)
    assert caught.value.code.startswith(code.split("_")[0])


@pytest.mark.both_databases
def test_a_username_is_taken_once(session, people):
    make(session)
    with pytest.raises(ValidationError) as caught:
        make(session, "CLERK.ONE")
    assert caught.value.code == "username_taken"


def test_demo_staff_one_per_role_with_the_documented_key(session, people):
    members = {m.username: m for m in session.exec(select(StaffMember)).all()}
    assert sorted(m.role for m in members.values()) == sorted(staff.ROLES)
    for username, role, _office, secret in DEMO_STAFF:
        assert members[username].totp_secret == secret and members[username].role == role
        assert staff.authenticate(session, username, DEMO_PASSWORD, now=NOW)


# --- Password and code ---------------------------------------------------------------------

def test_wrong_password_and_unknown_user_answer_alike(session, people):
    make(session)
    for login in ("clerk.one", "nobody.here"):
        with pytest.raises(accounts.AuthError) as caught:
            staff.authenticate(session, login, "wrong password", now=NOW)
        assert caught.value.code == "bad_credentials"


def test_a_citizen_password_does_not_open_a_staff_account(session, people):
    # Separate tables: the demo citizen "mohammed" is no staff member.
    with pytest.raises(accounts.AuthError):
        staff.authenticate(session, "mohammed", DEMO_PASSWORD, now=NOW)


@pytest.mark.both_databases
def test_five_wrong_passwords_in_a_minute_lock_then_double(session, people):
    member, _ = make(session)
    for i in range(4):
        with pytest.raises(accounts.AuthError):
            staff.authenticate(session, "clerk.one", "wrong", now=NOW + timedelta(seconds=i))
    with pytest.raises(accounts.LockedError) as caught:
        staff.authenticate(session, "clerk.one", "wrong", now=NOW + timedelta(seconds=4))
    assert caught.value.until == NOW + timedelta(seconds=4) + accounts.FIRST_LOCK
    # Even the right password waits for the lock to end.
    with pytest.raises(accounts.LockedError):
        staff.authenticate(session, "clerk.one", PASSWORD, now=NOW + timedelta(seconds=30))
    later = NOW + timedelta(minutes=2)
    for i in range(5):
        with pytest.raises((accounts.AuthError, accounts.LockedError)):
            staff.authenticate(session, "clerk.one", "wrong", now=later + timedelta(seconds=i))
    session.refresh(member)
    assert member.locked_until == later + timedelta(seconds=4) + 2 * accounts.FIRST_LOCK


@pytest.mark.parametrize("failures, consecutive, locks, expected", [
    (4, 4, 0, (False, None)),
    (5, 5, 0, (False, timedelta(minutes=1))),
    (5, 10, 3, (False, timedelta(minutes=8))),
    (5, 15, 4, (False, timedelta(minutes=10))),
    (6, 6, 1, (False, None)),
    (1, 99, 0, (False, None)),
    (1, 100, 0, (True, None)),
])
def test_the_shared_lock_rule_at_its_boundaries(failures, consecutive, locks, expected):
    assert accounts.lock_after_failure(failures_in_window=failures,
                                       consecutive_failures=consecutive,
                                       locks_since_success=locks) == expected


def test_authenticator_code_once_and_first_code_confirms_enrolment(session, people):
    member, secret = make(session)
    staff.verify_code(session, member, code_at(secret, NOW), now=NOW)
    session.commit()
    assert member.totp_confirmed_at is not None
    with pytest.raises(ValidationError):  # the same step again: a replay
        staff.verify_code(session, member, code_at(secret, NOW), now=NOW + timedelta(seconds=5))
    assert kinds(session, member)[-2:] == ["totp_ok", "code_failed"]


def test_ten_wrong_codes_lock_code_entry_for_ten_minutes(session, people):
    member, secret = make(session)
    with pytest.raises(ValidationError) as caught:
        staff.verify_code(session, member, "12", now=NOW)
    assert caught.value.code == "code_format"  # not counted
    wrong = "000000" if code_at(secret, NOW) != "000000" else "111111"
    for i in range(9):
        with pytest.raises(ValidationError):
            staff.verify_code(session, member, wrong, now=NOW + timedelta(seconds=i))
    with pytest.raises(codes.ThrottledError) as caught:
        staff.verify_code(session, member, wrong, now=NOW + timedelta(seconds=9))
    assert caught.value.retry_after == 600
    at = NOW + timedelta(minutes=5)
    with pytest.raises(codes.ThrottledError):  # even the right code
        staff.verify_code(session, member, code_at(secret, at), now=at)
    at = NOW + timedelta(seconds=9) + codes.LOCK
    staff.verify_code(session, member, code_at(secret, at), now=at)


def test_an_sms_code_is_never_offered_to_staff():
    # Staff have no mobile on record and no SMS path: the only second factor is the app.
    assert not hasattr(StaffMember, "mobile")
    assert "sms" not in staff.verify_code.__doc__.lower()


# --- Sessions --------------------------------------------------------------------------------

@pytest.mark.both_databases
def test_ticket_once_session_idle_and_sign_out(session, people):
    member, _ = make(session)
    ticket = staff.issue_ticket(session, member, now=NOW)
    token = staff.redeem_ticket(session, ticket, now=NOW)
    assert token and staff.redeem_ticket(session, ticket, now=NOW) is None
    session.commit()
    assert staff.resolve_session(session, token, now=NOW + timedelta(minutes=14)).role == \
        "activation_clerk"
    assert staff.resolve_session(session, token, now=NOW + timedelta(minutes=28)) is not None
    assert staff.resolve_session(session, token, now=NOW + timedelta(minutes=44)) is None
    ticket = staff.issue_ticket(session, member, now=NOW)
    token = staff.redeem_ticket(session, ticket, now=NOW)
    staff.end_session(session, token, now=NOW)
    assert staff.resolve_session(session, token, now=NOW) is None
    late = staff.issue_ticket(session, member, now=NOW)
    assert staff.redeem_ticket(session, late, now=NOW + staff.TICKET_TTL) is None


def test_a_citizen_token_is_no_staff_session(session, people):
    acc = session.exec(select(Account).where(Account.username == "mohammed")).one()
    ticket = accounts.issue_sign_in_ticket(session, acc, now=NOW)
    token = accounts.redeem_sign_in_ticket(session, ticket, now=NOW)
    assert accounts.resolve_session(session, token, now=NOW) is not None
    assert staff.resolve_session(session, token, now=NOW) is None


# --- Office activation -------------------------------------------------------------------------

def hind_id() -> str:
    return demo_ids()["c9"]  # registered, not activated


def test_clerk_finds_checks_and_activates_and_the_access_is_logged(session, people):
    member, _ = make(session, office="RUH-01")
    card = staff.find_for_activation(session, who(member), hind_id(), now=NOW)
    assert card.id_number == hind_id() and card.masked_mobile.count("*") >= 4
    entries = access_log.accesses_of(session, people["c9"].id)
    assert [(e.actor_kind, e.actor_label, e.purpose) for e in entries] == [
        ("staff", "activation_clerk", "office_activation")]
    assert entries[0].office_en == "Riyadh Passports - Al Malaz"
    account = staff.activate_at_office(session, who(member), hind_id(), now=LATER, sms=SMS)
    assert (account.status, account.activation_channel) == ("active", "office")
    assert "account_activated" in kinds(session, member)
    with pytest.raises(ValidationError) as caught:
        staff.find_for_activation(session, who(member), hind_id(), now=LATER)
    assert caught.value.code == "activation_not_pending"


def test_no_record_is_opened_for_an_unknown_or_active_id(session, people):
    member, _ = make(session)
    for number, code in ((demo_ids()["c1"], "activation_not_pending"),
                         (demo_ids()["c2"], "activation_no_account"),
                         ("1234", "id_length")):
        with pytest.raises(ValidationError) as caught:
            staff.find_for_activation(session, who(member), number, now=NOW)
        assert caught.value.code.split("_")[0] == code.split("_")[0]
    assert session.exec(select(RecordAccess)).all() == []


def test_only_a_role_with_activation_activates(session, people):
    officer, _ = make(session, "officer.one", "passports_officer")
    for action in (staff.find_for_activation, ):
        with pytest.raises(staff.NotAllowedError):
            action(session, who(officer), hind_id(), now=NOW)
    with pytest.raises(staff.NotAllowedError):
        staff.activate_at_office(session, who(officer), hind_id(), now=NOW, sms=SMS)
    assert session.exec(select(RecordAccess)).all() == []
    admin, _ = make(session, "admin.one", "admin")
    assert staff.activate_at_office(session, who(admin), hind_id(), now=NOW,
                                    sms=SMS).status == "active"


# --- Request review ----------------------------------------------------------------------------

def test_officer_reviews_approves_and_rejects_with_a_reason(session, people):
    officer, _ = make(session, "officer.one", "passports_officer")
    first = submit(session, "mohammed", "passport_issue", people["c1"], PASSPORT_POST)
    # For his minor child: the child and the guardian are two records, both logged.
    second = submit(session, "mohammed", "passport_issue", people["c3"],
                    {**PASSPORT_POST, "years": "5"}, now=NOW + timedelta(seconds=1))
    pay(session, first)
    pay(session, second)
    queue = staff.awaiting_decision(session, who(officer))
    assert [r.reference for r in queue] == [first.reference, second.reference]
    opened = staff.open_request(session, who(officer), first.reference, now=LATER)
    assert opened.id == first.id
    assert [e.purpose for e in access_log.accesses_of(session, people["c1"].id)] == [
        "request_review"]  # applicant and beneficiary are one person: logged once
    staff.open_request(session, who(officer), second.reference, now=LATER)
    assert len(access_log.accesses_of(session, people["c1"].id)) == 2
    assert [e.purpose for e in access_log.accesses_of(session, people["c3"].id)] == [
        "request_review"]
    staff.decide_request(session, who(officer), first.reference, True, "", now=LATER, sms=SMS)
    with pytest.raises(ValidationError) as caught:
        staff.decide_request(session, who(officer), second.reference, False, " ", now=LATER,
                             sms=SMS)
    assert caught.value.code == "reason_required"
    rejected = staff.decide_request(session, who(officer), second.reference, False,
                                    "Photo unclear", now=LATER, sms=SMS)
    assert (rejected.status, rejected.decision_reason) == ("rejected", "Photo unclear")
    assert staff.awaiting_decision(session, who(officer)) == []
    assert [r.reference for r in staff.deliveries_under_way(session, who(officer))] == [
        first.reference]
    for expected in ("with_post", "out_for_delivery", "delivered"):
        assert staff.advance_delivery(session, who(officer), first.reference, now=LATER,
                                      sms=SMS) == expected
    assert staff.deliveries_under_way(session, who(officer)) == []
    assert kinds(session, officer).count("request_decided") == 2


def test_a_clerk_cannot_review_and_an_unknown_reference_is_refused(session, people):
    clerk, _ = make(session)
    officer, _ = make(session, "officer.one", "passports_officer")
    for call in (lambda: staff.awaiting_decision(session, who(clerk)),
                 lambda: staff.open_request(session, who(clerk), "7000000000", now=NOW),
                 lambda: staff.decide_request(session, who(clerk), "7000000000", True, "",
                                              now=NOW, sms=SMS),
                 lambda: staff.advance_delivery(session, who(clerk), "7000000000", now=NOW,
                                                sms=SMS)):
        with pytest.raises(staff.NotAllowedError):
            call()
    with pytest.raises(ValidationError):
        staff.open_request(session, who(officer), "7000000000", now=NOW)


@pytest.mark.both_databases
def test_refusals_are_logged(session, people):
    member, _ = make(session)
    staff.record_refusal(session, member.id, staff.REVIEW_REQUESTS, "StaffQueueState /x",
                         now=NOW)
    staff.record_refusal(session, None, "", "StaffQueueState /x", now=NOW, citizen_account_id=7)
    rows = session.exec(select(StaffEvent).where(StaffEvent.kind == "access_refused")).all()
    assert [r.staff_id for r in rows] == [member.id, None]
    assert "citizen account 7" in rows[1].detail


def test_unlock_lifts_a_lock(session, people):
    member, _ = make(session)
    member.status, member.locked_until = "locked", NOW + timedelta(minutes=5)
    session.add(member)
    session.commit()
    staff.unlock(session, "clerk.one", now=NOW)
    assert staff.authenticate(session, "clerk.one", PASSWORD, now=NOW).id == member.id
    with pytest.raises(ValidationError):
        staff.unlock(session, "nobody", now=NOW)
