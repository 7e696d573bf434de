"""Form pieces in the GOV.UK pattern: label, hint, the field, its error; an error summary.

A form's error lives in its state as a `Problem` dict: {"ar": ..., "en": ..., "field": ...},
so it is shown in whichever language the person switches to.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from absher_app.application.views import NO_PROBLEM  # noqa: F401 (transitional re-export)
from absher_app.components.text import t_with
from absher_app.state.language import is_english, t


def localized(message: rx.Var) -> rx.Var:
    """The current language's text of a Problem-like {"ar", "en"} dict var."""
    return rx.cond(is_english(), message["en"], message["ar"])


def _summary_item(error: rx.Var) -> rx.Component:
    """One problem; a link to its field when it is about one (GOV.UK error summary)."""
    return rx.el.li(rx.cond(
        error["field"] != "",
        rx.el.a(localized(error), href="#field-" + error["field"].to(str)),
        rx.el.span(localized(error)),
    ))


def error_summary(errors: rx.Var) -> rx.Component:
    """The form's problems at its top: a `role="alert"` list, each linked to its field.

    `errors` is a problem ({"ar", "en", "field"}) or a list of problems.
    """
    # Typed items: each problem's "field" is read to link it.
    many = rx.Var.create(errors).to(list[dict[str, str]]) if _is_list(errors) else None
    if many is not None:
        shown, items = many.length() > 0, rx.foreach(many, _summary_item)
    else:
        shown, items = errors["ar"] != "", _summary_item(errors)
    return rx.cond(
        shown,
        rx.el.div(
            rx.el.h2(t("errors.summary_title"), class_name="error-summary-title"),
            rx.el.div(rx.el.ul(items, class_name="error-summary-list"), role="alert"),
            class_name="error-summary",
        ),
        rx.fragment(),
    )


def _is_list(var: rx.Var) -> bool:
    var_type = getattr(var, "_var_type", None)
    return var_type is list or getattr(var_type, "__origin__", None) is list


def field_error(error: rx.Var, name: str) -> rx.Component:
    """The message beside the field `name`, when the problem is about it."""
    return rx.cond(error["field"] == name,
                   rx.el.p(localized(error), id=f"field-{name}-error", class_name="field-error"),
                   rx.fragment())


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
        field_error(error, name),
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


def select_field(name: str, label_key: str, options: rx.Var | list, error: rx.Var, *,
                 value: rx.Var[str], on_change, placeholder_key: str,
                 remount: rx.Var | None = None) -> rx.Component:
    """A labelled select over `options` ({value, ar, en}: a state's, or a list fixed when the
    page is compiled) whose choice goes to the server at once. The select shows `value` (what
    the person chose), never a server default.

    With `remount`, the select keeps the person's pick itself from the moment they make it
    (a select bound to `value` would show the old value again until the server's answer
    arrives); it takes `value` anew only when `remount` changes, i.e. when the server changed
    the choice (a page load, or an earlier choice this one depends on)."""
    field_id = f"field-{name}"
    invalid = error["field"] == name
    shown = {"value": value} if remount is None else {"default_value": value, "key": remount}
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="field-label"),
        field_error(error, name),
        rx.el.select(
            rx.el.option(t(placeholder_key), value=""),
            rx.foreach(options, lambda o: rx.el.option(
                rx.cond(is_english(), o.en, o.ar), value=o.value)),
            id=field_id, name=name, on_change=on_change,
            aria_invalid=rx.cond(invalid, "true", "false"),
            aria_describedby=rx.cond(invalid, f"{field_id}-error", ""),
            **shown,
            class_name=rx.cond(invalid, "field-input invalid", "field-input"),
        ),
        class_name=rx.cond(invalid, "field field-has-error", "field"),
    )


def long_text_field(name: str, label_key: str, hint: rx.Component, error: rx.Var,
                    max_length: int, rows: int = 0) -> rx.Component:
    """A labelled text input (or, with `rows`, a textarea) whose hint is a component (e.g.
    the length limits filled in); typed text keeps its own direction (dir=auto)."""
    field_id = f"field-{name}"
    invalid = error["field"] == name
    control = rx.el.textarea if rows else rx.el.input
    props = {"rows": rows} if rows else {"type": "text"}
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="field-label"),
        rx.el.p(hint, id=f"{field_id}-hint", class_name="field-hint"),
        field_error(error, name),
        control(id=field_id, name=name, max_length=max_length, dir="auto",
                aria_invalid=rx.cond(invalid, "true", "false"),
                aria_describedby=rx.cond(invalid, f"{field_id}-error {field_id}-hint",
                                         f"{field_id}-hint"),
                class_name=rx.cond(invalid, "field-input invalid", "field-input"), **props),
        class_name=rx.cond(invalid, "field field-has-error", "field"),
    )


def limits_hint(key: str, low: int, high: int) -> rx.Component:
    """A hint that states a length range: catalogue string `key` with {min} and {max}."""
    return t_with(key, {"min": str(low), "max": str(high)})


def file_picker(*children: rx.Component, labelled_by: str, **props) -> rx.Component:
    """`rx.upload.root` (react-dropzone) whose own `<input type=file>` is named by the element
    `labelled_by` and hidden from assistive technology: the visible button among `children`
    opens the browser's file dialog, so the input would only be an unlabelled extra control
    (a screen reader said "Choose File", in English, on an Arabic page)."""
    from reflex_components_core.el.elements.forms import Input

    root = rx.upload.root(*children, **props)

    def hide(component) -> None:
        for child in getattr(component, "children", []):
            if isinstance(child, Input):
                child.custom_attrs.update({"aria-labelledby": labelled_by,
                                           "aria-hidden": "true"})
            hide(child)

    hide(root)
    return root
