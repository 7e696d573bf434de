"""Electronic delegation as people use it: the lists (given, received, awaiting an answer), the
delegate's answer by reference number, one delegation (scope, history, the delegator's
activity feed, withdraw / revoke / "this wasn't me", the services a delegate may run), its
certificate, the public /verify check, and the buyer's side of a vehicle ownership transfer.

absher_app.domain.delegation decides every rule; a button a page hides is never the only thing
that stops an action.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import segno

from absher_app import routes
from absher_app.application.identity import SignedIn
from absher_app.application.inputs import Form, text
from absher_app.application.unit import Tx, use_case
from absher_app.application.views import Text, both, local_time
from absher_app.domain import delegation as delegations
from absher_app.domain import vehicles, wizard
from absher_app.domain.delegation import DelegationEventKind, DelegationStatus
from absher_app.domain.errors import DomainError, ValidationError
from absher_app.i18n import translate
from absher_app.models import Delegation, DelegationEvent, Person, Vehicle
from absher_app.providers.rate_limit import get_rate_limiter
from absher_app.settings import get_settings

# A reference is 10 digits; what a person types may carry spaces.
REFERENCE_MAX = 20
DECISIONS = ("accept", "reject")


@dataclasses.dataclass
class DelegationRow:
    """A delegation in a list: the other person, the services, the period, the status."""

    reference: str
    href: str
    other_ar: str
    other_en: str
    services_ar: str
    services_en: str
    period: str
    status: str
    status_ar: str
    status_en: str


@dataclasses.dataclass
class ServiceLink:
    """A delegated service the delegate may start for the delegator (`label`: "Start SERVICE
    for NAME", or "Continue SERVICE for NAME" when a draft of it waits)."""

    code: str
    href: str
    title_ar: str
    title_en: str
    label_ar: str = ""
    label_en: str = ""
    has_draft: bool = False


@dataclasses.dataclass
class ActingFor:
    """A delegation to me in force today, as I act under it: whose, which services, the
    period, and an entry per service to start it (or resume its draft) on their behalf."""

    reference: str
    href: str
    delegator_ar: str
    delegator_en: str
    services_ar: str
    services_en: str
    period: str
    links: list[ServiceLink] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class DelegationLists:
    """The person's delegations: made by them, to them, and to them awaiting their answer
    (whose references the list never shows: the delegate proves they got it by SMS)."""

    given: list[DelegationRow] = dataclasses.field(default_factory=list)
    received: list[DelegationRow] = dataclasses.field(default_factory=list)
    pending: list[DelegationRow] = dataclasses.field(default_factory=list)
    acting: list[ActingFor] = dataclasses.field(default_factory=list)
    notice: Text = dataclasses.field(default_factory=Text)


@dataclasses.dataclass(frozen=True)
class AnswerForm(Form):
    """The delegate's answer: the reference number from the SMS, accept or reject."""

    reference: str = text(max_length=REFERENCE_MAX)
    decision: str = text(max_length=10, required=False)  # a radio: absent until chosen


@dataclasses.dataclass
class FeedItem:
    """A line of a delegation's history, or of the delegator's activity feed."""

    when: str
    kind: str
    what_ar: str
    what_en: str
    reference: str
    who_ar: str
    who_en: str


@dataclasses.dataclass
class DelegationView:
    """One delegation as its delegator or its delegate sees it (`found` False for anyone else,
    and for the delegate while it awaits their answer)."""

    found: bool = False
    role: str = ""  # "delegator" or "delegate"
    current: DelegationRow = dataclasses.field(
        default_factory=lambda: DelegationRow(*[""] * 10))
    delegator_ar: str = ""
    delegator_en: str = ""
    delegate_ar: str = ""
    delegate_en: str = ""
    valid_now: bool = False
    feed: list[FeedItem] = dataclasses.field(default_factory=list)
    history: list[FeedItem] = dataclasses.field(default_factory=list)
    links: list[ServiceLink] = dataclasses.field(default_factory=list)
    verify_url: str = ""
    qr: str = ""
    notice: Text = dataclasses.field(default_factory=Text)


@dataclasses.dataclass(frozen=True)
class VerifyForm(Form):
    """The public check's one field."""

    reference: str = text(max_length=REFERENCE_MAX)


@dataclasses.dataclass
class VerifyView:
    """What the public check shows: validity and scope, names partly hidden."""

    reference: str = ""
    valid: bool = False
    status: str = ""
    status_ar: str = ""
    status_en: str = ""
    services_ar: str = ""
    services_en: str = ""
    starts_on: str = ""
    ends_on: str = ""
    delegator_ar: str = ""
    delegator_en: str = ""
    delegate_ar: str = ""
    delegate_en: str = ""


@dataclasses.dataclass
class TransferRow:
    """A vehicle transfer awaiting the buyer (the plate is how the page answers it)."""

    plate: str
    vehicle: str
    price: int
    seller_ar: str
    seller_en: str


@dataclasses.dataclass
class VehicleRow:
    plate: str
    vehicle: str


@dataclasses.dataclass
class VehiclesView:
    mine: list[VehicleRow] = dataclasses.field(default_factory=list)
    awaiting: list[TransferRow] = dataclasses.field(default_factory=list)
    notice: Text = dataclasses.field(default_factory=Text)


def service_titles(codes: tuple[str, ...]) -> tuple[str, str]:
    """The services' names, listed in each language."""
    return ("، ".join(both(f"service.{c}.title")[0] for c in codes),
            ", ".join(both(f"service.{c}.title")[1] for c in codes))


def _row(tx: Tx, delegation: Delegation, other_id: int, show_reference: bool) -> DelegationRow:
    other = tx.session.get(Person, other_id)
    return DelegationRow(
        delegation.reference if show_reference else "",
        routes.delegation_path(delegation.reference) if show_reference else "",
        other.name_ar, other.name_en, *service_titles(delegations.services_of(delegation)),
        f"{delegation.starts_on.isoformat()} → {delegation.ends_on.isoformat()}",
        delegation.status, *both(f"delegation.status.{delegation.status}"))


def _me(tx: Tx, who: SignedIn) -> Person:
    return tx.session.get(Person, who.person_id)


def service_links(tx: Tx, who: SignedIn, delegation: Delegation) -> list[ServiceLink]:
    """An entry per delegated service: "Start SERVICE for NAME", or "Continue" when the
    delegate has a draft of it under this delegation."""
    delegator = tx.session.get(Person, delegation.delegator_id)
    drafts = {d.service_code for d in wizard.drafts_of(tx.session, who.account_id)}
    links = []
    for code in delegations.services_of(delegation):
        title = both(f"service.{code}.title")
        draft = wizard.draft_key(code, delegation.reference) in drafts
        key = "delegate.continue_for" if draft else "delegate.start_for"
        links.append(ServiceLink(
            code, routes.act_on_behalf_path(code, delegation.reference), *title,
            translate(key, "ar", service=title[0], name=delegator.name_ar),
            translate(key, "en", service=title[1], name=delegator.name_en), draft))
    return links


def acting_for(tx: Tx, who: SignedIn, received: list[Delegation]) -> list[ActingFor]:
    """Of the delegations `received` by the signed-in person (`delegations.given_to`), those in
    force today (active, within their period), each with its entries to act on the
    delegator's behalf."""
    rows = []
    for delegation in received:
        if not delegations.in_force(delegation, tx.today):
            continue
        delegator = tx.session.get(Person, delegation.delegator_id)
        rows.append(ActingFor(
            delegation.reference, routes.delegation_path(delegation.reference),
            delegator.name_ar, delegator.name_en,
            *service_titles(delegations.services_of(delegation)),
            f"{delegation.starts_on.isoformat()} → {delegation.ends_on.isoformat()}",
            service_links(tx, who, delegation)))
    return rows


def _lists(tx: Tx, who: SignedIn) -> DelegationLists:
    me = _me(tx, who)
    delegations.expire_due(tx.session, tx.today, tx.now, tx.sms)
    received = delegations.given_to(tx.session, me)
    return DelegationLists(
        given=[_row(tx, d, d.delegate_id, True) for d in delegations.given_by(tx.session, me)],
        received=[_row(tx, d, d.delegator_id, True) for d in received
                  if d.status != DelegationStatus.PENDING],
        pending=[_row(tx, d, d.delegator_id, False) for d in received
                 if d.status == DelegationStatus.PENDING],
        acting=acting_for(tx, who, received))


@use_case()
def my_delegations(tx: Tx, who: SignedIn) -> DelegationLists:
    """The person's delegations, those past their end date expired first."""
    return _lists(tx, who)


@use_case()
def answer_delegation(tx: Tx, who: SignedIn, form: AnswerForm) -> DelegationLists:
    """The delegate accepts or rejects a pending delegation, typing its reference number.

    Raises:
        ValidationError: choose_one (no decision), about "decision".
        DelegationRefused: the domain's refusals, about "reference".
    """
    if form.decision not in DECISIONS:
        raise ValidationError("choose_one", "choose accept or reject", field="decision")
    act = delegations.accept if form.decision == "accept" else delegations.reject
    try:
        act(tx.session, delegate=_me(tx, who), reference=form.reference, today=tx.today,
            now=tx.now, sms=tx.sms)
    except DomainError as error:
        raise error.about("reference") from None
    lists = _lists(tx, who)
    lists.notice = Text(*both(f"delegation.answered_{form.decision}"))
    return lists


def _feed_item(tx: Tx, event: DelegationEvent) -> FeedItem:
    what = both(f"delegation.event.{event.kind}")
    if event.service_code:
        title = both(f"service.{event.service_code}.title")
        what = (f"{what[0]}: {title[0]}", f"{what[1]}: {title[1]}")
    person = tx.session.get(Person, event.beneficiary_id) if event.beneficiary_id else None
    return FeedItem(local_time(event.created_at), event.kind, what[0], what[1],
                    event.reference or "", person.name_ar if person else "",
                    person.name_en if person else "")


@use_case()
def open_delegation(tx: Tx, who: SignedIn, reference: str) -> DelegationView:
    """One delegation, for its delegator or its delegate (nobody else: not found)."""
    me = _me(tx, who)
    delegations.expire_due(tx.session, tx.today, tx.now, tx.sms)
    delegation = delegations.find(tx.session, reference)
    if delegation is None or me.id not in (delegation.delegator_id, delegation.delegate_id):
        return DelegationView()
    mine = delegation.delegator_id == me.id
    # The delegate sees a pending delegation only through its reference, which they must type
    # to accept: the address alone does not show it.
    if not mine and delegation.status == DelegationStatus.PENDING:
        return DelegationView()
    delegator = tx.session.get(Person, delegation.delegator_id)
    delegate = tx.session.get(Person, delegation.delegate_id)
    valid_now = delegations.verify(tx.session, delegation.reference, tx.today).valid_now
    events = delegations.history(tx.session, delegation)
    verify_url = get_settings().public_url.rstrip("/") + routes.verify_path(
        delegation.reference)
    return DelegationView(
        found=True, role="delegator" if mine else "delegate",
        current=_row(tx, delegation, delegation.delegate_id if mine
                     else delegation.delegator_id, True),
        delegator_ar=delegator.name_ar, delegator_en=delegator.name_en,
        delegate_ar=delegate.name_ar, delegate_en=delegate.name_en, valid_now=valid_now,
        feed=[_feed_item(tx, e) for e in reversed(events)
              if DelegationEventKind.is_act(e.kind)] if mine else [],
        history=[_feed_item(tx, e) for e in events if not DelegationEventKind.is_act(e.kind)],
        links=service_links(tx, who, delegation) if not mine and valid_now else [],
        verify_url=verify_url,
        qr=segno.make(verify_url, error="m").svg_data_uri(scale=4, dark="#000000",
                                                          light="#ffffff"))


def _end(tx: Tx, who: SignedIn, reference: str, action: Callable, done_key: str
         ) -> DelegationView:
    action(tx.session, delegator=_me(tx, who), reference=reference, today=tx.today,
           now=tx.now, sms=tx.sms)
    view = open_delegation(tx, who, reference)
    view.notice = Text(*both(done_key))
    return view


@use_case()
def withdraw_delegation(tx: Tx, who: SignedIn, reference: str) -> DelegationView:
    """The delegator withdraws a delegation the delegate has not answered yet."""
    return _end(tx, who, reference, delegations.withdraw, "delegation.withdrawn_done")


@use_case()
def revoke_delegation(tx: Tx, who: SignedIn, reference: str) -> DelegationView:
    """The delegator ends an active delegation."""
    return _end(tx, who, reference, delegations.revoke, "delegation.revoked_done")


@use_case()
def report_not_me(tx: Tx, who: SignedIn, reference: str) -> DelegationView:
    """"This wasn't me": the delegator stops the delegation at once, as a report."""
    return _end(tx, who, reference, delegations.suspend, "delegation.suspended_done")


@use_case(realm=None)
def verify_delegation(tx: Tx, who: None, reference: str) -> VerifyView:
    """The public check of a delegation by its reference number, counted against the
    caller's limit of public look-ups.

    Raises:
        DomainError: delegation_unknown, inquiry_rate_limited; about "reference".
    """
    try:
        found = delegations.verify_public(
            tx.session, reference.strip()[:REFERENCE_MAX], today=tx.today,
            client=tx.caller.client, limiter=get_rate_limiter(),
            limit=get_settings().inquiry_rate_limit)
    except DomainError as error:
        raise error.about("reference") from None
    return VerifyView(found.reference, found.valid_now, found.status,
                      *both(f"delegation.status.{found.status}"),
                      *service_titles(found.services), found.starts_on.isoformat(),
                      found.ends_on.isoformat(), found.delegator_ar, found.delegator_en,
                      found.delegate_ar, found.delegate_en)


def _vehicles(tx: Tx, who: SignedIn) -> VehiclesView:
    me = _me(tx, who)
    awaiting = []
    for transfer in vehicles.awaiting(tx.session, me):
        vehicle = tx.session.get(Vehicle, transfer.vehicle_id)
        seller = tx.session.get(Person, transfer.seller_id)
        awaiting.append(TransferRow(vehicle.plate, f"{vehicle.make} {vehicle.model} "
                                                   f"{vehicle.year}",
                                    transfer.price_sar, seller.name_ar, seller.name_en))
    return VehiclesView(
        mine=[VehicleRow(v.plate, f"{v.make} {v.model} {v.year}")
              for v in vehicles.vehicles_of(tx.session, me)],
        awaiting=awaiting)


@use_case()
def my_vehicles(tx: Tx, who: SignedIn) -> VehiclesView:
    """The vehicles registered to the person, and the transfers awaiting their confirmation."""
    return _vehicles(tx, who)


@use_case()
def answer_transfer(tx: Tx, who: SignedIn, plate: str, accept: bool) -> VehiclesView:
    """The buyer confirms (the vehicle becomes theirs) or declines the transfer of the vehicle
    with this plate.

    Raises:
        ValidationError: transfer_not_found (also for a plate no transfer to them awaits).
    """
    vehicles.answer(tx.session, buyer=_me(tx, who), plate=plate, accept=accept, now=tx.now,
                    sms=tx.sms)
    view = _vehicles(tx, who)
    view.notice = Text(*both("vehicles.accepted" if accept else "vehicles.declined"))
    return view
