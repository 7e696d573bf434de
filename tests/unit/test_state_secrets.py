"""No state var the browser receives may hold a secret (the issue's state-serialisation test).

Layer 1 (here): every rx.State subclass of the app is walked; a var whose name suggests a secret
(hash, secret, token, code, ticket, password, ...) must be a backend var (underscore: Reflex never
serialises those to the browser) unless it is allow-listed below with the reason it is shown.
Reflex's own serialisation of the request headers is checked too: the session cookie reaches
handlers through the websocket handshake and must never travel back in `router`.

Layer 2 (tests/e2e/test_account_page.py): every websocket frame the browser receives during
sign-in (SMS, authenticator app, backup code), authenticator enrolment and account-page use is
searched for the password hash, the TOTP secret, the session token, the password and every SMS
code sent.
"""

from __future__ import annotations

import json
import re

import pytest
import reflex as rx
from reflex.istate.data import HeaderData
from reflex.utils import format as rx_format
from reflex.utils.serializers import serialize

import absher_app.absher_app  # noqa: F401  (imports every page, hence every state)
from absher_app.application.identity import SESSION_COOKIES

SECRET_NAME = re.compile(
    r"hash|secret|token|code|ticket|passw|pwd|otp|totp|digest|cookie|credential|salt|pin\b",
    re.IGNORECASE,
)

# (state class name, var name) -> why the browser must receive it.
ALLOWED: dict[tuple[str, str], str] = {
    ("AuthenticatorState", "enrol_secret"):
        "the authenticator key shown as text during enrolment so the person can type it into "
        "the app; emptied when enrolment ends, is cancelled, or the page loads again",
    ("AuthenticatorState", "enrol_secret_qr"):
        "the same key as a QR code image during enrolment; emptied with enrol_secret",
    ("AuthenticatorState", "fresh_backup_codes"):
        "the ten new backup codes, shown once so the person can save them; emptied when they "
        "say they saved them and on every page load (only digests are stored)",
    ("AuthenticatorState", "backup_codes_left"):
        "a count of unused backup codes, not a code",
    ("AuthenticatorState", "totp_enabled"):
        "whether an authenticator app is set up (a yes/no the page shows), not its secret",
}


def app_states() -> list[type[rx.State]]:
    """rx.State and every subclass, however deep (the app's and Reflex's own)."""
    found, todo = [], [rx.State]
    while todo:
        cls = todo.pop()
        found.append(cls)
        # Sorted: a set's order differs between processes, and parallel workers must
        # collect the same tests in the same order.
        todo.extend(sorted(cls.get_substates(), key=lambda c: c.get_full_name()))
    return found


def browser_vars(cls: type[rx.State]) -> set[str]:
    """The vars of `cls` that Reflex serialises to the browser."""
    names = set(cls.base_vars)
    names |= {name for name, var in cls.computed_vars.items() if not var._backend}
    return names


def test_the_walk_finds_the_apps_states():
    names = {cls.__name__ for cls in app_states()}
    assert {"LanguageState", "SessionState", "SignInState", "RegisterState", "AccountState",
            "PasswordFormState", "MobileFormState", "AuthenticatorState"} <= names


def test_backend_vars_are_not_serialised():
    # The convention the rest relies on: underscore vars stay on the server.
    from absher_app.pages.login import SignInState

    assert "_principal_id" not in browser_vars(SignInState)
    assert "step" in browser_vars(SignInState)
    assert browser_vars(SignInState) == set(SignInState._frontend_var_names)


@pytest.mark.parametrize("cls", app_states(), ids=lambda c: c.__name__)
def test_no_browser_var_is_named_like_a_secret(cls):
    suspicious = sorted(name for name in browser_vars(cls)
                        if SECRET_NAME.search(name) and (cls.__name__, name) not in ALLOWED)
    assert suspicious == [], (
        f"{cls.__name__} sends {suspicious} to the browser: make them backend vars (_name) or "
        "allow-list them in ALLOWED with the reason the browser must see them")


def test_every_allow_listed_var_still_exists_and_has_a_reason():
    states = {cls.__name__: cls for cls in app_states()}
    for (state, var), reason in ALLOWED.items():
        assert var in browser_vars(states[state]), (state, var)
        assert len(reason) > 20


def test_serialised_headers_never_carry_the_session_cookie():
    token = "S3cr3tSessionTokenValue_0123456789abcdefghijkl"
    headers = HeaderData.from_router_data({"headers": {
        "cookie": f"{SESSION_COOKIES['person']}={token}; other=1",
        "user-agent": "Mozilla/5.0 (pytest)", "host": "localhost",
    }})
    assert token in headers.raw_headers["cookie"]  # the server can read it ...
    sent = rx_format.json_dumps(serialize(headers))
    assert token not in sent  # ... the browser never gets it back
    assert "pytest" in json.loads(sent)["user_agent"]
