"""`/transactions` (My transactions) and `/transactions/<reference>`: status, timeline,
outcome, bill, delivery."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application import transactions as usecases
from absher_app.application.transactions import TransactionRow, TransactionView
from absher_app.components.content import summary_list, summary_row, tag
from absher_app.components.layout import page_layout
from absher_app.components.money import sar
from absher_app.components.text import bilingual, t_with
from absher_app.components.transactions import transactions_table
from absher_app.state.events import event
from absher_app.state.language import t
from absher_app.state.session import load_page


class TransactionsState(rx.State):
    """My transactions."""

    rows: list[TransactionRow] = []

    @event
    async def load(self):
        self.rows = await load_page(self, usecases.my_transactions)


class TransactionState(rx.State):
    """The transaction being looked at."""

    view: TransactionView = rx.field(default_factory=lambda: TransactionView(found=True))

    @event
    async def load(self):
        self.view = await load_page(self, usecases.open_transaction,
                                    routes.reference_in(self.router.url.path, routes.TRANSACTIONS))


def list_page() -> rx.Component:
    return page_layout("transactions.title", transactions_table(TransactionsState.rows),
                       lead_key="transactions.lead")


def _bill(v: rx.Var[TransactionView]) -> rx.Component:
    return rx.cond(v.bill_number != "", rx.fragment(
        rx.el.h2(t("transactions.bill")),
        summary_list(
            summary_row("wizard.bill_number", v.bill_number, data_testid="bill-number"),
            summary_row("transactions.status", bilingual(v.bill_status.ar, v.bill_status.en)),
            summary_row("wizard.due", rx.el.bdi(v.bill_due, dir="ltr")),
        ),
        rx.cond(v.pay_url != "", rx.el.a(t("wizard.pay_now"), href=v.pay_url,
                                          class_name="button"), rx.fragment()),
    ), rx.fragment())


def _delivery(v: rx.Var[TransactionView]) -> rx.Component:
    return rx.cond(v.tracking != "", rx.fragment(
        rx.el.h2(t("transactions.delivery")),
        summary_list(
            summary_row("transactions.tracking", v.tracking, data_testid="tracking"),
            summary_row("transactions.short_address", v.short_address),
            summary_row("transactions.status", bilingual(v.delivery_status.ar,
                                                         v.delivery_status.en),
                        data_testid="delivery-status"),
        ),
    ), rx.fragment())


def detail_page() -> rx.Component:
    v = TransactionState.view
    row = v.row
    return page_layout(
        "transactions.title",
        rx.cond(~v.found, rx.cond(
            v.refusal.en != "",
            rx.el.p(bilingual(v.refusal.ar, v.refusal.en), role="alert",
                    data_testid="on-behalf-refused"),
            rx.el.p(t("transactions.not_found"), role="alert")), rx.el.div(
            rx.el.h2(t_with("transactions.detail_title", {"reference": row.reference})),
            summary_list(
                summary_row("transactions.service", bilingual(row.service_ar, row.service_en)),
                summary_row("transactions.beneficiary", bilingual(row.beneficiary_ar,
                                                                  row.beneficiary_en)),
                rx.cond(row.on_behalf_en != "", summary_row(
                    "transactions.made_on_behalf", bilingual(row.on_behalf_ar, row.on_behalf_en),
                    data_testid="on-behalf"), rx.fragment()),
                summary_row("transactions.status", tag(row.status, row.status_ar,
                                                       row.status_en), data_testid="status"),
                summary_row("transactions.amount", sar(row.amount)),
                rx.foreach(v.outcome, lambda o: rx.el.div(
                    rx.el.dt(bilingual(o.ar, o.en)), rx.el.dd(rx.el.bdi(o.value, dir="ltr")),
                    class_name="summary-row")),
                rx.cond(v.reason != "", summary_row("transactions.reason", v.reason),
                        rx.fragment()),
            ),
            _bill(v),
            _delivery(v),
            rx.el.h2(t("transactions.timeline")),
            rx.el.ol(rx.foreach(v.timeline, lambda e: rx.el.li(
                rx.el.span(bilingual(e.ar, e.en)), " ",
                rx.el.time(e.value, dir="ltr", class_name="muted"))),
                class_name="timeline"),
            rx.el.div(
                rx.cond(v.visa_href != "",
                        rx.el.a(t("visa.open"), href=v.visa_href, class_name="button"),
                        rx.fragment()),
                rx.el.button(t("transactions.print"), type="button",
                             class_name="button secondary",
                             on_click=rx.call_script("window.print()")),
                class_name="button-group",
            ),
        )),
    )
