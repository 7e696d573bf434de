"""`/family` (signed in): the household -- the person, their dependants and domestic workers --
with every document's expiry in the Hijri and Gregorian calendars, the expiry timeline, the
calendar (.ics) download, and links to the services each member can be served with."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from absher_app import routes
from absher_app.components.layout import page_layout
from absher_app.db import session_scope
from absher_app.domain import catalogue, household, wizard
from absher_app.domain.calendars import days_text, gregorian_text, hijri_text
from absher_app.i18n import LANGUAGES, translate
from absher_app.models import Account, Person
from absher_app.providers.clock import today_in_riyadh
from absher_app.state.language import LanguageState, is_english, t
from absher_app.state.session import CLOCK, signed_in_account

CALENDAR_FILE = "absher-household.ics"


@dataclasses.dataclass
class DocumentView:
    """One document of a member (also a line of the timeline), in both languages."""

    name_ar: str
    name_en: str
    document_ar: str
    document_en: str
    number: str
    gregorian_ar: str
    gregorian_en: str
    hijri_ar: str
    hijri_en: str
    iso_date: str
    status: str
    status_ar: str
    status_en: str
    when_ar: str
    when_en: str


@dataclasses.dataclass
class ServiceLink:
    href: str
    title_ar: str
    title_en: str


@dataclasses.dataclass
class MemberView:
    anchor: str
    name_ar: str
    name_en: str
    relationship_ar: str
    relationship_en: str
    id_number: str
    documents: list[DocumentView]
    services: list[ServiceLink]


def _both(key: str, **params) -> tuple[str, str]:
    return translate(key, "ar", **params), translate(key, "en", **params)


def _when(days: int) -> tuple[str, str]:
    if days == 0:
        return _both("household.today")
    key = "household.days_left" if days > 0 else "household.days_ago"
    return (translate(key, "ar", days=days_text(days, "ar")),
            translate(key, "en", days=days_text(days, "en")))


def document_view(entry: household.Entry) -> DocumentView:
    return DocumentView(
        entry.name_ar, entry.name_en, *_both(f"household.document.{entry.document}"),
        entry.number, gregorian_text(entry.date, "ar"), gregorian_text(entry.date, "en"),
        hijri_text(entry.date, "ar"), hijri_text(entry.date, "en"), entry.date.isoformat(),
        entry.status, *_both(f"household.status.{entry.status}"), *_when(entry.days_left))


def _applicant(session, account_id: int) -> Person | None:
    account = session.get(Account, account_id)
    return session.get(Person, account.person_id) if account else None


def household_views(account_id: int) -> tuple[list[MemberView], list[DocumentView]]:
    """The members (each with their documents and services) and the timeline."""
    with session_scope() as session:
        person = _applicant(session, account_id)
        if person is None:
            return [], []
        today = today_in_riyadh(CLOCK)
        entries = household.timeline(session, person, today)
        ctx = wizard.Context(session=session, today=today, now=CLOCK.now(), applicant=person)
        services: dict[int, list[ServiceLink]] = {}
        for service in catalogue.SERVICES:
            for member in wizard.candidates(service, ctx):
                services.setdefault(member.id, []).append(ServiceLink(
                    routes.service_path(service.code, member.id_number),
                    *_both(service.title_key)))
        members = []
        for index, member in enumerate(household.members(session, person)):
            relationship = household.SELF if member.id == person.id else member.relationship
            own = sorted((e for e in entries if e.person_id == member.id),
                         key=lambda e: household.DOCUMENTS.index(e.document))
            members.append(MemberView(
                f"member-{index}", member.name_ar, member.name_en,
                *_both(f"household.relationship.{relationship}"), member.id_number,
                [document_view(e) for e in own], services.get(member.id, [])))
        return members, [document_view(e) for e in entries]


def calendar_file(account_id: int, lang: str) -> bytes:
    """The household's .ics, in the person's language."""
    with session_scope() as session:
        person = _applicant(session, account_id)
        entries = household.timeline(session, person, today_in_riyadh(CLOCK)) if person else []
        return household.calendar_ics(entries, lang, now=CLOCK.now())


class FamilyState(rx.State):
    """What the family page shows; handlers find the signed-in account again each time."""

    loaded: bool = False
    members: list[MemberView] = []
    timeline: list[DocumentView] = []

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            return rx.redirect(routes.LOGIN)
        self.members, self.timeline = await asyncio.to_thread(household_views, who.account_id)
        self.loaded = True
        return None

    @rx.event
    async def download_calendar(self):
        """The household's expiries as an .ics file, with an alarm before each."""
        who = await signed_in_account(self)
        if who is None:
            return rx.redirect(routes.LOGIN)
        lang = (await self.get_state(LanguageState)).lang
        data = await asyncio.to_thread(calendar_file, who.account_id,
                                       lang if lang in LANGUAGES else "ar")
        return rx.download(data=data, filename=CALENDAR_FILE, mime_type="text/calendar")


# ---------------------------------------------------------------------------------------------
# Rendering.

def bilingual(ar, en):
    return rx.cond(is_english(), en, ar)


def _badge(doc: rx.Var[DocumentView]) -> rx.Component:
    return rx.el.span(bilingual(doc.status_ar, doc.status_en),
                      class_name="badge badge-" + doc.status)


def _dual_date(doc: rx.Var[DocumentView]) -> rx.Component:
    return rx.el.span(
        rx.el.time(bilingual(doc.gregorian_ar, doc.gregorian_en), date_time=doc.iso_date),
        rx.el.span(bilingual(doc.hijri_ar, doc.hijri_en), class_name="hijri"),
        class_name="dual-date",
    )


def _document(doc: rx.Var[DocumentView]) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.span(bilingual(doc.document_ar, doc.document_en), class_name="doc-name"),
            rx.el.bdi(doc.number, dir="ltr", class_name="doc-number"),
            class_name="doc-head",
        ),
        _dual_date(doc),
        rx.el.div(_badge(doc), rx.el.span(bilingual(doc.when_ar, doc.when_en),
                                          class_name="muted"),
                  class_name="doc-status"),
        class_name="doc-item",
    )


def _member(member: rx.Var[MemberView]) -> rx.Component:
    return rx.el.li(
        rx.el.article(
            rx.el.h3(bilingual(member.name_ar, member.name_en), id=member.anchor),
            rx.el.p(
                rx.el.span(bilingual(member.relationship_ar, member.relationship_en),
                           class_name="tag"),
                " ",
                rx.el.span(t("family.id_number"), ": ",
                           rx.el.bdi(member.id_number, dir="ltr")),
                class_name="member-meta",
            ),
            rx.cond(member.documents.length() > 0,
                    rx.el.ul(rx.foreach(member.documents, _document), class_name="doc-list"),
                    rx.el.p(t("family.none"))),
            rx.el.details(
                rx.el.summary(t("family.services")),
                rx.cond(member.services.length() > 0,
                        rx.el.ul(rx.foreach(member.services, lambda s: rx.el.li(
                            rx.el.a(bilingual(s.title_ar, s.title_en), href=s.href))),
                            class_name="service-links"),
                        rx.el.p(t("family.no_services"))),
                class_name="member-services",
            ),
            aria_labelledby=member.anchor,
            class_name="member-card",
        ),
    )


def _timeline_item(doc: rx.Var[DocumentView]) -> rx.Component:
    return rx.el.li(
        _dual_date(doc),
        rx.el.div(
            rx.el.strong(bilingual(doc.document_ar, doc.document_en)),
            " — ",
            bilingual(doc.name_ar, doc.name_en),
            class_name="timeline-what",
        ),
        rx.el.div(_badge(doc), rx.el.span(bilingual(doc.when_ar, doc.when_en),
                                          class_name="muted"),
                  class_name="doc-status"),
        class_name="timeline-item timeline-" + doc.status,
    )


def page() -> rx.Component:
    """The family members page."""
    s = FamilyState
    return page_layout(
        "family.title",
        rx.cond(
            s.loaded,
            rx.fragment(
                rx.el.section(
                    rx.el.h2(t("family.members_title"), id="members-title"),
                    rx.el.ul(rx.foreach(s.members, _member), class_name="member-list"),
                    aria_labelledby="members-title",
                ),
                rx.el.section(
                    rx.el.h2(t("family.timeline_title"), id="timeline-title"),
                    rx.cond(s.timeline.length() > 0,
                            rx.el.ol(rx.foreach(s.timeline, _timeline_item),
                                     class_name="expiry-timeline"),
                            rx.el.p(t("family.none"))),
                    aria_labelledby="timeline-title",
                ),
                rx.el.section(
                    rx.el.h2(t("family.calendar_title"), id="calendar-title"),
                    rx.el.p(t("family.download_hint")),
                    rx.el.button(rx.icon("calendar-plus", size=20, aria_hidden="true"),
                                 t("family.download"), type="button",
                                 class_name="button secondary icon-button",
                                 on_click=s.download_calendar),
                    aria_labelledby="calendar-title",
                ),
            ),
            rx.el.p(t("family.loading"), aria_busy="true"),
        ),
        lead_key="family.lead",
    )
