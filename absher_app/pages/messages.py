"""General services, and messages and requests: `/general-services`, `/messages` (my messages),
`/messages/new` (sector -> service -> subject, message, one PDF -> Send -> reference) and
`/messages/<reference>` (the thread, replies, the attachment, the offer of an appointment)."""

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
    problem_for,
    radio_group,
    submit_button,
)
from absher_app.components.layout import page_layout
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import appointments, messages
from absher_app.domain.errors import DomainError
from absher_app.models import Account, Message
from absher_app.pages.transactions import bilingual, local_time
from absher_app.providers.sms import get_sms_sender
from absher_app.state.language import t
from absher_app.state.session import CLOCK, signed_in_account
from absher_app.state.wizard import both

UPLOAD_ID = "message-attachment"
MB = 1024 * 1024
# The browser refuses files above this before sending them (a clear message, no wasted upload);
# the server refuses anything above the rules' limit (5 MB) and any request above
# UPLOAD_REQUEST_MAX_BYTES. The browser's bar is higher than the rule on purpose: a file a bit
# too large reaches the server's own check, which is the one that counts.
BROWSER_MAX_BYTES = 10 * MB


@dataclasses.dataclass
class Option:
    """A choice in a list: its value and its label in both languages."""

    value: str
    ar: str
    en: str


@dataclasses.dataclass
class MessageRow:
    reference: str
    href: str
    subject: str
    topic_ar: str
    topic_en: str
    status: str
    status_ar: str
    status_en: str
    updated: str


@dataclasses.dataclass
class PostView:
    author: str
    body: str
    when: str


def topic_options(sector: str, keys: list[str]) -> list[Option]:
    return [Option(k, *both(f"messages.topic.{k}")) for k in keys] if sector else []


def message_row(message: Message) -> MessageRow:
    return MessageRow(message.reference, routes.message_path(message.reference), message.subject,
                      *both(f"messages.topic.{message.topic}"), message.status,
                      *both(f"messages.status.{message.status}"), local_time(message.updated_at))


def select_field(name: str, label_key: str, options: rx.Var[list[Option]], error: rx.Var, *,
                 value: rx.Var[str], on_change, placeholder_key: str) -> rx.Component:
    """A labelled select over `options` whose choice goes to the server at once."""
    field_id = f"field-{name}"
    invalid = error["field"] == name
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="field-label"),
        rx.cond(invalid, rx.el.p(localized(error), id=f"{field_id}-error",
                                 class_name="field-error"), rx.fragment()),
        rx.el.select(
            rx.el.option(t(placeholder_key), value=""),
            rx.foreach(options, lambda o: rx.el.option(bilingual(o.ar, o.en), value=o.value)),
            id=field_id, name=name, value=value, on_change=on_change,
            aria_invalid=rx.cond(invalid, "true", "false"),
            aria_describedby=rx.cond(invalid, f"{field_id}-error", ""),
            class_name=rx.cond(invalid, "field-input invalid", "field-input"),
        ),
        class_name=rx.cond(invalid, "field field-has-error", "field"),
    )


# ---------------------------------------------------------------------------------------------
# /general-services

def general_page() -> rx.Component:
    def tile(title_key: str, href: str, hint_key: str) -> rx.Component:
        return rx.el.li(rx.el.h2(rx.el.a(t(title_key), href=href), class_name="tile-title"),
                        rx.el.p(t(hint_key)), class_name="service-tile")

    return page_layout(
        "general.title",
        rx.el.ul(
            tile("messages.title", routes.MESSAGES, "general.messages_hint"),
            tile("appointments.title", routes.APPOINTMENTS, "general.appointments_hint"),
            class_name="tile-grid",
        ),
        lead_key="general.lead",
    )


# ---------------------------------------------------------------------------------------------
# /messages

def _rows(account_id: int) -> list[MessageRow]:
    with session_scope() as session:
        account = session.get(Account, account_id)
        return [message_row(m) for m in messages.messages_of(session, account.person_id)]


class MessagesState(rx.State):
    """My messages."""

    rows: list[MessageRow] = []

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        self.rows = await asyncio.to_thread(_rows, who.account_id)
        return None


def _message_tr(row: rx.Var[MessageRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.a(row.reference, href=row.href)),
        rx.el.td(row.subject),
        rx.el.td(bilingual(row.topic_ar, row.topic_en)),
        rx.el.td(rx.el.span(bilingual(row.status_ar, row.status_en),
                            class_name="status status-" + row.status)),
        rx.el.td(row.updated, dir="ltr"),
    )


def list_page() -> rx.Component:
    rows = MessagesState.rows
    return page_layout(
        "messages.title",
        rx.el.a(t("messages.new"), href=routes.MESSAGE_NEW, class_name="button"),
        rx.cond(rows.length() > 0, rx.el.div(rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(t(f"messages.col.{k}"), scope="col") for k in
                                   ("reference", "subject", "topic", "status", "updated")])),
            rx.el.tbody(rx.foreach(rows, _message_tr)),
            class_name="data-table",
        ), class_name="table-scroll"), rx.el.p(t("messages.none"))),
        lead_key="messages.lead",
    )


# ---------------------------------------------------------------------------------------------
# /messages/new

class ComposeState(rx.State):
    """The new-message form. The PDF goes up as soon as it is chosen and is checked there; the
    accepted file waits (as the account's pending attachment) until Send."""

    sector: str = ""
    topic: str = ""
    topics: list[Option] = []
    attachment_name: str = ""
    attachment_kb: int = 0
    checking: bool = False
    sending: bool = False
    sent_reference: str = ""
    error: dict[str, str] = NO_PROBLEM
    _attachment_id: int | None = None

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        self.sector, self.topic, self.topics = "", "", []
        self.attachment_name, self.attachment_kb, self._attachment_id = "", 0, None
        self.sent_reference, self.error, self.checking, self.sending = "", NO_PROBLEM, False, \
            False
        return None

    @rx.event
    def choose_sector(self, value: str):
        if value not in messages.sectors():
            return
        self.sector, self.topic = value, ""
        self.topics = topic_options(value, messages.topics(value))
        if self.error["field"] in ("sector", "topic"):
            self.error = NO_PROBLEM

    @rx.event
    def choose_topic(self, value: str):
        if value == "" or value in messages.topics(self.sector):
            self.topic = value
            if self.error["field"] == "topic":
                self.error = NO_PROBLEM

    @rx.event
    async def attach(self, files: list[rx.UploadFile]):
        """The chosen PDF: checked by content and kept only if it passes."""
        who = await signed_in_account(self)
        if who is None:
            yield rx.redirect(routes.LOGIN)
            return
        if len(files) != 1:
            self.error = problem_for("attachment_one", "attachment")
            return
        upload = files[0]
        maximum = messages.limit("attachment_max_bytes")
        # Read one byte past the limit: enough to know it is too large, never the whole file.
        data = await upload.read(maximum + 1)
        name = upload.name or ""
        self.checking = True
        yield

        def _store() -> tuple[int, str, int]:
            with session_scope() as session:
                account = session.get(Account, who.account_id)
                stored = messages.store_attachment(session, account, data, name,
                                                   now=CLOCK.now())
                return stored.id, stored.original_name, stored.size_bytes

        try:
            attachment_id, stored_name, size = await asyncio.to_thread(_store)
        except DomainError as error:
            self.error = problem(error, "attachment")
        else:
            self._attachment_id = attachment_id
            self.attachment_name, self.attachment_kb = stored_name, max(1, -(-size // 1024))
            if self.error["field"] == "attachment":
                self.error = NO_PROBLEM
        finally:
            self.checking = False

    @rx.event
    def attach_refused(self, rejected: list[dict]):
        """The browser refused the file before sending it (too large, or more than one)."""
        codes = {e.get("code") for r in rejected if isinstance(r, dict)
                 for e in r.get("errors", []) if isinstance(e, dict)}
        if "too-many-files" in codes:
            self.error = problem_for("attachment_one", "attachment")
        else:
            self.error = problem_for("attachment_too_large", "attachment",
                                     max_mb=messages.limit("attachment_max_bytes") // MB)

    @rx.event
    async def remove_attachment(self):
        who = await signed_in_account(self)
        if who is None:
            return rx.redirect(routes.LOGIN)
        attachment_id = self._attachment_id

        def _discard() -> None:
            with session_scope() as session:
                messages.discard_pending(session, session.get(Account, who.account_id),
                                         attachment_id)

        if attachment_id is not None:
            await asyncio.to_thread(_discard)
        self._attachment_id, self.attachment_name, self.attachment_kb = None, "", 0
        return None

    @rx.event
    async def send(self, form_data: dict):
        who = await signed_in_account(self)
        if who is None:
            yield rx.redirect(routes.LOGIN)
            return
        if self.sending or self.sent_reference:
            return
        subject = str(form_data.get("subject", ""))[:messages.limit("subject_max") + 100]
        body = str(form_data.get("body", ""))[:messages.limit("body_max") + 100]
        sector, topic, attachment_id = self.sector, self.topic, self._attachment_id
        self.sending = True
        yield

        def _send() -> str:
            with session_scope() as session:
                return messages.send(session, session.get(Account, who.account_id),
                                     sector=sector, topic=topic, subject=subject, body=body,
                                     attachment_id=attachment_id, now=CLOCK.now(),
                                     sms=get_sms_sender()).reference

        field_of = {"sector_unknown": "sector", "topic_unknown": "topic",
                    "attachment_missing": "attachment"}
        try:
            self.sent_reference = await asyncio.to_thread(_send)
        except DomainError as error:
            self.error = problem(error, field_of.get(error.code, error.code.split("_")[0]))
        else:
            self.error, self._attachment_id = NO_PROBLEM, None
        finally:
            self.sending = False


def _field(name: str, label_key: str, hint: rx.Component, error: rx.Var, max_length: int,
           rows: int = 0) -> rx.Component:
    """A labelled input (or, with `rows`, a textarea) with a hint holding the length limits."""
    field_id = f"field-{name}"
    invalid = error["field"] == name
    control = rx.el.textarea if rows else rx.el.input
    props = {"rows": rows} if rows else {"type": "text"}
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="field-label"),
        rx.el.p(hint, id=f"{field_id}-hint", class_name="field-hint"),
        rx.cond(invalid, rx.el.p(localized(error), id=f"{field_id}-error",
                                 class_name="field-error"), rx.fragment()),
        control(id=field_id, name=name, max_length=max_length, dir="auto",
                aria_invalid=rx.cond(invalid, "true", "false"),
                aria_describedby=rx.cond(invalid, f"{field_id}-error {field_id}-hint",
                                         f"{field_id}-hint"),
                class_name=rx.cond(invalid, "field-input invalid", "field-input"), **props),
        class_name=rx.cond(invalid, "field field-has-error", "field"),
    )


def _limits(key: str, low: str, high: str = "body_max") -> rx.Component:
    return t_with(key, {"min": str(messages.limit(low)), "max": str(messages.limit(high))})


def _attachment_field() -> rx.Component:
    s = ComposeState
    invalid = s.error["field"] == "attachment"
    limit_mb = str(messages.limit("attachment_max_bytes") // MB)
    return rx.el.div(
        rx.el.p(t("messages.field.attachment"), class_name="field-label",
                id="field-attachment-label"),
        rx.el.p(t_with("messages.field.attachment_hint", {"max": limit_mb}),
                id="field-attachment-hint", class_name="field-hint"),
        rx.cond(invalid, rx.el.p(localized(s.error), id="field-attachment-error",
                                 class_name="field-error"), rx.fragment()),
        rx.cond(
            s.attachment_name != "",
            rx.el.div(
                rx.el.p(t_with("messages.attached", {"name": s.attachment_name,
                                                     "size": s.attachment_kb}),
                        data_testid="attached-file", dir="auto"),
                rx.el.button(t("messages.remove_attachment"), type="button",
                             class_name="button secondary", on_click=s.remove_attachment),
                class_name="attachment-chosen",
            ),
            rx.upload.root(
                rx.el.button(rx.cond(s.checking, t("messages.checking_file"),
                                     t("messages.choose_file")),
                             type="button", class_name="button secondary",
                             disabled=s.checking,
                             aria_describedby="field-attachment-hint"),
                id=UPLOAD_ID, multiple=False, max_files=1, max_size=BROWSER_MAX_BYTES,
                no_keyboard=True, no_drag=False,
                on_drop=ComposeState.attach(rx.upload_files(upload_id=UPLOAD_ID)),
                on_drop_rejected=ComposeState.attach_refused,
                class_name="upload-zone",
            ),
        ),
        class_name=rx.cond(invalid, "field field-has-error", "field"),
    )


def _compose_form() -> rx.Component:
    s = ComposeState
    return rx.el.form(
        error_summary(s.error),
        radio_group("sector", "messages.field.sector",
                    [(k, f"messages.sector.{k}") for k in messages.sectors()], s.error,
                    default=s.sector, on_change=ComposeState.choose_sector),
        rx.cond(s.sector != "", select_field(
            "topic", "messages.field.topic", s.topics, s.error, value=s.topic,
            on_change=ComposeState.choose_topic, placeholder_key="messages.field.topic_choose"),
            rx.fragment()),
        _field("subject", "messages.field.subject",
               _limits("messages.field.subject_hint", "subject_min", "subject_max"), s.error,
               messages.limit("subject_max")),
        _field("body", "messages.field.body", _limits("messages.field.body_hint", "body_min"),
               s.error, messages.limit("body_max"), rows=8),
        _attachment_field(),
        submit_button("messages.send", test_id="message-send", loading=s.sending | s.checking),
        on_submit=ComposeState.send, class_name="form",
    )


def compose_page() -> rx.Component:
    s = ComposeState
    return page_layout(
        "messages.new_title",
        rx.cond(
            s.sent_reference != "",
            rx.el.div(
                rx.el.h2(t("messages.sent_title")),
                rx.el.p(t("messages.sent_reference")),
                rx.el.p(s.sent_reference, class_name="panel-reference", dir="ltr",
                        data_testid="message-reference"),
                rx.el.p(t("messages.sent_next")),
                rx.el.div(
                    rx.el.a(t("messages.view"), href=routes.MESSAGES + "/" + s.sent_reference,
                            class_name="button"),
                    rx.el.a(t("messages.all"), href=routes.MESSAGES),
                    class_name="button-group"),
                class_name="panel", role="status",
            ),
            _compose_form(),
        ),
        lead_key="messages.new_lead",
    )


# ---------------------------------------------------------------------------------------------
# /messages/<reference>

def reference_from_path(path: str, section: str) -> str:
    """The <reference> of /<section>/<reference> (empty for anything else)."""
    parts = [p for p in (path or "").split("/") if p]
    return parts[1][:12] if len(parts) == 2 and parts[0] == section else ""


@dataclasses.dataclass
class AppointmentLink:
    reference: str
    href: str


class ThreadState(rx.State):
    """One of my messages: its thread, attachment, replies and the offer of a visit."""

    found: bool = True
    row: MessageRow = MessageRow("", "", "", "", "", "", "", "", "")
    sector_ar: str = ""
    sector_en: str = ""
    posts: list[PostView] = []
    attachment_href: str = ""
    attachment_name: str = ""
    needs_visit: bool = False
    book_href: str = ""
    visits: list[AppointmentLink] = []
    replied: bool = False
    sending: bool = False
    reply_serial: int = 0
    error: dict[str, str] = NO_PROBLEM

    def _load(self, account_id: int, reference: str) -> None:
        with session_scope() as session:
            account = session.get(Account, account_id)
            message = messages.message_for(session, reference, account.person_id)
            self.found = message is not None
            if message is None:
                return
            self.row = message_row(message)
            self.sector_ar, self.sector_en = both(f"messages.sector.{message.sector}")
            self.posts = [PostView(p.author, p.body, local_time(p.created_at))
                          for p in messages.thread(session, message.id)]
            attachment = messages.attachment_of(session, message.id)
            self.attachment_href = routes.attachment_path(attachment.id) if attachment else ""
            self.attachment_name = attachment.original_name if attachment else ""
            self.needs_visit = message.needs_visit and message.status != "closed"
            topic = message.topic if message.topic in appointments.topics(message.sector) \
                else ""
            self.book_href = routes.booking_path(message=message.reference, service=topic)
            self.visits = [AppointmentLink(a.reference, routes.appointment_path(a.reference))
                           for a in appointments.appointments_of(session, account.person_id)
                           if a.message_id == message.id and a.status == appointments.ACTIVE]

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        self.replied, self.error, self.sending = False, NO_PROBLEM, False
        await asyncio.to_thread(self._load, who.account_id,
                                reference_from_path(self.router.url.path, "messages"))
        return None

    @rx.event
    async def reply(self, form_data: dict):
        who = await signed_in_account(self)
        if who is None:
            yield rx.redirect(routes.LOGIN)
            return
        body = str(form_data.get("reply", ""))[:messages.limit("body_max") + 100]
        reference = self.row.reference
        self.sending = True
        yield

        def _reply() -> None:
            with session_scope() as session:
                messages.reply(session, session.get(Account, who.account_id), reference, body,
                               now=CLOCK.now())

        try:
            await asyncio.to_thread(_reply)
        except DomainError as error:
            self.error, self.replied = problem(error, "reply"), False
        else:
            self.error, self.replied = NO_PROBLEM, True
            self.reply_serial += 1  # a fresh, empty reply box
            await asyncio.to_thread(self._load, who.account_id, reference)
        finally:
            self.sending = False


def _post(post: rx.Var[PostView]) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(rx.cond(post.author == "staff", t("messages.from_staff"),
                                     t("messages.from_you"))), " ",
                rx.el.time(post.when, dir="ltr", class_name="muted"), class_name="post-meta"),
        rx.el.p(post.body, class_name="post-body", dir="auto"),
        class_name=rx.cond(post.author == "staff", "post post-staff", "post post-person"),
    )


def _pair(label_key: str, value, **props) -> rx.Component:
    return rx.el.div(rx.el.dt(t(label_key)), rx.el.dd(value, **props), class_name="summary-row")


def thread_page() -> rx.Component:
    s = ThreadState
    return page_layout(
        t_with("messages.thread_title", {"reference": s.row.reference}),
        rx.cond(~s.found, rx.el.p(t("messages.not_found"), role="alert"), rx.fragment(
            rx.el.dl(
                _pair("messages.col.subject", s.row.subject, dir="auto"),
                _pair("messages.field.sector", bilingual(s.sector_ar, s.sector_en)),
                _pair("messages.col.topic", bilingual(s.row.topic_ar, s.row.topic_en)),
                _pair("messages.col.status", rx.el.span(
                    bilingual(s.row.status_ar, s.row.status_en),
                    class_name="status status-" + s.row.status), data_testid="message-status"),
                rx.cond(s.attachment_href != "", _pair("messages.attachment", rx.el.a(
                    t_with("messages.download", {"name": s.attachment_name}),
                    href=s.attachment_href, dir="auto", download=True)), rx.fragment()),
                class_name="summary-list",
            ),
            rx.cond(s.needs_visit, rx.el.section(
                rx.el.h2(t("messages.visit_title")),
                rx.el.p(t("messages.visit_text")),
                rx.foreach(s.visits, lambda v: rx.el.p(rx.el.a(
                    t_with("messages.visit_booked", {"reference": v.reference}), href=v.href))),
                rx.cond(s.visits.length() == 0,
                        rx.el.a(t("messages.book_visit"), href=s.book_href, class_name="button"),
                        rx.fragment()),
                class_name="panel",
            ), rx.fragment()),
            rx.el.ol(rx.foreach(s.posts, _post), class_name="thread"),
            rx.cond(s.row.status == "closed", rx.el.p(t("messages.closed_note"),
                                                      class_name="notice"),
                    rx.el.form(
                        rx.el.h2(t("messages.reply_title")),
                        error_summary(s.error),
                        rx.cond(s.replied, rx.el.p(t("messages.reply_sent"), role="status",
                                                   class_name="notice"), rx.fragment()),
                        _field("reply", "messages.reply_field",
                               _limits("messages.field.body_hint", "reply_min"), s.error,
                               messages.limit("body_max"), rows=4),
                        submit_button("messages.reply_send", loading=s.sending),
                        on_submit=ThreadState.reply, class_name="form",
                        key=s.reply_serial.to_string(),
                    )),
            rx.el.a(t("messages.all"), href=routes.MESSAGES),
        )),
    )
