"""The delegation use cases, as the pages call them: the lists (a pending delegation's
reference never shown to its delegate), the answer by reference number, one delegation for its
delegator and its delegate only, withdraw / revoke / "this wasn't me", the public /verify check
(rate-limited per client), and the buyer's side of a vehicle transfer (answered by plate)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from absher_app.application import delegations as uc
from absher_app.application.delegations import AnswerForm
from absher_app.application.identity import Caller, SignInRequired
from absher_app.domain import delegation as d
from absher_app.domain.delegation import DelegationStatus
from absher_app.domain.demo import demo_ids
from absher_app.domain.errors import DomainError
from absher_app.models import (
    Account,
    Delegation,
    Person,
    ServiceRequest,
    Vehicle,
    VehicleTransfer,
)
from absher_app.providers.sms import OutboxSmsSender
from tests.unit.application.conftest import APP_NOW, APP_TODAY


def person(db, key: str) -> Person:
    return db.exec(select(Person).where(Person.id_number == demo_ids()[key])).one()


def delegate_to_turki(app_world, services=("exit_reentry_issue", "iqama_renew")) -> str:
    """Mohammed (c1) delegates to Turki (c8); the pending delegation's reference."""
    with app_world.db() as db:
        turki = person(db, "c8")
        made = d.create(db, delegator=person(db, "c1"), delegate_id_number=turki.id_number,
                        delegate_mobile="0" + turki.mobile[4:], sector="passports",
                        services=services, starts_on=APP_TODAY,
                        ends_on=APP_TODAY + timedelta(days=30), today=APP_TODAY, now=APP_NOW,
                        sms=OutboxSmsSender())
        db.commit()
        return made.reference


def status_of(app_world, reference: str) -> str:
    with app_world.db() as db:
        return db.exec(select(Delegation).where(Delegation.reference == reference)).one().status


def test_the_lists_hide_a_pending_references_from_its_delegate(app_world):
    reference = delegate_to_turki(app_world)
    given = app_world.run(uc.my_delegations, app_world.person("mohammed"))
    assert [r.reference for r in given.given] == [reference]
    row = given.given[0]
    assert (row.other_en, row.status, row.status_en) == (
        "Turki Salman Alharbi", DelegationStatus.PENDING, "Awaiting the delegate")
    assert "Issue an exit/re-entry visa" in row.services_en and "→" in row.period
    received = app_world.run(uc.my_delegations, app_world.person("turki"))
    assert received.received == [] and len(received.pending) == 1
    assert (received.pending[0].reference, received.pending[0].href) == ("", "")
    assert received.pending[0].other_en == "Mohammed Abdullah Alqahtani"


def test_the_delegate_accepts_by_reference_and_it_moves_to_the_received_list(app_world):
    reference = delegate_to_turki(app_world)
    turki = app_world.person("turki")
    lists = app_world.run(uc.answer_delegation, turki,
                          AnswerForm(reference=reference, decision="accept"))
    assert [r.reference for r in lists.received] == [reference] and lists.pending == []
    assert lists.notice.en and lists.notice.ar
    assert status_of(app_world, reference) == DelegationStatus.ACTIVE


def test_a_wrong_answer_says_which_field(app_world):
    reference = delegate_to_turki(app_world)
    turki = app_world.person("turki")
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.answer_delegation, turki, AnswerForm(reference=reference))
    assert (refused.value.code, refused.value.field) == ("choose_one", "decision")
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.answer_delegation, turki,
                      AnswerForm(reference="8000000000", decision="accept"))
    assert (refused.value.code, refused.value.field) == ("delegation_reference_wrong",
                                                         "reference")
    # Someone else cannot answer it: the same answer as a wrong number.
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.answer_delegation, app_world.person("khalid"),
                      AnswerForm(reference=reference, decision="reject"))
    assert refused.value.code == "delegation_reference_wrong"
    assert status_of(app_world, reference) == DelegationStatus.PENDING


def test_one_delegation_for_its_delegator_and_its_delegate_only(app_world):
    reference = delegate_to_turki(app_world)
    mohammed, turki = app_world.person("mohammed"), app_world.person("turki")
    mine = app_world.run(uc.open_delegation, mohammed, reference)
    assert (mine.found, mine.role, mine.links) == (True, "delegator", [])
    assert mine.verify_url.endswith(f"/verify?reference={reference}")
    assert mine.qr.startswith("data:image/svg+xml")
    assert [h.kind for h in mine.history] == ["created"]
    # Pending: the delegate sees it only by typing its reference on the list page.
    assert app_world.run(uc.open_delegation, turki, reference).found is False
    assert app_world.run(uc.open_delegation, app_world.person("khalid"), reference).found \
        is False
    app_world.run(uc.answer_delegation, turki, AnswerForm(reference=reference,
                                                          decision="accept"))
    theirs = app_world.run(uc.open_delegation, turki, reference)
    assert (theirs.found, theirs.role, theirs.valid_now, theirs.feed) == (
        True, "delegate", True, [])
    assert [link.code for link in theirs.links] == ["exit_reentry_issue", "iqama_renew"]
    assert theirs.links[0].href == f"/services/exit_reentry_issue?delegation={reference}"


def test_withdraw_revoke_and_not_me(app_world):
    mohammed = app_world.person("mohammed")
    pending = delegate_to_turki(app_world)
    view = app_world.run(uc.withdraw_delegation, mohammed, pending)
    assert view.current.status == DelegationStatus.WITHDRAWN and view.notice.en
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.revoke_delegation, mohammed, pending)
    assert refused.value.code == "delegation_not_active"
    for action, ending in ((uc.revoke_delegation, DelegationStatus.REVOKED),
                           (uc.report_not_me, DelegationStatus.SUSPENDED)):
        reference = delegate_to_turki(app_world, services=(
            "final_exit_issue",) if ending == DelegationStatus.SUSPENDED else ("iqama_renew",))
        app_world.run(uc.answer_delegation, app_world.person("turki"),
                      AnswerForm(reference=reference, decision="accept"))
        with pytest.raises(DomainError) as refused:  # only the delegator may end it
            app_world.run(action, app_world.person("turki"), reference)
        assert refused.value.code == "delegation_not_found"
        assert app_world.run(action, mohammed, reference).current.status == ending


def test_the_public_check_masks_names_and_counts_against_the_limit(app_world, monkeypatch):
    reference = delegate_to_turki(app_world)
    anyone = Caller(client="198.51.100.7")
    found = app_world.run(uc.verify_delegation, anyone, f" {reference} ")
    assert (found.reference, found.valid, found.status) == (reference, False, "pending")
    assert found.delegator_en == "M******* A******* A********"
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.verify_delegation, anyone, "8999999999")
    assert (refused.value.code, refused.value.field) == ("delegation_unknown", "reference")
    monkeypatch.setattr(uc, "get_settings", lambda: SimpleNamespace(
        inquiry_rate_limit="2/minute", public_url="http://localhost"))
    limited = Caller(client="198.51.100.99")
    for _ in range(2):
        app_world.run(uc.verify_delegation, limited, reference)
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.verify_delegation, limited, reference)
    assert (refused.value.code, refused.value.field) == ("inquiry_rate_limited", "reference")
    # Another client is not held up.
    assert app_world.run(uc.verify_delegation, Caller(client="198.51.100.98"), reference).reference


def test_the_buyer_answers_a_transfer_by_its_plate(app_world):
    with app_world.db() as db:
        car = db.exec(select(Vehicle).where(Vehicle.plate == "KSA4821")).one()
        db.add(VehicleTransfer(request_id=_request_id(db), vehicle_id=car.id,
                               seller_id=car.owner_id, buyer_id=person(db, "c8").id,
                               price_sar=30000))
        db.commit()
    turki = app_world.person("turki")
    view = app_world.run(uc.my_vehicles, turki)
    assert [(t.plate, t.price, t.seller_en) for t in view.awaiting] == [
        ("KSA4821", 30000, "Mohammed Abdullah Alqahtani")]
    assert view.mine == []
    with pytest.raises(DomainError) as refused:  # not theirs to answer
        app_world.run(uc.answer_transfer, app_world.person("khalid"), "KSA4821", True)
    assert refused.value.code == "transfer_not_found"
    view = app_world.run(uc.answer_transfer, turki, "KSA4821", True)
    assert view.awaiting == [] and [v.plate for v in view.mine] == ["KSA4821"]
    assert view.notice.en == "The vehicle is now yours."
    with pytest.raises(DomainError):  # answered once only
        app_world.run(uc.answer_transfer, turki, "KSA4821", False)


def _request_id(db) -> int:
    """A service request row for the transfer to hang on (any will do here)."""
    seller = person(db, "c1")
    account = db.exec(select(Account).where(Account.person_id == seller.id)).one()
    request = ServiceRequest(reference="7000000099", account_id=account.id,
                             applicant_id=seller.id, beneficiary_id=seller.id,
                             service_code="vehicle_transfer", status="in_review",
                             idempotency_key="test-transfer", submitted_at=APP_NOW,
                             updated_at=APP_NOW)
    db.add(request)
    db.flush()
    return request.id


def test_nobody_signed_in_is_sent_to_sign_in(app_world):
    for fn, args in ((uc.my_delegations, ()), (uc.open_delegation, ("8000000000",)),
                     (uc.revoke_delegation, ("8000000000",)), (uc.my_vehicles, ()),
                     (uc.answer_transfer, ("ABD1234", True))):
        with pytest.raises(SignInRequired):
            app_world.run(fn, Caller(), *args)
