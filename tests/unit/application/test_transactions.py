"""My services, my transactions, one transaction, the printable visa and the demo bank, as use
cases: a person sees their own requests only (someone else's reads as "not found"); a bill is
found by its number and charged once."""

from __future__ import annotations

import pytest
from sqlmodel import select

from absher_app.application.identity import Caller, SignInRequired
from absher_app.application.inputs import FormFields
from absher_app.application.services import my_services
from absher_app.application.transactions import (
    BillForm,
    find_bill,
    my_transactions,
    open_transaction,
    pay_bill,
    visa_to_print,
)
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
from absher_app.domain.errors import DomainError
from absher_app.domain.request_status import BillStatus, RequestStatus
from absher_app.models import Bill, Payment, ServiceRequest

NOBODY = Caller(client="203.0.113.50", device="bank", lang="en")


def exit_visa_for_maria(world, caller) -> str:
    """Ahmed's exit/re-entry request for Maria, submitted (awaiting payment): its reference."""
    key = WizardKey("exit_reentry_issue")
    world.run(open_wizard, caller, key)
    world.run(choose_beneficiary, caller, key, WhoForm(demo_ids()["r3"]))
    world.run(answer_wizard_step, caller, key, 0, FormFields(visa_kind="single"))
    review = world.run(answer_wizard_step, caller, key, 1, FormFields(days="30"))
    done = world.run(submit_request, caller, key, review.token)
    assert done.phase == Phase.DONE
    return done.reference


def bill_of(world, reference: str) -> Bill:
    with world.db() as session:
        request = session.exec(select(ServiceRequest).where(
            ServiceRequest.reference == reference)).one()
        return session.exec(select(Bill).where(Bill.request_id == request.id)).one()


def test_my_services_are_those_i_can_start_and_mark_a_waiting_draft(svc_world):
    ahmed = svc_world.sign_in("ahmed")
    cards = svc_world.run(my_services, ahmed)
    codes = [c.code for c in cards]
    assert "exit_reentry_issue" in codes and "passport_issue" not in codes  # a resident
    assert not any(c.has_draft for c in cards)
    svc_world.run(open_wizard, ahmed, WizardKey("iqama_renew"))
    svc_world.run(choose_beneficiary, ahmed, WizardKey("iqama_renew"), WhoForm(demo_ids()["d1"]))
    marked = {c.code for c in svc_world.run(my_services, ahmed) if c.has_draft}
    assert marked == {"iqama_renew"}
    card = next(c for c in cards if c.code == "iqama_renew")
    assert (card.href, card.title_en) == ("/services/iqama_renew", "Issue or renew an iqama")


def test_a_transaction_is_shown_to_the_person_who_made_it_only(svc_world):
    ahmed = svc_world.sign_in("ahmed")
    reference = exit_visa_for_maria(svc_world, ahmed)
    [row] = svc_world.run(my_transactions, ahmed)
    assert (row.reference, row.beneficiary_en, row.amount, row.status, row.status_en) == (
        reference, "Maria Santos", 200, RequestStatus.AWAITING_PAYMENT, "Awaiting payment")
    assert row.href == f"/transactions/{reference}"
    view = svc_world.run(open_transaction, ahmed, reference)
    assert view.found and view.row == row
    assert [e.en for e in view.timeline] == ["Request submitted", "SADAD bill issued"]
    assert view.bill_status.en == "Unpaid" and view.pay_url.startswith("/pay?bill=")
    assert view.visa_href == ""  # nothing to print before approval
    imran = svc_world.sign_in("imran")
    assert svc_world.run(my_transactions, imran) == []
    assert not svc_world.run(open_transaction, imran, reference).found
    assert not svc_world.run(open_transaction, ahmed, "7000000000").found
    assert not svc_world.run(open_transaction, ahmed, "../etc").found


def test_the_bank_finds_a_bill_by_its_number_and_charges_it_once(svc_world):
    ahmed = svc_world.sign_in("ahmed")
    reference = exit_visa_for_maria(svc_world, ahmed)
    number = bill_of(svc_world, reference).number
    found = svc_world.run(find_bill, NOBODY, BillForm(number))
    assert (found.number, found.amount, found.status, found.reference) == (
        number, 200, BillStatus.UNPAID, reference)
    paid = svc_world.run(pay_bill, NOBODY, number, 200)
    assert (paid.status, paid.message.en) == (
        BillStatus.PAID, "Paid. Your transaction goes ahead now.")
    again = svc_world.run(pay_bill, NOBODY, number, 200)
    assert again.message.en == "This bill was already paid; nothing was charged again."
    with svc_world.db() as session:
        assert len(session.exec(select(Payment)).all()) == 1
    # Paid, the exit/re-entry visa is issued and printable by Ahmed only.
    view = svc_world.run(open_transaction, ahmed, reference)
    assert view.row.status == RequestStatus.APPROVED and view.pay_url == ""
    assert view.visa_href == f"/transactions/{reference}/visa"
    visa = svc_world.run(visa_to_print, ahmed, reference)
    assert visa.printable and visa.title.en == "Exit/re-entry visa (single)"
    rows = {r.key: r for r in visa.rows}
    assert rows["holder"].value_en == "Maria Santos" and rows["duration"].value_en == "30 days"
    assert rows["issued_on"].hijri_en.endswith("AH")
    refused = svc_world.run(visa_to_print, svc_world.sign_in("imran"), reference)
    assert not refused.printable and refused.rows == []
    assert refused.refusal.en.startswith("You cannot open this visa")


@pytest.mark.parametrize("number, amount, code", [
    ("1234", 200, "bill_unknown"), ("9" * 13, 200, "bill_unknown"), (None, 199, "bill_amount")])
def test_the_bank_refuses_an_unknown_bill_or_a_wrong_amount(svc_world, number, amount, code):
    reference = exit_visa_for_maria(svc_world, svc_world.sign_in("ahmed"))
    number = number or bill_of(svc_world, reference).number
    with pytest.raises(DomainError) as refused:
        svc_world.run(pay_bill, NOBODY, number, amount)
    assert (refused.value.code, refused.value.field) == (code, "bill")
    if code == "bill_unknown":
        with pytest.raises(DomainError) as unknown:
            svc_world.run(find_bill, NOBODY, BillForm(number))
        assert unknown.value.field == "bill"


def test_the_pages_of_a_person_need_a_session(svc_world):
    for fn, inputs in ((my_services, ()), (my_transactions, ()),
                       (open_transaction, ("7000000000",)), (visa_to_print, ("7000000000",))):
        with pytest.raises(SignInRequired):
            svc_world.run(fn, NOBODY, *inputs)
