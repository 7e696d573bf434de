"""`/appointments/<reference>`: the printable slip with its check-in QR code; reschedule;
cancel."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application import appointments as usecases
from absher_app.application.appointments import Slip
from absher_app.application.views import NO_PROBLEM, problem
from absher_app.components.confirm import confirm_panel
from absher_app.components.content import summary_list, summary_row, tag
from absher_app.components.forms import error_summary
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual, t_with
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import load_page


class SlipState(rx.State):
    """One of my appointments: the slip, and changing or cancelling it."""

    view: Slip = rx.field(default_factory=lambda: Slip(found=True))
    asking_cancel: bool = False
    cancelled: bool = False
    error: dict[str, str] = NO_PROBLEM

    def _on_problem(self, error):
        self.error, self.asking_cancel = problem(error), False
        return SlipState.refresh  # show the appointment as it is now

    @event
    async def load(self):
        self.asking_cancel, self.cancelled, self.error = False, False, NO_PROBLEM
        self.view = await load_page(self, usecases.open_slip,
                                    routes.reference_in(self.router.url.path, routes.APPOINTMENTS))

    @event
    async def refresh(self):
        self.view = await use(self, usecases.open_slip, self.view.row.reference)

    @event
    def ask_cancel(self, asking: bool):
        self.asking_cancel = asking and self.view.changeable

    @event
    async def cancel(self):
        self.view = await use(self, usecases.cancel_appointment, self.view.row.reference)
        self.cancelled, self.error, self.asking_cancel = True, NO_PROBLEM, False


def _slip_details() -> rx.Component:
    v = SlipState.view
    return rx.el.div(
        summary_list(
            summary_row("appointments.col.reference", rx.el.span(v.row.reference, dir="ltr")),
            summary_row("appointments.field.topic", bilingual(v.row.topic_ar, v.row.topic_en)),
            summary_row("appointments.field.branch",
                        bilingual(v.row.branch_ar, v.row.branch_en)),
            summary_row("appointments.field.city", bilingual(v.city.ar, v.city.en)),
            summary_row("appointments.field.day", bilingual(v.date.ar, v.date.en)),
            summary_row("appointments.field.time", rx.el.span(v.row.start, dir="ltr")),
            summary_row("appointments.col.status",
                        tag(v.row.status, v.row.status_ar, v.row.status_en),
                        data_testid="appointment-status"),
            rx.cond(v.about_message != "", summary_row(
                "appointments.field.message", rx.el.a(
                    v.about_message, href=routes.MESSAGES + "/" + v.about_message,
                    dir="ltr")), rx.fragment()),
        ),
        rx.cond(v.qr_image != "", rx.el.figure(
            rx.el.img(src=v.qr_image, alt=t("appointments.qr_alt"), width="200",
                      height="200", data_testid="slip-qr"),
            rx.el.figcaption(t("appointments.qr_hint")),
            class_name="slip-qr"), rx.fragment()),
        class_name="slip",
    )


def _slip_actions() -> rx.Component:
    s = SlipState
    return rx.cond(s.view.changeable, rx.cond(
        s.asking_cancel,
        confirm_panel("cancel", "appointments.cancel_question", "appointments.cancel_yes",
                      "appointments.cancel_no", on_yes=SlipState.cancel,
                      on_no=SlipState.ask_cancel(False)),
        rx.el.div(
            rx.el.button(t("appointments.print"), type="button", class_name="button",
                         on_click=rx.call_script("window.print()")),
            rx.el.a(t("appointments.reschedule"),
                    href=routes.APPOINTMENT_BOOK + "?reschedule=" + s.view.row.reference,
                    class_name="button secondary"),
            rx.el.button(t("appointments.cancel"), type="button",
                         class_name="button secondary", on_click=SlipState.ask_cancel(True)),
            class_name="button-group"),
    ), rx.fragment())


def slip_page() -> rx.Component:
    s = SlipState
    return page_layout(
        t_with("appointments.slip_title", {"reference": s.view.row.reference}),
        rx.cond(~s.view.found, rx.el.p(t("appointments.not_found"), role="alert"), rx.fragment(
            error_summary(s.error),
            rx.cond(s.cancelled, rx.el.p(t("appointments.cancelled_done"), role="status",
                                         class_name="notice"), rx.fragment()),
            _slip_details(),
            rx.cond(s.view.reason != "", rx.el.div(
                rx.el.p(t_with("appointments.branch_closed_note", {"reason": s.view.reason})),
                rx.el.a(t("appointments.choose_another"), href=s.view.again_href,
                        class_name="button"),
                class_name="notice"), rx.fragment()),
            _slip_actions(),
            rx.el.a(t("appointments.all"), href=routes.APPOINTMENTS),
        )),
    )
