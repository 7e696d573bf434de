"""Per-person state has one owner: the people signed in, in this tab, now.

Reflex keeps every page state per browser tab (its client token, which survives sign-out,
reloads and the next person's sign-in in the same tab) and sends the whole tree to the browser
each time a page loads (hydration). So whatever a page state holds about a person must be
emptied before anyone else can see the tab: `reset_tab` empties every state of the portal
except the tab's language. It runs

- at sign-out, at the end of an idle or over-long session, and when a handler finds the
  session gone (`SignInRequired`, in absher_app.state.events);
- at every hydration whose signed-in sessions differ from those the tab's states were filled
  for (`TabOwnership`, a Reflex middleware): a new person signed in, someone signed out, or
  the session ended elsewhere ("sign out everywhere", its 12 hours, idleness) — checked in the
  database, before the snapshot leaves the server.
"""

from __future__ import annotations

import functools

import reflex as rx
from reflex_base import constants

from absher_app.application.identity import Caller
from absher_app.application.session import tab_owner
from absher_app.application.unit import run_async

# A browser's language belongs to the tab, not to the person signed in.
KEPT_STATES = frozenset({"LanguageState"})


class TabOwnerState(rx.State):
    """The stamp of the sessions the tab's states were filled for (a keyed digest of the live
    session tokens; "" when nobody is signed in). Backend-only: never sent to the browser."""

    _owner: str = ""


@functools.cache
def person_states() -> tuple[type[rx.State], ...]:
    """Every state of the portal that may hold something of a person (all but KEPT_STATES):
    the portal's subclasses of rx.State, found through Python's own class registry."""
    found, todo = [], list(rx.State.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("absher_app.") and cls.__name__ not in KEPT_STATES \
                and not cls._mixin:
            found.append(cls)
    # A state that also derives from a mixin state (FormState) is found through both.
    return tuple(sorted(set(found), key=lambda cls: cls.get_full_name()))


# Reflex keeps the page's route in fields of every state; a reset leaves them alone.
ROUTER_FIELDS = frozenset((*constants.ROUTER_VARS, constants.ROUTER_DATA))


@functools.cache
def _defaults(cls: type[rx.State]) -> tuple[tuple[str, object], ...]:
    """The fields `BaseState.reset` sets on `cls` (the state's own, but the route's), each with
    its default, made once: they are only compared, never handed to a state."""
    return tuple((name, field.default_value()) for name, field in cls.__fields__.items()
                 if field._owner is cls and name not in ROUTER_FIELDS)


def _holds_anything(state: rx.State) -> bool:
    """Whether any field of `state` differs from its default: only those need a reset.

    A reset deep-copies every default of the state; at each sign-in, 40 states did so although
    most had never been used in the tab (7 % of the worker's time in the bench's journey).
    A field equal to its default holds nothing of anyone, so skipping it changes nothing.
    Reflex keeps a field's value in the state's __dict__ once it is read or set (until then
    the field is its default): reading them there spares Reflex's proxies of mutable values.
    The defaults compared with are made once per class (making them at each check cost
    0.6 ms of every page load that changed the tab's owner).
    """
    cls = state.__class__  # the state's class, also through a background task's proxy
    values = getattr(state, "__wrapped__", state).__dict__
    return any(name in values and values[name] != default for name, default in _defaults(cls))


async def reset_tab(state: rx.State) -> None:
    """Empty every per-person state of this tab (the owner stamp too: nobody's).

    `state` is any state of the tab, locked (or a background proxy inside `async with`).
    """
    for cls in person_states():
        substate = await state.get_state(cls)
        if _holds_anything(substate):
            substate.reset()


async def claim_tab(state: rx.State, tokens: dict[str, str]) -> None:
    """At hydration: when the tab's states were filled for other live sessions than the
    cookies now prove (`tokens`), empty them, and record whose they are now."""
    stamp = await run_async(tab_owner, Caller(tokens=tokens)) if tokens else ""
    holder = await state.get_state(TabOwnerState)
    if holder._owner != stamp:
        await reset_tab(state)
        holder._owner = stamp
