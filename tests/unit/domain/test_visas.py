"""The printable visa: its dates (leave before / return before, Hijri shown by the page), its
holder and sponsor, and that only the person who made the request may open it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from absher_app.domain import visas
from absher_app.domain.errors import ValidationError
from tests.unit.domain.test_requests import (  # noqa: F401  (people is a fixture)
    LATER,
    NOW,
    PASSPORT_POST,
    TODAY,
    pay,
    people,
    submit,
)


def document(session, people, reference: str, who: str = "c1", today=TODAY):
    return visas.visa_document(session, reference, people[who].id, today)


def refused_code(session, people, reference: str, who: str = "c1", today=TODAY) -> str:
    with pytest.raises(ValidationError) as caught:
        document(session, people, reference, who, today)
    return caught.value.code


def test_a_single_exit_reentry_visa_for_a_sponsored_worker(session, people):
    request = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                     {"visa_kind": "single", "days": "30"})
    pay(session, request)
    doc = document(session, people, request.reference)
    assert (doc.kind, doc.status, doc.reference) == ("exit_reentry_single", "valid",
                                                    request.reference)
    assert doc.holder.id == people["r1"].id and doc.sponsor.id == people["c1"].id
    assert doc.issued_on == TODAY and doc.duration_days == 30
    assert doc.valid_until == doc.return_before == TODAY + timedelta(days=30)
    assert doc.leave_before == TODAY + timedelta(days=30)   # the visa ends before 90 days
    assert len(doc.number) == 10 and doc.number.startswith("5")


@pytest.mark.parametrize(("days", "leave_after"), [(89, 89), (90, 90), (91, 90), (120, 90)])
def test_leave_before_is_the_earlier_of_90_days_and_the_visa_end(session, people, days,
                                                                  leave_after):
    request = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                     {"visa_kind": "multiple", "days": str(days)})
    pay(session, request)
    doc = document(session, people, request.reference)
    assert doc.kind == "exit_reentry_multiple"
    assert doc.leave_before == TODAY + timedelta(days=leave_after)
    assert doc.return_before == TODAY + timedelta(days=days)


def test_a_final_exit_visa_has_only_a_leave_before_date(session, people):
    request = submit(session, "mohammed", "final_exit_issue", people["r1"])
    doc = document(session, people, request.reference)   # free: approved at submission
    assert doc.kind == "final_exit" and doc.return_before is None
    assert doc.leave_before == doc.valid_until == TODAY + timedelta(days=60)
    assert doc.duration_days == 60


def test_an_extension_prints_the_visa_with_its_new_end(session, people):
    issued = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                    {"visa_kind": "single", "days": "30"})
    pay(session, issued)
    extended = submit(session, "mohammed", "exit_reentry_extend", people["r1"], {"months": "1"},
                      now=LATER)
    pay(session, extended, now=LATER + timedelta(minutes=1))
    before, after = (document(session, people, r.reference) for r in (issued, extended))
    assert before.number == after.number and after.return_before > TODAY + timedelta(days=30)


def test_only_the_person_who_made_the_request_may_open_it(session, people):
    request = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                     {"visa_kind": "single", "days": "30"})
    pay(session, request)
    # Another account holder, and the worker the visa is for: told it does not exist.
    assert refused_code(session, people, request.reference, who="r2") == "request_unknown"
    assert refused_code(session, people, request.reference, who="r1") == "request_unknown"
    for junk in ("", "123", "x" * 10, request.reference + "0"):
        assert refused_code(session, people, junk) == "request_unknown"


def test_no_visa_to_print_before_payment_or_for_other_services(session, people):
    unpaid = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                    {"visa_kind": "single", "days": "30"})
    assert refused_code(session, people, unpaid.reference) == "visa_not_printable"
    passport = submit(session, "mohammed", "passport_issue", people["c1"], PASSPORT_POST)
    assert refused_code(session, people, passport.reference) == "visa_not_printable"


def test_a_cancelled_visa_is_not_printed_and_an_ended_one_says_so(session, people):
    request = submit(session, "mohammed", "exit_reentry_issue", people["r1"],
                     {"visa_kind": "single", "days": "30"})
    pay(session, request)
    end = TODAY + timedelta(days=30)
    assert document(session, people, request.reference, today=end).status == "valid"
    assert document(session, people, request.reference,
                    today=end + timedelta(days=1)).status == "expired"
    submit(session, "mohammed", "exit_reentry_cancel", people["r1"], now=LATER)
    assert refused_code(session, people, request.reference) == "visa_cancelled"


def test_printable_is_for_approved_visa_requests_only():
    assert visas.printable("exit_reentry_issue", "approved")
    assert visas.printable("final_exit_issue", "approved")
    assert not visas.printable("exit_reentry_issue", "awaiting_payment")
    assert not visas.printable("exit_reentry_cancel", "approved")
    assert not visas.printable("passport_issue", "approved")
