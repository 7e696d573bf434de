"""Every fee of PRODUCT.md §3 at its boundaries, through the fee functions and through each
service's own fee (what the bill will say), and every fee line has its AR and EN text."""

from __future__ import annotations

import ast
import inspect
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from absher_app.domain import catalogue, traffic, wizard
from absher_app.domain.calendars import RIYADH
from absher_app.domain.catalogue import exit_reentry_fee, iqama_loss_fee, iqama_renewal_fee
from absher_app.domain.demo import demo_ids, load_demo
from absher_app.domain.rules_data import add_months
from absher_app.i18n import AR, EN, translate
from absher_app.models import Account, Person, ServiceRequest, Visa

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)  # 12:00 in Riyadh
TODAY = NOW.astimezone(RIYADH).date()          # 2026-05-10


@pytest.fixture
def people(session) -> dict[str, Person]:
    """The demo registry and accounts loaded on TODAY, by demo key (c1, r1, ...)."""
    load_demo(session, TODAY)
    session.commit()
    return {key: session.exec(select(Person).where(Person.id_number == number)).one()
            for key, number in demo_ids().items()}


def fee_of(session, code: str, applicant: Person, beneficiary: Person, today: date = TODAY,
           **answers) -> list[tuple[str, int]]:
    ctx = wizard.Context(session=session, today=today, now=NOW, applicant=applicant,
                         beneficiary=beneficiary, answers=dict(answers))
    lines = catalogue.BY_CODE[code].fee(ctx)
    for line in lines:   # every line can be shown, in both languages
        for lang in ("ar", "en"):
            assert translate(f"fees.{line.key}", lang, amount=line.amount, **line.params)
    return [(line.key, line.amount) for line in lines]


def total(lines) -> int:
    return sum(amount for _, amount in lines)


def days_to(months: int, start: date = TODAY, extra_days: int = 0) -> int:
    return (add_months(start, months) - start).days + extra_days


def past_request(session, code: str, beneficiary: Person, applicant: Person, *,
                 status: str = "approved", outcome: dict | None = None,
                 submitted: datetime = NOW - timedelta(days=100)) -> ServiceRequest:
    account_id = session.exec(select(Account.id).where(Account.username == "mohammed")).one()
    row = ServiceRequest(reference=f"7{len(session.exec(select(ServiceRequest)).all()):09d}",
                         service_code=code, account_id=account_id, applicant_id=applicant.id,
                         beneficiary_id=beneficiary.id, status=status,
                         outcome_json=json.dumps(outcome or {}, sort_keys=True),
                         idempotency_key=f"key-{code}-{submitted.isoformat()}-{status}",
                         submitted_at=submitted, updated_at=submitted)
    session.add(row)
    session.commit()
    return row


# --- Saudi passport ------------------------------------------------------------------------------

def test_passport_300_for_5_years_600_for_10_plus_the_delivery_fee(session, people):
    c1 = people["c1"]
    assert fee_of(session, "passport_issue", c1, c1, years="5", delivery="office") == [
        ("passport", 300)]
    assert fee_of(session, "passport_issue", c1, c1, years="10", delivery="office") == [
        ("passport", 600)]
    assert fee_of(session, "passport_issue", c1, people["c3"], years="5", delivery="post",
                  short_address="RRRD2929") == [("passport", 300), ("delivery", 30)]
    assert total(fee_of(session, "passport_issue", c1, c1, years="10", delivery="post",
                        short_address="RRRD2929")) == 630


# --- exit/re-entry -------------------------------------------------------------------------------

def amounts(lines) -> int:
    return sum(line.amount for line in lines)


@pytest.mark.parametrize(("days", "fee"), [
    (1, 200),
    (days_to(1), 200),
    (days_to(2), 200),                 # exactly 2 calendar months (10 May -> 10 July, 61 days)
    (days_to(2, extra_days=1), 300),   # 2 months + 1 day
    (days_to(3), 300),
    (days_to(3, extra_days=1), 400),
    (days_to(12), 1200),               # 200 + 10 x 100
])
def test_single_exit_reentry_200_up_to_2_months_then_100_a_month(days, fee):
    assert amounts(exit_reentry_fee("single", TODAY, days)) == fee


@pytest.mark.parametrize(("days", "fee"), [
    (1, 500),
    (days_to(3), 500),                 # exactly 3 months
    (days_to(3, extra_days=1), 700),   # 3 months + 1 day
    (days_to(4), 700),
    (days_to(4, extra_days=1), 900),
    (days_to(12), 500 + 9 * 200),
])
def test_multiple_exit_reentry_500_up_to_3_months_then_200_a_month(days, fee):
    assert amounts(exit_reentry_fee("multiple", TODAY, days)) == fee


def test_exit_reentry_months_are_calendar_months_from_today():
    # From 31 January, two calendar months end on 31 March (59 days in 2026).
    start = date(2026, 1, 31)
    assert amounts(exit_reentry_fee("single", start, 59)) == 200
    assert amounts(exit_reentry_fee("single", start, 60)) == 300
    # From 30 December, 2 months end on 28 February, 1 March is a third month.
    start = date(2025, 12, 30)
    assert amounts(exit_reentry_fee("single", start, (date(2026, 2, 28) - start).days)) == 200
    assert amounts(exit_reentry_fee("single", start, (date(2026, 3, 1) - start).days)) == 300


def test_exit_reentry_fee_lines_explain_the_extra_months():
    lines = exit_reentry_fee("multiple", TODAY, days_to(5, extra_days=3))
    assert [(line.key, line.amount, line.params) for line in lines] == [
        ("exit_reentry_multiple_base", 500, {"months": 3}),
        ("extra_months", 600, {"count": 3, "each": 200})]


def test_the_exit_reentry_service_bills_the_chosen_kind_and_length(session, people):
    c1, r1 = people["c1"], people["r1"]
    assert total(fee_of(session, "exit_reentry_issue", c1, r1, visa_kind="single",
                        days=days_to(2))) == 200
    assert total(fee_of(session, "exit_reentry_issue", c1, r1, visa_kind="single",
                        days=days_to(2, extra_days=1))) == 300
    assert total(fee_of(session, "exit_reentry_issue", c1, r1, visa_kind="multiple",
                        days=days_to(3, extra_days=1))) == 700


# --- extension of exit/re-entry ------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "months", "fee"), [
    ("exit_reentry_single", 1, 200), ("exit_reentry_single", 2, 400),
    ("exit_reentry_single", 6, 1200),
    ("exit_reentry_multiple", 1, 400), ("exit_reentry_multiple", 3, 1200),
])
def test_extension_is_charged_per_month_by_the_kind_of_visa(session, people, kind, months, fee):
    r2 = people["r2"]
    session.add(Visa(number="5000000001", person_id=r2.id, kind=kind, issued_on=TODAY
                     - timedelta(days=50), valid_until=TODAY + timedelta(days=10)))
    session.commit()
    lines = fee_of(session, "exit_reentry_extend", r2, r2, months=months)
    assert lines == [(f"extension_{kind.removeprefix('exit_reentry_')}", fee)]


# --- iqama ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("months", "fee"), [(3, 163), (6, 325), (9, 488), (12, 650)])
def test_iqama_period_fees(months, fee):
    assert amounts(iqama_renewal_fee(months, False, None)) == fee


@pytest.mark.parametrize("months", [1, 2, 4, 24])
def test_iqama_only_the_listed_periods(months):
    with pytest.raises(KeyError):
        iqama_renewal_fee(months, False, None)


@pytest.mark.parametrize(("months", "fee"), [(3, 163 + 1200), (6, 325 + 2400),
                                             (9, 488 + 3600), (12, 650 + 4800)])
def test_dependant_levy_is_400_a_month(months, fee):
    lines = iqama_renewal_fee(months, True, None)
    assert amounts(lines) == fee
    assert lines[1].key == "dependant_levy" and lines[1].params == {"months": months, "each": 400}


@pytest.mark.parametrize(("before", "fine"), [(None, 0), (0, 500), (1, 1000), (2, 1000),
                                              (7, 1000)])
def test_late_fine_500_the_first_time_then_1000(before, fine):
    assert amounts(iqama_renewal_fee(3, False, before)) - 163 == fine


def test_iqama_service_fee_for_a_worker_a_dependant_and_a_late_renewal(session, people):
    r2 = people["r2"]
    # r3 (worker, iqama valid): the period only.
    assert fee_of(session, "iqama_renew", r2, people["r3"], months="12") == [("iqama_period", 650)]
    # d1 (spouse): the period and the levy.
    assert fee_of(session, "iqama_renew", r2, people["d1"], months="6") == [
        ("iqama_period", 325), ("dependant_levy", 2400)]
    # d5 (parent, iqama expired 5 days ago): the levy and the first late fine.
    assert fee_of(session, "iqama_renew", r2, people["d5"], months="3") == [
        ("iqama_period", 163), ("dependant_levy", 1200), ("late_fine", 500)]


def test_an_iqama_expiring_today_is_not_late_yesterday_is(session, people):
    r2, r3 = people["r2"], people["r3"]
    r3.iqama_expiry = TODAY
    session.commit()
    assert fee_of(session, "iqama_renew", r2, r3, months="3") == [("iqama_period", 163)]
    r3.iqama_expiry = TODAY - timedelta(days=1)
    session.commit()
    assert fee_of(session, "iqama_renew", r2, r3, months="3") == [("iqama_period", 163),
                                                                   ("late_fine", 500)]


def test_the_late_fine_rises_after_one_late_renewal(session, people):
    r2, r3 = people["r2"], people["r3"]
    r3.iqama_expiry = TODAY - timedelta(days=1)
    session.commit()
    # A renewal that was on time does not count; a late one that was rejected does not either.
    past_request(session, "iqama_renew", r3, r2, outcome={"late": False, "valid_until": "x"})
    past_request(session, "iqama_renew", r3, r2, status="rejected", outcome={"late": True})
    assert ("late_fine", 500) in fee_of(session, "iqama_renew", r2, r3, months="3")
    past_request(session, "iqama_renew", r3, r2, outcome={"late": True, "valid_until": "x"},
                 submitted=NOW - timedelta(days=400))
    assert ("late_fine", 1000) in fee_of(session, "iqama_renew", r2, r3, months="3")
    # Another person's late renewals are theirs.
    assert ("late_fine", 500) in fee_of(session, "iqama_renew", r2, people["d5"], months="3")


# --- loss of iqama -------------------------------------------------------------------------------

@pytest.mark.parametrize(("previous", "fee"), [(0, 1000), (1, 2000), (2, 3000), (3, 3000),
                                               (10, 3000)])
def test_iqama_replacement_1000_2000_3000_and_3000_after(previous, fee):
    [line] = iqama_loss_fee(previous)
    assert (line.key, line.amount, line.params) == ("iqama_replacement", fee,
                                                    {"count": previous + 1})


def test_the_loss_service_counts_the_persons_approved_losses(session, people):
    c1, r1 = people["c1"], people["r1"]
    answers = {"lost_on": TODAY, "circumstances": "x"}
    assert fee_of(session, "iqama_loss_report", c1, r1, **answers) == [("iqama_replacement", 1000)]
    past_request(session, "iqama_loss_report", r1, c1, status="expired")   # never paid
    assert fee_of(session, "iqama_loss_report", c1, r1, **answers) == [("iqama_replacement", 1000)]
    past_request(session, "iqama_loss_report", r1, c1)
    assert fee_of(session, "iqama_loss_report", c1, r1, **answers) == [("iqama_replacement", 2000)]
    past_request(session, "iqama_loss_report", r1, c1, submitted=NOW - timedelta(days=9))
    assert fee_of(session, "iqama_loss_report", c1, r1, **answers) == [("iqama_replacement", 3000)]
    past_request(session, "iqama_loss_report", r1, c1, submitted=NOW - timedelta(days=8))
    assert fee_of(session, "iqama_loss_report", c1, r1, **answers) == [("iqama_replacement", 3000)]
    # r10's first loss is still a first loss.
    assert fee_of(session, "iqama_loss_report", c1, people["r10"], **answers) == [
        ("iqama_replacement", 1000)]


# --- the fixed and free ones ---------------------------------------------------------------------

def test_visit_extension_is_100(session, people):
    v1 = people["v1"]
    assert fee_of(session, "visit_visa_extend", v1, v1) == [("visit_extension", 100)]


def test_passport_update_is_69(session, people):
    assert fee_of(session, "passport_update", people["c1"], people["r1"],
                  passport_number="N1234567", passport_expiry=date(2031, 1, 1)) == [
        ("passport_update", 69)]


@pytest.mark.parametrize("code", ["final_exit_issue", "final_exit_cancel", "exit_reentry_cancel",
                                  "absence_report", "passport_loss_report"])
def test_free_services_have_no_fee_line(session, people, code):
    assert fee_of(session, code, people["c1"], people["r1"], absent_since=TODAY,
                  understood="yes", lost_on=TODAY, circumstances="x") == []


def test_the_traffic_fines_bill_lists_each_fine_chosen(session, people):
    c4, r6 = people["c4"], people["r6"]
    numbers = [f.number for f in traffic.unpaid_fines(session, c4)]   # oldest first
    assert len(numbers) == 3
    every = fee_of(session, "traffic_fines_pay", c4, c4, fines=",".join(numbers))
    assert every == [("fine.speeding", 800), ("fine.mobile_phone", 500),
                     ("fine.no_seatbelt", 200)]
    assert total(every) == 1500 == traffic.unpaid_total(session, c4)
    assert fee_of(session, "traffic_fines_pay", c4, c4, fines=numbers[1]) == [
        ("fine.mobile_phone", 500)]
    [surya] = traffic.unpaid_fines(session, r6)
    assert fee_of(session, "traffic_fines_pay", c4, r6, fines=surya.number) == [
        ("fine.wrong_parking", 200)]
    # Another person's fine is not on this person's bill.
    assert fee_of(session, "traffic_fines_pay", c4, c4, fines=surya.number) == []


def test_a_fine_line_names_its_number_and_date(session, people):
    c4 = people["c4"]
    first = traffic.unpaid_fines(session, c4)[0]
    ctx = wizard.Context(session=session, today=TODAY, now=NOW, applicant=c4, beneficiary=c4,
                         answers={"fines": first.number})
    [line] = catalogue.BY_CODE["traffic_fines_pay"].fee(ctx)
    text = translate(f"fees.{line.key}", "en", **line.params)
    assert text == f"Speeding: fine {first.number} of {first.issued_on.isoformat()}"
    assert first.number in translate(f"fees.{line.key}", "ar", **line.params)


# --- every fee line has its text -----------------------------------------------------------------

def fee_keys_in_catalogue() -> set[str]:
    """The literal keys of FeeLine(...) and fixed_fee(...) in catalogue.py and traffic.py,
    plus those built at run time (checked to still be the only four): from a visa's kind,
    a fine's violation and an authorisation's scope."""
    keys, built = set(), 0
    for module in (catalogue, traffic):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id in ("FeeLine", "fixed_fee") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    keys.add(first.value)
                elif isinstance(first, ast.JoinedStr):
                    built += 1
                # else: a variable, e.g. the `key` parameter inside fixed_fee itself
    assert built == 4, "a new fee key is built at run time: list its values below"
    return keys | {"exit_reentry_single_base", "exit_reentry_multiple_base",
                   "extension_single", "extension_multiple", "authorization_inside",
                   "authorization_outside"} | {f"fine.{v}" for v in traffic.VIOLATIONS}


def test_every_fee_key_has_arabic_and_english_text():
    keys = fee_keys_in_catalogue()
    assert {"passport", "delivery", "extra_months", "iqama_period", "dependant_levy",
            "late_fine", "iqama_replacement", "visit_extension", "passport_update",
            "fine.speeding", "final_exit", "absence_report", "passport_loss",
            "iqama_issue_late_fine", "licence_years", "licence_late_fine",
            "registration_years", "registration_late_fine", "travel_permit"} <= keys
    missing = sorted(f"{lang}: fees.{key}" for key in keys for lang, strings in
                     (("ar", AR), ("en", EN)) if f"fees.{key}" not in strings)
    assert missing == []
