"""The GOV.UK date input: one fieldset, three labelled boxes for day, month and year."""

from __future__ import annotations

import reflex as rx

from absher_app.components.forms import localized
from absher_app.state.language import t

PARTS = (("day", "recovery.day", 2, "date-input-day"),
         ("month", "recovery.month", 2, "date-input-month"),
         ("year", "recovery.year", 4, "date-input-year"))


def date_input(name: str, legend_key: str, error: rx.Var,
               hint_key: str | None = None) -> rx.Component:
    """Inputs named `{name}_day`, `{name}_month` and `{name}_year`; errors for `name` show here.

    The boxes follow the page's direction (day first on the reading side); the digits inside
    each box are left to right.
    """
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
                        input_mode="numeric", max_length=size, auto_complete=f"bday-{part}",
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
