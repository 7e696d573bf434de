"""The dashboard: a count per tile (services, transactions and bills, family and the next
document to expire, notifications, messages, the next appointment, delegations, vehicles), the
delegations the person acts under today with a "start SERVICE for NAME" entry per service, the
drafts to resume (their own, and those started on someone's behalf while the delegation still
covers them), the latest transactions (those made on behalf marked so) and notifications."""

from __future__ import annotations

import dataclasses
from datetime import date

from absher_app import routes
from absher_app.application.delegations import ActingFor, acting_for
from absher_app.application.identity import SignedIn
from absher_app.application.services import household_context
from absher_app.application.transactions import TransactionRow, all_rows, on_behalf_text
from absher_app.application.unit import Tx, use_case
from absher_app.application.views import Text, both, local_time
from absher_app.domain import (
    appointments,
    catalogue,
    delegation,
    household,
    messages,
    notify,
    requests,
    vehicles,
    wizard,
)
from absher_app.domain.calendars import RIYADH, days_text, gregorian_text, hijri_text
from absher_app.domain.errors import DomainError
from absher_app.domain.request_status import OPEN_STATUSES
from absher_app.i18n import translate
from absher_app.models import Bill, Person

LANGS = ("ar", "en")


@dataclasses.dataclass
class DraftLink:
    href: str
    title_ar: str
    title_en: str


@dataclasses.dataclass
class NotificationLine:
    ar: str
    en: str
    when: str


@dataclasses.dataclass
class Overview:
    """Everything the dashboard shows."""

    services: int = 0
    drafts_count: int = 0
    open_transactions: int = 0
    unpaid_bills: int = 0
    bill_due: Text = dataclasses.field(default_factory=Text)
    family: int = 0
    family_next: Text = dataclasses.field(default_factory=Text)  # what expires next, whose
    family_next_when: Text = dataclasses.field(default_factory=Text)  # when, in how long
    family_expired: int = 0
    unread: int = 0
    open_messages: int = 0
    next_appointment: Text = dataclasses.field(default_factory=Text)
    delegations_to_me: int = 0
    delegations_from_me: int = 0
    vehicles: int = 0
    transfers_awaiting: int = 0
    acting: list[ActingFor] = dataclasses.field(default_factory=list)
    drafts: list[DraftLink] = dataclasses.field(default_factory=list)
    recent: list[TransactionRow] = dataclasses.field(default_factory=list)
    notifications: list[NotificationLine] = dataclasses.field(default_factory=list)


def _dates(day: date, lang: str) -> str:
    """Gregorian and Hijri side by side, as a tile shows a deadline."""
    hijri = hijri_text(day, lang)
    return f"{gregorian_text(day, lang)} — {hijri}" if hijri else gregorian_text(day, lang)


def bill_deadline(bills: list[Bill]) -> Text:
    """'Earliest due …' for the first of `bills` (soonest due first); empty when none."""
    if not bills:
        return Text()
    due = bills[0].due_at.astimezone(RIYADH)
    return Text(*(translate("tiles.bill_due", lang, date=_dates(due.date(), lang),
                            time=due.strftime("%H:%M"), count=len(bills)) for lang in LANGS))


def next_expiry(entries: list[household.Entry]) -> tuple[Text, Text]:
    """The household's next document to expire (today or later): what and whose, then when
    (Hijri and Gregorian) and in how many days; empty when nothing is ahead."""
    entry = next((e for e in entries if e.days_left >= 0), None)
    if entry is None:
        return Text(), Text()

    def line(lang: str) -> str:
        document = translate(f"household.document.{entry.document}", lang)
        if entry.relationship == household.SELF:
            return translate("tiles.family_next_self", lang, document=document)
        return translate("tiles.family_next", lang, document=document, name=entry.name(lang))

    def when(lang: str) -> str:
        left = translate("household.today", lang) if entry.days_left == 0 else translate(
            "household.days_left", lang, days=days_text(entry.days_left, lang))
        return f"{_dates(entry.date, lang)} ({left})"

    return Text(line("ar"), line("en")), Text(when("ar"), when("en"))


def _day_label(day: date, lang: str) -> str:
    """'Monday 11 May 2026' in the language (the appointments' day label)."""
    return f"{translate(f'appointments.weekday.{day.weekday()}', lang)} " \
           f"{gregorian_text(day, lang)}"


def _draft_link(tx: Tx, me: Person, key: str) -> DraftLink | None:
    """A draft to resume: one's own, or one started under a delegation that still lets the
    person act for that service today (checked here; otherwise it is not offered)."""
    code, _, reference = key.partition("@")
    service = catalogue.service(code)
    if service is None:
        return None
    title = both(service.title_key)
    if not reference:
        return DraftLink(routes.service_path(code), *title)
    try:
        acting = delegation.authorize(tx.session, delegate=me, reference=reference,
                                      service_code=code, today=tx.today)
    except DomainError:
        return None
    marked = on_behalf_text(tx.session.get(Person, acting.delegator_id))
    return DraftLink(routes.act_on_behalf_path(code, reference), f"{title[0]} — {marked.ar}",
                     f"{title[1]} — {marked.en}")


def _overview(tx: Tx, who: SignedIn) -> Overview:
    session, person_id = tx.session, who.person_id
    ctx = household_context(tx, who)
    person = ctx.applicant
    mine = requests.requests_of(session, person_id)
    upcoming = appointments.next_appointment(session, person_id, tx.now)
    drafts = [link for draft in wizard.drafts_of(session, who.account_id)
              if (link := _draft_link(tx, person, draft.service_code)) is not None]
    bills = requests.unpaid_bills_of(session, person_id, tx.now)
    to_me = delegation.given_to(session, person)
    entries = household.timeline(session, person, tx.today, ctx.household())
    family_next, family_next_when = next_expiry(entries)
    return Overview(
        services=len(wizard.available_services(catalogue.SERVICES, ctx)),
        drafts_count=len(drafts),
        open_transactions=sum(1 for r in mine if r.status in OPEN_STATUSES),
        unpaid_bills=len(bills),
        bill_due=bill_deadline(bills),
        family=len(ctx.household()),
        family_next=family_next, family_next_when=family_next_when,
        family_expired=sum(1 for e in entries if e.status == household.ExpiryStatus.EXPIRED),
        unread=notify.unread_count(session, person_id),
        open_messages=messages.open_count(session, person_id),
        next_appointment=Text(*(_day_label(upcoming.day, lang) for lang in LANGS))
        if upcoming else Text(),
        delegations_to_me=delegation.open_count(to_me, tx.today),
        delegations_from_me=delegation.open_count(delegation.given_by(session, person),
                                                  tx.today),
        vehicles=len(vehicles.owned_in(ctx, person)),
        transfers_awaiting=len(vehicles.awaiting(session, person)),
        acting=acting_for(tx, who, to_me),
        drafts=drafts,
        recent=all_rows(tx, who, mine, limit=5),
        notifications=[NotificationLine(n.text_ar, n.text_en, local_time(n.created_at))
                       for n in notify.recent(session, person_id, 5)],
    )


@use_case(activity=False)
def dashboard(tx: Tx, who: SignedIn) -> Overview:
    """The signed-in person's dashboard, read afresh."""
    return _overview(tx, who)


@use_case()
def mark_notifications_read(tx: Tx, who: SignedIn) -> Overview:
    """Mark every notification read; the dashboard as it is then."""
    notify.mark_all_read(tx.session, who.person_id, tx.now)
    return _overview(tx, who)
