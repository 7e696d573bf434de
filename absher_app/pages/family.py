"""`/family` (signed in): the household -- the person, their dependants and domestic workers --
with every document's expiry in the Hijri and Gregorian calendars, the expiry timeline, the
calendar (.ics) download, and links to the services each member can be served with."""

from __future__ import annotations

import reflex as rx

from absher_app.application import family as usecases
from absher_app.application.family import DocumentView, MemberView
from absher_app.components.layout import page_layout
from absher_app.components.text import bilingual
from absher_app.state.events import event, use
from absher_app.state.language import t
from absher_app.state.session import load_page

CALENDAR_FILE = "absher-household.ics"


class FamilyState(rx.State):
    """What the family page shows; each handler finds the signed-in account again."""

    loaded: bool = False
    members: list[MemberView] = []
    timeline: list[DocumentView] = []

    @event
    async def load(self):
        found = await load_page(self, usecases.my_household)
        self.members, self.timeline, self.loaded = found.members, found.timeline, True

    @event
    async def download_calendar(self):
        """The household's expiries as an .ics file, with an alarm before each."""
        data = await use(self, usecases.household_calendar)
        return rx.download(data=data, filename=CALENDAR_FILE, mime_type="text/calendar")


# ---------------------------------------------------------------------------------------------
# Rendering.

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
