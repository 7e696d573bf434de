"""Security suite — forged socket events, as an attacker's own client would send them.

Every registered handler of every state of the portal gets a set of wrong payloads (wrong
types, missing and extra keys, huge strings, payloads that are not objects), plus events
naming no handler and Reflex's generic `setvar`. (Well-formed events naming other people's
records are the IDOR matrix's: test_security_idor.py.) Then:
- the server log holds no traceback (each refusal is one line);
- nothing changed: not one delta reached the client for the forged events (Reflex sends
  nothing for an event that changes nothing), though a real event right after them answers;
- the page still works.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import typing

import pytest

import absher_app.absher_app  # noqa: F401  (registers every state)
from absher_app.application.inputs import Bounded, Form, FormFields, Rejections
from absher_app.domain.demo import DEMO_PASSWORD
from absher_app.state.tab import person_states
from bench import loadgen
from tests.e2e.helpers import last_message_id, latest_code
from tests.e2e.messaging import mobile_of
from tests.own_loop import run_in_own_loop

pytestmark = pytest.mark.e2e
HUGE = "x" * 300_000
HUGE_FORM = 600_000  # characters over all the fields of one forged form
LANGUAGE = f"{loadgen.ROOT}.absher_app___state___language____language_state"


def wrong_values(kind) -> list:
    """Values of the wrong type or size for an argument declared as `kind`."""
    if typing.get_origin(kind) is typing.Annotated:
        base, *extras = typing.get_args(kind)
        bound = next((e for e in extras if isinstance(e, Bounded)), None)
        return wrong_values(base) + ([HUGE[:bound.max_length + 1]] if bound else [])
    if isinstance(kind, type) and issubclass(kind, Form):
        names = [f.name for f in dataclasses.fields(kind)]
        return ["text", 12, [1, 2], None, {"no_such_field": "x"},
                {name: 12345 for name in names},
                # Each field far past its bound, the message within the socket's 1 MB (a larger
                # one closes the socket before any handler sees it).
                {name: HUGE[:HUGE_FORM // len(names)] for name in names},
                loadgen.form(no_such_field="x")]
    if isinstance(kind, type) and issubclass(kind, FormFields):
        return ["text", [1], {"Bad Name!": "x"}, {"a": HUGE}, {f"k{i}": "x" for i in range(500)}]
    if isinstance(kind, type) and issubclass(kind, Rejections):
        return ["text", [{"errors": "x"}], [{"errors": [{"code": 5}]}] * 3, {"a": 1}]
    if kind is int:
        return ["1", 1.5, True, None, [1], 2**80]
    if kind is bool:
        return ["yes", 1, None]
    if kind is str:
        return [12, None, ["x"], {"a": "b"}, HUGE]
    return [None, "x", 1]


def handlers() -> list[tuple[str, list[dict]]]:
    """(full event name, forged payloads) for every handler of the portal's states."""
    from absher_app.state.events import _decoders

    found = []
    for cls in person_states():
        for name, handler in cls.event_handlers.items():
            if name in ("setvar",) or name.startswith("set_is_hydrated"):
                continue
            original = getattr(handler.fn, "__wrapped__", handler.fn)
            try:
                _, kinds = _decoders(original)
            except TypeError:
                kinds = {p: typing.Any for p in list(
                    inspect.signature(original).parameters)[1:]}
            payloads: list = [{"zzz_extra": 1}]
            if kinds:
                payloads.append({})  # every argument missing
                first = next(iter(kinds))
                for arg, kind in kinds.items():
                    for value in wrong_values(kind):
                        payloads.append({**{a: None for a in kinds if a != arg}, arg: value}
                                        if len(kinds) > 1 else {arg: value})
                payloads.append({first: "x", "zzz_extra": 1})
            found.append((f"{cls.get_full_name()}.{name}", payloads))
    return found


async def _barrage(app_url: str, app_env: dict[str, str]) -> tuple[int, list[dict], bool]:
    origin = app_url
    tab = loadgen.Session(app_url, origin, timeout=60)
    stats = loadgen.Stats()
    mobile = mobile_of("r2")
    before = last_message_id(app_env)

    async def read_code():
        return await asyncio.to_thread(latest_code, app_env, mobile, before)

    await tab.sign_in("ahmed", DEMO_PASSWORD, read_code, stats)
    await tab.dashboard()
    sent = 0
    changes: list[dict] = []
    original = tab._on_update

    def record(update):
        changes.append(update.get("delta") or {})
        original(update)

    tab.sio.handlers[loadgen.NAMESPACE]["event"] = record
    events = handlers()
    for name, payloads in events:
        for payload in payloads:
            await tab.sio.emit("event", {"name": name, "payload": payload,
                                         "router_data": loadgen.router(tab.path)},
                               namespace=loadgen.NAMESPACE)
            sent += 1
    for name, payload in [
        (f"{loadgen.ROOT}.no_such_handler", {}), ("nonsense", {}),
        (f"{LANGUAGE}.setvar", {"var_name": "lang", "value": "xx"}),
        (f"{loadgen.SESSION}.setvar", {"var_name": "signed_in", "value": True}),
        (f"{loadgen.SESSION}.sign_out", "not an object"),
        (f"{loadgen.SESSION}.idle_check", [1, 2, 3]),
    ]:
        await tab.sio.emit("event", {"name": name, "payload": payload,
                                     "router_data": loadgen.router(tab.path)},
                           namespace=loadgen.NAMESPACE)
        sent += 1
    # A real event after them all: the socket's events are handled in order, so once its
    # answer is here every forged one before it has been handled.
    await tab.send(f"{LANGUAGE}.set_language", {"lang": "en"},
                   lambda: tab.var(LANGUAGE, "lang") == "en", timeout=600)
    forged_changes = [c for c in changes if c and set(c) != {LANGUAGE}]
    works = await tab.dashboard() > 0
    await tab.close()
    return sent, forged_changes, works


def test_forged_events_change_nothing_and_raise_nothing(app_url, app_env, app_server):
    log = app_server.log_path if app_server else None
    start = log.stat().st_size if log else 0
    sent, changes, works = run_in_own_loop(_barrage(app_url, app_env))
    assert sent > 500, sent
    assert changes == [], f"forged events changed state: {changes[:3]}"
    assert works
    if log:
        text = log.read_text(errors="replace")[start:]
        assert "Traceback" not in text, text[text.index("Traceback"):][:3000]
        assert text.count("refused event") >= sent // 2
