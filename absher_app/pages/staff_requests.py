"""`/staff/requests` and `/staff/requests/<reference>`: the passports officer's review queue.

The queue shows only references, services and dates; opening a request shows the applicant,
the beneficiary, their documents, the answers and the timeline, and is logged in both persons'
"who accessed my record". Decisions notify the person; deliveries by post move on one status
at a time. Use cases: absher_app.application.staff."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application import staff as usecases
from absher_app.application.staff import RejectForm, RequestRow, ReviewQueue, ReviewView
from absher_app.application.views import NO_PROBLEM, problem
from absher_app.components.content import status_message, summary_list, summary_row, tag
from absher_app.components.forms import error_summary, field_error
from absher_app.components.staff_layout import staff_page
from absher_app.components.text import bilingual, t_with
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import SessionState


class StaffQueueState(rx.State):
    """The requests awaiting a decision, and the deliveries under way."""

    queue: ReviewQueue = rx.field(default_factory=ReviewQueue)

    @event
    async def load(self):
        self.queue = await use(self, usecases.review_queue)


class StaffReviewState(rx.State):
    """One request under review. The reference acted on is the one loaded (a backend var)."""

    view: ReviewView = rx.field(default_factory=lambda: ReviewView(found=True))
    error: dict[str, str] = NO_PROBLEM
    busy: bool = False
    _reference: str = ""

    def _on_problem(self, error) -> None:
        self.error, self.busy = problem(error), False

    @event
    async def load(self):
        """Open the request (logged for the persons in it)."""
        self.error, self.busy = NO_PROBLEM, False
        self.view = await use(self, usecases.open_request,
                              routes.reference_in(self.router.url.path, routes.STAFF_REQUESTS))
        self._reference = self.view.current.reference

    async def _act(self, action, *inputs) -> None:
        self.view = await use(self, action, self._reference, *inputs)
        self.error = NO_PROBLEM

    @event
    async def approve(self):
        """Approve the request in review."""
        await self._act(usecases.approve_request)

    @event
    async def reject(self, form: RejectForm):
        """Reject with the reason (required; the person is shown it)."""
        await self._act(usecases.reject_request, form)

    @event
    async def advance_delivery(self):
        """Record the delivery's next status (as Saudi Post reports it)."""
        await self._act(usecases.advance_delivery)


def sar(amount) -> rx.Component:
    return t_with("wizard.sar", {"amount": amount}, {"amount": amount})


def queue_page() -> rx.Component:
    q = StaffQueueState.queue
    head = rx.el.thead(rx.el.tr(rx.el.th(t("staff.review.reference"), scope="col"),
                                rx.el.th(t("staff.review.service"), scope="col"),
                                rx.el.th(t("staff.review.submitted"), scope="col"),
                                rx.el.th(t("transactions.status"), scope="col")))

    def row(r: RequestRow) -> rx.Component:
        return rx.el.tr(rx.el.td(rx.el.a(r.reference, href=r.href)),
                        rx.el.td(bilingual(r.service_ar, r.service_en)),
                        rx.el.td(rx.el.bdi(r.date, dir="ltr")),
                        rx.el.td(bilingual(r.status_ar, r.status_en)))

    return staff_page(
        "staff.review.title",
        rx.el.h2(t("staff.review.waiting")),
        rx.cond(q.waiting.length() > 0,
                rx.el.div(rx.el.table(head, rx.el.tbody(rx.foreach(q.waiting, row)),
                                      class_name="data-table"), class_name="table-scroll"),
                rx.el.p(t("staff.review.none_waiting"))),
        rx.el.h2(t("staff.review.deliveries")),
        rx.cond(q.deliveries.length() > 0,
                rx.el.div(rx.el.table(head, rx.el.tbody(rx.foreach(q.deliveries, row)),
                                      class_name="data-table"), class_name="table-scroll"),
                rx.el.p(t("staff.review.none_deliveries"))),
        lead_key="staff.review.lead",
    )


def _person_row(label_key: str, p) -> rx.Component:
    return summary_row(label_key, rx.fragment(
        bilingual(p.name_ar, p.name_en), " · ", rx.el.bdi(p.id_number, dir="ltr"), " · ",
        rx.el.bdi(p.birth_date, dir="ltr")))


def _decision() -> rx.Component:
    s = StaffReviewState
    invalid = s.error["field"] == "reason"
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
                field_error(s.error, "reason"),
                rx.el.textarea(id="field-reason", name="reason", max_length=500, rows=3,
                               aria_describedby=rx.cond(
                                   invalid, "field-reason-error field-reason-hint",
                                   "field-reason-hint"),
                               aria_invalid=rx.cond(invalid, "true", "false"),
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


def _lines(lines, value) -> rx.Component:
    return summary_list(rx.foreach(lines, lambda line: rx.el.div(
        rx.el.dt(bilingual(line.ar, line.en)), rx.el.dd(value(line)),
        class_name="summary-row")))


def _delivery(v: rx.Var[ReviewView]) -> rx.Component:
    return rx.cond(v.tracking != "", rx.el.section(
        rx.el.h2(t("transactions.delivery")),
        summary_list(
            summary_row("transactions.tracking", v.tracking, data_testid="tracking"),
            summary_row("transactions.status", bilingual(v.delivery_status.ar,
                                                         v.delivery_status.en),
                        data_testid="delivery-status"),
        ),
        rx.cond(v.can_advance, rx.el.button(
            t("staff.review.advance"), type="button", class_name="button secondary",
            on_click=StaffReviewState.advance_delivery, disabled=StaffReviewState.busy),
            rx.fragment()),
    ), rx.fragment())


def review_page() -> rx.Component:
    s = StaffReviewState
    v = s.view
    return staff_page(
        "staff.review.one_title",
        rx.el.p(rx.el.a(t("staff.review.back"), href=routes.STAFF_REQUESTS)),
        rx.cond(~v.found, rx.el.p(t("transactions.not_found"), role="alert"), rx.el.div(
            error_summary(s.error),
            status_message(v.done),
            rx.el.h2(v.current.reference, class_name="reference"),
            summary_list(
                summary_row("staff.review.service", bilingual(v.current.service_ar,
                                                              v.current.service_en)),
                summary_row("transactions.status", tag(v.current.status, v.current.status_ar,
                                                       v.current.status_en),
                            data_testid="status"),
                summary_row("staff.review.submitted", rx.el.bdi(v.current.date, dir="ltr")),
                summary_row("transactions.amount", sar(v.current.amount)),
                _person_row("staff.review.applicant", v.applicant),
                _person_row("staff.review.beneficiary", v.beneficiary),
                rx.cond(v.reason != "", summary_row("transactions.reason", v.reason),
                        rx.fragment()),
            ),
            rx.el.h2(t("staff.review.documents")),
            rx.cond(v.documents.length() > 0,
                    _lines(v.documents, lambda d: rx.el.bdi(d.value_ar, dir="ltr")),
                    rx.el.p(t("staff.review.no_documents"))),
            rx.el.h2(t("staff.review.answers")),
            _lines(v.answers, lambda a: bilingual(a.value_ar, a.value_en)),
            rx.cond(v.current.status == "in_review", _decision(), rx.fragment()),
            _delivery(v),
            rx.el.h2(t("transactions.timeline")),
            rx.el.ol(rx.foreach(v.timeline, lambda e: rx.el.li(
                rx.el.span(bilingual(e.ar, e.en)), " ",
                rx.el.time(e.value_ar, dir="ltr", class_name="muted"))),
                class_name="timeline"),
        )),
    )


QUEUE_ON_LOAD = [SessionState.require_staff, StaffQueueState.load]
REVIEW_ON_LOAD = [SessionState.require_staff, StaffReviewState.load]
