"""The delegate's side of a delegation (issue 15): the delegations in force today on the
dashboard and under "Delegations to me", with a "start SERVICE for NAME" entry per service;
drafts started on behalf listed and resumed within the delegation; requests made on behalf in
the delegate's transactions, marked, and opened only while the delegation covers them (the
check is the use case's, from the reference alone); a blocked request's fixes keeping the
delegation; the dashboard's vehicles tile."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from absher_app.application import dashboard as board
from absher_app.application import delegations as lists
from absher_app.application import transactions as txs
from absher_app.application.inputs import FormFields
from absher_app.application.wizard import (
    Phase,
    WhoForm,
    WizardKey,
    answer_wizard_step,
    choose_beneficiary,
    open_wizard,
    submit_request,
)
from absher_app.domain.demo import demo_ids
from absher_app.i18n import error_text
from absher_app.models import Delegation
from tests.unit.application.conftest import SVC_TODAY
from tests.unit.service_cases import person

MOHAMMED = "Mohammed Abdullah Alqahtani"
REF = "8000000042"


def delegate(world, reference: str = REF, *, delegator: str = "c1",
             services: str = "exit_reentry_issue,iqama_renew", status: str = "active",
             starts: int = 0, days: int = 30) -> str:
    """A delegation from `delegator` to Turki (c8), as the wizard and acceptance leave it."""
    with world.db() as session:
        session.add(Delegation(
            reference=reference, delegator_id=person(session, delegator).id,
            delegate_id=person(session, "c8").id, sector="passports", services=services,
            starts_on=SVC_TODAY + timedelta(days=starts),
            ends_on=SVC_TODAY + timedelta(days=starts + days), status=status))
        session.commit()
    return reference


def set_status(world, reference: str, status: str) -> None:
    with world.db() as session:
        delegation = session.exec(select(Delegation).where(
            Delegation.reference == reference)).one()
        delegation.status = status
        session.add(delegation)
        session.commit()


def submit_on_behalf(world, caller, reference: str = REF) -> str:
    """Turki's exit/re-entry visa for Mohammed's driver (r1), submitted: its reference."""
    key = WizardKey("exit_reentry_issue", reference)
    world.run(open_wizard, caller, key)
    world.run(choose_beneficiary, caller, key, WhoForm(demo_ids()["r1"]))
    world.run(answer_wizard_step, caller, key, 0, FormFields(visa_kind="single"))
    review = world.run(answer_wizard_step, caller, key, 1, FormFields(days="20"))
    done = world.run(submit_request, caller, key, review.token)
    assert done.phase == Phase.DONE, done.problems
    return done.reference


def test_the_delegate_sees_each_delegation_in_force_with_an_entry_per_service(svc_world):
    delegate(svc_world)
    delegate(svc_world, "8000000043", status="revoked")
    delegate(svc_world, "8000000044", status="pending")
    delegate(svc_world, "8000000045", starts=5)  # accepted, not started yet
    turki = svc_world.sign_in("turki")
    [row] = svc_world.run(lists.my_delegations, turki).acting
    assert (row.reference, row.href, row.delegator_en, row.delegator_ar) == (
        REF, f"/delegations/{REF}", MOHAMMED, "محمد عبدالله القحطاني")
    assert row.services_en == "Issue an exit/re-entry visa, Issue or renew an iqama"
    assert "exit_reentry" not in row.services_ar and "،" in row.services_ar
    assert row.period == f"{SVC_TODAY.isoformat()} → {(SVC_TODAY + timedelta(30)).isoformat()}"
    assert [(link.href, link.label_en, link.has_draft) for link in row.links] == [
        (f"/services/exit_reentry_issue?delegation={REF}",
         f"Start “Issue an exit/re-entry visa” for {MOHAMMED}", False),
        (f"/services/iqama_renew?delegation={REF}",
         f"Start “Issue or renew an iqama” for {MOHAMMED}", False)]
    assert "محمد عبدالله القحطاني" in row.links[0].label_ar
    # The dashboard shows the same; the delegator acts under none.
    assert svc_world.run(board.dashboard, turki).acting == [row]
    assert svc_world.run(board.dashboard, svc_world.sign_in("mohammed")).acting == []


def test_a_draft_on_behalf_is_listed_and_resumes_within_the_delegation(svc_world):
    delegate(svc_world)
    turki = svc_world.sign_in("turki")
    key = WizardKey("exit_reentry_issue", REF)
    svc_world.run(open_wizard, turki, key)
    svc_world.run(choose_beneficiary, turki, key, WhoForm(demo_ids()["r1"]))
    svc_world.run(answer_wizard_step, turki, key, 0, FormFields(visa_kind="single"))
    view = svc_world.run(board.dashboard, turki)
    assert [(d.href, d.title_en) for d in view.drafts] == [
        (f"/services/exit_reentry_issue?delegation={REF}",
         f"Issue an exit/re-entry visa — On behalf of {MOHAMMED}")]
    assert view.drafts_count == 1
    link = view.acting[0].links[0]
    assert link.has_draft and link.label_en.startswith("Continue the draft of")
    # Turki's own services know nothing of it.
    assert svc_world.run(open_wizard, turki, WizardKey("exit_reentry_issue")).resumed is False
    resumed = svc_world.run(open_wizard, turki, key)
    assert (resumed.phase, resumed.resumed, resumed.step_index) == (Phase.STEP, True, 1)
    assert resumed.acting_for.en == MOHAMMED
    # Revoked: the draft is no longer offered, and cannot be resumed.
    set_status(svc_world, REF, "revoked")
    view = svc_world.run(board.dashboard, turki)
    assert (view.drafts, view.acting) == ([], [])
    assert svc_world.run(open_wizard, turki, key).phase == Phase.REFUSED


def test_a_request_on_behalf_is_the_delegates_to_follow_while_the_delegation_covers_it(
        svc_world):
    delegate(svc_world)
    turki, mohammed = svc_world.sign_in("turki"), svc_world.sign_in("mohammed")
    reference = submit_on_behalf(svc_world, turki)
    [row] = svc_world.run(txs.my_transactions, turki)
    assert (row.reference, row.on_behalf_en, row.beneficiary_en) == (
        reference, f"On behalf of {MOHAMMED}", "Rajesh Kumar")
    assert row.on_behalf_ar == "نيابةً عن محمد عبدالله القحطاني"
    opened = svc_world.run(txs.open_transaction, turki, reference)
    assert opened.found and opened.row.on_behalf_en == row.on_behalf_en
    assert opened.bill_number and opened.pay_url and opened.visa_href == ""
    assert svc_world.run(board.dashboard, turki).recent[0].reference == reference
    # The delegator sees it as their own, as before.
    theirs = svc_world.run(txs.my_transactions, mohammed)
    assert [(r.reference, r.on_behalf_en) for r in theirs if r.reference == reference] == [
        (reference, "")]
    assert svc_world.run(txs.open_transaction, mohammed, reference).found
    # Nobody else: as if it did not exist.
    other = svc_world.run(txs.open_transaction, svc_world.sign_in("khalid"), reference)
    assert (other.found, other.refusal.en) == (False, "")
    # Revoked: gone from the delegate's list; its page refuses, saying why.
    set_status(svc_world, REF, "revoked")
    assert svc_world.run(txs.my_transactions, turki) == []
    refused = svc_world.run(txs.open_transaction, turki, reference)
    assert refused.found is False and refused.row.reference == ""
    assert MOHAMMED in refused.refusal.en
    assert error_text("delegation_is_revoked", "en") in refused.refusal.en
    assert error_text("delegation_is_revoked", "ar") in refused.refusal.ar
    assert svc_world.run(txs.open_transaction, mohammed, reference).found  # still his


def test_past_its_period_the_request_on_behalf_is_refused_as_expired(svc_world):
    delegate(svc_world, days=3)
    turki = svc_world.sign_in("turki")
    reference = submit_on_behalf(svc_world, turki)
    svc_world.clock.set(svc_world.clock.now() + timedelta(days=4))
    turki = svc_world.sign_in("turki")
    assert svc_world.run(txs.my_transactions, turki) == []
    refused = svc_world.run(txs.open_transaction, turki, reference)
    assert refused.found is False
    assert error_text("delegation_expired", "en") in refused.refusal.en


def test_a_blocked_request_on_behalf_fixes_under_the_same_delegation(svc_world):
    """Khalid's worker Surya has unpaid fines and an expired iqama: Turki, acting for Khalid,
    is sent to the fixes for Surya, still under the delegation."""
    delegate(svc_world, delegator="c4", services="exit_reentry_issue,iqama_renew")
    turki = svc_world.sign_in("turki")
    view = svc_world.run(open_wizard, turki, WizardKey("exit_reentry_issue", REF))
    assert view.phase == Phase.BLOCKED and view.beneficiary.en == "Surya Prasad"
    surya = demo_ids()["r6"]
    assert [b.href for b in view.blockers] == [
        f"/services/traffic_fines_pay?delegation={REF}&for={surya}",
        f"/services/iqama_renew?delegation={REF}&for={surya}"]
    fixed = svc_world.run(open_wizard, turki, WizardKey("iqama_renew", REF), surya)
    assert fixed.phase != Phase.REFUSED and fixed.acting_for.en == "Khalid Saad Alotaibi"


def test_the_dashboard_counts_vehicles_and_transfers_awaiting(svc_world):
    view = svc_world.run(board.dashboard, svc_world.sign_in("mohammed"))
    assert view.vehicles >= 1 and view.transfers_awaiting == 0
