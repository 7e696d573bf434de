"""The table of a person's transactions (on My transactions and on the dashboard)."""

from __future__ import annotations

import reflex as rx

from absher_app.application.transactions import TransactionRow
from absher_app.components.content import tag
from absher_app.components.money import sar
from absher_app.components.text import bilingual
from absher_app.state.language import t

COLUMNS = ("reference", "service", "beneficiary", "amount", "status", "date")


def _row(row: rx.Var[TransactionRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.a(row.reference, href=row.href)),
        rx.el.td(bilingual(row.service_ar, row.service_en),
                 rx.cond(row.on_behalf_en != "", rx.el.span(
                     bilingual(row.on_behalf_ar, row.on_behalf_en), class_name="on-behalf"))),
        rx.el.td(bilingual(row.beneficiary_ar, row.beneficiary_en)),
        rx.el.td(sar(row.amount)),
        rx.el.td(tag(row.status, row.status_ar, row.status_en)),
        rx.el.td(row.date, dir="ltr"),
    )


def transactions_table(rows: rx.Var[list[TransactionRow]]) -> rx.Component:
    """The transactions, newest first, each linking to its page; a line when there is none."""
    return rx.cond(
        rows.length() > 0,
        rx.el.div(rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(t(f"transactions.{k}"), scope="col")
                                   for k in COLUMNS])),
            rx.el.tbody(rx.foreach(rows, _row)),
            class_name="data-table",
        ), class_name="table-scroll"),
        rx.el.p(t("transactions.none")),
    )
