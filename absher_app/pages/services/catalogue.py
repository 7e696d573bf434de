"""`/services` (My Services): every service the person can start, as tiles."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application import services as usecases
from absher_app.application.services import ServiceCard
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual
from absher_app.state.events import event
from absher_app.state.language import t
from absher_app.state.session import load_page


class ServicesState(rx.State):
    """The My Services list."""

    cards: list[ServiceCard] = []

    @event
    async def load(self):
        self.cards = await load_page(self, usecases.my_services)


def _card(card: rx.Var[ServiceCard]) -> rx.Component:
    return rx.el.li(
        rx.el.h3(rx.el.a(bilingual(card.title_ar, card.title_en), href=card.href)),
        rx.el.p(bilingual(card.summary_ar, card.summary_en)),
        rx.cond(card.has_draft, rx.el.p(t("services.draft_saved"), class_name="tag"),
                rx.fragment()),
        class_name="service-tile",
    )


def catalogue_page() -> rx.Component:
    return page_layout(
        "services.title",
        rx.cond(ServicesState.cards.length() > 0,
                rx.el.ul(rx.foreach(ServicesState.cards, _card), class_name="tile-grid"),
                rx.el.p(t("services.none"))),
        rx.el.p(rx.el.a(t("general.link"), href=routes.GENERAL_SERVICES)),
        lead_key="services.lead",
    )
