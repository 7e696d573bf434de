"""Is an uploaded file a plain PDF? Parsed with pypdf, never judged by its name.

A message to the directorate needs text and images, nothing that acts: no JavaScript, no launch,
link, form-submit or go-to-another-file actions, no actions run on opening or on events, no XFA
forms, no embedded files or media. The names that mean those are looked for

- in every object the file has, as pypdf reads them: names written with `#xx` escapes
  (`/Java#53cript`) are read as the names they spell, objects packed in compressed object
  streams are unpacked, and incremental updates and objects no cross-reference table lists
  are parsed where they stand in the file (a viewer that repairs a damaged file finds those);
- and, in case an object cannot be parsed at all, in the file's bytes outside stream data
  (with the escapes undone too).

One allowance: a document's `/OpenAction` may say where to open it, as a destination
(`[3 0 R /Fit]`) or a go-to action within the document (`<< /S /GoTo /D [...] >>`), which LaTeX
and office suites write; anything else there is refused (and what follows a go-to, `/Next`,
is checked like everything else).
Encrypted files are refused: what they hold cannot be checked.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    read_object,
)

from absher_app.domain.errors import ValidationError

# Actions, triggers and containers that make a PDF do something (PDF 32000-1 §12.6, §12.7.8,
# §7.11.4, §13): refused wherever they appear, as a key or as a value.
ACTIVE_NAMES = frozenset({
    "JavaScript", "JS", "Launch", "URI", "SubmitForm", "ImportData",
    "OpenAction", "AA", "GoToR", "GoToE", "XFA",
    "EmbeddedFile", "EmbeddedFiles", "EF", "FileAttachment",
    "RichMedia", "RichMediaExecute", "Rendition", "Sound", "Movie",
})
# Where navigation within the document (a destination or a GoTo action) is allowed.
DESTINATION_ONLY = "OpenAction"
# More objects than a plain letter or scan ever has: a file this complex is not checked.
MAX_OBJECTS = 200_000

_OBJECT_HEADER = re.compile(rb"(?<![0-9])([0-9]{1,10})\s+([0-9]{1,5})\s+obj\b\s*")
_STREAM_DATA = re.compile(rb"\bstream(?:\r\n|\n|\r)(.*?)\bendstream\b", re.DOTALL)
_NAME = re.compile(rb"/([^\s/\[\]()<>{}%]*)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")

LOG = logging.getLogger(__name__)


def _spelled(raw: bytes) -> str:
    """A name token as the PDF means it: `#xx` escapes undone."""
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _active_name_in_text(data: bytes) -> str | None:
    """The first refused name written in PDF syntax in `data`, if any."""
    for match in _NAME.finditer(data):
        name = _spelled(match.group(1))
        if name in ACTIVE_NAMES and name != DESTINATION_ONLY:
            return name
    return None


def _outside_streams(data: bytes) -> bytes:
    """The file with stream data cut out: object syntax, comments and trailers only (stream
    data is compressed or binary, where any byte sequence may occur by chance)."""
    return _STREAM_DATA.sub(b"stream endstream", data)


def _roots(reader: PdfReader, data: bytes) -> Iterator[object]:
    """Where the walk starts: the trailer, every object the cross-reference tables list, and
    every object header found in the bytes (outside stream data), parsed where it stands.

    Raises:
        ValidationError: an object in the file cannot be parsed (what it holds cannot be
            checked, while a viewer repairing the file might still read it).
    """
    yield reader.trailer
    for generation, table in reader.xref.items():
        for number in table:
            yield IndirectObject(number, generation, reader)
    for number in reader.xref_objStm:
        yield IndirectObject(number, 0, reader)
    streams = [match.span(1) for match in _STREAM_DATA.finditer(data)]
    for match in _OBJECT_HEADER.finditer(data):
        if any(start <= match.start() < end for start, end in streams):
            continue  # bytes inside a stream, not an object of the file
        # Strictly: pypdf's lenient mode would skip what it cannot parse and return the rest.
        reader.strict = True
        try:
            reader.stream.seek(match.end())
            found = read_object(reader.stream, reader)
        except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
            raise ValidationError("attachment_not_pdf", "an object cannot be parsed") from None
        finally:
            reader.strict = False
        yield found


def _active_name_in_objects(reader: PdfReader, data: bytes) -> str | None:
    """The first refused name among the file's objects, following every reference."""
    seen: set[tuple[int, int]] = set()
    stack: list[object] = list(_roots(reader, data))
    visited = 0
    while stack:
        item = stack.pop()
        visited += 1
        if visited > MAX_OBJECTS:
            raise ValidationError("attachment_not_pdf", "the PDF has too many objects")
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                item = item.get_object()
            except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
                continue
        if isinstance(item, NameObject):
            if item[1:] in ACTIVE_NAMES:
                return str(item[1:])
        elif isinstance(item, DictionaryObject):
            for key_name, value in item.items():
                name = str(key_name)[1:]
                if name == DESTINATION_ONLY and _is_navigation(value):
                    stack.append(value)
                elif name in ACTIVE_NAMES:
                    return name
                else:
                    stack.append(value)
            if isinstance(item, StreamObject) and item.get("/Type") == "/ObjStm":
                # Objects packed here are normally listed by a cross-reference stream (and
                # walked as such); read the unpacked text too, for any that are not.
                try:
                    found = _active_name_in_text(item.get_data())
                except (PyPdfError, ValueError, OSError):
                    raise ValidationError("attachment_not_pdf",
                                          "an object stream cannot be read") from None
                if found:
                    return found
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None


def _is_navigation(value: object) -> bool:
    """Whether an /OpenAction value only opens the document somewhere: a destination array,
    or a GoTo action (the walk still checks its /Next)."""
    try:
        resolved = value.get_object() if isinstance(value, IndirectObject) else value
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return False
    if isinstance(resolved, ArrayObject):
        return True
    return isinstance(resolved, DictionaryObject) and resolved.get("/S") == "/GoTo"


def check_pdf_content(data: bytes) -> None:
    """Refuse a PDF that pypdf cannot read (its page tree included), that is encrypted, or that
    holds active content (see ACTIVE_NAMES).

    Raises:
        ValidationError: attachment_not_pdf, attachment_encrypted, attachment_active_content.
    """
    found = _active_name_in_text(_outside_streams(data))
    if found:
        raise ValidationError("attachment_active_content", f"the PDF holds /{found}")
    # pypdf reports what it repairs through `logging`; a refusal says enough.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError("attachment_encrypted", "the PDF is encrypted")
        len(reader.pages)  # the page tree must be readable (an empty one is allowed)
        found = _active_name_in_objects(reader, data)
    except ValidationError:
        raise
    except (PyPdfError, PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError,
            AttributeError, IndexError) as exc:
        LOG.info("refused an attachment pypdf cannot read: %s", type(exc).__name__)
        raise ValidationError("attachment_not_pdf", "the file is not a readable PDF") from None
    if found:
        raise ValidationError("attachment_active_content", f"the PDF holds /{found}")
