"""`/dashboard`: the signed-in home. Tiles with a count each, the delegations the person acts
under today (a "start SERVICE for NAME" entry per service), drafts to resume, the latest
transactions and notifications."""

from __future__ import annotations

import reflex as rx

from absher_app import routes
from absher_app.application import dashboard as usecases
from absher_app.application.dashboard import Overview
from absher_app.application.views import Text
from absher_app.components.delegations import acting_cards
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual, t_with
from absher_app.components.transactions import transactions_table
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import SessionState, load_page


class DashboardState(rx.State):
    """What the dashboard shows; read again on every visit."""

    view: Overview = rx.field(default_factory=Overview)

    @event
    async def load(self):
        self.view = await load_page(self, usecases.dashboard)

    @event
    async def mark_read(self):
        self.view = await use(self, usecases.mark_notifications_read)


def tile(title_key: str, href: str | None, *details: rx.Component) -> rx.Component:
    heading = rx.el.a(t(title_key), href=href) if href else t(title_key)
    return rx.el.li(rx.el.h2(heading, class_name="tile-title"), *details,
                    class_name="service-tile" if href else "service-tile tile-coming")


def _count(key: str, value: rx.Var[int]) -> rx.Component:
    return rx.el.p(t_with(key, {"count": value}))


def _when(show: rx.Var[bool], *children: rx.Component, class_name: str = "tile-deadline"
          ) -> rx.Component:
    return rx.cond(show, rx.el.p(*children, class_name=class_name), rx.fragment())


def _both(text: rx.Var[Text]) -> rx.Var:
    return bilingual(text.ar, text.en)


def page() -> rx.Component:
    s = DashboardState.view
    return page_layout(
        "dashboard.title",
        rx.el.ul(
            tile("tiles.services", routes.SERVICES, _count("tiles.services_count", s.services),
                 _when(s.drafts_count > 0, t_with("tiles.drafts_count",
                                                  {"count": s.drafts_count}))),
            tile("tiles.transactions", routes.TRANSACTIONS,
                 _count("tiles.transactions_count", s.open_transactions),
                 _when(s.unpaid_bills > 0, _both(s.bill_due))),
            tile("tiles.family", routes.FAMILY, _count("tiles.family_count", s.family),
                 _when(s.family_next.ar != "", rx.el.strong(_both(s.family_next)), rx.el.br(),
                       _both(s.family_next_when)),
                 _when(s.family_expired > 0,
                       t_with("tiles.family_expired", {"count": s.family_expired}),
                       class_name="tile-alert")),
            tile("tiles.notifications", "#notifications",
                 _count("tiles.notifications_count", s.unread)),
            tile("tiles.inquiries", routes.INQUIRIES, rx.el.p(t("tiles.inquiries_hint"))),
            tile("tiles.account", routes.ACCOUNT, rx.el.p(t("dashboard.account_link"))),
            tile("tiles.general", routes.GENERAL_SERVICES, rx.el.p(t("tiles.general_hint"))),
            tile("tiles.delegations", routes.DELEGATIONS, rx.el.p(
                t_with("tiles.delegations_count", {"to_me": s.delegations_to_me,
                                                   "from_me": s.delegations_from_me}))),
            tile("tiles.messages", routes.MESSAGES,
                 _count("tiles.messages_open", s.open_messages)),
            tile("tiles.appointments", routes.APPOINTMENTS, rx.el.p(rx.cond(
                s.next_appointment.ar != "",
                t_with("tiles.appointments_next", {"date": s.next_appointment.ar},
                       {"date": s.next_appointment.en}),
                t("tiles.appointments_none")))),
            tile("tiles.vehicles", routes.VEHICLES, _count("tiles.vehicles_count", s.vehicles),
                 _when(s.transfers_awaiting > 0, t_with("tiles.transfers_awaiting",
                                                        {"count": s.transfers_awaiting}),
                       class_name="tile-alert")),
            class_name="tile-grid dashboard-tiles",
        ),
        rx.cond(s.acting.length() > 0, rx.el.section(
            rx.el.h2(t("delegate.acting_title")),
            rx.el.p(t("delegate.acting_lead")),
            acting_cards(s.acting),
        ), rx.fragment()),
        rx.cond(s.drafts.length() > 0, rx.el.section(
            rx.el.h2(t("dashboard.drafts_title")),
            rx.el.ul(rx.foreach(s.drafts, lambda d: rx.el.li(
                bilingual(d.title_ar, d.title_en), " — ",
                rx.el.a(t("dashboard.resume"), href=d.href))), class_name="link-list"),
        ), rx.fragment()),
        rx.el.section(
            rx.el.h2(t("dashboard.recent_title")),
            transactions_table(s.recent),
            rx.el.a(t("dashboard.all_transactions"), href=routes.TRANSACTIONS),
        ),
        rx.el.section(
            rx.el.h2(t("dashboard.notifications_title")),
            rx.cond(s.notifications.length() > 0, rx.fragment(
                rx.el.ul(rx.foreach(s.notifications, lambda n: rx.el.li(
                    bilingual(n.ar, n.en), " ",
                    rx.el.time(n.when, dir="ltr", class_name="muted"))),
                    class_name="notification-list"),
                rx.el.button(t("dashboard.mark_read"), type="button",
                             class_name="button secondary", on_click=DashboardState.mark_read),
            ), rx.el.p(t("dashboard.no_notifications"))),
            id="notifications",
        ),
        lead_key="dashboard.lead",
        title_values=({"name": SessionState.name_ar}, {"name": SessionState.name_en}),
    )
