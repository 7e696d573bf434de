"""Emptying a tab (absher_app.state.tab.reset_tab): every field of every per-person state that
holds anything goes back to its default; states that hold nothing are left as they are (a
reset deep-copies every default, and a sign-in used to pay that for all 40 states)."""

from __future__ import annotations

import pytest
import reflex as rx

import absher_app.absher_app  # noqa: F401  (imports every page, hence every state)
from absher_app.state import tab
from tests.own_loop import run_in_own_loop


class Held:
    """A value no field has by default."""

    def __eq__(self, other: object) -> bool:
        return other is self

    __hash__ = object.__hash__


def own_fields(cls: type[rx.State]) -> list[str]:
    return [name for name, field in cls.__fields__.items()
            if field._owner is cls and name not in tab.ROUTER_FIELDS]


def tab_states() -> rx.State:
    return rx.State(_reflex_internal_init=True)


def test_a_new_tab_holds_nothing_so_a_sign_in_resets_nothing():
    async def check():
        root = tab_states()
        return [cls.__name__ for cls in tab.person_states()
                if tab._holds_anything(await root.get_state(cls))]
    assert run_in_own_loop(check()) == []


@pytest.mark.parametrize("cls", tab.person_states(), ids=lambda cls: cls.__name__)
def test_any_field_holding_something_is_emptied(cls):
    async def check():
        root = tab_states()
        state = await root.get_state(cls)
        emptied = []
        for name in own_fields(cls):
            object.__setattr__(state, name, Held()) if name.startswith("_") else \
                setattr(state, name, Held())
            assert tab._holds_anything(state), name
            await tab.reset_tab(root)
            emptied.append(not isinstance(getattr(state, name), Held))
        return emptied
    emptied = run_in_own_loop(check())
    assert emptied and all(emptied)
