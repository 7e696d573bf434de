"""Requests end to end in the domain: idempotent submission, SADAD bills paid once, expiry of
unpaid bills, review decisions, post delivery, each service's effect on the records, and the
notifications and SMS that go with them."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import func, select

from absher_app.domain import catalogue, requests, traffic, wizard
from absher_app.domain.calendars import RIYADH
from absher_app.domain.demo import demo_ids, load_demo
from absher_app.domain.errors import ValidationError
from absher_app.domain.rules_data import add_months, add_years
from absher_app.models import (
    Account,
    Bill,
    Notification,
    Payment,
    Person,
    RequestEvent,
    ServiceRequest,
    SmsMessage,
    Visa,
    WizardDraft,
)
from absher_app.providers.sms import OutboxSmsSender

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)  # 12:00 in Riyadh
TODAY = NOW.astimezone(RIYADH).date()          # 2026-05-10
LATER = NOW + timedelta(hours=1)
SMS = OutboxSmsSender()
PASSPORT_POST = {"years": "10", "delivery": "post", "short_address": "RRRD2929"}
_bank_refs = itertools.count(1)


@pytest.fixture
def people(session) -> dict[str, Person]:
    """The demo registry and accounts loaded on TODAY, by demo key (c1, r1, ...)."""
    load_demo(session, TODAY)
    session.commit()
    return {key: session.exec(select(Person).where(Person.id_number == number)).one()
            for key, number in demo_ids().items()}


def account(session, username: str) -> Account:
    return session.exec(select(Account).where(Account.username == username)).one()


def ctx_at(session, acc: Account, beneficiary: Person, now: datetime = NOW) -> wizard.Context:
    return wizard.Context(session=session, today=now.astimezone(RIYADH).date(), now=now,
                          applicant=session.get(Person, acc.person_id), beneficiary=beneficiary)


def draft(session, username: str, code: str, beneficiary: Person, answers: dict[str, str],
          now: datetime = NOW) -> tuple[Account, WizardDraft]:
    acc = account(session, username)
    saved = wizard.save_draft(session, acc.id, code, now=now, beneficiary_id=beneficiary.id,
                              answers=answers, step="review")
    session.commit()
    return acc, saved


def submit(session, username: str, code: str, beneficiary: Person,
           answers: dict[str, str] | None = None, now: datetime = NOW) -> ServiceRequest:
    acc, saved = draft(session, username, code, beneficiary, answers or {}, now)
    request = requests.submit(session, acc, catalogue.BY_CODE[code],
                              ctx_at(session, acc, beneficiary, now), draft_token=saved.token,
                              sms=SMS)
    session.commit()
    return request


def pay(session, request: ServiceRequest, now: datetime = LATER,
        amount: int | None = None) -> tuple[Bill, bool]:
    bill = requests.bill_of(session, request.id)
    result = requests.pay_bill(session, bill.number,
                               bill.amount_sar if amount is None else amount,
                               bank="test-bank", bank_reference=f"TB{next(_bank_refs)}",
                               now=now, sms=SMS)
    session.commit()
    session.refresh(request)
    return result


def refused(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    session = args[0]
    session.rollback()
    return caught.value


def events(session, request: ServiceRequest) -> list[str]:
    return [event.kind for event in requests.timeline(session, request.id)]


def count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def kinds_notified(session, person: Person) -> list[str]:
    return [n.kind for n in session.exec(select(Notification).where(
        Notification.person_id == person.id).order_by(Notification.id)).all()]


def naive(moment: datetime) -> datetime:
    """As the database gives it back (UTC, with or without tzinfo by backend)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def outcome(request: ServiceRequest) -> dict:
    return json.loads(request.outcome_json)


# --- submission ----------------------------------------------------------------------------------

def test_submit_makes_the_request_its_bill_and_its_first_events(session, people):
    c1 = people["c1"]
    request = submit(session, "mohammed", "passport_issue", c1, PASSPORT_POST)
    assert request.status == "awaiting_payment" and request.fee_sar == 630
    assert len(request.reference) == 10 and request.reference.isdigit()
    assert (request.applicant_id, request.beneficiary_id) == (c1.id, c1.id)
    assert json.loads(request.answers_json) == PASSPORT_POST
    bill = requests.bill_of(session, request.id)
    assert bill.amount_sar == 630 and bill.status == "unpaid"
    assert len(bill.number) == 13 and bill.number.isdigit()
    assert naive(bill.due_at) == naive(NOW + timedelta(days=3))
    assert [(line["key"], line["amount"]) for line in json.loads(bill.breakdown_json)] == [
        ("passport", 600), ("delivery", 30)]
    assert events(session, request) == ["submitted", "bill_issued"]
    assert wizard.load_draft(session, account(session, "mohammed").id, "passport_issue") is None
    assert kinds_notified(session, c1) == ["bill_issued"]
    [sms] = session.exec(select(SmsMessage).where(SmsMessage.purpose == "bill_issued")).all()
    assert sms.to == account(session, "mohammed").mobile
    assert bill.number in sms.body and "630" in sms.body and request.reference in sms.body


@pytest.mark.parametrize(("code", "key", "answers", "amount"), [
    ("exit_reentry_issue", "r1", {"visa_kind": "single", "days": "61"}, 200),
    ("exit_reentry_issue", "r1", {"visa_kind": "single", "days": "62"}, 300),
    ("iqama_renew", "r1", {"months": "9"}, 488),
    ("iqama_loss_report", "r10", {"lost_on": TODAY.isoformat(), "circumstances": "taxi"}, 1000),
    ("passport_update", "r1", {"passport_number": "N1234567", "passport_expiry": "2031-01-01"},
     69),
])
def test_the_bill_amount_is_the_fee_total(session, people, code, key, answers, amount):
    request = submit(session, "mohammed", code, people[key], answers)
    assert request.fee_sar == amount
    assert requests.bill_of(session, request.id).amount_sar == amount


@pytest.mark.both_databases
def test_a_second_submit_of_the_same_draft_returns_the_same_request(session, people):
    acc, saved = draft(session, "mohammed", "passport_issue", people["c1"], PASSPORT_POST)
    service = catalogue.BY_CODE["passport_issue"]
    first = requests.submit(session, acc, service, ctx_at(session, acc, people["c1"]),
                            draft_token=saved.token, sms=SMS)
    session.commit()
    again = requests.submit(session, acc, service, ctx_at(session, acc, people["c1"], LATER),
                            draft_token=saved.token, sms=SMS)
    session.commit()
    assert again.id == first.id
    assert count(session, ServiceRequest) == 1 and count(session, Bill) == 1
    assert count(session, WizardDraft) == 0
    assert count(session, Notification) == 1   # one bill_issued, not two
    assert requests.by_idempotency_key(session, saved.token).id == first.id


def test_another_account_cannot_submit_or_see_through_a_draft_token(session, people):
    acc, saved = draft(session, "mohammed", "exit_reentry_issue", people["r1"],
                       {"visa_kind": "single", "days": "30"})
    service = catalogue.BY_CODE["exit_reentry_issue"]
    ahmed = account(session, "ahmed")
    assert refused(requests.submit, session, ahmed, service,
                   ctx_at(session, ahmed, people["r3"]), draft_token=saved.token,
                   sms=SMS).code == "draft_missing"
    first = requests.submit(session, acc, service, ctx_at(session, acc, people["r1"]),
                            draft_token=saved.token, sms=SMS)
    session.commit()
    # Once submitted, the token must not hand mohammed's request to someone else.
    assert refused(requests.submit, session, ahmed, service,
                   ctx_at(session, ahmed, people["r3"]), draft_token=saved.token,
                   sms=SMS).code == "draft_missing"
    assert count(session, ServiceRequest) == 1 and first.account_id == acc.id


def test_a_draft_is_submitted_only_as_its_own_service(session, people):
    acc, saved = draft(session, "mohammed", "exit_reentry_issue", people["r1"],
                       {"visa_kind": "single", "days": "30"})
    assert refused(requests.submit, session, acc, catalogue.BY_CODE["final_exit_issue"],
                   ctx_at(session, acc, people["r1"]), draft_token=saved.token,
                   sms=SMS).code == "draft_missing"
    assert refused(requests.submit, session, acc, catalogue.BY_CODE["exit_reentry_issue"],
                   ctx_at(session, acc, people["r1"]), draft_token="no-such-token",
                   sms=SMS).code == "draft_missing"


def test_a_beneficiary_outside_the_household_is_refused(session, people):
    # Mohammed (c1) for Ahmed's worker Maria (r3), an unrelated citizen (c2), a visitor (v1).
    for key in ("r3", "c2", "v1"):
        acc, saved = draft(session, "mohammed", "exit_reentry_issue", people[key],
                           {"visa_kind": "single", "days": "30"})
        error = refused(requests.submit, session, acc, catalogue.BY_CODE["exit_reentry_issue"],
                        ctx_at(session, acc, people[key]), draft_token=saved.token, sms=SMS)
        assert error.code == "beneficiary_not_allowed", key
    assert count(session, ServiceRequest) == 0


def test_a_blocked_request_is_refused_with_every_blocker_and_nothing_is_written(session, people):
    acc, saved = draft(session, "khalid", "exit_reentry_issue", people["r6"],
                       {"visa_kind": "single", "days": "30"})
    with pytest.raises(requests.BlockedError) as caught:
        requests.submit(session, acc, catalogue.BY_CODE["exit_reentry_issue"],
                        ctx_at(session, acc, people["r6"]), draft_token=saved.token, sms=SMS)
    session.rollback()
    assert [b.code for b in caught.value.blockers] == ["traffic_fines", "iqama_expired"]
    assert count(session, ServiceRequest) == 0 and count(session, WizardDraft) == 1


def test_answers_that_are_no_longer_valid_are_refused(session, people):
    acc, saved = draft(session, "mohammed", "iqama_loss_report", people["r1"],
                       {"lost_on": (TODAY - timedelta(days=2)).isoformat(),
                        "circumstances": "taxi"})
    with pytest.raises(requests.AnswersError) as caught:
        requests.submit(session, acc, catalogue.BY_CODE["iqama_loss_report"],
                        ctx_at(session, acc, people["r1"]), draft_token=saved.token, sms=SMS)
    session.rollback()
    assert [p.code for p in caught.value.problems] == ["loss_report_late"]
    assert count(session, ServiceRequest) == 0


def test_an_open_request_blocks_a_second_one(session, people):
    submit(session, "mohammed", "exit_reentry_issue", people["r1"],
           {"visa_kind": "single", "days": "30"})
    acc, saved = draft(session, "mohammed", "exit_reentry_issue", people["r1"],
                       {"visa_kind": "multiple", "days": "30"})
    with pytest.raises(requests.BlockedError) as caught:
        requests.submit(session, acc, catalogue.BY_CODE["exit_reentry_issue"],
                        ctx_at(session, acc, people["r1"]), draft_token=saved.token, sms=SMS)
    session.rollback()
    assert [b.code for b in caught.value.blockers] == ["open_request"]


# --- paying --------------------------------------------------------------------------------------

def test_paying_a_bill_once_charges_and_the_request_goes_ahead(session, people):
    request = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                     {"visa_kind": "single", "days": "61"})
    bill, charged = pay(session, request)
    assert charged and bill.status == "paid" and naive(bill.paid_at) == naive(LATER)
    [payment] = session.exec(select(Payment)).all()
    assert (payment.bill_id, payment.amount_sar, payment.bank) == (bill.id, 200, "test-bank")
    assert request.status == "approved"
    assert events(session, request) == ["submitted", "bill_issued", "paid", "approved"]


@pytest.mark.both_databases
def test_paying_twice_never_charges_twice(session, people):
    request = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                     {"visa_kind": "single", "days": "61"})
    pay(session, request)
    bill, charged = pay(session, request, now=LATER + timedelta(minutes=1))
    assert not charged and bill.status == "paid" and naive(bill.paid_at) == naive(LATER)
    assert count(session, Payment) == 1
    assert events(session, request).count("paid") == 1
    assert count(session, Visa) == 1   # the effect ran once
    # Even after its due time, a paid bill stays paid.
    bill, charged = pay(session, request, now=NOW + timedelta(days=30))
    assert not charged and bill.status == "paid" and count(session, Payment) == 1


def test_a_wrong_amount_is_refused_and_nothing_is_charged(session, people):
    request = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                     {"visa_kind": "single", "days": "61"})
    bill = requests.bill_of(session, request.id)
    for amount in (199, 201, 0, 2000):
        error = refused(requests.pay_bill, session, bill.number, amount, bank="b",
                        bank_reference=f"X{amount}", now=LATER, sms=SMS)
        assert (error.code, error.params) == ("bill_amount", {"amount": 200})
    assert count(session, Payment) == 0
    session.refresh(request)
    assert request.status == "awaiting_payment"


def test_an_unknown_bill_is_refused(session, people):
    for number in ("9000000000000", "", "abc", "90000000000001", " 12 "):
        assert refused(requests.pay_bill, session, number, 100, bank="b", bank_reference="r",
                       now=LATER, sms=SMS).code == "bill_unknown"


@pytest.mark.both_databases
def test_bill_numbers_are_found_with_spaces_around(session, people):
    request = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                     {"visa_kind": "single", "days": "61"})
    bill = requests.bill_of(session, request.id)
    assert requests.find_bill(session, f"  {bill.number} ").id == bill.id
    assert requests.find_request(session, f" {request.reference}\n").id == request.id
    assert requests.find_request(session, "123") is None


# --- expiry of unpaid bills ----------------------------------------------------------------------

@pytest.mark.both_databases
def test_an_unpaid_bill_expires_at_its_due_time_and_its_request_with_it(session, people):
    c1 = people["c1"]
    request = submit(session, "mohammed", "passport_issue", c1, PASSPORT_POST)
    due = NOW + timedelta(days=3)
    assert requests.expire_unpaid(session, due - timedelta(seconds=1), sms=SMS) == 0
    session.commit()
    assert requests.expire_unpaid(session, due, sms=SMS) == 1
    session.commit()
    session.refresh(request)
    assert request.status == "expired"
    assert requests.bill_of(session, request.id).status == "expired"
    assert events(session, request)[-1] == "expired"
    assert kinds_notified(session, c1) == ["bill_issued", "expired"]


@pytest.mark.both_databases
def test_expiring_twice_changes_nothing_the_second_time(session, people):
    submit(session, "mohammed", "passport_issue", people["c1"], PASSPORT_POST)
    submit(session, "mohammed", "exit_reentry_issue", people["r1"],
           {"visa_kind": "single", "days": "61"})
    later = NOW + timedelta(days=4)
    assert requests.expire_unpaid(session, later, sms=SMS) == 2
    session.commit()
    before = (count(session, RequestEvent), count(session, Notification),
              count(session, SmsMessage))
    assert requests.expire_unpaid(session, later, sms=SMS) == 0
    assert requests.expire_unpaid(session, later + timedelta(days=1)) == 0
    session.commit()
    assert (count(session, RequestEvent), count(session, Notification),
            count(session, SmsMessage)) == before
    assert count(session, ServiceRequest, ServiceRequest.status == "expired") == 2


@pytest.mark.both_databases
def test_an_expired_bill_cannot_be_paid_even_before_the_job_ran(session, people):
    request = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                     {"visa_kind": "single", "days": "61"})
    bill = requests.bill_of(session, request.id)
    assert refused(requests.pay_bill, session, bill.number, 200, bank="b", bank_reference="r",
                   now=NOW + timedelta(days=3), sms=SMS).code == "bill_expired"
    requests.expire_unpaid(session, NOW + timedelta(days=3), sms=SMS)
    session.commit()
    assert refused(requests.pay_bill, session, bill.number, 200, bank="b", bank_reference="r",
                   now=NOW + timedelta(days=3), sms=SMS).code == "bill_expired"
    assert count(session, Payment) == 0
    assert count(session, Visa) == 0


@pytest.mark.both_databases
def test_a_bill_paid_a_second_before_its_due_time_is_paid(session, people):
    request = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                     {"visa_kind": "single", "days": "30"})
    _, charged = pay(session, request, now=NOW + timedelta(days=3, seconds=-1))
    assert charged and request.status == "approved"


@pytest.mark.both_databases
def test_a_paid_request_is_not_expired_by_the_job(session, people):
    request = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                     {"visa_kind": "single", "days": "61"})
    pay(session, request)
    assert requests.expire_unpaid(session, NOW + timedelta(days=10), sms=SMS) == 0
    session.refresh(request)
    assert request.status == "approved"


# --- free services -------------------------------------------------------------------------------

def test_a_free_service_is_approved_at_submission_without_a_bill(session, people):
    r1 = people["r1"]
    old = Visa(number="5000000001", person_id=r1.id, kind="exit_reentry_single",
               issued_on=TODAY - timedelta(days=10), valid_until=TODAY + timedelta(days=20))
    session.add(old)
    session.commit()
    request = submit(session, "mohammed", "final_exit_issue", r1)
    assert request.status == "approved" and request.fee_sar == 0
    assert requests.bill_of(session, request.id) is None
    assert events(session, request) == ["submitted", "approved"]
    final = session.exec(select(Visa).where(Visa.kind == "final_exit")).one()
    assert (final.person_id, final.issued_on, final.valid_until, final.status) == (
        r1.id, TODAY, TODAY + timedelta(days=60), "issued")
    assert outcome(request)["visa_number"] == final.number
    session.refresh(old)
    assert old.status == "cancelled"   # leaving for good ends the exit/re-entry visa
    assert kinds_notified(session, people["c1"]) == ["approved"]


def test_a_final_exit_cannot_be_extended_or_issued_twice(session, people):
    submit(session, "mohammed", "final_exit_issue", people["r1"])
    ctx = ctx_at(session, account(session, "mohammed"), people["r1"])
    assert [b.code for b in wizard.precheck(catalogue.BY_CODE["final_exit_issue"], ctx)] == [
        "final_exit_exists"]
    assert [b.code for b in wizard.precheck(catalogue.BY_CODE["exit_reentry_extend"], ctx)] == [
        "no_extendable_visa"]


def test_cancelling_visas_is_free_and_immediate(session, people):
    r1 = people["r1"]
    request = submit(session, "mohammed", "final_exit_issue", r1)
    cancel = submit(session, "mohammed", "final_exit_cancel", r1)
    assert cancel.status == "approved" and requests.bill_of(session, cancel.id) is None
    visa = session.exec(select(Visa).where(Visa.number == outcome(request)["visa_number"])).one()
    assert visa.status == "cancelled"
    session.add(Visa(number="5000000002", person_id=r1.id, kind="exit_reentry_multiple",
                     issued_on=TODAY, valid_until=TODAY + timedelta(days=90)))
    session.commit()
    cancel = submit(session, "mohammed", "exit_reentry_cancel", r1)
    assert cancel.status == "approved"
    assert session.exec(select(Visa).where(Visa.number == "5000000002")).one().status == \
        "cancelled"


def test_absence_report_is_free_final_and_once_per_worker(session, people):
    r1 = people["r1"]
    answers = {"absent_since": (TODAY - timedelta(days=3)).isoformat(), "understood": "yes"}
    request = submit(session, "mohammed", "absence_report", r1, answers)
    assert request.status == "approved" and requests.bill_of(session, request.id) is None
    session.refresh(r1)
    assert r1.absent_report is True
    acc, saved = draft(session, "mohammed", "absence_report", r1, answers)
    with pytest.raises(requests.BlockedError) as caught:
        requests.submit(session, acc, catalogue.BY_CODE["absence_report"],
                        ctx_at(session, acc, r1), draft_token=saved.token, sms=SMS)
    session.rollback()
    assert [b.code for b in caught.value.blockers] == ["already_reported_absent"]
    # ... and an absent worker can no longer be given a visa.
    ctx = ctx_at(session, acc, r1)
    assert "absent_reported" in [b.code for b in wizard.precheck(
        catalogue.BY_CODE["exit_reentry_issue"], ctx)]


def test_reporting_a_lost_passport_clears_it_from_the_record(session, people):
    r1 = people["r1"]
    lost = r1.passport_number
    request = submit(session, "mohammed", "passport_loss_report", r1,
                     {"lost_on": TODAY.isoformat(), "circumstances": "at the airport"})
    assert request.status == "approved" and request.fee_sar == 0
    session.refresh(r1)
    assert (r1.passport_number, r1.passport_expiry) == (None, None)
    assert outcome(request) == {"passport_number": lost}


# --- review, decision and delivery ---------------------------------------------------------------

def test_a_passport_goes_to_review_after_payment_then_approval_makes_a_delivery(session, people):
    c1, c3 = people["c1"], people["c3"]
    request = submit(session, "mohammed", "passport_issue", c3, PASSPORT_POST)
    pay(session, request)
    assert request.status == "in_review"
    assert events(session, request) == ["submitted", "bill_issued", "paid", "in_review"]
    decided_at = NOW + timedelta(days=2)
    requests.decide(session, request.reference, True, "", now=decided_at, sms=SMS)
    session.commit()
    session.refresh(request)
    assert request.status == "approved"
    session.refresh(c3)
    assert c3.passport_expiry == add_years(TODAY + timedelta(days=2), 10)
    assert outcome(request) == {"passport_number": c3.passport_number,
                                "valid_until": c3.passport_expiry.isoformat()}
    delivery = requests.delivery_of(session, request.id)
    assert (delivery.status, delivery.short_address) == ("awaiting_document", "RRRD2929")
    assert delivery.tracking_number.startswith("SP") and delivery.tracking_number.endswith("SA")
    assert events(session, request)[-2:] == ["approved", "delivery_awaiting_document"]
    assert kinds_notified(session, c1) == ["bill_issued", "in_review", "approved"]


def test_delivery_advances_to_delivered_then_refuses(session, people):
    c1 = people["c1"]
    request = submit(session, "mohammed", "passport_issue", c1, PASSPORT_POST)
    pay(session, request)
    requests.decide(session, request.reference, True, "", now=LATER, sms=SMS)
    session.commit()
    tracking = requests.delivery_of(session, request.id).tracking_number
    seen = []
    for step in range(3):
        delivery = requests.advance_delivery(session, f" {tracking.lower()} ",
                                             now=LATER + timedelta(hours=step + 1), sms=SMS)
        session.commit()
        seen.append(delivery.status)
    assert seen == ["with_post", "out_for_delivery", "delivered"]
    session.refresh(request)
    assert request.status == "delivered"
    assert events(session, request)[-3:] == [
        "delivery_with_post", "delivery_out_for_delivery", "delivery_delivered"]
    assert kinds_notified(session, c1)[-3:] == [
        "delivery_with_post", "delivery_out_for_delivery", "delivery_delivered"]
    sms = session.exec(select(SmsMessage).order_by(SmsMessage.id.desc())).first()
    assert tracking in sms.body
    # Every notification of the applicant was also texted to the account's mobile.
    mobile = account(session, "mohammed").mobile
    assert count(session, SmsMessage, SmsMessage.to == mobile) == len(kinds_notified(session, c1))
    assert refused(requests.advance_delivery, session, tracking, now=LATER,
                   sms=SMS).code == "delivery_done"
    assert refused(requests.advance_delivery, session, "SP0000000000SA", now=LATER,
                   sms=SMS).code == "tracking_unknown"


def test_a_passport_collected_at_an_office_has_no_delivery(session, people):
    c1 = people["c1"]
    request = submit(session, "mohammed", "passport_issue", c1,
                     {"years": "5", "delivery": "office"})
    assert request.fee_sar == 300
    pay(session, request)
    requests.decide(session, request.reference, True, "", now=LATER, sms=SMS)
    session.commit()
    assert requests.delivery_of(session, request.id) is None
    assert request.status == "approved"


def test_a_rejection_needs_a_reason(session, people):
    c1 = people["c1"]
    request = submit(session, "mohammed", "passport_issue", c1, PASSPORT_POST)
    pay(session, request)
    for reason in ("", "   \n "):
        assert refused(requests.decide, session, request.reference, False, reason, now=LATER,
                       sms=SMS).code == "reason_required"
    requests.decide(session, request.reference, False, "  photo  does not\nmatch ", now=LATER,
                    sms=SMS)
    session.commit()
    session.refresh(request)
    assert (request.status, request.decision_reason) == ("rejected", "photo does not match")
    assert events(session, request)[-1] == "rejected"
    last = session.exec(select(Notification).order_by(Notification.id.desc())).first()
    assert last.kind == "rejected" and "photo does not match" in last.text_en
    session.refresh(c1)
    assert c1.passport_number == people["c1"].passport_number   # nothing issued
    assert refused(requests.decide, session, request.reference, True, "", now=LATER,
                   sms=SMS).code == "request_not_in_review"


@pytest.mark.both_databases
def test_a_long_rejection_reason_is_kept_whole_and_told(session, people):
    request = submit(session, "mohammed", "passport_issue", people["c1"], PASSPORT_POST)
    pay(session, request)
    reason = "The photo does not meet the requirements. " * 20   # more than 500 characters
    requests.decide(session, request.reference, False, reason, now=LATER, sms=SMS)
    session.commit()
    session.refresh(request)
    assert request.status == "rejected"
    assert request.decision_reason == " ".join(reason.split())[:500]
    last = session.exec(select(Notification).order_by(Notification.id.desc())).first()
    assert last.kind == "rejected" and len(last.text_en) <= 500 and len(last.text_ar) <= 500


def test_only_a_request_in_review_is_decided(session, people):
    request = submit(session, "mohammed", "passport_issue", people["c1"], PASSPORT_POST)
    assert refused(requests.decide, session, request.reference, True, "", now=LATER,
                   sms=SMS).code == "request_not_in_review"   # not paid yet
    assert refused(requests.decide, session, "0000000000", True, "", now=LATER,
                   sms=SMS).code == "request_unknown"
    assert refused(requests.decide, session, "abc", True, "", now=LATER,
                   sms=SMS).code == "request_unknown"


# --- effects of each service ---------------------------------------------------------------------

def test_exit_reentry_issues_the_visa_from_the_day_of_payment(session, people):
    r1 = people["r1"]
    request = submit(session, "mohammed", "exit_reentry_issue", r1,
                     {"visa_kind": "multiple", "days": "93"})
    assert request.fee_sar == 700   # 3 months + 1 day
    pay(session, request)
    [visa] = session.exec(select(Visa)).all()
    assert (visa.person_id, visa.kind, visa.issued_on, visa.valid_until, visa.status) == (
        r1.id, "exit_reentry_multiple", TODAY, TODAY + timedelta(days=93), "issued")
    assert outcome(request) == {"visa_number": visa.number,
                                "valid_until": visa.valid_until.isoformat()}
    assert visa.request_id == request.id   # the visa knows the request that issued it


def test_a_final_exit_visa_knows_its_request_and_an_extension_keeps_the_first(session, people):
    r1, r10 = people["r1"], people["r10"]
    final = submit(session, "mohammed", "final_exit_issue", r10)   # free: approved at once
    [visa] = session.exec(select(Visa).where(Visa.person_id == r10.id)).all()
    assert (visa.kind, visa.request_id, final.status) == ("final_exit", final.id, "approved")
    issued = submit(session, "mohammed", "exit_reentry_issue", r1,
                    {"visa_kind": "single", "days": "30"})
    pay(session, issued)
    extended = submit(session, "mohammed", "exit_reentry_extend", r1, {"months": "1"},
                      now=LATER)
    pay(session, extended, now=LATER + timedelta(minutes=1))
    [visa] = session.exec(select(Visa).where(Visa.person_id == r1.id)).all()
    assert extended.status == "approved" and visa.request_id == issued.id


def test_a_visa_that_ended_with_the_iqama_is_issued_when_paid_the_next_day(session, people):
    r1 = people["r1"]
    r1.iqama_expiry = TODAY + timedelta(days=61)
    session.add(r1)
    session.commit()
    request = submit(session, "mohammed", "exit_reentry_issue", r1,
                     {"visa_kind": "single", "days": "61"})   # ends the day the iqama does
    _, charged = pay(session, request, now=NOW + timedelta(days=1))
    assert charged and request.status == "approved"
    [visa] = session.exec(select(Visa)).all()
    assert visa.valid_until <= r1.iqama_expiry   # still within the iqama's validity


def test_a_paid_passport_update_goes_ahead_after_the_new_expiry_date_came_near(session, people):
    r1 = people["r1"]
    tomorrow = TODAY + timedelta(days=1)
    request = submit(session, "mohammed", "passport_update", r1,
                     {"passport_number": "N7654321", "passport_expiry": tomorrow.isoformat()})
    _, charged = pay(session, request, now=NOW + timedelta(days=2))
    assert charged and request.status == "approved"
    session.refresh(r1)
    assert (r1.passport_number, r1.passport_expiry) == ("N7654321", tomorrow)


def test_exit_reentry_extension_moves_the_visa_end(session, people):
    r1 = people["r1"]
    ends = TODAY + timedelta(days=10)
    session.add(Visa(number="5000000001", person_id=r1.id, kind="exit_reentry_single",
                     issued_on=TODAY - timedelta(days=50), valid_until=ends))
    session.commit()
    request = submit(session, "mohammed", "exit_reentry_extend", r1, {"months": "2"})
    assert request.fee_sar == 400
    pay(session, request)
    visa = session.exec(select(Visa)).one()
    assert visa.valid_until == add_months(ends, 2) and request.status == "approved"


def test_iqama_renewal_moves_the_expiry_from_the_old_one(session, people):
    d1 = people["d1"]   # Ahmed's wife: valid iqama, so the period is added to it
    old = d1.iqama_expiry
    request = submit(session, "ahmed", "iqama_renew", d1, {"months": "12"})
    assert request.fee_sar == 650 + 12 * 400
    pay(session, request)
    session.refresh(d1)
    assert d1.iqama_expiry == add_months(old, 12)
    assert outcome(request) == {"late": False, "valid_until": d1.iqama_expiry.isoformat()}


def test_a_late_renewal_counts_from_today_and_the_next_late_one_costs_1000(session, people):
    d5 = people["d5"]   # Ahmed's father: iqama expired 5 days ago
    request = submit(session, "ahmed", "iqama_renew", d5, {"months": "3"})
    assert request.fee_sar == 163 + 3 * 400 + 500
    pay(session, request)
    session.refresh(d5)
    assert d5.iqama_expiry == add_months(TODAY, 3)
    assert outcome(request)["late"] is True
    # Months later the iqama has lapsed again.
    d5.iqama_expiry = TODAY - timedelta(days=1)
    session.add(d5)
    session.commit()
    again = submit(session, "ahmed", "iqama_renew", d5, {"months": "3"},
                   now=NOW + timedelta(minutes=5))
    assert again.fee_sar == 163 + 3 * 400 + 1000


def test_a_lost_iqama_costs_more_each_time(session, people):
    r10 = people["r10"]
    answers = {"lost_on": TODAY.isoformat(), "circumstances": "taxi"}
    first = submit(session, "mohammed", "iqama_loss_report", r10, answers)
    assert first.fee_sar == 1000
    pay(session, first)
    assert first.status == "approved"
    second = submit(session, "mohammed", "iqama_loss_report", r10, answers, now=LATER)
    assert second.fee_sar == 2000


def test_a_visit_extension_adds_90_days_to_the_visa(session, people):
    v1 = people["v1"]
    old = v1.visa_expiry
    request = submit(session, "david", "visit_visa_extend", v1)
    assert request.fee_sar == 100
    pay(session, request)
    session.refresh(v1)
    assert v1.visa_expiry == old + timedelta(days=90)
    assert outcome(request)["valid_until"] == v1.visa_expiry.isoformat()


def test_paying_the_fines_clears_them_and_lifts_the_blocker(session, people):
    c4, r6 = people["c4"], people["r6"]
    [fine] = traffic.unpaid_fines(session, r6)
    request = submit(session, "khalid", "traffic_fines_pay", r6, {"fines": fine.number})
    assert request.fee_sar == 200
    pay(session, request)
    assert traffic.unpaid_total(session, r6) == 0
    assert outcome(request) == {"paid": 200, "fines_paid": 1}
    session.refresh(fine)
    assert (fine.status, fine.request_id) == ("paid", request.id)
    ctx = ctx_at(session, account(session, "khalid"), r6)
    assert [b.code for b in wizard.precheck(catalogue.BY_CODE["exit_reentry_issue"], ctx)] == [
        "iqama_expired"]   # one blocker fixed, one left
    numbers = ",".join(f.number for f in traffic.unpaid_fines(session, c4))
    own = submit(session, "khalid", "traffic_fines_pay", c4, {"fines": numbers})
    assert own.fee_sar == 1500


def test_fines_are_paid_one_by_one_and_the_blocker_shrinks(session, people):
    c4 = people["c4"]
    first, second, third = traffic.unpaid_fines(session, c4)   # 800, 500, 200
    one = submit(session, "khalid", "traffic_fines_pay", c4, {"fines": second.number})
    assert one.fee_sar == 500
    # While that bill is open no second fines request starts (it would charge twice).
    ctx = ctx_at(session, account(session, "khalid"), c4)
    assert [b.code for b in wizard.precheck(catalogue.BY_CODE["traffic_fines_pay"], ctx)] == [
        "open_request"]
    pay(session, one)
    assert [f.number for f in traffic.unpaid_fines(session, c4)] == [first.number,
                                                                     third.number]
    assert [b.params for b in wizard.precheck(catalogue.BY_CODE["passport_issue"], ctx)] == [
        {"amount": 1000}]
    rest = submit(session, "khalid", "traffic_fines_pay", c4,
                  {"fines": f"{third.number},{first.number}"}, now=LATER)
    assert rest.fee_sar == 1000
    pay(session, rest, now=LATER + timedelta(minutes=1))
    assert traffic.unpaid_fines(session, c4) == []
    assert wizard.precheck(catalogue.BY_CODE["passport_issue"], ctx) == []
    assert outcome(rest) == {"paid": 1000, "fines_paid": 2}


def test_a_fine_the_registry_dropped_before_payment_is_not_paid_twice(session, people):
    c4 = people["c4"]
    first, second, _ = traffic.unpaid_fines(session, c4)
    request = submit(session, "khalid", "traffic_fines_pay", c4,
                     {"fines": f"{first.number},{second.number}"})
    session.delete(first)   # settled elsewhere: a new registry extract no longer lists it
    session.commit()
    pay(session, request)
    assert request.status == "approved"
    assert outcome(request) == {"paid": 500, "fines_paid": 1}


# --- dates are the Kingdom's ---------------------------------------------------------------------

def test_the_day_of_a_request_is_the_day_in_riyadh(session, people):
    r1 = people["r1"]
    late_evening_utc = datetime(2026, 5, 10, 22, 30, tzinfo=UTC)   # 01:30 on 11 May in Riyadh
    request = submit(session, "mohammed", "exit_reentry_issue", r1,
                     {"visa_kind": "single", "days": "30"}, now=late_evening_utc)
    pay(session, request, now=late_evening_utc + timedelta(minutes=5))
    visa = session.exec(select(Visa)).one()
    assert visa.issued_on == date(2026, 5, 11)
    assert visa.valid_until == date(2026, 6, 10)


# --- reading -------------------------------------------------------------------------------------

@pytest.mark.both_databases
def test_a_persons_requests_newest_first(session, people):
    first = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                   {"visa_kind": "single", "days": "30"})
    second = submit(session, "mohammed", "passport_issue", people["c1"], PASSPORT_POST)
    submit(session, "ahmed", "iqama_renew", people["d1"], {"months": "3"})
    assert [r.id for r in requests.requests_of(session, people["c1"].id)] == [second.id, first.id]
    assert requests.requests_of(session, people["r1"].id) == []   # the worker is not the applicant


@pytest.mark.both_databases
def test_unpaid_bills_are_the_payable_ones_soonest_due_first(session, people):
    later = submit(session, "mohammed", "passport_issue", people["c1"], PASSPORT_POST,
                   now=NOW + timedelta(hours=2))
    sooner = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                    {"visa_kind": "single", "days": "30"})
    paid = submit(session, "mohammed", "iqama_renew", people["r10"], {"months": "3"})
    pay(session, paid)
    submit(session, "ahmed", "iqama_renew", people["d1"], {"months": "3"})  # someone else's
    bills = requests.unpaid_bills_of(session, people["c1"].id, LATER)
    assert [b.request_id for b in bills] == [sooner.id, later.id]
    # A second before the first is due it still counts; at its due time it no longer does.
    due = NOW + timedelta(days=3)
    assert len(requests.unpaid_bills_of(session, people["c1"].id, due - timedelta(seconds=1))) == 2
    assert [b.request_id for b in requests.unpaid_bills_of(session, people["c1"].id, due)] == [
        later.id]
