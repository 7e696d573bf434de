"""The wizard engine: who may apply for whom, field parsing (every problem at once), step
checks, re-validation of stored answers, and drafts (one per account and service)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy
from sqlmodel import select

from absher_app.domain import catalogue, wizard
from absher_app.domain.calendars import RIYADH
from absher_app.domain.demo import demo_ids, load_demo
from absher_app.domain.errors import ValidationError
from absher_app.i18n import error_text
from absher_app.models import Account, Person, WizardDraft
from tests.sql_log import selects_sent

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)  # 12:00 in Riyadh
TODAY = NOW.astimezone(RIYADH).date()


@pytest.fixture
def people(session) -> dict[str, Person]:
    """The demo registry and accounts loaded on TODAY, by demo key (c1, r1, ...)."""
    load_demo(session, TODAY)
    session.commit()
    return {key: session.exec(select(Person).where(Person.id_number == number)).one()
            for key, number in demo_ids().items()}


def account(session, username: str) -> Account:
    return session.exec(select(Account).where(Account.username == username)).one()


def ctx_of(session, applicant: Person, beneficiary: Person | None = None,
           today: date = TODAY, **answers) -> wizard.Context:
    return wizard.Context(session=session, today=today, now=NOW, applicant=applicant,
                          beneficiary=beneficiary, answers=dict(answers))


def add_person(session, sponsor: Person | None, *, key: str, category: str = "citizen",
               relationship: str | None = None, birth: date = date(2000, 1, 1),
               **fields) -> Person:
    person = Person(id_number=f"1{abs(hash(key)) % 10**9:09d}", category=category,
                    name_ar=f"شخص {key}", name_en=f"Person {key}", birth_date=birth,
                    gender="M", nationality="SA", mobile="+966500000001",
                    sponsor_id=sponsor.id_number if sponsor else None,
                    relationship=relationship, **fields)
    session.add(person)
    session.commit()
    return person


def codes_of(services) -> set[str]:
    return {s.code for s in services}


def keys_of(people: dict[str, Person], persons: list[Person]) -> list[str]:
    by_id = {p.id: key for key, p in people.items()}
    return [by_id.get(p.id, p.name_en) for p in persons]


# --- candidates and available services -----------------------------------------------------------

def test_a_citizen_may_renew_the_passport_of_self_and_of_a_minor_child(session, people):
    ctx = ctx_of(session, people["c1"])
    assert keys_of(people, wizard.candidates(catalogue.BY_CODE["passport_issue"], ctx)) == [
        "c1", "c3"]


def test_an_adult_child_applies_for_their_own_passport(session, people):
    c1 = people["c1"]
    add_person(session, c1, key="adult", relationship="child", birth=date(2004, 1, 1))
    # 21 tomorrow: still a minor today; 21 today: no longer.
    add_person(session, c1, key="minor", relationship="child",
               birth=TODAY.replace(year=TODAY.year - 21) + timedelta(days=1))
    add_person(session, c1, key="turns21", relationship="child",
               birth=TODAY.replace(year=TODAY.year - 21))
    names = [p.name_en for p in wizard.candidates(catalogue.BY_CODE["passport_issue"],
                                                   ctx_of(session, c1))]
    assert "Person minor" in names
    assert "Person adult" not in names and "Person turns21" not in names


def test_a_citizens_spouse_or_resident_worker_is_not_a_passport_candidate(session, people):
    c1 = people["c1"]
    add_person(session, c1, key="wife", relationship="spouse")
    names = [p.name_en for p in wizard.candidates(catalogue.BY_CODE["passport_issue"],
                                                   ctx_of(session, c1))]
    assert "Person wife" not in names and "Rajesh Kumar" not in names


def test_a_citizen_sponsor_runs_visa_and_iqama_services_for_workers_not_for_self(session, people):
    ctx = ctx_of(session, people["c1"])
    for code in ("exit_reentry_issue", "final_exit_issue", "iqama_renew", "iqama_loss_report",
                 "passport_update", "absence_report"):
        assert keys_of(people, wizard.candidates(catalogue.BY_CODE[code], ctx)) == [
            "r1", "r10"], code   # name order: Rajesh Kumar, Siti Nurhaliza


def test_a_resident_sees_visas_for_self_and_iqama_services_for_dependants_and_workers(
        session, people):
    ctx = ctx_of(session, people["r2"])
    household = {"d1", "d2", "d3", "d5", "r3"}
    visa = keys_of(people, wizard.candidates(catalogue.BY_CODE["exit_reentry_issue"], ctx))
    assert visa[0] == "r2" and set(visa[1:]) == household   # themself first
    assert set(keys_of(people, wizard.candidates(catalogue.BY_CODE["iqama_renew"], ctx))) == \
        household  # the renewal is for those sponsored, not oneself
    assert keys_of(people, wizard.candidates(catalogue.BY_CODE["absence_report"], ctx)) == ["r3"]
    assert keys_of(people, wizard.candidates(catalogue.BY_CODE["passport_update"], ctx))[0] == \
        "r2"


def test_no_one_applies_for_someone_outside_their_household(session, people):
    ctx = ctx_of(session, people["c1"])
    everyone = {p.id for s in catalogue.SERVICES for p in wizard.candidates(s, ctx)}
    assert everyone == {people[k].id for k in ("c1", "c3", "r1", "r10")}
    assert wizard.is_household_member(session, people["c1"], people["r1"])
    assert not wizard.is_household_member(session, people["c1"], people["r3"])


def test_one_person_is_a_candidate_exactly_when_the_household_list_holds_them(session, people):
    """`is_candidate` (a draft's beneficiary, checked at every step without the household
    list) agrees with `candidates` for every demo applicant, service and person: above all,
    nobody outside the applicant's household is one (`candidates` never looks at them; the
    rules for oneself and those sponsored are pinned by the tests above)."""
    checked = 0
    for applicant in people.values():
        ctx = ctx_of(session, applicant)
        for service in catalogue.SERVICES:
            listed = {p.id for p in wizard.candidates(service, ctx)}
            for person in people.values():
                assert wizard.is_candidate(service, ctx, person) == (person.id in listed), (
                    applicant.name_en, service.code, person.name_en)
                checked += person.id in listed
    assert checked > 50  # not vacuous: many pairs are candidates


def test_a_link_preselects_only_someone_of_ones_own_household(session, people):
    ctx = ctx_of(session, people["c1"])
    visa = catalogue.BY_CODE["exit_reentry_issue"]
    r1 = people["r1"]
    assert wizard.preselected(visa, ctx, r1.id_number) == r1
    assert wizard.preselected(visa, ctx, f" {r1.id_number} ") == r1
    # Another household's worker, an unrelated citizen, the person themself where the service
    # is not for them, junk: nobody.
    for value in (people["r3"].id_number, people["c2"].id_number, people["c1"].id_number,
                  "", "abc", str(r1.id), r1.id_number + "0", "' or 1=1 --"):
        assert wizard.preselected(visa, ctx, value) is None, value
    # The minor child is a passport candidate, an adult worker is not.
    passport = catalogue.BY_CODE["passport_issue"]
    assert wizard.preselected(passport, ctx, people["c3"].id_number) == people["c3"]
    assert wizard.preselected(passport, ctx, r1.id_number) is None


def test_available_services_per_category(session, people):
    def available(key):
        return codes_of(wizard.available_services(catalogue.SERVICES,
                                                  ctx_of(session, people[key])))

    everything = codes_of(catalogue.SERVICES)
    # Only once there is something to act on: a newly arrived person, a worker reported
    # absent, an authorisation given.
    occasional = {"iqama_issue", "absence_report_cancel", "driving_authorization_cancel"}
    citizens_only = {"passport_issue", "travel_permit_issue", "travel_permit_cancel",
                     "saudi_passport_loss_report"}
    # Sponsor of two workers and a child, owner of two vehicles, holder of a licence.
    assert available("c1") == everything - {"visit_visa_extend"} - occasional
    # Sponsors only a worker who has just arrived, whose first iqama is the one iqama service.
    assert available("c8") == {"passport_issue", "traffic_fines_pay", "delegation",
                               "iqama_issue", "absence_report", "saudi_passport_loss_report",
                               "driving_licence_renew"}
    assert available("r2") == everything - {"visit_visa_extend"} - occasional - citizens_only
    assert available("v1") == {"visit_visa_extend", "traffic_fines_pay"}
    assert available("g1") == {"traffic_fines_pay"}
    assert available("d1") == {"iqama_loss_report", "passport_loss_report", "traffic_fines_pay"}


def test_the_catalogue_asks_the_database_once_for_the_household_and_the_vehicles(session,
                                                                                 people):
    """Every service asks whom the applicant sponsors, and the traffic services what a
    member owns or holds: one context reads each once (c1 and two of his household)."""
    with selects_sent(session.get_bind()) as selects:
        ctx = ctx_of(session, people["c1"])
        wizard.available_services(catalogue.SERVICES, ctx)
        wizard.available_services(catalogue.SERVICES, ctx)
    tables = sorted(re.search(r"\bFROM\s+(\w+)", s).group(1) for s in selects)
    assert tables == ["drivingauthorization", "drivinglicence", "drivinglicence",
                      "drivinglicence", "person", "vehicle"]


def test_a_visitor_sees_the_visit_extension_for_themself_only(session, people):
    ctx = ctx_of(session, people["v1"])
    assert wizard.candidates(catalogue.BY_CODE["visit_visa_extend"], ctx) == [people["v1"]]
    assert wizard.candidates(catalogue.BY_CODE["visit_visa_extend"],
                             ctx_of(session, people["c1"])) == []


# --- field parsers -------------------------------------------------------------------------------

def problem(parse, raw: str, ctx=None) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse(raw, ctx)
    return caught.value


def test_whole_number_accepts_arabic_indic_digits_and_checks_the_range():
    parse = wizard.whole_number("days", 1, 365)
    assert parse("61", None) == 61
    assert parse(" ٦١ ", None) == 61
    assert parse("1", None) == 1 and parse("365", None) == 365
    assert problem(parse, "0").code == "number_range"
    assert problem(parse, "366").code == "number_range"
    for bad in ("", "6.5", "-3", "sixty", "1234567"):
        assert problem(parse, bad).code == "number_invalid", bad
    assert problem(parse, "x").params == {"field": "days", "low": 1, "high": 365}


def test_choice_accepts_only_its_values():
    parse = wizard.choice("years", ("5", "10"))
    assert parse("10", None) == "10"
    for bad in ("", "7", " 5", "five"):
        assert problem(parse, bad).code == "choose_one"


def test_a_date_is_iso_and_within_its_limits():
    ctx = ctx_of(None, None)  # type: ignore[arg-type]
    parse = wizard.a_date("lost_on", not_before=lambda c: c.today - timedelta(days=1),
                          not_after=lambda c: c.today)
    assert parse(TODAY.isoformat(), ctx) == TODAY
    assert parse(f" {TODAY - timedelta(days=1)} ", ctx) == TODAY - timedelta(days=1)
    early = problem(parse, (TODAY - timedelta(days=2)).isoformat(), ctx)
    assert (early.code, early.params["date"]) == ("date_too_early",
                                                  (TODAY - timedelta(days=1)).isoformat())
    assert problem(parse, (TODAY + timedelta(days=1)).isoformat(), ctx).code == "date_too_late"
    assert problem(parse, "", ctx).code == "date_required"
    for bad in ("10/05/2026", "2026-02-30", "tomorrow"):
        assert problem(parse, bad, ctx).code == "date_entry_invalid", bad
    assert problem(parse, "H1448-1-30", ctx).code == "date_hijri_invalid"


def test_text_collapses_spaces_and_is_required():
    parse = wizard.text("circumstances", max_length=10)
    assert parse("  a   b ", None) == "a b"
    assert problem(parse, "   ").code == "field_required"
    assert problem(parse, "x" * 11).code == "text_invalid"


def test_confirm_needs_yes():
    parse = wizard.confirmed("understood")
    assert parse("yes", None) == "yes"
    for bad in ("", "no", "on", "YES"):
        assert problem(parse, bad).code == "confirm_required"


def test_short_address_is_four_letters_and_four_digits_in_any_case(session, people):
    field = catalogue.ADDRESS_STEP.fields[0]
    assert field.parse("rrrd2929", None) == "RRRD2929"
    assert field.parse("RRRD 2929", None) == "RRRD2929"
    for bad in ("RRR2929", "RRRD292", "12342929", "RRRDD2929", ""):
        assert isinstance(problem(field.parse, bad), ValidationError), bad


# --- steps ---------------------------------------------------------------------------------------

def test_parse_step_returns_every_field_problem_at_once(session, people):
    step = catalogue.BY_CODE["passport_update"].steps[0]
    ctx = ctx_of(session, people["c1"], people["r1"])
    values, problems = wizard.parse_step(step, {"passport_number": "??",
                                                "passport_expiry": "soon"}, ctx)
    assert values == {}
    assert [(p.code, p.params["field"]) for p in problems] == [
        ("passport_number_invalid", "passport_number"), ("date_entry_invalid", "passport_expiry")]
    assert ctx.answers == {}
    for error in problems:   # each says something in both languages
        for lang in ("ar", "en"):
            assert error_text(error.code, lang, **error.params) != error_text("generic", lang)


def test_parse_step_missing_fields_are_problems_too(session, people):
    step = catalogue.BY_CODE["absence_report"].steps[0]
    _, problems = wizard.parse_step(step, {}, ctx_of(session, people["c1"], people["r1"]))
    assert [p.params["field"] for p in problems] == ["absent_since", "understood"]


def test_a_good_step_puts_parsed_values_in_the_answers(session, people):
    step = catalogue.BY_CODE["exit_reentry_issue"].steps[1]
    ctx = ctx_of(session, people["c1"], people["r1"], visa_kind="single")
    values, problems = wizard.parse_step(step, {"days": "٦١"}, ctx)
    assert problems == [] and values == {"days": 61}
    assert ctx.answers == {"visa_kind": "single", "days": 61}


def test_a_failed_step_check_leaves_the_answers_unchanged(session, people):
    step = catalogue.BY_CODE["passport_update"].steps[0]
    r1 = people["r1"]
    ctx = ctx_of(session, people["c1"], r1, earlier="kept")
    held = ctx.answers   # what a caller holding the answers sees
    values, problems = wizard.parse_step(step, {"passport_number": r1.passport_number,
                                                "passport_expiry": "2031-01-01"}, ctx)
    assert [p.code for p in problems] == ["passport_number_same"]
    assert ctx.answers == {"earlier": "kept"}
    assert held == {"earlier": "kept"}


def test_a_failed_cross_field_check_on_duration_keeps_the_earlier_answer(session, people):
    step = catalogue.BY_CODE["exit_reentry_issue"].steps[1]
    ctx = ctx_of(session, people["c1"], people["r1"], visa_kind="single", days=30)
    _, problems = wizard.parse_step(step, {"days": "365"}, ctx)   # beyond r1's iqama (300 days)
    assert [p.code for p in problems] == ["visa_beyond_iqama"]
    assert ctx.answers == {"visa_kind": "single", "days": 30}


def test_raw_input_is_cut_to_the_longest_text():
    step = wizard.Step("s", "step.loss", (catalogue.CIRCUMSTANCES,))
    ctx = ctx_of(None, None)  # type: ignore[arg-type]
    values, problems = wizard.parse_step(step, {"circumstances": "x" * 5000}, ctx)
    assert problems == [] and len(values["circumstances"]) == wizard.MAX_TEXT


def test_active_steps_skip_the_address_when_collected_at_an_office(session, people):
    service = catalogue.BY_CODE["passport_issue"]
    ctx = ctx_of(session, people["c1"], people["c1"], years="5", delivery="office")
    assert [s.name for s in wizard.active_steps(service, ctx)] == ["validity", "delivery"]
    ctx.answers["delivery"] = "post"
    assert [s.name for s in wizard.active_steps(service, ctx)] == [
        "validity", "delivery", "address"]
    assert wizard.step_named(service, "address") is catalogue.ADDRESS_STEP
    assert wizard.step_named(service, "nope") is None


# --- validate_answers ----------------------------------------------------------------------------

def test_validate_answers_parses_every_applying_step(session, people):
    service = catalogue.BY_CODE["passport_issue"]
    ctx = ctx_of(session, people["c1"], people["c1"], stale="dropped")
    answers, problems = wizard.validate_answers(
        service, ctx, {"years": "10", "delivery": "post", "short_address": "rrrd2929"})
    assert problems == []
    assert answers == {"years": "10", "delivery": "post", "short_address": "RRRD2929"}
    answers, problems = wizard.validate_answers(
        service, ctx, {"years": "10", "delivery": "office", "short_address": "bad"})
    assert problems == [] and answers == {"years": "10", "delivery": "office"}


def test_validate_answers_stops_at_the_first_bad_step(session, people):
    service = catalogue.BY_CODE["exit_reentry_issue"]
    ctx = ctx_of(session, people["c1"], people["r1"])
    answers, problems = wizard.validate_answers(service, ctx, {"visa_kind": "triple",
                                                               "days": "0"})
    assert [p.code for p in problems] == ["choose_one"]
    assert answers == {}
    answers, problems = wizard.validate_answers(service, ctx, {"visa_kind": "multiple",
                                                               "days": "0"})
    assert [p.code for p in problems] == ["number_range"] and answers == {"visa_kind": "multiple"}


def test_validate_answers_sees_that_a_day_has_passed(session, people):
    service = catalogue.BY_CODE["iqama_loss_report"]
    stored = {"lost_on": TODAY.isoformat(), "circumstances": "in a taxi"}
    ctx = ctx_of(session, people["c1"], people["r1"])
    assert wizard.validate_answers(service, ctx, stored)[1] == []
    ctx.today = TODAY + timedelta(days=2)
    assert [p.code for p in wizard.validate_answers(service, ctx, stored)[1]] == [
        "loss_report_late"]


def test_answers_round_trip_through_their_json_text():
    answers = {"lost_on": date(2026, 5, 9), "days": 61, "visa_kind": "single", "note": "وثيقة"}
    text = wizard.encode_answers(answers)
    assert "وثيقة" in text   # kept readable
    assert wizard.decode_answers(text) == {"lost_on": "2026-05-09", "days": "61",
                                           "visa_kind": "single", "note": "وثيقة"}
    for junk in ("", "not json", "[1, 2]", "null"):
        assert wizard.decode_answers(junk) == {}


def test_fee_total_sums_the_lines():
    assert wizard.fee_total([]) == 0
    assert wizard.fee_total([wizard.FeeLine("passport", 600), wizard.FeeLine("delivery", 30)]) \
        == 630


# --- drafts --------------------------------------------------------------------------------------

def test_a_draft_is_saved_loaded_and_updated_in_place(session, people):
    mohammed = account(session, "mohammed")
    assert wizard.load_draft(session, mohammed.id, "passport_issue") is None
    draft = wizard.save_draft(session, mohammed.id, "passport_issue", now=NOW,
                              beneficiary_id=people["c3"].id, answers={"years": "5"},
                              step="delivery")
    session.commit()
    token = draft.token
    assert len(token) >= 20
    later = NOW + timedelta(hours=1)
    again = wizard.save_draft(session, mohammed.id, "passport_issue", now=later,
                              answers={"years": "10"})
    session.commit()
    loaded = wizard.load_draft(session, mohammed.id, "passport_issue")
    assert loaded.id == draft.id and again.token == token   # one draft, same token
    assert loaded.beneficiary_id == people["c3"].id and loaded.step == "delivery"  # kept
    assert wizard.decode_answers(loaded.answers_json) == {"years": "10"}
    assert loaded.updated_at.replace(tzinfo=None) == later.replace(tzinfo=None)


def test_drafts_are_one_per_account_and_service(session, people):
    mohammed, ahmed = account(session, "mohammed"), account(session, "ahmed")
    wizard.save_draft(session, mohammed.id, "passport_issue", now=NOW)
    wizard.save_draft(session, mohammed.id, "exit_reentry_issue", now=NOW + timedelta(minutes=1))
    wizard.save_draft(session, ahmed.id, "exit_reentry_issue", now=NOW)
    session.commit()
    assert [d.service_code for d in wizard.drafts_of(session, mohammed.id)] == [
        "exit_reentry_issue", "passport_issue"]   # the latest first
    assert [d.service_code for d in wizard.drafts_of(session, ahmed.id)] == ["exit_reentry_issue"]
    tokens = {d.token for d in session.exec(select(WizardDraft)).all()}
    assert len(tokens) == 3
    # The database itself refuses a second draft of the same service for the account.
    session.add(WizardDraft(account_id=mohammed.id, service_code="passport_issue", token="x" * 30))
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        session.flush()
    session.rollback()


def test_discarding_a_draft_removes_only_that_one(session, people):
    mohammed = account(session, "mohammed")
    wizard.save_draft(session, mohammed.id, "passport_issue", now=NOW, answers={"years": "5"})
    wizard.save_draft(session, mohammed.id, "exit_reentry_issue", now=NOW)
    session.commit()
    wizard.discard_draft(session, mohammed.id, "passport_issue")
    wizard.discard_draft(session, mohammed.id, "iqama_renew")   # none: nothing happens
    session.commit()
    assert wizard.load_draft(session, mohammed.id, "passport_issue") is None
    assert wizard.load_draft(session, mohammed.id, "exit_reentry_issue") is not None
    fresh = wizard.save_draft(session, mohammed.id, "passport_issue", now=NOW)
    assert wizard.decode_answers(fresh.answers_json) == {}   # a new draft starts empty
