"""The questions of a wizard step, whatever the service: one renderer for every kind of field
(choice, multi, confirm, date: day, month and year in either calendar, number, text), each with
its label, hint and error, as the service's data describes them
(absher_app.application.wizard.FieldView)."""

from __future__ import annotations

import reflex as rx

from absher_app.application.wizard import ChoiceView, FieldView
from absher_app.components.date_input import wizard_date
from absher_app.components.text import bilingual


def _hint_and_error(field: rx.Var[FieldView]) -> rx.Component:
    return rx.fragment(
        rx.cond(field.hint_ar != "",
                rx.el.p(bilingual(field.hint_ar, field.hint_en), id=field.id + "-hint",
                        class_name="field-hint"),
                rx.fragment()),
        rx.cond(field.error_ar != "",
                rx.el.p(bilingual(field.error_ar, field.error_en), id=field.id + "-error",
                        class_name="field-error"),
                rx.fragment()),
    )


def option_radio(option: rx.Var[ChoiceView], name: rx.Var[str] | str) -> rx.Component:
    """One radio of a choice; uncontrolled (its form's key remounts it with a new default)."""
    return rx.el.div(
        rx.el.input(id=option.id, name=name, type="radio", value=option.value,
                    default_checked=option.checked),
        rx.el.label(bilingual(option.label_ar, option.label_en), html_for=option.id),
        class_name="radio",
    )


def _option_box(option: rx.Var[ChoiceView], name: rx.Var[str]) -> rx.Component:
    # Each box posts `<field>__<value>=yes` when ticked (see wizard.typed_value).
    return rx.el.div(
        rx.el.input(id=option.id, name=name + "__" + option.value, type="checkbox", value="yes",
                    default_checked=option.checked),
        rx.el.label(bilingual(option.label_ar, option.label_en), html_for=option.id),
        class_name="checkbox",
    )


def _input(field: rx.Var[FieldView], input_type: str, mode: str | None = None) -> rx.Component:
    props = {"input_mode": mode} if mode else {}
    invalid = field.error_ar != ""
    return rx.el.div(
        rx.el.label(bilingual(field.label_ar, field.label_en), html_for=field.id,
                    class_name="field-label"),
        _hint_and_error(field),
        rx.el.input(id=field.id, name=field.name, type=input_type, default_value=field.value,
                    aria_invalid=rx.cond(invalid, "true", "false"),
                    aria_describedby=rx.cond(invalid, field.id + "-error",
                                             rx.cond(field.hint_ar != "", field.id + "-hint", "")),
                    class_name=rx.cond(invalid, "field-input invalid", "field-input"), **props),
        class_name=rx.cond(invalid, "field field-has-error", "field"),
    )


def _options(field: rx.Var[FieldView], kind: str, each) -> rx.Component:
    invalid = field.error_ar != ""
    return rx.el.fieldset(
        rx.el.legend(bilingual(field.label_ar, field.label_en), class_name="field-label",
                     id=field.id),
        _hint_and_error(field),
        rx.foreach(field.options, lambda option: each(option, field.name)),
        class_name=rx.cond(invalid, f"field {kind} field-has-error", f"field {kind}"),
    )


def wizard_field(field: rx.Var[FieldView]) -> rx.Component:
    """One field of any kind: the renderer every service shares."""
    return rx.match(
        field.kind,
        ("multi", _options(field, "checkboxes", _option_box)),
        ("choice", _options(field, "radios", option_radio)),
        ("confirm", rx.el.div(
            _hint_and_error(field),
            rx.el.div(
                rx.el.input(id=field.id, name=field.name, type="checkbox", value="yes",
                            default_checked=field.value == "yes"),
                rx.el.label(bilingual(field.label_ar, field.label_en), html_for=field.id),
                class_name="checkbox",
            ),
            class_name=rx.cond(field.error_ar != "", "field field-has-error", "field"),
        )),
        ("date", wizard_date(field, bilingual(field.label_ar, field.label_en),
                             _hint_and_error(field))),
        ("number", _input(field, "text", "numeric")),
        _input(field, "text"),
    )
