"""Messages and requests to the directorate (الرسائل والطلبات), as the person uses them: the
list, a new message with one checked PDF, the thread with replies and the offer of a visit."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import ClassVar

from absher_app import routes
from absher_app.application.identity import SignedIn
from absher_app.application.inputs import Form, text
from absher_app.application.unit import Tx, use_case
from absher_app.application.views import Option, Text, both, local_time
from absher_app.application.views import text as text_of
from absher_app.domain import appointments, messages
from absher_app.domain.errors import DomainError
from absher_app.models import Message

# Transport bounds far above the rules (whose messages say the real limits).
SUBJECT_MAX = 1000
BODY_MAX = 10_000


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


@dataclasses.dataclass
class AppointmentLink:
    reference: str
    href: str


@dataclasses.dataclass
class ThreadView:
    """One of the person's messages (`found` False alike for "not yours" and "no such")."""

    found: bool = False
    row: MessageRow = dataclasses.field(
        default_factory=lambda: MessageRow("", "", "", "", "", "", "", "", ""))
    sector: Text = dataclasses.field(default_factory=Text)
    posts: list[PostView] = dataclasses.field(default_factory=list)
    attachment_href: str = ""
    attachment_name: str = ""
    needs_visit: bool = False
    book_href: str = ""
    visits: list[AppointmentLink] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class AttachmentView:
    """The accepted PDF waiting for Send (`id` stays on the server)."""

    id: int
    name: str
    kb: int


@dataclasses.dataclass(frozen=True)
class AttachmentFile:
    """A sent message's stored PDF, for the download route: the file and the name it is
    served under (always `<stem>.pdf`)."""

    path: Path
    name: str


def attachment_file(attachment) -> AttachmentFile | None:
    """The attachment's stored file (None when there is no attachment or its file is gone)."""
    if attachment is None:
        return None
    path = messages.attachment_file(attachment)
    return AttachmentFile(path, attachment.original_name) if path.is_file() else None


@dataclasses.dataclass(frozen=True)
class MessageForm(Form):
    # The sector and service controls post too; their choice already reached the server
    # (and was checked) when the person made it.
    IGNORED: ClassVar[frozenset[str]] = frozenset({"sector", "topic"})

    subject: str = text(max_length=SUBJECT_MAX)
    body: str = text(max_length=BODY_MAX)


@dataclasses.dataclass(frozen=True)
class ReplyForm(Form):
    reply: str = text(max_length=BODY_MAX)


@dataclasses.dataclass(frozen=True)
class NewMessage:
    """What Send carries: the choices made on the page, the typed form, the pending file."""

    sector: str
    topic: str
    form: MessageForm
    attachment_id: int | None = None


@dataclasses.dataclass(frozen=True)
class Upload:
    """A file as the browser sent it (at most one byte past the limit is read)."""

    name: str
    data: bytes


def topic_options(sector: str) -> list[Option]:
    """The services of a sector to choose from (none for an unknown sector)."""
    if sector not in messages.sectors():
        return []
    return [Option(k, *both(f"messages.topic.{k}")) for k in messages.topics(sector)]


def message_row(message: Message) -> MessageRow:
    return MessageRow(message.reference, routes.message_path(message.reference), message.subject,
                      *both(f"messages.topic.{message.topic}"), message.status,
                      *both(f"messages.status.{message.status}"), local_time(message.updated_at))


@use_case()
def my_messages(tx: Tx, who: SignedIn) -> list[MessageRow]:
    """The person's messages, latest activity first."""
    return [message_row(m) for m in messages.messages_of(tx.session, who.person_id)]


@use_case()
def attach_pdf(tx: Tx, who: SignedIn, upload: Upload) -> AttachmentView:
    """Check a PDF by its content and keep it as the pending attachment (replacing any)."""
    try:
        stored = messages.store_attachment(tx.session, who.account, upload.data, upload.name,
                                           now=tx.now)
    except DomainError as error:
        raise error.about("attachment") from None
    return AttachmentView(stored.id, stored.original_name, max(1, -(-stored.size_bytes // 1024)))


@use_case()
def discard_attachment(tx: Tx, who: SignedIn, attachment_id: int) -> None:
    """Forget the pending attachment (only the person's own, not yet sent)."""
    messages.discard_pending(tx.session, who.account, attachment_id)


@use_case()
def send_message(tx: Tx, who: SignedIn, new: NewMessage) -> str:
    """Send a new message; its reference (the person also gets it by SMS)."""
    return messages.send(tx.session, who.account, sector=new.sector, topic=new.topic,
                         subject=new.form.subject, body=new.form.body,
                         attachment_id=new.attachment_id, now=tx.now, sms=tx.sms).reference


@use_case()
def open_thread(tx: Tx, who: SignedIn, reference: str) -> ThreadView:
    """One of the person's messages with its thread, attachment and booked visits."""
    message = messages.message_for(tx.session, reference, who.person_id)
    if message is None:
        return ThreadView()
    attachment = messages.attachment_of(tx.session, message.id)
    topic = message.topic if message.topic in appointments.topics(message.sector) else ""
    return ThreadView(
        found=True, row=message_row(message),
        sector=text_of(f"messages.sector.{message.sector}"),
        posts=[PostView(p.author, p.body, local_time(p.created_at))
               for p in messages.thread(tx.session, message.id)],
        attachment_href=routes.attachment_path(attachment.id) if attachment else "",
        attachment_name=attachment.original_name if attachment else "",
        needs_visit=message.needs_visit and message.status != messages.MessageStatus.CLOSED,
        book_href=routes.booking_path(message=message.reference, service=topic),
        visits=[AppointmentLink(a.reference, routes.appointment_path(a.reference))
                for a in appointments.appointments_of(tx.session, who.person_id)
                if a.message_id == message.id and a.status == appointments.ACTIVE])


@use_case()
def reply_to_message(tx: Tx, who: SignedIn, reference: str, form: ReplyForm) -> ThreadView:
    """Add to one of the person's open messages; the thread as it is now."""
    try:
        messages.reply(tx.session, who.account, reference, form.reply, now=tx.now)
    except DomainError as error:
        if error.field == "body":  # the rule's "body" is this form's "reply" box
            error.about("reply")
        raise
    return open_thread(tx, who, reference)


@use_case(activity=False)
def my_attachment(tx: Tx, who: SignedIn, attachment_id: int) -> AttachmentFile | None:
    """The PDF sent with one of the person's messages (None alike for "not yours", "not sent"
    and "no such file": the download answers 404 for each)."""
    return attachment_file(messages.attachment_for_person(tx.session, attachment_id,
                                                          who.person_id))
