"""Electronic delegation: every rule at its boundaries, the lifecycle, acting on behalf through
the wizard's submit and the bank's payment, the delegation wizard itself (confirmed by code),
the public check, and the vehicle ownership transfer."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from absher_app.domain import access_log, catalogue, codes, requests, vehicles, wizard
from absher_app.domain import delegation as d
from absher_app.domain.calendars import RIYADH
from absher_app.domain.demo import demo_id, demo_ids, load_demo
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.domain.rules_data import rule
from absher_app.domain.vehicles import TransferStatus
from absher_app.models import (
    Account,
    Delegation,
    Notification,
    OneTimeCode,
    Person,
    ServiceRequest,
    SmsMessage,
    Vehicle,
    Visa,
)
from absher_app.providers.sms import OutboxSmsSender

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)  # 12:00 in Riyadh
TODAY = NOW.astimezone(RIYADH).date()
SMS = OutboxSmsSender()
_refs = itertools.count(1)


@pytest.fixture
def people(session) -> dict[str, Person]:
    load_demo(session, TODAY)
    session.commit()
    return {key: session.exec(select(Person).where(Person.id_number == number)).one()
            for key, number in demo_ids().items()}


def account_of(session, person: Person) -> Account:
    return session.exec(select(Account).where(Account.person_id == person.id)).one()


def local(number: str) -> str:
    return "0" + number[4:]


def make(session, people, *, delegator="c1", delegate="c8", services=("exit_reentry_issue",),
         sector="passports", start=TODAY, end=None, mobile=None) -> Delegation:
    target = people[delegate]
    made = d.create(session, delegator=people[delegator], delegate_id_number=target.id_number,
                    delegate_mobile=mobile or local(target.mobile), sector=sector,
                    services=services, starts_on=start,
                    ends_on=end or start + timedelta(days=30), today=TODAY, now=NOW, sms=SMS)
    session.commit()
    return made


def refused(call, session, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(session, **kwargs)
    session.rollback()
    return caught.value


# --- rules at their boundaries ------------------------------------------------------------------

def test_a_citizen_delegates_to_an_adult_citizen_and_the_delegate_gets_the_reference(
        session, people):
    made = make(session, people)
    assert made.status == "pending" and d.REFERENCE.fullmatch(made.reference)
    sms = session.exec(select(SmsMessage).where(SmsMessage.to == people["c8"].mobile)).all()
    assert any(made.reference in m.body for m in sms)
    assert [e.kind for e in d.history(session, made)] == ["created"]


def test_one_cannot_delegate_to_oneself(session, people):
    error = refused(d.find_delegate, session, delegator=people["c1"],
                    id_number=people["c1"].id_number, mobile=local(people["c1"].mobile),
                    today=TODAY)
    assert (error.code, error.params["field"]) == ("delegate_self", "delegate_id")


def test_the_delegate_must_be_a_citizen(session, people):
    # Ahmed (r2) is a resident with an active account.
    error = refused(d.find_delegate, session, delegator=people["c1"],
                    id_number=people["r2"].id_number, mobile=local(people["r2"].mobile),
                    today=TODAY)
    assert error.code == "delegate_not_citizen"


def test_the_delegate_must_have_an_activated_account(session, people):
    # Hind (c9) registered but is not activated; Sara (c2) has no account at all.
    for key in ("c9", "c2"):
        error = refused(d.find_delegate, session, delegator=people["c1"],
                        id_number=people[key].id_number, mobile=local(people[key].mobile),
                        today=TODAY)
        assert error.code == "delegate_not_active"


def test_both_parties_need_activated_accounts(session, people):
    account = account_of(session, people["c1"])
    account.status = "registered"
    session.add(account)
    session.commit()
    assert refused(d.check_delegator, session, delegator=people["c1"]).code == \
        "delegator_not_active"


def _adult_boundary(session, people, birth: date) -> Person:
    person = Person(id_number=demo_id("1", 99990001), category="citizen", name_ar="قاصر",
                    name_en="Minor", birth_date=birth, gender="M", nationality="SA",
                    mobile="+966540000999")
    session.add(person)
    session.flush()
    session.add(Account(person_id=person.id, username="minor", email="m@example.org",
                        mobile=person.mobile, password_hash="x", status="active"))
    session.commit()
    return person


@pytest.mark.parametrize("birthday_offset, adult", [(0, True), (1, False)])
def test_the_delegate_must_be_an_adult_on_the_day(session, people, birthday_offset, adult):
    age = rule("delegation", "delegate_min_age")
    birth = date(TODAY.year - age, TODAY.month, TODAY.day) + timedelta(days=birthday_offset)
    minor = _adult_boundary(session, people, birth)
    def call():
        return d.find_delegate(session, people["c1"], minor.id_number, "0540000999", TODAY)
    if adult:
        assert call().id == minor.id
    else:
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.code == "delegate_minor"


def test_the_mobile_must_be_the_delegates_own(session, people):
    error = refused(d.find_delegate, session, delegator=people["c1"],
                    id_number=people["c8"].id_number, mobile="0551234567", today=TODAY)
    assert (error.code, error.params["field"]) == ("delegate_mobile_mismatch", "delegate_mobile")


def test_a_bad_id_number_is_refused_on_its_field(session, people):
    error = refused(d.find_delegate, session, delegator=people["c1"], id_number="1234567890",
                    mobile="0551234567", today=TODAY)
    assert error.params["field"] == "delegate_id"


@pytest.mark.parametrize("days, ok", [(rule("delegation", "max_days"), True),
                                      (rule("delegation", "max_days") + 1, False)])
def test_the_period_is_at_most_a_year_both_ends_included(days, ok):
    end = TODAY + timedelta(days=days - 1)
    if ok:
        d.check_period(TODAY, end, TODAY)
    else:
        with pytest.raises(ValidationError) as caught:
            d.check_period(TODAY, end, TODAY)
        assert caught.value.code == "delegation_too_long"


def test_the_period_cannot_start_in_the_past_nor_end_before_it_starts():
    with pytest.raises(ValidationError, match="past"):
        d.check_period(TODAY - timedelta(days=1), TODAY, TODAY)
    d.check_period(TODAY, TODAY, TODAY)  # one day is a period
    with pytest.raises(ValidationError) as caught:
        d.check_period(TODAY + timedelta(days=2), TODAY + timedelta(days=1), TODAY)
    assert caught.value.code == "delegation_end_before_start"


def test_the_first_day_is_at_most_so_many_days_ahead():
    ahead = rule("delegation", "start_within_days")
    d.check_period(TODAY + timedelta(days=ahead), TODAY + timedelta(days=ahead), TODAY)
    with pytest.raises(ValidationError) as caught:
        d.check_period(TODAY + timedelta(days=ahead + 1), TODAY + timedelta(days=ahead + 1),
                       TODAY)
    assert caught.value.code == "delegation_start_far"


def test_services_must_be_delegable_in_their_sector():
    assert d.parse_services("passports", "iqama_renew,exit_reentry_issue") == (
        "exit_reentry_issue", "iqama_renew")
    for sector, raw, code in (("passports", "", "services_required"),
                              ("passports", "passport_issue", "service_not_delegable"),
                              ("passports", "vehicle_transfer", "service_not_delegable"),
                              ("traffic", "iqama_renew", "service_not_delegable"),
                              ("passports", "delegation", "service_not_delegable")):
        with pytest.raises(ValidationError) as caught:
            d.parse_services(sector, raw)
        assert caught.value.code == code
    assert d.parse_services("traffic", "vehicle_transfer") == ("vehicle_transfer",)


def test_the_delegable_list_names_catalogue_services_of_their_sector():
    flagged = {s.code for s in catalogue.SERVICES if s.delegable}
    assert set(d.delegable_codes("passports")) | set(d.delegable_codes("traffic")) == flagged
    groups = {s.code: s.group for s in catalogue.SERVICES}
    assert all(groups[code] == "traffic" for code in d.delegable_codes("traffic"))
    assert all(groups[code] != "traffic" for code in d.delegable_codes("passports"))
    assert len(flagged) == len(d.delegable_codes("passports") + d.delegable_codes("traffic"))
    assert {"exit_reentry_issue", "final_exit_issue", "iqama_renew", "iqama_loss_report",
            "passport_loss_report"} <= flagged
    assert "delegation" not in flagged and "passport_issue" not in flagged


@pytest.mark.both_databases
def test_a_duplicate_open_delegation_for_the_same_services_and_delegate_is_refused(
        session, people):
    first = make(session, people, services=("exit_reentry_issue", "iqama_renew"))
    error = refused(d.create, session, delegator=people["c1"],
                    delegate_id_number=people["c8"].id_number,
                    delegate_mobile=local(people["c8"].mobile), sector="passports",
                    services=("iqama_renew",), starts_on=TODAY, ends_on=TODAY, today=TODAY,
                    now=NOW, sms=SMS)
    assert (error.code, error.params["reference"]) == ("delegation_duplicate", first.reference)
    # Other services to the same person are fine; so are the same ones once it has ended.
    make(session, people, services=("final_exit_issue",))
    d.withdraw(session, delegator=people["c1"], reference=first.reference, today=TODAY, now=NOW,
               sms=SMS)
    session.commit()
    make(session, people, services=("iqama_renew",))


def test_a_request_past_its_last_day_is_no_duplicate_even_before_the_job_ran(session, people):
    make(session, people, services=("iqama_renew",), end=TODAY)
    later = TODAY + timedelta(days=1)
    d.check_not_duplicate(session, people["c1"], people["c8"], ("iqama_renew",), later)
    with pytest.raises(ValidationError):
        d.check_not_duplicate(session, people["c1"], people["c8"], ("iqama_renew",), TODAY)


# --- lifecycle ----------------------------------------------------------------------------------

def test_accept_only_by_that_delegate_once_with_the_right_reference(session, people):
    made = make(session, people)
    wrong_ref = "1" + made.reference[1:] if made.reference[0] != "1" else "2" + made.reference[1:]
    assert refused(d.accept, session, delegate=people["c8"], reference=wrong_ref, today=TODAY,
                   now=NOW, sms=SMS).code == "delegation_reference_wrong"
    # Someone else with the right number gets the same answer as a wrong number.
    assert refused(d.accept, session, delegate=people["c4"], reference=made.reference,
                   today=TODAY, now=NOW, sms=SMS).code == "delegation_reference_wrong"
    assert refused(d.accept, session, delegate=people["c8"], reference="not a number",
                   today=TODAY, now=NOW, sms=SMS).code == "delegation_reference_wrong"
    d.accept(session, delegate=people["c8"], reference=made.reference, today=TODAY, now=NOW,
             sms=SMS)
    session.commit()
    assert made.status == "active"
    assert refused(d.accept, session, delegate=people["c8"], reference=made.reference,
                   today=TODAY, now=NOW, sms=SMS).code == "delegation_already_answered"


def test_accept_works_on_the_last_day_and_not_after_it(session, people):
    made = make(session, people, end=TODAY + timedelta(days=1))
    later = TODAY + timedelta(days=2)
    assert refused(d.accept, session, delegate=people["c8"], reference=made.reference,
                   today=later, now=NOW, sms=SMS).code == "delegation_expired"
    d.accept(session, delegate=people["c8"], reference=made.reference,
             today=TODAY + timedelta(days=1), now=NOW, sms=SMS)
    assert made.status == "active"


def test_a_withdrawn_request_cannot_be_accepted(session, people):
    made = make(session, people)
    d.withdraw(session, delegator=people["c1"], reference=made.reference, today=TODAY, now=NOW,
               sms=SMS)
    session.commit()
    assert refused(d.accept, session, delegate=people["c8"], reference=made.reference,
                   today=TODAY, now=NOW, sms=SMS).code == "delegation_withdrawn"


def test_only_the_delegator_withdraws_a_pending_one_and_revokes_an_active_one(session, people):
    made = make(session, people)
    assert refused(d.revoke, session, delegator=people["c1"], reference=made.reference,
                   today=TODAY, now=NOW, sms=SMS).code == "delegation_not_active"
    assert refused(d.withdraw, session, delegator=people["c8"], reference=made.reference,
                   today=TODAY, now=NOW, sms=SMS).code == "delegation_not_found"
    d.accept(session, delegate=people["c8"], reference=made.reference, today=TODAY, now=NOW,
             sms=SMS)
    session.commit()
    assert refused(d.withdraw, session, delegator=people["c1"], reference=made.reference,
                   today=TODAY, now=NOW, sms=SMS).code == "delegation_not_pending"
    before = len(session.exec(select(SmsMessage)).all())
    d.revoke(session, delegator=people["c1"], reference=made.reference, today=TODAY, now=NOW,
             sms=SMS)
    session.commit()
    texts = session.exec(select(SmsMessage).order_by(SmsMessage.id)).all()[before:]
    assert {m.to for m in texts} == {people["c1"].mobile, people["c8"].mobile}
    assert [e.kind for e in d.history(session, made)] == ["created", "accepted", "revoked"]


@pytest.mark.both_databases
def test_expiry_is_an_idempotent_job_and_history_stays(session, people):
    made = make(session, people, end=TODAY + timedelta(days=3))
    d.accept(session, delegate=people["c8"], reference=made.reference, today=TODAY, now=NOW,
             sms=SMS)
    assert d.expire_due(session, TODAY + timedelta(days=3), NOW, SMS) == 0  # last day: valid
    assert d.expire_due(session, TODAY + timedelta(days=4), NOW, SMS) == 1
    assert d.expire_due(session, TODAY + timedelta(days=4), NOW, SMS) == 0
    session.commit()
    assert made.status == "expired"
    assert session.exec(select(Delegation)).all() == [made]
    assert [e.kind for e in d.history(session, made)] == ["created", "accepted", "expired"]


@pytest.mark.both_databases
def test_lists_for_both_parties_keep_every_status(session, people):
    a = make(session, people, services=("iqama_renew",))
    b = make(session, people, services=("final_exit_issue",))
    d.reject(session, delegate=people["c8"], reference=b.reference, today=TODAY, now=NOW,
             sms=SMS)
    session.commit()
    assert {x.status for x in d.given_by(session, people["c1"])} == {"pending", "rejected"}
    assert {x.reference for x in d.given_to(session, people["c8"])} == {a.reference, b.reference}
    # Open: pending or active, the last day not passed (the rejected one is not).
    assert d.open_count(d.given_to(session, people["c8"]), TODAY) == 1
    assert d.open_count(d.given_by(session, people["c8"]), TODAY) == 0
    assert d.open_count(d.given_by(session, people["c1"]), TODAY) == 1
    assert d.open_count(d.given_to(session, people["c1"]), TODAY) == 0
    last_day = a.ends_on
    assert d.open_count(d.given_to(session, people["c8"]), last_day) == 1
    assert d.open_count(d.given_to(session, people["c8"]), last_day + timedelta(days=1)) == 0


# --- acting on behalf -----------------------------------------------------------------------------

def active(session, people, **kwargs) -> Delegation:
    made = make(session, people, **kwargs)
    d.accept(session, delegate=people["c8"], reference=made.reference, today=TODAY, now=NOW,
             sms=SMS)
    session.commit()
    return made


def test_authorize_checks_person_status_dates_and_scope(session, people):
    made = active(session, people, start=TODAY + timedelta(days=1),
                  end=TODAY + timedelta(days=5))
    ok = dict(delegate=people["c8"], reference=made.reference, service_code="exit_reentry_issue")
    assert refused(d.authorize, session, **ok, today=TODAY).code == "delegation_not_started"
    assert d.authorize(session, **ok, today=TODAY + timedelta(days=1)) == made
    assert d.authorize(session, **ok, today=TODAY + timedelta(days=5)) == made
    assert refused(d.authorize, session, **ok,
                   today=TODAY + timedelta(days=6)).code == "delegation_expired"
    assert refused(d.authorize, session, delegate=people["c8"], reference=made.reference,
                   service_code="iqama_renew", today=TODAY + timedelta(days=1)
                   ).code == "delegation_service_out_of_scope"
    assert refused(d.authorize, session, delegate=people["c4"], reference=made.reference,
                   service_code="exit_reentry_issue", today=TODAY + timedelta(days=1)
                   ).code == "delegation_reference_wrong"
    d.revoke(session, delegator=people["c1"], reference=made.reference, today=TODAY, now=NOW,
             sms=SMS)
    assert refused(d.authorize, session, **ok,
                   today=TODAY + timedelta(days=1)).code == "delegation_is_revoked"


def _on_behalf_draft(session, people, made: Delegation, code="exit_reentry_issue",
                     answers=None):
    delegate_account = account_of(session, people["c8"])
    saved = wizard.save_draft(session, delegate_account.id, wizard.draft_key(code, made.reference),
                              now=NOW, beneficiary_id=people["r1"].id,
                              answers=answers or {"visa_kind": "single", "days": "30"},
                              step="review")
    session.commit()
    ctx = wizard.Context(session=session, today=TODAY, now=NOW, applicant=people["c1"],
                         beneficiary=people["r1"])
    return delegate_account, saved, ctx


def test_the_delegate_issues_a_visa_for_the_delegators_worker_and_it_is_in_the_feed(
        session, people):
    made = active(session, people)
    acc, saved, ctx = _on_behalf_draft(session, people, made)
    request = requests.submit(session, acc, catalogue.BY_CODE["exit_reentry_issue"], ctx,
                              draft_token=saved.token, sms=SMS, on_behalf=made.reference)
    session.commit()
    # The delegator's household owns and pays: it is in Mohammed's transactions.
    assert (request.applicant_id, request.account_id) == (people["c1"].id, acc.id)
    bill = requests.bill_of(session, request.id)
    requests.pay_bill(session, bill.number, bill.amount_sar, bank="t", bank_reference="T1",
                      now=NOW, sms=SMS)
    session.commit()
    assert session.exec(select(Visa).where(Visa.person_id == people["r1"].id)).first()
    feed = [(e.kind, e.reference, e.beneficiary_id) for e in d.history(session, made)
            if e.kind.startswith("act_")]
    assert feed == [("act_submitted", request.reference, people["r1"].id),
                    ("act_paid", request.reference, people["r1"].id)]
    # Mohammed's "who accessed my record" names the delegate and why.
    seen = access_log.accesses_of(session, people["c1"].id)
    delegate = session.get(Person, acc.person_id)
    assert [(e.actor_kind, e.purpose) for e in seen] == [("delegate", "delegated_service")]
    assert delegate.name_en in seen[0].actor_label


def test_submit_refuses_outside_scope_and_after_revocation(session, people):
    made = active(session, people)
    acc, saved, ctx = _on_behalf_draft(session, people, made, code="iqama_renew",
                                       answers={"months": "12"})
    assert refused(requests.submit, session, account=acc,
                   service=catalogue.BY_CODE["iqama_renew"], ctx=ctx, draft_token=saved.token,
                   sms=SMS, on_behalf=made.reference).code == "delegation_service_out_of_scope"
    acc, saved, ctx = _on_behalf_draft(session, people, made)
    d.revoke(session, delegator=people["c1"], reference=made.reference, today=TODAY, now=NOW,
             sms=SMS)
    session.commit()
    assert refused(requests.submit, session, account=acc,
                   service=catalogue.BY_CODE["exit_reentry_issue"], ctx=ctx,
                   draft_token=saved.token, sms=SMS,
                   on_behalf=made.reference).code == "delegation_is_revoked"
    assert session.exec(select(ServiceRequest)).all() == []


def test_a_draft_made_for_oneself_cannot_be_submitted_for_someone_else(session, people):
    acc = account_of(session, people["c8"])
    saved = wizard.save_draft(session, acc.id, "exit_reentry_issue", now=NOW,
                              beneficiary_id=people["r1"].id,
                              answers={"visa_kind": "single", "days": "30"}, step="review")
    session.commit()
    ctx = wizard.Context(session=session, today=TODAY, now=NOW, applicant=people["c1"],
                         beneficiary=people["r1"])
    assert refused(requests.submit, session, account=acc,
                   service=catalogue.BY_CODE["exit_reentry_issue"], ctx=ctx,
                   draft_token=saved.token, sms=SMS).code == "draft_missing"


def test_payment_is_refused_once_the_delegation_was_revoked(session, people):
    made = active(session, people)
    acc, saved, ctx = _on_behalf_draft(session, people, made)
    request = requests.submit(session, acc, catalogue.BY_CODE["exit_reentry_issue"], ctx,
                              draft_token=saved.token, sms=SMS, on_behalf=made.reference)
    d.suspend(session, delegator=people["c1"], reference=made.reference, today=TODAY, now=NOW,
              sms=SMS)
    session.commit()
    bill = requests.bill_of(session, request.id)
    error = refused(requests.pay_bill, session, number=bill.number, amount_sar=bill.amount_sar,
                    bank="t", bank_reference="T2", now=NOW, sms=SMS)
    assert error.code == "delegation_is_suspended"
    assert session.exec(select(Visa).where(Visa.person_id == people["r1"].id)).first() is None


# --- the delegation wizard -----------------------------------------------------------------------

def test_the_multi_field_reads_ticked_boxes_and_keeps_catalogue_order():
    service = catalogue.BY_CODE["delegation"]
    field = wizard.step_named(service, "passports_services").fields[0]
    raw = {"services__iqama_renew": "yes", "services__exit_reentry_issue": "yes",
           "services__passport_issue": "yes", "services__final_exit_issue": "no"}
    typed = wizard.typed_value(field, raw)
    assert typed == "exit_reentry_issue,iqama_renew"  # unknown boxes never reach the parser
    assert field.parse(typed, None) == "exit_reentry_issue,iqama_renew"
    with pytest.raises(ValidationError) as caught:
        field.parse("", None)
    assert caught.value.code == "choose_at_least_one"


def test_the_delegation_wizard_is_confirmed_by_code_and_creates_a_pending_delegation(
        session, people):
    service = catalogue.BY_CODE["delegation"]
    assert service.confirm_by_code and not service.delegable
    acc = account_of(session, people["c1"])
    answers = {"sector": "passports", "services": "exit_reentry_issue,iqama_renew",
               "delegate_id": people["c8"].id_number, "delegate_mobile": local(people["c8"].mobile),
               "starts_on": TODAY.isoformat(),
               "ends_on": (TODAY + timedelta(days=364)).isoformat(), "terms": "yes"}
    saved = wizard.save_draft(session, acc.id, "delegation", now=NOW,
                              beneficiary_id=people["c1"].id, answers=answers, step="review")
    session.commit()
    ctx = wizard.Context(session=session, today=TODAY, now=NOW, applicant=people["c1"],
                         beneficiary=people["c1"])
    ctx.answers = {"sector": "passports"}
    assert [s.name for s in wizard.active_steps(service, ctx)] == [
        "sector", "passports_services", "delegate", "period", "terms"]
    ctx.answers = {}
    request = requests.submit(session, acc, service, ctx, draft_token=saved.token, sms=SMS)
    session.commit()
    made = session.exec(select(Delegation)).one()
    assert made.reference == request.reference and made.request_id == request.id
    assert (made.status, made.services) == ("pending", "exit_reentry_issue,iqama_renew")
    assert request.fee_sar == 0 and request.status == "approved"


def test_the_wizard_step_refuses_a_too_long_period_on_its_field(session, people):
    service = catalogue.BY_CODE["delegation"]
    ctx = wizard.Context(session=session, today=TODAY, now=NOW, applicant=people["c1"],
                         beneficiary=people["c1"])
    step = wizard.step_named(service, "period")
    _, problems = wizard.parse_step(step, {
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=365)).isoformat()}, ctx)
    assert [(p.code, p.params["field"]) for p in problems] == [("delegation_too_long", "ends_on")]


def test_the_confirmation_code_is_a_one_time_code_with_its_throttles(session, people):
    sent = codes.issue_code(session, person_id=people["c1"].id, mobile=people["c1"].mobile,
                            purpose="confirm", now=NOW, sms=SMS)
    assert sent.masked_mobile.endswith(people["c1"].mobile[-4:])
    with pytest.raises(codes.ThrottledError):
        codes.issue_code(session, person_id=people["c1"].id, mobile=people["c1"].mobile,
                         purpose="confirm", now=NOW + timedelta(seconds=10), sms=SMS)
    assert session.exec(select(OneTimeCode).where(OneTimeCode.purpose == "confirm")).one()


# --- public check --------------------------------------------------------------------------------

def test_verify_shows_validity_scope_dates_and_only_masked_names(session, people):
    made = active(session, people)
    check = d.verify(session, made.reference, TODAY)
    assert check.valid_now and check.status == "active"
    assert check.services == ("exit_reentry_issue",)
    assert people["c1"].name_en not in check.delegator_en
    assert check.delegator_en.startswith("M") and "*" in check.delegator_en
    d.revoke(session, delegator=people["c1"], reference=made.reference, today=TODAY, now=NOW,
             sms=SMS)
    assert not d.verify(session, made.reference, TODAY).valid_now
    with pytest.raises(ValidationError):
        d.verify(session, "0000000000", TODAY)


def test_verify_is_rate_limited_per_client_like_the_public_inquiries(session, people):
    from absher_app.providers.rate_limit import LimitsRateLimiter

    made = make(session, people)
    limiter = LimitsRateLimiter()
    for _ in range(2):
        assert d.verify_public(session, made.reference, today=TODAY, client="10.0.0.1",
                               limiter=limiter, limit="2/minute").status == "pending"
    with pytest.raises(DomainError) as caught:
        d.verify_public(session, made.reference, today=TODAY, client="10.0.0.1",
                        limiter=limiter, limit="2/minute")
    assert caught.value.code == "inquiry_rate_limited"
    assert d.verify_public(session, made.reference, today=TODAY, client="10.0.0.2",
                           limiter=limiter, limit="2/minute")


@pytest.mark.both_databases
def test_verify_says_expired_even_before_the_job_ran(session, people):
    made = active(session, people, end=TODAY)
    later = d.verify(session, made.reference, TODAY + timedelta(days=1))
    assert (later.valid_now, later.status) == (False, "expired")


# --- vehicle ownership transfer ----------------------------------------------------------------

def test_vehicle_transfer_needs_the_buyers_confirmation(session, people):
    service = catalogue.BY_CODE["vehicle_transfer"]
    acc = account_of(session, people["c1"])
    ctx = wizard.Context(session=session, today=TODAY, now=NOW, applicant=people["c1"],
                         beneficiary=people["c1"])
    with pytest.raises(ValidationError) as caught:
        vehicles.parse_plate("RUH7710", ctx)  # Khalid's car
    assert caught.value.code == "plate_not_owned"
    with pytest.raises(ValidationError) as caught:
        vehicles.parse_buyer(people["c1"].id_number, ctx)
    assert caught.value.code == "buyer_self"
    saved = wizard.save_draft(session, acc.id, "vehicle_transfer", now=NOW,
                              beneficiary_id=people["c1"].id, step="review",
                              answers={"plate": "abd 1234", "buyer_id": people["c8"].id_number,
                                       "price": "45000", "seller_confirms": "yes"})
    session.commit()
    requests.submit(session, acc, service, ctx, draft_token=saved.token, sms=SMS)
    session.commit()
    car = session.exec(select(Vehicle).where(Vehicle.plate == "ABD1234")).one()
    assert car.owner_id == people["c1"].id
    [transfer] = vehicles.awaiting(session, people["c8"])
    with pytest.raises(ValidationError):
        vehicles.answer(session, buyer=people["c4"], plate="ABD1234", accept=True,
                        now=NOW, sms=SMS)
    with pytest.raises(ValidationError):  # no transfer of another vehicle awaits c8
        vehicles.answer(session, buyer=people["c8"], plate="RUH7710", accept=True, now=NOW,
                        sms=SMS)
    vehicles.answer(session, buyer=people["c8"], plate="abd 1234", accept=True, now=NOW,
                    sms=SMS)
    session.commit()
    assert car.owner_id == people["c8"].id and transfer.status == TransferStatus.COMPLETED
    assert session.exec(select(Notification).where(
        Notification.kind == "vehicle_transfer_completed")).one()
