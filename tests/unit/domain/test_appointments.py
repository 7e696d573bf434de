"""Appointments: the calendar (Sunday-Thursday, public holidays from the rules file, the booking
window and lead time), booking, never overbooking (also under 50 concurrent bookings on SQLite
and PostgreSQL, each on its own thread and database session), one active appointment per person
and service, reschedule, cancel, the check-in reference, and the branch manager's capacity and
day closing."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from absher_app.domain import appointments, messages
from absher_app.domain.calendars import RIYADH
from absher_app.domain.demo import load_demo
from absher_app.domain.errors import ValidationError
from absher_app.models import (
    Account,
    Appointment,
    AppointmentSlot,
    Branch,
    Notification,
    Person,
    SmsMessage,
)
from absher_app.providers.sms import OutboxSmsSender

# Slots are made with each dialect's INSERT .. ON CONFLICT and taken by a conditional
# UPDATE; the booking races run threads: all of it on both databases.
pytestmark = pytest.mark.both_databases

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)  # Sunday 12:00 in Riyadh
TODAY = NOW.astimezone(RIYADH).date()
MONDAY = date(2026, 5, 11)
SMS = OutboxSmsSender()


@pytest.fixture
def accounts(session) -> dict[str, Account]:
    load_demo(session, TODAY)
    session.commit()
    return {a.username: a for a in session.exec(select(Account)).all()}


def book(session, account, day=MONDAY, start="09:00", branch="RUH-02", topic="iqama",
         now=NOW, **extra) -> Appointment:
    appointment = appointments.book(session, account, sector="passports", topic=topic,
                                    branch_code=branch, day=day, start=start, now=now, sms=SMS,
                                    **extra)
    session.commit()
    return appointment


def slot(session, branch="RUH-02", day=MONDAY, start="09:00") -> AppointmentSlot:
    branch_row = session.exec(select(Branch).where(Branch.code == branch)).one()
    row = session.exec(select(AppointmentSlot).where(
        AppointmentSlot.branch_id == branch_row.id, AppointmentSlot.day == day,
        AppointmentSlot.start == start)).one()
    session.refresh(row)
    return row


# ---------------------------------------------------------------------------------------------
# The calendar.

@pytest.mark.parametrize("day,working", [
    (date(2026, 5, 10), True),    # Sunday
    (date(2026, 5, 14), True),    # Thursday
    (date(2026, 5, 15), False),   # Friday
    (date(2026, 5, 16), False),   # Saturday
    (date(2026, 2, 22), False),   # Founding Day (a Sunday)
    (date(2026, 9, 23), False),   # National Day (a Wednesday)
    (date(2026, 3, 22), False),   # 3 Shawwal 1447: Eid al-Fitr
    (date(2026, 3, 24), True),    # 5 Shawwal: work again (a Tuesday)
    (date(2026, 5, 26), False),   # 9 Dhu al-Hijjah: Day of Arafah
    (date(2026, 5, 28), False),   # 11 Dhu al-Hijjah
    (date(2026, 5, 31), True),    # 14 Dhu al-Hijjah, a Sunday
])
def test_working_days(day, working):
    assert appointments.is_working_day(day) is working


def test_bookable_days_skip_weekends_holidays_and_closed_days(session, accounts):
    branch = appointments.find_branch(session, "RUH-02")
    days = appointments.bookable_days(session, branch, NOW)
    assert days[0] == TODAY and days[-1] <= TODAY + timedelta(days=30)
    assert all(d.weekday() not in (4, 5) for d in days)
    assert date(2026, 5, 26) not in days and date(2026, 5, 27) not in days
    appointments.close_day(session, "RUH-02", MONDAY, "Maintenance", now=NOW, sms=SMS)
    session.commit()
    assert MONDAY not in appointments.bookable_days(session, branch, NOW)
    after_hours = datetime(2026, 5, 10, 13, 0, tzinfo=UTC)  # 16:00 in Riyadh
    assert TODAY not in appointments.bookable_days(session, branch, after_hours)


def test_free_slots_leave_out_the_past_and_the_lead_time(session, accounts):
    branch = appointments.find_branch(session, "RUH-02")
    starts = [s.start for s in appointments.free_slots(session, branch, TODAY, NOW)]
    assert starts == ["13:00", "13:30"]  # 12:00 now, booking needs 60 minutes' notice
    assert appointments.free_slots(session, branch, date(2026, 5, 15), NOW) == []


@pytest.mark.parametrize("day,start,code", [
    (date(2026, 5, 7), "09:00", "appointment_past"),
    (TODAY, "12:30", "appointment_past"),
    (TODAY + timedelta(days=31), "09:00", "appointment_too_far"),
    (date(2026, 5, 15), "09:00", "appointment_weekend"),
    (date(2026, 5, 27), "09:00", "appointment_holiday"),
    (MONDAY, "09:15", "appointment_time_unknown"),
    (MONDAY, "14:00", "appointment_time_unknown"),
])
def test_booking_refuses_days_and_times_outside_the_rules(session, accounts, day, start, code):
    with pytest.raises(ValidationError) as err:
        book(session, accounts["imran"], day=day, start=start)
    assert err.value.code == code


def test_booking_at_the_edges_of_the_window(session, accounts):
    book(session, accounts["imran"], day=TODAY, start="13:00")             # exactly 60 min
    book(session, accounts["ahmed"], day=date(2026, 6, 9), start="13:30")   # day 30, Tuesday


# ---------------------------------------------------------------------------------------------
# Booking.

def test_book_gives_a_reference_an_sms_and_takes_a_place(session, accounts):
    appointment = book(session, accounts["imran"])
    assert appointments.REFERENCE.fullmatch(appointment.reference)
    assert appointment.status == "booked" and slot(session).booked == 1
    sms = session.exec(select(SmsMessage)).all()[-1]
    assert appointment.reference in sms.body and "09:00" in sms.body
    assert appointments.next_appointment(session, appointment.person_id, NOW).id == \
        appointment.id


def test_one_active_appointment_per_person_and_service(session, accounts):
    book(session, accounts["imran"])
    with pytest.raises(ValidationError) as err:
        book(session, accounts["imran"], day=date(2026, 5, 12))
    assert err.value.code == "appointment_already_booked"
    session.rollback()
    book(session, accounts["imran"], topic="passport", start="10:00")  # another service: fine


def test_a_full_slot_refuses_and_changes_nothing(session, accounts):
    appointments.set_capacity(session, "RUH-02", 1, now=NOW, day=MONDAY, start="09:00")
    session.commit()
    book(session, accounts["imran"])
    with pytest.raises(ValidationError) as err:
        book(session, accounts["ahmed"])
    assert err.value.code == "appointment_full"
    session.rollback()
    assert slot(session).booked == 1
    assert len(session.exec(select(Appointment)).all()) == 1


def test_only_a_message_that_needs_a_visit_is_carried(session, accounts, tmp_path):
    imran = accounts["imran"]
    message = messages.send(session, imran, sector="passports", topic="iqama",
                            subject="Renewal", body="Renewal pending two weeks.", now=NOW,
                            sms=SMS)
    session.commit()
    with pytest.raises(ValidationError) as err:
        book(session, imran, message_reference=message.reference)
    assert err.value.code == "appointment_message_unknown"
    session.rollback()
    messages.mark_needs_visit(session, message.reference, now=NOW, sms=SMS)
    session.commit()
    with pytest.raises(ValidationError):  # someone else cannot carry it
        book(session, accounts["ahmed"], message_reference=message.reference)
    session.rollback()
    appointment = book(session, imran, message_reference=message.reference)
    assert appointment.message_id == message.id


# ---------------------------------------------------------------------------------------------
# Reschedule and cancel.

def test_reschedule_takes_the_new_place_then_frees_the_old(session, accounts):
    appointment = book(session, accounts["imran"])
    appointments.reschedule(session, accounts["imran"], appointment.reference,
                            branch_code="JED-01", day=date(2026, 5, 12), start="10:30",
                            now=NOW, sms=SMS)
    session.commit()
    assert slot(session).booked == 0
    assert slot(session, "JED-01", date(2026, 5, 12), "10:30").booked == 1
    assert (appointment.day, appointment.start) == (date(2026, 5, 12), "10:30")
    assert session.exec(select(Notification).where(
        Notification.kind == "appointment_rescheduled")).one()


def test_reschedule_to_a_full_slot_keeps_the_old_booking(session, accounts):
    appointment = book(session, accounts["imran"])
    appointments.set_capacity(session, "RUH-02", 0, now=NOW, day=MONDAY, start="10:00")
    session.commit()
    with pytest.raises(ValidationError) as err:
        appointments.reschedule(session, accounts["imran"], appointment.reference,
                                branch_code="RUH-02", day=MONDAY, start="10:00", now=NOW,
                                sms=SMS)
    assert err.value.code == "appointment_full"
    session.rollback()
    session.refresh(appointment)
    assert appointment.start == "09:00" and slot(session).booked == 1


def test_reschedule_to_the_same_time_is_refused(session, accounts):
    appointment = book(session, accounts["imran"])
    with pytest.raises(ValidationError) as err:
        appointments.reschedule(session, accounts["imran"], appointment.reference,
                                branch_code="RUH-02", day=MONDAY, start="09:00", now=NOW,
                                sms=SMS)
    assert err.value.code == "appointment_same_time"


def test_cancel_frees_the_place_and_allows_booking_again(session, accounts):
    appointment = book(session, accounts["imran"])
    appointments.cancel(session, accounts["imran"], appointment.reference, now=NOW, sms=SMS)
    session.commit()
    assert appointment.status == "cancelled" and appointment.active_key is None
    assert slot(session).booked == 0
    book(session, accounts["imran"])
    with pytest.raises(ValidationError) as err:
        appointments.cancel(session, accounts["imran"], appointment.reference, now=NOW,
                            sms=SMS)
    assert err.value.code == "appointment_not_active"


def test_only_the_owner_may_change_it_and_not_once_started(session, accounts):
    appointment = book(session, accounts["imran"])
    with pytest.raises(ValidationError) as err:
        appointments.cancel(session, accounts["ahmed"], appointment.reference, now=NOW, sms=SMS)
    assert err.value.code == "appointment_unknown"
    started = datetime(2026, 5, 11, 6, 0, tzinfo=UTC)  # 09:00 Riyadh on the day
    with pytest.raises(ValidationError) as err:
        appointments.cancel(session, accounts["imran"], appointment.reference, now=started,
                            sms=SMS)
    assert err.value.code == "appointment_started"


def test_check_in_by_the_opaque_reference_on_the_day(session, accounts):
    appointment = book(session, accounts["imran"])
    payload = appointments.qr_payload(appointment)
    person = session.get(Person, appointment.person_id)
    assert person.id_number not in payload and appointment.reference not in payload
    with pytest.raises(ValidationError) as err:
        appointments.check_in(session, payload, now=NOW)
    assert err.value.code == "checkin_not_today"
    on_the_day = datetime(2026, 5, 11, 5, 50, tzinfo=UTC)
    assert appointments.check_in(session, payload, now=on_the_day).status == "attended"
    with pytest.raises(ValidationError) as err:
        appointments.check_in(session, "absher-checkin:forged", now=on_the_day)
    assert err.value.code == "checkin_unknown"


# ---------------------------------------------------------------------------------------------
# The branch manager.

def test_capacity_never_drops_below_bookings(session, accounts):
    book(session, accounts["imran"])
    book(session, accounts["ahmed"])
    change = appointments.set_capacity(session, "RUH-02", 1, now=NOW, day=MONDAY)
    session.commit()
    assert change.changed == 12 and change.kept_higher == ["2026-05-11 09:00"]
    assert slot(session).capacity == 2 and slot(session, start="10:00").capacity == 1
    change = appointments.set_capacity(session, "RUH-02", 7, now=NOW)
    session.commit()
    assert session.exec(select(Branch).where(Branch.code == "RUH-02")).one().slot_capacity == 7
    assert slot(session).capacity == 7
    for bad in (-1, 501):
        with pytest.raises(ValidationError):
            appointments.set_capacity(session, "RUH-02", bad, now=NOW)


def test_close_day_cancels_notifies_and_frees(session, accounts):
    first = book(session, accounts["imran"])
    second = book(session, accounts["ahmed"], start="11:00")
    other_branch = book(session, accounts["mohammed"], branch="JED-01")
    affected = appointments.close_day(session, "RUH-02", MONDAY, "Power outage", now=NOW,
                                      sms=SMS)
    session.commit()
    assert {a.id for a in affected} == {first.id, second.id}
    for appointment in (first, second):
        session.refresh(appointment)
        assert appointment.status == "cancelled_by_branch"
        assert appointment.cancel_reason == "Power outage" and appointment.active_key is None
    assert other_branch.status == "booked"
    texts = [m.body for m in session.exec(select(SmsMessage)).all()]
    assert sum("Power outage" in t for t in texts) == 2
    assert len(session.exec(select(Notification).where(
        Notification.kind == "appointment_branch_closed")).all()) == 2
    with pytest.raises(ValidationError) as err:
        book(session, accounts["imran"])
    assert err.value.code == "appointment_branch_closed"
    session.rollback()
    with pytest.raises(ValidationError) as err:
        appointments.close_day(session, "RUH-02", MONDAY, "Again", now=NOW, sms=SMS)
    assert err.value.code == "day_already_closed"
    session.rollback()
    book(session, accounts["imran"], day=date(2026, 5, 12))  # offered another slot: free to book
    assert appointments.reopen_day(session, "RUH-02", MONDAY)
    session.commit()
    book(session, accounts["ahmed"], start="11:00")


def test_close_day_needs_a_reason_and_a_future_day(session, accounts):
    with pytest.raises(ValidationError) as err:
        appointments.close_day(session, "RUH-02", MONDAY, "  ", now=NOW, sms=SMS)
    assert err.value.code == "closure_reason_required"
    with pytest.raises(ValidationError) as err:
        appointments.close_day(session, "RUH-02", date(2026, 5, 7), "Late", now=NOW, sms=SMS)
    assert err.value.code == "appointment_past"


# ---------------------------------------------------------------------------------------------
# Concurrency: 50 people race for the last place.

RACERS = 50


def _racers(session) -> list[Account]:
    """50 persons with accounts (the registry fields the tables require)."""
    made = []
    for n in range(RACERS):
        person = Person(id_number=f"29{n:08d}", category="resident", name_ar=f"م {n}",
                        name_en=f"P {n}", birth_date=date(1990, 1, 1), gender="M",
                        nationality="IN", mobile=f"+9665{n:08d}")
        session.add(person)
        session.flush()
        account = Account(person_id=person.id, username=f"racer{n}", email=f"r{n}@example.org",
                          mobile=person.mobile, password_hash="x", status="active")
        session.add(account)
        made.append(account)
    session.commit()
    return made


def test_fifty_simultaneous_bookings_of_the_last_place_make_exactly_one(engine, session,
                                                                        accounts):
    racers = _racers(session)
    appointments.set_capacity(session, "RUH-02", 3, now=NOW, day=MONDAY, start="09:00")
    session.commit()
    book(session, accounts["imran"])
    book(session, accounts["ahmed"])  # two of three places taken: one left
    barrier = threading.Barrier(RACERS)
    results: list[str] = []
    lock = threading.Lock()

    def race(account: Account) -> None:
        barrier.wait()
        with Session(engine, expire_on_commit=False) as own:
            try:
                appointments.book(own, own.get(Account, account.id), sector="passports",
                                  topic="iqama", branch_code="RUH-02", day=MONDAY,
                                  start="09:00", now=NOW, sms=SMS)
                own.commit()
                outcome = "booked"
            except ValidationError as error:
                own.rollback()
                outcome = error.code
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=race, args=(a,)) for a in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == RACERS
    assert results.count("booked") == 1, results
    assert set(results) == {"booked", "appointment_full"}
    session.expire_all()
    assert slot(session).booked == 3
    assert len(session.exec(select(Appointment).where(
        Appointment.status == "booked", Appointment.start == "09:00",
        Appointment.day == MONDAY)).all()) == 3


def test_the_same_person_racing_themself_gets_one_appointment(engine, session, accounts):
    barrier = threading.Barrier(10)
    results: list[str] = []

    def race(start: str) -> None:
        barrier.wait()
        with Session(engine, expire_on_commit=False) as own:
            try:
                appointments.book(own, own.get(Account, accounts["imran"].id),
                                  sector="passports", topic="iqama", branch_code="RUH-01",
                                  day=MONDAY, start=start, now=NOW, sms=SMS)
                own.commit()
                results.append("booked")
            except ValidationError as error:
                own.rollback()
                results.append(error.code)

    starts = appointments.slot_times()[:10]
    threads = [threading.Thread(target=race, args=(s,)) for s in starts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results.count("booked") == 1, results
    session.expire_all()
    branch = appointments.find_branch(session, "RUH-01")
    assert sum(s.booked for s in appointments.day_slots(session, branch, MONDAY)) == 1
