"""The "Who accessed my record" section of `/account`: every time staff (or, later, a
delegate) opened the person's record: who (a staff role, a delegate's name), where, when, why."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from absher_app.db import session_scope
from absher_app.domain import access_log
from absher_app.i18n import EN, translate
from absher_app.pages.transactions import bilingual, local_time
from absher_app.state.language import t
from absher_app.state.session import signed_in_account


@dataclasses.dataclass
class AccessView:
    when: str
    who_ar: str
    who_en: str
    office_ar: str
    office_en: str
    purpose_ar: str
    purpose_en: str


def _both(key: str, fallback: str) -> tuple[str, str]:
    return ((translate(key, "ar"), translate(key, "en")) if key in EN
            else (fallback, fallback))


def access_views(person_id: int) -> list[AccessView]:
    with session_scope() as session:
        entries = access_log.accesses_of(session, person_id)
    views = []
    for e in entries:
        # Staff are named by role (never by name); other actors by the label they were given.
        who = (_both(f"staff.role.{e.actor_label}", e.actor_label) if e.actor_kind == "staff"
               else (e.actor_label, e.actor_label))
        kind = _both(f"access.kind.{e.actor_kind}", e.actor_kind)
        office = ((e.office_ar, e.office_en) if e.office_ar
                  else _both("staff.office.hq", "") if e.actor_kind == "staff" else ("—", "—"))
        purpose = _both(f"access.purpose.{e.purpose}", e.purpose)
        views.append(AccessView(local_time(e.created_at), f"{kind[0]}: {who[0]}",
                                f"{kind[1]}: {who[1]}", office[0], office[1], *purpose))
    return views


class RecordAccessState(rx.State):
    """The accesses to the signed-in person's record."""

    accesses: list[AccessView] = []

    @rx.event
    async def load(self):
        who = await signed_in_account(self, touch=False)
        if who is None:
            self.accesses = []
            return
        self.accesses = await asyncio.to_thread(access_views, who.person_id)


def access_section() -> rx.Component:
    """The section, for the account page."""
    s = RecordAccessState
    return rx.el.section(
        rx.el.h2(t("access.title"), id="record-access-title"),
        rx.el.p(t("access.lead")),
        rx.cond(
            s.accesses.length() > 0,
            rx.el.div(rx.el.table(
                rx.el.thead(rx.el.tr(rx.el.th(t("access.when"), scope="col"),
                                     rx.el.th(t("access.who"), scope="col"),
                                     rx.el.th(t("access.office"), scope="col"),
                                     rx.el.th(t("access.purpose"), scope="col"))),
                rx.el.tbody(rx.foreach(s.accesses, lambda a: rx.el.tr(
                    rx.el.td(rx.el.bdi(a.when, dir="ltr")),
                    rx.el.td(bilingual(a.who_ar, a.who_en)),
                    rx.el.td(bilingual(a.office_ar, a.office_en)),
                    rx.el.td(bilingual(a.purpose_ar, a.purpose_en))))),
                class_name="data-table compact-table"), class_name="table-scroll"),
            rx.el.p(t("access.none")),
        ),
        id="record-access",
        aria_labelledby="record-access-title",
        class_name="account-section",
    )
