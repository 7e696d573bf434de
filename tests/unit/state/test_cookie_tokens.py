"""The session tokens an event's socket handshake carried (absher_app.state.events)."""

from __future__ import annotations

from types import SimpleNamespace

from absher_app.application.identity import SESSION_COOKIES
from absher_app.state.events import cookie_tokens


def tab(cookie: str | None) -> SimpleNamespace:
    """A tab's router whose handshake carried `cookie`."""
    headers = {"cookie": cookie} if cookie is not None else {}
    return SimpleNamespace(headers=SimpleNamespace(raw_headers=headers))


def test_each_realm_s_cookie_gives_its_token_and_other_cookies_nothing():
    person, staff = SESSION_COOKIES["person"], SESSION_COOKIES["staff"]
    header = f"theme=dark; {person}=p-token; {staff}=s-token; lang=ar"
    assert cookie_tokens(tab(header)) == {"person": "p-token", "staff": "s-token"}
    assert cookie_tokens(tab(f"{person}=only")) == {"person": "only"}
    assert cookie_tokens(tab("theme=dark")) == {}
    assert cookie_tokens(tab("")) == {} and cookie_tokens(tab(None)) == {}


def test_a_malformed_header_is_no_session():
    assert cookie_tokens(tab(f'{SESSION_COOKIES["person"]}="unterminated')) == {}


def test_the_same_header_again_gives_a_fresh_answer():
    """Parsed once per header: what one event does with its answer reaches no other."""
    header = f"{SESSION_COOKIES['person']}=p-token"
    first = cookie_tokens(tab(header))
    first["person"] = "changed"
    assert cookie_tokens(tab(header)) == {"person": "p-token"}
