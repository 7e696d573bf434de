"""The staff back office's pieces of the one page shell (absher_app.components.layout)."""

from __future__ import annotations

import functools

import reflex as rx

from absher_app.components.layout import page_layout, role_label
from absher_app.state.language import is_english, t
from absher_app.state.session import SessionState

# A full staff page whose only h1 is its title: the shell with the back office's header.
staff_page = functools.partial(page_layout, realm="staff")


def staff_office() -> rx.Component:
    """The signed-in staff member's office (headquarters when none)."""
    return rx.cond(SessionState.office_ar != "",
                   rx.cond(is_english(), SessionState.office_en, SessionState.office_ar),
                   t("staff.office.hq"))


def both_langs(ar: rx.Var, en: rx.Var) -> rx.Var:
    """One of two state strings, by the current language."""
    return rx.cond(is_english(), en, ar)


__all__ = ["both_langs", "role_label", "staff_office", "staff_page"]
