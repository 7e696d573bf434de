"""`/staff/messages` and `/staff/messages/<reference>`: the passports officer's messages inbox.

The inbox lists references, subjects, services and statuses, oldest waiting first, filtered by
sector, service and status (the server checks each value). Opening a message shows the person
and the thread and is logged in their "who accessed my record"; the officer answers, marks that
the matter needs a visit (the person is offered an appointment) or closes it. Use cases:
absher_app.application.staff."""

from __future__ import annotations

from typing import Annotated

import reflex as rx

from absher_app import routes
from absher_app.application import staff as usecases
from absher_app.application.inputs import Bounded
from absher_app.application.messages import PostView
from absher_app.application.staff import (
    InboxFilter,
    InboxRow,
    InboxView,
    StaffAnswerForm,
    StaffThreadView,
)
from absher_app.application.views import NO_PROBLEM, problem
from absher_app.components.content import status_message, summary_list, summary_row, tag
from absher_app.components.forms import (
    error_summary,
    limits_hint,
    long_text_field,
    select_field,
    submit_button,
)
from absher_app.components.staff_layout import staff_page
from absher_app.components.text import bilingual, t_with
from absher_app.domain import messages
from absher_app.domain.messages import MessageStatus
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import SessionState

Choice = Annotated[str, Bounded(40)]


# The same for every officer: compiled into the page, not held in state. Every state's
# defaults are serialized at each page load of every tab, citizens' included (these lists and
# the topics of every sector were 3.8 of the 18.9 KB; the page's loader brings the topics).
SECTORS = usecases.sector_options()
STATUSES = usecases.status_options()


class StaffInboxState(rx.State):
    """The inbox and its filter (each choice checked by the server before it is used; a
    refused one leaves the list as it was)."""

    view: InboxView = rx.field(default_factory=InboxView)
    error: dict[str, str] = NO_PROBLEM

    async def _show(self, wanted: InboxFilter) -> None:
        self.view = await use(self, usecases.staff_inbox, wanted)
        self.error = NO_PROBLEM

    @event
    async def load(self):
        """The inbox with the filter the officer last chose in this tab."""
        await self._show(self.view.chosen)

    @event
    async def choose_sector(self, value: Choice):
        """Filter by sector (the service filter starts over: services belong to a sector)."""
        chosen = self.view.chosen
        await self._show(InboxFilter(value, "", chosen.status))

    @event
    async def choose_topic(self, value: Choice):
        """Filter by service."""
        chosen = self.view.chosen
        await self._show(InboxFilter(chosen.sector, value, chosen.status))

    @event
    async def choose_status(self, value: Choice):
        """Filter by status."""
        chosen = self.view.chosen
        await self._show(InboxFilter(chosen.sector, chosen.topic, value))


class StaffThreadState(rx.State):
    """One message being answered. The reference acted on is the one loaded (a backend var):
    the browser cannot point an action at another message."""

    view: StaffThreadView = rx.field(default_factory=lambda: StaffThreadView(found=True))
    asking_close: bool = False
    answer_serial: int = 0
    busy: bool = False
    error: dict[str, str] = NO_PROBLEM
    _reference: str = ""

    def _on_problem(self, error) -> None:
        self.error, self.busy = problem(error), False

    @event
    async def load(self):
        """Open the message (logged for the person; a sent message goes in review)."""
        self.error, self.busy, self.asking_close = NO_PROBLEM, False, False
        self.view = await use(self, usecases.open_message,
                              routes.reference_in(self.router.url.path, routes.STAFF_MESSAGES))
        self._reference = self.view.row.reference

    async def _act(self, action, *inputs) -> None:
        self.busy = True
        self.view = await use(self, action, self._reference, *inputs)
        self.error, self.busy = NO_PROBLEM, False

    @event
    async def answer(self, form: StaffAnswerForm):
        """Send the answer (the person is told in-app and by SMS)."""
        await self._act(usecases.answer_message, form)
        self.answer_serial += 1  # a fresh, empty answer box

    @event
    async def mark_needs_visit(self):
        """Say the matter needs a visit to a branch: the person is offered an appointment."""
        await self._act(usecases.mark_needs_visit)

    @event
    def ask_close(self, asking: bool):
        """Show (or hide) the confirmation before closing (no record is read or changed)."""
        self.asking_close = asking

    @event
    async def close(self):
        """Close the message: no more replies; the person is told."""
        self.asking_close = False
        await self._act(usecases.close_message)


# ---------------------------------------------------------------------------------------------
# The pages.

def inbox_page() -> rx.Component:
    s = StaffInboxState
    v = s.view
    head = rx.el.thead(rx.el.tr(*[rx.el.th(t(k), scope="col") for k in (
        "staff.review.reference", "messages.col.subject", "messages.col.topic",
        "messages.col.status", "staff.messages.waiting_since")]))

    def row(r: InboxRow) -> rx.Component:
        return rx.el.tr(
            rx.el.td(rx.el.a(r.reference, href=r.href)),
            rx.el.td(r.subject, dir="auto"),
            rx.el.td(bilingual(r.topic_ar, r.topic_en), rx.el.br(),
                     rx.el.span(bilingual(r.sector_ar, r.sector_en), class_name="muted")),
            rx.el.td(tag(r.status, r.status_ar, r.status_en),
                     rx.cond(r.needs_visit, rx.el.span(t("staff.messages.visit_flag"),
                                                       class_name="muted visit-flag"),
                             rx.fragment())),
            rx.el.td(rx.el.bdi(r.waiting_since, dir="ltr")),
        )

    return staff_page(
        "staff.messages.title",
        rx.el.form(
            rx.el.h2(t("staff.messages.filter"), class_name="visually-hidden"),
            error_summary(s.error),
            rx.el.div(
                select_field("sector", "messages.field.sector", SECTORS, s.error,
                             value=v.chosen.sector, on_change=s.choose_sector,
                             placeholder_key="staff.messages.any_sector"),
                select_field("topic", "messages.col.topic", v.topics, s.error,
                             value=v.chosen.topic, on_change=s.choose_topic,
                             placeholder_key="staff.messages.any_topic"),
                select_field("status", "messages.col.status", STATUSES, s.error,
                             value=v.chosen.status, on_change=s.choose_status,
                             placeholder_key="staff.messages.any_status"),
                class_name="filter-row",
            ),
            on_submit=rx.prevent_default,
            aria_label=t("staff.messages.filter"),
            class_name="form filter-form",
        ),
        rx.el.p(t_with("staff.messages.count", {"count": v.rows.length().to_string()}),
                role="status", class_name="muted"),
        rx.cond(v.rows.length() > 0,
                rx.el.div(rx.el.table(head, rx.el.tbody(rx.foreach(v.rows, row)),
                                      class_name="data-table stack-table"),
                          class_name="table-scroll"),
                rx.el.p(t("staff.messages.none"))),
        lead_key="staff.messages.lead",
    )


def _post(post: rx.Var[PostView]) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(rx.cond(post.author == "staff", t("staff.messages.from_staff"),
                                     t("staff.messages.from_person"))), " ",
                rx.el.time(post.when, dir="ltr", class_name="muted"), class_name="post-meta"),
        rx.el.p(post.body, class_name="post-body", dir="auto"),
        class_name=rx.cond(post.author == "staff", "post post-staff", "post post-person"),
    )


def _actions() -> rx.Component:
    s = StaffThreadState
    return rx.el.section(
        rx.el.h2(t("staff.messages.actions"), id="actions-title"),
        rx.el.form(
            long_text_field("answer", "staff.messages.answer_field",
                            limits_hint("staff.messages.answer_hint",
                                        messages.limit("reply_min"), messages.limit("body_max")),
                            s.error, messages.limit("body_max"), rows=5),
            submit_button("staff.messages.answer_send", loading=s.busy),
            on_submit=StaffThreadState.answer, class_name="form",
            key=s.answer_serial.to_string(),
        ),
        rx.el.div(
            rx.cond(s.view.needs_visit, rx.el.p(t("staff.messages.visit_already"),
                                          class_name="notice"),
                    rx.el.button(t("staff.messages.mark_visit"), type="button",
                                 class_name="button secondary", disabled=s.busy,
                                 on_click=StaffThreadState.mark_needs_visit)),
            rx.cond(s.asking_close, rx.el.div(
                rx.el.p(t("staff.messages.close_confirm"), id="close-confirm"),
                rx.el.button(t("staff.messages.close_yes"), type="button",
                             class_name="button warning", disabled=s.busy,
                             aria_describedby="close-confirm", on_click=StaffThreadState.close),
                rx.el.button(t("staff.messages.close_no"), type="button",
                             class_name="button secondary",
                             on_click=StaffThreadState.ask_close(False)),
                class_name="panel confirm-panel", role="group",
            ), rx.el.button(t("staff.messages.close"), type="button",
                            class_name="button secondary", disabled=s.busy,
                            on_click=StaffThreadState.ask_close(True))),
            class_name="button-row",
        ),
        aria_labelledby="actions-title",
        class_name="panel",
    )


def thread_page() -> rx.Component:
    s = StaffThreadState
    v = s.view
    return staff_page(
        "staff.messages.one_title",
        rx.el.p(rx.el.a(t("staff.messages.back"), href=routes.STAFF_MESSAGES)),
        rx.cond(~v.found, rx.el.p(t("messages.not_found"), role="alert"), rx.el.div(
            error_summary(s.error),
            status_message(v.done),
            rx.el.h2(v.row.reference, class_name="reference"),
            summary_list(
                summary_row("messages.col.subject", v.row.subject, dir="auto"),
                summary_row("staff.messages.person", rx.fragment(
                    bilingual(v.person.ar, v.person.en), " · ",
                    rx.el.bdi(v.id_number, dir="ltr"))),
                summary_row("messages.field.sector", bilingual(v.sector.ar, v.sector.en)),
                summary_row("messages.col.topic", bilingual(v.row.topic_ar, v.row.topic_en)),
                summary_row("messages.col.status",
                            tag(v.row.status, v.row.status_ar, v.row.status_en),
                            data_testid="message-status"),
                rx.cond(v.needs_visit, summary_row("staff.messages.visit",
                                                   t("staff.messages.visit_yes"),
                                                   data_testid="needs-visit"), rx.fragment()),
                rx.cond(v.attachment_href != "", summary_row("messages.attachment", rx.el.a(
                    t_with("messages.download", {"name": v.attachment_name}),
                    href=v.attachment_href, dir="auto", download=True)), rx.fragment()),
            ),
            rx.el.h2(t("staff.messages.thread")),
            rx.el.ol(rx.foreach(v.posts, _post), class_name="thread"),
            rx.cond(v.row.status == MessageStatus.CLOSED,
                    rx.el.p(t("staff.messages.is_closed"), class_name="notice"), _actions()),
        )),
    )


INBOX_ON_LOAD = [SessionState.require_staff, StaffInboxState.load]
THREAD_ON_LOAD = [SessionState.require_staff, StaffThreadState.load]
