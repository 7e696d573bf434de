"""A small PDF writer for the attachment tests: real cross-reference tables (or streams), so that
a viewer (and pypdf) reads what these files hold, and the ways active content hides in one."""

from __future__ import annotations

import zlib

CATALOG = 1
PAGES = 2
PAGE = 3


def _object(number: int, body: bytes) -> bytes:
    return b"%d 0 obj\n%s\nendobj\n" % (number, body)


def stream(data: bytes, extra: bytes = b"", *, compress: bool = True) -> bytes:
    """A stream object's body (Flate-compressed unless told otherwise)."""
    if compress:
        data = zlib.compress(data)
        extra = b"/Filter /FlateDecode " + extra
    return b"<< %s/Length %d >>\nstream\n%s\nendstream" % (extra, len(data), data)


def base_objects(catalog_extra: bytes = b"", page_extra: bytes = b"") -> dict[int, bytes]:
    """A catalog, a page tree and one blank page with a little text."""
    return {
        CATALOG: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        PAGES: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
              + page_extra + b" >>",
        4: stream(b"BT /F1 12 Tf 72 770 Td (Iqama renewal, request 1) Tj ET"),
    }


def build(objects: dict[int, bytes], *, packed: dict[int, bytes] | None = None,
          version: bytes = b"1.7", prefix: bytes = b"") -> bytes:
    """A whole PDF. `packed` objects go into one compressed object stream, listed by a
    cross-reference stream (PDF 1.5); otherwise a classic cross-reference table."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n" + prefix)
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += _object(number, objects[number])
    size = max([*objects, *(packed or {})]) + 1
    if not packed:
        xref_at = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            if number in offsets:
                out += b"%010d 00000 n \n" % offsets[number]
            else:
                out += b"0000000000 65535 f \n"
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref_at)
        return bytes(out)
    # The object stream: "number offset" pairs, then the objects.
    container, xref_number = size, size + 1
    heads, bodies = [], b""
    for number in sorted(packed):
        heads.append(b"%d %d" % (number, len(bodies)))
        bodies += packed[number] + b"\n"
    header = b" ".join(heads) + b"\n"
    offsets[container] = len(out)
    out += _object(container, stream(header + bodies, b"/Type /ObjStm /N %d /First %d "
                                      % (len(packed), len(header))))
    offsets[xref_number] = len(out)
    rows = []
    for number in range(xref_number + 1):
        if number in offsets:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00")
        elif number in packed:
            index = sorted(packed).index(number)
            rows.append(b"\x02" + container.to_bytes(4, "big") + bytes([index]))
        else:
            rows.append(b"\x00" + b"\x00\x00\x00\x00" + b"\xff")
    data = zlib.compress(b"".join(rows))
    out += _object(xref_number, b"<< /Type /XRef /Size %d /W [1 4 1] /Root 1 0 R "
                                b"/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
                   % (xref_number + 1, len(data), data))
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def plain() -> bytes:
    """A clean one-page PDF."""
    return build(base_objects())


def update(original: bytes, objects: dict[int, bytes]) -> bytes:
    """An incremental update: `objects` appended with their own cross-reference section,
    pointing back to the original's."""
    previous = int(original.rsplit(b"startxref", 1)[1].split()[0])
    out = bytearray(original)
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += _object(number, objects[number])
    xref_at = len(out)
    out += b"xref\n"
    for number in sorted(objects):
        out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    size = max(objects) + 1
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (max(size, 5), previous, xref_at))
    return bytes(out)
