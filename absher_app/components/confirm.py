"""The second step of every destructive act (cancel an appointment, revoke or withdraw a
delegation, suspend it, delete a draft): a question and two buttons, "yes" to act, "no" to keep
things as they are.

The question is not an error or an alert (no role="alert"): it is a group named by the question,
and focus moves to "no" as it appears, so a keyboard or screen-reader user hears the question and
cannot act by pressing Enter twice by mistake.
"""

from __future__ import annotations

import reflex as rx

from absher_app.state.language import t


def confirm_panel(name: str, question_key: str, yes_key: str, no_key: str, *,
                  on_yes=None, on_no) -> rx.Component:
    """The question `question_key` with its two buttons; `name` makes its ids unique. Without
    `on_yes`, "yes" submits the form the panel is in (an act that takes what was typed)."""
    question_id = f"confirm-{name}-question"
    yes = (rx.el.button(t(yes_key), type="button", class_name="button warning", on_click=on_yes)
           if on_yes is not None
           else rx.el.button(t(yes_key), type="submit", class_name="button warning"))
    return rx.el.div(
        rx.el.p(t(question_key), id=question_id, class_name="confirm-question"),
        rx.el.div(
            yes,
            rx.el.button(t(no_key), type="button", class_name="button secondary",
                         on_click=on_no, auto_focus=True),
            class_name="button-group",
        ),
        role="group", aria_labelledby=question_id, class_name="panel confirm",
        data_testid=f"confirm-{name}",
    )
