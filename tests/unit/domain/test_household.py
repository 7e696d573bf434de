"""The household timeline, the reminder job (90/30/7 days, idempotent, catch-up) and the .ics
export; and Hijri / Gregorian dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlmodel import Session, func, select

from absher_app.domain import household
from absher_app.domain.calendars import (
    both_calendars,
    days_text,
    gregorian_text,
    hijri_text,
    to_hijri,
)
from absher_app.domain.demo import demo_id
from absher_app.models import Account, Notification, Person, SmsMessage, Visa
from absher_app.providers.sms import OutboxSmsSender

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
_serial = iter(range(1, 10_000))


def add_person(session: Session, category: str = "resident", *, name: str = "Person",
               sponsor: Person | None = None, relationship: str | None = None,
               **fields) -> Person:
    digit = {"citizen": "1", "resident": "2", "dependent": "2", "visitor": "3"}[category]
    serial = next(_serial)
    person = Person(id_number=demo_id(digit, 500 + serial), category=category,
                    name_ar=f"شخص {serial}", name_en=f"{name} {serial}",
                    birth_date=date(1985, 1, 1), gender="M", nationality="IN",
                    mobile=f"+96650{serial:07d}",
                    sponsor_id=sponsor.id_number if sponsor else None,
                    relationship=relationship, **fields)
    session.add(person)
    session.flush()
    return person


def in_days(days: int) -> date:
    return TODAY + timedelta(days=days)


def count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


# ---------------------------------------------------------------------------------------------
# Dates.

def test_hijri_of_a_known_date():
    assert to_hijri(date(2026, 11, 22)).iso() == "1448-06-12"
    assert hijri_text(date(2026, 11, 22), "en") == "12 Jumada al-Akhirah 1448 AH"
    assert hijri_text(date(2026, 11, 22), "ar") == "12 جمادى الآخرة 1448هـ"


def test_ramadan_starts_on_the_umm_al_qura_day():
    assert to_hijri(date(2026, 2, 18)).iso() == "1447-09-01"
    assert hijri_text(date(2026, 2, 18), "ar") == "1 رمضان 1447هـ"


def test_gregorian_month_names_in_both_languages():
    assert gregorian_text(date(2026, 11, 22), "en") == "22 November 2026"
    assert gregorian_text(date(2026, 11, 22), "ar") == "22 نوفمبر 2026م"
    assert gregorian_text(date(2027, 1, 5), "ar") == "5 يناير 2027م"


def test_both_calendars_side_by_side():
    assert both_calendars(date(2026, 11, 22), "en") == (
        "22 November 2026 (12 Jumada al-Akhirah 1448 AH)")
    assert both_calendars(date(2026, 11, 22), "ar") == (
        "22 نوفمبر 2026م الموافق 12 جمادى الآخرة 1448هـ")


def test_outside_the_umm_al_qura_table_there_is_no_hijri_date():
    assert to_hijri(date(2090, 1, 1)) is None
    assert hijri_text(date(2090, 1, 1), "en") == ""
    assert both_calendars(date(2090, 1, 1), "en") == "1 January 2090"


@pytest.mark.parametrize(("days", "ar", "en"), [
    (1, "يوم واحد", "1 day"), (2, "يومين", "2 days"), (5, "5 أيام", "5 days"),
    (10, "10 أيام", "10 days"), (11, "11 يوماً", "11 days"), (30, "30 يوماً", "30 days"),
])
def test_days_agree_with_their_number(days, ar, en):
    assert days_text(days, "ar") == ar
    assert days_text(days, "en") == en


# ---------------------------------------------------------------------------------------------
# Timeline.

@pytest.fixture
def family(session):
    """A resident sponsor with a spouse, a child and a domestic worker; another sponsor's
    worker who must never show up."""
    head = add_person(session, name="Head", iqama_expiry=in_days(250),
                      passport_number="N1000001", passport_expiry=in_days(1000))
    spouse = add_person(session, "dependent", name="Spouse", sponsor=head, relationship="spouse",
                        iqama_expiry=in_days(30), passport_number="N1000002",
                        passport_expiry=in_days(-3))
    child = add_person(session, "dependent", name="Child", sponsor=head, relationship="child",
                       iqama_expiry=in_days(90), passport_number="N1000003",
                       passport_expiry=in_days(91))
    worker = add_person(session, name="Worker", sponsor=head, relationship="domestic_worker",
                        iqama_expiry=in_days(7), passport_number="N1000004",
                        passport_expiry=in_days(0))
    other = add_person(session, "citizen", name="Other", passport_number="A1000005",
                       passport_expiry=in_days(400))
    stranger = add_person(session, name="Stranger", sponsor=other,
                          relationship="domestic_worker", iqama_expiry=in_days(7))
    session.commit()
    return {"head": head, "spouse": spouse, "child": child, "worker": worker, "other": other,
            "stranger": stranger}


def test_members_are_the_person_then_those_they_sponsor(session, family):
    names = [p.name_en.split()[0] for p in household.members(session, family["head"])]
    assert names == ["Head", "Spouse", "Child", "Worker"]


def test_timeline_lists_every_document_of_the_household_soonest_first(session, family):
    entries = household.timeline(session, family["head"], TODAY)
    assert [(e.name_en.split()[0], e.document, e.days_left) for e in entries] == [
        ("Spouse", "passport", -3),
        ("Worker", "passport", 0),
        ("Worker", "iqama", 7),
        ("Spouse", "iqama", 30),
        ("Child", "iqama", 90),
        ("Child", "passport", 91),
        ("Head", "iqama", 250),
        ("Head", "passport", 1000),
    ]
    assert {e.person_id for e in entries}.isdisjoint({family["stranger"].id, family["other"].id})


def test_relationships_on_the_timeline(session, family):
    by_person = {e.name_en.split()[0]: e.relationship
                 for e in household.timeline(session, family["head"], TODAY)}
    assert by_person == {"Head": "self", "Spouse": "spouse", "Child": "child",
                         "Worker": "domestic_worker"}


@pytest.mark.parametrize(("days_left", "status"), [
    (-1, "expired"), (0, "soon"), (1, "soon"), (90, "soon"), (91, "ok"), (1000, "ok"),
])
def test_status_boundaries(days_left, status):
    assert household.status_of(days_left) == status


def test_visas_issued_are_on_the_timeline_cancelled_ones_are_not(session, family):
    worker = family["worker"]
    session.add(Visa(number="5000000001", person_id=worker.id, kind="exit_reentry_single",
                     issued_on=TODAY, valid_until=in_days(60)))
    session.add(Visa(number="5000000002", person_id=worker.id, kind="exit_reentry_multiple",
                     issued_on=TODAY - timedelta(days=30), valid_until=in_days(20),
                     status="cancelled"))
    session.add(Visa(number="5000000003", person_id=family["spouse"].id, kind="final_exit",
                     issued_on=TODAY - timedelta(days=10), valid_until=in_days(50)))
    session.commit()
    visas = [(e.document, e.number, e.days_left)
             for e in household.timeline(session, family["head"], TODAY)
             if e.document in household.VISA_DOCUMENTS]
    assert visas == [("final_exit", "5000000003", 50),
                     ("exit_reentry_single", "5000000001", 60)]


def test_a_visitor_sees_their_visit_visa(session):
    visitor = add_person(session, "visitor", name="Visitor", passport_number="X1234567",
                         passport_expiry=in_days(500), visa_number="V600000001",
                         visa_type="visit", visa_expiry=in_days(5))
    entries = household.timeline(session, visitor, TODAY)
    assert [(e.document, e.number, e.days_left) for e in entries] == [
        ("visit_visa", "V600000001", 5), ("passport", "X1234567", 500)]


def test_a_lost_passport_is_not_on_the_timeline(session):
    person = add_person(session, iqama_expiry=in_days(100), passport_number=None,
                        passport_expiry=in_days(300))
    assert [e.document for e in household.timeline(session, person, TODAY)] == ["iqama"]


# ---------------------------------------------------------------------------------------------
# Reminders.

def reminders(session, today=TODAY):
    sent = household.run_reminders(session, today, OutboxSmsSender(), now=NOW)
    session.commit()
    return sent


@pytest.mark.parametrize(("days_left", "threshold"), [
    (91, None), (90, 90), (89, 90), (87, 90), (86, None),
    (31, None), (30, 30), (27, 30), (26, None),
    (8, None), (7, 7), (4, 7), (3, None), (0, None), (-1, None),
])
def test_reminder_thresholds_and_catch_up(session, days_left, threshold):
    add_person(session, iqama_expiry=in_days(days_left))
    sent = reminders(session)
    assert [r.threshold for r in sent] == ([threshold] if threshold else [])


def test_reminders_are_sent_at_exactly_90_30_and_7_days(session):
    person = add_person(session, iqama_expiry=in_days(90))
    sent_on = {}
    for day in range(0, 91):
        today = TODAY + timedelta(days=day)
        for reminder in reminders(session, today):
            sent_on[reminder.threshold] = (person.iqama_expiry - today).days
    assert sent_on == {90: 90, 30: 30, 7: 7}
    assert count(session, Notification) == 3
    assert count(session, SmsMessage) == 3


def test_running_twice_the_same_day_sends_once(session, family):
    first = reminders(session)
    assert {(r.entry.name_en.split()[0], r.entry.document, r.threshold) for r in first} == {
        ("Worker", "iqama", 7), ("Spouse", "iqama", 30), ("Child", "iqama", 90),
        ("Stranger", "iqama", 7)}
    notifications, messages = count(session, Notification), count(session, SmsMessage)
    assert notifications == len(first) == messages
    assert reminders(session) == []
    assert (count(session, Notification), count(session, SmsMessage)) == (notifications, messages)


def test_a_missed_day_is_caught_up_once(session):
    add_person(session, iqama_expiry=in_days(29))  # the 30-day reminder was due yesterday
    assert [r.threshold for r in reminders(session)] == [30]
    assert reminders(session, TODAY + timedelta(days=1)) == []
    assert reminders(session, TODAY + timedelta(days=2)) == []


def test_the_dedupe_key_names_person_document_date_and_threshold(session):
    person = add_person(session, iqama_expiry=in_days(7))
    reminders(session)
    key = session.exec(select(Notification.dedupe_key)).one()
    assert key == f"reminder:{person.id}:iqama:{in_days(7).isoformat()}:7"


def test_the_sponsor_is_reminded_about_those_they_sponsor(session, family):
    reminders(session)
    worker_notes = session.exec(select(Notification).where(
        Notification.dedupe_key.like(f"reminder:{family['worker'].id}:%"))).all()
    assert [n.person_id for n in worker_notes] == [family["head"].id]
    assert "Worker" in worker_notes[0].text_en and "7 days" in worker_notes[0].text_en
    stranger_notes = session.exec(select(Notification).where(
        Notification.dedupe_key.like(f"reminder:{family['stranger'].id}:%"))).all()
    assert [n.person_id for n in stranger_notes] == [family["other"].id]
    to = {m.to for m in session.exec(select(SmsMessage)).all()}
    assert to == {family["head"].mobile, family["other"].mobile}


def test_someone_sponsored_by_nobody_is_reminded_themself(session):
    person = add_person(session, "visitor", visa_type="visit", visa_number="V600000002",
                        visa_expiry=in_days(7))
    (reminder,) = reminders(session)
    assert reminder.recipient_id == person.id
    assert session.exec(select(SmsMessage.to)).one() == person.mobile


def test_the_sms_is_in_the_account_holders_language_with_both_calendars(session):
    person = add_person(session, iqama_expiry=date(2026, 12, 22))  # 30 days from TODAY
    session.add(Account(person_id=person.id, username="english", email="e@example.com",
                        mobile="+966551111111", password_hash="x", status="active",
                        language="en", created_at=NOW, password_changed_at=NOW))
    session.commit()
    reminders(session)
    message = session.exec(select(SmsMessage)).one()
    assert message.to == "+966551111111"
    assert message.body == (
        f"Absher Passports: reminder — {person.name_en}'s Iqama ({person.id_number}) ends on "
        "22 December 2026 (13 Rajab 1448 AH), in 30 days.")
    note = session.exec(select(Notification)).one()
    assert "22 ديسمبر 2026م الموافق 13 رجب 1448هـ" in note.text_ar
    assert "30 يوماً" in note.text_ar


def test_visa_reminders_including_the_final_exit_clock(session):
    person = add_person(session, iqama_expiry=in_days(300))
    session.add(Visa(number="5000000010", person_id=person.id, kind="final_exit",
                     issued_on=TODAY - timedelta(days=53), valid_until=in_days(7)))
    session.add(Visa(number="5000000011", person_id=person.id, kind="exit_reentry_single",
                     issued_on=TODAY, valid_until=in_days(30), status="cancelled"))
    session.commit()
    assert [(r.entry.document, r.threshold) for r in reminders(session)] == [("final_exit", 7)]


def test_an_extended_visa_is_reminded_again_at_its_new_date(session):
    person = add_person(session)
    visa = Visa(number="5000000020", person_id=person.id, kind="exit_reentry_single",
                issued_on=TODAY, valid_until=in_days(7))
    session.add(visa)
    session.commit()
    assert len(reminders(session)) == 1
    visa.valid_until = in_days(30)
    session.add(visa)
    session.commit()
    assert [r.threshold for r in reminders(session)] == [30]


# ---------------------------------------------------------------------------------------------
# Calendar export.

def test_ics_parses_back_with_one_event_per_entry(session, family):
    entries = household.timeline(session, family["head"], TODAY)
    calendar = Calendar.from_ical(household.calendar_ics(entries, "en", now=NOW))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(entries) == 8
    assert len({str(e["uid"]) for e in events}) == len(events)
    first = events[0]
    assert first.decoded("dtstart") == entries[0].date
    assert first.decoded("dtend") == entries[0].date + timedelta(days=1)
    assert str(first["summary"]) == f"Passport expires: {entries[0].name_en}"
    assert "AH" in str(first["description"])
    for event in events:
        (alarm,) = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm.decoded("trigger") == timedelta(days=-30)


def test_ics_in_arabic(session, family):
    entries = household.timeline(session, family["head"], TODAY)
    calendar = Calendar.from_ical(household.calendar_ics(entries, "ar", now=NOW))
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert summaries[0] == f"انتهاء جواز السفر: {entries[0].name_ar}"
    assert "هـ" in str(calendar.walk("VEVENT")[0]["description"])


def test_an_empty_household_makes_an_empty_calendar():
    calendar = Calendar.from_ical(household.calendar_ics([], "en", now=NOW))
    assert list(calendar.walk("VEVENT")) == []
