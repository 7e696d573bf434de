"""The wizard's step policy, for every service of the catalogue: a person is on a step only
when every step before it validates; whatever step is asked for is clamped to that; resuming
lands on the first step not yet answered; the step count is known from the start. Plus a
property test: answering steps in any order, with good or bad forms, never lets a step run
before the steps it builds on (the crafted `go_to_step(1)` on the delegation wizard once
reached a check that raised KeyError)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from absher_app.domain import catalogue, wizard
from absher_app.domain.calendars import RIYADH
from tests.unit.service_cases import CASES, copy_of, demo_template

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
TODAY = NOW.astimezone(RIYADH).date()
CODES = sorted(catalogue.BY_CODE)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return demo_template(tmp_path_factory.mktemp("policy"), TODAY)


@pytest.fixture
def demo_db(template, tmp_path):
    """A session on a fresh copy of the demo registry. SQLite only: the policy reads records
    and parses answers, nothing in it differs between the databases."""
    engine = copy_of(template, tmp_path)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def context(session, code: str) -> tuple[wizard.Service, wizard.Context, list[dict[str, str]]]:
    """The service, a context for its case's applicant and beneficiary, and its forms."""
    case = CASES[code]
    applicant, beneficiary = case.people(session, TODAY)
    ctx = wizard.Context(session=session, today=TODAY, now=NOW, applicant=applicant,
                         beneficiary=beneficiary)
    return catalogue.BY_CODE[code], ctx, case.forms(session, TODAY)


def answered(service: wizard.Service, ctx: wizard.Context,
             forms: list[dict[str, str]]) -> list[dict[str, str]]:
    """The stored answers after each form in turn (index k: the first k steps answered)."""
    stored: dict[str, str] = {}
    after = [stored]
    for index, form in enumerate(forms):
        result = wizard.answer_step(service, ctx, stored, index, form)
        assert result.problems == [], (service.code, index, result.problems)
        stored = result.answers
        after.append(stored)
    return after


def test_every_service_has_a_case():
    assert sorted(CASES) == CODES


@pytest.mark.parametrize("code", CODES)
def test_each_case_is_a_request_the_rules_allow(demo_db, code):
    """The cases are real: nobody is blocked, every form passes, and they reach check your
    answers with as many forms as the service has steps for those answers."""
    service, ctx, forms = context(demo_db, code)
    assert ctx.beneficiary.id in {p.id for p in wizard.candidates(service, ctx)}
    assert wizard.precheck(service, ctx) == []
    stored = answered(service, ctx, forms)[-1]
    at = wizard.position(service, ctx, stored)
    assert at.at_review and len(at.steps) == len(forms)


@pytest.mark.parametrize("code", CODES)
def test_each_answer_allows_one_step_more(demo_db, code):
    service, ctx, forms = context(demo_db, code)
    for count, stored in enumerate(answered(service, ctx, forms)):
        assert wizard.allowed_step(service, ctx, stored) == count


@pytest.mark.parametrize("code", CODES)
def test_a_step_asked_for_beyond_the_allowed_one_is_clamped(demo_db, code):
    service, ctx, forms = context(demo_db, code)
    for count, stored in enumerate(answered(service, ctx, forms)):
        for wanted in range(-3, len(forms) + 4):
            at = wizard.position(service, ctx, stored, wanted)
            assert at.index == max(0, min(wanted, count)), (count, wanted)
            assert at.allowed == count


@pytest.mark.parametrize("code", CODES)
def test_resuming_lands_on_the_first_step_not_answered(demo_db, code):
    """Issue 15 #5: one rule for every service; the check-your-answers page when all are."""
    service, ctx, forms = context(demo_db, code)
    for count, stored in enumerate(answered(service, ctx, forms)):
        at = wizard.position(service, ctx, stored)
        assert at.index == count
        if count < len(forms):  # the step that form answers
            assert {f.name for f in at.step.fields} == {
                name.partition("__")[0] for name in forms[count]}
        else:
            assert at.at_review


@pytest.mark.parametrize("code", CODES)
def test_the_step_count_is_known_from_the_start(demo_db, code):
    """Issue 15 #4: "Step n of N" keeps its N from the first step to the last, and n goes up
    one at a time."""
    service, ctx, forms = context(demo_db, code)
    total = wizard.step_count(service)
    numbers = []
    for stored in answered(service, ctx, forms)[:-1]:
        at = wizard.position(service, ctx, stored)
        numbers.append(wizard.step_number(service, at.step))
    assert numbers == list(range(1, len(forms) + 1))
    assert total >= len(forms)


def test_the_delegation_counts_five_steps_whichever_sector():
    service = catalogue.BY_CODE["delegation"]
    assert wizard.step_count(service) == 5
    assert [wizard.step_number(service, s) for s in service.steps] == [1, 2, 2, 3, 4, 5]


def test_a_post_delivery_counts_the_address_and_an_office_one_skips_it(demo_db):
    service, ctx, forms = context(demo_db, "passport_issue")
    stored = answered(service, ctx, [forms[0], {"delivery": "office"}])[-1]
    at = wizard.position(service, ctx, stored)
    assert at.at_review and wizard.step_count(service) == 3


def test_the_crafted_jump_on_the_delegation_wizard_stays_on_the_first_step(demo_db):
    """go_to_step(1) with nothing answered, then the delegate's step answered there: the form
    is taken as the first step's (its sector is missing), and no check runs without the
    services it needs."""
    service, ctx, forms = context(demo_db, "delegation")
    assert wizard.position(service, ctx, {}, 1).index == 0
    result = wizard.answer_step(service, ctx, {}, 1, forms[2])
    assert result.at.index == 0
    assert [p.code for p in result.problems] == ["choose_one"]
    assert result.answers == {}


def test_changing_an_earlier_answer_sends_back_to_what_no_longer_fits(demo_db):
    """The delegation's sector changed to traffic: the passports services chosen do not fit
    the traffic list, so the person is sent to choose again."""
    service, ctx, forms = context(demo_db, "delegation")
    stored = answered(service, ctx, forms)[-1]
    result = wizard.answer_step(service, ctx, stored, 0, {"sector": "traffic"})
    assert result.problems == []
    assert result.at.index == 1 and result.at.step.name == "traffic_services"
    assert wizard.allowed_step(service, ctx, result.answers) == 1


FORM = st.one_of(st.integers(0, 6), st.dictionaries(
    st.sampled_from(["sector", "years", "plate", "days", "delivery", "months", "x"]),
    st.sampled_from(["", "10", "post", "ABD1234", "passports", "zz"]), max_size=3))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.sampled_from(CODES),
       moves=st.lists(st.tuples(st.integers(-3, 8), FORM), max_size=8))
def test_any_order_of_answers_keeps_every_step_behind_valid_ones(demo_db, code, moves):
    """Each move answers the step asked for (any index) with one of the case's forms (an
    int: the form of that step, wherever it is sent) or an arbitrary one. After each: the
    position is within the allowed step, every step before it validates, and the answers
    kept are exactly those the policy accepts."""
    service, ctx, forms = context(demo_db, code)
    stored: dict[str, str] = {}
    for wanted, form in moves:
        raw = forms[form] if isinstance(form, int) and form < len(forms) else (
            form if isinstance(form, dict) else {})
        before = stored
        result = wizard.answer_step(service, ctx, stored, wanted, raw)
        at, stored = result.at, result.answers
        assert 0 <= at.index <= at.allowed
        assert at.allowed == wizard.allowed_step(service, ctx, stored)
        for step in wizard.position(service, ctx, stored).steps[:at.index]:
            assert wizard.parse_step(step, stored, ctx)[1] == []
        if result.problems:  # a refused form changes nothing and stays on its step
            assert stored == before and at.index == max(0, min(wanted, at.allowed))
