"""`/staff/messages` and `/staff/messages/<reference>`: the passports officer's messages inbox.

The inbox lists references, subjects, services and statuses, oldest waiting first, filtered by
sector, service and status (the server checks each value). Opening a message shows the person
and the thread and is logged in their "who accessed my record"; the officer answers, marks that
the matter needs a visit (the person is offered an appointment) or closes it."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from absher_app import routes
from absher_app.application.messages import MessageRow, PostView, message_row
from absher_app.application.views import Option
from absher_app.components.forms import (
    NO_PROBLEM,
    error_summary,
    limits_hint,
    localized,
    long_text_field,
    problem,
    select_field,
    submit_button,
)
from absher_app.components.staff_layout import staff_page
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import backoffice, messages, staff
from absher_app.domain.errors import DomainError
from absher_app.i18n import translate
from absher_app.models import Message, Person
from absher_app.pages.transactions import bilingual, local_time
from absher_app.providers.sms import get_sms_sender
from absher_app.state.language import t
from absher_app.state.staff_session import CLOCK, SessionState, staff_guard
from absher_app.state.wizard import both


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


def _inbox_row(message: Message) -> InboxRow:
    return InboxRow(message.reference, routes.staff_message_path(message.reference),
                    message.subject, *both(f"messages.sector.{message.sector}"),
                    *both(f"messages.topic.{message.topic}"), message.status,
                    *both(f"messages.status.{message.status}"), local_time(message.updated_at),
                    message.needs_visit)


def _topic_options(sector: str) -> list[Option]:
    keys = messages.topics(sector) if sector else list(dict.fromkeys(
        k for s in messages.sectors() for k in messages.topics(s)))
    return [Option(k, *both(f"messages.topic.{k}")) for k in keys]


SECTOR_OPTIONS = [Option(k, *both(f"messages.sector.{k}")) for k in messages.sectors()]
STATUS_OPTIONS = [Option(k, *both(f"messages.status.{k}")) for k in messages.STATUSES]


class StaffInboxState(rx.State):
    """The inbox and its filter (each choice checked by the server before it is used)."""

    sector: str = ""
    topic: str = ""
    status: str = ""
    sectors: list[Option] = SECTOR_OPTIONS
    topics: list[Option] = _topic_options("")
    statuses: list[Option] = STATUS_OPTIONS
    rows: list[InboxRow] = []
    error: dict[str, str] = NO_PROBLEM

    async def _refresh(self, who: staff.StaffIdentity, sector: str, topic: str, status: str,
                       field: str) -> None:
        try:
            chosen = backoffice.clean_filter(sector, topic, status)
        except DomainError as error:
            self.error = problem(error, field)  # the list stays as it was
            return

        def _rows() -> list[InboxRow]:
            with session_scope() as session:
                return [_inbox_row(m) for m in backoffice.inbox(session, who, chosen)]

        self.rows = await asyncio.to_thread(_rows)
        self.sector, self.topic, self.status = chosen.sector, chosen.topic, chosen.status
        self.topics = _topic_options(chosen.sector)
        self.error = NO_PROBLEM

    @rx.event
    async def load(self):
        """The inbox with the filter the officer last chose in this tab."""
        who, refusal = await staff_guard(self, staff.ANSWER_MESSAGES, touch=False)
        if refusal:
            return refusal
        await self._refresh(who, self.sector, self.topic, self.status, "")
        return None

    @rx.event
    async def choose_sector(self, value: str):
        """Filter by sector (the service filter starts over: services belong to a sector)."""
        who, refusal = await staff_guard(self, staff.ANSWER_MESSAGES)
        if refusal:
            return refusal
        await self._refresh(who, value if isinstance(value, str) else "?", "", self.status,
                            "sector")
        return None

    @rx.event
    async def choose_topic(self, value: str):
        """Filter by service."""
        who, refusal = await staff_guard(self, staff.ANSWER_MESSAGES)
        if refusal:
            return refusal
        await self._refresh(who, self.sector, value if isinstance(value, str) else "?",
                            self.status, "topic")
        return None

    @rx.event
    async def choose_status(self, value: str):
        """Filter by status."""
        who, refusal = await staff_guard(self, staff.ANSWER_MESSAGES)
        if refusal:
            return refusal
        await self._refresh(who, self.sector, self.topic,
                            value if isinstance(value, str) else "?", "status")
        return None


def reference_from_path(path: str) -> str:
    parts = [p for p in (path or "").split("/") if p]
    return parts[2][:12] if len(parts) == 3 and parts[:2] == ["staff", "messages"] else ""


class StaffThreadState(rx.State):
    """One message being answered. The reference acted on is the one loaded (a backend var):
    the browser cannot point an action at another message."""

    found: bool = True
    row: MessageRow = MessageRow("", "", "", "", "", "", "", "", "")
    sector_ar: str = ""
    sector_en: str = ""
    person_ar: str = ""
    person_en: str = ""
    id_number: str = ""
    posts: list[PostView] = []
    attachment_href: str = ""
    attachment_name: str = ""
    needs_visit: bool = False
    asking_close: bool = False
    answer_serial: int = 0
    busy: bool = False
    error: dict[str, str] = NO_PROBLEM
    done: dict[str, str] = NO_PROBLEM
    _reference: str = ""

    def _fill(self, session, message: Message) -> None:
        self.row = message_row(message)
        self.sector_ar, self.sector_en = both(f"messages.sector.{message.sector}")
        person = session.get(Person, message.person_id)
        self.person_ar, self.person_en = person.name_ar, person.name_en
        self.id_number = person.id_number
        self.posts = [PostView(p.author, p.body, local_time(p.created_at))
                      for p in messages.thread(session, message.id)]
        attachment = messages.attachment_of(session, message.id)
        self.attachment_href = routes.staff_attachment_path(attachment.id) if attachment else ""
        self.attachment_name = attachment.original_name if attachment else ""
        self.needs_visit = message.needs_visit

    @rx.event
    async def load(self):
        """Open the message (logged for the person; a sent message goes in review)."""
        who, refusal = await staff_guard(self, staff.ANSWER_MESSAGES, touch=False)
        if refusal:
            return refusal
        reference = reference_from_path(self.router.url.path)
        self.error, self.done, self.busy, self.asking_close = (NO_PROBLEM, NO_PROBLEM, False,
                                                               False)

        def _open() -> bool:
            with session_scope() as session:
                try:
                    message = backoffice.open_message(session, who, reference, now=CLOCK.now())
                except DomainError:
                    return False
                self._fill(session, message)
                return True

        self.found = await asyncio.to_thread(_open)
        self._reference = reference if self.found else ""
        return None

    async def _act(self, who: staff.StaffIdentity, action, done_key: str,
                   field: str = "") -> bool:
        reference = self._reference

        def _run() -> None:
            with session_scope() as session:
                action(session, who, reference)
                self._fill(session, messages.find(session, reference))

        self.busy = True
        try:
            await asyncio.to_thread(_run)
        except DomainError as error:
            self.error, self.done = problem(error, field), NO_PROBLEM
            return False
        finally:
            self.busy = False
        self.error = NO_PROBLEM
        self.done = {lang: translate(done_key, lang) for lang in ("ar", "en")} | {"field": ""}
        return True

    @rx.event
    async def answer(self, form_data: dict):
        """Send the answer (the person is told in-app and by SMS)."""
        who, refusal = await staff_guard(self, staff.ANSWER_MESSAGES)
        if refusal:
            return refusal
        text = form_data.get("answer", "") if isinstance(form_data, dict) else ""
        text = text[:messages.limit("body_max") + 100] if isinstance(text, str) else ""
        if await self._act(who, lambda s, w, r: backoffice.answer_message(
                s, w, r, text, now=CLOCK.now(), sms=get_sms_sender()),
                "staff.messages.answered", "answer"):
            self.answer_serial += 1  # a fresh, empty answer box
        return None

    @rx.event
    async def mark_needs_visit(self):
        """Say the matter needs a visit to a branch: the person is offered an appointment."""
        who, refusal = await staff_guard(self, staff.ANSWER_MESSAGES)
        if refusal:
            return refusal
        await self._act(who, lambda s, w, r: backoffice.mark_needs_visit(
            s, w, r, now=CLOCK.now(), sms=get_sms_sender()), "staff.messages.visit_marked")
        return None

    @rx.event
    async def ask_close(self, asking: bool):
        """Show (or hide) the confirmation before closing."""
        _who, refusal = await staff_guard(self, staff.ANSWER_MESSAGES)
        if refusal:
            return refusal
        self.asking_close = asking is True
        return None

    @rx.event
    async def close(self):
        """Close the message: no more replies; the person is told."""
        who, refusal = await staff_guard(self, staff.ANSWER_MESSAGES)
        if refusal:
            return refusal
        self.asking_close = False
        await self._act(who, lambda s, w, r: backoffice.close_message(
            s, w, r, now=CLOCK.now(), sms=get_sms_sender()), "staff.messages.closed")
        return None


# ---------------------------------------------------------------------------------------------
# The pages.

def inbox_page() -> rx.Component:
    s = StaffInboxState
    head = rx.el.thead(rx.el.tr(*[rx.el.th(t(k), scope="col") for k in (
        "staff.review.reference", "messages.col.subject", "messages.col.topic",
        "messages.col.status", "staff.messages.waiting_since")]))

    def row(r: InboxRow) -> rx.Component:
        return rx.el.tr(
            rx.el.td(rx.el.a(r.reference, href=r.href)),
            rx.el.td(r.subject, dir="auto"),
            rx.el.td(bilingual(r.topic_ar, r.topic_en), rx.el.br(),
                     rx.el.span(bilingual(r.sector_ar, r.sector_en), class_name="muted")),
            rx.el.td(rx.el.span(bilingual(r.status_ar, r.status_en),
                                class_name="status status-" + r.status),
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
                select_field("sector", "messages.field.sector", s.sectors, s.error,
                             value=s.sector, on_change=s.choose_sector,
                             placeholder_key="staff.messages.any_sector"),
                select_field("topic", "messages.col.topic", s.topics, s.error, value=s.topic,
                             on_change=s.choose_topic, placeholder_key="staff.messages.any_topic"),
                select_field("status", "messages.col.status", s.statuses, s.error,
                             value=s.status, on_change=s.choose_status,
                             placeholder_key="staff.messages.any_status"),
                class_name="filter-row",
            ),
            on_submit=rx.prevent_default,
            aria_label=t("staff.messages.filter"),
            class_name="form filter-form",
        ),
        rx.el.p(t_with("staff.messages.count", {"count": s.rows.length().to_string()}),
                role="status", class_name="muted"),
        rx.cond(s.rows.length() > 0,
                rx.el.div(rx.el.table(head, rx.el.tbody(rx.foreach(s.rows, row)),
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


def _pair(label_key: str, value, **props) -> rx.Component:
    return rx.el.div(rx.el.dt(t(label_key)), rx.el.dd(value, **props), class_name="summary-row")


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
            rx.cond(s.needs_visit, rx.el.p(t("staff.messages.visit_already"),
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
    return staff_page(
        "staff.messages.one_title",
        rx.el.p(rx.el.a(t("staff.messages.back"), href=routes.STAFF_MESSAGES)),
        rx.cond(~s.found, rx.el.p(t("messages.not_found"), role="alert"), rx.el.div(
            error_summary(s.error),
            rx.el.div(rx.cond(s.done["ar"] != "", rx.el.p(localized(s.done),
                                                           class_name="notice")),
                      role="status"),
            rx.el.h2(s.row.reference, class_name="reference"),
            rx.el.dl(
                _pair("messages.col.subject", s.row.subject, dir="auto"),
                _pair("staff.messages.person", rx.fragment(
                    bilingual(s.person_ar, s.person_en), " · ",
                    rx.el.bdi(s.id_number, dir="ltr"))),
                _pair("messages.field.sector", bilingual(s.sector_ar, s.sector_en)),
                _pair("messages.col.topic", bilingual(s.row.topic_ar, s.row.topic_en)),
                _pair("messages.col.status", rx.el.span(
                    bilingual(s.row.status_ar, s.row.status_en),
                    class_name="status status-" + s.row.status), data_testid="message-status"),
                rx.cond(s.needs_visit, _pair("staff.messages.visit", t("staff.messages.visit_yes"),
                                             data_testid="needs-visit"), rx.fragment()),
                rx.cond(s.attachment_href != "", _pair("messages.attachment", rx.el.a(
                    t_with("messages.download", {"name": s.attachment_name}),
                    href=s.attachment_href, dir="auto", download=True)), rx.fragment()),
                class_name="summary-list",
            ),
            rx.el.h2(t("staff.messages.thread")),
            rx.el.ol(rx.foreach(s.posts, _post), class_name="thread"),
            rx.cond(s.row.status == "closed",
                    rx.el.p(t("staff.messages.is_closed"), class_name="notice"), _actions()),
        )),
    )


INBOX_ON_LOAD = [SessionState.require_staff, StaffInboxState.load]
THREAD_ON_LOAD = [SessionState.require_staff, StaffThreadState.load]
