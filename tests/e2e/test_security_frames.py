"""Security suite — what the server sends over the socket (every websocket frame recorded).

1. No secret ever: password hashes, session tokens or their digests, authenticator keys,
   backup-code digests; one-time codes only where the page shows one (never here).
2. One tab, two people: after Mohammed signs out, and after Khalid signs in in the same tab,
   not one value of Mohammed's (names, username, ID number, his family's names, his devices)
   reaches the browser (absher_app/state/tab.py).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from absher_app.domain.demo import DEMO_PASSWORD, demo_ids, demo_records
from tests.e2e.conftest import visit, wait_until_connected
from tests.e2e.helpers import sign_in
from tests.e2e.messaging import mobile_of

pytestmark = pytest.mark.e2e


class FrameRecorder:
    """Every frame the server sends to this page's sockets, in order, with a mark to read
    only what came after a moment of the journey."""

    def __init__(self, page: Page) -> None:
        self.frames: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, payload) -> None:
        self.frames.append(payload if isinstance(payload, str) else payload.decode("latin-1"))

    def mark(self) -> int:
        return len(self.frames)

    def since(self, mark: int) -> str:
        return "\n".join(self.frames[mark:])


def _person(key: str) -> dict:
    record = next(r for r in demo_records(date.today()) if r["id_number"] == demo_ids()[key])
    return record


def _values_of_mohammed() -> list[str]:
    """What only Mohammed's session may show: his names, username, ID number, his family's
    names (children and domestic workers he sponsors)."""
    me = _person("c1")
    family = [r for r in demo_records(date.today()) if r.get("sponsor_id") == me["id_number"]]
    values = [me["name_ar"], me["name_en"], me["id_number"], "mohammed"]
    for member in family:
        values += [member["name_ar"], member["name_en"], member["id_number"]]
    return values


def _leaks(text: str, values: list[str]) -> list[str]:
    return [v for v in values if v and v in text]


def _secrets(app_env: dict[str, str]) -> list[str]:
    """The secrets the database holds (hashes, token and code digests, authenticator keys)."""
    import sqlalchemy

    from absher_app.models import Account, BackupCode, StaffMember, UserSession

    engine = sqlalchemy.create_engine(app_env["REFLEX_DB_URL"])
    with Session(engine) as session:
        found = [a.password_hash for a in session.exec(select(Account)).all()]
        found += [a.totp_secret for a in session.exec(select(Account)).all() if a.totp_secret]
        found += [s.token_digest for s in session.exec(select(UserSession)).all()]
        found += [b.code_digest for b in session.exec(select(BackupCode)).all()]
        found += [m.totp_secret for m in session.exec(select(StaffMember)).all()]
        found += [m.password_hash for m in session.exec(select(StaffMember)).all()]
    engine.dispose()
    return [s for s in found if s]


def _open_personal_pages(page: Page) -> None:
    for path in ("/family", "/account", "/transactions", "/messages", "/dashboard"):
        visit(page, path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_no_person_reaches_the_next_one_in_the_same_tab(page: Page, app_env):
    recorder = FrameRecorder(page)
    mohammed = _values_of_mohammed()

    sign_in(page, app_env, "mohammed", DEMO_PASSWORD, mobile_of("c1"))
    _open_personal_pages(page)
    # The journey itself is real: his data did reach his own pages.
    assert _leaks(recorder.since(0), mohammed), "the recorder saw none of Mohammed's data"
    cookies = [c["value"] for c in page.context.cookies() if c["name"].startswith("absher")]

    signed_out = recorder.mark()
    page.get_by_role("button", name=re.compile("Sign out|تسجيل الخروج")).first.click()
    page.wait_for_url(re.compile(r"/login"))
    wait_until_connected(page)
    visit(page, "/")
    visit(page, "/family")  # asks for sign-in; its state must be empty
    wait_until_connected(page)
    assert _leaks(recorder.since(signed_out), mohammed) == []

    khalid_in = recorder.mark()
    sign_in(page, app_env, "khalid", DEMO_PASSWORD, mobile_of("c4"))
    _open_personal_pages(page)
    after = recorder.since(khalid_in)
    assert "Khalid" in after or "خالد" in after, "Khalid's own pages did not load"
    assert _leaks(after, mohammed) == []

    everything = recorder.since(0)
    assert _leaks(everything, cookies) == [], "a session cookie went out over the socket"
    assert _leaks(everything, _secrets(app_env)) == [], "a secret went out over the socket"
    assert "$argon2" not in everything
