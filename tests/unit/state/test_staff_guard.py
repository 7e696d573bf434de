"""Every staff page handler goes through a staff use case, so the role guard of `unit.run`
(tests/unit/application/test_staff_guard.py) holds for every one of them.

The staff page states are found by walking the app's states, so a new staff page
(`absher_app/pages/staff_*.py`) is checked without being listed. Each handler (page loaders
included) is called as the browser would call it, through the event pipeline, with a
well-formed payload:
- the use cases it runs are recorded: each must be of the staff realm and declare the
  permission it needs (or be one of the few any staff member may run);
- with no session, with a signed-in citizen's session and with a staff session whose role has
  no permission, it must answer with the refusal redirect (the staff sign-in, or "not
  allowed") and the refusal must be in the staff audit trail -- and no back-office action may
  have run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import typing
from types import SimpleNamespace

import pytest
import reflex as rx
from reflex.utils import format as rx_format

import absher_app.absher_app  # noqa: F401  (imports every page, hence every state)
from absher_app import routes
from absher_app.application import unit
from absher_app.application.identity import SESSION_COOKIES
from absher_app.application.inputs import Bounded, Form
from absher_app.domain import staff
from absher_app.state.session import SessionState
from tests.own_loop import run_in_own_loop
from tests.unit.application.conftest import app_world  # noqa: F401 (a fixture)
from tests.unit.application.test_staff_guard import refusals, trapped  # noqa: F401
from tests.unit.test_state_secrets import app_states

# The only staff state without the guard: the sign-in itself (it checks the password).
PUBLIC_STATES = {"SignInState"}
# Handlers any staff member may run, whatever their role.
ANY_STAFF = {("SessionState", "require_staff"),
             # The console's charts: any staff; each section is filtered by role in the use case.
             ("StaffDashboardState", "load")}
# Handlers that read and change no record (so run no use case), and why.
UNGUARDED: dict[tuple[str, str], str] = {
    ("StaffThreadState", "ask_close"):
        "shows or hides the confirmation before closing; the closing itself is guarded",
    ("StaffBranchState", "ask_close"):
        "shows or hides the confirmation before closing a day; the closing itself is guarded",
}
# Payload values for bounded string arguments with a pattern (by pattern).
PATTERN_EXAMPLES = {r"[A-Z0-9]{1,12}": "ABD1234", "warn|end": "warn"}
BUILTIN = set(rx.State.event_handlers)


def staff_states() -> list[type[rx.State]]:
    found = [cls for cls in app_states()
             if cls.__module__.startswith("absher_app.pages.staff_") or cls is SessionState]
    # Sorted: the walk's order varies between processes (parallel workers must agree).
    return sorted((cls for cls in found if cls.__name__ not in PUBLIC_STATES),
                  key=lambda cls: cls.get_full_name())


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
    assert set(UNGUARDED) <= handlers


def sample(kind, where: str):
    """A well-formed value of what a handler declares (as the browser would send it)."""
    if typing.get_origin(kind) is typing.Annotated:
        base, *extras = typing.get_args(kind)
        pattern = next((e.pattern for e in extras if isinstance(e, Bounded) and e.pattern),
                       None)
        if pattern is None:
            return sample(base, where)
        assert pattern in PATTERN_EXAMPLES, f"{where}: add an example for {pattern!r}"
        return PATTERN_EXAMPLES[pattern]
    if isinstance(kind, type) and issubclass(kind, Form):
        hints = typing.get_type_hints(kind)
        return {f.name: "yes" if hints[f.name] is bool else "x"
                for f in dataclasses.fields(kind)}
    return {bool: True, int: 1, str: "x"}[kind]


def payload(cls: type[rx.State], name: str) -> dict:
    fn = cls.event_handlers[name].fn
    original = getattr(fn, "__wrapped__", fn)
    hints = typing.get_type_hints(original, include_extras=True)
    params = list(inspect.signature(original).parameters)[1:]
    return {p: sample(hints[p], f"{cls.__name__}.{name}.{p}") for p in params}


class OtherState(SimpleNamespace):
    """Another state of the tab: the language; no fields that hold anything to empty."""

    __fields__: typing.ClassVar[dict] = {}


class FakeState:
    """What a handler reads of its state: the router (the socket's cookies), the language,
    the tab's other states (emptied when the session is refused), the state class's own
    defaults (backend vars too) and helper methods."""

    def __init__(self, cookie: str, cls: type[rx.State]) -> None:
        self._cls = cls
        for name, field in cls.get_fields().items():  # backend vars (_name) too
            with contextlib.suppress(Exception):
                object.__setattr__(self, name, field.default_value())
        self.router = SimpleNamespace(
            headers=SimpleNamespace(raw_headers={"cookie": cookie} if cookie else {},
                                    user_agent="pytest"),
            session=SimpleNamespace(client_ip="127.0.0.1"),
            url=SimpleNamespace(path="/staff/requests/7000000001", query_parameters={}))

    async def get_state(self, cls):
        return OtherState(lang="en", reset=lambda: None)

    @classmethod
    def get_fields(cls):
        return {}

    def __getattr__(self, name: str):
        attr = getattr(self._cls, name)  # a helper method of the state class
        return attr.__get__(self) if inspect.isfunction(attr) else attr


async def _first_answer(result):
    if inspect.isasyncgen(result):
        async for item in result:
            if item is not None:
                return item
        return None
    if inspect.iscoroutine(result):
        return await result
    return result


def call(cls: type[rx.State], name: str, cookie: str):
    handler = cls.event_handlers[name].fn
    return run_in_own_loop(_first_answer(handler(FakeState(cookie, cls),
                                                 **payload(cls, name))))


@pytest.fixture
def world(trapped, monkeypatch):
    """A citizen session, a staff session whose role has no permission, every back-office
    action booby-trapped (`trapped`), and every use case a handler runs recorded."""
    ran: list = []
    real_run = unit.run

    def recording_run(fn, caller, *inputs, **kwargs):
        ran.append(fn)
        return real_run(fn, caller, *inputs, **kwargs)

    monkeypatch.setattr(unit, "run", recording_run)
    citizen = trapped.person("mohammed").tokens["person"]
    retired = trapped.staff("retired.one").tokens["staff"]
    return SimpleNamespace(engine=trapped.engine, ran=ran,
                           citizen=f"{SESSION_COOKIES['person']}={citizen}",
                           staff=f"{SESSION_COOKIES['staff']}={retired}")


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("cls, name", staff_handlers(),
                         ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_every_staff_handler_runs_a_staff_use_case_that_refuses_and_records(world, cls, name):
    key = (cls.__name__, name)
    if key in UNGUARDED:
        call(cls, name, "")  # must not raise
        assert world.ran == [], f"{key} is listed as reading no record but ran a use case"
        return
    cases = [("nobody", "", routes.STAFF_LOGIN),
             ("citizen", world.citizen, routes.STAFF_NOT_ALLOWED)]
    if key not in ANY_STAFF:
        cases.append(("staff without the role", world.staff, routes.STAFF_NOT_ALLOWED))
    for who, cookie, where in cases:
        world.ran.clear()
        before = refusals(world.engine)
        answer = call(cls, name, cookie)
        assert world.ran, f"{who}: {key} ran no use case"
        for fn in world.ran:
            declared = unit.declared(fn)
            assert declared.realm == "staff", f"{key} runs {fn.__name__}, not a staff use case"
            assert declared.permission in staff.PERMISSIONS or key in ANY_STAFF, \
                f"{key} runs {fn.__name__}, which declares no staff permission"
        assert answer is not None, f"{who}: {key} answered nothing"
        assert f'path:"{where}"' in rx_format.format_event(answer), (who, key)
        assert refusals(world.engine) == before + 1, f"{who}: the refusal was not recorded"

