"""The delegations a person acts under today, as cards (on the dashboard and under
"Delegations to me"): whose, which services by name, the period, and an entry per service to
start it (or continue its draft) on the delegator's behalf."""

from __future__ import annotations

import reflex as rx

from absher_app.application.delegations import ActingFor
from absher_app.components.content import summary_list, summary_row
from absher_app.components.text import bilingual, t_with
from absher_app.state.language import t


def _card(row: rx.Var[ActingFor], heading: str) -> rx.Component:
    title = t_with("delegate.from_name", {"name": row.delegator_ar}, {"name": row.delegator_en})
    return rx.el.li(
        rx.el.h3(title) if heading == "h3" else rx.el.h4(title),
        summary_list(
            summary_row("delegation.services", bilingual(row.services_ar, row.services_en)),
            summary_row("delegation.period", rx.el.bdi(row.period, dir="ltr")),
        ),
        rx.el.ul(rx.foreach(row.links, lambda link: rx.el.li(rx.el.a(
            bilingual(link.label_ar, link.label_en), href=link.href))), class_name="action-list"),
        rx.el.p(rx.el.a(t("delegate.open_delegation"), href=row.href)),
        class_name="acting-card",
        data_testid="delegation-to-me",
    )


def acting_cards(rows: rx.Var[list[ActingFor]], heading: str = "h3") -> rx.Component:
    """One card per delegation in force today (`heading`: the level under the section's)."""
    return rx.cond(
        rows.length() > 0,
        rx.el.ul(rx.foreach(rows, lambda row: _card(row, heading)), class_name="acting-cards"),
        rx.el.p(t("delegate.acting_none")),
    )
