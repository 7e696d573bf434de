"""The "demo" banner at the top of every page while demo mode (ABSHER_DEMO=1) is on.

Demo mode is read once, when the app is compiled: the banner is part of the page itself, shown
before anything loads, and absent from a build without demo mode.
"""

from __future__ import annotations

import reflex as rx

from absher_app.settings import get_settings
from absher_app.state.language import t

# GOV.UK's warning yellow with near-black text (contrast 14:1), and a rule under it.
_STYLE = {
    "background": "#ffdd00",
    "color": "#0b0c0c",
    "border_bottom": "3px solid #0b0c0c",
    "padding": "0.5rem 1rem",
    "text_align": "center",
    "font_size": "0.95rem",
    "line_height": "1.5",
}


def demo_banner() -> rx.Component:
    """A labelled complementary landmark saying this is a demo (nothing when demo mode is off).

    Not an alert: it is there from the start and never changes, so screen readers meet it in
    reading order rather than having it announced.
    """
    if not get_settings().dev_tools_enabled:
        return rx.fragment()
    return rx.el.aside(
        rx.el.p(
            rx.el.strong(t("demo.banner.tag")), " ",
            t("demo.banner.text"),
            style={"margin": "0"},
        ),
        aria_label=t("demo.banner.label"),
        class_name="demo-banner",
        style=_STYLE,
    )
