"""General services, and messages and requests: `/general-services`, `/messages` (my messages),
`/messages/new` (sector -> service -> subject, message, one PDF -> Send -> reference) and
`/messages/<reference>` (the thread, replies, the attachment, the offer of an appointment)."""

from __future__ import annotations

from typing import Annotated

import reflex as rx

from absher_app import routes
from absher_app.application import messages as usecases
from absher_app.application.inputs import Bounded, Rejections
from absher_app.application.messages import (
    MessageForm,
    MessageRow,
    NewMessage,
    ReplyForm,
    ThreadView,
    Upload,
)
from absher_app.application.views import NO_PROBLEM, Option, problem, problem_for
from absher_app.components.content import panel, summary_list, summary_row, tag
from absher_app.components.forms import (
    error_summary,
    field_error,
    file_picker,
    limits_hint,
    long_text_field,
    radio_group,
    select_field,
    submit_button,
)
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual, t_with
from absher_app.domain import messages
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import load_page

UPLOAD_ID = "message-attachment"
MB = 1024 * 1024
# The browser refuses files above this before sending them (a clear message, no wasted upload);
# the server refuses anything above the rules' limit (5 MB) and any request above
# UPLOAD_REQUEST_MAX_BYTES. The browser's bar is higher than the rule on purpose: a file a bit
# too large reaches the server's own check, which is the one that counts.
BROWSER_MAX_BYTES = 10 * MB
Choice = Annotated[str, Bounded(40)]


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

class MessagesState(rx.State):
    """My messages."""

    rows: list[MessageRow] = []

    @event
    async def load(self):
        self.rows = await load_page(self, usecases.my_messages)


def _message_tr(row: rx.Var[MessageRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.a(row.reference, href=row.href)),
        rx.el.td(row.subject),
        rx.el.td(bilingual(row.topic_ar, row.topic_en)),
        rx.el.td(tag(row.status, row.status_ar, row.status_en)),
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

    def _on_problem(self, error) -> None:
        self.error = problem(error)
        self.checking = self.sending = False

    def _clear(self, *fields: str) -> None:
        if self.error["field"] in fields:
            self.error = NO_PROBLEM

    @event
    def load(self):
        # A new visit after a message was sent starts afresh. An unsent form is kept: a choice
        # the person made while the page was still loading must not be wiped by this loader
        # (Reflex may handle their click before the page's on_load).
        if self.sent_reference:
            self.reset()

    @event
    def choose_sector(self, value: Choice):
        if value in messages.sectors():
            self.sector, self.topic, self.topics = value, "", usecases.topic_options(value)
            self._clear("sector", "topic")

    @event
    def choose_topic(self, value: Choice):
        if value == "" or value in messages.topics(self.sector):
            self.topic = value
            self._clear("topic")

    @event
    async def attach(self, files: list[rx.UploadFile]):
        """The chosen PDF: checked by content and kept only if it passes."""
        if len(files) != 1:
            self.error = problem_for("attachment_one", "attachment")
            return
        # Read one byte past the limit: enough to know it is too large, never the whole file.
        data = await files[0].read(messages.limit("attachment_max_bytes") + 1)
        self.checking = True
        yield
        stored = await use(self, usecases.attach_pdf, Upload(files[0].name or "", data))
        self._attachment_id, self.checking = stored.id, False
        self.attachment_name, self.attachment_kb = stored.name, stored.kb
        self._clear("attachment")

    @event
    def attach_refused(self, rejected: Rejections):
        """The browser refused the file before sending it (too large, or more than one)."""
        if "too-many-files" in rejected:
            self.error = problem_for("attachment_one", "attachment")
        else:
            self.error = problem_for("attachment_too_large", "attachment",
                                     max_mb=messages.limit("attachment_max_bytes") // MB)

    @event
    async def remove_attachment(self):
        if self._attachment_id is not None:
            await use(self, usecases.discard_attachment, self._attachment_id)
        self._attachment_id, self.attachment_name, self.attachment_kb = None, "", 0

    @event
    async def send(self, form: MessageForm):
        if self.sending or self.sent_reference:
            return
        self.sending = True
        yield
        self.sent_reference = await use(self, usecases.send_message, NewMessage(
            self.sector, self.topic, form, self._attachment_id))
        self.error, self._attachment_id, self.sending = NO_PROBLEM, None, False


def _attachment_field() -> rx.Component:
    s = ComposeState
    invalid = s.error["field"] == "attachment"
    limit_mb = str(messages.limit("attachment_max_bytes") // MB)
    return rx.el.div(
        rx.el.p(t("messages.field.attachment"), class_name="field-label",
                id="field-attachment-label"),
        rx.el.p(t_with("messages.field.attachment_hint", {"max": limit_mb}),
                id="field-attachment-hint", class_name="field-hint"),
        field_error(s.error, "attachment"),
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
            file_picker(
                rx.el.button(rx.cond(s.checking, t("messages.checking_file"),
                                     t("messages.choose_file")),
                             type="button", class_name="button secondary",
                             disabled=s.checking,
                             aria_describedby="field-attachment-hint"),
                id=UPLOAD_ID, multiple=False, max_files=1, max_size=BROWSER_MAX_BYTES,
                no_keyboard=True, no_drag=False,
                on_drop=ComposeState.attach(rx.upload_files(upload_id=UPLOAD_ID)),
                on_drop_rejected=ComposeState.attach_refused,
                class_name="upload-zone", labelled_by="field-attachment-label",
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
        long_text_field("subject", "messages.field.subject",
                        limits_hint("messages.field.subject_hint",
                                    messages.limit("subject_min"), messages.limit("subject_max")),
                        s.error, messages.limit("subject_max")),
        long_text_field("body", "messages.field.body",
                        limits_hint("messages.field.body_hint", messages.limit("body_min"),
                                    messages.limit("body_max")),
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
            panel(
                "messages.sent_title",
                rx.el.p(t("messages.sent_next")),
                rx.el.div(
                    rx.el.a(t("messages.view"), href=routes.MESSAGES + "/" + s.sent_reference,
                            class_name="button"),
                    rx.el.a(t("messages.all"), href=routes.MESSAGES),
                    class_name="button-group"),
                lead=rx.el.p(t("messages.sent_reference")),
                reference=s.sent_reference, reference_test_id="message-reference",
            ),
            _compose_form(),
        ),
        lead_key="messages.new_lead",
    )


# ---------------------------------------------------------------------------------------------
# /messages/<reference>

class ThreadState(rx.State):
    """One of my messages: its thread, attachment, replies and the offer of a visit."""

    view: ThreadView = rx.field(default_factory=lambda: ThreadView(found=True))
    replied: bool = False
    sending: bool = False
    reply_serial: int = 0
    error: dict[str, str] = NO_PROBLEM

    def _on_problem(self, error) -> None:
        self.error, self.replied, self.sending = problem(error), False, False

    @event
    async def load(self):
        self.replied, self.error, self.sending = False, NO_PROBLEM, False
        self.view = await load_page(self, usecases.open_thread,
                                    routes.reference_in(self.router.url.path, routes.MESSAGES))

    @event
    async def reply(self, form: ReplyForm):
        self.sending = True
        yield
        self.view = await use(self, usecases.reply_to_message, self.view.row.reference, form)
        self.error, self.replied, self.sending = NO_PROBLEM, True, False
        self.reply_serial += 1  # a fresh, empty reply box


def _post(post) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(rx.cond(post.author == "staff", t("messages.from_staff"),
                                     t("messages.from_you"))), " ",
                rx.el.time(post.when, dir="ltr", class_name="muted"), class_name="post-meta"),
        rx.el.p(post.body, class_name="post-body", dir="auto"),
        class_name=rx.cond(post.author == "staff", "post post-staff", "post post-person"),
    )


def _reply_form() -> rx.Component:
    s = ThreadState
    return rx.el.form(
        rx.el.h2(t("messages.reply_title")),
        error_summary(s.error),
        rx.cond(s.replied, rx.el.p(t("messages.reply_sent"), role="status",
                                   class_name="notice"), rx.fragment()),
        long_text_field("reply", "messages.reply_field",
                        limits_hint("messages.field.body_hint", messages.limit("reply_min"),
                                    messages.limit("body_max")),
                        s.error, messages.limit("body_max"), rows=4),
        submit_button("messages.reply_send", loading=s.sending),
        on_submit=ThreadState.reply, class_name="form",
        key=s.reply_serial.to_string(),
    )


def thread_page() -> rx.Component:
    v = ThreadState.view
    return page_layout(
        t_with("messages.thread_title", {"reference": v.row.reference}),
        rx.cond(~v.found, rx.el.p(t("messages.not_found"), role="alert"), rx.fragment(
            summary_list(
                summary_row("messages.col.subject", v.row.subject, dir="auto"),
                summary_row("messages.field.sector", bilingual(v.sector.ar, v.sector.en)),
                summary_row("messages.col.topic", bilingual(v.row.topic_ar, v.row.topic_en)),
                summary_row("messages.col.status",
                            tag(v.row.status, v.row.status_ar, v.row.status_en),
                            data_testid="message-status"),
                rx.cond(v.attachment_href != "", summary_row("messages.attachment", rx.el.a(
                    t_with("messages.download", {"name": v.attachment_name}),
                    href=v.attachment_href, dir="auto", download=True)), rx.fragment()),
            ),
            rx.cond(v.needs_visit, rx.el.section(
                rx.el.h2(t("messages.visit_title")),
                rx.el.p(t("messages.visit_text")),
                rx.foreach(v.visits, lambda visit: rx.el.p(rx.el.a(
                    t_with("messages.visit_booked", {"reference": visit.reference}),
                    href=visit.href))),
                rx.cond(v.visits.length() == 0,
                        rx.el.a(t("messages.book_visit"), href=v.book_href, class_name="button"),
                        rx.fragment()),
                class_name="panel",
            ), rx.fragment()),
            rx.el.ol(rx.foreach(v.posts, _post), class_name="thread"),
            rx.cond(v.row.status == messages.MessageStatus.CLOSED,
                    rx.el.p(t("messages.closed_note"), class_name="notice"),
                    _reply_form()),
            rx.el.a(t("messages.all"), href=routes.MESSAGES),
        )),
    )
