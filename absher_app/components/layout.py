"""The page shell: skip link, header with the language switch, main landmark with one h1, footer."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.components.demo_banner import demo_banner
from absher_app.components.idle import idle_warning
from absher_app.components.text import t_with
from absher_app.domain.staff import ROLES
from absher_app.settings import get_settings
from absher_app.state.language import LanguageState, is_english, t
from absher_app.state.session import SessionState

GREEN = "#0b5e3a"  # Absher green, 7.9:1 on white


def language_switch() -> rx.Component:
    """A button named "English" in Arabic and "العربية" in English (QA-CONTRACT §3)."""
    return rx.cond(
        is_english(),
        rx.el.button(
            "العربية", lang="ar", type="button", class_name="lang-switch",
            on_click=LanguageState.set_language("ar"),
        ),
        rx.el.button(
            "English", lang="en", type="button", class_name="lang-switch",
            on_click=LanguageState.set_language("en"),
        ),
    )


def role_label(role: rx.Var) -> rx.Component:
    """A staff role's name in the current language."""
    return rx.match(role, *[(code, t(f"staff.role.{code}")) for code in ROLES], "")


def _person_nav() -> list[rx.Component]:
    return [
        rx.el.a(t("nav.home"), href=routes.HOME),
        rx.el.a(t("nav.inquiries"), href=routes.INQUIRIES),
        rx.cond(
            SessionState.signed_in & (SessionState.realm == "person"),
            rx.fragment(
                rx.el.a(t("nav.dashboard"), href=routes.DASHBOARD),
                rx.el.a(t("nav.account"), href=routes.ACCOUNT),
                rx.el.button(t("nav.logout"), type="button", class_name="nav-cta",
                             on_click=SessionState.sign_out),
            ),
            rx.el.a(t("nav.login"), href=routes.LOGIN, class_name="nav-cta"),
        ),
    ]


def _staff_nav() -> list[rx.Component]:
    return [rx.cond(
        SessionState.signed_in & (SessionState.realm == "staff"),
        rx.fragment(
            rx.el.a(t("staff.nav.console"), href=routes.STAFF),
            rx.el.span(rx.el.bdi(SessionState.name_en), " · ", role_label(SessionState.role),
                       class_name="staff-who"),
            rx.el.button(t("nav.logout"), type="button", class_name="nav-cta",
                         on_click=SessionState.sign_out),
        ),
        rx.el.a(t("staff.login.title"), href=routes.STAFF_LOGIN, class_name="nav-cta"),
    )]


# The header of each realm: where the brand leads, its name, its navigation.
HEADERS = {
    "person": (routes.HOME, "portal.name", _person_nav, "site-header"),
    "staff": (routes.STAFF, "staff.brand", _staff_nav, "site-header staff-header"),
}


def site_header(realm: str = "person") -> rx.Component:
    """Brand, the realm's navigation and the language switch."""
    home, brand_key, nav, class_name = HEADERS[realm]
    return rx.el.header(
        rx.el.div(
            rx.el.a(
                rx.el.img(src="/emblem.svg", alt="", width="40", height="40"),
                rx.el.span(t(brand_key), class_name="brand-name"),
                href=home, class_name="brand",
            ),
            rx.el.nav(
                *nav(),
                language_switch(),
                aria_label=t("nav.main"),
                class_name="site-nav",
            ),
            class_name="header-inner",
        ),
        class_name=class_name,
    )


def site_footer() -> rx.Component:
    """Ministry line and the demo disclaimer."""
    return rx.el.footer(
        rx.el.div(
            rx.el.p(t("portal.ministry"), class_name="footer-ministry"),
            rx.el.p(t("footer.rights")),
            # Only the demo says its people are made up.
            rx.el.p(t("footer.demo")) if get_settings().dev_tools_enabled else rx.fragment(),
            class_name="footer-inner",
        ),
        class_name="site-footer",
    )


def page_layout(title_key: str | rx.Component, *children: rx.Component,
                lead_key: str | None = None,
                title_values: tuple[dict, dict] | None = None,
                realm: str = "person") -> rx.Component:
    """A full page whose only h1 is the string `title_key` (placeholders from title_values),
    or a component when the title comes from state (e.g. the service a wizard runs); `realm`
    picks the header (citizens' portal or the staff back office)."""
    if not isinstance(title_key, str):
        heading = title_key
    elif title_values:
        heading = t_with(title_key, *title_values)
    else:
        heading = t(title_key)
    return rx.fragment(
        rx.el.a(t("nav.skip"), href="#main", class_name="skip-link"),
        demo_banner(),
        site_header(realm),
        rx.el.main(
            rx.el.h1(heading),
            rx.el.p(t(lead_key), class_name="lead") if lead_key else rx.fragment(),
            *children,
            id="main",
            tab_index=-1,
            class_name="page-main",
        ),
        site_footer(),
        idle_warning(),
        on_mount=LanguageState.apply_document_language,
    )
