"""Amounts of money as people read them ("SAR 200" / "200 ريال")."""

from __future__ import annotations

import reflex as rx

from absher_app.components.text import t_with


def sar(amount: rx.Var[int] | int) -> rx.Component:
    """An amount in Saudi riyals, in the current language."""
    return t_with("wizard.sar", {"amount": amount}, {"amount": amount})
