"""My transactions, one transaction (status, timeline, outcome, bill, delivery), the printable
visa of an approved visa request, and the demo bank that pays a SADAD bill by its number.

A person sees the requests of their own household, and those they made as a delegate on
behalf of someone else (marked so) while the delegation still covers them: after it is revoked,
suspended or past its period the request's page says so and shows nothing of it. Any other
person's reference reads exactly like one that does not exist. Every check is made here, on the
server, from the reference alone: nothing in the address is trusted.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date

from sqlmodel import Session

from absher_app import routes
from absher_app.application.identity import SignedIn
from absher_app.application.inputs import Form, text
from absher_app.application.payment_notifications import pay_through
from absher_app.application.unit import Tx, use_case
from absher_app.application.views import Text, both, local_time, problem
from absher_app.application.views import text as text_of
from absher_app.domain import catalogue, requests, visas
from absher_app.domain import delegation as delegations
from absher_app.domain.calendars import days_text, gregorian_text, hijri_text
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.domain.request_status import BillStatus, RequestStatus
from absher_app.i18n import AR, translate
from absher_app.models import Person, ServiceRequest


@dataclasses.dataclass
class TransactionRow:
    reference: str
    href: str
    service_ar: str
    service_en: str
    beneficiary_ar: str
    beneficiary_en: str
    amount: int
    status: str
    status_ar: str
    status_en: str
    date: str
    on_behalf_ar: str = ""  # "On behalf of NAME" on a request made as a delegate
    on_behalf_en: str = ""


EMPTY_ROW = TransactionRow("", "", "", "", "", "", 0, "", "", "", "")


@dataclasses.dataclass
class Happened:
    """A line of a timeline, or of an outcome: what (both languages) and its value or time."""

    ar: str
    en: str
    value: str


@dataclasses.dataclass
class TransactionView:
    """One of the person's requests (`found` False alike for "not yours" and "no such")."""

    found: bool = False
    row: TransactionRow = dataclasses.field(default_factory=lambda: EMPTY_ROW)
    timeline: list[Happened] = dataclasses.field(default_factory=list)
    outcome: list[Happened] = dataclasses.field(default_factory=list)
    reason: str = ""
    bill_number: str = ""
    bill_status: Text = dataclasses.field(default_factory=Text)
    bill_due: str = ""
    pay_url: str = ""
    tracking: str = ""
    short_address: str = ""
    delivery_status: Text = dataclasses.field(default_factory=Text)
    visa_href: str = ""
    # A request made on behalf whose delegation no longer covers it: why it cannot be opened
    # (`found` stays False and nothing of the request is shown).
    refusal: Text = dataclasses.field(default_factory=Text)


def on_behalf_text(delegator: Person | None) -> Text:
    """ "On behalf of NAME" ("" for one's own request)."""
    if delegator is None:
        return Text()
    return Text(translate("transactions.on_behalf", "ar", name=delegator.name_ar),
                translate("transactions.on_behalf", "en", name=delegator.name_en))


def transaction_row(session: Session, request: ServiceRequest,
                    delegator: Person | None = None) -> TransactionRow:
    """A request as a row of the transactions table (`delegator`: made on their behalf)."""
    person = session.get(Person, request.beneficiary_id)
    service = catalogue.service(request.service_code)
    marked = on_behalf_text(delegator)
    return TransactionRow(request.reference, routes.transaction_path(request.reference),
                          *both(service.title_key), person.name_ar, person.name_en,
                          request.fee_sar, request.status, *both(f"status.{request.status}"),
                          local_time(request.submitted_at), marked.ar, marked.en)


@dataclasses.dataclass
class Access:
    """What the signed-in person may see of a request: it (`request`), and whose behalf it was
    made on (`delegator`); or why not (`refused`: a delegation that no longer covers it)."""

    request: ServiceRequest | None = None
    delegator: Person | None = None
    refused: DomainError | None = None


def _covered(tx: Tx, delegate: Person, delegation, request: ServiceRequest) -> DomainError | None:
    """None while `delegation` lets `delegate` act for the request's service today."""
    try:
        delegations.authorize(tx.session, delegate=delegate, reference=delegation.reference,
                              service_code=request.service_code, today=tx.today)
    except DomainError as error:
        return error
    return None


def request_access(tx: Tx, who: SignedIn, reference: str) -> Access:
    """The request with this reference as the signed-in person may see it: their own
    household's; or one they submitted as a delegate, while its delegation (status, period,
    services) still covers it. Anything else: Access() (as if there were no such request)."""
    request = requests.find_request(tx.session, reference)
    if request is None:
        return Access()
    if request.applicant_id == who.person_id:
        return Access(request)
    if request.account_id != who.account_id:
        return Access()
    delegation = delegations.delegation_of_request(tx.session, request.id)
    if delegation is None or delegation.delegate_id != who.person_id:
        return Access()
    me = tx.session.get(Person, who.person_id)
    delegator = tx.session.get(Person, delegation.delegator_id)
    if refused := _covered(tx, me, delegation, request):
        return Access(None, delegator, refused)
    return Access(request, delegator)


def own_request(tx: Tx, who: SignedIn, reference: str) -> ServiceRequest | None:
    """The request with this reference if the signed-in person may open it, else None."""
    return request_access(tx, who, reference).request


def rows_on_behalf(tx: Tx, who: SignedIn) -> list[tuple[ServiceRequest, Person]]:
    """The requests the person submitted as a delegate that their delegations still cover,
    newest first, each with the delegator."""
    me = tx.session.get(Person, who.person_id)
    found = []
    for request_id, delegation in delegations.acts_of(tx.session, me):
        request = tx.session.get(ServiceRequest, request_id)
        if request is None or request.account_id != who.account_id:
            continue
        if _covered(tx, me, delegation, request) is None:
            found.append((request, tx.session.get(Person, delegation.delegator_id)))
    return found


def all_rows(tx: Tx, who: SignedIn, own: list[ServiceRequest] | None = None,
             limit: int | None = None) -> list[TransactionRow]:
    """The person's own requests (`own`, when already read) and those made on someone's
    behalf, newest first; the first `limit` of them."""
    if own is None:
        own = requests.requests_of(tx.session, who.person_id)
    both_kinds = sorted([(r, None) for r in own] + rows_on_behalf(tx, who),
                        key=lambda pair: pair[0].id, reverse=True)
    return [transaction_row(tx.session, r, delegator) for r, delegator in both_kinds[:limit]]


@use_case(activity=False)
def my_transactions(tx: Tx, who: SignedIn) -> list[TransactionRow]:
    """The person's requests, and those they made on behalf of a delegator (while the
    delegation covers them), newest first."""
    return all_rows(tx, who)


@use_case(activity=False)
def open_transaction(tx: Tx, who: SignedIn, reference: str) -> TransactionView:
    """One of the person's requests (or one they made on behalf, within the delegation) with
    its timeline, outcome, bill and delivery."""
    access = request_access(tx, who, reference)
    if access.refused is not None:
        said, delegator = problem(access.refused), access.delegator
        return TransactionView(refusal=Text(
            translate("transactions.on_behalf_refused", "ar", name=delegator.name_ar,
                      reason=said["ar"]),
            translate("transactions.on_behalf_refused", "en", name=delegator.name_en,
                      reason=said["en"])))
    request = access.request
    if request is None:
        return TransactionView()
    session = tx.session
    outcome = json.loads(request.outcome_json or "{}")
    bill = requests.bill_of(session, request.id)
    delivery = requests.delivery_of(session, request.id)
    return TransactionView(
        found=True, row=transaction_row(session, request, access.delegator),
        timeline=[Happened(*both(f"event.{e.kind}"), local_time(e.created_at))
                  for e in requests.timeline(session, request.id)],
        outcome=[Happened(*both(f"outcome.{k}"), str(v))
                 for k, v in sorted(outcome.items()) if k != "late"],
        reason=request.decision_reason if request.status == RequestStatus.REJECTED else "",
        bill_number=bill.number if bill else "",
        bill_status=text_of(f"bill.{bill.status}") if bill else Text(),
        bill_due=local_time(bill.due_at) if bill else "",
        pay_url=tx.payments.payment_page(bill.number)
        if bill and bill.status == BillStatus.UNPAID else "",
        tracking=delivery.tracking_number if delivery else "",
        short_address=delivery.short_address if delivery else "",
        delivery_status=text_of(f"delivery.{delivery.status}") if delivery else Text(),
        visa_href=routes.visa_print_path(request.reference)
        if access.delegator is None and visas.printable(request.service_code, request.status)
        else "")


# ---------------------------------------------------------------------------------------------
# The printable visa.

@dataclasses.dataclass
class VisaRow:
    """One line of the printed visa: label, value, and the Hijri date under a Gregorian one."""

    key: str
    label_ar: str
    label_en: str
    value_ar: str
    value_en: str
    hijri_ar: str = ""
    hijri_en: str = ""
    ltr: bool = False


@dataclasses.dataclass
class VisaView:
    """The visa to print (`printable`), or why it cannot be (`refusal`)."""

    printable: bool = False
    reference: str = ""
    title: Text = dataclasses.field(default_factory=Text)
    rows: list[VisaRow] = dataclasses.field(default_factory=list)
    refusal: Text = dataclasses.field(default_factory=Text)


def _date_row(key: str, day: date) -> VisaRow:
    return VisaRow(key, *both(f"visa.{key}"), gregorian_text(day, "ar"), gregorian_text(day, "en"),
                   hijri_text(day, "ar"), hijri_text(day, "en"))


def _nationality(code: str) -> tuple[str, str]:
    key = f"country.{code}"
    return both(key) if key in AR else (code, code)


def visa_rows(doc: visas.VisaDocument) -> list[VisaRow]:
    """The printed visa, line by line, in both languages."""
    holder = doc.holder
    rows = [
        VisaRow("number", *both("visa.number"), doc.number, doc.number, ltr=True),
        VisaRow("kind", *both("visa.kind"), *both(f"visa.kind.{doc.kind}")),
        VisaRow("holder", *both("visa.holder"), holder.name_ar, holder.name_en),
        VisaRow("id_number", *both("visa.id_number"), holder.id_number, holder.id_number,
                ltr=True),
        VisaRow("nationality", *both("visa.nationality"), *_nationality(holder.nationality)),
        VisaRow("passport", *both("visa.passport"), holder.passport_number or "-",
                holder.passport_number or "-", ltr=True),
        _date_row("issued_on", doc.issued_on),
        _date_row("leave_before", doc.leave_before),
    ]
    if doc.return_before is not None:
        rows.append(_date_row("return_before", doc.return_before))
    rows.append(VisaRow("duration", *both("visa.duration"),
                        days_text(doc.duration_days, "ar"), days_text(doc.duration_days, "en")))
    if doc.sponsor is not None:
        rows.append(VisaRow("sponsor", *both("visa.sponsor"),
                            f"{doc.sponsor.name_ar} ({doc.sponsor.id_number})",
                            f"{doc.sponsor.name_en} ({doc.sponsor.id_number})"))
    rows.append(VisaRow("status", *both("visa.status"), *both(f"visa.status.{doc.status}")))
    return rows


@use_case(activity=False)
def visa_to_print(tx: Tx, who: SignedIn, reference: str) -> VisaView:
    """The visa that the person's request `reference` issued, or why it cannot be printed
    (someone else's request reads exactly like one that does not exist)."""
    try:
        doc = visas.visa_document(tx.session, reference, who.person_id, tx.today)
    except DomainError as error:
        said = problem(error)
        refusal = text_of("visa.not_yours") if error.code == "request_unknown" else Text(
            said["ar"], said["en"])
        return VisaView(reference=reference, refusal=refusal)
    return VisaView(True, reference, text_of(f"visa.kind.{doc.kind}"), visa_rows(doc))


# ---------------------------------------------------------------------------------------------
# The demo bank (no sign-in: a bank's page pays any bill by its number).

@dataclasses.dataclass(frozen=True)
class BillForm(Form):
    bill: str = text(max_length=40)


@dataclasses.dataclass
class BillView:
    """A bill as the bank shows it, and what paying it just did (`message`)."""

    number: str = ""
    amount: int = 0
    status: str = ""
    reference: str = ""
    message: Text = dataclasses.field(default_factory=Text)


def _bill_view(tx: Tx, number: str, message: Text | None = None) -> BillView:
    bill = requests.find_bill(tx.session, number)
    if bill is None:
        raise ValidationError("bill_unknown", "no bill has this number").about("bill")
    request = tx.session.get(ServiceRequest, bill.request_id)
    return BillView(bill.number, bill.amount_sar, bill.status, request.reference,
                    message or Text())


@use_case(realm=None)
def find_bill(tx: Tx, who: None, form: BillForm) -> BillView:
    """The bill with this number (its amount, status, and the request it pays for)."""
    return _bill_view(tx, form.bill)


@use_case(realm=None)
def pay_bill(tx: Tx, who: None, number: str, amount: int) -> BillView:
    """Pay the bill as the bank would; paying a paid bill again charges nothing."""
    try:
        _, charged = pay_through(tx.payments, tx.session, number, amount, now=tx.now,
                                 sms=tx.sms)
    except DomainError as error:
        raise error.about("bill") from None
    return _bill_view(tx, number, text_of("pay.paid" if charged else "pay.already_paid"))
