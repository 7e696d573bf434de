"""The IDOR matrix (issue 13, "A security suite"): every use case that takes a handle to a
person's record -- a reference, an attachment id, a plate, a delegation acted under, a member's
ID number, a draft's token -- walked as ANOTHER person with the owner's handles.

Every page's data and every handler's change goes through one use case of
absher_app/application/ (`unit.run(fn, caller, *inputs)`; the PDF download routes too), so the
matrix is walked at that level:

- the owner, Mohammed (a household of his own), is given one of each record through the use
  cases themselves (a sent message with a PDF and a pending attachment, a visit asked for and
  booked, delegations he made and one made to him, a submitted request and a paid visa to
  print, a draft, a vehicle transfer waiting for its buyer);
- MATRIX: each row names the use case, how its inputs are made of the owner's records, and
  what "refused" looks like (a `DomainError` / `NotAllowed`, or the empty, not-found view);
- Khalid, a stranger, walks every row; Turki, Mohammed's delegate and the buyer of his car,
  every row but the few that are his to do: refused, nothing of Mohammed's changed (every
  table's rows compared before and after, no text sent to him), and nothing of Mohammed's
  in what came back but what the caller sent;
- Mohammed walks the read-only rows with the same inputs and gets his records (a matrix where
  every call fails for everyone would prove nothing);
- LISTS: the pages with no handle at all (my messages, my transactions, the family page...)
  show Mohammed his records and Khalid none of them;
- completeness: every use case a person (or anyone) can call is in MATRIX, in LISTS or in
  NOT_A_RECORD with the reason; a new one in none of them fails here.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import typing
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, SQLModel, select

from absher_app.application import appointments as appointments_uc
from absher_app.application import delegations as delegations_uc
from absher_app.application import messages as messages_uc
from absher_app.application import staff as staff_uc
from absher_app.application import transactions as transactions_uc
from absher_app.application import unit
from absher_app.application import wizard as wizard_uc
from absher_app.application.appointments import BookingChoice, BookingQuery
from absher_app.application.delegations import AnswerForm
from absher_app.application.identity import Caller, NotAllowed
from absher_app.application.inputs import FormFields
from absher_app.application.messages import MessageForm, NewMessage, ReplyForm, Upload
from absher_app.application.wizard import CodeForm, Phase, WhoForm, WizardKey
from absher_app.domain import delegation as delegation_domain
from absher_app.domain.demo import demo_ids
from absher_app.domain.errors import DomainError
from absher_app.models import (
    Account,
    Bill,
    MessageAttachment,
    Person,
    ServiceRequest,
    SmsMessage,
    VehicleTransfer,
    Visa,
    WizardDraft,
)
from absher_app.providers.sms import OutboxSmsSender
from absher_app.settings import get_settings
from tests.security import pdfs
from tests.unit.application.conftest import (
    APP_NOW,
    APP_TODAY,
    app_world,  # noqa: F401 (a fixture)
)
from tests.unit.application.test_staff_guard import declared_use_cases

IDS = demo_ids()
MONDAY = APP_TODAY + timedelta(days=1)
FORM = MessageForm(subject="Renewal of my driver's iqama",
                   body="Please tell me what the renewal of Rajesh's iqama needs.")


# ---------------------------------------------------------------------------------------------
# The owner's records.

@dataclasses.dataclass
class Owned:
    """Handles to each of Mohammed's records, as a page or a crafted event would carry them."""

    message: str
    sent_attachment: int
    pending_attachment: int
    appointment: str
    given_pending: str  # Mohammed -> Turki, not answered yet
    given_active: str  # Mohammed -> Turki, accepted
    received_active: str  # Ahmed -> Mohammed, accepted (Mohammed acts under it)
    received_pending: str  # Ahmed -> Mohammed, not answered yet
    request: str  # an exit/re-entry visa for Rajesh, paid: approved, its visa printable
    request_token: str  # that request's idempotency key (the draft token it came from)
    transfer_request: str  # the vehicle transfer's request
    plate: str  # the vehicle on sale, waiting for Turki to confirm
    draft_token: str  # the iqama renewal draft for Siti, at check your answers
    member: str  # Rajesh's ID number (a member of Mohammed's household)
    draft_member: str  # Siti's ID number (the draft's beneficiary)
    markers: frozenset[str]  # what of Mohammed's must never reach Khalid

    def received_key(self, service: str = "iqama_renew") -> WizardKey:
        return WizardKey(service, self.received_active)


def _person(db: Session, key: str) -> Person:
    return db.exec(select(Person).where(Person.id_number == IDS[key])).one()


def _sent_code(world, mobile: str) -> str:
    with world.db() as db:
        body = db.exec(select(SmsMessage.body).where(SmsMessage.to == mobile).order_by(
            SmsMessage.id.desc())).first()
    return re.search(r"\b\d{6}\b", body).group(0)


def _through_the_wizard(world, caller, key: WizardKey, member: str, forms, mobile: str):
    """Run a service for `member` from its first screen to its done screen."""
    view = world.run(wizard_uc.open_wizard, caller, key, member)
    if view.phase == Phase.WHO:
        view = world.run(wizard_uc.choose_beneficiary, caller, key, WhoForm(member))
    for form in forms:
        assert view.phase == Phase.STEP, (key, view.phase, view.problems, view.blockers)
        view = world.run(wizard_uc.answer_wizard_step, caller, key, view.step_index,
                         FormFields(form))
    assert view.phase == Phase.REVIEW, (key, view.phase, view.problems)
    done = world.run(wizard_uc.submit_request, caller, key, view.token)
    if done.phase == Phase.CODE:
        done = world.run(wizard_uc.confirm_by_code, caller, key, done.token,
                         CodeForm(_sent_code(world, mobile)))
    assert done.phase == Phase.DONE, (key, done.phase, done.problems)
    return done


def _delegate(db: Session, delegator: str, delegate: str, services: tuple[str, ...]) -> str:
    made = delegation_domain.create(
        db, delegator=_person(db, delegator), delegate_id_number=IDS[delegate],
        delegate_mobile="0" + _person(db, delegate).mobile[4:], sector="passports",
        services=services, starts_on=APP_TODAY, ends_on=APP_TODAY + timedelta(days=30),
        today=APP_TODAY, now=APP_NOW, sms=OutboxSmsSender())
    db.commit()
    return made.reference


def arrange(world) -> Owned:
    """Give Mohammed one of each record, through the use cases (the domain where no person's
    use case makes it: a delegation's creation after its code, staff asking for a visit)."""
    mohammed, turki = world.person("mohammed"), world.person("turki")
    with world.db() as db:
        mobile = _person(db, "c1").mobile

    # A message with a PDF; staff ask for a visit; a visit booked about it; a PDF pending.
    sent = world.run(messages_uc.attach_pdf, mohammed, Upload("passport.pdf", pdfs.plain()))
    message = world.run(messages_uc.send_message, mohammed,
                        NewMessage("passports", "iqama", FORM, sent.id))
    world.run(staff_uc.mark_needs_visit, world.staff("officer"), message)
    appointment = world.run(appointments_uc.book_appointment, mohammed, BookingChoice(
        sector="passports", topic="iqama", branch="RUH-02", day=MONDAY.isoformat(),
        start="09:00", about_message=message))
    pending = world.run(messages_uc.attach_pdf, mohammed, Upload("draft.pdf", pdfs.plain()))

    # Delegations: two made by Mohammed (one accepted), two made to him (one accepted).
    with world.db() as db:
        given_pending = _delegate(db, "c1", "c8", ("final_exit_issue",))
        given_active = _delegate(db, "c1", "c8", ("exit_reentry_issue", "iqama_renew"))
        received_active = _delegate(db, "r2", "c1", ("iqama_renew",))
        received_pending = _delegate(db, "r2", "c1", ("exit_reentry_issue",))
    world.run(delegations_uc.answer_delegation, turki,
              AnswerForm(reference=given_active, decision="accept"))
    world.run(delegations_uc.answer_delegation, mohammed,
              AnswerForm(reference=received_active, decision="accept"))

    # An exit/re-entry visa for Rajesh, submitted and paid (the demo bank): approved.
    done = _through_the_wizard(world, mohammed, WizardKey("exit_reentry_issue"), IDS["r1"],
                               [{"visa_kind": "single"}, {"days": "20"}], mobile)
    paid = world.run(transactions_uc.pay_bill, unit.Caller(client="198.51.100.1"),
                     done.bill_number, done.fee_total)
    assert paid.status == "paid", paid
    # The car on sale to Turki.
    transfer = _through_the_wizard(
        world, mohammed, WizardKey("vehicle_transfer"), IDS["c1"],
        [{"plate": "ABD1234"}, {"buyer_id": IDS["c8"], "price": "50000"},
         {"seller_confirms": "yes"}], mobile)
    # A draft for Siti, at check your answers.
    view = world.run(wizard_uc.open_wizard, mohammed, WizardKey("passport_loss_report"),
                     IDS["r10"])
    if view.phase == Phase.WHO:
        view = world.run(wizard_uc.choose_beneficiary, mohammed,
                         WizardKey("passport_loss_report"), WhoForm(IDS["r10"]))

    with world.db() as db:
        request = db.exec(select(ServiceRequest).where(
            ServiceRequest.reference == done.reference)).one()
        assert request.status == "approved", request.status
        visa = db.exec(select(Visa).where(Visa.request_id == request.id)).one()
        bill = db.exec(select(Bill).where(Bill.request_id == request.id)).one()
        waiting = db.exec(select(VehicleTransfer)).all()
        assert [t.status for t in waiting] == ["awaiting_buyer"], waiting
        draft = db.exec(select(WizardDraft).where(
            WizardDraft.service_code == "passport_loss_report")).one()
        household = [_person(db, k) for k in ("c1", "c3", "r1", "r10")]
    markers = {message, appointment, given_pending, given_active, received_active,
               received_pending, done.reference, transfer.reference, request.idempotency_key,
               visa.number, bill.number, draft.token, "ABD1234", "passport.pdf", "draft.pdf",
               FORM.subject, mobile}
    markers |= {p.name_en for p in household} | {p.name_ar for p in household}
    markers |= {p.id_number for p in household}
    return Owned(message, sent.id, pending.id, appointment, given_pending, given_active,
                 received_active, received_pending, done.reference, request.idempotency_key,
                 transfer.reference, "ABD1234", draft.token, IDS["r1"], IDS["r10"],
                 frozenset(markers))


# ---------------------------------------------------------------------------------------------
# What "refused" looks like.

Check = Callable[[Any, BaseException | None], bool]


def raises(result: Any, error: BaseException | None) -> bool:
    """Refused with a rule's answer (or "not allowed"): nothing written."""
    return isinstance(error, DomainError | NotAllowed)


def view(test: Callable[[Any], bool]) -> Check:
    """Answered with a view that `test` accepts (the empty, not-found one)."""
    return lambda result, error: error is None and test(result)


def nothing(result: Any, error: BaseException | None) -> bool:
    """Answered with nothing (a 404 for the download; no-op for a pending file not theirs)."""
    return error is None and result is None


def phase(*phases: str) -> Check:
    return view(lambda v: v.phase in phases)


def not_found(v) -> bool:
    return v.found is False


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of the matrix: the use case, its inputs made of the owner's records, what the
    other person gets, and (for read-only rows) what the owner gets with the same inputs."""

    name: str
    fn: Callable[..., Any]
    inputs: Callable[[Owned], tuple]
    refused: Check
    owner: Callable[[Any], bool] | None = None
    delegate_may: bool = False  # Turki, the delegate and buyer, may do this (not walked as him)


def _not_for(member: str) -> Callable[[Any], bool]:
    """A wizard screen that neither offers, preselects nor serves that member."""
    return lambda v: all(o.value != member for o in v.who_options) and v.reference == ""


MATRIX: list[Row] = [
    # Messages (/messages/<reference>, its reply box, the pending PDF, the PDF download).
    Row("messages.open_thread", messages_uc.open_thread, lambda o: (o.message,),
        view(not_found), lambda v: v.found and v.attachment_name == "passport.pdf"),
    Row("messages.reply_to_message", messages_uc.reply_to_message,
        lambda o: (o.message, ReplyForm(reply="Someone else's thread, trying to reply")),
        raises),
    Row("messages.discard_attachment", messages_uc.discard_attachment,
        lambda o: (o.pending_attachment,), nothing),
    Row("messages.send_message", messages_uc.send_message,
        lambda o: (NewMessage("passports", "iqama", FORM, o.pending_attachment),), raises),
    Row("messages.my_attachment", messages_uc.my_attachment, lambda o: (o.sent_attachment,),
        nothing, lambda v: v is not None and v.name == "passport.pdf"),
    Row("messages.my_attachment", messages_uc.my_attachment,
        lambda o: (o.pending_attachment,), nothing),
    # Appointments (/appointments/<reference>, cancel, /appointments/book?reschedule=&message=).
    Row("appointments.open_slip", appointments_uc.open_slip, lambda o: (o.appointment,),
        view(not_found), lambda v: v.found and v.qr_image != ""),
    Row("appointments.cancel_appointment", appointments_uc.cancel_appointment,
        lambda o: (o.appointment,), raises),
    Row("appointments.start_booking", appointments_uc.start_booking,
        lambda o: (BookingQuery(reschedule=o.appointment),),
        view(lambda v: v.moving == "" and v.about_message == ""),
        lambda v: v.moving != "" and v.about_message != ""),
    Row("appointments.start_booking", appointments_uc.start_booking,
        lambda o: (BookingQuery(message=o.message),), view(lambda v: v.about_message == ""),
        lambda v: v.about_message != ""),
    Row("appointments.book_appointment", appointments_uc.book_appointment,
        lambda o: (BookingChoice(sector="passports", topic="iqama", branch="RUH-02",
                                 day=MONDAY.isoformat(), start="10:00", moving=o.appointment),),
        raises),
    Row("appointments.book_appointment", appointments_uc.book_appointment,
        lambda o: (BookingChoice(sector="passports", topic="iqama", branch="RUH-02",
                                 day=MONDAY.isoformat(), start="10:00",
                                 about_message=o.message),),
        raises),
    # Delegations (/delegations/<reference>, its buttons, the answer by reference).
    Row("delegations.open_delegation", delegations_uc.open_delegation,
        lambda o: (o.given_active,), view(not_found), lambda v: v.found and v.role == "delegator",
        delegate_may=True),
    Row("delegations.open_delegation", delegations_uc.open_delegation,
        lambda o: (o.given_pending,), view(not_found), lambda v: v.found),
    Row("delegations.open_delegation", delegations_uc.open_delegation,
        lambda o: (o.received_active,), view(not_found),
        lambda v: v.found and v.role == "delegate" and v.links != []),
    Row("delegations.withdraw_delegation", delegations_uc.withdraw_delegation,
        lambda o: (o.given_pending,), raises),
    Row("delegations.revoke_delegation", delegations_uc.revoke_delegation,
        lambda o: (o.given_active,), raises),
    Row("delegations.revoke_delegation", delegations_uc.revoke_delegation,
        lambda o: (o.received_active,), raises),
    Row("delegations.report_not_me", delegations_uc.report_not_me,
        lambda o: (o.given_active,), raises),
    Row("delegations.answer_delegation", delegations_uc.answer_delegation,
        lambda o: (AnswerForm(reference=o.received_pending, decision="accept"),), raises),
    Row("delegations.answer_delegation", delegations_uc.answer_delegation,
        lambda o: (AnswerForm(reference=o.given_pending, decision="reject"),), raises,
        delegate_may=True),
    Row("delegations.answer_transfer", delegations_uc.answer_transfer,
        lambda o: (o.plate, True), raises, delegate_may=True),
    Row("delegations.answer_transfer", delegations_uc.answer_transfer,
        lambda o: (o.plate, False), raises, delegate_may=True),
    # Transactions (/transactions/<reference>, its printable visa).
    Row("transactions.open_transaction", transactions_uc.open_transaction,
        lambda o: (o.request,), view(not_found), lambda v: v.found and v.visa_href != ""),
    Row("transactions.open_transaction", transactions_uc.open_transaction,
        lambda o: (o.transfer_request,), view(not_found), lambda v: v.found),
    Row("transactions.visa_to_print", transactions_uc.visa_to_print, lambda o: (o.request,),
        view(lambda v: not v.printable and v.rows == []), lambda v: v.printable),
    # The wizard (/services/<code>?for=<member>&delegation=<reference>, its steps and submit).
    Row("wizard.open_wizard", wizard_uc.open_wizard,
        lambda o: (WizardKey("exit_reentry_issue"), o.member), view(_not_for(IDS["r1"])),
        lambda v: [x.value for x in v.who_options if x.checked] == [IDS["r1"]]),
    Row("wizard.open_wizard", wizard_uc.open_wizard,
        lambda o: (o.received_key(), ""), phase(Phase.REFUSED),
        lambda v: v.phase not in (Phase.REFUSED, Phase.UNAVAILABLE) and v.acting_for.en),
    Row("wizard.choose_beneficiary", wizard_uc.choose_beneficiary,
        lambda o: (WizardKey("passport_loss_report"), WhoForm(o.draft_member)),
        view(lambda v: v.phase == Phase.UNAVAILABLE or (v.phase == Phase.WHO and v.problems))),
    Row("wizard.choose_beneficiary", wizard_uc.choose_beneficiary,
        lambda o: (o.received_key(), WhoForm(IDS["r3"])), phase(Phase.REFUSED)),
    Row("wizard.answer_wizard_step", wizard_uc.answer_wizard_step,
        lambda o: (o.received_key(), 0, FormFields({})), phase(Phase.REFUSED)),
    Row("wizard.go_to_step", wizard_uc.go_to_step, lambda o: (o.received_key(), 0),
        phase(Phase.REFUSED)),
    Row("wizard.discard_draft", wizard_uc.discard_draft, lambda o: (o.received_key(),),
        phase(Phase.REFUSED)),
    Row("wizard.discard_draft", wizard_uc.discard_draft,
        lambda o: (WizardKey("passport_loss_report"),), view(_not_for(IDS["r10"]))),
    Row("wizard.submit_request", wizard_uc.submit_request,
        lambda o: (WizardKey("exit_reentry_issue"), o.request_token),
        view(_not_for(IDS["r1"])), lambda v: v.phase == Phase.DONE and v.reference != ""),
    Row("wizard.submit_request", wizard_uc.submit_request,
        lambda o: (WizardKey("passport_loss_report"), o.draft_token),
        view(_not_for(IDS["r10"]))),
    Row("wizard.submit_request", wizard_uc.submit_request,
        lambda o: (o.received_key(), o.draft_token), phase(Phase.REFUSED)),
    Row("wizard.confirm_by_code", wizard_uc.confirm_by_code,
        lambda o: (WizardKey("exit_reentry_issue"), o.request_token, CodeForm("000000")),
        view(_not_for(IDS["r1"])), lambda v: v.phase == Phase.DONE and v.reference != ""),
    Row("wizard.confirm_by_code", wizard_uc.confirm_by_code,
        lambda o: (o.received_key(), "", CodeForm("000000")), phase(Phase.REFUSED)),
]

# The pages that show a person's records found by who is signed in (no handle at all): the
# owner sees his (one of his markers, or the check given), the other person none of them.
LISTS: dict[str, Callable[[Any], bool] | None] = {
    "account.account_overview": None,
    "account.download_my_data": None,
    "appointments.my_appointments": None,
    "dashboard.dashboard": None,
    "delegations.my_delegations": None,
    "delegations.my_vehicles": None,
    "family.household_calendar": None,
    "family.my_household": None,
    "messages.my_messages": None,
    "transactions.my_transactions": None,
    # The service cards: a draft waiting is a flag on the card (no reference or name).
    "services.my_services": lambda cards: any(c.has_draft for c in cards
                                              if c.code == "passport_loss_report"),
}

# Every other use case a person or anyone can call, and why it takes no handle to a record
# of someone else's.
NOT_A_RECORD: dict[str, str] = {
    # The signed-in person's own account: each acts on `who.account`, whatever the form says.
    "account.authenticator_status": "the caller's own account (no input)",
    "account.backup_codes_file": "renders the codes the tab was just shown, as a file",
    "account.begin_authenticator": "the caller's own account; a password form",
    "account.change_password": "the caller's own account; a password form",
    "account.close_account": "the caller's own account; a password form",
    "account.confirm_authenticator": "the caller's own pending key; a code form",
    "account.confirm_mobile_change": "the caller's own pending change; a code form",
    "account.regenerate_backup_codes": "the caller's own account; a password form",
    "account.report_not_me": "the caller's own sessions; a checkbox",
    "account.save_language": "the caller's own account; a language",
    "account.sign_ins_and_devices": "the caller's own sessions (no input)",
    "account.sign_out_everywhere": "the caller's own sessions (no input)",
    "account.start_mobile_change": "the caller's own account; a password and a new number",
    "account.turn_off_authenticator": "the caller's own account; a password and a code",
    "dashboard.mark_notifications_read": "the caller's own notifications (no input)",
    "messages.attach_pdf": "a new file of the caller's (replaces only their own pending one)",
    "session.IDLE_STATUS": "the caller's own session (no input)",
    "session.person_chrome": "the caller's own session (no input)",
    # The booking page's public lists (option values are public codes).
    "appointments.branch_choices": "the public list of a city's branches",
    "appointments.day_choices": "the public days of a branch",
    "appointments.time_choices": "the public free times of a branch's day",
    # Public by design.
    "activation.activate_as_partner": "a partner's activation by ID number and code; "
                                      "throttled, tested in test_enumeration.py",
    "delegations.verify_delegation": "the public /verify check: validity and scope, names "
                                     "masked, rate-limited per client",
    "dev_sms.dev_outbox": "the demo-only SMS page (no page in production)",
    "inquiries.ask_inquiry": "the public inquiries by ID number, throttled per client",
    "transactions.find_bill": "the demo bank: a bill by its number (demo mode only)",
    "transactions.pay_bill": "the demo bank: pays a bill by its number (demo mode only)",
    # Sign-in, registration and recovery: the ids come from the tab's server-side state (a
    # backend variable set by the previous step), never from the browser.
    "recovery.check_answer": "the reset progress kept on the server",
    "recovery.complete_reset": "the reset progress kept on the server",
    "recovery.resend_reset_code": "the reset progress kept on the server",
    "recovery.start_reset": "finds the account by ID number and mobile; one answer for all",
    "recovery.verify_reset_code": "the reset progress kept on the server",
    "registration.confirm_registration_code": "person id kept on the server after step 1",
    "registration.create_account": "the details kept on the server after the code",
    "registration.send_registration_code": "ID number and mobile typed; one answer for all",
    "session.redeem_ticket": "a single-use sign-in ticket (256 bits) exchanged once",
    "session.sign_out": "ends the caller's own session",
    "session.tab_owner": "the caller's own sessions' stamp",
    "sign_in.check_password": "username and password typed",
    "sign_in.resend_code": "account id kept on the server after the password step",
    "sign_in.sign_in_delay": "the caller's own address's delay",
    "sign_in.verify_second_factor": "principal id kept on the server after the password step",
}


# ---------------------------------------------------------------------------------------------
# Looking at the database.

# What a call may write without it being the owner's: sessions, audit trails, the outbox.
VOLATILE = {"usersession", "signinticket", "authevent", "staffsession", "staffsigninticket",
            "staffevent", "recordaccess", "scheduledjob", "smsmessage", "onetimecode"}


def snapshot(world) -> dict[str, dict[Any, tuple]]:
    """Every row of every table but VOLATILE ones, by primary key."""
    shot = {}
    with world.db() as db:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in VOLATILE:
                continue
            key = [c.name for c in table.primary_key.columns]
            shot[table.name] = {tuple(row._mapping[k] for k in key): tuple(row)
                                for row in db.connection().execute(table.select())}
    return shot


@dataclasses.dataclass(frozen=True)
class Owner:
    person_ids: frozenset[int]
    account_id: int
    mobile: str


PERSON_COLUMNS = ("person_id", "applicant_id", "beneficiary_id", "delegator_id", "seller_id",
                  "owner_id")


def owner_of(world) -> Owner:
    with world.db() as db:
        household = [_person(db, k).id for k in ("c1", "c3", "r1", "r10")]
        account = db.exec(select(Account).where(Account.username == "mohammed")).one()
        return Owner(frozenset(household), account.id, account.mobile)


def changes(before: dict, after: dict, owner: Owner, world) -> list[str]:
    """Rows changed or gone since `before`, and new rows of the owner's (or texts to him)."""
    found = []
    for table, rows in before.items():
        now = after[table]
        found += [f"{table} {key} changed or removed" for key, row in rows.items()
                  if now.get(key) != row]
        columns = [c.name for c in SQLModel.metadata.tables[table].columns]
        for key in now.keys() - rows.keys():
            values = dict(zip(columns, now[key], strict=True))
            if any(values.get(c) in owner.person_ids for c in PERSON_COLUMNS) or \
                    values.get("account_id") == owner.account_id:
                found.append(f"{table} {key}: a new row of the owner's")
    return found


def texts_to(world, mobile: str) -> int:
    with world.db() as db:
        return len(db.exec(select(SmsMessage).where(SmsMessage.to == mobile)).all())


def leaked(result: Any, error: BaseException | None, markers: frozenset[str],
           inputs: tuple) -> list[str]:
    """The owner's markers in what came back, but for those the caller sent himself."""
    shown = repr(result) if error is None else repr(error) + repr(getattr(error, "params", ""))
    if isinstance(result, bytes):
        shown = result.decode("utf-8", "replace")
    sent = repr(inputs)
    return sorted(m for m in markers if m and m in shown and m not in sent)


def call(world, caller, fn, inputs: tuple) -> tuple[Any, BaseException | None]:
    try:
        return world.run(fn, caller, *inputs), None
    except (DomainError, NotAllowed) as error:
        return None, error


# ---------------------------------------------------------------------------------------------
# The walk.

@pytest.fixture
def world(app_world, tmp_path, monkeypatch):  # noqa: F811 - the fixture
    monkeypatch.setattr(get_settings(), "data_dir", str(tmp_path))
    monkeypatch.setattr(get_settings(), "demo", True)  # the demo bank pays the visa's bill
    return app_world


# Who walks the matrix: a stranger, and Mohammed's own delegate (also the buyer of his car),
# who may do only what the rows marked `delegate_may` say.
OTHERS = ("khalid", "turki")


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("other", OTHERS)
def test_another_person_reaches_nothing_of_the_owners(world, other):
    owned = arrange(world)
    owner = owner_of(world)
    caller = world.person(other)
    failures = []
    for row in MATRIX:
        if other == "turki" and row.delegate_may:
            continue
        inputs = row.inputs(owned)
        before, texts = snapshot(world), texts_to(world, owner.mobile)
        result, error = call(world, caller, row.fn, inputs)
        where = f"{row.name}{inputs!r}"
        if not row.refused(result, error):
            failures.append(f"{where}: not refused: {error!r} {result!r}"[:400])
        failures += [f"{where}: {c}" for c in changes(before, snapshot(world), owner, world)]
        if texts_to(world, owner.mobile) != texts:
            failures.append(f"{where}: the owner was sent a text")
        if shown := leaked(result, error, owned.markers, inputs):
            failures.append(f"{where}: shows the owner's {shown}")
    assert failures == []


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_owner_reaches_his_own_records_with_the_same_inputs(world):
    """The read-only rows, walked as the owner: each finds his record (the arrangement is
    right, so the other person's refusals above are refusals, not empty pages)."""
    owned = arrange(world)
    mohammed = world.person("mohammed")
    failures = []
    for row in MATRIX:
        if row.owner is None:
            continue
        inputs = row.inputs(owned)
        result, error = call(world, mohammed, row.fn, inputs)
        if error is not None or not row.owner(result):
            failures.append(f"{row.name}{inputs!r}: {error!r} {result!r}"[:400])
    assert failures == []
    # The writes the other person was refused are the owner's to make.
    assert world.run(delegations_uc.withdraw_delegation, mohammed, owned.given_pending).found
    assert world.run(appointments_uc.cancel_appointment, mohammed, owned.appointment).found
    world.run(messages_uc.discard_attachment, mohammed, owned.pending_attachment)
    with world.db() as db:
        assert db.get(MessageAttachment, owned.pending_attachment) is None


def _lists_of(world, caller) -> dict[str, Any]:
    cases = dict(declared_use_cases())
    return {name: world.run(cases[name], caller) for name in sorted(LISTS)}


def _shows_his(name: str, shown: Any, owned: Owned) -> bool:
    check = LISTS[name]
    return check(shown) if check else bool(leaked(shown, None, owned.markers, ()))


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_lists_show_the_owner_his_records_and_the_other_person_none(world):
    owned = arrange(world)
    mine = _lists_of(world, world.person("mohammed"))
    theirs = _lists_of(world, world.person("khalid"))
    assert [name for name, shown in mine.items() if not _shows_his(name, shown, owned)] == []
    assert {name: leaked(shown, None, owned.markers, ()) for name, shown in theirs.items()
            if leaked(shown, None, owned.markers, ())} == {}
    assert [name for name, shown in theirs.items() if LISTS[name] and LISTS[name](shown)] == []


# ---------------------------------------------------------------------------------------------
# The routes outside the event pipeline: the PDF downloads (each runs its use case).

@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_pdf_downloads_serve_the_owner_and_staff_who_answer_and_404_everyone_else(world):
    from starlette.testclient import TestClient

    from absher_app import routes
    from absher_app.application.identity import SESSION_COOKIES
    from absher_app.http_routes import http_app
    from absher_app.models import StaffEvent

    owned = arrange(world)
    client = TestClient(http_app())

    def get(path: str, caller=None, realm: str = "person"):
        client.cookies.clear()
        if caller is not None:
            client.cookies.set(SESSION_COOKIES[realm], caller.tokens.get(realm) or "forged")
        return client.get(path)

    def refusals() -> int:
        with world.db() as db:
            return len(db.exec(select(StaffEvent).where(
                StaffEvent.kind == "access_refused")).all())

    sent = routes.attachment_path(owned.sent_attachment)
    got = get(sent, world.person("mohammed"))
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    assert got.headers["content-disposition"].startswith("attachment")
    gone = get(routes.attachment_path(owned.sent_attachment + 1000), world.person("mohammed"))
    for refused in (get(sent, world.person("khalid")), get(sent),
                    get(sent, world.person("khalid"), "staff"),
                    get(routes.attachment_path(owned.pending_attachment),
                        world.person("mohammed"))):
        assert (refused.status_code, refused.content) == (404, gone.content)

    staff_path = routes.staff_attachment_path(owned.sent_attachment)
    assert get(staff_path, world.staff("officer"), "staff").status_code == 200
    before = refusals()
    for refused in (get(staff_path, world.staff("manager"), "staff"),
                    get(staff_path, world.person("mohammed"))):
        assert (refused.status_code, refused.content) == (404, gone.content)
    assert get(staff_path, Caller(tokens={"staff": "forged"}), "staff").status_code == 404
    assert refusals() == before + 2  # the manager and the forged cookie, as before


# ---------------------------------------------------------------------------------------------
# Completeness.

def test_every_use_case_a_person_can_call_is_in_the_matrix_or_says_why_not():
    declared = {name: fn for name, fn in declared_use_cases()
                if unit.declared(fn).realm != "staff"}
    walked = {row.name for row in MATRIX}
    listed = set(LISTS)
    assert sorted(set(declared) - walked - listed - set(NOT_A_RECORD)) == [], \
        "a new use case: add it to MATRIX (it takes a handle to a record), LISTS or NOT_A_RECORD"
    assert sorted((walked | listed | set(NOT_A_RECORD)) - set(declared)) == [], "stale names"
    assert walked & set(NOT_A_RECORD) == set() and listed & set(NOT_A_RECORD) == set()
    assert all(reason.strip() for reason in NOT_A_RECORD.values())
    for row in MATRIX:
        assert declared[row.name] is row.fn, row.name
        assert unit.declared(row.fn).realm == "person", row.name


def _input_names(fn) -> list[str]:
    """The names of a use case's inputs (after tx and who), and of the fields of those that
    are dataclasses (a form, a key, a choice)."""
    plain = inspect.unwrap(fn)
    hints = typing.get_type_hints(plain)
    names = []
    for name in list(inspect.signature(plain).parameters)[2:]:
        names.append(name)
        kind = hints.get(name)
        if dataclasses.is_dataclass(kind):
            names += [f"{name}.{field.name}" for field in dataclasses.fields(kind)]
    return names


HANDLES = re.compile(r"reference|attachment|plate|token|on_behalf|for_member|reschedule"
                     r"|moving|message|beneficiary|_id$")


def test_every_use_case_that_takes_a_handle_is_walked():
    """A use case whose inputs name a record -- a reference, an id, a plate, a token, a
    delegation acted under, a member's ID number, in a parameter or a field of its form --
    must be in MATRIX."""
    walked = {row.name for row in MATRIX}
    unwalked = {name: named for name, fn in declared_use_cases()
                if unit.declared(fn).realm == "person" and name not in walked
                and (named := [n for n in _input_names(fn) if HANDLES.search(n)])}
    assert unwalked == {}
    assert "new.attachment_id" in _input_names(messages_uc.send_message)
    assert "key.on_behalf" in _input_names(wizard_uc.open_wizard)
