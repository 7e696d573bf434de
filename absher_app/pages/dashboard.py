"""`/dashboard`: the signed-in home. Tiles with a count each, drafts to resume, the latest
transactions and notifications."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from absher_app import routes
from absher_app.components.layout import page_layout
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import catalogue, delegation, notify, requests, wizard
from absher_app.i18n import translate
from absher_app.models import Account, Person
from absher_app.pages.transactions import TransactionRow, transaction_row, transactions_table
from absher_app.providers.clock import RIYADH, today_in_riyadh
from absher_app.state.language import is_english, t
from absher_app.state.session import CLOCK, SessionState, signed_in_account
from absher_app.state.wizard import TextView


@dataclasses.dataclass
class DraftLink:
    href: str
    title_ar: str
    title_en: str


@dataclasses.dataclass
class Overview:
    services: int
    open_transactions: int
    family: int
    unread: int
    delegations_to_me: int
    delegations_from_me: int
    drafts: list[DraftLink]
    recent: list[TransactionRow]
    notifications: list[TextView]


def overview(account_id: int) -> Overview:
    with session_scope() as session:
        account = session.get(Account, account_id)
        person = session.get(Person, account.person_id)
        ctx = wizard.Context(session=session, today=today_in_riyadh(CLOCK), now=CLOCK.now(),
                             applicant=person)
        mine = requests.requests_of(session, person.id)
        drafts = []
        for draft in wizard.drafts_of(session, account):
            service = catalogue.service(draft.service_code)
            if service is not None:
                drafts.append(DraftLink(routes.service_path(service.code),
                                        translate(service.title_key, "ar"),
                                        translate(service.title_key, "en")))
        return Overview(
            services=len(wizard.available_services(catalogue.SERVICES, ctx)),
            open_transactions=sum(1 for r in mine if r.status in requests.OPEN_STATUSES),
            family=len(wizard.sponsored_by(session, person)),
            unread=notify.unread_count(session, person.id),
            delegations_to_me=delegation.counts(session, person, ctx.today)[0],
            delegations_from_me=delegation.counts(session, person, ctx.today)[1],
            drafts=drafts,
            recent=[transaction_row(session, r) for r in mine[:5]],
            notifications=[TextView(n.text_ar, n.text_en,
                                    n.created_at.astimezone(RIYADH).strftime("%Y-%m-%d %H:%M"))
                           for n in notify.recent(session, person.id, 5)],
        )


def _mark_read(account_id: int) -> None:
    with session_scope() as session:
        account = session.get(Account, account_id)
        notify.mark_all_read(session, account.person_id, CLOCK.now())


class DashboardState(rx.State):
    """The counts and lists the dashboard shows; read again on every visit."""

    services: int = 0
    open_transactions: int = 0
    family: int = 0
    unread: int = 0
    delegations_to_me: int = 0
    delegations_from_me: int = 0
    drafts: list[DraftLink] = []
    recent: list[TransactionRow] = []
    notifications: list[TextView] = []

    def _apply(self, data: Overview) -> None:
        for field in dataclasses.fields(data):
            setattr(self, field.name, getattr(data, field.name))

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        self._apply(await asyncio.to_thread(overview, who.account_id))
        return None

    @rx.event
    async def mark_read(self):
        who = await signed_in_account(self)
        if who is None:
            return rx.redirect(routes.LOGIN)
        await asyncio.to_thread(_mark_read, who.account_id)
        self._apply(await asyncio.to_thread(overview, who.account_id))
        return None


def tile(title_key: str, href: str | None, detail: rx.Component) -> rx.Component:
    heading = rx.el.a(t(title_key), href=href) if href else t(title_key)
    return rx.el.li(rx.el.h2(heading, class_name="tile-title"), rx.el.p(detail),
                    class_name="service-tile" if href else "service-tile tile-coming")


def _count(key: str, value: rx.Var[int]) -> rx.Component:
    return t_with(key, {"count": value})


def page() -> rx.Component:
    s = DashboardState
    return page_layout(
        "dashboard.title",
        rx.el.ul(
            tile("tiles.services", routes.SERVICES, _count("tiles.services_count", s.services)),
            tile("tiles.transactions", routes.TRANSACTIONS,
                 _count("tiles.transactions_count", s.open_transactions)),
            tile("tiles.family", routes.FAMILY, _count("tiles.family_count", s.family)),
            tile("tiles.notifications", "#notifications",
                 _count("tiles.notifications_count", s.unread)),
            tile("tiles.inquiries", routes.INQUIRIES, t("tiles.inquiries_hint")),
            tile("tiles.account", routes.ACCOUNT, t("dashboard.account_link")),
            tile("tiles.general", None, t("tiles.coming")),
            tile("tiles.delegations", routes.DELEGATIONS,
                 t_with("tiles.delegations_count", {"to_me": s.delegations_to_me,
                                                    "from_me": s.delegations_from_me})),
            tile("tiles.messages", None, t("tiles.coming")),
            tile("tiles.appointments", None, t("tiles.coming")),
            class_name="tile-grid dashboard-tiles",
        ),
        rx.cond(s.drafts.length() > 0, rx.el.section(
            rx.el.h2(t("dashboard.drafts_title")),
            rx.el.ul(rx.foreach(s.drafts, lambda d: rx.el.li(
                rx.cond(is_english(), d.title_en, d.title_ar), " — ",
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
                    rx.cond(is_english(), n.en, n.ar), " ",
                    rx.el.time(n.detail_ar, dir="ltr", class_name="muted"))),
                    class_name="notification-list"),
                rx.el.button(t("dashboard.mark_read"), type="button",
                             class_name="button secondary", on_click=s.mark_read),
            ), rx.el.p(t("dashboard.no_notifications"))),
            id="notifications",
        ),
        lead_key="dashboard.lead",
        title_values=({"name": SessionState.name_ar}, {"name": SessionState.name_en}),
    )
