"""The GOV.UK date input: one fieldset, three labelled boxes for day, month and year."""

from __future__ import annotations

import reflex as rx

from absher_app.components.forms import localized
from absher_app.state.language import is_english, t

PARTS = (("day", "recovery.day", 2, "date-input-day"),
         ("month", "recovery.month", 2, "date-input-month"),
         ("year", "recovery.year", 4, "date-input-year"))


def date_input(name: str, legend_key: str, error: rx.Var,
               hint_key: str | None = None, value: rx.Var[str] | None = None,
               autocomplete: bool = True) -> rx.Component:
    """Inputs named `{name}_day`, `{name}_month` and `{name}_year`; errors for `name` show here.
    `value`, an ISO date ('2026-11-22') or "", fills the boxes.

    The boxes follow the page's direction (day first on the reading side); the digits inside
    each box are left to right.
    """
    parts = value.split("-") if value is not None else None
    shown = {part: (rx.cond(value != "", parts[index], "") if parts is not None else None)
             for part, index in (("year", 0), ("month", 1), ("day", 2))}
    invalid = error["field"] == name
    hint_id = f"field-{name}-hint" if hint_key else ""
    described = rx.cond(invalid, f"field-{name}-error {hint_id}".strip(), hint_id)
    return rx.el.fieldset(
        rx.el.legend(t(legend_key), class_name="field-label"),
        rx.el.p(t(hint_key), id=hint_id, class_name="field-hint") if hint_key else rx.fragment(),
        rx.cond(invalid, rx.el.p(localized(error), id=f"field-{name}-error",
                                 class_name="field-error"), rx.fragment()),
        rx.el.div(
            *[
                rx.el.div(
                    rx.el.label(t(label_key), html_for=f"field-{name}-{part}",
                                class_name="date-input-label"),
                    rx.el.input(
                        id=f"field-{name}-{part}", name=f"{name}_{part}", type="text",
                        input_mode="numeric", max_length=size,
                        auto_complete=f"bday-{part}" if autocomplete else "off",
                        **({"default_value": shown[part]} if shown[part] is not None else {}),
                        aria_invalid=rx.cond(invalid, "true", "false"),
                        aria_describedby=described, dir="ltr",
                        class_name=rx.cond(invalid, f"field-input invalid {width}",
                                           f"field-input {width}"),
                    ),
                    class_name="date-input-item",
                )
                for part, label_key, size, width in PARTS
            ],
            class_name="date-input",
        ),
        class_name=rx.cond(invalid, "field date-field field-has-error", "field date-field"),
    )


def _box(field: rx.Var, part: str, label_key: str, size: int, width: str,
         value: rx.Var[str]) -> rx.Component:
    invalid = field.error_ar != ""
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field.id + "-" + part, class_name="date-input-label"),
        rx.el.input(
            id=field.id + "-" + part, name=field.name + "_" + part, type="text",
            input_mode="numeric", max_length=size, default_value=value,
            aria_invalid=rx.cond(invalid, "true", "false"),
            aria_describedby=rx.cond(invalid, field.id + "-error", ""), dir="ltr",
            class_name=rx.cond(invalid, f"field-input invalid {width}", f"field-input {width}"),
        ),
        class_name="date-input-item",
    )


def _calendar_radio(field: rx.Var, value: str, checked: rx.Var[bool]) -> rx.Component:
    return rx.el.div(
        rx.el.input(id=field.id + "-" + value, name=field.name + "_calendar", type="radio",
                    value=value, default_checked=checked),
        rx.el.label(t(f"calendar.{value}"), html_for=field.id + "-" + value),
        class_name="radio",
    )


def wizard_date(field: rx.Var, label: rx.Component, hint_and_error: rx.Component) -> rx.Component:
    """A wizard's date question (application.wizard.FieldView): the calendar it is typed in
    (Gregorian or Hijri, Umm al-Qura), then day, month and year boxes as `date_input` has them.
    The server converts a Hijri date (domain.calendars.entered_date); once the answer is a date
    it is read back in both calendars under the boxes."""
    invalid = field.error_ar != ""
    return rx.el.fieldset(
        rx.el.legend(label, class_name="field-label"),
        hint_and_error,
        rx.el.div(
            rx.el.span(t("date.calendar"), id=field.id + "-calendar",
                       class_name="date-calendar-label"),
            _calendar_radio(field, "gregorian", ~field.hijri),
            _calendar_radio(field, "hijri", field.hijri),
            class_name="date-calendar", role="radiogroup",
            aria_labelledby=field.id + "-calendar",
        ),
        rx.el.div(
            _box(field, "day", "recovery.day", 2, "date-input-day", field.day),
            _box(field, "month", "recovery.month", 2, "date-input-month", field.month),
            _box(field, "year", "recovery.year", 4, "date-input-year", field.year),
            class_name="date-input",
        ),
        rx.cond(field.both_ar != "",
                rx.el.p(rx.cond(is_english(), field.both_en, field.both_ar),
                        class_name="field-hint date-both"),
                rx.fragment()),
        class_name=rx.cond(invalid, "field date-field field-has-error", "field date-field"),
    )
