"""`/vehicles`: the vehicles registered to me, and the buyer's confirmation of a vehicle
ownership transfer (the seller asks through the "vehicle_transfer" service)."""

from __future__ import annotations

from typing import Annotated

import reflex as rx

from absher_app import routes
from absher_app.application import delegations as usecases
from absher_app.application.delegations import VehiclesView
from absher_app.application.inputs import Bounded
from absher_app.application.views import NO_PROBLEM, Text, problem
from absher_app.components.content import notification_text
from absher_app.components.forms import error_summary
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual, t_with
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import load_page

Plate = Annotated[str, Bounded(12, r"[A-Z0-9]{1,12}")]


class VehiclesState(rx.State):
    """My vehicles and the transfers awaiting my answer (`view.notice`: what I just did)."""

    view: VehiclesView = rx.field(default_factory=VehiclesView)
    error: dict[str, str] = NO_PROBLEM

    def _on_problem(self, error) -> None:
        self.error, self.view.notice = problem(error), Text()

    @event
    async def load(self):
        self.error, self.view = NO_PROBLEM, await load_page(self, usecases.my_vehicles)

    @event
    async def answer(self, plate: Plate, accept: bool):
        """The buyer's answer to the transfer of the vehicle with this plate."""
        self.view = await use(self, usecases.answer_transfer, plate, accept)
        self.error = NO_PROBLEM


def vehicles_page() -> rx.Component:
    s = VehiclesState
    return page_layout(
        "vehicles.title",
        error_summary(s.error),
        notification_text(s.view.notice),
        rx.el.section(
            rx.el.h2(t("vehicles.awaiting_title")),
            rx.cond(s.view.awaiting.length() > 0, rx.el.ul(rx.foreach(
                s.view.awaiting, lambda r: rx.el.li(
                    rx.el.p(rx.el.strong(r.plate), " — ", r.vehicle, " — ",
                            bilingual(r.seller_ar, r.seller_en), " — ",
                            t_with("wizard.sar", {"amount": r.price})),
                    rx.el.div(
                        rx.el.button(t("vehicles.accept"), type="button", class_name="button",
                                     on_click=s.answer(r.plate, True)),
                        rx.el.button(t("vehicles.decline"), type="button",
                                     class_name="button secondary",
                                     on_click=s.answer(r.plate, False)),
                        class_name="button-group",
                    ),
                    class_name="panel")), class_name="link-list"),
                rx.el.p(t("vehicles.none_awaiting"))),
        ),
        rx.el.section(
            rx.el.h2(t("vehicles.mine_title")),
            rx.cond(s.view.mine.length() > 0, rx.el.ul(rx.foreach(s.view.mine, lambda v: rx.el.li(
                rx.el.strong(v.plate, dir="ltr"), " — ", v.vehicle)), class_name="link-list"),
                rx.el.p(t("vehicles.none"))),
            rx.el.a(t("vehicles.sell"), href=routes.service_path("vehicle_transfer")),
        ),
    )
