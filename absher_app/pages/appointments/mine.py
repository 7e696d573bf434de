"""`/appointments`: my appointments."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application import appointments as usecases
from absher_app.application.appointments import AppointmentRow
from absher_app.components.content import tag
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual
from absher_app.state.events import event
from absher_app.state.language import t
from absher_app.state.session import load_page


class AppointmentsState(rx.State):
    """My appointments."""

    rows: list[AppointmentRow] = []

    @event
    async def load(self):
        self.rows = await load_page(self, usecases.my_appointments)


def _appointment_tr(row: rx.Var[AppointmentRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.a(row.reference, href=row.href)),
        rx.el.td(bilingual(row.topic_ar, row.topic_en)),
        rx.el.td(bilingual(row.branch_ar, row.branch_en)),
        rx.el.td(bilingual(row.when_ar, row.when_en)),
        rx.el.td(tag(row.status, row.status_ar, row.status_en)),
    )


def list_page() -> rx.Component:
    rows = AppointmentsState.rows
    return page_layout(
        "appointments.title",
        rx.el.a(t("appointments.new"), href=routes.APPOINTMENT_BOOK, class_name="button"),
        rx.cond(rows.length() > 0, rx.el.div(rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(t(f"appointments.col.{k}"), scope="col") for k in
                                   ("reference", "topic", "branch", "when", "status")])),
            rx.el.tbody(rx.foreach(rows, _appointment_tr)),
            class_name="data-table",
        ), class_name="table-scroll"), rx.el.p(t("appointments.none"))),
        lead_key="appointments.lead",
    )
