"""`/pay`: the demo bank, which pays a SADAD bill by its number (no sign-in, like a bank's own
page; absher_app.providers.payment records the payment as a bank's notification would)."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application import transactions as usecases
from absher_app.application.transactions import BillForm, BillView
from absher_app.application.views import NO_PROBLEM
from absher_app.components.content import summary_list, summary_row
from absher_app.components.forms import error_summary, text_field
from absher_app.components.layout import page_layout
from absher_app.components.money import sar
from absher_app.components.text import bilingual, t_with
from absher_app.domain.request_status import BillStatus
from absher_app.state.events import event, use
from absher_app.state.language import t


class PayState(rx.State):
    """The bank's page: find a bill by number, pay it once."""

    bill: BillView = rx.field(default_factory=BillView)
    error: dict[str, str] = NO_PROBLEM

    @event
    async def load(self):
        """`?bill=` (the portal's "Pay now" link) opens that bill."""
        number = str(self.router.url.query_parameters.get("bill", ""))[:40]
        self.bill, self.error = BillView(number), NO_PROBLEM
        if number:
            self.bill = await use(self, usecases.find_bill, BillForm(number))

    @event
    async def find(self, form: BillForm):
        self.bill = BillView(form.bill)  # what was typed stays in the box
        self.error = NO_PROBLEM
        self.bill = await use(self, usecases.find_bill, form)

    @event
    async def pay(self):
        if self.bill.status != BillStatus.UNPAID or not self.bill.number:
            return
        self.bill = await use(self, usecases.pay_bill, self.bill.number, self.bill.amount)
        self.error = NO_PROBLEM


def pay_page() -> rx.Component:
    b = PayState.bill
    return page_layout(
        "pay.title",
        rx.el.form(
            error_summary(PayState.error),
            text_field("bill", "pay.bill_number", PayState.error, default_value=b.number,
                       input_mode="numeric", dir="ltr", max_length=20),
            rx.el.button(t("pay.find"), type="submit", class_name="button secondary"),
            on_submit=PayState.find, class_name="form", key=b.number,
        ),
        rx.cond(b.amount > 0, rx.el.div(
            summary_list(
                summary_row("pay.biller", t("pay.biller_name")),
                summary_row("wizard.bill_number", b.number),
                summary_row("wizard.amount", sar(b.amount)),
                summary_row("transactions.status", rx.match(
                    b.status, *[(s.value, t(f"bill.{s.value}"))
                                for s in (BillStatus.PAID, BillStatus.EXPIRED)],
                    t(f"bill.{BillStatus.UNPAID.value}"))),
            ),
            rx.cond(b.message.ar != "",
                    rx.el.p(bilingual(b.message.ar, b.message.en), role="status",
                            class_name="notice"),
                    rx.fragment()),
            # Only an unpaid bill can be paid: a paid or expired one says so, with no button.
            rx.match(
                b.status,
                *[(s.value, rx.el.p(t(f"pay.state.{s.value}"), class_name="notice",
                                    data_testid="bill-state"))
                  for s in (BillStatus.PAID, BillStatus.EXPIRED)],
                rx.fragment(),
            ),
            rx.el.div(
                rx.cond(b.status == BillStatus.UNPAID,
                        rx.el.button(t_with("pay.confirm", {"amount": b.amount}), type="button",
                                     class_name="button", on_click=PayState.pay),
                        rx.fragment()),
                rx.el.a(t("pay.back"), href=routes.TRANSACTIONS + "/" + b.reference),
                class_name="button-group",
            ),
            class_name="panel",
        ), rx.fragment()),
        lead_key="pay.lead",
    )
