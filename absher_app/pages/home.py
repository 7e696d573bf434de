"""`/`: the public home page, presenting the services and the public inquiries."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.components.layout import page_layout
from absher_app.state.language import t

SERVICES = (
    ("passport", "book-open"),
    ("exit_reentry", "plane"),
    ("final_exit", "plane-takeoff"),
    ("iqama", "id-card"),
    ("delegation", "handshake"),
    ("messages", "mail"),
    ("appointments", "calendar-days"),
    ("delivery", "package"),
)
# (home's inquiry key, the kind it opens on /inquiries; None: not a public inquiry page yet)
INQUIRIES = (("visa", "visa_by_id"), ("iqama", "iqama"), ("absconding", "absconding"),
             ("transaction", "transaction"), ("border", "border"), ("verify", None))


def service_tile(key: str, icon: str) -> rx.Component:
    """One service: icon, name and a one-line description."""
    return rx.el.li(
        rx.icon(icon, size=28, class_name="tile-icon", aria_hidden="true"),
        rx.el.h3(t(f"service.{key}")),
        rx.el.p(t(f"service.{key}.desc")),
        class_name="service-tile",
    )


def page() -> rx.Component:
    """The home page."""
    return page_layout(
        "home.title",
        rx.el.div(
            rx.el.a(t("home.cta_login"), href=routes.LOGIN, class_name="button"),
            rx.el.a(t("home.cta_register"), href=routes.REGISTER, class_name="button secondary"),
            class_name="button-group",
        ),
        rx.el.section(
            rx.el.h2(t("home.services_title"), id="services-title"),
            rx.el.ul(*[service_tile(k, i) for k, i in SERVICES], class_name="tile-grid"),
            aria_labelledby="services-title",
        ),
        rx.el.section(
            rx.el.h2(t("home.inquiries_title"), id="inquiries-title"),
            rx.el.p(t("home.inquiries_lead")),
            rx.el.ul(
                *[rx.el.li(rx.el.a(t(f"inquiry.{key}"), href=f"{routes.INQUIRIES}?kind={kind}")
                           if kind else t(f"inquiry.{key}"))
                  for key, kind in INQUIRIES],
                class_name="link-list",
            ),
            rx.el.a(t("inquiries.open"), href=routes.INQUIRIES, class_name="button secondary"),
            id="inquiries",
            aria_labelledby="inquiries-title",
        ),
        rx.el.section(
            rx.el.h2(t("home.how_title"), id="how-title"),
            rx.el.ol(*[rx.el.li(t(f"home.how_{n}")) for n in range(1, 5)], class_name="steps"),
            aria_labelledby="how-title",
        ),
        lead_key="home.lead",
    )
