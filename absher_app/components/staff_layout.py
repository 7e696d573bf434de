"""The staff back office's page shell: the portal's skip link, footer and language switch, with
a header of its own (the staff member, their role and office, the console and sign-out)."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.components.demo_banner import demo_banner
from absher_app.components.forms import localized
from absher_app.components.layout import language_switch, site_footer
from absher_app.domain.staff import ROLES
from absher_app.state.language import LanguageState, is_english, t
from absher_app.state.staff_session import StaffSessionState


def role_label(role: rx.Var) -> rx.Component:
    """The staff role's name in the current language."""
    return rx.match(role, *[(code, t(f"staff.role.{code}")) for code in ROLES], "")


def staff_office() -> rx.Component:
    """The signed-in staff member's office (headquarters when none)."""
    return rx.cond(StaffSessionState.office_ar != "",
                   rx.cond(is_english(), StaffSessionState.office_en, StaffSessionState.office_ar),
                   t("staff.office.hq"))


def staff_header() -> rx.Component:
    return rx.el.header(
        rx.el.div(
            rx.el.a(
                rx.el.img(src="/emblem.svg", alt="", width="40", height="40"),
                rx.el.span(t("staff.brand"), class_name="brand-name"),
                href=routes.STAFF, class_name="brand",
            ),
            rx.el.nav(
                rx.cond(
                    StaffSessionState.signed_in,
                    rx.fragment(
                        rx.el.a(t("staff.nav.console"), href=routes.STAFF),
                        rx.el.span(rx.el.bdi(StaffSessionState.username), " · ",
                                   role_label(StaffSessionState.role), class_name="staff-who"),
                        rx.el.button(t("nav.logout"), type="button", class_name="nav-cta",
                                     on_click=StaffSessionState.sign_out),
                    ),
                    rx.el.a(t("staff.login.title"), href=routes.STAFF_LOGIN, class_name="nav-cta"),
                ),
                language_switch(),
                aria_label=t("nav.main"),
                class_name="site-nav",
            ),
            class_name="header-inner",
        ),
        class_name="site-header staff-header",
    )


def staff_page(title_key: str, *children: rx.Component,
               lead_key: str | None = None) -> rx.Component:
    """A full staff page whose only h1 is `title_key`."""
    return rx.fragment(
        rx.el.a(t("nav.skip"), href="#main", class_name="skip-link"),
        demo_banner(),
        staff_header(),
        rx.el.main(
            rx.el.h1(t(title_key)),
            rx.el.p(t(lead_key), class_name="lead") if lead_key else rx.fragment(),
            *children,
            id="main",
            tab_index=-1,
            class_name="page-main",
        ),
        site_footer(),
        on_mount=LanguageState.apply_document_language,
    )


def both_langs(ar: rx.Var, en: rx.Var) -> rx.Var:
    """One of two state strings, by the current language."""
    return rx.cond(is_english(), en, ar)


__all__ = ["both_langs", "localized", "role_label", "staff_office", "staff_page"]
