"""Content blocks in the GOV.UK patterns: summary list, panel, tag, notification banner.

(https://design-system.service.gov.uk/components/): a summary list shows facts as label/value
rows; a panel confirms a finished task with its reference; a tag shows a status; a
notification banner tells something the person should know, without being an error.
"""

from __future__ import annotations

import reflex as rx

from absher_app.components.text import bilingual
from absher_app.state.language import t


def summary_row(label_key: str, value: rx.Component | rx.Var | str, **props) -> rx.Component:
    """One label/value row of a summary list (`props` go to the value, e.g. dir or a test id)."""
    return rx.el.div(rx.el.dt(t(label_key)), rx.el.dd(value, **props), class_name="summary-row")


def summary_list(*rows: rx.Component, **props) -> rx.Component:
    """Rows made with `summary_row` (a description list)."""
    return rx.el.dl(*rows, class_name="summary-list", **props)


def tag(status: rx.Var | str, text_ar: rx.Var | str, text_en: rx.Var | str) -> rx.Component:
    """A status as a coloured tag (`status-<status>` picks the colour; the text says it)."""
    return rx.el.span(bilingual(text_ar, text_en), class_name="status status-" + status)


def panel(title_key: str, *children: rx.Component, lead: rx.Component | None = None,
          reference: rx.Var | str | None = None,
          reference_test_id: str | None = None) -> rx.Component:
    """The confirmation of a finished task: what happened (`lead`), its reference, what happens
    next (`children`). role=status: it is news, not an error."""
    props = {"data-testid": reference_test_id} if reference_test_id else {}
    return rx.el.div(
        rx.el.h2(t(title_key)),
        lead if lead is not None else rx.fragment(),
        rx.el.p(reference, class_name="panel-reference", dir="ltr", **props)
        if reference is not None else rx.fragment(),
        *children,
        class_name="panel", role="status",
    )


def notification_banner(*children: rx.Component) -> rx.Component:
    """Something the person should know (role=status, never an alert)."""
    return rx.el.div(*children, role="status", class_name="notice")


def notification_text(message: rx.Var) -> rx.Component:
    """A notification banner with a bilingual text ({ar, en}), shown while it says something
    (e.g. what an action just did)."""
    return rx.cond(message.ar != "",
                   rx.el.p(bilingual(message.ar, message.en), role="status", class_name="notice"),
                   rx.fragment())


def status_message(message: rx.Var) -> rx.Component:
    """What an action just did ({ar, en}), in a live region that is always on the page (so a
    screen reader announces each new message) and shows the text once there is one."""
    return rx.el.div(rx.cond(message.ar != "", rx.el.p(bilingual(message.ar, message.en),
                                                       class_name="notice")),
                     role="status")
