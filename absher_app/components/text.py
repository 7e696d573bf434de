"""Catalogue strings with values filled in at render time."""

from __future__ import annotations

import reflex as rx

from absher_app.i18n import AR, EN
from absher_app.state.language import is_english


def _fill(template: str, values: dict[str, rx.Var | str]) -> rx.Component:
    parts: list[rx.Var | str] = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        parts += [before, values[name]]
    parts.append(rest)
    return rx.fragment(*[p for p in parts if not (isinstance(p, str) and p == "")])


def t_with(key: str, ar: dict[str, rx.Var | str], en: dict[str, rx.Var | str] | None = None
           ) -> rx.Component:
    """The string `key` with its `{placeholders}` filled from vars (per language if they differ)."""
    return rx.cond(is_english(), _fill(EN[key], en if en is not None else ar), _fill(AR[key], ar))


def bilingual(ar: rx.Var | str, en: rx.Var | str) -> rx.Var:
    """One of two texts (state vars), by the current language."""
    return rx.cond(is_english(), en, ar)
