"""The staff role guard, at the level where it holds for every staff action: the use case.

Every use case of the staff realm declares the permission it needs (or is one of the few any
staff member may run), and `unit.run` refuses it to nobody, to a signed-in citizen and to
staff whose role lacks the permission -- recording each refusal in the staff audit trail --
before the use case reads or changes anything. (tests/unit/state/test_staff_guard.py proves
every staff page handler goes through such a use case.)
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from absher_app import application
from absher_app.application import session as chrome
from absher_app.application import staff as staff_usecases
from absher_app.application import unit
from absher_app.application.identity import Caller, NotAllowed, SignInRequired
from absher_app.domain import backoffice, staff
from absher_app.models import StaffEvent, StaffMember

# Staff use cases that any staff member may run, whatever their role, and why.
ANY_STAFF = {
    "session.staff_chrome": "the header and idle timer of every staff page: who is signed in",
    "session.IDLE_STATUS": "the idle timer's look at the staff session (no record is read)",
    "staff_dashboard.console_figures": "the console's charts: each section filtered by role",
}
# A demo staff member whose role lacks each permission.
WITHOUT = {staff.ACTIVATE_ACCOUNTS: "officer", staff.REVIEW_REQUESTS: "clerk",
           staff.ANSWER_MESSAGES: "manager", staff.MANAGE_BRANCHES: "clerk"}
# The domain's back-office actions: a refused caller must never reach one.
TRAPPED = {staff: ("find_for_activation", "activate_at_office", "awaiting_decision",
                   "deliveries_under_way", "open_request", "decide_request",
                   "advance_delivery"),
           backoffice: ("inbox", "open_message", "attachment_for_staff", "answer_message",
                        "mark_needs_visit", "close_message", "managed_branches", "branch_day",
                        "set_capacity", "close_day", "reopen_day", "check_in")}


def declared_use_cases() -> list[tuple[str, object]]:
    """(module.name, function) of every declared use case of the application layer."""
    found = {}
    for info in pkgutil.iter_modules(application.__path__):
        module = importlib.import_module(f"{application.__name__}.{info.name}")
        for name, value in vars(module).items():
            if callable(value) and hasattr(value, "__use_case__"):
                found[id(value)] = (f"{info.name}.{name}", value)
    for realm_use_case in chrome.IDLE_STATUS.values():  # kept in a dict only
        found[id(realm_use_case)] = ("session.IDLE_STATUS", realm_use_case)
    return sorted(found.values(), key=lambda item: item[0])


def staff_use_cases() -> list[tuple[str, object]]:
    return [(name, fn) for name, fn in declared_use_cases()
            if unit.declared(fn).realm == "staff"]


def guarded() -> list[tuple[str, object]]:
    return [(name, fn) for name, fn in staff_use_cases() if name not in ANY_STAFF]


def test_the_walk_finds_the_staff_use_cases():
    names = {name for name, _ in staff_use_cases()}
    assert {"staff.find_for_activation", "staff.reject_request", "staff.close_message",
            "staff.set_capacity", "session.staff_chrome"} <= names
    # The staff module lists every use case it declares (the page walk relies on it).
    module_cases = {fn for _, fn in staff_use_cases() if fn.__module__ == staff_usecases.__name__}
    assert module_cases == set(staff_usecases.USE_CASES)


@pytest.mark.parametrize("name, fn", staff_use_cases(), ids=[n for n, _ in staff_use_cases()])
def test_every_staff_use_case_declares_a_known_permission(name, fn):
    permission = unit.declared(fn).permission
    if name in ANY_STAFF:
        assert permission is None, f"{name} is for any staff: drop it from ANY_STAFF"
    else:
        assert permission in staff.PERMISSIONS, f"{name} must declare its staff permission"


def refusals(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(StaffEvent).where(
            StaffEvent.kind == "access_refused")).one()


@pytest.fixture
def trapped(app_world, monkeypatch):
    """The app world with every back-office action booby-trapped, and a staff member whose
    role has no permission at all."""
    for module, names in TRAPPED.items():
        for action in names:
            def trap(*_args, _name=f"{module.__name__}.{action}", **_kwargs):
                raise AssertionError(f"{_name} ran for a refused caller")
            monkeypatch.setattr(module, action, trap)
    with app_world.db() as db:
        db.add(StaffMember(username="retired.one", role="retired", password_hash="x",
                           totp_secret="JBSWY3DPEHPK3PXP"))
        db.commit()
    return app_world


class Untouchable:
    """An input a refused use case must never look at."""

    def __getattr__(self, name):
        raise AssertionError(f"the refused use case read its input ({name})")


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name, fn", guarded(), ids=[n for n, _ in guarded()])
def test_run_refuses_nobody_citizens_and_the_wrong_role_and_records_it(trapped, name, fn):
    permission = unit.declared(fn).permission
    arity = len(inspect.signature(fn).parameters) - 2  # after tx and who
    inputs = [Untouchable()] * arity
    callers = [("nobody", Caller(where=name), SignInRequired),
               ("a forged cookie", Caller(tokens={"staff": "forged"}), SignInRequired),
               ("a citizen", trapped.person("imran"), NotAllowed),
               ("a citizen with a forged staff cookie",
                Caller(tokens={**trapped.person("ahmed").tokens, "staff": "forged"}),
                NotAllowed),
               ("staff without the role", trapped.staff(WITHOUT[permission]), NotAllowed),
               ("staff with no role at all", trapped.staff("retired.one"), NotAllowed)]
    for who, caller, refusal in callers:
        before = refusals(trapped.engine)
        with pytest.raises(refusal):
            trapped.run(fn, caller, *inputs)
        assert refusals(trapped.engine) == before + 1, f"{who}: the refusal was not recorded"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_any_staff_use_cases_still_refuse_citizens_and_nobody(trapped):
    for fn in (chrome.staff_chrome, chrome.IDLE_STATUS["staff"]):
        with pytest.raises(SignInRequired):
            trapped.run(fn, Caller())
        with pytest.raises(NotAllowed):
            trapped.run(fn, trapped.person("imran"))
        assert trapped.run(fn, trapped.staff("retired.one")).realm == "staff"


def test_an_unknown_permission_is_a_programming_error(app_world):
    refused = unit.use_case(realm="staff", permission="everything")(lambda tx, who: None)
    with pytest.raises(ValueError):
        app_world.run(refused, app_world.staff("clerk"))


def _unit_test_sources() -> str:
    tests = Path(__file__).resolve().parents[2]
    return "\n".join(path.read_text(encoding="utf-8")
                     for folder in ("unit", "security") for path in (tests / folder).rglob("*.py"))


def test_every_use_case_is_called_by_name_in_a_unit_test():
    sources = _unit_test_sources()
    untested = [name for name, fn in declared_use_cases()
                if "." in name and fn.__name__ == name.split(".")[1]
                and not re.search(rf"\b{re.escape(fn.__name__)}\b", sources)]
    assert untested == []
