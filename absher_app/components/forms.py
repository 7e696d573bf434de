"""Form pieces in the GOV.UK pattern: label, hint, the field, its error; an error summary.

A form's error lives in its state as a `Problem` dict: {"ar": ..., "en": ..., "field": ...},
so it is shown in whichever language the person switches to.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from absher_app.domain.errors import DomainError
from absher_app.i18n import error_text
from absher_app.state.language import is_english, t

NO_PROBLEM: dict[str, str] = {"ar": "", "en": "", "field": ""}


def problem(error: DomainError, field: str = "") -> dict[str, str]:
    """The bilingual message for a domain error, attached to `field` (the input's name)."""
    return {"ar": error_text(error.code, "ar", **error.params),
            "en": error_text(error.code, "en", **error.params), "field": field}


def problem_for(code: str, field: str = "", **params: Any) -> dict[str, str]:
    """The bilingual message for an error code the UI itself raises."""
    return {"ar": error_text(code, "ar", **params), "en": error_text(code, "en", **params),
            "field": field}


def localized(message: rx.Var) -> rx.Var:
    """The current language's text of a Problem-like {"ar", "en"} dict var."""
    return rx.cond(is_english(), message["en"], message["ar"])


def error_summary(error: rx.Var) -> rx.Component:
    """The error box at the top of the form (role=alert), when there is an error."""
    return rx.cond(
        error["ar"] != "",
        rx.el.div(
            rx.el.p(localized(error), class_name="error-summary-text"),
            role="alert",
            class_name="error-summary",
        ),
        rx.fragment(),
    )


def text_field(name: str, label_key: str, error: rx.Var, *, hint_key: str | None = None,
               input_type: str = "text", autocomplete: str | None = None,
               test_id: str | None = None, default_value: str | rx.Var = "",
               dir: str | None = None, input_mode: str | None = None,
               max_length: int | None = None) -> rx.Component:
    """A labelled input whose label is its accessible name; shows its own error."""
    field_id = f"field-{name}"
    invalid = error["field"] == name
    hint_id = f"{field_id}-hint" if hint_key else ""
    props: dict[str, Any] = {}
    if test_id:
        props["data-testid"] = test_id
    if autocomplete:
        props["auto_complete"] = autocomplete
    if input_mode:
        props["input_mode"] = input_mode
    if max_length:
        props["max_length"] = max_length
    if dir:
        props["dir"] = dir
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="field-label"),
        rx.el.p(t(hint_key), id=f"{field_id}-hint", class_name="field-hint") if hint_key
        else rx.fragment(),
        rx.cond(invalid, rx.el.p(localized(error), id=f"{field_id}-error",
                                 class_name="field-error"), rx.fragment()),
        rx.el.input(
            id=field_id, name=name, type=input_type, default_value=default_value,
            aria_invalid=rx.cond(invalid, "true", "false"),
            aria_describedby=rx.cond(invalid, f"{field_id}-error {hint_id}".strip(), hint_id),
            class_name=rx.cond(invalid, "field-input invalid", "field-input"),
            **props,
        ),
        class_name=rx.cond(invalid, "field field-has-error", "field"),
    )


def checkbox_field(name: str, label_key: str, error: rx.Var,
                   checked: bool = False) -> rx.Component:
    """A single labelled checkbox (e.g. accept the terms); `checked` is its initial state."""
    field_id = f"field-{name}"
    invalid = error["field"] == name
    return rx.el.div(
        rx.cond(invalid, rx.el.p(localized(error), class_name="field-error"), rx.fragment()),
        rx.el.div(
            rx.el.input(id=field_id, name=name, type="checkbox", value="yes",
                        default_checked=checked,
                        aria_invalid=rx.cond(invalid, "true", "false")),
            rx.el.label(t(label_key), html_for=field_id),
            class_name="checkbox",
        ),
        class_name=rx.cond(invalid, "field field-has-error", "field"),
    )


def radio_group(name: str, legend_key: str, options: list[tuple[str, str]], error: rx.Var,
                default: str | rx.Var = "", on_change=None) -> rx.Component:
    """A fieldset of radio buttons; `options` are (value, label key).

    `on_change`, when given, receives the chosen value (e.g. to reveal a follow-up field).
    """
    invalid = error["field"] == name
    props = {"on_change": on_change} if on_change is not None else {}
    return rx.el.fieldset(
        rx.el.legend(t(legend_key), class_name="field-label"),
        rx.cond(invalid, rx.el.p(localized(error), class_name="field-error"), rx.fragment()),
        *[
            rx.el.div(
                rx.el.input(id=f"field-{name}-{value}", name=name, type="radio", value=value,
                            default_checked=default == value, **props),
                rx.el.label(t(label_key), html_for=f"field-{name}-{value}"),
                class_name="radio",
            )
            for value, label_key in options
        ],
        class_name=rx.cond(invalid, "field radios field-has-error", "field radios"),
    )


def submit_button(label_key: str, test_id: str | None = None,
                  loading: rx.Var | bool = False) -> rx.Component:
    """The form's main button; disabled while the server works, so a double click sends once."""
    props = {"data-testid": test_id} if test_id else {}
    return rx.el.button(t(label_key), type="submit", class_name="button", disabled=loading,
                        **props)


def form_values(form_data: dict[str, Any], *names: str) -> dict[str, str]:
    """Only the expected fields, as stripped strings (the browser may send anything)."""
    values = {}
    for name in names:
        value = form_data.get(name, "")
        values[name] = value.strip()[:512] if isinstance(value, str) else ""
    return values
