"""The household (/family): the person, their dependants and domestic workers, every
document's expiry in both calendars, the expiry timeline, the services each member can be
served with, and the calendar file of the expiries."""

from __future__ import annotations

import dataclasses

from absher_app import routes
from absher_app.application.identity import SignedIn
from absher_app.application.services import household_context
from absher_app.application.unit import Tx, use_case
from absher_app.application.views import both
from absher_app.domain import catalogue, household, wizard
from absher_app.domain.calendars import days_text, gregorian_text, hijri_text
from absher_app.i18n import translate


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


@dataclasses.dataclass
class Household:
    members: list[MemberView] = dataclasses.field(default_factory=list)
    timeline: list[DocumentView] = dataclasses.field(default_factory=list)


def _when(days: int) -> tuple[str, str]:
    if days == 0:
        return both("household.today")
    key = "household.days_left" if days > 0 else "household.days_ago"
    return (translate(key, "ar", days=days_text(days, "ar")),
            translate(key, "en", days=days_text(days, "en")))


def document_view(entry: household.Entry) -> DocumentView:
    return DocumentView(
        entry.name_ar, entry.name_en, *both(f"household.document.{entry.document}"),
        entry.number, gregorian_text(entry.date, "ar"), gregorian_text(entry.date, "en"),
        hijri_text(entry.date, "ar"), hijri_text(entry.date, "en"), entry.date.isoformat(),
        entry.status, *both(f"household.status.{entry.status}"), *_when(entry.days_left))


@use_case(activity=False)
def my_household(tx: Tx, who: SignedIn) -> Household:
    """The members (each with their documents and the services they can be served with) and
    the expiry timeline of all their documents."""
    ctx = household_context(tx, who)
    person = ctx.applicant
    entries = household.timeline(tx.session, person, tx.today)
    services: dict[int, list[ServiceLink]] = {}
    for service in catalogue.SERVICES:
        for member in wizard.candidates(service, ctx):
            services.setdefault(member.id, []).append(ServiceLink(
                routes.service_path(service.code, member.id_number), *both(service.title_key)))
    members = []
    for index, member in enumerate(household.members(tx.session, person)):
        relationship = household.SELF if member.id == person.id else member.relationship
        own = sorted((e for e in entries if e.person_id == member.id),
                     key=lambda e: household.DOCUMENTS.index(e.document))
        members.append(MemberView(
            f"member-{index}", member.name_ar, member.name_en,
            *both(f"household.relationship.{relationship}"), member.id_number,
            [document_view(e) for e in own], services.get(member.id, [])))
    return Household(members, [document_view(e) for e in entries])


@use_case()
def household_calendar(tx: Tx, who: SignedIn) -> bytes:
    """The household's expiries as an .ics file in the caller's language, with an alarm
    before each."""
    entries = household.timeline(tx.session, household_context(tx, who).applicant, tx.today)
    return household.calendar_ics(entries, tx.lang, now=tx.now)
