"""Every eligibility rule of PRODUCT.md §3 at its boundaries, the pre-check listing every
blocker at once, and every text the catalogue refers to present in Arabic and English."""

from __future__ import annotations

import ast
import inspect
import json
import string
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from absher_app.domain import catalogue, requests, traffic, vehicles, wizard
from absher_app.domain.calendars import RIYADH
from absher_app.domain.demo import demo_ids, load_demo
from absher_app.domain.rules_data import add_months, add_years
from absher_app.i18n import AR, EN, translate
from absher_app.models import Account, Person, ServiceRequest, Visa

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)  # 12:00 in Riyadh
TODAY = NOW.astimezone(RIYADH).date()          # 2026-05-10
LANGS = (("ar", AR), ("en", EN))


@pytest.fixture
def people(session) -> dict[str, Person]:
    """The demo registry and accounts loaded on TODAY, by demo key (c1, r1, ...)."""
    load_demo(session, TODAY)
    session.commit()
    return {key: session.exec(select(Person).where(Person.id_number == number)).one()
            for key, number in demo_ids().items()}


def ctx_of(session, applicant: Person, beneficiary: Person, today: date = TODAY,
           **answers) -> wizard.Context:
    return wizard.Context(session=session, today=today, now=NOW, applicant=applicant,
                          beneficiary=beneficiary, answers=dict(answers))


def blockers(session, code: str, applicant: Person, beneficiary: Person,
             today: date = TODAY) -> list[str]:
    """The codes of every blocker, each checked to read in both languages with its fix."""
    found = wizard.precheck(catalogue.BY_CODE[code], ctx_of(session, applicant, beneficiary,
                                                              today))
    for blocker in found:
        for lang, _ in LANGS:
            assert "{" not in translate(f"blockers.{blocker.code}", lang, **blocker.params)
            assert translate(f"fixes.{blocker.code}", lang, **blocker.params)
    return [blocker.code for blocker in found]


def blocker(session, code: str, applicant: Person, beneficiary: Person,
            today: date = TODAY) -> wizard.Blocker:
    [found] = wizard.precheck(catalogue.BY_CODE[code], ctx_of(session, applicant, beneficiary,
                                                                today))
    return found


def step_problems(session, code: str, step_name: str, applicant: Person, beneficiary: Person,
                  raw: dict[str, str], today: date = TODAY, **answers) -> list[str]:
    service = catalogue.BY_CODE[code]
    _, problems = wizard.parse_step(wizard.step_named(service, step_name), raw,
                                    ctx_of(session, applicant, beneficiary, today, **answers))
    return [p.code for p in problems]


def change(session, person: Person, **values) -> None:
    """Set columns of the person; `traffic_fines_sar` sets what they owe, as one fine (what
    the registry import makes of that key)."""
    owed = values.pop("traffic_fines_sar", None)
    for name, value in values.items():
        setattr(person, name, value)
    session.add(person)
    if owed is not None:
        traffic.sync_fines(session, person, [
            {"number": traffic.legacy_fine_number(person.id_number), "issued_on": None,
             "violation": traffic.REGISTRY_TOTAL, "amount_sar": owed}] if owed else [], TODAY)
    session.commit()


_serial = iter(range(10**6))


def past_request(session, code: str, beneficiary: Person, *, status: str,
                 submitted: datetime = NOW - timedelta(days=1)) -> ServiceRequest:
    account = session.exec(select(Account).where(Account.username == "mohammed")).one()
    row = ServiceRequest(reference=f"7{next(_serial):09d}", service_code=code,
                         account_id=account.id, applicant_id=account.person_id,
                         beneficiary_id=beneficiary.id, status=status,
                         idempotency_key=f"k{next(_serial)}", submitted_at=submitted,
                         updated_at=submitted)
    session.add(row)
    session.commit()
    return row


def visa(session, person: Person, kind: str = "exit_reentry_single", *,
         valid_until: date, status: str = "issued") -> Visa:
    row = Visa(number=f"5{next(_serial):09d}", person_id=person.id, kind=kind,
               issued_on=valid_until - timedelta(days=30), valid_until=valid_until, status=status)
    session.add(row)
    session.commit()
    return row


# --- exit/re-entry: the passport valid for more than 90 days -------------------------------------

def test_demo_worker_r1_meets_every_exit_reentry_rule(session, people):
    assert blockers(session, "exit_reentry_issue", people["c1"], people["r1"]) == []


@pytest.mark.parametrize(("days_left", "expected"), [
    (91, []),
    (90, ["passport_expires_soon"]),   # exactly 90 days left is not "more than 90"
    (1, ["passport_expires_soon"]),
    (0, ["passport_expires_soon"]),    # expires today: still valid today, but far too soon
    (-1, ["passport_expired"]),
])
def test_exit_reentry_needs_a_passport_valid_more_than_90_days(session, people, days_left,
                                                               expected):
    change(session, people["r1"], passport_expiry=TODAY + timedelta(days=days_left))
    assert blockers(session, "exit_reentry_issue", people["c1"], people["r1"]) == expected


def test_the_passport_blocker_says_the_date_and_days_left(session, people):
    change(session, people["r1"], passport_expiry=TODAY + timedelta(days=40))
    found = blocker(session, "exit_reentry_issue", people["c1"], people["r1"])
    assert (found.code, found.params) == ("passport_expires_soon", {
        "date": (TODAY + timedelta(days=40)).isoformat(), "days": 90, "left": 40})
    assert "40" in translate("blockers.passport_expires_soon", "en", **found.params)


def test_no_passport_on_record_blocks(session, people):
    change(session, people["r1"], passport_number=None, passport_expiry=None)
    assert blockers(session, "exit_reentry_issue", people["c1"], people["r1"]) == [
        "passport_missing"]


# --- the visa period within the iqama's validity -------------------------------------------------

def test_an_iqama_expiring_the_day_before_the_visa_ends_blocks(session, people):
    r1 = people["r1"]
    change(session, r1, iqama_expiry=TODAY + timedelta(days=60))
    assert step_problems(session, "exit_reentry_issue", "duration", people["c1"], r1,
                         {"days": "61"}, visa_kind="single") == ["visa_beyond_iqama"]


def test_an_iqama_expiring_the_day_the_visa_ends_passes(session, people):
    r1 = people["r1"]
    change(session, r1, iqama_expiry=TODAY + timedelta(days=61))
    assert step_problems(session, "exit_reentry_issue", "duration", people["c1"], r1,
                         {"days": "61"}, visa_kind="single") == []


def test_the_iqama_problem_names_both_dates(session, people):
    r1 = people["r1"]
    change(session, r1, iqama_expiry=TODAY + timedelta(days=10))
    service = catalogue.BY_CODE["exit_reentry_issue"]
    _, [problem] = wizard.parse_step(service.steps[1], {"days": "11"},
                                     ctx_of(session, people["c1"], r1, visa_kind="single"))
    assert problem.params == {"field": "days", "date": (TODAY + timedelta(days=10)).isoformat(),
                              "end": (TODAY + timedelta(days=11)).isoformat()}


@pytest.mark.parametrize(("offset", "expected"), [(0, []), (-1, ["iqama_expired"])])
def test_an_iqama_expiring_today_is_still_valid(session, people, offset, expected):
    change(session, people["r1"], iqama_expiry=TODAY + timedelta(days=offset))
    assert blockers(session, "exit_reentry_issue", people["c1"], people["r1"]) == expected


# --- travel ban, fines, absence ------------------------------------------------------------------

@pytest.mark.parametrize(("values", "expected"), [
    ({"travel_ban": True}, ["travel_ban"]),
    ({"traffic_fines_sar": 1}, ["traffic_fines"]),
    ({"absent_report": True}, ["absent_reported"]),
])
def test_a_travel_ban_unpaid_fines_or_an_absence_report_block_travel(session, people, values,
                                                                      expected):
    change(session, people["r1"], **values)
    for code in ("exit_reentry_issue", "final_exit_issue"):
        assert blockers(session, code, people["c1"], people["r1"]) == expected, code


def test_the_demo_people_with_a_ban_fines_or_absence(session, people):
    assert blockers(session, "exit_reentry_issue", people["r9"], people["r9"]) == ["travel_ban"]
    assert blockers(session, "exit_reentry_issue", people["r7"], people["r7"]) == [
        "traffic_fines"]
    assert blockers(session, "exit_reentry_issue", people["c6"], people["r8"]) == [
        "absent_reported"]


def test_fines_blocker_states_the_amount(session, people):
    found = blocker(session, "exit_reentry_issue", people["r7"], people["r7"])
    assert found.params == {"amount": 300}


# --- an open request, an existing visa -----------------------------------------------------------

@pytest.mark.parametrize(("status", "blocks"), [
    ("awaiting_payment", True), ("in_review", True),
    ("approved", False), ("rejected", False), ("expired", False), ("delivered", False),
])
def test_an_open_request_for_the_same_service_blocks(session, people, status, blocks):
    open_one = past_request(session, "exit_reentry_issue", people["r1"], status=status)
    found = wizard.precheck(catalogue.BY_CODE["exit_reentry_issue"],
                            ctx_of(session, people["c1"], people["r1"]))
    if blocks:
        assert [(b.code, b.params) for b in found] == [
            ("open_request", {"reference": open_one.reference})]
    else:
        assert found == []


def test_an_open_final_exit_request_blocks_an_exit_reentry_visa(session, people):
    past_request(session, "final_exit_issue", people["r1"], status="awaiting_payment")
    assert blockers(session, "exit_reentry_issue", people["c1"], people["r1"]) == ["open_request"]


def test_an_open_request_of_someone_else_or_another_service_does_not_block(session, people):
    past_request(session, "exit_reentry_issue", people["r10"], status="awaiting_payment")
    past_request(session, "iqama_renew", people["r1"], status="awaiting_payment")
    assert blockers(session, "exit_reentry_issue", people["c1"], people["r1"]) == []
    assert blockers(session, "iqama_renew", people["c1"], people["r1"]) == ["open_request"]


@pytest.mark.parametrize(("kind", "valid_until", "status", "expected"), [
    ("exit_reentry_single", TODAY, "issued", ["visa_already_issued"]),
    ("exit_reentry_multiple", TODAY + timedelta(days=90), "issued", ["visa_already_issued"]),
    ("final_exit", TODAY + timedelta(days=30), "issued", ["visa_already_issued"]),
    ("exit_reentry_single", TODAY - timedelta(days=1), "issued", []),   # ended yesterday
    ("exit_reentry_single", TODAY + timedelta(days=30), "cancelled", []),
])
def test_an_existing_valid_visa_blocks_a_new_one(session, people, kind, valid_until, status,
                                                 expected):
    visa(session, people["r1"], kind, valid_until=valid_until, status=status)
    assert blockers(session, "exit_reentry_issue", people["c1"], people["r1"]) == expected


def test_final_exit_is_blocked_by_a_valid_final_exit_not_by_an_exit_reentry(session, people):
    r1 = people["r1"]
    visa(session, r1, valid_until=TODAY + timedelta(days=20))
    assert blockers(session, "final_exit_issue", people["c1"], r1) == []
    visa(session, r1, "final_exit", valid_until=TODAY)
    assert blockers(session, "final_exit_issue", people["c1"], r1) == ["final_exit_exists"]


def test_final_exit_needs_a_valid_passport_but_not_90_days(session, people):
    r1 = people["r1"]
    change(session, r1, passport_expiry=TODAY)
    assert blockers(session, "final_exit_issue", people["c1"], r1) == []
    change(session, r1, passport_expiry=TODAY - timedelta(days=1))
    assert blockers(session, "final_exit_issue", people["c1"], r1) == ["passport_expired"]


# --- extension and cancellation ------------------------------------------------------------------

@pytest.mark.parametrize(("ended_days_ago", "expected"), [
    (-10, []), (0, []), (60, []), (61, ["no_extendable_visa"])])
def test_a_visa_can_be_extended_up_to_60_days_after_it_ended(session, people, ended_days_ago,
                                                             expected):
    visa(session, people["r1"], valid_until=TODAY - timedelta(days=ended_days_ago))
    assert blockers(session, "exit_reentry_extend", people["c1"], people["r1"]) == expected


def test_no_visa_nothing_to_extend_or_cancel(session, people):
    assert blockers(session, "exit_reentry_extend", people["c1"], people["r1"]) == [
        "no_extendable_visa"]
    assert blockers(session, "exit_reentry_cancel", people["c1"], people["r1"]) == [
        "no_exit_reentry_visa"]
    assert blockers(session, "final_exit_cancel", people["c1"], people["r1"]) == [
        "no_final_exit_visa"]


def test_the_extension_must_stay_within_the_iqama(session, people):
    r1 = people["r1"]
    valid_until = TODAY + timedelta(days=10)
    visa(session, r1, valid_until=valid_until)
    change(session, r1, iqama_expiry=add_months(valid_until, 2))
    assert step_problems(session, "exit_reentry_extend", "months", people["c1"], r1,
                         {"months": "2"}) == []
    change(session, r1, iqama_expiry=add_months(valid_until, 2) - timedelta(days=1))
    assert step_problems(session, "exit_reentry_extend", "months", people["c1"], r1,
                         {"months": "2"}) == ["visa_beyond_iqama"]


def test_an_ended_visa_is_extended_from_today(session, people):
    r1 = people["r1"]
    visa(session, r1, valid_until=TODAY - timedelta(days=30))
    change(session, r1, iqama_expiry=add_months(TODAY, 1))
    assert step_problems(session, "exit_reentry_extend", "months", people["c1"], r1,
                         {"months": "1"}) == []
    assert step_problems(session, "exit_reentry_extend", "months", people["c1"], r1,
                         {"months": "2"}) == ["visa_beyond_iqama"]


def test_the_extension_needs_a_valid_iqama(session, people):
    visa(session, people["r1"], valid_until=TODAY + timedelta(days=5))
    change(session, people["r1"], iqama_expiry=TODAY - timedelta(days=1))
    assert blockers(session, "exit_reentry_extend", people["c1"], people["r1"]) == [
        "iqama_expired"]


def test_cancelling_a_final_exit_needs_a_valid_iqama(session, people):
    r1 = people["r1"]
    visa(session, r1, "final_exit", valid_until=TODAY + timedelta(days=59))
    assert blockers(session, "final_exit_cancel", people["c1"], r1) == []
    change(session, r1, iqama_expiry=TODAY - timedelta(days=1))
    assert blockers(session, "final_exit_cancel", people["c1"], r1) == ["iqama_expired"]


def test_cancelling_an_exit_reentry_needs_one_valid_today(session, people):
    r1 = people["r1"]
    visa(session, r1, valid_until=TODAY - timedelta(days=1))
    assert blockers(session, "exit_reentry_cancel", people["c1"], r1) == ["no_exit_reentry_visa"]
    visa(session, r1, "exit_reentry_multiple", valid_until=TODAY)
    assert blockers(session, "exit_reentry_cancel", people["c1"], r1) == []


# --- iqama renewal -------------------------------------------------------------------------------

def test_iqama_renewal_rules(session, people):
    r2, d5 = people["r2"], people["d5"]
    assert blockers(session, "iqama_renew", r2, d5) == []   # expired iqama: renewing is the fix
    change(session, d5, passport_expiry=TODAY - timedelta(days=1), traffic_fines_sar=50,
           absent_report=True)
    assert blockers(session, "iqama_renew", r2, d5) == [
        "passport_expired", "traffic_fines", "absent_reported"]
    change(session, d5, passport_expiry=TODAY, traffic_fines_sar=0, absent_report=False)
    assert blockers(session, "iqama_renew", r2, d5) == []   # a passport valid today will do


# --- visit visa window ---------------------------------------------------------------------------

@pytest.mark.parametrize(("today_offset", "ok"), [
    (-8, False),   # one day before the window opens
    (-7, True),    # 7 days before expiry: opens
    (0, True),
    (3, True),     # 3 days after expiry: still open
    (4, False),    # one day after it closes
])
def test_visit_extension_window_edges(session, people, today_offset, ok):
    v1 = people["v1"]
    expiry = v1.visa_expiry
    found = blockers(session, "visit_visa_extend", v1, v1,
                     today=expiry + timedelta(days=today_offset))
    assert found == ([] if ok else ["visit_window"])


def test_the_window_blocker_gives_its_dates(session, people):
    v2 = people["v2"]   # visa ends in 30 days
    found = blocker(session, "visit_visa_extend", v2, v2)
    assert found.params == {"opens": (v2.visa_expiry - timedelta(days=7)).isoformat(),
                            "closes": (v2.visa_expiry + timedelta(days=3)).isoformat()}


def test_visit_extension_needs_a_visit_visa_and_no_fines(session, people):
    v1, v4 = people["v1"], people["v4"]
    assert blockers(session, "visit_visa_extend", v4, v4) == ["visit_window", "traffic_fines"]
    change(session, v1, visa_type="work")
    assert blockers(session, "visit_visa_extend", v1, v1) == ["no_visit_visa"]
    change(session, v1, visa_type="visit", visa_expiry=None)
    assert blockers(session, "visit_visa_extend", v1, v1) == ["no_visit_visa"]


# --- passport update once in 5 years -------------------------------------------------------------

def at_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def test_passport_update_once_in_5_years(session, people):
    r1 = people["r1"]
    assert blockers(session, "passport_update", people["c1"], r1) == []
    past_request(session, "passport_update", r1, status="approved",
                 submitted=at_noon(add_years(TODAY, -5) - timedelta(days=1)))
    assert blockers(session, "passport_update", people["c1"], r1) == []   # 5 years + 1 day ago
    past_request(session, "passport_update", r1, status="approved",
                 submitted=at_noon(add_years(TODAY, -5)))
    assert blockers(session, "passport_update", people["c1"], r1) == [
        "passport_updated_recently"]   # exactly 5 years ago: still within the 5 years


def test_the_5_years_count_from_the_day_in_riyadh(session, people):
    r1 = people["r1"]
    five_years_ago = add_years(TODAY, -5)
    # 22:30 UTC the evening before is 01:30 on that day in Riyadh: exactly 5 years ago.
    past_request(session, "passport_update", r1, status="approved",
                 submitted=datetime.combine(five_years_ago, datetime.min.time(), UTC)
                 - timedelta(hours=1, minutes=30))
    assert blockers(session, "passport_update", people["c1"], r1) == [
        "passport_updated_recently"]


def test_a_rejected_or_unpaid_update_does_not_count(session, people):
    r1 = people["r1"]
    past_request(session, "passport_update", r1, status="rejected")
    past_request(session, "passport_update", r1, status="expired")
    assert blockers(session, "passport_update", people["c1"], r1) == []
    past_request(session, "passport_update", people["r10"], status="approved")
    assert blockers(session, "passport_update", people["c1"], r1) == []


def test_the_new_passport_must_differ_and_not_be_expired(session, people):
    r1 = people["r1"]

    def problems(number, expiry):
        return step_problems(session, "passport_update", "passport", people["c1"], r1,
                             {"passport_number": number, "passport_expiry": expiry})

    assert problems("n9999999", (TODAY + timedelta(days=1)).isoformat()) == []
    assert problems("N9999999", TODAY.isoformat()) == ["date_too_early"]
    assert problems(r1.passport_number.lower(), "2031-01-01") == ["passport_number_same"]


# --- absence (huroob) ----------------------------------------------------------------------------

def test_absence_once_per_worker_with_a_valid_iqama(session, people):
    c1, r1 = people["c1"], people["r1"]
    assert blockers(session, "absence_report", c1, r1) == []
    change(session, r1, absent_report=True)
    assert blockers(session, "absence_report", c1, r1) == ["already_reported_absent"]
    change(session, r1, absent_report=False, iqama_expiry=TODAY - timedelta(days=1))
    assert blockers(session, "absence_report", c1, r1) == ["iqama_expired"]
    assert blockers(session, "absence_report", people["c6"], people["r8"]) == [
        "already_reported_absent"]   # demo: Anil Sharma is already reported


def test_absence_report_needs_the_date_and_the_acknowledgement(session, people):
    def problems(since, understood="yes"):
        return step_problems(session, "absence_report", "confirm", people["c1"], people["r1"],
                             {"absent_since": since, "understood": understood})

    assert problems(TODAY.isoformat()) == []
    assert problems((TODAY - timedelta(days=365)).isoformat()) == []
    assert problems((TODAY - timedelta(days=366)).isoformat()) == ["date_too_early"]
    assert problems((TODAY + timedelta(days=1)).isoformat()) == ["date_too_late"]
    assert problems(TODAY.isoformat(), "") == ["confirm_required"]


# --- loss reports within 24 hours ----------------------------------------------------------------

@pytest.mark.parametrize("code", ["iqama_loss_report", "passport_loss_report"])
@pytest.mark.parametrize(("days_ago", "expected"), [
    (0, []), (1, []),                   # today, yesterday: within 24 hours
    (2, ["loss_report_late"]),          # two days ago: at an office
    (30, ["loss_report_late"]),
    (31, ["date_too_early"]),
    (-1, ["date_too_late"]),            # tomorrow
])
def test_a_loss_is_reported_within_24_hours(session, people, code, days_ago, expected):
    raw = {"lost_on": (TODAY - timedelta(days=days_ago)).isoformat(), "circumstances": "taxi"}
    assert step_problems(session, code, "loss", people["c1"], people["r1"], raw) == expected


def test_a_lost_passport_must_be_on_record(session, people):
    r1 = people["r1"]
    assert blockers(session, "passport_loss_report", people["c1"], r1) == []
    change(session, r1, passport_number=None, passport_expiry=None)
    assert blockers(session, "passport_loss_report", people["c1"], r1) == ["passport_missing"]


# --- fines and the passport ----------------------------------------------------------------------

def test_fines_are_paid_only_when_there_are_some(session, people):
    assert blockers(session, "traffic_fines_pay", people["c1"], people["c1"]) == [
        "no_traffic_fines"]
    assert blockers(session, "traffic_fines_pay", people["c4"], people["c4"]) == []


def test_passport_issue_is_blocked_by_fines_and_an_open_passport_request(session, people):
    assert blockers(session, "passport_issue", people["c1"], people["c3"]) == []  # expired: renew
    assert blockers(session, "passport_issue", people["c4"], people["c4"]) == ["traffic_fines"]
    past_request(session, "passport_issue", people["c3"], status="in_review")
    assert blockers(session, "passport_issue", people["c1"], people["c3"]) == ["open_request"]


# --- every blocker at once -----------------------------------------------------------------------

def test_khalids_worker_shows_all_blockers_at_once(session, people):
    c4, r6 = people["c4"], people["r6"]   # Surya Prasad: fines 200, iqama expired 15 days ago
    found = wizard.precheck(catalogue.BY_CODE["exit_reentry_issue"], ctx_of(session, c4, r6))
    assert [(b.code, b.params) for b in found] == [
        ("traffic_fines", {"amount": 200}),
        ("iqama_expired", {"date": (TODAY - timedelta(days=15)).isoformat()})]
    assert blockers(session, "final_exit_issue", c4, r6) == ["traffic_fines", "iqama_expired"]
    assert blockers(session, "absence_report", c4, r6) == ["iqama_expired"]


def test_a_person_breaking_every_rule_gets_every_blocker(session, people):
    r1 = people["r1"]
    change(session, r1, traffic_fines_sar=10, travel_ban=True, absent_report=True,
           iqama_expiry=TODAY - timedelta(days=1), passport_expiry=TODAY + timedelta(days=30))
    visa(session, r1, valid_until=TODAY + timedelta(days=3))
    past_request(session, "exit_reentry_issue", r1, status="awaiting_payment")
    assert blockers(session, "exit_reentry_issue", people["c1"], r1) == [
        "traffic_fines", "travel_ban", "absent_reported", "iqama_expired",
        "passport_expires_soon", "visa_already_issued", "open_request"]


def test_submission_refuses_a_blocked_request_with_every_blocker(session, people):
    c4, r6 = people["c4"], people["r6"]
    service = catalogue.BY_CODE["exit_reentry_issue"]
    with pytest.raises(requests.BlockedError) as caught:
        requests.check_draft(service, ctx_of(session, c4, r6),
                             {"visa_kind": "single", "days": "30"})
    assert [b.code for b in caught.value.blockers] == ["traffic_fines", "iqama_expired"]


# --- every text the catalogue refers to ----------------------------------------------------------

def _module_calls(module, names: set[str]) -> list[ast.Call]:
    tree = ast.parse(inspect.getsource(module))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Name) and node.func.id in names) or
        (isinstance(node.func, ast.Attribute) and node.func.attr in names))]


def _literal_first_args(module, names: set[str]) -> set[str]:
    return {call.args[0].value for call in _module_calls(module, names)
            if call.args and isinstance(call.args[0], ast.Constant)}


def missing(keys) -> list[str]:
    return sorted(f"{lang}: {key}" for key in keys for lang, strings in LANGS
                  if not strings.get(key))


# The modules whose rules, fees and effects the services are made of.
RULE_MODULES = (catalogue, traffic, vehicles)


def test_every_blocker_code_has_its_text_and_fix():
    codes = set().union(*(_literal_first_args(m, {"Blocker"}) for m in RULE_MODULES))
    assert len(codes) >= 26 and "traffic_fines" in codes and "visit_window" in codes
    assert {"licence_not_due", "absence_cancel_window_closed", "iqama_not_issued"} <= codes
    assert missing([f"blockers.{c}" for c in codes] + [f"fixes.{c}" for c in codes]) == []


def test_blocker_texts_have_the_same_placeholders_in_both_languages():
    # (Each blocker the tests above produce is also rendered with its own params.)
    formatter = string.Formatter()
    for key in [k for k in EN if k.startswith(("blockers.", "fixes."))]:
        for lang, strings in LANGS:
            fields = {name for _, name, _, _ in formatter.parse(strings[key]) if name}
            other = {name for _, name, _, _ in formatter.parse((AR if lang == "en" else EN)[key])
                     if name}
            assert fields == other, key


def test_every_service_step_field_option_and_hint_has_its_text():
    keys = []
    for service in catalogue.SERVICES:
        keys += [service.title_key, service.summary_key, f"group.{service.group}"]
        assert service.group in catalogue.GROUPS
        for step in service.steps:
            keys.append(step.title_key)
            for field in step.fields:
                keys.append(field.label_key)
                if field.hint_key:
                    keys.append(field.hint_key)
                if field.kind in ("choice", "multi"):
                    assert bool(field.options) != bool(field.options_from), field.name
                keys += [option.label_key for option in field.options]
    assert len(catalogue.SERVICES) == 24
    assert missing(keys) == []


def test_options_made_from_records_have_their_text(session, people):
    # Khalid's fines, Mohammed's vehicles, an authorisation: each label fills in both languages.
    c1, c4 = people["c1"], people["c4"]
    made = list(traffic.fine_options(ctx_of(session, c4, c4)))
    made += traffic.vehicle_options(ctx_of(session, c1, c1))
    assert made
    made.append(wizard.Option("x", "option.authorization_outside", (
        ("number", "6000000001"), ("plate", "ABD1234"), ("driver", "1000000107"),
        ("date", "2026-06-01"))))
    made.append(wizard.Option("x", "option.authorization_inside", made[-1].params))
    for option in made:
        for lang, _ in LANGS:
            label = translate(option.label_key, lang, **dict(option.params))
            assert "{" not in label and label
    assert {f"option.fine.{v}" for v in traffic.VIOLATIONS} <= set(AR) & set(EN)


def test_every_choice_option_is_a_value_its_field_accepts():
    for service in catalogue.SERVICES:
        for step in service.steps:
            for field in step.fields:
                for option in field.options:
                    assert str(field.parse(option.value, None)) == option.value


def test_every_error_code_the_services_raise_has_its_text():
    codes = set()
    for module in (wizard, catalogue, requests, *RULE_MODULES):
        codes |= _literal_first_args(module, {"ValidationError", "DomainError"})
        # a_date(..., too_early=CODE, too_late=CODE) names its own codes
        codes |= {keyword.value.value for call in _module_calls(module, {"a_date"})
                  for keyword in call.keywords if keyword.arg in ("too_early", "too_late")
                  and isinstance(keyword.value, ast.Constant)}
        for call in _module_calls(module, {"__init__"}):
            if call.args and isinstance(call.args[0], ast.Constant):
                codes.add(call.args[0].value)
    codes |= {"request_blocked", "answers_invalid", "field_required", "date_invalid"}
    assert {"visa_beyond_iqama", "bill_expired", "reason_required", "driver_no_licence",
            "permit_too_late"} <= codes
    assert missing([f"errors.{code}" for code in codes]) == []


def test_every_status_event_and_notification_has_its_text():
    notifications = {
        call.args[2].value for call in _module_calls(requests, {"notify"})
        if len(call.args) > 2 and isinstance(call.args[2], ast.Constant)}
    notifications |= {f"delivery_{s}" for s in requests.DELIVERY_STATUSES[1:]}
    notifications |= {service.approved_notice for service in catalogue.SERVICES}
    notifications |= {call.args[2].value for call in _module_calls(traffic, {"notify"})
                      if len(call.args) > 2 and isinstance(call.args[2], ast.Constant)}
    assert {"driving_authorization_granted", "driving_authorization_cancelled"} <= notifications
    assert {"bill_issued", "approved", "rejected", "expired", "in_review"} <= notifications
    events = {"submitted", "bill_issued", "paid", "in_review", "approved", "rejected", "expired"}
    events |= {f"delivery_{s}" for s in requests.DELIVERY_STATUSES}
    statuses = {"awaiting_payment", "in_review", "approved", "rejected", "expired", "delivered"}
    assert missing([f"notifications.{n}" for n in notifications] +
                   [f"event.{e}" for e in events] + [f"status.{s}" for s in statuses] +
                   [f"delivery.{s}" for s in requests.DELIVERY_STATUSES] +
                   [f"bill.{s}" for s in ("unpaid", "paid", "expired")]) == []


def test_outcome_keys_of_effects_have_their_text():
    keys = set()
    for module in RULE_MODULES:
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Dict):
                keys |= {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
    assert {"visa_number", "valid_until", "passport_number", "paid", "late", "permit_number",
            "licence_number", "authorization_number", "fines_paid"} <= keys
    assert missing([f"outcome.{key}" for key in keys]) == []


def test_stored_blocker_params_are_json(session, people):
    # What the wizard keeps and shows must survive a JSON round trip (no date objects).
    r1 = people["r1"]
    change(session, r1, traffic_fines_sar=10, iqama_expiry=TODAY - timedelta(days=1),
           passport_expiry=TODAY + timedelta(days=30))
    for service in catalogue.SERVICES:
        for found in wizard.precheck(service, ctx_of(session, people["c1"], r1)):
            assert json.loads(json.dumps(found.params)) == found.params


def test_a_blocker_links_to_the_service_that_fixes_it_for_the_same_person(session, people):
    def fixer(applicant: str, beneficiary: str, code: str, **params):
        ctx = ctx_of(session, people[applicant], people[beneficiary])
        found = catalogue.fixing_service(wizard.Blocker(code, params), ctx)
        return found.code if found else None

    # Khalid's worker Surya: unpaid fines and an expired iqama.
    assert fixer("c4", "r6", "traffic_fines", amount=200) == "traffic_fines_pay"
    assert fixer("c4", "r6", "iqama_expired", date="-") == "iqama_renew"
    # A resident's own passport is updated on the iqama; a citizen renews it.
    assert fixer("r5", "r5", "passport_expires_soon") == "passport_update"
    assert fixer("c1", "c1", "passport_expired") == "passport_issue"
    # A resident cannot renew their own iqama online (the sponsor does): no link.
    assert fixer("r4", "r4", "iqama_expired") is None
    assert fixer("c4", "r6", "travel_ban") is None
    assert set(catalogue.FIXED_BY) <= {k.removeprefix("blockers.") for k in EN
                                       if k.startswith("blockers.")}
