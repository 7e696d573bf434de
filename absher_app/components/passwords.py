"""Password fields: the current password (re-authentication), and a new password with its live
strength meter (registration, recovery, changing it on the account page)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from absher_app.components.forms import field_error, text_field
from absher_app.state.language import t


def strength_meter(score: rx.Var) -> rx.Component:
    """Live password strength (zxcvbn score, -1 for none), announced politely."""
    return rx.el.div(
        rx.el.span(t("strength.label"), ": "),
        rx.match(score, *[(n, rx.el.strong(t(f"strength.{n}"))) for n in range(5)],
                 rx.el.span("—")),
        rx.el.meter(value=rx.cond(score < 0, 0, score + 1), min=0, max=5, low=2.5, high=3.5,
                    optimum=5, aria_hidden="true"),
        aria_live="polite",
        class_name="strength",
    )


def password_field(name: str, label_key: str, error: rx.Var,
                   autocomplete: str = "current-password", **props: Any) -> rx.Component:
    """A password input (kept as typed, left to right) that shows its own error."""
    return text_field(name, label_key, error, input_type="password", autocomplete=autocomplete,
                      dir="ltr", **props)


def new_password_field(name: str, label_key: str, error: rx.Var, score: rx.Var,
                       measure: rx.EventHandler) -> rx.Component:
    """A new password with the rules as its hint and a strength meter fed by `measure` (which
    receives what is typed, a quarter of a second after typing stops); shows its own error."""
    field_id = f"field-{name}"
    invalid = error["field"] == name
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="field-label"),
        rx.el.p(t("register.password_hint"), id=f"{field_id}-hint", class_name="field-hint"),
        field_error(error, name),
        rx.el.input(
            id=field_id, name=name, type="password", auto_complete="new-password", dir="ltr",
            aria_invalid=rx.cond(invalid, "true", "false"),
            aria_describedby=rx.cond(invalid, f"{field_id}-error {field_id}-hint",
                                     f"{field_id}-hint"),
            class_name=rx.cond(invalid, "field-input invalid", "field-input"),
            on_change=measure.debounce(250),
        ),
        strength_meter(score),
        class_name=rx.cond(invalid, "field field-has-error", "field"),
    )
