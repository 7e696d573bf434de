"""`/staff`: the staff console's home, listing what the signed-in role may do; and
`/staff/not-allowed`, what citizens and staff without the role see instead of a staff page."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.components.staff_layout import role_label, staff_office, staff_page
from absher_app.domain import staff
from absher_app.pages.staff_dashboard import dashboard_section
from absher_app.state.language import t
from absher_app.state.session import SessionState

# (permission, title key, description key, route or None while the page is still to come).
CONSOLE_TASKS: tuple[tuple[str, str, str, str | None], ...] = (
    (staff.ACTIVATE_ACCOUNTS, "staff.task.activate", "staff.task.activate_hint",
     routes.STAFF_ACTIVATE),
    (staff.REVIEW_REQUESTS, "staff.task.requests", "staff.task.requests_hint",
     routes.STAFF_REQUESTS),
    (staff.ANSWER_MESSAGES, "staff.task.messages", "staff.task.messages_hint",
     routes.STAFF_MESSAGES),
    (staff.MANAGE_BRANCHES, "staff.task.branches", "staff.task.branches_hint",
     routes.STAFF_BRANCHES),
)


def _task(permission: str, title_key: str, hint_key: str, href: str | None) -> rx.Component:
    heading = rx.el.a(t(title_key), href=href) if href else t(title_key)
    return rx.cond(
        SessionState.permissions.contains(permission),
        rx.el.li(rx.el.h2(heading, class_name="tile-title"), rx.el.p(t(hint_key)),
                 rx.el.p(t("staff.task.coming")) if href is None else rx.fragment(),
                 class_name="service-tile" if href else "service-tile tile-coming"),
        rx.fragment(),
    )


def home_page() -> rx.Component:
    """The console: who you are, and one tile per task your role includes."""
    return staff_page(
        "staff.home.title",
        rx.cond(
            SessionState.signed_in,
            rx.fragment(
                rx.el.dl(
                    rx.el.div(rx.el.dt(t("staff.home.role")),
                              rx.el.dd(role_label(SessionState.role),
                                       data_testid="staff-role"),
                              class_name="summary-row"),
                    rx.el.div(rx.el.dt(t("staff.home.office")), rx.el.dd(staff_office()),
                              class_name="summary-row"),
                    class_name="summary-list",
                ),
                rx.el.h2(t("staff.home.tasks"), class_name="visually-hidden"),
                rx.el.ul(*[_task(*task) for task in CONSOLE_TASKS], class_name="tile-grid"),
                rx.el.p(t("staff.home.logged")),
                dashboard_section(),
            ),
            rx.el.p(t("staff.loading"), role="status", class_name="lead"),
        ),
    )


def not_allowed_page() -> rx.Component:
    """Shown instead of a staff page to anyone whose session or role does not allow it."""
    return staff_page(
        "staff.not_allowed.title",
        rx.el.div(
            rx.el.p(t("staff.not_allowed.lead")),
            rx.el.p(t("staff.not_allowed.logged")),
            role="alert",
            class_name="panel",
        ),
        rx.el.ul(
            rx.el.li(rx.el.a(t("staff.not_allowed.to_console"), href=routes.STAFF)),
            rx.el.li(rx.el.a(t("staff.not_allowed.to_login"), href=routes.STAFF_LOGIN)),
            rx.el.li(rx.el.a(t("staff.not_allowed.to_portal"), href=routes.HOME)),
        ),
    )
