"""The staff role guard, on the server, in every staff handler.

Every event handler (page loaders included) of every staff state is called as the browser
would call it: with no session, with a signed-in citizen's session, and with a staff session
whose role has no permission. Each must answer with the refusal redirect, log the refusal, and
touch nothing. The staff states are found by walking the app's states, so a new staff page
(`absher_app/pages/staff_*.py`) whose handler lacks the check fails here.
"""

from __future__ import annotations

import contextlib
import inspect
from types import SimpleNamespace

import pytest
import reflex as rx
from reflex.utils import format as rx_format
from sqlmodel import Session, func, select

import absher_app.absher_app  # noqa: F401  (imports every page, hence every state)
from absher_app import routes
from absher_app.application import unit
from absher_app.domain import accounts, backoffice, staff
from absher_app.domain.demo import demo_ids, load_demo
from absher_app.models import Account, StaffEvent, StaffMember
from absher_app.state import staff_session
from absher_app.state.session import SESSION_COOKIE, SessionState
from absher_app.state.staff_session import STAFF_SESSION_COOKIE
from tests.own_loop import run_in_own_loop
from tests.unit.domain.test_requests import NOW, TODAY
from tests.unit.test_state_secrets import app_states

# The only staff state without the guard: the sign-in itself (it checks the password).
PUBLIC_STATES = {"SignInState"}
# Handlers any staff member may run, whatever their role.
ANY_STAFF = {("SessionState", "require_staff"),
             # The console's charts: any staff; each section is filtered by role in the use case.
             ("StaffDashboardState", "load")}
# Handlers that need no session at all, and why.
UNGUARDED: dict[tuple[str, str], str] = {}
# The back-office actions a refused handler must never reach.
ACTIONS = ("find_for_activation", "activate_at_office", "awaiting_decision",
           "deliveries_under_way", "open_request", "decide_request", "advance_delivery")
# The same for the messages inbox and branch pages (domain/backoffice.py).
BACKOFFICE_ACTIONS = ("inbox", "open_message", "answer_message", "mark_needs_visit",
                      "close_message", "managed_branches", "branch_day", "set_capacity",
                      "close_day", "reopen_day", "check_in")
BUILTIN = set(rx.State.event_handlers)


def staff_states() -> list[type[rx.State]]:
    found = [cls for cls in app_states()
             if cls.__module__.startswith("absher_app.pages.staff_") or cls is SessionState]
    return [cls for cls in found if cls.__name__ not in PUBLIC_STATES]


def staff_handlers() -> list[tuple[type[rx.State], str]]:
    # The chrome's session state serves both realms: only its staff guard is a staff handler.
    return [(cls, name) for cls in staff_states() for name in sorted(cls.event_handlers)
            if name not in BUILTIN and (cls is not SessionState or name == "require_staff")]


def test_the_walk_finds_every_staff_state_and_handler():
    names = {cls.__name__ for cls in staff_states()}
    assert {"SessionState", "StaffActivationState", "StaffQueueState",
            "StaffReviewState", "StaffInboxState", "StaffThreadState",
            "StaffBranchState"} <= names
    handlers = {(cls.__name__, name) for cls, name in staff_handlers()}
    assert {("StaffActivationState", "activate"), ("StaffReviewState", "reject"),
            ("StaffReviewState", "load"), ("StaffQueueState", "load"),
            ("StaffInboxState", "load"), ("StaffInboxState", "choose_status"),
            ("StaffThreadState", "load"), ("StaffThreadState", "answer"),
            ("StaffThreadState", "mark_needs_visit"), ("StaffThreadState", "close"),
            ("StaffBranchState", "load"), ("StaffBranchState", "close_day"),
            ("StaffBranchState", "set_capacity"), ("StaffBranchState", "check_in")} <= handlers


class FakeState:
    """What a handler reads of its state before the guard lets it go on: the router, the
    language, the tab's other states (emptied when the session is refused), and the state
    class's own defaults and helper methods."""

    def __init__(self, cookie: str, path: str = "/staff/requests/7000000001",
                 cls: type[rx.State] | None = None) -> None:
        self._cls = cls
        if cls is not None:
            for name, field in cls.get_fields().items():
                with contextlib.suppress(Exception):
                    object.__setattr__(self, name, field.default_value())
        self.router = SimpleNamespace(
            headers=SimpleNamespace(raw_headers={"cookie": cookie} if cookie else {},
                                    user_agent="pytest"),
            session=SimpleNamespace(client_ip="127.0.0.1"),
            url=SimpleNamespace(path=path, query_parameters={}))

    async def get_state(self, cls):
        return SimpleNamespace(lang="en", reset=lambda: None)

    def __getattr__(self, name: str):
        attr = getattr(self._cls, name)  # a helper method of the state class
        return attr.__get__(self) if inspect.isfunction(attr) else attr


def _argument(param: inspect.Parameter):
    if param.annotation in (dict, "dict"):
        return {"id_number": demo_ids()["c9"], "confirm": "yes", "reason": "because"}
    return "x"


async def _first_answer(result):
    if inspect.isasyncgen(result):
        async for item in result:
            if item is not None:
                return item
        return None
    if inspect.iscoroutine(result):
        return await result
    if inspect.isgenerator(result):
        return next((item for item in result if item is not None), None)
    return result


def call(cls: type[rx.State], name: str, cookie: str):
    fn = cls.event_handlers[name].fn
    params = list(inspect.signature(fn).parameters.values())[1:]
    state = FakeState(cookie, cls=cls)
    return run_in_own_loop(_first_answer(fn(state, *[_argument(p) for p in params])))


def redirect_path(answer) -> str:
    assert answer is not None, "the handler answered nothing: it went on without the guard"
    return rx_format.format_event(answer)


@pytest.fixture
def world(engine, monkeypatch):
    """Demo data, a citizen session, a staff session whose role has no permission; the guard
    on this database; every back-office action booby-trapped."""
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session, TODAY)
        citizen = session.exec(select(Account).where(Account.username == "mohammed")).one()
        citizen_token = accounts.redeem_sign_in_ticket(
            session, accounts.issue_sign_in_ticket(session, citizen, now=NOW), now=NOW)
        member = StaffMember(username="nobody.staff", role="retired", password_hash="x",
                             totp_secret="JBSWY3DPEHPK3PXP")
        session.add(member)
        session.flush()
        staff_token = staff.redeem_ticket(session, staff.issue_ticket(session, member, now=NOW),
                                          now=NOW)
        session.commit()

    @contextlib.contextmanager
    def scope():
        with Session(engine, expire_on_commit=False) as s:
            yield s
            s.commit()

    monkeypatch.setattr(staff_session, "session_scope", scope)
    monkeypatch.setattr(staff_session.CLOCK, "now", lambda: NOW)
    monkeypatch.setattr(unit, "session_scope", scope)
    monkeypatch.setattr(unit, "CLOCK", SimpleNamespace(now=lambda: NOW))
    for action in ACTIONS:
        def trap(*_a, _name=action, **_k):
            raise AssertionError(f"{_name} ran for a refused caller")
        monkeypatch.setattr(staff, action, trap)
    for action in BACKOFFICE_ACTIONS:
        def trap(*_a, _name=action, **_k):
            raise AssertionError(f"backoffice.{_name} ran for a refused caller")
        monkeypatch.setattr(backoffice, action, trap)
    return SimpleNamespace(engine=engine, citizen=f"{SESSION_COOKIE}={citizen_token}",
                           staff=f"{STAFF_SESSION_COOKIE}={staff_token}")


def refusals(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(StaffEvent).where(
            StaffEvent.kind == "access_refused")).one()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("cls, name", staff_handlers(),
                         ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_every_staff_handler_refuses_and_logs(world, cls, name):
    key = (cls.__name__, name)
    cases = [("nobody", "", routes.STAFF_LOGIN),
             ("citizen", world.citizen, routes.STAFF_NOT_ALLOWED)]
    if key not in ANY_STAFF:
        cases.append(("staff without the role", world.staff, routes.STAFF_NOT_ALLOWED))
    for who, cookie, where in cases:
        if key in UNGUARDED:
            call(cls, name, cookie)  # must not raise (it touches no record)
            continue
        before = refusals(world.engine)
        answer = redirect_path(call(cls, name, cookie))
        assert f'path:"{where}"' in answer, (who, answer)
        assert refusals(world.engine) == before + 1, f"{who}: the refusal was not logged"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_guard_lets_the_right_role_through(world, engine):
    with Session(engine, expire_on_commit=False) as session:
        member, _ = staff.create_staff(session, "clerk.ok", "activation_clerk",
                                       password="Counter staff 2026 pass",
                                       confirm="Counter staff 2026 pass", now=NOW)
        token = staff.redeem_ticket(session, staff.issue_ticket(session, member, now=NOW),
                                    now=NOW)
        session.commit()
    state = FakeState(f"{STAFF_SESSION_COOKIE}={token}; {world.citizen}")
    who, refusal = run_in_own_loop(staff_session.staff_guard(state, staff.ACTIVATE_ACCOUNTS))
    assert refusal is None and who.username == "clerk.ok"
    who, refusal = run_in_own_loop(staff_session.staff_guard(state, staff.REVIEW_REQUESTS))
    assert who is None and 'path:"/staff/not-allowed"' in rx_format.format_event(refusal)
    with pytest.raises(ValueError):
        run_in_own_loop(staff_session.staff_guard(state, "everything"))
