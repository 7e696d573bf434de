"""The person's messages as the pages use them: one PDF checked and kept pending until Send,
a new message, the list, the thread (only one's own), replies, and the rules' refusals
attached to the page's own fields."""

from __future__ import annotations

import pytest

from absher_app.application import messages as usecases
from absher_app.application.messages import MessageForm, NewMessage, ReplyForm, Upload
from absher_app.application.unit import run
from absher_app.domain import messages
from absher_app.domain.errors import DomainError
from absher_app.models import MessageAttachment
from absher_app.providers.sms import OutboxSmsSender
from absher_app.settings import get_settings
from tests.unit.domain.test_messages import pdf_bytes

FORM = MessageForm(subject="Passport renewal question",
                   body="How long does a renewal take once paid?")


@pytest.fixture
def world(app_world, tmp_path, monkeypatch):
    monkeypatch.setattr(get_settings(), "data_dir", str(tmp_path))
    return app_world


def _send(world, caller, attachment_id=None) -> str:
    return run(usecases.send_message, caller,
               NewMessage("passports", "passport", FORM, attachment_id))


def test_a_message_with_a_pdf_is_sent_listed_and_opened(world):
    caller = world.person("mohammed")
    pending = run(usecases.attach_pdf, caller, Upload("letter.pdf", pdf_bytes()))
    assert pending.name == "letter.pdf" and pending.kb == 1
    reference = _send(world, caller, pending.id)
    rows = run(usecases.my_messages, caller)
    assert [r.reference for r in rows] == [reference]
    assert rows[0].subject == FORM.subject and rows[0].href.endswith(reference)
    thread = run(usecases.open_thread, caller, reference)
    assert thread.found and thread.attachment_name == "letter.pdf"
    assert [p.body for p in thread.posts] == [FORM.body]


def test_a_file_that_is_not_a_pdf_is_refused_on_the_attachment_field(world):
    with pytest.raises(DomainError) as refused:
        run(usecases.attach_pdf, world.person("mohammed"), Upload("x.pdf", b"MZ not a pdf"))
    assert refused.value.field == "attachment"


def test_a_discarded_attachment_is_gone_and_another_persons_stays(world):
    owner, other = world.person("mohammed"), world.person("khalid")
    pending = run(usecases.attach_pdf, owner, Upload("a.pdf", pdf_bytes()))
    run(usecases.discard_attachment, other, pending.id)  # not theirs: nothing happens
    with world.db() as session:
        assert session.get(MessageAttachment, pending.id) is not None
    run(usecases.discard_attachment, owner, pending.id)
    with world.db() as session:
        assert session.get(MessageAttachment, pending.id) is None


def test_a_thread_is_only_its_authors(world):
    reference = _send(world, world.person("mohammed"))
    assert run(usecases.open_thread, world.person("khalid"), reference).found is False
    assert run(usecases.open_thread, world.person("khalid"), "NO-SUCH").found is False
    with pytest.raises(DomainError):
        run(usecases.reply_to_message, world.person("khalid"), reference,
            ReplyForm(reply="Not my message, still trying"))


def test_a_reply_joins_the_thread_and_a_short_one_is_refused_on_the_reply_box(world):
    caller = world.person("mohammed")
    reference = _send(world, caller)
    with world.db() as session:
        messages.answer(session, reference, "Five working days.", now=world.clock.now(),
                        sms=OutboxSmsSender())
        session.commit()
    thread = run(usecases.reply_to_message, caller, reference,
                 ReplyForm(reply="Thank you, and for a child?"))
    assert [p.author for p in thread.posts] == ["person", "staff", "person"]
    with pytest.raises(DomainError) as refused:
        run(usecases.reply_to_message, caller, reference, ReplyForm(reply="k"))
    assert refused.value.field == "reply"


def test_the_pdf_of_a_sent_message_is_its_authors_only(world):
    owner, other = world.person("mohammed"), world.person("khalid")
    pending = run(usecases.attach_pdf, owner, Upload("letter.pdf", pdf_bytes()))
    assert run(usecases.my_attachment, owner, pending.id) is None  # not sent yet
    _send(world, owner, pending.id)
    found = run(usecases.my_attachment, owner, pending.id)
    assert found.name == "letter.pdf" and found.path.read_bytes() == pdf_bytes()
    assert run(usecases.my_attachment, other, pending.id) is None
    assert run(usecases.my_attachment, owner, pending.id + 1000) is None
