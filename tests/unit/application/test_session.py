"""The session as the chrome sees it: whose name, signing out, whose the tab is; and the
sign-in's slow-down for an address that keeps getting passwords wrong."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from absher_app.application import dashboard, sign_in, unit
from absher_app.application import session as chrome
from absher_app.application.identity import Caller, SignInRequired, resolve_caller
from absher_app.application.sign_in import CredentialsForm
from absher_app.application.unit import run
from absher_app.domain.accounts import AccountStatus
from absher_app.domain.errors import DomainError
from absher_app.models import Account
from absher_app.settings import get_settings
from tests.sql_log import selects_sent


def test_the_chrome_names_the_person_until_they_sign_out(app_world):
    caller = app_world.person("mohammed")
    seen = run(chrome.person_chrome, caller)
    assert seen.realm == "person" and seen.name_en and seen.seconds_left > 0
    run(chrome.sign_out, caller, "person")
    with pytest.raises(SignInRequired):
        run(chrome.person_chrome, caller)
    run(chrome.sign_out, caller, "person")  # twice is harmless


def test_a_page_load_is_its_use_case_and_the_chrome_together(app_world):
    """A signed-in page loads in one event: the page's view and the chrome from one run, as
    each alone would give them; and opening a page is activity although the page's use case
    alone is not (the dashboard, read again by its own buttons, does not keep a session
    alive)."""
    caller = app_world.person("mohammed")
    page = chrome.with_chrome(dashboard.dashboard)
    assert chrome.with_chrome(dashboard.dashboard) is page  # built once per use case
    seen = run(chrome.IDLE_STATUS["person"], caller).last_seen

    app_world.clock.set(app_world.clock.now() + timedelta(minutes=5))
    alone = run(dashboard.dashboard, caller)
    assert run(chrome.IDLE_STATUS["person"], caller).last_seen == seen
    shown, view = run(page, caller)
    assert view == alone
    assert shown.last_seen == app_world.clock.now() > seen
    assert dataclasses.replace(shown, seconds_left=0) == dataclasses.replace(
        run(chrome.IDLE_STATUS["person"], caller), seconds_left=0)

    run(chrome.sign_out, caller, "person")
    with pytest.raises(SignInRequired):
        run(page, caller)


def test_a_public_use_case_has_no_page_chrome():
    with pytest.raises(ValueError, match="no page chrome"):
        chrome.with_chrome(chrome.tab_owner)


def test_the_tab_owner_stamp_follows_live_sessions_only(app_world):
    first, second = app_world.person("mohammed"), app_world.person("khalid")
    nobody = Caller(where="pytest")
    stamp = run(chrome.tab_owner, first)
    assert stamp and stamp == run(chrome.tab_owner, first)
    assert stamp != run(chrome.tab_owner, second)
    assert run(chrome.tab_owner, nobody) == ""
    assert first.token("person") not in stamp  # a digest, never the token
    run(chrome.sign_out, first, "person")
    assert run(chrome.tab_owner, first) == ""


def test_an_address_past_its_wrong_passwords_is_slowed_down_per_realm(app_world,
                                                                        monkeypatch):
    monkeypatch.setattr(get_settings(), "sign_in_slow_limit", "3/hour")
    address = f"198.51.100.{uuid.uuid4().int % 200 + 1}"
    caller = dataclasses.replace(Caller(where="pytest"), client=address)
    assert run(sign_in.sign_in_delay, caller, "person") == 0
    for attempt in range(3):
        with pytest.raises(DomainError):
            run(sign_in.check_password, caller, "person",
                CredentialsForm(login=f"nobody{attempt}", password="wrong password 1"))
    assert run(sign_in.sign_in_delay, caller, "person") > 0
    assert run(sign_in.sign_in_delay, caller, "staff") == 0
    other = dataclasses.replace(caller, client="203.0.113.250")
    assert run(sign_in.sign_in_delay, other, "person") == 0


@pytest.mark.parametrize(("realm", "username"), [("person", "mohammed"), ("staff", "officer")])
def test_who_is_signed_in_is_one_query(app_world, realm, username):
    """Every event asks who is signed in: one query for the session and what is checked of
    its owner; the principal itself is read only when a use case asks for it."""
    caller = getattr(app_world, realm)(username)
    with app_world.db() as session:
        with selects_sent(app_world.engine) as selects:
            who = resolve_caller(session, caller, realm=realm, now=unit.CLOCK.now(),
                                 touch=False)
            person_id = who.person_id if realm == "person" else None
        assert len(selects) == 1, selects
        with selects_sent(app_world.engine) as principal_read:
            principal = who.principal
        assert len(principal_read) == 1, principal_read
        assert who.principal is principal  # read once
    if realm == "person":
        assert (principal.username, principal.person_id) == (username, person_id)
    else:
        assert principal.username == username and who.staff is principal


def test_a_session_stops_working_when_its_account_is_no_longer_active(app_world):
    """The owner's status is read with the session: a locked account's session is refused at
    the next event, although its principal is no longer read then."""
    caller = app_world.person("khalid")
    assert run(chrome.person_chrome, caller).name_en
    with app_world.db() as session:
        account = session.exec(select(Account).where(Account.username == "khalid")).one()
        account.status = AccountStatus.LOCKED
        session.add(account)
        session.commit()
    with pytest.raises(SignInRequired):
        run(chrome.person_chrome, caller)
