"""`/staff/requests` and `/staff/requests/<reference>`: the passports officer's review queue.

The queue shows only references, services and dates; opening a request shows the applicant,
the beneficiary, their documents, the answers and the timeline, and is logged in both persons'
"who accessed my record". Decisions go through `requests.decide` (which notifies the person);
deliveries by post move on one status at a time."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from absher_app import routes
from absher_app.components.forms import (
    NO_PROBLEM,
    error_summary,
    localized,
    problem,
)
from absher_app.components.staff_layout import staff_page
from absher_app.db import session_scope
from absher_app.domain import catalogue, requests, staff
from absher_app.domain.errors import DomainError
from absher_app.i18n import translate
from absher_app.models import Person, ServiceRequest
from absher_app.pages.transactions import (
    TransactionRow,
    bilingual,
    local_time,
    sar,
    transaction_row,
)
from absher_app.providers.sms import get_sms_sender
from absher_app.state.language import t
from absher_app.state.staff_session import CLOCK, SessionState, staff_guard
from absher_app.state.wizard import TextView, both, shown_value


@dataclasses.dataclass
class QueueRow:
    reference: str
    href: str
    service_ar: str
    service_en: str
    date: str
    status_ar: str
    status_en: str
    tracking: str = ""


@dataclasses.dataclass
class PersonView:
    name_ar: str = ""
    name_en: str = ""
    id_number: str = ""
    birth_date: str = ""


def _queue_row(session, request: ServiceRequest, delivery: bool = False) -> QueueRow:
    row = transaction_row(session, request)
    status = (row.status_ar, row.status_en)
    tracking = ""
    if delivery:
        found = requests.delivery_of(session, request.id)
        tracking = found.tracking_number if found else ""
        status = both(f"delivery.{found.status}") if found else status
    return QueueRow(request.reference, routes.staff_request_path(request.reference),
                    row.service_ar, row.service_en, row.date, status[0], status[1], tracking)


def reference_from_path(path: str) -> str:
    parts = [p for p in (path or "").split("/") if p]
    return parts[2][:12] if len(parts) == 3 and parts[:2] == ["staff", "requests"] else ""


class StaffQueueState(rx.State):
    """The requests awaiting a decision, and the deliveries under way."""

    waiting: list[QueueRow] = []
    deliveries: list[QueueRow] = []

    @rx.event
    async def load(self):
        who, refusal = await staff_guard(self, staff.REVIEW_REQUESTS, touch=False)
        if refusal:
            return refusal

        def _rows() -> tuple[list[QueueRow], list[QueueRow]]:
            with session_scope() as session:
                return ([_queue_row(session, r) for r in staff.awaiting_decision(session, who)],
                        [_queue_row(session, r, delivery=True)
                         for r in staff.deliveries_under_way(session, who)])

        self.waiting, self.deliveries = await asyncio.to_thread(_rows)
        return None


def answer_views(request: ServiceRequest) -> list[TextView]:
    """The request's answers as the check-your-answers page words them."""
    stored = staff.answers_of(request)
    service = catalogue.service(request.service_code)
    views = []
    for step in service.steps if service else ():
        for field in step.fields:
            if field.name in stored:
                value = shown_value(field, stored[field.name])
                views.append(TextView(*both(field.label_key), *value))
    return views


def _person(person: Person | None) -> PersonView:
    if person is None:
        return PersonView()
    return PersonView(person.name_ar, person.name_en, person.id_number,
                      person.birth_date.isoformat())


class StaffReviewState(rx.State):
    """One request under review. The reference acted on is the one loaded (a backend var)."""

    found: bool = True
    current: TransactionRow = TransactionRow("", "", "", "", "", "", 0, "", "", "", "")
    applicant: PersonView = PersonView()
    beneficiary: PersonView = PersonView()
    documents: list[TextView] = []
    answers: list[TextView] = []
    timeline: list[TextView] = []
    reason: str = ""
    tracking: str = ""
    delivery_status: TextView = TextView("", "")
    can_advance: bool = False
    error: dict[str, str] = NO_PROBLEM
    done: dict[str, str] = NO_PROBLEM
    busy: bool = False
    _reference: str = ""

    def _fill(self, session, request: ServiceRequest) -> None:
        self.current = transaction_row(session, request)
        applicant = session.get(Person, request.applicant_id)
        beneficiary = session.get(Person, request.beneficiary_id)
        self.applicant, self.beneficiary = _person(applicant), _person(beneficiary)
        self.documents = [TextView(*both(f"staff.document.{key}"), text, text)
                          for key, text in staff.documents_of(beneficiary)]
        self.answers = answer_views(request)
        self.timeline = [TextView(*both(f"event.{e.kind}"), local_time(e.created_at),
                                  local_time(e.created_at))
                         for e in requests.timeline(session, request.id)]
        self.reason = request.decision_reason if request.status == "rejected" else ""
        delivery = requests.delivery_of(session, request.id)
        self.tracking = delivery.tracking_number if delivery else ""
        self.delivery_status = (TextView(*both(f"delivery.{delivery.status}")) if delivery
                                else TextView("", ""))
        self.can_advance = delivery is not None and delivery.status != "delivered"

    @rx.event
    async def load(self):
        """Open the request (logged for the persons in it)."""
        who, refusal = await staff_guard(self, staff.REVIEW_REQUESTS, touch=False)
        if refusal:
            return refusal
        reference = reference_from_path(self.router.url.path)
        self.error, self.done, self.busy = NO_PROBLEM, NO_PROBLEM, False

        def _open() -> bool:
            with session_scope() as session:
                try:
                    request = staff.open_request(session, who, reference, now=CLOCK.now())
                except DomainError:
                    return False
                self._fill(session, request)
                return True

        self.found = await asyncio.to_thread(_open)
        self._reference = reference if self.found else ""
        return None

    def _act(self, who: staff.StaffIdentity, action: str, reason: str = "") -> str:
        with session_scope() as session:
            if action == "advance":
                status = staff.advance_delivery(session, who, self._reference, now=CLOCK.now(),
                                                sms=get_sms_sender())
                key = f"delivery.{status}"
            else:
                request = staff.decide_request(session, who, self._reference,
                                               action == "approve", reason, now=CLOCK.now(),
                                               sms=get_sms_sender())
                key = f"status.{request.status}"
            self._fill(session, requests.find_request(session, self._reference))
            return key

    async def _run(self, who: staff.StaffIdentity, action: str, reason: str = ""):
        try:
            key = await asyncio.to_thread(self._act, who, action, reason)
        except DomainError as error:
            self.error = problem(error, "reason" if error.code == "reason_required" else "")
            return
        self.error = NO_PROBLEM
        self.done = {lang: translate("staff.review.done", lang, status=translate(key, lang))
                     for lang in ("ar", "en")} | {"field": ""}

    @rx.event
    async def approve(self):
        """Approve the request in review."""
        who, refusal = await staff_guard(self, staff.REVIEW_REQUESTS)
        if refusal:
            return refusal
        await self._run(who, "approve")
        return None

    @rx.event
    async def reject(self, form_data: dict):
        """Reject with the reason (required; the person is shown it)."""
        who, refusal = await staff_guard(self, staff.REVIEW_REQUESTS)
        if refusal:
            return refusal
        reason = form_data.get("reason", "") if isinstance(form_data, dict) else ""
        await self._run(who, "reject", reason if isinstance(reason, str) else "")
        return None

    @rx.event
    async def advance_delivery(self):
        """Record the delivery's next status (as Saudi Post reports it)."""
        who, refusal = await staff_guard(self, staff.REVIEW_REQUESTS)
        if refusal:
            return refusal
        await self._run(who, "advance")
        return None


def queue_page() -> rx.Component:
    s = StaffQueueState
    head = rx.el.thead(rx.el.tr(rx.el.th(t("staff.review.reference"), scope="col"),
                                rx.el.th(t("staff.review.service"), scope="col"),
                                rx.el.th(t("staff.review.submitted"), scope="col"),
                                rx.el.th(t("transactions.status"), scope="col")))

    def row(r: QueueRow) -> rx.Component:
        return rx.el.tr(rx.el.td(rx.el.a(r.reference, href=r.href)),
                        rx.el.td(bilingual(r.service_ar, r.service_en)),
                        rx.el.td(rx.el.bdi(r.date, dir="ltr")),
                        rx.el.td(bilingual(r.status_ar, r.status_en)))

    return staff_page(
        "staff.review.title",
        rx.el.h2(t("staff.review.waiting")),
        rx.cond(s.waiting.length() > 0,
                rx.el.div(rx.el.table(head, rx.el.tbody(rx.foreach(s.waiting, row)),
                                      class_name="data-table"), class_name="table-scroll"),
                rx.el.p(t("staff.review.none_waiting"))),
        rx.el.h2(t("staff.review.deliveries")),
        rx.cond(s.deliveries.length() > 0,
                rx.el.div(rx.el.table(head, rx.el.tbody(rx.foreach(s.deliveries, row)),
                                      class_name="data-table"), class_name="table-scroll"),
                rx.el.p(t("staff.review.none_deliveries"))),
        lead_key="staff.review.lead",
    )


def _pair(label_key: str, value, **props) -> rx.Component:
    return rx.el.div(rx.el.dt(t(label_key)), rx.el.dd(value, **props), class_name="summary-row")


def _person_rows(label_key: str, p: PersonView) -> rx.Component:
    return _pair(label_key, rx.fragment(
        bilingual(p.name_ar, p.name_en), " · ", rx.el.bdi(p.id_number, dir="ltr"), " · ",
        rx.el.bdi(p.birth_date, dir="ltr")))


def _decision() -> rx.Component:
    s = StaffReviewState
    return rx.el.section(
        rx.el.h2(t("staff.review.decide"), id="decide-title"),
        rx.el.button(t("staff.review.approve"), type="button", class_name="button",
                     on_click=s.approve, disabled=s.busy),
        rx.el.form(
            rx.el.div(
                rx.el.label(t("staff.review.reason"), html_for="field-reason",
                            class_name="field-label"),
                rx.el.p(t("staff.review.reason_hint"), id="field-reason-hint",
                        class_name="field-hint"),
                rx.cond(s.error["field"] == "reason",
                        rx.el.p(localized(s.error), class_name="field-error"), rx.fragment()),
                rx.el.textarea(id="field-reason", name="reason", max_length=500, rows=3,
                               aria_describedby="field-reason-hint",
                               aria_invalid=rx.cond(s.error["field"] == "reason", "true",
                                                    "false"),
                               class_name="field-input"),
                class_name="field",
            ),
            rx.el.button(t("staff.review.reject"), type="submit", class_name="button warning",
                         disabled=s.busy),
            on_submit=s.reject,
            class_name="form",
        ),
        aria_labelledby="decide-title",
        class_name="panel",
    )


def review_page() -> rx.Component:
    s = StaffReviewState
    return staff_page(
        "staff.review.one_title",
        rx.el.p(rx.el.a(t("staff.review.back"), href=routes.STAFF_REQUESTS)),
        rx.cond(~s.found, rx.el.p(t("transactions.not_found"), role="alert"), rx.el.div(
            error_summary(s.error),
            rx.el.div(rx.cond(s.done["ar"] != "", rx.el.p(localized(s.done),
                                                           class_name="notice")),
                      role="status"),
            rx.el.h2(s.current.reference, class_name="reference"),
            rx.el.dl(
                _pair("staff.review.service", bilingual(s.current.service_ar,
                                                        s.current.service_en)),
                _pair("transactions.status", rx.el.span(
                    bilingual(s.current.status_ar, s.current.status_en),
                    class_name="status status-" + s.current.status), data_testid="status"),
                _pair("staff.review.submitted", rx.el.bdi(s.current.date, dir="ltr")),
                _pair("transactions.amount", sar(s.current.amount)),
                _person_rows("staff.review.applicant", s.applicant),
                _person_rows("staff.review.beneficiary", s.beneficiary),
                rx.cond(s.reason != "", _pair("transactions.reason", s.reason), rx.fragment()),
                class_name="summary-list",
            ),
            rx.el.h2(t("staff.review.documents")),
            rx.cond(s.documents.length() > 0, rx.el.dl(rx.foreach(s.documents, lambda d: rx.el.div(
                rx.el.dt(bilingual(d.ar, d.en)), rx.el.dd(rx.el.bdi(d.detail_ar, dir="ltr")),
                class_name="summary-row")), class_name="summary-list"),
                rx.el.p(t("staff.review.no_documents"))),
            rx.el.h2(t("staff.review.answers")),
            rx.el.dl(rx.foreach(s.answers, lambda a: rx.el.div(
                rx.el.dt(bilingual(a.ar, a.en)), rx.el.dd(bilingual(a.detail_ar, a.detail_en)),
                class_name="summary-row")), class_name="summary-list"),
            rx.cond(s.current.status == "in_review", _decision(), rx.fragment()),
            rx.cond(s.tracking != "", rx.el.section(
                rx.el.h2(t("transactions.delivery")),
                rx.el.dl(
                    _pair("transactions.tracking", s.tracking, data_testid="tracking"),
                    _pair("transactions.status", bilingual(s.delivery_status.ar,
                                                           s.delivery_status.en),
                          data_testid="delivery-status"),
                    class_name="summary-list",
                ),
                rx.cond(s.can_advance, rx.el.button(
                    t("staff.review.advance"), type="button", class_name="button secondary",
                    on_click=s.advance_delivery, disabled=s.busy), rx.fragment()),
            ), rx.fragment()),
            rx.el.h2(t("transactions.timeline")),
            rx.el.ol(rx.foreach(s.timeline, lambda e: rx.el.li(
                rx.el.span(bilingual(e.ar, e.en)), " ",
                rx.el.time(e.detail_ar, dir="ltr", class_name="muted"))),
                class_name="timeline"),
        )),
    )


QUEUE_ON_LOAD = [SessionState.require_staff, StaffQueueState.load]
REVIEW_ON_LOAD = [SessionState.require_staff, StaffReviewState.load]
