"""`/dashboard`: the signed-in home (the full dashboard arrives with the services)."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.components.layout import page_layout
from absher_app.state.language import t
from absher_app.state.session import SessionState


def page() -> rx.Component:
    """Greets the person by name."""
    return page_layout(
        "dashboard.title",
        rx.el.p(t("dashboard.lead")),
        rx.el.p(rx.el.a(t("family.link"), href=routes.FAMILY)),
        rx.el.button(t("nav.logout"), type="button", class_name="button secondary",
                     on_click=SessionState.sign_out),
        title_values=({"name": SessionState.name_ar}, {"name": SessionState.name_en}),
    )
