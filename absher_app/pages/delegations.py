"""`/delegations` (given and received, accept or reject by reference number), one delegation
(`/delegations/<reference>`: scope, history, activity feed, withdraw / revoke / "this wasn't
me", services to run on behalf), its printable certificate with a QR code, the public
`/verify` page, and `/vehicles` (the buyer's side of a vehicle ownership transfer).

Every handler finds the signed-in person again and lets absher_app.domain.delegation decide;
a button that is not shown is never the only thing that stops an action.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

import reflex as rx
import segno

from absher_app import routes
from absher_app.components.forms import NO_PROBLEM, error_summary, problem, radio_group, text_field
from absher_app.components.layout import page_layout
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import delegation as delegations
from absher_app.domain import vehicles
from absher_app.domain.errors import DomainError
from absher_app.i18n import translate
from absher_app.models import Account, Delegation, Person, Vehicle
from absher_app.providers.clock import RIYADH, today_in_riyadh
from absher_app.providers.rate_limit import get_rate_limiter
from absher_app.providers.sms import get_sms_sender
from absher_app.settings import get_settings
from absher_app.state.language import is_english, t
from absher_app.state.session import CLOCK, signed_in_account
from absher_app.state.wizard import TextView, both


def bilingual(ar, en):
    return rx.cond(is_english(), en, ar)


def _titles(codes: tuple[str, ...]) -> tuple[str, str]:
    return ("، ".join(translate(f"service.{c}.title", "ar") for c in codes),
            ", ".join(translate(f"service.{c}.title", "en") for c in codes))


@dataclasses.dataclass
class DelegationRow:
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


def _row(session, delegation: Delegation, other_id: int, show_reference: bool) -> DelegationRow:
    other = session.get(Person, other_id)
    services = _titles(delegations.services_of(delegation))
    status = both(f"delegation.status.{delegation.status}")
    return DelegationRow(
        delegation.reference if show_reference else "",
        routes.delegation_path(delegation.reference) if show_reference else "",
        other.name_ar, other.name_en, services[0], services[1],
        f"{delegation.starts_on.isoformat()} → {delegation.ends_on.isoformat()}",
        delegation.status, status[0], status[1])


def _me(session, account_id: int) -> Person:
    return session.get(Person, session.get(Account, account_id).person_id)


class DelegationsState(rx.State):
    """Both lists, and the delegate's answer to a pending delegation."""

    given: list[DelegationRow] = []
    received: list[DelegationRow] = []
    pending: list[DelegationRow] = []
    error: dict[str, str] = NO_PROBLEM
    message: TextView = TextView("", "")

    def _load(self, account_id: int) -> None:
        with session_scope() as session:
            me = _me(session, account_id)
            delegations.expire_due(session, today_in_riyadh(CLOCK), CLOCK.now(),
                                   get_sms_sender())
            self.given = [_row(session, d, d.delegate_id, True)
                          for d in delegations.given_by(session, me)]
            received = delegations.given_to(session, me)
            # A pending delegation's reference is what the delegate proves they received by
            # SMS: the list never shows it.
            self.pending = [_row(session, d, d.delegator_id, False)
                            for d in received if d.status == "pending"]
            self.received = [_row(session, d, d.delegator_id, True)
                             for d in received if d.status != "pending"]

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        self.error, self.message = NO_PROBLEM, TextView("", "")
        await asyncio.to_thread(self._load, who.account_id)
        return None

    def _answer(self, account_id: int, reference: str, decision: str) -> None:
        with session_scope() as session:
            me = _me(session, account_id)
            act = delegations.accept if decision == "accept" else delegations.reject
            try:
                act(session, delegate=me, reference=reference, today=today_in_riyadh(CLOCK),
                    now=CLOCK.now(), sms=get_sms_sender())
            except DomainError as error:
                self.error = problem(error, "reference")
                self.message = TextView("", "")
                return
            self.error = NO_PROBLEM
            self.message = TextView(*both(f"delegation.answered_{decision}"))
        self._load(account_id)

    @rx.event
    async def answer(self, form_data: dict):
        """The delegate accepts or rejects, typing the reference number from the SMS."""
        reference = str(form_data.get("reference", ""))[:20].strip()
        decision = str(form_data.get("decision", ""))
        if decision not in ("accept", "reject"):
            self.error = problem(DomainError("choose_one", "choose"), "decision")
            return None
        who = await signed_in_account(self)
        if who is None:
            return rx.redirect(routes.LOGIN)
        await asyncio.to_thread(self._answer, who.account_id, reference, decision)
        return None


@dataclasses.dataclass
class ServiceLink:
    code: str
    href: str
    title_ar: str
    title_en: str


@dataclasses.dataclass
class FeedItem:
    when: str
    kind: str
    what_ar: str
    what_en: str
    reference: str
    who_ar: str
    who_en: str


def _feed_item(session, event) -> FeedItem:
    what = both(f"delegation.event.{event.kind}")
    if event.service_code:
        title = both(f"service.{event.service_code}.title")
        what = (f"{what[0]}: {title[0]}", f"{what[1]}: {title[1]}")
    person = session.get(Person, event.beneficiary_id) if event.beneficiary_id else None
    return FeedItem(event.created_at.astimezone(RIYADH).strftime("%Y-%m-%d %H:%M"), event.kind,
                    what[0], what[1], event.reference,
                    person.name_ar if person else "", person.name_en if person else "")


class DelegationState(rx.State):
    """One delegation, seen by its delegator or its delegate (anyone else: not found)."""

    found: bool = True
    role: str = ""
    current: DelegationRow = DelegationRow("", "", "", "", "", "", "", "", "", "")
    delegator_ar: str = ""
    delegator_en: str = ""
    delegate_ar: str = ""
    delegate_en: str = ""
    valid_now: bool = False
    feed: list[FeedItem] = []
    history: list[FeedItem] = []
    links: list[ServiceLink] = []
    error: dict[str, str] = NO_PROBLEM
    message: TextView = TextView("", "")
    qr: str = ""
    verify_url: str = ""

    def _load(self, account_id: int, reference: str) -> None:
        with session_scope() as session:
            me = _me(session, account_id)
            today = today_in_riyadh(CLOCK)
            delegations.expire_due(session, today, CLOCK.now(), get_sms_sender())
            delegation = delegations.find(session, reference)
            if delegation is None or me.id not in (delegation.delegator_id,
                                                   delegation.delegate_id):
                self.found, self.role = False, ""
                return
            mine = delegation.delegator_id == me.id
            # The delegate sees a pending delegation only through its reference, which they
            # must type to accept: the URL alone does not show it.
            if not mine and delegation.status == "pending":
                self.found, self.role = False, ""
                return
            self.found, self.role = True, "delegator" if mine else "delegate"
            delegator = session.get(Person, delegation.delegator_id)
            delegate = session.get(Person, delegation.delegate_id)
            self.delegator_ar, self.delegator_en = delegator.name_ar, delegator.name_en
            self.delegate_ar, self.delegate_en = delegate.name_ar, delegate.name_en
            self.current = _row(session, delegation,
                                delegation.delegate_id if mine else delegation.delegator_id, True)
            check = delegations.verify(session, delegation.reference, today)
            self.valid_now = check.valid_now
            events = delegations.history(session, delegation)
            self.feed = [_feed_item(session, e) for e in reversed(events)
                         if e.kind.startswith("act_")] if mine else []
            self.history = [_feed_item(session, e) for e in events
                            if not e.kind.startswith("act_")]
            self.links = [ServiceLink(c, routes.act_on_behalf_path(c, delegation.reference),
                                      *both(f"service.{c}.title"))
                          for c in delegations.services_of(delegation)] \
                if not mine and check.valid_now else []
            self.verify_url = get_settings().public_url.rstrip("/") + routes.verify_path(
                delegation.reference)
            self.qr = segno.make(self.verify_url, error="m").svg_data_uri(
                scale=4, dark="#000000", light="#ffffff")

    def _reference(self) -> str:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        return parts[1][:12] if len(parts) >= 2 and parts[0] == "delegations" else ""

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        self.error, self.message = NO_PROBLEM, TextView("", "")
        await asyncio.to_thread(self._load, who.account_id, self._reference())
        return None

    def _act(self, account_id: int, action: Callable, done_key: str) -> None:
        reference = self._reference()
        with session_scope() as session:
            try:
                action(session, delegator=_me(session, account_id), reference=reference,
                       today=today_in_riyadh(CLOCK), now=CLOCK.now(), sms=get_sms_sender())
            except DomainError as error:
                self.error = problem(error)
                return
        self.error, self.message = NO_PROBLEM, TextView(*both(done_key))
        self._load(account_id, reference)

    async def _run(self, action: Callable, done_key: str):
        who = await signed_in_account(self)
        if who is None:
            return rx.redirect(routes.LOGIN)
        await asyncio.to_thread(self._act, who.account_id, action, done_key)
        return None

    @rx.event
    async def withdraw(self):
        return await self._run(delegations.withdraw, "delegation.withdrawn_done")

    @rx.event
    async def revoke(self):
        return await self._run(delegations.revoke, "delegation.revoked_done")

    @rx.event
    async def not_me(self):
        return await self._run(delegations.suspend, "delegation.suspended_done")


# ---------------------------------------------------------------------------------------------
# Public verification.

@dataclasses.dataclass
class VerifyView:
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


def _verify(reference: str, client: str) -> VerifyView:
    with session_scope() as session:
        found = delegations.verify_public(session, reference, today=today_in_riyadh(CLOCK),
                                          client=client, limiter=get_rate_limiter(),
                                          limit=get_settings().inquiry_rate_limit)
    services = _titles(found.services)
    status = both(f"delegation.status.{found.status}")
    return VerifyView(found.reference, found.valid_now, found.status, status[0], status[1],
                      services[0], services[1], found.starts_on.isoformat(),
                      found.ends_on.isoformat(), found.delegator_ar, found.delegator_en,
                      found.delegate_ar, found.delegate_en)


class VerifyState(rx.State):
    """The public check: nothing here is secret, it is what the page shows."""

    reference: str = ""
    result: VerifyView = VerifyView()
    error: dict[str, str] = NO_PROBLEM

    async def _check(self, reference: str) -> None:
        self.reference = reference
        client = self.router.session.client_ip if self.router else ""
        try:
            self.result = await asyncio.to_thread(_verify, reference, client)
            self.error = NO_PROBLEM
        except DomainError as error:
            self.result, self.error = VerifyView(), problem(error, "reference")

    @rx.event
    async def load(self):
        """on_load: check the reference in ?reference= (what the certificate's QR opens)."""
        self.result, self.error = VerifyView(), NO_PROBLEM
        reference = str(self.router.url.query_parameters.get("reference", ""))[:20].strip()
        self.reference = reference
        if reference:
            await self._check(reference)

    @rx.event
    async def check(self, form_data: dict):
        reference = form_data.get("reference", "")
        await self._check(reference.strip()[:20] if isinstance(reference, str) else "")


# ---------------------------------------------------------------------------------------------
# Vehicles: the buyer's confirmation.

@dataclasses.dataclass
class TransferRow:
    id: int
    plate: str
    vehicle: str
    price: int
    seller_ar: str
    seller_en: str


@dataclasses.dataclass
class VehicleRow:
    plate: str
    vehicle: str


class VehiclesState(rx.State):
    mine: list[VehicleRow] = []
    awaiting: list[TransferRow] = []
    error: dict[str, str] = NO_PROBLEM
    message: TextView = TextView("", "")

    def _load(self, account_id: int) -> None:
        with session_scope() as session:
            me = _me(session, account_id)
            self.mine = [VehicleRow(v.plate, f"{v.make} {v.model} {v.year}")
                         for v in vehicles.vehicles_of(session, me)]
            rows = []
            for transfer in vehicles.awaiting(session, me):
                vehicle = session.get(Vehicle, transfer.vehicle_id)
                seller = session.get(Person, transfer.seller_id)
                rows.append(TransferRow(transfer.id, vehicle.plate,
                                        f"{vehicle.make} {vehicle.model} {vehicle.year}",
                                        transfer.price_sar, seller.name_ar, seller.name_en))
            self.awaiting = rows

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        self.error, self.message = NO_PROBLEM, TextView("", "")
        await asyncio.to_thread(self._load, who.account_id)
        return None

    def _answer(self, account_id: int, transfer_id: int, accept: bool) -> None:
        with session_scope() as session:
            try:
                vehicles.answer(session, buyer=_me(session, account_id), transfer_id=transfer_id,
                                accept=accept, now=CLOCK.now(), sms=get_sms_sender())
            except DomainError as error:
                self.error = problem(error)
                return
        self.error = NO_PROBLEM
        self.message = TextView(*both("vehicles.accepted" if accept else "vehicles.declined"))
        self._load(account_id)

    @rx.event
    async def answer(self, transfer_id: int, accept: bool):
        if not isinstance(transfer_id, int) or isinstance(transfer_id, bool) or \
                not isinstance(accept, bool):
            return None
        who = await signed_in_account(self)
        if who is None:
            return rx.redirect(routes.LOGIN)
        await asyncio.to_thread(self._answer, who.account_id, transfer_id, accept)
        return None


# ---------------------------------------------------------------------------------------------
# Rendering.

def _notice(message: rx.Var) -> rx.Component:
    return rx.cond(message.ar != "", rx.el.p(bilingual(message.ar, message.en), role="status",
                                             class_name="notice"), rx.fragment())


def _status(row) -> rx.Component:
    return rx.el.span(bilingual(row.status_ar, row.status_en),
                      class_name="status status-" + row.status)


def _table(rows: rx.Var[list[DelegationRow]], who_key: str, empty_key: str,
           with_reference: bool = True) -> rx.Component:
    """The list as a table; on a phone each row stacks into a card, each cell labelled."""
    heads = (["delegation.reference"] if with_reference else []) + [
        who_key, "delegation.services", "delegation.period", "delegation.status_label"]

    def cell(key: str, *children, **props) -> rx.Component:
        return rx.el.td(*children, data_label=t(key), **props)

    return rx.cond(
        rows.length() > 0,
        rx.el.div(rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(t(k), scope="col") for k in heads])),
            rx.el.tbody(rx.foreach(rows, lambda r: rx.el.tr(
                *([cell("delegation.reference", rx.el.a(r.reference, href=r.href))]
                  if with_reference else []),
                cell(who_key, bilingual(r.other_ar, r.other_en)),
                cell("delegation.services", bilingual(r.services_ar, r.services_en)),
                cell("delegation.period", rx.el.bdi(r.period, dir="ltr")),
                cell("delegation.status_label", _status(r)),
            ))),
            class_name="data-table stacked-table",
        ), class_name="table-scroll"),
        rx.el.p(t(empty_key)),
    )


def list_page() -> rx.Component:
    s = DelegationsState
    return page_layout(
        "delegation.title",
        rx.el.div(rx.el.a(t("delegation.new"), href=routes.service_path("delegation"),
                          class_name="button"), class_name="button-group"),
        rx.el.section(
            rx.el.h2(t("delegation.pending_to_me")),
            _table(s.pending, "delegation.delegator", "delegation.none_pending", False),
            rx.el.form(
                rx.el.h3(t("delegation.answer_title")),
                error_summary(s.error),
                _notice(s.message),
                text_field("reference", "delegation.reference", s.error,
                           hint_key="delegation.reference_hint", input_mode="numeric",
                           dir="ltr", max_length=20),
                radio_group("decision", "delegation.decision",
                            [("accept", "delegation.accept"), ("reject", "delegation.reject")],
                            s.error),
                rx.el.button(t("delegation.send_answer"), type="submit", class_name="button"),
                on_submit=s.answer, reset_on_submit=True, class_name="form panel",
            ),
        ),
        rx.el.section(
            rx.el.h2(t("delegation.to_me")),
            _table(s.received, "delegation.delegator", "delegation.none"),
        ),
        rx.el.section(
            rx.el.h2(t("delegation.from_me")),
            _table(s.given, "delegation.delegate", "delegation.none"),
        ),
        lead_key="delegation.lead",
    )


def _pair(label_key: str, value, **props) -> rx.Component:
    return rx.el.div(rx.el.dt(t(label_key)), rx.el.dd(value, **props), class_name="summary-row")


def _summary(s) -> rx.Component:
    return rx.el.dl(
        _pair("delegation.reference", s.current.reference, dir="ltr",
              data_testid="delegation-reference"),
        _pair("delegation.delegator", bilingual(s.delegator_ar, s.delegator_en)),
        _pair("delegation.delegate", bilingual(s.delegate_ar, s.delegate_en)),
        _pair("delegation.services", bilingual(s.current.services_ar, s.current.services_en)),
        _pair("delegation.period", rx.el.bdi(s.current.period, dir="ltr")),
        _pair("delegation.status_label", _status(s.current), data_testid="delegation-status"),
        class_name="summary-list",
    )


def _feed_list(items: rx.Var[list[FeedItem]], empty_key: str, test_id: str) -> rx.Component:
    return rx.cond(
        items.length() > 0,
        rx.el.ol(rx.foreach(items, lambda e: rx.el.li(
            rx.el.span(bilingual(e.what_ar, e.what_en)),
            rx.cond(e.who_ar != "", rx.el.span(" — ", bilingual(e.who_ar, e.who_en)),
                    rx.fragment()),
            rx.cond(e.reference != "", rx.el.span(" — ", t("delegation.reference"), " ",
                                                  rx.el.bdi(e.reference)), rx.fragment()),
            " ", rx.el.time(e.when, dir="ltr", class_name="muted"))),
            class_name="timeline", data_testid=test_id),
        rx.el.p(t(empty_key)),
    )


def detail_page() -> rx.Component:
    s = DelegationState
    return page_layout(
        "delegation.detail_title",
        rx.cond(~s.found, rx.el.p(t("delegation.not_found"), role="alert"), rx.el.div(
            error_summary(s.error),
            _notice(s.message),
            _summary(s),
            rx.el.div(
                rx.cond((s.role == "delegator") & (s.current.status == "pending"),
                        rx.el.button(t("delegation.withdraw"), type="button",
                                     class_name="button secondary", on_click=s.withdraw),
                        rx.fragment()),
                rx.cond((s.role == "delegator") & (s.current.status == "active"),
                        rx.el.button(t("delegation.revoke"), type="button",
                                     class_name="button warning", on_click=s.revoke),
                        rx.fragment()),
                rx.el.a(t("delegation.certificate"),
                        href=routes.DELEGATIONS + "/" + s.current.reference + "/certificate",
                        class_name="button secondary"),
                rx.el.a(t("delegation.back_to_list"), href=routes.DELEGATIONS),
                class_name="button-group",
            ),
            rx.cond(s.role == "delegate", rx.el.section(
                rx.el.h2(t("delegation.act_title")),
                rx.cond(s.links.length() > 0,
                        rx.el.ul(rx.foreach(s.links, lambda link: rx.el.li(rx.el.a(
                            bilingual(link.title_ar, link.title_en), href=link.href))),
                            class_name="link-list"),
                        rx.el.p(t("delegation.cannot_act_now"))),
            ), rx.fragment()),
            rx.cond(s.role == "delegator", rx.el.section(
                rx.el.h2(t("delegation.feed_title")),
                rx.el.p(t("delegation.feed_lead"), class_name="muted"),
                _feed_list(s.feed, "delegation.feed_empty", "activity-feed"),
                rx.cond(s.current.status == "active", rx.el.div(
                    rx.el.p(t("delegation.not_me_lead")),
                    rx.el.button(t("delegation.not_me"), type="button",
                                 class_name="button warning", on_click=s.not_me),
                    class_name="panel",
                ), rx.fragment()),
            ), rx.fragment()),
            rx.el.section(
                rx.el.h2(t("delegation.history_title")),
                _feed_list(s.history, "delegation.feed_empty", "delegation-history"),
            ),
        )),
    )


def certificate_page() -> rx.Component:
    s = DelegationState
    return page_layout(
        "delegation.certificate_title",
        rx.cond(~s.found, rx.el.p(t("delegation.not_found"), role="alert"), rx.el.div(
            rx.el.div(
                rx.el.div(
                    _summary(s),
                    rx.el.p(rx.cond(s.valid_now, t("delegation.valid_now"),
                                    t("delegation.not_valid_now")),
                            class_name=rx.cond(s.valid_now, "status status-approved",
                                               "status status-rejected")),
                    class_name="certificate-body",
                ),
                rx.el.figure(
                    rx.el.img(src=s.qr, alt=t("delegation.qr_alt"), width="180",
                              height="180"),
                    rx.el.figcaption(t("delegation.qr_caption"), " ",
                                     rx.el.bdi(s.verify_url, dir="ltr")),
                    class_name="certificate-qr",
                ),
                class_name="certificate",
            ),
            rx.el.div(
                rx.el.button(t("transactions.print"), type="button", class_name="button",
                             on_click=rx.call_script("window.print()")),
                rx.el.a(t("delegation.back_to_delegation"),
                        href=routes.DELEGATIONS + "/" + s.current.reference),
                class_name="button-group no-print",
            ),
        )),
    )


def verify_page() -> rx.Component:
    s = VerifyState
    r = s.result
    return page_layout(
        "verify.title",
        rx.el.form(
            error_summary(s.error),
            text_field("reference", "delegation.reference", s.error, input_mode="numeric",
                       dir="ltr", max_length=20, default_value=s.reference),
            rx.el.button(t("verify.check"), type="submit", class_name="button"),
            on_submit=s.check, class_name="form", key=s.reference,
        ),
        rx.cond(r.reference != "", rx.el.section(
            rx.el.h2(t_with("verify.result_title", {"reference": r.reference})),
            rx.el.p(rx.cond(r.valid, t("delegation.valid_now"), t("delegation.not_valid_now")),
                    class_name=rx.cond(r.valid, "status status-approved",
                                       "status status-rejected"),
                    data_testid="verify-validity"),
            rx.el.dl(
                _pair("delegation.status_label", bilingual(r.status_ar, r.status_en),
                      data_testid="verify-status"),
                _pair("delegation.services", bilingual(r.services_ar, r.services_en)),
                _pair("delegation.period", rx.el.bdi(r.starts_on + " → " + r.ends_on, dir="ltr")),
                _pair("delegation.delegator", bilingual(r.delegator_ar, r.delegator_en)),
                _pair("delegation.delegate", bilingual(r.delegate_ar, r.delegate_en)),
                class_name="summary-list",
            ),
            role="region", aria_label=t("verify.result_region"), class_name="panel",
        ), rx.fragment()),
        lead_key="verify.lead",
    )


def vehicles_page() -> rx.Component:
    s = VehiclesState
    return page_layout(
        "vehicles.title",
        error_summary(s.error),
        _notice(s.message),
        rx.el.section(
            rx.el.h2(t("vehicles.awaiting_title")),
            rx.cond(s.awaiting.length() > 0, rx.el.ul(rx.foreach(s.awaiting, lambda r: rx.el.li(
                rx.el.p(rx.el.strong(r.plate), " — ", r.vehicle, " — ",
                        bilingual(r.seller_ar, r.seller_en), " — ",
                        t_with("wizard.sar", {"amount": r.price})),
                rx.el.div(
                    rx.el.button(t("vehicles.accept"), type="button", class_name="button",
                                 on_click=s.answer(r.id, True)),
                    rx.el.button(t("vehicles.decline"), type="button",
                                 class_name="button secondary", on_click=s.answer(r.id, False)),
                    class_name="button-group",
                ),
                class_name="panel")), class_name="link-list"),
                rx.el.p(t("vehicles.none_awaiting"))),
        ),
        rx.el.section(
            rx.el.h2(t("vehicles.mine_title")),
            rx.cond(s.mine.length() > 0, rx.el.ul(rx.foreach(s.mine, lambda v: rx.el.li(
                rx.el.strong(v.plate, dir="ltr"), " — ", v.vehicle)), class_name="link-list"),
                rx.el.p(t("vehicles.none"))),
            rx.el.a(t("vehicles.sell"), href=routes.service_path("vehicle_transfer")),
        ),
    )
