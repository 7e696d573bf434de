"""The household timeline: every expiry date of a person and of those they sponsor, the reminder
job, and the calendar (.ics) export (PRODUCT.md §4).

A household is the person themself plus the dependants and domestic workers they sponsor. Its
documents: the iqama, the passport, a visit visa, and the exit/re-entry and final exit visas
issued and not cancelled (Visa rows with status "issued"; a final exit visa's date is the end of
its 60-day clock, the day the holder must have left by).

A document is valid through its expiry date: it is *expired* from the next day on, *soon* while
no more days are left than the first reminder (90), *ok* before that.

Reminders (`run_reminders`): at exactly 90, 30 and 7 days before an expiry ([reminders]
days_before in rules.toml) the sponsor -- or the person themself when nobody sponsors them --
gets an in-app notification and an SMS. Each reminder has a dedupe key
`reminder:{person_id}:{document}:{date}:{days}`, so running the job again the same day (or on
several workers at once) sends nothing more. Catch-up: when the job did not run on the exact day
(a server down over a weekend), a later run still sends that threshold's reminder if it passed at
most `catch_up_days` (3) days ago -- once, and only the nearest threshold passed, saying the days
actually left. Past that it is skipped: a reminder a week late is noise, and the next threshold
will come.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from icalendar import Alarm, Calendar, Event
from sqlalchemy import and_, bindparam, or_
from sqlmodel import Session, col, select

from absher_app.domain import notify
from absher_app.domain.calendars import both_calendars, days_text, gregorian_text, hijri_text
from absher_app.domain.rules_data import rule
from absher_app.domain.wizard import sponsored_by
from absher_app.i18n import translate
from absher_app.models import Person, Visa
from absher_app.providers.sms import SmsSender

DOCUMENTS = ("iqama", "passport", "visit_visa", "exit_reentry_single", "exit_reentry_multiple",
             "final_exit")
VISA_DOCUMENTS = ("exit_reentry_single", "exit_reentry_multiple", "final_exit")
SELF = "self"


class ExpiryStatus(StrEnum):
    """How near a document's expiry is (`household.status.<value>` names it)."""

    EXPIRED = "expired"  # past the date
    SOON = "soon"  # within the first reminder's days
    OK = "ok"

_MEMBER_ORDER = {SELF: 0, "spouse": 1, "child": 2, "parent": 3, "domestic_worker": 4}


@dataclasses.dataclass(frozen=True)
class Entry:
    """One expiry on the household timeline."""

    person_id: int
    id_number: str
    name_ar: str
    name_en: str
    relationship: str  # "self" or the member's relationship to the sponsor
    document: str      # one of DOCUMENTS
    number: str        # passport or visa number; the iqama number for an iqama
    date: date
    days_left: int     # negative once expired
    status: ExpiryStatus

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_ar


@dataclasses.dataclass(frozen=True)
class Reminder:
    """A reminder the job sent: to whom, about which entry, for which threshold."""

    recipient_id: int
    entry: Entry
    threshold: int


def days_before() -> list[int]:
    """The reminder thresholds, largest first (e.g. [90, 30, 7])."""
    return sorted((int(d) for d in rule("reminders", "days_before")), reverse=True)


def status_of(days_left: int) -> ExpiryStatus:
    """Expired (past the date), soon (within the first reminder's days), or ok."""
    if days_left < 0:
        return ExpiryStatus.EXPIRED
    return ExpiryStatus.SOON if days_left <= max(days_before()) else ExpiryStatus.OK


def members(session: Session, person: Person,
            sponsored: list[Person] | None = None) -> list[Person]:
    """The household: the person first, then those they sponsor (spouse, children, parents,
    domestic workers), in name order within each relationship (`sponsored`: when read)."""
    sponsored = sorted(sponsored_by(session, person) if sponsored is None else sponsored,
                       key=lambda p: (_MEMBER_ORDER.get(p.relationship or "", 9), p.name_en))
    return [person, *sponsored]


def _entry(person: Person, relationship: str, document: str, number: str, day: date,
           today: date) -> Entry:
    days_left = (day - today).days
    return Entry(person.id, person.id_number, person.name_ar, person.name_en, relationship,
                 document, number, day, days_left, status_of(days_left))


def _documents(person: Person, relationship: str, visas: list[Visa],
               today: date) -> list[Entry]:
    entries = []
    if person.iqama_expiry is not None:
        entries.append(_entry(person, relationship, "iqama", person.id_number,
                              person.iqama_expiry, today))
    if person.passport_expiry is not None and person.passport_number:
        entries.append(_entry(person, relationship, "passport", person.passport_number,
                              person.passport_expiry, today))
    if person.visa_type == "visit" and person.visa_expiry is not None:
        entries.append(_entry(person, relationship, "visit_visa", person.visa_number or "",
                              person.visa_expiry, today))
    entries += [_entry(person, relationship, visa.kind, visa.number, visa.valid_until, today)
                for visa in visas if visa.kind in VISA_DOCUMENTS]
    return entries


# Prebuilt (see absher_app.db): every dashboard load.
_ISSUED_VISAS = select(Visa).where(
    col(Visa.person_id).in_(bindparam("person_ids", expanding=True)), Visa.status == "issued")


def _issued_visas(session: Session, person_ids: list[int]) -> dict[int, list[Visa]]:
    by_person: dict[int, list[Visa]] = {pid: [] for pid in person_ids}
    for visa in session.exec(_ISSUED_VISAS, params={"person_ids": list(person_ids)}).all():
        by_person[visa.person_id].append(visa)
    return by_person


def _sort_key(entry: Entry) -> tuple:
    return (entry.date, _MEMBER_ORDER.get(entry.relationship, 9), entry.name_en,
            DOCUMENTS.index(entry.document))


def timeline(session: Session, person: Person, today: date,
             sponsored: list[Person] | None = None) -> list[Entry]:
    """Every document expiry of the household, soonest (or longest expired) first
    (`sponsored`: those the person sponsors, when already read)."""
    people = members(session, person, sponsored)
    visas = _issued_visas(session, [p.id for p in people])
    entries = []
    for member in people:
        relationship = SELF if member.id == person.id else (member.relationship or "")
        entries += _documents(member, relationship, visas[member.id], today)
    return sorted(entries, key=_sort_key)


# ---------------------------------------------------------------------------------------------
# Reminders.

def _threshold_by_days_left() -> dict[int, int]:
    """Days left -> the reminder threshold due with that many days left: exactly a threshold,
    or up to catch_up_days after it (the nearest threshold wins)."""
    catch_up = int(rule("reminders", "catch_up_days"))
    due: dict[int, int] = {}
    for threshold in sorted(days_before()):  # smallest first: the nearest threshold wins
        for late in range(catch_up + 1):
            days_left = threshold - late
            if days_left >= 0:
                due.setdefault(days_left, threshold)
    return due


def _reminder_text(entry: Entry, lang: str) -> dict[str, str]:
    return {"name": entry.name(lang), "days": days_text(entry.days_left, lang),
            "document": translate(f"household.document.{entry.document}", lang),
            "gregorian": gregorian_text(entry.date, lang),
            "hijri": hijri_text(entry.date, lang) or "-"}


def run_reminders(session: Session, today: date, sms: SmsSender | None,
                  *, now: datetime | None = None) -> list[Reminder]:
    """Send the reminders due today (see the module docstring); return those sent now.

    Idempotent: a reminder already sent (same person, document, date and threshold) is not
    sent again, so the job may run any number of times a day.
    """
    now = now or datetime.now(UTC)
    due = _threshold_by_days_left()
    dates = {today + timedelta(days=days): threshold for days, threshold in due.items()}
    if not dates:
        return []
    people = session.exec(select(Person).where(or_(
        col(Person.iqama_expiry).in_(list(dates)), col(Person.passport_expiry).in_(list(dates)),
        and_(Person.visa_type == "visit", col(Person.visa_expiry).in_(list(dates))),
    ))).all()
    visas = session.exec(select(Visa).where(
        Visa.status == "issued", col(Visa.valid_until).in_(list(dates)))).all()
    holders = {p.id: p for p in people}
    for visa in visas:
        if visa.person_id not in holders:
            holders[visa.person_id] = session.get(Person, visa.person_id)
    visas_by_person: dict[int, list[Visa]] = {}
    for visa in visas:
        visas_by_person.setdefault(visa.person_id, []).append(visa)

    sent: list[Reminder] = []
    for person in sorted(holders.values(), key=lambda p: p.id):
        sponsor = session.exec(select(Person).where(
            Person.id_number == person.sponsor_id)).first() if person.sponsor_id else None
        recipient = sponsor or person
        relationship = (person.relationship or "") if sponsor else SELF
        for entry in _documents(person, relationship, visas_by_person.get(person.id, []), today):
            if entry.date not in dates:
                continue
            threshold = dates[entry.date]
            key = f"reminder:{person.id}:{entry.document}:{entry.date.isoformat()}:{threshold}"
            if notify.notify(session, recipient, "reminder", now=now, sms=sms, dedupe_key=key,
                             localized={lang: _reminder_text(entry, lang) for lang in ("ar", "en")},
                             number=entry.number):
                sent.append(Reminder(recipient.id, entry, threshold))
    session.flush()
    return sent


# ---------------------------------------------------------------------------------------------
# Calendar export.

def calendar_ics(entries: list[Entry], lang: str = "ar", *, now: datetime | None = None) -> bytes:
    """An iCalendar file with one all-day event per expiry, each with an alarm
    ([reminders] calendar_alarm_days before it)."""
    now = now or datetime.now(UTC)
    alarm_days = int(rule("reminders", "calendar_alarm_days"))
    calendar = Calendar()
    calendar.add("prodid", "-//Absher Passports//Household timeline//AR-EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", translate("household.ics_name", lang))
    for entry in entries:
        text = _reminder_text(entry, lang)
        summary = translate("household.ics_summary", lang, **text)
        event = Event()
        event.add("uid", f"{entry.person_id}-{entry.document}-{entry.number}-"
                         f"{entry.date:%Y%m%d}@absher-passports")
        event.add("dtstamp", now)
        event.add("dtstart", entry.date)
        event.add("dtend", entry.date + timedelta(days=1))
        event.add("summary", summary)
        event.add("description", translate("household.ics_description", lang,
                                           number=entry.number,
                                           date=both_calendars(entry.date, lang), **{
                                               k: v for k, v in text.items()
                                               if k in ("name", "document")}))
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", timedelta(days=-alarm_days))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
