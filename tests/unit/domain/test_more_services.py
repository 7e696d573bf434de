"""The further Passports services on the wizard engine, at their boundaries: a first iqama for
the newly arrived, travel permits for children under 21, a lost or damaged Saudi passport,
cancelling an absence report within its window; and the delegable list they make up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from absher_app.domain import catalogue, requests, wizard
from absher_app.domain import delegation as delegations
from absher_app.domain.calendars import RIYADH
from absher_app.domain.demo import demo_ids, load_demo
from absher_app.domain.rules_data import add_months, add_years
from absher_app.i18n import translate
from absher_app.models import Person, ServiceRequest, TravelPermit, Visa
from absher_app.providers.sms import OutboxSmsSender
from tests.unit.domain.test_requests import outcome, pay, submit

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)  # 12:00 in Riyadh
TODAY = NOW.astimezone(RIYADH).date()          # 2026-05-10
SMS = OutboxSmsSender()


@pytest.fixture
def people(session) -> dict[str, Person]:
    load_demo(session, TODAY)
    session.commit()
    return {key: session.exec(select(Person).where(Person.id_number == number)).one()
            for key, number in demo_ids().items()}


def ctx_of(session, applicant: Person, beneficiary: Person | None = None,
           today: date = TODAY, **answers) -> wizard.Context:
    return wizard.Context(session=session, today=today, now=NOW, applicant=applicant,
                          beneficiary=beneficiary or applicant, answers=dict(answers))


def blockers(session, code: str, applicant: Person, beneficiary: Person,
             today: date = TODAY) -> list[str]:
    found = wizard.precheck(catalogue.BY_CODE[code], ctx_of(session, applicant, beneficiary,
                                                              today))
    for blocker in found:
        for lang in ("ar", "en"):
            assert "{" not in translate(f"blockers.{blocker.code}", lang, **blocker.params)
            assert "{" not in translate(f"fixes.{blocker.code}", lang, **blocker.params)
    return [blocker.code for blocker in found]


def step_problems(session, code: str, step: str, applicant: Person, beneficiary: Person,
                  raw: dict[str, str], today: date = TODAY) -> list[str]:
    _, problems = wizard.parse_step(wizard.step_named(catalogue.BY_CODE[code], step), raw,
                                    ctx_of(session, applicant, beneficiary, today))
    return [p.code for p in problems]


def fees(session, code: str, applicant: Person, beneficiary: Person, today: date = TODAY,
         **answers) -> list[tuple[str, int]]:
    lines = catalogue.BY_CODE[code].fee(ctx_of(session, applicant, beneficiary, today,
                                               **answers))
    for line in lines:
        for lang in ("ar", "en"):
            assert "{" not in translate(f"fees.{line.key}", lang, **line.params)
    return [(line.key, line.amount) for line in lines]


def names(session, code: str, applicant: Person, today: date = TODAY) -> list[str]:
    return [p.name_en for p in wizard.candidates(catalogue.BY_CODE[code],
                                                 ctx_of(session, applicant, today=today))]


def save(session, *rows) -> None:
    for row in rows:
        session.add(row)
    session.commit()



# --- first iqama for the newly arrived ---------------------------------------------------------

def test_only_the_newly_arrived_are_candidates_for_a_first_iqama(session, people):
    c8, r11 = people["c8"], people["r11"]
    assert names(session, "iqama_issue", c8) == ["Joseph Mathew"]
    assert names(session, "iqama_issue", people["c1"]) == []   # his workers hold iqamas
    # Someone without an iqama yet is not offered what acts on an iqama.
    for code in ("iqama_renew", "exit_reentry_issue", "final_exit_issue", "iqama_loss_report",
                 "passport_update"):
        assert names(session, code, c8) == [], code
    assert r11.iqama_expiry is None and r11.entered_on == TODAY - timedelta(days=21)


def test_a_worker_without_an_iqama_is_told_to_issue_it_first(session, people):
    c8, r11 = people["c8"], people["r11"]
    assert blockers(session, "absence_report", c8, r11) == ["iqama_not_issued"]
    fix = catalogue.fixing_service(wizard.Blocker("iqama_not_issued"), ctx_of(session, c8, r11))
    assert fix.code == "iqama_issue"


def test_first_iqama_blockers(session, people):
    c8, r11 = people["c8"], people["r11"]
    assert blockers(session, "iqama_issue", c8, r11) == []
    r11.passport_expiry, r11.absent_report = TODAY - timedelta(days=1), True
    save(session, r11)
    assert blockers(session, "iqama_issue", c8, r11) == ["passport_expired", "absent_reported"]


@pytest.mark.parametrize(("days_since_entry", "late"), [(0, False), (90, False), (91, True)])
def test_a_first_iqama_more_than_90_days_after_entry_adds_the_fine(session, people,
                                                                   days_since_entry, late):
    c8, r11 = people["c8"], people["r11"]
    r11.entered_on = TODAY - timedelta(days=days_since_entry)
    save(session, r11)
    expected = [("iqama_period", 650)] + ([("iqama_issue_late_fine", 500)] if late else [])
    assert fees(session, "iqama_issue", c8, r11, months="12") == expected


def test_a_newly_arrived_dependant_pays_the_dependants_levy(session, people):
    r4 = people["r4"]
    child = Person(id_number="2999999990", category="dependent", name_ar="طفل",
                   name_en="Child Imran", birth_date=date(2019, 1, 1), gender="M",
                   nationality="PK", mobile="+966599999990", sponsor_id=r4.id_number,
                   relationship="child", entered_on=TODAY - timedelta(days=10),
                   passport_number="P1234567", passport_expiry=TODAY + timedelta(days=900))
    save(session, child)
    assert names(session, "iqama_issue", r4) == ["Child Imran"]
    assert fees(session, "iqama_issue", r4, child, months="3") == [
        ("iqama_period", 163), ("dependant_levy", 1200)]


def test_issuing_the_first_iqama_makes_it_a_renewal_next_time(session, people):
    c8, r11 = people["c8"], people["r11"]
    request = submit(session, "turki", "iqama_issue", r11, {"months": "6"})
    assert request.fee_sar == 325
    pay(session, request)
    session.refresh(r11)
    assert r11.iqama_expiry == add_months(TODAY, 6)
    assert outcome(request) == {"late": False, "valid_until": r11.iqama_expiry.isoformat()}
    assert names(session, "iqama_issue", c8) == []
    assert names(session, "iqama_renew", c8) == ["Joseph Mathew"]
    assert blockers(session, "absence_report", c8, r11) == []


# --- travel permits ----------------------------------------------------------------------------

def test_a_travel_permit_is_for_a_citizen_child_under_21(session, people):
    c1, c4 = people["c1"], people["c4"]
    assert names(session, "travel_permit_issue", c4) == ["Lama Khalid Alotaibi"]
    assert names(session, "travel_permit_issue", c1) == ["Abdullah Mohammed Alqahtani"]
    assert names(session, "travel_permit_issue", people["r2"]) == []   # residents' children
    lama = people["c11"]
    twenty_first = add_years(lama.birth_date, 21)
    assert names(session, "travel_permit_issue", c4, today=twenty_first - timedelta(days=1)) \
        == ["Lama Khalid Alotaibi"]
    assert names(session, "travel_permit_issue", c4, today=twenty_first) == []


def test_travel_permit_blockers_and_the_link_to_cancel_the_one_in_force(session, people):
    c1, c4, lama = people["c1"], people["c4"], people["c11"]
    assert blockers(session, "travel_permit_issue", c4, lama) == []
    assert blockers(session, "travel_permit_issue", c1, people["c3"]) == ["passport_expired"]
    save(session, TravelPermit(number="8000000001", person_id=lama.id, trips="single",
                               issued_on=TODAY - timedelta(days=5), valid_until=TODAY))
    lama.travel_ban = True
    save(session, lama)
    assert blockers(session, "travel_permit_issue", c4, lama) == ["travel_ban",
                                                                  "travel_permit_exists"]
    fix = catalogue.fixing_service(wizard.Blocker("travel_permit_exists"),
                                   ctx_of(session, c4, lama))
    assert fix.code == "travel_permit_cancel"
    # The day after its last day the permit has ended: nothing blocks, nothing to cancel.
    tomorrow = TODAY + timedelta(days=1)
    assert blockers(session, "travel_permit_issue", c4, lama, tomorrow) == ["travel_ban"]
    assert blockers(session, "travel_permit_cancel", c4, lama, tomorrow) == ["no_travel_permit"]


def permit_end(session, people, end: date, today: date = TODAY) -> list[str]:
    return step_problems(session, "travel_permit_issue", "permit", people["c4"], people["c11"],
                         {"trips": "multiple", "valid_until": end.isoformat()}, today)


def test_a_permit_starts_tomorrow_at_the_earliest_and_lasts_a_year_at_most(session, people):
    assert permit_end(session, people, TODAY) == ["date_too_early"]
    assert permit_end(session, people, TODAY + timedelta(days=1)) == []
    assert permit_end(session, people, TODAY + timedelta(days=365)) == []
    assert permit_end(session, people, TODAY + timedelta(days=366)) == ["permit_too_late"]


def test_a_permit_ends_with_the_passport_and_before_the_21st_birthday(session, people):
    lama = people["c11"]
    lama.passport_expiry = TODAY + timedelta(days=100)
    save(session, lama)
    assert permit_end(session, people, TODAY + timedelta(days=100)) == []
    assert permit_end(session, people, TODAY + timedelta(days=101)) == ["permit_too_late"]
    lama.passport_expiry = TODAY + timedelta(days=3000)
    lama.birth_date = add_years(TODAY, -21) + timedelta(days=50)   # 21 in 50 days
    save(session, lama)
    assert permit_end(session, people, TODAY + timedelta(days=49)) == []
    assert permit_end(session, people, TODAY + timedelta(days=50)) == ["permit_too_late"]
    _, [problem] = wizard.parse_step(
        wizard.step_named(catalogue.BY_CODE["travel_permit_issue"], "permit"),
        {"trips": "single", "valid_until": (TODAY + timedelta(days=50)).isoformat()},
        ctx_of(session, people["c4"], lama))
    assert problem.params["date"] == (TODAY + timedelta(days=49)).isoformat()


def test_issuing_and_cancelling_a_travel_permit(session, people):
    c4, lama = people["c4"], people["c11"]
    until = TODAY + timedelta(days=60)
    issued = submit(session, "khalid", "travel_permit_issue", lama,
                    {"trips": "multiple", "valid_until": until.isoformat()})
    assert issued.fee_sar == 0 and issued.status == "approved"
    permit = session.exec(select(TravelPermit)).one()
    assert (permit.person_id, permit.trips, permit.issued_on, permit.valid_until,
            permit.status, permit.request_id) == (lama.id, "multiple", TODAY, until, "issued",
                                                  issued.id)
    assert outcome(issued) == {"permit_number": permit.number, "valid_until": until.isoformat()}
    assert blockers(session, "travel_permit_issue", c4, lama) == ["travel_permit_exists"]
    cancelled = submit(session, "khalid", "travel_permit_cancel", lama, {},
                       now=NOW + timedelta(minutes=1))
    session.refresh(permit)
    assert cancelled.status == "approved" and permit.status == "cancelled"
    assert outcome(cancelled) == {"permit_number": permit.number}
    assert blockers(session, "travel_permit_issue", c4, lama) == []


# --- a lost or damaged Saudi passport ----------------------------------------------------------

def test_a_citizen_reports_their_own_or_a_minor_childs_passport(session, people):
    c1 = people["c1"]
    assert names(session, "saudi_passport_loss_report", c1) == [
        "Mohammed Abdullah Alqahtani", "Abdullah Mohammed Alqahtani"]
    assert names(session, "saudi_passport_loss_report", people["r2"]) == []
    c7 = people["c7"]   # Reem: no passport on record
    assert blockers(session, "saudi_passport_loss_report", c7, c7) == ["no_passport_on_record"]
    fix = catalogue.fixing_service(wizard.Blocker("no_passport_on_record"),
                                   ctx_of(session, c7, c7))
    assert fix.code == "passport_issue"
    # An expired passport is still one to report.
    assert blockers(session, "saudi_passport_loss_report", c1, people["c3"]) == []


@pytest.mark.parametrize(("days_ago", "problems"), [
    (-1, ["date_too_late"]), (0, []), (30, []), (31, ["date_too_early"])])
def test_the_loss_or_damage_is_reported_within_30_days(session, people, days_ago, problems):
    c1 = people["c1"]
    raw = {"event": "damaged", "event_on": (TODAY - timedelta(days=days_ago)).isoformat(),
           "circumstances": "Water damage"}
    assert step_problems(session, "saudi_passport_loss_report", "event", c1, c1,
                         raw) == problems


def test_reporting_clears_the_passport_and_a_new_one_can_be_issued(session, people):
    c1 = people["c1"]
    lost = c1.passport_number
    request = submit(session, "mohammed", "saudi_passport_loss_report", c1,
                     {"event": "lost", "event_on": TODAY.isoformat(),
                      "circumstances": "Lost at the airport"})
    assert request.fee_sar == 0 and request.status == "approved"
    session.refresh(c1)
    assert (c1.passport_number, c1.passport_expiry) == (None, None)
    assert outcome(request) == {"passport_number": lost}
    assert blockers(session, "passport_issue", c1, c1) == []
    assert blockers(session, "saudi_passport_loss_report", c1, c1) == ["no_passport_on_record"]


# --- cancelling an absence report --------------------------------------------------------------

def report_absent(session, people, now: datetime = NOW) -> ServiceRequest:
    return submit(session, "ahmed", "absence_report", people["r3"],
                  {"absent_since": (now.astimezone(RIYADH).date()).isoformat(),
                   "understood": "yes"}, now=now)


def test_the_cancellation_is_offered_for_a_worker_reported_absent(session, people):
    r2 = people["r2"]
    assert names(session, "absence_report_cancel", r2) == []
    report = report_absent(session, people)
    assert report.status == "approved"
    assert names(session, "absence_report_cancel", r2) == ["Maria Santos"]


@pytest.mark.parametrize(("days_after", "expected"), [
    (0, []), (15, []), (16, ["absence_cancel_window_closed"])])
def test_a_report_is_cancelled_within_15_days_of_filing(session, people, days_after, expected):
    report_absent(session, people)
    later = TODAY + timedelta(days=days_after)
    assert blockers(session, "absence_report_cancel", people["r2"], people["r3"],
                    later) == expected
    if expected:
        [found] = wizard.precheck(catalogue.BY_CODE["absence_report_cancel"],
                                  ctx_of(session, people["r2"], people["r3"], later))
        assert found.params == {"date": (TODAY + timedelta(days=15)).isoformat(), "days": 15}


def test_a_report_not_filed_online_or_a_final_exit_blocks_the_cancellation(session, people):
    c6, r8 = people["c6"], people["r8"]   # absent in the registry extract, not via the portal
    assert names(session, "absence_report_cancel", c6) == ["Anil Sharma"]
    assert blockers(session, "absence_report_cancel", c6, r8) == ["absence_not_reported_online"]
    report_absent(session, people)
    save(session, Visa(number="5000000009", person_id=people["r3"].id, kind="final_exit",
                       issued_on=TODAY, valid_until=TODAY + timedelta(days=60)))
    assert blockers(session, "absence_report_cancel", people["r2"], people["r3"]) == [
        "worker_has_final_exit"]


def test_an_absence_report_is_refused_once_a_final_exit_is_issued(session, people):
    r2, r3 = people["r2"], people["r3"]
    assert blockers(session, "absence_report", r2, r3) == []
    save(session, Visa(number="5000000010", person_id=r3.id, kind="final_exit",
                       issued_on=TODAY, valid_until=TODAY + timedelta(days=60)))
    assert blockers(session, "absence_report", r2, r3) == ["worker_has_final_exit"]


def test_an_officer_decides_the_cancellation(session, people):
    r3 = people["r3"]
    report_absent(session, people)
    request = submit(session, "ahmed", "absence_report_cancel", r3,
                     {"reason": "She is back at work", "understood": "yes"},
                     now=NOW + timedelta(days=3))
    assert (request.fee_sar, request.status) == (0, "in_review")
    session.refresh(r3)
    assert r3.absent_report is True   # nothing changes before the decision
    requests.decide(session, request.reference, True, "", now=NOW + timedelta(days=4), sms=SMS)
    session.commit()
    session.refresh(r3)
    assert request.status == "approved" and r3.absent_report is False
    assert names(session, "absence_report_cancel", people["r2"]) == []


# --- the delegable list ------------------------------------------------------------------------

def test_at_least_21_services_are_delegable_and_all_in_a_sector(session):
    delegable = [s.code for s in catalogue.SERVICES if s.delegable]
    assert len(delegable) >= 21
    by_sector = delegations.delegable_codes("passports") + delegations.delegable_codes("traffic")
    assert sorted(by_sector) == sorted(delegable)
    for code in ("iqama_issue", "travel_permit_issue", "travel_permit_cancel",
                 "saudi_passport_loss_report", "absence_report", "absence_report_cancel"):
        assert code in delegations.delegable_codes("passports"), code
    for code in ("vehicle_registration_renew", "driving_licence_renew",
                 "driving_authorization_issue", "driving_authorization_cancel"):
        assert code in delegations.delegable_codes("traffic"), code


def test_a_delegation_may_cover_every_service_of_a_sector(session):
    # Ticking every box makes an answer longer than one text answer: none is cut off.
    step = wizard.step_named(catalogue.BY_CODE["delegation"], "passports_services")
    codes = delegations.delegable_codes("passports")
    typed = wizard.typed_value(step.fields[0], {f"services__{c}": "yes" for c in codes})
    assert len(typed) > 250
    anyone = wizard.Context(session=session, today=TODAY, now=NOW, applicant=None)
    values, problems = wizard.parse_step(step, {"services": typed}, anyone)
    assert problems == [] and values["services"].split(",") == list(codes)
