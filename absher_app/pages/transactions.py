"""`/transactions` (My transactions) and `/transactions/<reference>`: status, timeline, bill,
delivery; and `/pay`, the demo bank that pays a SADAD bill."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import reflex as rx

from absher_app import routes
from absher_app.components.forms import NO_PROBLEM, error_summary, problem, text_field
from absher_app.components.layout import page_layout
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import catalogue, requests, visas
from absher_app.domain.errors import DomainError
from absher_app.models import Account, Person, ServiceRequest
from absher_app.providers.clock import RIYADH
from absher_app.providers.payment import get_payment_provider
from absher_app.providers.sms import get_sms_sender
from absher_app.state.language import is_english, t
from absher_app.state.session import CLOCK, signed_in_account
from absher_app.state.wizard import TextView, both


@dataclasses.dataclass
class TransactionRow:
    reference: str
    href: str
    service_ar: str
    service_en: str
    beneficiary_ar: str
    beneficiary_en: str
    amount: int
    status: str
    status_ar: str
    status_en: str
    date: str


def local_time(value) -> str:
    return value.astimezone(RIYADH).strftime("%Y-%m-%d %H:%M")


def transaction_row(session, request: ServiceRequest) -> TransactionRow:
    person = session.get(Person, request.beneficiary_id)
    service = catalogue.service(request.service_code)
    title = both(service.title_key)
    status = both(f"status.{request.status}")
    return TransactionRow(request.reference, routes.transaction_path(request.reference),
                          title[0], title[1], person.name_ar, person.name_en, request.fee_sar,
                          request.status, status[0], status[1], local_time(request.submitted_at))


def transaction_rows(account_id: int) -> list[TransactionRow]:
    with session_scope() as session:
        account = session.get(Account, account_id)
        return [transaction_row(session, r)
                for r in requests.requests_of(session, account.person_id)]


def reference_from_path(path: str) -> str:
    parts = [p for p in (path or "").split("/") if p]
    return parts[1][:12] if len(parts) == 2 and parts[0] == "transactions" else ""


class TransactionsState(rx.State):
    """My transactions, and the one being looked at."""

    rows: list[TransactionRow] = []
    found: bool = True
    current: TransactionRow = TransactionRow("", "", "", "", "", "", 0, "", "", "", "")
    timeline: list[TextView] = []
    outcome: list[TextView] = []
    reason: str = ""
    bill_number: str = ""
    bill_status: TextView = TextView("", "")
    bill_due: str = ""
    pay_url: str = ""
    tracking: str = ""
    short_address: str = ""
    delivery_status: TextView = TextView("", "")
    visa_href: str = ""

    @rx.event
    async def load_list(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        self.rows = await asyncio.to_thread(transaction_rows, who.account_id)
        return None

    def _load_one(self, account_id: int, reference: str) -> None:
        with session_scope() as session:
            account = session.get(Account, account_id)
            request = requests.find_request(session, reference)
            # Only the applicant's own requests; anything else looks the same as "not found".
            self.found = request is not None and request.applicant_id == account.person_id
            if not self.found:
                return
            self.current = transaction_row(session, request)
            self.visa_href = routes.visa_print_path(request.reference) \
                if visas.printable(request.service_code, request.status) else ""
            self.timeline = [TextView(*both(f"event.{e.kind}"), local_time(e.created_at),
                                      local_time(e.created_at)) for e in
                             requests.timeline(session, request.id)]
            outcome = json.loads(request.outcome_json or "{}")
            self.outcome = [TextView(*both(f"outcome.{k}"), str(v), str(v))
                            for k, v in sorted(outcome.items()) if k != "late"]
            self.reason = request.decision_reason if request.status == "rejected" else ""
            bill = requests.bill_of(session, request.id)
            self.bill_number = bill.number if bill else ""
            self.bill_status = TextView(*both(f"bill.{bill.status}")) if bill else TextView("", "")
            self.bill_due = local_time(bill.due_at) if bill else ""
            self.pay_url = get_payment_provider().payment_page(bill.number) \
                if bill and bill.status == "unpaid" else ""
            delivery = requests.delivery_of(session, request.id)
            self.tracking = delivery.tracking_number if delivery else ""
            self.short_address = delivery.short_address if delivery else ""
            self.delivery_status = TextView(*both(f"delivery.{delivery.status}")) if delivery \
                else TextView("", "")

    @rx.event
    async def load_one(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        await asyncio.to_thread(self._load_one, who.account_id,
                                reference_from_path(self.router.url.path))
        return None


def bilingual(ar, en):
    return rx.cond(is_english(), en, ar)


def sar(amount) -> rx.Component:
    return t_with("wizard.sar", {"amount": amount}, {"amount": amount})


def _row(row: rx.Var[TransactionRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.a(row.reference, href=row.href)),
        rx.el.td(bilingual(row.service_ar, row.service_en)),
        rx.el.td(bilingual(row.beneficiary_ar, row.beneficiary_en)),
        rx.el.td(sar(row.amount)),
        rx.el.td(rx.el.span(bilingual(row.status_ar, row.status_en),
                            class_name="status status-" + row.status)),
        rx.el.td(row.date, dir="ltr"),
    )


def transactions_table(rows: rx.Var[list[TransactionRow]]) -> rx.Component:
    """The transactions table (also on the dashboard)."""
    return rx.cond(
        rows.length() > 0,
        rx.el.div(rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(t(f"transactions.{k}"), scope="col") for k in
                                   ("reference", "service", "beneficiary", "amount", "status",
                                    "date")])),
            rx.el.tbody(rx.foreach(rows, _row)),
            class_name="data-table",
        ), class_name="table-scroll"),
        rx.el.p(t("transactions.none")),
    )


def list_page() -> rx.Component:
    return page_layout("transactions.title", transactions_table(TransactionsState.rows),
                       lead_key="transactions.lead")


def _pair(label_key: str, value: rx.Component | rx.Var, **props) -> rx.Component:
    return rx.el.div(rx.el.dt(t(label_key)), rx.el.dd(value, **props), class_name="summary-row")


def detail_page() -> rx.Component:
    s = TransactionsState
    return page_layout(
        "transactions.title",
        rx.cond(~s.found, rx.el.p(t("transactions.not_found"), role="alert"), rx.el.div(
            rx.el.h2(t_with("transactions.detail_title", {"reference": s.current.reference})),
            rx.el.dl(
                _pair("transactions.service", bilingual(s.current.service_ar,
                                                        s.current.service_en)),
                _pair("transactions.beneficiary", bilingual(s.current.beneficiary_ar,
                                                            s.current.beneficiary_en)),
                _pair("transactions.status", rx.el.span(
                    bilingual(s.current.status_ar, s.current.status_en),
                    class_name="status status-" + s.current.status), data_testid="status"),
                _pair("transactions.amount", sar(s.current.amount)),
                rx.foreach(s.outcome, lambda o: rx.el.div(
                    rx.el.dt(bilingual(o.ar, o.en)), rx.el.dd(rx.el.bdi(o.detail_ar, dir="ltr")),
                    class_name="summary-row")),
                rx.cond(s.reason != "", _pair("transactions.reason", s.reason), rx.fragment()),
                class_name="summary-list",
            ),
            rx.cond(s.bill_number != "", rx.fragment(
                rx.el.h2(t("transactions.bill")),
                rx.el.dl(
                    _pair("wizard.bill_number", s.bill_number, data_testid="bill-number"),
                    _pair("transactions.status", bilingual(s.bill_status.ar, s.bill_status.en)),
                    _pair("wizard.due", rx.el.bdi(s.bill_due, dir="ltr")),
                    class_name="summary-list",
                ),
                rx.cond(s.pay_url != "", rx.el.a(t("wizard.pay_now"), href=s.pay_url,
                                                 class_name="button"), rx.fragment()),
            ), rx.fragment()),
            rx.cond(s.tracking != "", rx.fragment(
                rx.el.h2(t("transactions.delivery")),
                rx.el.dl(
                    _pair("transactions.tracking", s.tracking, data_testid="tracking"),
                    _pair("transactions.short_address", s.short_address),
                    _pair("transactions.status", bilingual(s.delivery_status.ar,
                                                           s.delivery_status.en),
                          data_testid="delivery-status"),
                    class_name="summary-list",
                ),
            ), rx.fragment()),
            rx.el.h2(t("transactions.timeline")),
            rx.el.ol(rx.foreach(s.timeline, lambda e: rx.el.li(
                rx.el.span(bilingual(e.ar, e.en)), " ",
                rx.el.time(e.detail_ar, dir="ltr", class_name="muted"))),
                class_name="timeline"),
            rx.el.div(
                rx.cond(s.visa_href != "",
                        rx.el.a(t("visa.open"), href=s.visa_href, class_name="button"),
                        rx.fragment()),
                rx.el.button(t("transactions.print"), type="button",
                             class_name="button secondary",
                             on_click=rx.call_script("window.print()")),
                class_name="button-group",
            ),
        )),
    )


# ---------------------------------------------------------------------------------------------
# The demo bank.

class PayState(rx.State):
    """The bank's page: find a bill by number, pay it once."""

    bill_number: str = ""
    amount: int = 0
    reference: str = ""
    status: str = ""
    message: TextView = TextView("", "")
    error: dict[str, str] = NO_PROBLEM

    def _find(self, number: str) -> None:
        with session_scope() as session:
            bill = requests.find_bill(session, number)
            if bill is None:
                self.amount, self.status, self.reference = 0, "", ""
                self.error = problem(DomainError("bill_unknown", "unknown"), "bill")
                return
            self.bill_number, self.amount, self.status = bill.number, bill.amount_sar, bill.status
            self.reference = session.get(ServiceRequest, bill.request_id).reference
            self.error = NO_PROBLEM

    @rx.event
    async def load(self):
        number = self.router.url.query_parameters.get("bill", "")[:20]
        self.message, self.error, self.amount, self.status = TextView("", ""), NO_PROBLEM, 0, ""
        if number:
            self.bill_number = number
            await asyncio.to_thread(self._find, number)

    @rx.event
    async def find(self, form_data: dict):
        number = str(form_data.get("bill", ""))[:20].strip()
        self.message = TextView("", "")
        await asyncio.to_thread(self._find, number)

    def _pay(self) -> None:
        with session_scope() as session:
            try:
                bill, charged = get_payment_provider().confirm(
                    session, self.bill_number, self.amount, now=CLOCK.now(), sms=get_sms_sender())
            except DomainError as error:
                self.error = problem(error, "bill")
                return
            self.status = bill.status
            self.message = TextView(*both("pay.paid" if charged else "pay.already_paid"))

    @rx.event
    async def pay(self):
        if not self.bill_number or self.amount <= 0:
            return
        await asyncio.to_thread(self._pay)


def pay_page() -> rx.Component:
    return page_layout(
        "pay.title",
        rx.el.form(
            error_summary(PayState.error),
            text_field("bill", "pay.bill_number", PayState.error,
                       default_value=PayState.bill_number, input_mode="numeric", dir="ltr",
                       max_length=20),
            rx.el.button(t("pay.find"), type="submit", class_name="button secondary"),
            on_submit=PayState.find, class_name="form", key=PayState.bill_number,
        ),
        rx.cond(PayState.amount > 0, rx.el.div(
            rx.el.dl(
                _pair("pay.biller", t("pay.biller_name")),
                _pair("wizard.bill_number", PayState.bill_number),
                _pair("wizard.amount", sar(PayState.amount)),
                _pair("transactions.status", rx.match(PayState.status,
                                                      ("paid", t("bill.paid")),
                                                      ("expired", t("bill.expired")),
                                                      t("bill.unpaid"))),
                class_name="summary-list",
            ),
            rx.cond(PayState.message.ar != "",
                    rx.el.p(bilingual(PayState.message.ar, PayState.message.en), role="status",
                            class_name="notice"),
                    rx.fragment()),
            rx.el.div(
                rx.el.button(t_with("pay.confirm", {"amount": PayState.amount}), type="button",
                             class_name="button", on_click=PayState.pay),
                rx.el.a(t("pay.back"), href=routes.TRANSACTIONS + "/" + PayState.reference),
                class_name="button-group",
            ),
            class_name="panel",
        ), rx.fragment()),
        lead_key="pay.lead",
    )
