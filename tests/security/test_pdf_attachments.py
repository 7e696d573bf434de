"""Defect 3: the PDF check parses the file (pypdf) and refuses active content however it is
written: escaped names, compressed object streams, incremental updates, objects no table lists;
files are kept and served as `<stem>.pdf`; bidi controls leave names, subjects and bodies."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfWriter
from sqlmodel import select

from absher_app.domain import messages
from absher_app.domain.calendars import RIYADH
from absher_app.domain.demo import load_demo
from absher_app.domain.errors import ValidationError
from absher_app.domain.pdf_check import ACTIVE_NAMES
from absher_app.models import Account
from absher_app.providers.sms import OutboxSmsSender
from tests.security import pdfs

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
JS = b"<< /S /JavaScript /JS (app.alert(document.cookie)) >>"


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        messages.check_pdf(data)
    return caught.value.code


def with_catalog(extra: bytes, **kwargs) -> bytes:
    return pdfs.build(pdfs.base_objects(catalog_extra=extra), **kwargs)


def with_page(extra: bytes) -> bytes:
    return pdfs.build(pdfs.base_objects(page_extra=extra))


def link(action: bytes) -> bytes:
    """A page with one link annotation running `action`."""
    return with_page(b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A "
                     + action + b" >>]")


# --- what passes ------------------------------------------------------------------------------

def test_a_plain_pdf_passes():
    messages.check_pdf(pdfs.plain())


def test_a_pdf_written_by_pypdf_passes_with_and_without_object_streams():
    for compress in (False, True):
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.add_metadata({"/Title": "Iqama renewal"})
        if compress:
            writer.compress_identical_objects()
        out = io.BytesIO()
        writer.write(out)
        messages.check_pdf(out.getvalue())


def test_names_inside_page_text_are_not_active_content():
    # Words in the text a page shows ("/JavaScript", "/URI") are strings, not PDF names.
    objects = pdfs.base_objects()
    for compress in (True, False):
        objects[4] = pdfs.stream(b"BT (See /JavaScript and /URI /Launch) Tj ET",
                                 compress=compress)
        messages.check_pdf(pdfs.build(objects))


def test_an_open_action_that_only_opens_at_a_page_passes():
    # "Open at page 1, fit the page": what LaTeX and office suites write.
    messages.check_pdf(with_catalog(b"/OpenAction [3 0 R /Fit]"))
    messages.check_pdf(with_catalog(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"))
    messages.check_pdf(pdfs.build(pdfs.base_objects(catalog_extra=b"/OpenAction 9 0 R"),
                                  packed={9: b"[3 0 R /FitH 842]"}))


def test_what_follows_a_go_to_open_action_is_checked():
    assert refusal(with_catalog(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 9 0 R >>",
                                packed={9: JS})) == "attachment_active_content"


# --- what is refused --------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "data"), [
    ("OpenAction JavaScript", with_catalog(b"/OpenAction " + JS)),
    ("escaped /Java#53cript", with_catalog(b"/OpenAction << /S /Java#53cript /J#53 (x) >>")),
    ("escaped /L#61unch", link(b"<< /S /L#61unch /F (cmd.exe) >>")),
    ("escaped key /Open#41ction", with_catalog(b"/Open#41ction << /S /Named /N /Print >>")),
    ("OpenAction of another kind", with_catalog(b"/OpenAction << /S /Named /N /Print >>")),
    ("URI link", link(b"<< /S /URI /URI (https://evil.example/) >>")),
    ("SubmitForm", with_catalog(b"/AcroForm << /Fields [<< /FT /Btn /T (go) /A << /S "
                                b"/SubmitForm /F (https://evil.example/) >> >>] >>")),
    ("page AA", with_page(b"/AA << /O " + JS + b" >>")),
    ("GoToR", link(b"<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>")),
    ("XFA", with_catalog(b"/AcroForm << /Fields [] /XFA [(template) 4 0 R] >>")),
    ("embedded file", with_catalog(b"/Names << /EmbeddedFiles << /Names [(a.exe) << "
                                   b"/Type /Filespec /F (a.exe) /EF << /F 4 0 R >> >>] >> >>")),
    ("file attachment annotation", with_page(b"/Annots [<< /Subtype /FileAttachment "
                                             b"/Rect [0 0 9 9] /FS (a.exe) >>]")),
    ("Launch in a hex-escaped name", link(b"<< /S /#4C#61#75#6E#63#68 /F (cmd) >>")),
])
def test_active_content_is_refused_as_written(name, data):
    assert refusal(data) == "attachment_active_content", name


@pytest.mark.parametrize("action", [
    JS,
    b"<< /S /Java#53cript /JS (app.alert(1)) >>",
    b"<< /S /Launch /F (cmd.exe) >>",
    b"<< /S /URI /URI (https://evil.example/) >>",
])
def test_active_content_inside_a_compressed_object_stream_is_refused(action):
    # The action object is packed in a Flate-compressed object stream: no byte of it is
    # visible in the file, only a parser that unpacks the stream sees it.
    data = pdfs.build(pdfs.base_objects(catalog_extra=b"/OpenAction 9 0 R"),
                      packed={9: action})
    assert b"JavaScript" not in data and b"Launch" not in data and b"URI (" not in data
    assert refusal(data) == "attachment_active_content"


def test_a_compressed_object_stream_no_table_lists_is_still_read():
    # An object stream holding JavaScript, reachable from nothing and listed nowhere: a
    # viewer repairing the file may find it, so the check reads it too.
    hidden = pdfs.stream(b"9 0\n" + JS, b"/Type /ObjStm /N 1 /First 4 ")
    data = pdfs.plain().replace(b"xref\n", b"8 0 obj\n" + hidden + b"\nendobj\nxref\n", 1)
    data = _fix_startxref(data)
    assert b"JavaScript" not in data
    assert refusal(data) == "attachment_active_content"


def _fix_startxref(data: bytes) -> bytes:
    head, _old = data.rsplit(b"startxref\n", 1)
    return head + b"startxref\n%d\n%%%%EOF\n" % data.index(b"xref\n")


def test_active_content_added_by_an_incremental_update_is_refused():
    clean = pdfs.plain()
    messages.check_pdf(clean)
    updated = pdfs.update(clean, {pdfs.CATALOG: b"<< /Type /Catalog /Pages 2 0 R "
                                                b"/OpenAction 6 0 R >>",
                                  6: b"<< /S /Launch /F (calc.exe) >>"})
    assert refusal(updated) == "attachment_active_content"


def test_an_old_revision_s_action_no_longer_referenced_still_counts():
    # The first revision had an OpenAction; the update replaced the catalog. A viewer told to
    # show the older revision (or repairing the file) would still run it.
    first = with_catalog(b"/OpenAction << /S /Java#53cript /JS (1) >>")
    updated = pdfs.update(first, {pdfs.CATALOG: b"<< /Type /Catalog /Pages 2 0 R >>"})
    assert refusal(updated) == "attachment_active_content"


def test_every_listed_active_name_is_refused_in_a_compressed_object():
    for name in sorted(ACTIVE_NAMES):
        escaped = "".join(f"#{ord(c):02X}" if i == 0 else c for i, c in enumerate(name))
        data = pdfs.build(pdfs.base_objects(catalog_extra=b"/Extra 9 0 R"),
                          packed={9: f"<< /{escaped} << /S /Named >> >>".encode()})
        assert refusal(data) == "attachment_active_content", name


def test_an_encrypted_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert refusal(out.getvalue()) == "attachment_encrypted"


def test_a_pdf_that_cannot_be_parsed_is_refused():
    data = pdfs.plain().replace(b"/Type /Pages /Kids [3 0 R] /Count 1",
                                b"/Type /Pages /Kids [3 0 R /Count 1 <<<<")
    assert refusal(data) == "attachment_not_pdf"


def test_a_polyglot_passes_as_a_pdf_but_never_as_html():
    # Valid as a PDF, with an HTML page in a comment: the check has nothing active to refuse,
    # so what keeps it harmless is the name and type it is stored and served under.
    data = pdfs.build(pdfs.base_objects(),
                      prefix=b"%<html><body><script>alert(document.domain)</script>\n")
    messages.check_pdf(data)
    assert messages.pdf_name("report.html") == "report.pdf"


# --- names, subjects and bodies ---------------------------------------------------------------

@pytest.mark.parametrize(("typed", "kept"), [
    ("report.html", "report.pdf"),
    ("scan.PDF", "scan.pdf"),
    ("archive.tar.gz", "archive.tar.pdf"),
    ("no-extension", "no-extension.pdf"),
    ("C:\\Users\\me\\iqama.pdf", "iqama.pdf"),
    ("../../etc/passwd", "passwd.pdf"),
    ("invoice\u202egpj.exe", "invoicegpj.pdf"),
    ("\u2066طلب\u2069.pdf", "طلب.pdf"),
    ("...", "document.pdf"),
    (".pdf", "pdf.pdf"),
    ("", "document.pdf"),
    ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
])
def test_attachment_names_become_stem_dot_pdf_without_bidi_controls(typed, kept):
    assert messages.pdf_name(typed) == kept


@pytest.fixture
def imran(session) -> Account:
    load_demo(session, NOW.astimezone(RIYADH).date())
    session.commit()
    return session.exec(select(Account).where(Account.username == "imran")).one()


def test_a_stored_attachment_is_named_dot_pdf(session, imran, tmp_path):
    attachment = messages.store_attachment(session, imran, pdfs.plain(), "report.html",
                                           now=NOW, data_dir=tmp_path)
    assert attachment.original_name == "report.pdf"


def test_an_active_pdf_leaves_nothing_behind(session, imran, tmp_path):
    with pytest.raises(ValidationError):
        messages.store_attachment(session, imran, with_catalog(b"/OpenAction " + JS), "a.pdf",
                                  now=NOW, data_dir=tmp_path)
    folder = tmp_path / "attachments"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_bidi_controls_leave_subjects_bodies_and_replies(session, imran):
    bidi = "".join(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
    message = messages.send(session, imran, sector="passports", topic="iqama",
                            subject=f"Iqama {bidi}renewal", body=f"Pending{bidi} for two weeks.",
                            now=NOW, sms=OutboxSmsSender())
    assert message.subject == "Iqama renewal"
    [post] = messages.thread(session, message.id)
    assert post.body == "Pending for two weeks."
    reply = messages.reply(session, imran, message.reference, "\u202eStill waiting\u202c",
                           now=NOW)
    assert reply.body == "Still waiting"
    answer = messages.answer(session, message.reference, "\u2067Renewed\u2069 today.", now=NOW,
                             sms=OutboxSmsSender())
    assert messages.thread(session, answer.id)[-1].body == "Renewed today."
