"""Messages and requests: sending (lists, length limits), the PDF attachment checked by content
and stored outside the web root (refusals store nothing), replies, the staff side (inbox
filters, answer, needs a visit, close) and the notifications and SMS that go with them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from absher_app.domain import messages
from absher_app.domain.calendars import RIYADH
from absher_app.domain.demo import load_demo
from absher_app.domain.errors import ValidationError
from absher_app.models import (
    Account,
    Message,
    MessageAttachment,
    MessagePost,
    Notification,
    SmsMessage,
)
from absher_app.providers.sms import OutboxSmsSender

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
SMS = OutboxSmsSender()
MB = 1024 * 1024


def pdf_bytes(padding: int = 0) -> bytes:
    """A small well-formed PDF (a real cross-reference table, which the PDF check parses),
    optionally padded with a comment to a size: its length grows by exactly padding + 2."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    body = b"%PDF-1.4\n" + (b"%" + b"x" * padding + b"\n" if padding else b"")
    offsets = []
    for number, text in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    xref = b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o
                                                          for o in offsets)
    # startxref written with ten digits, so that the padding alone sets the length.
    return body + xref + b"trailer\n<< /Root 1 0 R /Size 3 >>\nstartxref\n%010d\n%%%%EOF\n" \
        % len(body)


@pytest.fixture
def accounts(session) -> dict[str, Account]:
    load_demo(session, NOW.astimezone(RIYADH).date())
    session.commit()
    return {a.username: a for a in session.exec(select(Account)).all()}


@pytest.fixture
def data_dir(tmp_path):
    """The data directory (beside, not holding, the test database)."""
    return tmp_path / "data"


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def send(session, account, data_dir, **overrides) -> Message:
    values = dict(sector="passports", topic="iqama", subject="Iqama renewal stuck",
                  body="My iqama renewal has been pending for two weeks.")
    values.update(overrides)
    message = messages.send(session, account, now=NOW, sms=SMS, **values)
    session.commit()
    return message


# ---------------------------------------------------------------------------------------------
# The PDF check.

def test_a_well_formed_pdf_passes():
    messages.check_pdf(pdf_bytes())


@pytest.mark.parametrize("data", [
    b"GIF89a" + b"\0" * 100,                              # an image renamed .pdf
    b"MZ\x90\0" + b"\0" * 100,                            # a program
    b"Hello, this is text pretending to be a PDF %PDF-1.4",  # signature not at the start
    b"%PDF-1.4\nno objects, no trailer",                  # signature only
    pdf_bytes().replace(b"%%EOF", b"%%EOX"),              # no end marker
    pdf_bytes().replace(b"startxref", b"startref"),       # no cross-reference
    b"%PDF-9.9\n" + pdf_bytes()[9:],                      # no such version
])
def test_what_is_not_a_pdf_is_refused_by_content(data):
    with pytest.raises(ValidationError) as err:
        messages.check_pdf(data)
    assert err.value.code == "attachment_not_pdf"


def test_active_content_is_refused():
    data = pdf_bytes().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S "
                               b"/JavaScript /JS (app.alert(1)) >>")
    with pytest.raises(ValidationError) as err:
        messages.check_pdf(data)
    assert err.value.code == "attachment_active_content"


def test_size_limit_is_five_megabytes_at_its_edge():
    exactly = pdf_bytes(padding=5 * MB - len(pdf_bytes()) - 2)
    assert len(exactly) == 5 * MB
    messages.check_pdf(exactly)
    with pytest.raises(ValidationError) as err:
        messages.check_pdf(pdf_bytes(padding=5 * MB - len(pdf_bytes())))
    assert err.value.code == "attachment_too_large" and err.value.params == {"max_mb": 5}


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as err:
        messages.check_pdf(b"")
    assert err.value.code == "attachment_empty"


# ---------------------------------------------------------------------------------------------
# Storing attachments.

@pytest.mark.parametrize("data", [b"GIF89a fake" * 10, pdf_bytes(padding=6 * MB)])
def test_a_refused_file_leaves_no_file_and_no_row(session, accounts, data_dir, data):
    with pytest.raises(ValidationError):
        messages.store_attachment(session, accounts["imran"], data, "scan.pdf", now=NOW,
                                  data_dir=data_dir)
    session.commit()
    assert count(session, MessageAttachment) == 0
    assert [p for p in data_dir.rglob("*") if p.is_file()] == []  # nothing, not even a .part


def test_stored_under_a_random_name_in_the_data_dir(session, accounts, data_dir):
    attachment = messages.store_attachment(session, accounts["imran"], pdf_bytes(),
                                           "../../etc/passwd<x>.pdf", now=NOW, data_dir=data_dir)
    session.commit()
    path = messages.attachment_file(attachment, data_dir)
    assert path.parent == (data_dir / "attachments").resolve()
    assert path.read_bytes() == pdf_bytes()
    assert "passwd" not in attachment.storage_name and len(attachment.storage_name) == 32
    assert attachment.original_name == "passwdx.pdf"
    assert [p.name for p in path.parent.iterdir()] == [attachment.storage_name]  # no .part


def test_a_new_pending_attachment_replaces_the_previous(session, accounts, data_dir):
    first = messages.store_attachment(session, accounts["imran"], pdf_bytes(), "a.pdf",
                                      now=NOW, data_dir=data_dir)
    first_path = messages.attachment_file(first, data_dir)
    second = messages.store_attachment(session, accounts["imran"], pdf_bytes(1), "b.pdf",
                                       now=NOW, data_dir=data_dir)
    session.commit()
    assert not first_path.exists()
    assert session.exec(select(MessageAttachment.id)).all() == [second.id]


@pytest.mark.both_databases
def test_pending_attachments_are_purged_after_a_day(session, accounts, data_dir):
    pending = messages.store_attachment(session, accounts["imran"], pdf_bytes(), "a.pdf",
                                        now=NOW, data_dir=data_dir)
    session.commit()
    assert messages.purge_pending(session, NOW + timedelta(hours=23), data_dir=data_dir) == 0
    assert messages.purge_pending(session, NOW + timedelta(hours=25), data_dir=data_dir) == 1
    assert not messages.attachment_file(pending, data_dir).exists()


# ---------------------------------------------------------------------------------------------
# Sending and the thread.

def test_send_gives_a_reference_sms_and_notification(session, accounts, data_dir):
    account = accounts["imran"]
    attachment = messages.store_attachment(session, account, pdf_bytes(), "scan.pdf", now=NOW,
                                           data_dir=data_dir)
    message = send(session, account, data_dir, attachment_id=attachment.id)
    assert messages.REFERENCE.fullmatch(message.reference)
    assert message.status == "sent" and message.person_id == account.person_id
    assert messages.attachment_of(session, message.id).id == attachment.id
    sms = session.exec(select(SmsMessage)).all()[-1]
    assert message.reference in sms.body and sms.to == account.mobile
    assert session.exec(select(Notification).where(
        Notification.kind == "message_sent")).one().person_id == account.person_id
    assert messages.open_count(session, account.person_id) == 1


@pytest.mark.parametrize("field,value,code", [
    ("sector", "army", "sector_unknown"),
    ("topic", "licence", "topic_unknown"),        # a traffic service under passports
    ("subject", "ab", "subject_too_short"),
    ("subject", "x" * 121, "subject_too_long"),
    ("body", "too short", "body_too_short"),
    ("body", "x" * 2001, "body_too_long"),
])
def test_send_refuses_bad_input(session, accounts, data_dir, field, value, code):
    with pytest.raises(ValidationError) as err:
        send(session, accounts["imran"], data_dir, **{field: value})
    assert err.value.code == code


@pytest.mark.both_databases
def test_limits_are_inclusive(session, accounts, data_dir):
    message = send(session, accounts["imran"], data_dir, subject="abc", body="x" * 2000)
    assert message.subject == "abc"
    send(session, accounts["ahmed"], data_dir, sector="traffic", topic="licence",
         subject="x" * 120, body="y" * 10)


def test_someone_elses_attachment_cannot_be_sent(session, accounts, data_dir):
    theirs = messages.store_attachment(session, accounts["ahmed"], pdf_bytes(), "a.pdf",
                                       now=NOW, data_dir=data_dir)
    session.commit()
    with pytest.raises(ValidationError) as err:
        send(session, accounts["imran"], data_dir, attachment_id=theirs.id)
    assert err.value.code == "attachment_missing"


def test_only_the_owner_sees_a_message_or_its_attachment(session, accounts, data_dir):
    attachment = messages.store_attachment(session, accounts["imran"], pdf_bytes(), "a.pdf",
                                           now=NOW, data_dir=data_dir)
    message = send(session, accounts["imran"], data_dir, attachment_id=attachment.id)
    imran, ahmed = accounts["imran"].person_id, accounts["ahmed"].person_id
    assert messages.message_for(session, message.reference, imran).id == message.id
    assert messages.message_for(session, message.reference, ahmed) is None
    assert messages.attachment_for_person(session, attachment.id, imran) is not None
    assert messages.attachment_for_person(session, attachment.id, ahmed) is None


@pytest.mark.both_databases
def test_the_whole_thread(session, accounts, data_dir):
    account = accounts["imran"]
    message = send(session, account, data_dir)
    assert messages.start_review(session, message.reference, now=NOW).status == "in_review"
    messages.answer(session, message.reference, "Please visit a branch with your passport.",
                    needs_visit=True, staff_label="officer", now=NOW, sms=SMS)
    session.commit()
    assert message.status == "answered" and message.needs_visit
    assert session.exec(select(Notification).where(
        Notification.kind == "message_answered_visit")).one()
    messages.reply(session, account, message.reference, "Thank you, I will.", now=NOW)
    session.commit()
    assert message.status == "in_review"
    authors = [p.author for p in messages.thread(session, message.id)]
    assert authors == ["person", "staff", "person"]
    messages.close(session, message.reference, now=NOW, sms=SMS)
    session.commit()
    assert messages.open_count(session, account.person_id) == 0
    with pytest.raises(ValidationError) as err:
        messages.reply(session, account, message.reference, "One more thing", now=NOW)
    assert err.value.code == "message_closed"
    with pytest.raises(ValidationError) as err:
        messages.answer(session, message.reference, "Late answer", now=NOW, sms=SMS)
    assert err.value.code == "message_closed"


def test_someone_else_cannot_reply(session, accounts, data_dir):
    message = send(session, accounts["imran"], data_dir)
    with pytest.raises(ValidationError) as err:
        messages.reply(session, accounts["ahmed"], message.reference, "Not mine", now=NOW)
    assert err.value.code == "message_unknown"
    assert count(session, MessagePost) == 1


@pytest.mark.both_databases
def test_inbox_filters(session, accounts, data_dir):
    a = send(session, accounts["imran"], data_dir)
    b = send(session, accounts["ahmed"], data_dir, sector="traffic", topic="fines")
    messages.answer(session, b.reference, "Paid fines take a day to show.", now=NOW, sms=SMS)
    session.commit()
    assert [m.id for m in messages.inbox(session)] == [a.id, b.id]
    assert [m.id for m in messages.inbox(session, sector="passports")] == [a.id]
    assert [m.id for m in messages.inbox(session, topic="fines")] == [b.id]
    assert [m.id for m in messages.inbox(session, status="answered")] == [b.id]
    assert messages.inbox(session, sector="traffic", status="sent") == []
    for bad in ({"sector": "army"}, {"status": "lost"}, {"sector": "traffic", "topic": "iqama"}):
        with pytest.raises(ValidationError):
            messages.inbox(session, **bad)


def test_mark_needs_visit_tells_the_person_once(session, accounts, data_dir):
    message = send(session, accounts["imran"], data_dir)
    messages.mark_needs_visit(session, message.reference, now=NOW, sms=SMS)
    messages.mark_needs_visit(session, message.reference, now=NOW, sms=SMS)
    session.commit()
    assert message.needs_visit
    assert len(session.exec(select(Notification).where(
        Notification.kind == "message_needs_visit")).all()) == 1


@pytest.mark.both_databases
def test_malformed_references_find_nothing(session, accounts):
    for reference in ("", "abc", "7000000000", "5" * 11, "5000000000' or 1=1"):
        assert messages.find(session, reference) is None
