"""Messages and requests (الرسائل والطلبات, seed 002): a person writes to a sector about one of
its services, with one optional PDF; staff answer, may mark the matter as needing a visit to a
branch (the person is then offered an appointment carrying the message's reference) and close it.

Status: sent -> in_review (staff took it up) -> answered; a reply from the person puts an
answered message back in review; any open message may be closed.

Attachments are checked by content (the %PDF- signature, then parsed: see pdf_check), never by
name, before anything is written; they are kept in the data directory under a random name, and
only reach a browser through the ownership-checked download endpoint, always named `<stem>.pdf`.

Bidirectional control characters (U+202A-U+202E, U+2066-U+2069) are taken out of subjects,
bodies and file names: they can make text read differently from what it is (a right-to-left
override turns "report<RLO>fdp.exe" into what looks like "reportexe.pdf").
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import bindparam
from sqlmodel import Session, col, func, select

from absher_app.domain import notify
from absher_app.domain.errors import ValidationError
from absher_app.domain.pdf_check import check_pdf_content
from absher_app.domain.rules_data import rule
from absher_app.domain.secrets import numeric_code
from absher_app.models import Account, Message, MessageAttachment, MessagePost, Person
from absher_app.providers.sms import SmsSender
from absher_app.settings import get_settings


class MessageStatus(StrEnum):
    """A message's status (the stored value is the enum's value)."""

    SENT = "sent"
    IN_REVIEW = "in_review"  # staff took it up, or the person replied to an answer
    ANSWERED = "answered"
    CLOSED = "closed"  # no more replies


STATUSES = tuple(MessageStatus)
OPEN_STATUSES = (MessageStatus.SENT, MessageStatus.IN_REVIEW, MessageStatus.ANSWERED)
REFERENCE = re.compile(r"5[0-9]{9}")
# The embeddings, overrides and isolates of the Unicode bidirectional algorithm.
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
NAME_MAX = 120


# ---------------------------------------------------------------------------------------------
# The lists (rules.toml [messages]).

def sectors() -> list[str]:
    """The sectors one may write to, in order."""
    return list(rule("messages", "sectors"))


def topics(sector: str) -> list[str]:
    """The services of a sector ([] for an unknown sector)."""
    return list(rule("messages", sector)) if sector in sectors() else []


def limit(name: str) -> int:
    """A length limit of [messages] (subject_max, body_max, attachment_max_bytes...)."""
    return int(rule("messages", name))


def _clean(text: str) -> str:
    """Text as typed, without control characters (newlines kept), bidi controls or surrounding
    blanks."""
    text = (text or "").replace("\r\n", "\n")
    return "".join(ch for ch in text if (ch == "\n" or ch == "\t" or ch >= " ")
                   and ch not in BIDI_CONTROLS).strip()


def _check_length(text: str, field: str, low: int, high: int) -> str:
    if len(text) < low:
        raise ValidationError(f"{field}_too_short", f"the {field} is too short",
                              min=low).about(field)
    if len(text) > high:
        raise ValidationError(f"{field}_too_long", f"the {field} is too long",
                              max=high).about(field)
    return text


# ---------------------------------------------------------------------------------------------
# Attachments.

def attachments_dir(data_dir: str | Path | None = None) -> Path:
    """Where attachments are kept: <data dir>/attachments (created when missing)."""
    path = Path(data_dir or get_settings().data_dir).resolve() / "attachments"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def check_pdf(data: bytes) -> None:
    """Refuse what is not a plain PDF of at most attachment_max_bytes, judged by its content.

    The checks: the size; the `%PDF-1.x` / `%PDF-2.0` signature at the very start; the
    structure a PDF reader needs (at least one `obj ... endobj`, a cross-reference `startxref`
    and the `%%EOF` marker in the file's last kilobyte, so nothing rides after it); then the
    file parsed, unencrypted, with a page and no active content (pdf_check).

    Raises:
        ValidationError: attachment_empty, attachment_too_large, attachment_not_pdf,
            attachment_encrypted, attachment_active_content.
    """
    maximum = limit("attachment_max_bytes")
    if not data:
        raise ValidationError("attachment_empty", "the file is empty")
    if len(data) > maximum:
        raise ValidationError("attachment_too_large", "the file is too large",
                              max_mb=maximum // (1024 * 1024))
    if not re.match(rb"%PDF-(1\.[0-7]|2\.0)[\r\n \t%]", data[:16]):
        raise ValidationError("attachment_not_pdf", "the file is not a PDF")
    tail = data[-1024:]
    if (b"%%EOF" not in tail or b"startxref" not in data[-2048:]
            or not re.search(rb"\d+\s+\d+\s+obj\b", data) or b"endobj" not in data):
        raise ValidationError("attachment_not_pdf", "the file is not a well-formed PDF")
    check_pdf_content(data)


def pdf_name(filename: str) -> str:
    """The name a checked attachment is kept and served under: `<stem>.pdf`, whatever it was
    called (a file named report.html is report.pdf), without a path, control or bidi
    characters, at most NAME_MAX characters."""
    name = Path((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f" and ch not in '<>:"|?*/'
                   and ch not in BIDI_CONTROLS)
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    stem = stem.strip(" .")[:NAME_MAX - len(".pdf")].strip(" .")
    return f"{stem or 'document'}.pdf"


def store_attachment(session: Session, account: Account, data: bytes, filename: str, *,
                     now: datetime, data_dir: str | Path | None = None) -> MessageAttachment:
    """Check `data` and keep it as the account's pending attachment (it replaces an earlier
    pending one). Nothing is written unless every check passes.

    Raises:
        ValidationError: see check_pdf.
    """
    check_pdf(data)
    folder = attachments_dir(data_dir)
    for old in session.exec(select(MessageAttachment).where(
            MessageAttachment.account_id == account.id,
            col(MessageAttachment.message_id).is_(None))).all():
        _delete(session, old, folder)
    storage_name = secrets.token_hex(16)
    partial = folder / f".{storage_name}.part"
    # Written beside its final name and renamed: a crash never leaves half a file under a name
    # a row points to.
    with open(partial, "xb") as handle:
        handle.write(data)
    os.replace(partial, folder / storage_name)
    try:
        attachment = MessageAttachment(account_id=account.id, storage_name=storage_name,
                                       original_name=pdf_name(filename),
                                       size_bytes=len(data), created_at=now)
        session.add(attachment)
        session.flush()
    except BaseException:
        (folder / storage_name).unlink(missing_ok=True)
        raise
    return attachment


def _delete(session: Session, attachment: MessageAttachment, folder: Path) -> None:
    (folder / attachment.storage_name).unlink(missing_ok=True)
    session.delete(attachment)


def discard_pending(session: Session, account: Account, attachment_id: int, *,
                    data_dir: str | Path | None = None) -> bool:
    """Remove the account's pending attachment (the person took it off before sending)."""
    attachment = session.get(MessageAttachment, attachment_id)
    if attachment is None or attachment.account_id != account.id or attachment.message_id:
        return False
    _delete(session, attachment, attachments_dir(data_dir))
    session.flush()
    return True


def purge_pending(session: Session, now: datetime, *,
                  data_dir: str | Path | None = None) -> int:
    """Delete attachments never sent within pending_attachment_hours (idempotent)."""
    cutoff = now - timedelta(hours=limit("pending_attachment_hours"))
    rows = session.exec(select(MessageAttachment).where(
        col(MessageAttachment.message_id).is_(None),
        MessageAttachment.created_at < cutoff)).all()
    folder = attachments_dir(data_dir)
    for row in rows:
        _delete(session, row, folder)
    session.flush()
    return len(rows)


def attachment_of(session: Session, message_id: int) -> MessageAttachment | None:
    """The message's attachment, if it has one."""
    return session.exec(select(MessageAttachment).where(
        MessageAttachment.message_id == message_id)).first()


def attachment_file(attachment: MessageAttachment, data_dir: str | Path | None = None) -> Path:
    """The stored file of an attachment."""
    return attachments_dir(data_dir) / attachment.storage_name


def attachment_for_person(session: Session, attachment_id: int,
                          person_id: int) -> MessageAttachment | None:
    """The attachment when it belongs to one of the person's messages (else None: the download
    endpoint answers 404 alike for "not yours" and "does not exist")."""
    attachment = session.get(MessageAttachment, attachment_id)
    if attachment is None or attachment.message_id is None:
        return None
    message = session.get(Message, attachment.message_id)
    return attachment if message is not None and message.person_id == person_id else None


# ---------------------------------------------------------------------------------------------
# The person's side.

def _unique_reference(session: Session) -> str:
    while True:
        value = "5" + numeric_code(9)
        if session.exec(select(Message.id).where(Message.reference == value)).first() is None:
            return value


def send(session: Session, account: Account, *, sector: str, topic: str, subject: str,
         body: str, attachment_id: int | None = None, now: datetime,
         sms: SmsSender) -> Message:
    """Send a new message (with the account's pending attachment, if named); the person gets
    the reference in-app and by SMS.

    Raises:
        ValidationError: sector_unknown, topic_unknown, subject_*, body_*, attachment_missing.
    """
    if sector not in sectors():
        raise ValidationError("sector_unknown", "choose a sector").about("sector")
    if topic not in topics(sector):
        raise ValidationError("topic_unknown", "choose a service from the list"
                              ).about("topic")
    subject = " ".join(_clean(subject).split())
    _check_length(subject, "subject", limit("subject_min"), limit("subject_max"))
    body = _check_length(_clean(body), "body", limit("body_min"), limit("body_max"))
    attachment = None
    if attachment_id is not None:
        attachment = session.get(MessageAttachment, attachment_id)
        if attachment is None or attachment.account_id != account.id or attachment.message_id:
            raise ValidationError("attachment_missing", "attach the file again"
                                  ).about("attachment")
    message = Message(reference=_unique_reference(session), account_id=account.id,
                      person_id=account.person_id, sector=sector, topic=topic, subject=subject,
                      created_at=now, updated_at=now)
    session.add(message)
    session.flush()
    session.add(MessagePost(message_id=message.id, author="person", body=body, created_at=now))
    if attachment is not None:
        attachment.message_id = message.id
        session.add(attachment)
    notify.notify(session, session.get(Person, account.person_id), "message_sent", now=now,
                  sms=sms, reference=message.reference)
    session.flush()
    return message


def find(session: Session, reference: str) -> Message | None:
    """The message with this reference (None for anything malformed)."""
    reference = (reference or "").strip()
    if not REFERENCE.fullmatch(reference):
        return None
    return session.exec(select(Message).where(Message.reference == reference)).first()


def message_for(session: Session, reference: str, person_id: int) -> Message | None:
    """The person's own message (None alike for "not yours" and "does not exist")."""
    message = find(session, reference)
    return message if message is not None and message.person_id == person_id else None


def messages_of(session: Session, person_id: int, limit_rows: int = 100) -> list[Message]:
    """The person's messages, latest activity first."""
    return list(session.exec(select(Message).where(Message.person_id == person_id)
                             .order_by(col(Message.updated_at).desc(), col(Message.id).desc())
                             .limit(limit_rows)).all())


def thread(session: Session, message_id: int) -> list[MessagePost]:
    """Every post of a message, oldest first."""
    return list(session.exec(select(MessagePost).where(MessagePost.message_id == message_id)
                             .order_by(col(MessagePost.id))).all())


# Prebuilt (see absher_app.db): every dashboard load.
_OPEN_COUNT = select(func.count()).select_from(Message).where(
    Message.person_id == bindparam("person_id"), col(Message.status).in_(OPEN_STATUSES))


def open_count(session: Session, person_id: int) -> int:
    """How many of the person's messages are not closed (the dashboard tile)."""
    return session.exec(_OPEN_COUNT, params={"person_id": person_id}).one()


def reply(session: Session, account: Account, reference: str, body: str, *,
          now: datetime) -> MessagePost:
    """The person adds to their own open message; an answered one goes back in review.

    Raises:
        ValidationError: message_unknown, message_closed, body_too_short, body_too_long.
    """
    message = message_for(session, reference, account.person_id)
    if message is None:
        raise ValidationError("message_unknown", "no message of yours has this reference")
    if message.status == MessageStatus.CLOSED:
        raise ValidationError("message_closed", "this message is closed")
    body = _check_length(_clean(body), "body", limit("reply_min"), limit("body_max"))
    post = MessagePost(message_id=message.id, author="person", body=body, created_at=now)
    session.add(post)
    if message.status == MessageStatus.ANSWERED:
        message.status = MessageStatus.IN_REVIEW
    message.updated_at = now
    session.add(message)
    session.flush()
    return post


# ---------------------------------------------------------------------------------------------
# The staff side (the staff inbox calls these; so does `absher messages ...`).

def inbox(session: Session, *, sector: str | None = None, topic: str | None = None,
          status: str | None = None, limit_rows: int = 200) -> list[Message]:
    """Messages for staff, filtered by sector, service and status; oldest waiting first.

    Raises:
        ValidationError: sector_unknown, topic_unknown, status_unknown for a bad filter.
    """
    query = select(Message)
    if sector:
        if sector not in sectors():
            raise ValidationError("sector_unknown", "no such sector")
        query = query.where(Message.sector == sector)
    if topic:
        if sector and topic not in topics(sector):
            raise ValidationError("topic_unknown", "no such service in that sector")
        query = query.where(Message.topic == topic)
    if status:
        if status not in STATUSES:
            raise ValidationError("status_unknown", "no such status")
        query = query.where(Message.status == status)
    return list(session.exec(query.order_by(col(Message.updated_at), col(Message.id))
                             .limit(limit_rows)).all())


def _open_message(session: Session, reference: str) -> Message:
    message = find(session, reference)
    if message is None:
        raise ValidationError("message_unknown", "no message has this reference")
    if message.status == MessageStatus.CLOSED:
        raise ValidationError("message_closed", "this message is closed")
    return message


def start_review(session: Session, reference: str, *, now: datetime) -> Message:
    """Staff take a sent message up: it shows "in review" to the person."""
    message = _open_message(session, reference)
    if message.status == MessageStatus.SENT:
        message.status, message.updated_at = MessageStatus.IN_REVIEW, now
        session.add(message)
        session.flush()
    return message


def answer(session: Session, reference: str, text: str, *, needs_visit: bool = False,
           staff_label: str = "", now: datetime, sms: SmsSender) -> Message:
    """Staff answer an open message (optionally saying it needs a visit to a branch); the
    person is told in-app and by SMS.

    Raises:
        ValidationError: message_unknown, message_closed, body_too_short, body_too_long.
    """
    message = _open_message(session, reference)
    text = _check_length(_clean(text), "body", limit("reply_min"), limit("body_max"))
    session.add(MessagePost(message_id=message.id, author="staff", body=text,
                            staff_label=staff_label[:64], created_at=now))
    message.status, message.updated_at = MessageStatus.ANSWERED, now
    message.needs_visit = message.needs_visit or needs_visit
    session.add(message)
    person = session.get(Person, message.person_id)
    notify.notify(session, person, "message_answered_visit" if needs_visit
                  else "message_answered", now=now, sms=sms, reference=message.reference)
    session.flush()
    return message


def mark_needs_visit(session: Session, reference: str, *, now: datetime,
                     sms: SmsSender) -> Message:
    """Staff say the matter needs a visit: the person is offered an appointment carrying the
    message's reference."""
    message = _open_message(session, reference)
    if not message.needs_visit:
        message.needs_visit, message.updated_at = True, now
        session.add(message)
        notify.notify(session, session.get(Person, message.person_id), "message_needs_visit",
                      now=now, sms=sms, reference=message.reference)
        session.flush()
    return message


def close(session: Session, reference: str, *, now: datetime, sms: SmsSender) -> Message:
    """Staff close a message (no more replies); the person is told."""
    message = _open_message(session, reference)
    message.status, message.updated_at = MessageStatus.CLOSED, now
    session.add(message)
    notify.notify(session, session.get(Person, message.person_id), "message_closed", now=now,
                  sms=sms, reference=message.reference)
    session.flush()
    return message
