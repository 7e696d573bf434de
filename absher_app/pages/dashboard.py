"""`/dashboard`: the signed-in home. Tiles with a count each, drafts to resume, the latest
transactions and notifications."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date

import reflex as rx

from absher_app import routes
from absher_app.components.layout import page_layout
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import (
    appointments,
    catalogue,
    delegation,
    household,
    messages,
    notify,
    requests,
    wizard,
)
from absher_app.domain.calendars import days_text, gregorian_text, hijri_text
from absher_app.i18n import translate
from absher_app.models import Account, Bill, Person
from absher_app.pages.appointments import day_label
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
    drafts_count: int
    open_transactions: int
    unpaid_bills: int
    bill_due: TextView
    family: int
    family_next: TextView
    family_expired: int
    unread: int
    open_messages: int
    next_appointment_ar: str
    next_appointment_en: str
    delegations_to_me: int
    delegations_from_me: int
    drafts: list[DraftLink]
    recent: list[TransactionRow]
    notifications: list[TextView]


def _dates(day: date, lang: str) -> str:
    """Gregorian and Hijri side by side, as a tile shows a deadline."""
    hijri = hijri_text(day, lang)
    return f"{gregorian_text(day, lang)} — {hijri}" if hijri else gregorian_text(day, lang)


def bill_deadline(bills: list[Bill]) -> TextView:
    """'Earliest due …' for the first of `bills` (soonest due first); empty when none."""
    if not bills:
        return TextView("", "")
    due = bills[0].due_at.astimezone(RIYADH)
    return TextView(*(translate("tiles.bill_due", lang, date=_dates(due.date(), lang),
                                time=due.strftime("%H:%M"), count=len(bills))
                      for lang in ("ar", "en")))


def next_expiry(entries: list[household.Entry]) -> TextView:
    """The household's next document to expire (today or later): what, whose, when (Hijri and
    Gregorian) and in how many days; empty when nothing is ahead."""
    entry = next((e for e in entries if e.days_left >= 0), None)
    if entry is None:
        return TextView("", "")

    def line(lang: str) -> str:
        document = translate(f"household.document.{entry.document}", lang)
        if entry.relationship == household.SELF:
            return translate("tiles.family_next_self", lang, document=document)
        return translate("tiles.family_next", lang, document=document, name=entry.name(lang))

    def when(lang: str) -> str:
        left = translate("household.today", lang) if entry.days_left == 0 else translate(
            "household.days_left", lang, days=days_text(entry.days_left, lang))
        return f"{_dates(entry.date, lang)} ({left})"

    return TextView(line("ar"), line("en"), when("ar"), when("en"))


def overview(account_id: int) -> Overview:
    with session_scope() as session:
        account = session.get(Account, account_id)
        person = session.get(Person, account.person_id)
        now = CLOCK.now()
        today = today_in_riyadh(CLOCK)
        ctx = wizard.Context(session=session, today=today, now=now, applicant=person)
        mine = requests.requests_of(session, person.id)
        upcoming = appointments.next_appointment(session, person.id, CLOCK.now())
        drafts = []
        for draft in wizard.drafts_of(session, account):
            service = catalogue.service(draft.service_code)
            if service is not None:
                drafts.append(DraftLink(routes.service_path(service.code),
                                        translate(service.title_key, "ar"),
                                        translate(service.title_key, "en")))
        bills = requests.unpaid_bills_of(session, person.id, now)
        to_me, from_me = delegation.counts(session, person, today)
        entries = household.timeline(session, person, today)
        return Overview(
            services=len(wizard.available_services(catalogue.SERVICES, ctx)),
            drafts_count=len(drafts),
            open_transactions=sum(1 for r in mine if r.status in requests.OPEN_STATUSES),
            unpaid_bills=len(bills),
            bill_due=bill_deadline(bills),
            family=len(wizard.sponsored_by(session, person)),
            family_next=next_expiry(entries),
            family_expired=sum(1 for e in entries if e.status == "expired"),
            unread=notify.unread_count(session, person.id),
            open_messages=messages.open_count(session, person.id),
            next_appointment_ar=day_label(upcoming.day, "ar") if upcoming else "",
            next_appointment_en=day_label(upcoming.day, "en") if upcoming else "",
            delegations_to_me=to_me,
            delegations_from_me=from_me,
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
    drafts_count: int = 0
    open_transactions: int = 0
    unpaid_bills: int = 0
    bill_due: TextView = TextView("", "")
    family: int = 0
    family_next: TextView = TextView("", "")
    family_expired: int = 0
    unread: int = 0
    open_messages: int = 0
    next_appointment_ar: str = ""
    next_appointment_en: str = ""
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


def tile(title_key: str, href: str | None, *details: rx.Component) -> rx.Component:
    heading = rx.el.a(t(title_key), href=href) if href else t(title_key)
    return rx.el.li(rx.el.h2(heading, class_name="tile-title"), *details,
                    class_name="service-tile" if href else "service-tile tile-coming")


def _count(key: str, value: rx.Var[int]) -> rx.Component:
    return rx.el.p(t_with(key, {"count": value}))


def _when(show: rx.Var[bool], *children: rx.Component, class_name: str = "tile-deadline"
          ) -> rx.Component:
    return rx.cond(show, rx.el.p(*children, class_name=class_name), rx.fragment())


def _both(view: rx.Var[TextView], detail: bool = False) -> rx.Var:
    return rx.cond(is_english(), view.detail_en if detail else view.en,
                   view.detail_ar if detail else view.ar)


def page() -> rx.Component:
    s = DashboardState
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
                       _both(s.family_next, detail=True)),
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
                 _count("tiles.messages_count", s.open_messages)),
            tile("tiles.appointments", routes.APPOINTMENTS, rx.el.p(rx.cond(
                s.next_appointment_ar != "",
                t_with("tiles.appointments_next", {"date": s.next_appointment_ar},
                       {"date": s.next_appointment_en}),
                t("tiles.appointments_none")))),
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
