"""The wizard's use cases: every service of the catalogue run from its first screen to its
request; resuming at the first unanswered step and a step count known from the start, for
every service (issue 15 #4, #5); the step policy against crafted indexes (issue 12); answers
shown as their labels on check your answers (issue 15 #1); whom it is for by ID number only;
submitting once however often it is asked; the code step; acting on behalf."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from absher_app.application.identity import SignInRequired
from absher_app.application.inputs import FormFields
from absher_app.application.wizard import (
    CodeForm,
    Phase,
    WhoForm,
    WizardKey,
    answer_wizard_step,
    choose_beneficiary,
    confirm_by_code,
    discard_draft,
    field_views,
    go_to_step,
    open_wizard,
    submit_request,
)
from absher_app.domain import calendars, catalogue, traffic, wizard
from absher_app.domain.demo import demo_ids
from absher_app.i18n import error_text
from absher_app.models import Account, ServiceRequest, SmsMessage, WizardDraft
from tests.sql_log import selects_sent
from tests.unit.application.conftest import SVC_TODAY
from tests.unit.service_cases import CASES, person, username_of

CODES = sorted(catalogue.BY_CODE)


def arranged(world, code: str):
    """(caller, key, beneficiary's ID number, forms) of the service's case."""
    case = CASES[code]
    with world.db() as session:
        _, beneficiary = case.people(session, SVC_TODAY)
        forms = case.forms(session, SVC_TODAY)
        username = username_of(session, case.applicant)
    return world.sign_in(username), WizardKey(code), beneficiary.id_number, forms


def first_step(world, caller, key, id_number):
    """Open the wizard for the member (as the family page's link does) and choose them."""
    view = world.run(open_wizard, caller, key, id_number)
    if view.phase == Phase.WHO:
        assert [o.checked for o in view.who_options if o.value == id_number] == [True]
        view = world.run(choose_beneficiary, caller, key, WhoForm(id_number))
    return view


def answer_all(world, caller, key, view, forms):
    views = [view]
    for form in forms:
        assert view.phase == Phase.STEP, view.problems
        view = world.run(answer_wizard_step, caller, key, view.step_index, FormFields(form))
        assert view.problems == [], (key.service, form, view.problems)
        views.append(view)
    return views


def sent_code(world, mobile: str) -> str:
    with world.db() as session:
        body = session.exec(select(SmsMessage.body).where(SmsMessage.to == mobile).order_by(
            SmsMessage.id.desc())).first()
    return re.search(r"\b\d{6}\b", body).group(0)


@pytest.mark.parametrize("code", CODES)
def test_every_service_runs_from_its_first_screen_to_its_request(svc_world, code):
    caller, key, id_number, forms = arranged(svc_world, code)
    views = answer_all(svc_world, caller, key, first_step(svc_world, caller, key, id_number),
                       forms)
    review = views[-1]
    assert review.phase == Phase.REVIEW and review.token
    done = svc_world.run(submit_request, caller, key, review.token)
    if done.phase == Phase.CODE:
        with svc_world.db() as session:
            mobile = session.exec(select(Account.mobile).where(
                Account.username == username_of(session, CASES[code].applicant))).one()
        done = svc_world.run(confirm_by_code, caller, key, done.token,
                             CodeForm(sent_code(svc_world, mobile)))
    assert done.phase == Phase.DONE, done.problems
    with svc_world.db() as session:
        request = session.exec(select(ServiceRequest).where(
            ServiceRequest.reference == done.reference)).one()
        assert request.service_code == code
        assert session.exec(select(WizardDraft)).all() == []


@pytest.mark.parametrize("code", CODES)
def test_the_step_count_is_known_from_the_first_step(svc_world, code):
    """Issue 15 #4: "Step n of N" keeps its N, and n goes up one at a time."""
    caller, key, id_number, forms = arranged(svc_world, code)
    steps = answer_all(svc_world, caller, key, first_step(svc_world, caller, key, id_number),
                       forms)[:-1]
    assert [(v.step_number, v.step_total) for v in steps] == [
        (n, wizard.step_count(catalogue.BY_CODE[code])) for n in range(1, len(forms) + 1)]


@pytest.mark.parametrize("code", [c for c in CODES if catalogue.BY_CODE[c].steps])
def test_a_draft_resumes_at_its_first_unanswered_step(svc_world, code):
    """Issue 15 #5: one rule for every service; the steps answered are on check your answers
    once the rest are."""
    caller, key, id_number, forms = arranged(svc_world, code)
    view = first_step(svc_world, caller, key, id_number)
    for count, form in enumerate(forms):
        resumed = svc_world.run(open_wizard, caller, key)
        assert (resumed.phase, resumed.step_index, resumed.resumed) == (
            Phase.STEP, count, count > 0)
        assert {f.name for f in resumed.fields} == {n.partition("__")[0] for n in form}
        view = svc_world.run(answer_wizard_step, caller, key, view.step_index,
                             FormFields(form))
    resumed = svc_world.run(open_wizard, caller, key)
    assert resumed.phase == Phase.REVIEW
    assert len(resumed.review_rows) == sum(len(form) if not any("__" in n for n in form)
                                           else 1 for form in forms)


def test_a_crafted_step_index_is_clamped_to_the_furthest_allowed(svc_world):
    """Issue 12: go_to_step(1) on the delegation wizard with nothing answered stays on the
    first step, and the delegate's form sent as step 1 is read as the first step's."""
    caller, key, id_number, forms = arranged(svc_world, "delegation")
    view = first_step(svc_world, caller, key, id_number)
    assert (view.step_index, view.step_number, view.step_total) == (0, 1, 5)
    for index in (1, 4, 49, 10**6):
        assert svc_world.run(go_to_step, caller, key, index).step_index == 0
    view = svc_world.run(answer_wizard_step, caller, key, 3, FormFields(forms[2]))
    assert view.step_index == 0 and view.problems[0]["field"] == "sector"
    # Answered up to the delegate: "Change" on the period (not reached) lands on the delegate.
    for index, form in enumerate(forms[:3]):
        view = svc_world.run(answer_wizard_step, caller, key, index, FormFields(form))
    assert view.step_index == 3
    assert svc_world.run(go_to_step, caller, key, 4).step_index == 3
    assert svc_world.run(go_to_step, caller, key, 1).step_index == 1


def test_back_from_the_first_step_asks_whom_it_is_for_again(svc_world):
    caller, key, id_number, _ = arranged(svc_world, "iqama_renew")
    first_step(svc_world, caller, key, id_number)
    who = svc_world.run(go_to_step, caller, key, -1)
    assert who.phase == Phase.WHO
    assert [o.value for o in who.who_options if o.checked] == [id_number]


def test_a_date_typed_in_hijri_comes_back_in_hijri_with_its_problem(svc_world):
    """A real Hijri date refused by a rule (lost more than 30 days ago) shows the boxes as
    they were typed, in Hijri, with both calendars' reading under them; a Gregorian one stays
    Gregorian."""
    caller, key, id_number, forms = arranged(svc_world, "passport_loss_report")
    view = first_step(svc_world, caller, key, id_number)
    lost = calendars.to_hijri(SVC_TODAY - timedelta(days=60))
    hijri = dict(forms[0], lost_on_day=str(lost.day), lost_on_month=str(lost.month),
                 lost_on_year=str(lost.year), lost_on_calendar="hijri")
    hijri.pop("lost_on", None)
    again = svc_world.run(answer_wizard_step, caller, key, view.step_index, FormFields(hijri))
    field = next(f for f in again.fields if f.name == "lost_on")
    assert again.problems and field.error_en
    assert (field.day, field.month, field.year, field.hijri) == (
        str(lost.day), str(lost.month), str(lost.year), True)
    assert str((SVC_TODAY - timedelta(days=60)).year) in field.both_en
    gregorian = dict(hijri, lost_on_calendar="gregorian", lost_on_year="2020",
                     lost_on_month="1", lost_on_day="2")
    again = svc_world.run(answer_wizard_step, caller, key, view.step_index,
                          FormFields(gregorian))
    field = next(f for f in again.fields if f.name == "lost_on")
    assert (field.day, field.month, field.year, field.hijri) == ("2", "1", "2020", False)


def test_check_your_answers_names_the_options_chosen(svc_world):
    """Issue 15 #1: the delegation lists the services by their names; fines and vehicles
    (options made from records) by their labels; a confirmation says yes."""
    caller, key, id_number, forms = arranged(svc_world, "delegation")
    review = answer_all(svc_world, caller, key, first_step(svc_world, caller, key, id_number),
                        forms)[-1]
    rows = {r.label_en: r.value_en for r in review.review_rows}
    assert rows["Choose one or more services"] == (
        "Issue an exit/re-entry visa, Issue or renew an iqama")
    assert "exit_reentry_issue" not in str(review.review_rows)
    assert rows["The sector the delegate deals with"] == "General Directorate of Passports"
    assert [v for k, v in rows.items() if k.startswith("I agree that the delegate")] == ["Yes"]
    ar = {r.label_ar: r.value_ar for r in review.review_rows}
    assert "، " in ar["اختر خدمة واحدة أو أكثر"]

    caller, key, id_number, forms = arranged(svc_world, "traffic_fines_pay")
    review = answer_all(svc_world, caller, key, first_step(svc_world, caller, key, id_number),
                        forms)[-1]
    with svc_world.db() as session:
        first, second, _ = traffic.unpaid_fines(session, person(session, "c4"))
    [fines] = [r.value_en for r in review.review_rows]
    assert fines.startswith(f"Fine {first.number} — Speeding") and second.number in fines

    caller, key, id_number, forms = arranged(svc_world, "vehicle_registration_renew")
    review = answer_all(svc_world, caller, key, first_step(svc_world, caller, key, id_number),
                        forms)[-1]
    assert review.review_rows[0].value_en == "Vehicle ABD1234 — Toyota Camry 2021"


def test_whom_it_is_for_is_chosen_by_id_number_among_the_household_only(svc_world):
    caller = svc_world.sign_in("ahmed")
    key = WizardKey("iqama_renew")
    who = svc_world.run(open_wizard, caller, key)
    assert who.phase == Phase.WHO
    ids = demo_ids()
    assert {o.value for o in who.who_options} == {ids["r3"], ids["d1"], ids["d2"], ids["d3"],
                                                  ids["d5"]}
    assert all(o.id == f"who-{o.value}" for o in who.who_options)
    for wrong in ("", ids["c1"], ids["r1"], "1", "<script>"):
        refused = svc_world.run(choose_beneficiary, caller, key, WhoForm(wrong))
        assert refused.phase == Phase.WHO
        assert [p["field"] for p in refused.problems] == ["beneficiary"]
    with svc_world.db() as session:
        assert session.exec(select(WizardDraft)).all() == []


def test_a_double_submit_makes_one_request(svc_world):
    caller, key, id_number, forms = arranged(svc_world, "iqama_renew")
    review = answer_all(svc_world, caller, key, first_step(svc_world, caller, key, id_number),
                        forms)[-1]
    first = svc_world.run(submit_request, caller, key, review.token)
    again = svc_world.run(submit_request, caller, key, review.token)
    assert first.phase == again.phase == Phase.DONE
    assert first.reference == again.reference and first.bill_number
    assert again.pay_url == f"/pay?bill={first.bill_number}"
    with svc_world.db() as session:
        assert len(session.exec(select(ServiceRequest)).all()) == 1
    # Someone else holding the token gets nothing of it.
    other = svc_world.run(submit_request, svc_world.sign_in("imran"), key, review.token)
    assert other.reference == ""


def test_a_wrong_code_keeps_the_code_step_and_says_why(svc_world):
    caller, key, id_number, forms = arranged(svc_world, "delegation")
    review = answer_all(svc_world, caller, key, first_step(svc_world, caller, key, id_number),
                        forms)[-1]
    code_step = svc_world.run(submit_request, caller, key, review.token)
    assert code_step.phase == Phase.CODE and code_step.sent_to_mobile.endswith("4567")
    wrong = svc_world.run(confirm_by_code, caller, key, code_step.token, CodeForm("000000"))
    assert wrong.phase == Phase.CODE
    assert [(p["field"], p["en"]) for p in wrong.problems] == [
        ("code", error_text("code_wrong", "en"))]
    with svc_world.db() as session:
        assert session.exec(select(ServiceRequest)).all() == []


def test_discarding_starts_again(svc_world):
    caller, key, id_number, forms = arranged(svc_world, "exit_reentry_issue")
    view = first_step(svc_world, caller, key, id_number)
    svc_world.run(answer_wizard_step, caller, key, 0, FormFields(forms[0]))
    again = svc_world.run(discard_draft, caller, key)
    assert again.phase == Phase.WHO and not again.resumed
    with svc_world.db() as session:
        assert session.exec(select(WizardDraft)).all() == []
    assert view.step_index == 0


def test_a_step_reads_the_drafts_beneficiary_alone_and_drops_one_who_left(svc_world):
    """Every step checks that the draft's beneficiary is still someone the person may apply
    for, reading that one person rather than the whole household; once the member has left
    the household (sponsorship transferred), "whom is it for" is asked again without them."""
    caller, key, id_number, forms = arranged(svc_world, "exit_reentry_issue")
    view = first_step(svc_world, caller, key, id_number)
    with selects_sent(svc_world.engine) as selects:
        view = svc_world.run(answer_wizard_step, caller, key, view.step_index,
                             FormFields(forms[0]))
    assert view.phase == Phase.STEP and view.problems == []
    with svc_world.db() as session:
        member = person(session, "r3")
        assert view.beneficiary.en == member.name_en
        assert not any(re.search(r"WHERE person\.sponsor_id", s) for s in selects), selects
        assert sum("FROM person" in s for s in selects) == 2  # the applicant, the member
        member.sponsor_id = person(session, "c1").id_number
        session.add(member)
        session.commit()
    view = svc_world.run(answer_wizard_step, caller, key, view.step_index, FormFields(forms[1]))
    assert view.phase == Phase.WHO
    assert id_number not in [o.value for o in view.who_options]


def test_a_blocked_request_lists_every_blocker_with_its_fix(svc_world):
    caller = svc_world.sign_in("khalid")
    view = svc_world.run(open_wizard, caller, WizardKey("exit_reentry_issue"))
    assert view.phase == Phase.BLOCKED and view.beneficiary.en == "Surya Prasad"
    surya = demo_ids()["r6"]
    assert [(b.href, b.link_en) for b in view.blockers] == [
        (f"/services/traffic_fines_pay?for={surya}", "Pay traffic fines"),
        (f"/services/iqama_renew?for={surya}", "Issue or renew an iqama")]
    # A step asked for anyway shows the blockers again.
    assert svc_world.run(go_to_step, caller, WizardKey("exit_reentry_issue"), 0).phase == \
        Phase.BLOCKED


def test_an_unknown_service_or_delegation_shows_nothing_of_anyone(svc_world):
    caller = svc_world.sign_in("mohammed")
    unknown = svc_world.run(open_wizard, caller, WizardKey("no_such_service"))
    assert unknown.phase == Phase.UNAVAILABLE and unknown.title.en == "My services"
    refused = svc_world.run(open_wizard, caller, WizardKey("final_exit_issue", "8000000099"))
    assert refused.phase == Phase.REFUSED and refused.acting_for.en == ""
    assert refused.title.en == "Issue a final exit visa"  # its own title (issue 15 #2)
    assert [p["en"] for p in refused.problems] == [
        error_text("delegation_reference_wrong", "en")]


def test_nobody_signed_in_is_sent_to_sign_in(svc_world):
    from absher_app.application.identity import Caller

    with pytest.raises(SignInRequired):
        svc_world.run(open_wizard, Caller(tokens={"person": "forged"}), WizardKey("iqama_renew"))


def test_fields_show_options_made_from_records_and_tick_them_again(svc_world):
    """A fines step lists each fine with its details, in both languages, and ticks again the
    ones chosen; fixed options are unchanged."""
    from datetime import UTC, datetime

    with svc_world.db() as session:
        khalid = person(session, "c4")
        ctx = wizard.Context(session=session, today=SVC_TODAY, now=datetime.now(UTC),
                             applicant=khalid, beneficiary=khalid)
        first, second, third = traffic.unpaid_fines(session, khalid)
        step = wizard.step_named(catalogue.BY_CODE["traffic_fines_pay"], "fines")
        [view] = field_views(step, {"fines": f"{first.number},{third.number}"}, [], ctx)
    assert [o.value for o in view.options] == [first.number, second.number, third.number]
    assert [o.checked for o in view.options] == [True, False, True]
    assert view.options[0].label_en == (
        f"Fine {first.number} — Speeding, {first.issued_on.isoformat()}: SAR 800")
    assert "تجاوز السرعة المحددة" in view.options[0].label_ar
    assert view.options[1].id == f"field-fines-{second.number}"


def test_a_delegate_runs_a_delegated_service_for_the_delegators_household(svc_world):
    """Turki, delegated Mohammed's exit/re-entry visas, applies for Mohammed's driver: the
    request is Mohammed's, made from Turki's account, its draft kept apart from Turki's own;
    a service not delegated, and the delegation once revoked, are refused with the reason."""
    from datetime import timedelta

    from absher_app.models import Delegation

    with svc_world.db() as session:
        session.add(Delegation(
            reference="8000000042", delegator_id=person(session, "c1").id,
            delegate_id=person(session, "c8").id, sector="passports",
            services="exit_reentry_issue", starts_on=SVC_TODAY,
            ends_on=SVC_TODAY + timedelta(days=30), status="active"))
        session.commit()
    turki = svc_world.sign_in("turki")
    key = WizardKey("exit_reentry_issue", "8000000042")
    who = svc_world.run(open_wizard, turki, key)
    assert who.phase == Phase.WHO and who.on_behalf == "8000000042"
    assert who.acting_for.en == "Mohammed Abdullah Alqahtani"
    assert {o.value for o in who.who_options} == {demo_ids()["r1"], demo_ids()["r10"]}
    view = svc_world.run(choose_beneficiary, turki, key, WhoForm(demo_ids()["r1"]))
    view = answer_all(svc_world, turki, key, view,
                      [{"visa_kind": "single"}, {"days": "20"}])[-1]
    done = svc_world.run(submit_request, turki, key, view.token)
    assert done.phase == Phase.DONE and done.on_behalf == "8000000042"
    with svc_world.db() as session:
        request = session.exec(select(ServiceRequest)).one()
        assert request.applicant_id == person(session, "c1").id
        assert request.account_id == session.exec(select(Account.id).where(
            Account.username == "turki")).one()
    refused = svc_world.run(open_wizard, turki, WizardKey("final_exit_issue", "8000000042"))
    assert refused.phase == Phase.REFUSED
    assert refused.problems[0]["en"] == error_text("delegation_service_out_of_scope", "en")
    with svc_world.db() as session:
        delegation = session.exec(select(Delegation)).one()
        delegation.status = "revoked"
        session.add(delegation)
        session.commit()
    revoked = svc_world.run(open_wizard, turki, key)
    assert revoked.phase == Phase.REFUSED and revoked.who_options == []
    assert revoked.problems[0]["en"] == error_text("delegation_is_revoked", "en")
