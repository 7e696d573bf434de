"""The back office's use cases: activation at an office, the request review queue, the
messages inbox, and the branch manager's day view.

Each declares the staff permission it needs (`@use_case(realm="staff", permission=...)`): the
one transaction that runs it first finds the staff member from their session cookie and refuses
(and records) anyone without the role, before any record is read. The domain checks the role
again (`staff.require`), and what opens a person's record is logged for them.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from absher_app import routes
from absher_app.application.appointments import day_label
from absher_app.application.identity import SignedIn
from absher_app.application.inputs import Form, checkbox, text
from absher_app.application.messages import (
    AttachmentFile,
    MessageRow,
    PostView,
    attachment_file,
    message_row,
)
from absher_app.application.unit import Tx, use_case
from absher_app.application.views import Option, Text, both, local_time
from absher_app.application.wizard import shown_answer
from absher_app.domain import (
    appointments,
    backoffice,
    calendars,
    catalogue,
    messages,
    requests,
    staff,
)
from absher_app.domain.calendars import hijri_text
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.domain.staff import (
    ACTIVATE_ACCOUNTS,
    ANSWER_MESSAGES,
    MANAGE_BRANCHES,
    REVIEW_REQUESTS,
)
from absher_app.i18n import translate
from absher_app.models import Message, Person, ServiceRequest

# Transport bounds far above the rules (whose messages say the real limits).
REASON_MAX = 1000
ANSWER_MAX = 10_000


def _done(key: str, **params: str) -> Text:
    """What an action did, in both languages (`params` are the same in both)."""
    return Text(*both(key, **params))


# ---------------------------------------------------------------------------------------------
# Activation at an office.

@dataclasses.dataclass
class PersonCardView:
    """The person found for activation, as the clerk checks them against the ID card (the
    mobile masked); `id_number` is the one the activation will use."""

    id_number: str = ""
    name_ar: str = ""
    name_en: str = ""
    category_ar: str = ""
    category_en: str = ""
    birth_date: str = ""
    birth_hijri_ar: str = ""
    birth_hijri_en: str = ""
    masked_mobile: str = ""


@dataclasses.dataclass(frozen=True)
class FindForm(Form):
    id_number: str = text(max_length=40)


@dataclasses.dataclass(frozen=True)
class ConfirmForm(Form):
    confirm: bool = checkbox()


@use_case(realm="staff", permission=ACTIVATE_ACCOUNTS)
def open_activation_counter(tx: Tx, who: SignedIn) -> None:
    """The activation counter opens for clerks (and administrators) only."""


@use_case(realm="staff", permission=ACTIVATE_ACCOUNTS)
def find_for_activation(tx: Tx, who: SignedIn, form: FindForm) -> PersonCardView:
    """The registered account's person, by the ID number on the card (logged for them).

    Raises:
        ValidationError: about "id_number" (not a valid number, no account awaiting
            activation).
    """
    try:
        card = staff.find_for_activation(tx.session, who.staff, form.id_number, now=tx.now)
    except DomainError as error:
        raise error.about("id_number") from None
    return PersonCardView(card.id_number, card.name_ar, card.name_en,
                          *both(f"staff.category.{card.category}"),
                          card.birth_date.isoformat(), hijri_text(card.birth_date, "ar"),
                          hijri_text(card.birth_date, "en"), card.masked_mobile)


@use_case(realm="staff", permission=ACTIVATE_ACCOUNTS)
def activate_at_office(tx: Tx, who: SignedIn, found: PersonCardView,
                       form: ConfirmForm) -> Text:
    """Activate the account of the person found, once the clerk confirms the card matches
    (the person is told by SMS). What it did, to show.

    Raises:
        ValidationError: staff_find_first (about "id_number"), staff_confirm_card (about
            "confirm"), and the domain's refusals.
    """
    if not found.id_number:
        raise ValidationError("staff_find_first", "find the person first", field="id_number")
    if not form.confirm:
        raise ValidationError("staff_confirm_card", "confirm the card", field="confirm")
    staff.activate_at_office(tx.session, who.staff, found.id_number, now=tx.now, sms=tx.sms)
    return Text(translate("staff.activate.done", "ar", name=found.name_ar),
                translate("staff.activate.done", "en", name=found.name_en))


# ---------------------------------------------------------------------------------------------
# Request review.

@dataclasses.dataclass
class RequestRow:
    """A request as the queue and the review page head show it."""

    reference: str
    href: str
    service_ar: str
    service_en: str
    amount: int
    status: str
    status_ar: str
    status_en: str
    date: str
    tracking: str = ""


@dataclasses.dataclass
class ReviewQueue:
    waiting: list[RequestRow] = dataclasses.field(default_factory=list)
    deliveries: list[RequestRow] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class PersonView:
    name_ar: str = ""
    name_en: str = ""
    id_number: str = ""
    birth_date: str = ""


@dataclasses.dataclass
class Line:
    """A label and a value, each in both languages."""

    ar: str
    en: str
    value_ar: str
    value_en: str


@dataclasses.dataclass
class ReviewView:
    """One request under review (`found` False when there is no such request)."""

    found: bool = False
    current: RequestRow = dataclasses.field(
        default_factory=lambda: RequestRow("", "", "", "", 0, "", "", "", ""))
    applicant: PersonView = dataclasses.field(default_factory=PersonView)
    beneficiary: PersonView = dataclasses.field(default_factory=PersonView)
    documents: list[Line] = dataclasses.field(default_factory=list)
    answers: list[Line] = dataclasses.field(default_factory=list)
    timeline: list[Line] = dataclasses.field(default_factory=list)
    reason: str = ""
    tracking: str = ""
    delivery_status: Text = dataclasses.field(default_factory=Text)
    can_advance: bool = False
    done: Text = dataclasses.field(default_factory=Text)


@dataclasses.dataclass(frozen=True)
class RejectForm(Form):
    reason: str = text(max_length=REASON_MAX, required=False)


def _request_row(tx: Tx, request: ServiceRequest, delivery: bool = False) -> RequestRow:
    service = catalogue.service(request.service_code)
    status = both(f"status.{request.status}")
    tracking = ""
    if delivery:
        found = requests.delivery_of(tx.session, request.id)
        tracking = found.tracking_number if found else ""
        status = both(f"delivery.{found.status}") if found else status
    return RequestRow(request.reference, routes.staff_request_path(request.reference),
                      *both(service.title_key), request.fee_sar, request.status, *status,
                      local_time(request.submitted_at), tracking)


@use_case(realm="staff", permission=REVIEW_REQUESTS)
def review_queue(tx: Tx, who: SignedIn) -> ReviewQueue:
    """The requests awaiting a decision (oldest first) and the deliveries under way."""
    return ReviewQueue(
        [_request_row(tx, r) for r in staff.awaiting_decision(tx.session, who.staff)],
        [_request_row(tx, r, delivery=True)
         for r in staff.deliveries_under_way(tx.session, who.staff)])


def _person(person: Person | None) -> PersonView:
    if person is None:
        return PersonView()
    return PersonView(person.name_ar, person.name_en, person.id_number,
                      person.birth_date.isoformat())


def _answers(request: ServiceRequest) -> list[Line]:
    stored = staff.answers_of(request)
    service = catalogue.service(request.service_code)
    return [Line(*both(field.label_key), *shown_answer(field, stored[field.name], None))
            for step in (service.steps if service else ()) for field in step.fields
            if field.name in stored]


def _review(tx: Tx, request: ServiceRequest) -> ReviewView:
    beneficiary = tx.session.get(Person, request.beneficiary_id)
    delivery = requests.delivery_of(tx.session, request.id)
    return ReviewView(
        found=True, current=_request_row(tx, request),
        applicant=_person(tx.session.get(Person, request.applicant_id)),
        beneficiary=_person(beneficiary),
        documents=[Line(*both(f"staff.document.{key}"), value, value)
                   for key, value in staff.documents_of(beneficiary)],
        answers=_answers(request),
        timeline=[Line(*both(f"event.{e.kind}"), local_time(e.created_at),
                       local_time(e.created_at))
                  for e in requests.timeline(tx.session, request.id)],
        reason=request.decision_reason if request.status == "rejected" else "",
        tracking=delivery.tracking_number if delivery else "",
        delivery_status=Text(*both(f"delivery.{delivery.status}")) if delivery else Text(),
        can_advance=delivery is not None and delivery.status != "delivered")


@use_case(realm="staff", permission=REVIEW_REQUESTS)
def open_request(tx: Tx, who: SignedIn, reference: str) -> ReviewView:
    """One request for review; opening it is logged for the applicant and the beneficiary."""
    try:
        request = staff.open_request(tx.session, who.staff, reference, now=tx.now)
    except ValidationError:
        return ReviewView()
    return _review(tx, request)


def _decided(tx: Tx, reference: str, status_key: str) -> ReviewView:
    view = _review(tx, requests.find_request(tx.session, reference))
    view.done = Text(*[translate("staff.review.done", lang, status=translate(status_key, lang))
                       for lang in ("ar", "en")])
    return view


@use_case(realm="staff", permission=REVIEW_REQUESTS)
def approve_request(tx: Tx, who: SignedIn, reference: str) -> ReviewView:
    """Approve the request (the person is told; approval does what the service does)."""
    request = staff.decide_request(tx.session, who.staff, reference, True, "", now=tx.now,
                                   sms=tx.sms)
    return _decided(tx, reference, f"status.{request.status}")


@use_case(realm="staff", permission=REVIEW_REQUESTS)
def reject_request(tx: Tx, who: SignedIn, reference: str, form: RejectForm) -> ReviewView:
    """Reject the request with the reason the person is shown.

    Raises:
        ValidationError: reason_required (about "reason"), request_not_in_review.
    """
    try:
        request = staff.decide_request(tx.session, who.staff, reference, False, form.reason,
                                       now=tx.now, sms=tx.sms)
    except ValidationError as error:
        if error.code == "reason_required":
            error.about("reason")
        raise
    return _decided(tx, reference, f"status.{request.status}")


@use_case(realm="staff", permission=REVIEW_REQUESTS)
def advance_delivery(tx: Tx, who: SignedIn, reference: str) -> ReviewView:
    """Record the delivery's next status (as Saudi Post reports it)."""
    status = staff.advance_delivery(tx.session, who.staff, reference, now=tx.now, sms=tx.sms)
    return _decided(tx, reference, f"delivery.{status}")


# ---------------------------------------------------------------------------------------------
# The messages inbox.

@dataclasses.dataclass
class InboxRow:
    reference: str
    href: str
    subject: str
    sector_ar: str
    sector_en: str
    topic_ar: str
    topic_en: str
    status: str
    status_ar: str
    status_en: str
    waiting_since: str
    needs_visit: bool


@dataclasses.dataclass(frozen=True)
class InboxFilter:
    """The inbox filter as chosen ("" is any); checked by the domain before it is used."""

    sector: str = ""
    topic: str = ""
    status: str = ""


@dataclasses.dataclass
class InboxView:
    rows: list[InboxRow] = dataclasses.field(default_factory=list)
    chosen: InboxFilter = dataclasses.field(default_factory=InboxFilter)
    topics: list[Option] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class StaffThreadView:
    """One message being answered (`found` False when there is no such message)."""

    found: bool = False
    row: MessageRow = dataclasses.field(default_factory=lambda: MessageRow(*[""] * 9))
    sector: Text = dataclasses.field(default_factory=Text)
    person: Text = dataclasses.field(default_factory=Text)
    id_number: str = ""
    posts: list[PostView] = dataclasses.field(default_factory=list)
    attachment_href: str = ""
    attachment_name: str = ""
    needs_visit: bool = False
    done: Text = dataclasses.field(default_factory=Text)


@dataclasses.dataclass(frozen=True)
class StaffAnswerForm(Form):
    answer: str = text(max_length=ANSWER_MAX)


def topic_options(sector: str) -> list[Option]:
    """The services to filter by: the sector's, or every sector's when none is chosen."""
    keys = messages.topics(sector) if sector else list(dict.fromkeys(
        k for s in messages.sectors() for k in messages.topics(s)))
    return [Option(k, *both(f"messages.topic.{k}")) for k in keys]


def sector_options() -> list[Option]:
    return [Option(k, *both(f"messages.sector.{k}")) for k in messages.sectors()]


def status_options() -> list[Option]:
    return [Option(k, *both(f"messages.status.{k}")) for k in messages.STATUSES]


def _inbox_row(message: Message) -> InboxRow:
    return InboxRow(message.reference, routes.staff_message_path(message.reference),
                    message.subject, *both(f"messages.sector.{message.sector}"),
                    *both(f"messages.topic.{message.topic}"), message.status,
                    *both(f"messages.status.{message.status}"), local_time(message.updated_at),
                    message.needs_visit)


@use_case(realm="staff", permission=ANSWER_MESSAGES)
def staff_inbox(tx: Tx, who: SignedIn, wanted: InboxFilter) -> InboxView:
    """The messages matching the filter, oldest waiting first.

    Raises:
        ValidationError: sector_unknown, topic_unknown, status_unknown (about that filter).
    """
    chosen = backoffice.clean_filter(wanted.sector, wanted.topic, wanted.status)
    return InboxView([_inbox_row(m) for m in backoffice.inbox(tx.session, who.staff, chosen)],
                     InboxFilter(chosen.sector, chosen.topic, chosen.status),
                     topic_options(chosen.sector))


def _thread(tx: Tx, message: Message) -> StaffThreadView:
    person = tx.session.get(Person, message.person_id)
    attachment = messages.attachment_of(tx.session, message.id)
    return StaffThreadView(
        found=True, row=message_row(message),
        sector=Text(*both(f"messages.sector.{message.sector}")),
        person=Text(person.name_ar, person.name_en), id_number=person.id_number,
        posts=[PostView(p.author, p.body, local_time(p.created_at))
               for p in messages.thread(tx.session, message.id)],
        attachment_href=routes.staff_attachment_path(attachment.id) if attachment else "",
        attachment_name=attachment.original_name if attachment else "",
        needs_visit=message.needs_visit)


@use_case(realm="staff", permission=ANSWER_MESSAGES)
def open_message(tx: Tx, who: SignedIn, reference: str) -> StaffThreadView:
    """One message to answer; opening it is logged for the person, and a sent message goes
    "in review"."""
    try:
        message = backoffice.open_message(tx.session, who.staff, reference, now=tx.now)
    except ValidationError:
        return StaffThreadView()
    return _thread(tx, message)


@use_case(realm="staff", permission=ANSWER_MESSAGES, activity=False)
def staff_attachment(tx: Tx, who: SignedIn, attachment_id: int) -> AttachmentFile | None:
    """A sent message's PDF for staff who answer messages (None when there is no such file
    sent with a message); each download is in the staff audit trail."""
    return attachment_file(backoffice.attachment_for_staff(tx.session, who.staff, attachment_id,
                                                           now=tx.now))


def _after(tx: Tx, reference: str, done_key: str) -> StaffThreadView:
    view = _thread(tx, messages.find(tx.session, reference))
    view.done = _done(done_key)
    return view


@use_case(realm="staff", permission=ANSWER_MESSAGES)
def answer_message(tx: Tx, who: SignedIn, reference: str,
                   form: StaffAnswerForm) -> StaffThreadView:
    """Send the answer (the person is told in-app and by SMS).

    Raises:
        ValidationError: about "answer" (too short, too long, the message closed...).
    """
    try:
        backoffice.answer_message(tx.session, who.staff, reference, form.answer, now=tx.now,
                                  sms=tx.sms)
    except DomainError as error:
        raise error.about("answer") from None
    return _after(tx, reference, "staff.messages.answered")


@use_case(realm="staff", permission=ANSWER_MESSAGES)
def mark_needs_visit(tx: Tx, who: SignedIn, reference: str) -> StaffThreadView:
    """Say the matter needs a visit to a branch: the person is offered an appointment."""
    backoffice.mark_needs_visit(tx.session, who.staff, reference, now=tx.now, sms=tx.sms)
    return _after(tx, reference, "staff.messages.visit_marked")


@use_case(realm="staff", permission=ANSWER_MESSAGES)
def close_message(tx: Tx, who: SignedIn, reference: str) -> StaffThreadView:
    """Close the message: no more replies; the person is told."""
    backoffice.close_message(tx.session, who.staff, reference, now=tx.now, sms=tx.sms)
    return _after(tx, reference, "staff.messages.closed")


# ---------------------------------------------------------------------------------------------
# The branch day view.

@dataclasses.dataclass
class SlotRow:
    start: str
    booked: int
    capacity: int
    free: int
    closed: bool


@dataclasses.dataclass
class BookingRow:
    reference: str
    start: str
    topic_ar: str
    topic_en: str
    status: str
    status_ar: str
    status_en: str


@dataclasses.dataclass
class BranchDayView:
    """One day at one branch this staff member manages (`branch` "" when they manage none);
    `scopes` are what a capacity may be set for: the default, the day, or one of its slots."""

    branches: list[Option] = dataclasses.field(default_factory=list)
    branch: str = ""
    day: str = ""
    day_label: Text = dataclasses.field(default_factory=Text)
    working_day: bool = True
    closed_reason: str = ""
    slots: list[SlotRow] = dataclasses.field(default_factory=list)
    bookings: list[BookingRow] = dataclasses.field(default_factory=list)
    scopes: list[Option] = dataclasses.field(default_factory=list)
    done: Text = dataclasses.field(default_factory=Text)


@dataclasses.dataclass(frozen=True)
class DayForm(Form):
    """The branch and the day: `day` as an ISO date, or typed in the day, month and year
    boxes (`day_day`, `day_month`, `day_year`) the page shows."""

    branch: str = text(max_length=40, required=False)
    day: str = text(max_length=40, required=False)
    day_day: str = text(max_length=8, required=False)
    day_month: str = text(max_length=8, required=False)
    day_year: str = text(max_length=8, required=False)

    def chosen_day(self) -> str:
        return self.day or calendars.entered_date(self.day_day, self.day_month, self.day_year)


@dataclasses.dataclass(frozen=True)
class CapacityForm(Form):
    scope: str = text(max_length=40, required=False)
    places: str = text(max_length=40, required=False)


@dataclasses.dataclass(frozen=True)
class ReasonForm(Form):
    reason: str = text(max_length=REASON_MAX, required=False)


@dataclasses.dataclass(frozen=True)
class ScanForm(Form):
    scanned: str = text(max_length=REASON_MAX, required=False)


@dataclasses.dataclass(frozen=True)
class BranchDay:
    """The branch and day an action is about: those on the staff member's screen."""

    branch: str
    day: str


def _first_working_day(day: date) -> date:
    while not appointments.is_working_day(day):
        day += timedelta(days=1)
    return day


def _day_view(tx: Tx, who: SignedIn, branch_code: str, day: date) -> BranchDayView:
    branches = [Option(b.code, b.name_ar, b.name_en)
                for b in backoffice.managed_branches(tx.session, who.staff)]
    if not branches:
        return BranchDayView()
    if branch_code not in {b.value for b in branches}:
        branch_code = branches[0].value
    found = backoffice.branch_day(tx.session, who.staff, branch_code, day)
    slots = [SlotRow(s.start, s.booked, s.capacity, s.free, s.closed) for s in found.slots]
    return BranchDayView(
        branches=branches, branch=branch_code, day=day.isoformat(),
        day_label=Text(day_label(day, "ar"), day_label(day, "en")),
        working_day=found.working_day, closed_reason=found.closed_reason, slots=slots,
        bookings=[BookingRow(a.reference, a.start, *both(f"messages.topic.{a.topic}"),
                             a.status, *both(f"appointments.status.{a.status}"))
                  for a in found.appointments],
        scopes=[Option("default", *both("staff.branches.scope_default")),
                Option("day", *both("staff.branches.scope_day"))] + [
            Option(s.start, *[translate("staff.branches.scope_slot", lang, time=s.start)
                              for lang in ("ar", "en")]) for s in slots])


def _managed_code(tx: Tx, who: SignedIn, branch_code: str) -> str:
    if branch_code not in {b.code for b in backoffice.managed_branches(tx.session, who.staff)}:
        raise ValidationError("branch_not_managed", "you do not manage this branch",
                              field="branch")
    return branch_code


@use_case(realm="staff", permission=MANAGE_BRANCHES)
def branch_today(tx: Tx, who: SignedIn, branch_code: str) -> BranchDayView:
    """`branch_code` (or the first branch this staff member manages) today, or on the next
    working day."""
    return _day_view(tx, who, branch_code, _first_working_day(tx.today))


@use_case(realm="staff", permission=MANAGE_BRANCHES)
def branch_on_day(tx: Tx, who: SignedIn, form: DayForm) -> BranchDayView:
    """The branch and day chosen (both checked).

    Raises:
        ValidationError: day_invalid (about "day"), branch_not_managed (about "branch").
    """
    day = backoffice.parse_day(form.chosen_day(), tx.now)
    return _day_view(tx, who, _managed_code(tx, who, form.branch), day)


def _act(tx: Tx, who: SignedIn, at: BranchDay, field: str, action) -> BranchDayView:
    """Run `action(branch_code, day)` on the branch and day shown; the day as it is now, with
    what the action did."""
    try:
        branch, day = _managed_code(tx, who, at.branch), date.fromisoformat(at.day)
        done = action(branch, day)
    except ValueError:  # no day shown yet
        raise ValidationError("branch_not_managed", "show a day first").about(field) from None
    except DomainError as error:
        raise error.about(field) from None
    view = _day_view(tx, who, branch, day)
    view.done = done
    return view


@use_case(realm="staff", permission=MANAGE_BRANCHES)
def set_capacity(tx: Tx, who: SignedIn, at: BranchDay, form: CapacityForm) -> BranchDayView:
    """Places per slot: the branch default, the whole day shown, or one slot of it.

    Raises:
        ValidationError: staff_choose_scope (about "scope"), capacity_invalid and the domain's
            refusals (about "places").
    """
    if form.scope not in {"default", "day", *appointments.slot_times()}:
        raise ValidationError("staff_choose_scope", "choose what to set", field="scope")
    if not form.places.isascii() or not form.places.isdigit() or len(form.places) > 3:
        raise ValidationError("capacity_invalid", "a whole number", field="places")
    places = int(form.places)

    def _set(branch: str, day: date) -> Text:
        change = backoffice.set_capacity(
            tx.session, who.staff, branch, places, now=tx.now,
            day=None if form.scope == "default" else day,
            start=None if form.scope in ("default", "day") else form.scope)
        if change.kept_higher:
            return _done("staff.branches.capacity_kept", places=str(places),
                         slots="، ".join(change.kept_higher))
        return _done("staff.branches.capacity_done", places=str(places),
                     changed=str(change.changed))

    return _act(tx, who, at, "places", _set)


@use_case(realm="staff", permission=MANAGE_BRANCHES)
def close_day(tx: Tx, who: SignedIn, at: BranchDay, form: ReasonForm) -> BranchDayView:
    """Close the branch on the day shown, with the reason the people booked are told (and
    offered another time)."""
    return _act(tx, who, at, "reason", lambda branch, day: _done(
        "staff.branches.closed_done", count=str(len(backoffice.close_day(
            tx.session, who.staff, branch, day, form.reason, now=tx.now, sms=tx.sms)))))


@use_case(realm="staff", permission=MANAGE_BRANCHES)
def reopen_day(tx: Tx, who: SignedIn, at: BranchDay) -> BranchDayView:
    """Open the day shown again (appointments the closure cancelled stay cancelled)."""
    return _act(tx, who, at, "", lambda branch, day: _done("staff.branches.reopened_done")
                if backoffice.reopen_day(tx.session, who.staff, branch, day, now=tx.now)
                else Text())


@use_case(realm="staff", permission=MANAGE_BRANCHES)
def check_in(tx: Tx, who: SignedIn, at: BranchDay, form: ScanForm) -> BranchDayView:
    """Check in the slip whose QR text was scanned (or typed) at the branch shown."""
    return _act(tx, who, at, "scanned", lambda branch, _day: _done(
        "staff.branches.checked_in", reference=backoffice.check_in(
            tx.session, who.staff, branch, form.scanned[:100], now=tx.now).reference))


# Every staff use case of this module (the guard test walks them).
USE_CASES = (
    open_activation_counter, find_for_activation, activate_at_office, review_queue,
    open_request, approve_request, reject_request, advance_delivery, staff_inbox, open_message,
    staff_attachment, answer_message, mark_needs_visit, close_message, branch_today,
    branch_on_day, set_capacity, close_day, reopen_day, check_in,
)
