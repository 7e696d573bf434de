"""Panels and short blocks of content that several pages show."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.settings import get_settings
from absher_app.state.language import t


def activation_ways() -> rx.Component:
    """The three ways to activate an account, linking the demo partners' pages in demo mode."""
    demo = get_settings().dev_tools_enabled
    return rx.el.ul(
        rx.el.li(rx.el.a(t("activation.bank"), href=routes.ACTIVATE_BANK) if demo
                 else t("activation.bank")),
        rx.el.li(rx.el.a(t("activation.kiosk"), href=routes.ACTIVATE_KIOSK) if demo
                 else t("activation.kiosk")),
        rx.el.li(t("activation.office")),
        class_name="link-list",
    )
