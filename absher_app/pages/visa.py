"""`/transactions/<reference>/visa`: the printable exit/re-entry or final exit visa of an
approved request, for the person who made the request only (checked on the server on every
load; see absher_app.domain.visas)."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application import transactions as usecases
from absher_app.application.transactions import VisaRow, VisaView
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual
from absher_app.state.events import event
from absher_app.state.language import t
from absher_app.state.session import load_page


class VisaPrintState(rx.State):
    """The visa being printed, or why it cannot be."""

    phase: str = "loading"  # loading | ready | refused
    view: VisaView = rx.field(default_factory=VisaView)

    @event
    async def load(self):
        """on_load: the visa of the request named in the URL, if it is the signed-in
        person's."""
        self.phase = "loading"
        self.view = await load_page(self, usecases.visa_to_print,
                                    routes.reference_in(self.router.url.path, routes.TRANSACTIONS))
        self.phase = "ready" if self.view.printable else "refused"


def _row(row: rx.Var[VisaRow]) -> rx.Component:
    return rx.el.div(
        rx.el.dt(bilingual(row.label_ar, row.label_en)),
        rx.el.dd(
            rx.cond(row.ltr, rx.el.bdi(row.value_ar, dir="ltr"),
                    bilingual(row.value_ar, row.value_en)),
            rx.cond(row.hijri_ar != "",
                    rx.el.span(bilingual(row.hijri_ar, row.hijri_en), class_name="hijri"),
                    rx.fragment()),
            data_testid="visa-" + row.key,
        ),
        class_name="visa-row",
    )


def _document() -> rx.Component:
    s = VisaPrintState.view
    return rx.el.article(
        rx.el.header(
            rx.el.img(src="/emblem.svg", alt="", width="56", height="56"),
            rx.el.div(
                rx.el.p(t("visa.kingdom"), class_name="visa-kingdom"),
                rx.el.p(t("visa.ministry")),
            ),
            class_name="visa-head",
        ),
        rx.el.h2(bilingual(s.title.ar, s.title.en), id="visa-title"),
        rx.el.dl(rx.foreach(s.rows, _row), class_name="visa-fields"),
        rx.el.p(t("visa.note"), class_name="visa-note"),
        aria_labelledby="visa-title",
        class_name="visa-document",
    )


def page() -> rx.Component:
    s = VisaPrintState.view
    back = rx.el.a(t("visa.back"), href=routes.TRANSACTIONS + "/" + s.reference,
                   class_name="button secondary")
    return page_layout(
        "visa.title",
        rx.match(
            VisaPrintState.phase,
            ("ready", rx.fragment(
                _document(),
                rx.el.div(
                    rx.el.button(t("visa.print"), type="button", class_name="button",
                                 on_click=rx.call_script("window.print()")),
                    back,
                    class_name="button-group no-print",
                ),
            )),
            ("refused", rx.fragment(
                rx.el.p(bilingual(s.refusal.ar, s.refusal.en), role="alert",
                        class_name="error-summary"),
                rx.el.a(t("visa.to_transactions"), href=routes.TRANSACTIONS),
            )),
            rx.el.p(t("wizard.loading"), aria_busy="true"),
        ),
        lead_key="visa.lead",
    )

