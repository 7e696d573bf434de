"""The printable visa: an exit/re-entry (single or multiple) or final exit visa, as its holder
or sponsor prints it from the transaction that issued it (seed 003: "issue, extend, cancel,
print").

Only the account holder whose request it was (the applicant: the resident for themself, or the
sponsor for a dependant or worker) may open it; anyone else is refused exactly as for a
reference that does not exist, so a guessed reference reveals nothing.

Dates: the visa runs from its issue day to `valid_until` (its duration, within the iqama). An
exit/re-entry visa must be used -- the holder must leave -- before the earlier of its end and
[exit_reentry] leave_within_days after issue, and must be back by its end. A final exit visa
has only a "leave before" date: the end of its 60-day clock.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

from sqlmodel import Session, select

from absher_app.domain import requests
from absher_app.domain.errors import ValidationError
from absher_app.domain.request_status import RequestStatus
from absher_app.domain.rules_data import rule
from absher_app.models import Person, Visa

# Requests whose approval issues or changes a visa the holder may need on paper.
PRINTABLE_SERVICES = ("exit_reentry_issue", "exit_reentry_extend", "final_exit_issue")


@dataclasses.dataclass(frozen=True)
class VisaDocument:
    """What the printed visa shows."""

    reference: str
    number: str
    kind: str                 # exit_reentry_single | exit_reentry_multiple | final_exit
    status: str               # valid | expired
    issued_on: date
    valid_until: date
    leave_before: date
    return_before: date | None
    duration_days: int
    holder: Person
    sponsor: Person | None


def printable(service_code: str, status: str) -> bool:
    """Whether a request of this service in this status has a visa to print."""
    return service_code in PRINTABLE_SERVICES and status == RequestStatus.APPROVED


def leave_before(visa: Visa) -> date:
    if visa.kind == "final_exit":
        return visa.valid_until
    return min(visa.valid_until,
               visa.issued_on + timedelta(days=rule("exit_reentry", "leave_within_days")))


def visa_document(session: Session, reference: str, person_id: int, today: date) -> VisaDocument:
    """The visa that request `reference` issued, for the person who made the request.

    Raises:
        ValidationError: request_unknown (no such request, or not this person's -- the same
            answer), visa_not_printable (not an approved visa request), visa_cancelled.
    """
    request = requests.find_request(session, reference)
    if request is None or request.applicant_id != person_id:
        raise ValidationError("request_unknown", "no request has this reference")
    number = json.loads(request.outcome_json or "{}").get("visa_number")
    if not printable(request.service_code, request.status) or not number:
        raise ValidationError("visa_not_printable", "this request has no visa to print")
    visa = session.exec(select(Visa).where(Visa.number == number)).first()
    if visa is None or visa.person_id != request.beneficiary_id:
        raise ValidationError("visa_not_printable", "this request has no visa to print")
    if visa.status == "cancelled":
        raise ValidationError("visa_cancelled", "this visa was cancelled", number=visa.number)
    holder = session.get(Person, visa.person_id)
    sponsor = session.exec(select(Person).where(
        Person.id_number == holder.sponsor_id)).first() if holder.sponsor_id else None
    return VisaDocument(
        reference=request.reference, number=visa.number, kind=visa.kind,
        status="expired" if visa.valid_until < today or visa.status == "expired" else "valid",
        issued_on=visa.issued_on, valid_until=visa.valid_until, leave_before=leave_before(visa),
        return_before=None if visa.kind == "final_exit" else visa.valid_until,
        duration_days=(visa.valid_until - visa.issued_on).days, holder=holder, sponsor=sponsor)
