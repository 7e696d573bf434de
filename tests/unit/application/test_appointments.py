"""The appointments use cases, as the pages call them: the booking page's lists (prefilled
from a message, a service link or an appointment being moved), booking, moving, the slip and
cancelling; only the person's own appointments; option values are public codes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from absher_app.application import appointments as uc
from absher_app.application.appointments import BookingChoice, BookingQuery
from absher_app.application.identity import Caller, SignInRequired
from absher_app.domain import messages
from absher_app.domain.appointments import AppointmentStatus
from absher_app.domain.errors import DomainError
from absher_app.models import Account, Appointment, Branch, SmsMessage
from absher_app.providers.sms import OutboxSmsSender
from tests.unit.application.conftest import APP_NOW, APP_TODAY

MONDAY = date(2026, 5, 11)


def choice(**values) -> BookingChoice:
    given = dict(sector="passports", topic="iqama", branch="RUH-02", day=MONDAY.isoformat(),
                 start="09:00")
    return BookingChoice(**(given | values))


def test_the_booking_page_offers_public_values_only(app_world):
    imran = app_world.person("imran")
    start = app_world.run(uc.start_booking, imran, BookingQuery())
    assert (start.moving, start.sector, start.topic, start.city) == ("", "passports", "", "")
    assert [o.value for o in start.sectors] == ["passports"]
    assert "iqama" in [o.value for o in start.topics]
    assert "riyadh" in [o.value for o in start.cities]
    branches = app_world.run(uc.branch_choices, imran, "riyadh")
    assert [b.value for b in branches] == ["RUH-01", "RUH-02"]
    assert branches[1].en == "Riyadh Passports - Al Naseem"
    days = app_world.run(uc.day_choices, imran, "RUH-02")
    assert days[0].value == APP_TODAY.isoformat() and days[1].value == MONDAY.isoformat()
    assert days[1].en.startswith("Monday") and days[1].ar.startswith("الاثنين")
    times = app_world.run(uc.time_choices, imran, "RUH-02", APP_TODAY.isoformat())
    assert [(t.start, t.free) for t in times] == [("13:00", 4), ("13:30", 4)]
    assert app_world.run(uc.branch_choices, imran, "atlantis") == []
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.day_choices, imran, "XXX-99")
    assert refused.value.code == "branch_unknown"


def test_a_link_prefills_the_service_and_branch_and_ignores_what_is_not_valid(app_world):
    imran = app_world.person("imran")
    start = app_world.run(uc.start_booking, imran,
                          BookingQuery(service="passport", branch="ruh-01"))
    assert (start.topic, start.city, start.branch) == ("passport", "riyadh", "RUH-01")
    assert [b.value for b in start.branches] == ["RUH-01", "RUH-02"] and start.days
    odd = app_world.run(uc.start_booking, imran, BookingQuery.of(
        {"service": "nothing", "branch": "XXX-99", "message": "5000000000",
         "reschedule": "6" * 300}))
    assert (odd.topic, odd.branch, odd.about_message, odd.moving) == ("", "", "", "")


def test_book_then_see_it_listed_with_its_slip(app_world):
    imran = app_world.person("imran")
    reference = app_world.run(uc.book_appointment, imran, choice())
    rows = app_world.run(uc.my_appointments, imran)
    assert [r.reference for r in rows] == [reference]
    row = rows[0]
    assert (row.status, row.status_en, row.branch_en) == (
        "booked", "Booked", "Riyadh Passports - Al Naseem")
    assert row.href == f"/appointments/{reference}" and "09:00" in row.when_en
    slip = app_world.run(uc.open_slip, imran, reference)
    assert slip.found and slip.changeable and slip.qr_image.startswith("data:image/svg+xml")
    assert slip.city.en == "Riyadh" and "May 2026" in slip.date.en
    assert "reference=" not in slip.again_href and "branch=RUH-02" in slip.again_href
    with app_world.db() as db:
        assert reference in db.exec(select(SmsMessage)).all()[-1].body


def test_a_refused_booking_is_about_the_time_and_writes_nothing(app_world):
    imran = app_world.person("imran")
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.book_appointment, imran, choice(start="09:15"))
    assert (refused.value.code, refused.value.field) == ("appointment_time_unknown", "time")
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.book_appointment, imran, choice(start=""))
    assert (refused.value.code, refused.value.field) == ("appointment_time_unknown", "time")
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.book_appointment, imran, choice(day="not a day"))
    assert refused.value.field == "time"
    with app_world.db() as db:
        assert db.exec(select(Appointment)).all() == []


def test_a_full_time_is_refused_and_no_longer_offered(app_world):
    with app_world.db() as db:
        db.exec(select(Branch).where(Branch.code == "RUH-02")).one().slot_capacity = 1
        db.commit()
    app_world.run(uc.book_appointment, app_world.person("ahmed"), choice())
    imran = app_world.person("imran")
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.book_appointment, imran, choice())
    assert (refused.value.code, refused.value.field) == ("appointment_full", "time")
    times = app_world.run(uc.time_choices, imran, "RUH-02", MONDAY.isoformat())
    assert "09:00" not in [t.start for t in times] and "09:30" in [t.start for t in times]


def test_a_booking_from_a_message_carries_its_reference(app_world):
    with app_world.db() as db:
        account = db.exec(select(Account).where(Account.username == "imran")).one()
        message = messages.send(db, account, sector="passports", topic="iqama",
                                subject="Renewal still pending", body="x" * 40,
                                now=APP_NOW, sms=OutboxSmsSender())
        messages.answer(db, message.reference, "Please come to a branch.", needs_visit=True,
                        now=APP_NOW, sms=OutboxSmsSender())
        db.commit()
    imran = app_world.person("imran")
    start = app_world.run(uc.start_booking, imran,
                          BookingQuery(message=message.reference, service="iqama"))
    assert (start.about_message, start.topic) == (message.reference, "iqama")
    # Someone else's message is not carried.
    other = app_world.run(uc.start_booking, app_world.person("ahmed"),
                          BookingQuery(message=message.reference))
    assert other.about_message == ""
    reference = app_world.run(uc.book_appointment, imran,
                              choice(about_message=message.reference))
    assert app_world.run(uc.open_slip, imran, reference).about_message == message.reference


def test_move_an_appointment_then_cancel_it(app_world):
    imran = app_world.person("imran")
    reference = app_world.run(uc.book_appointment, imran, choice())
    start = app_world.run(uc.start_booking, imran, BookingQuery(reschedule=reference))
    assert (start.moving, start.topic, start.city, start.branch) == (
        reference, "iqama", "riyadh", "RUH-02")
    assert "09:00" in start.current.en and start.days
    moved = app_world.run(uc.book_appointment, imran,
                          choice(moving=reference, day="2026-05-12", start="10:00"))
    assert moved == reference
    assert "10:00" in app_world.run(uc.open_slip, imran, reference).row.when_en
    slip = app_world.run(uc.cancel_appointment, imran, reference)
    assert slip.row.status == AppointmentStatus.CANCELLED and not slip.changeable
    assert slip.qr_image == ""
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.cancel_appointment, imran, reference)
    assert refused.value.code == "appointment_not_active"
    # A cancelled appointment cannot be moved: the page opens as a new booking.
    assert app_world.run(uc.start_booking, imran, BookingQuery(reschedule=reference)).moving == ""


def test_only_the_persons_own_appointments(app_world):
    reference = app_world.run(uc.book_appointment, app_world.person("imran"), choice())
    ahmed = app_world.person("ahmed")
    assert app_world.run(uc.open_slip, ahmed, reference).found is False
    assert app_world.run(uc.my_appointments, ahmed) == []
    assert app_world.run(uc.start_booking, ahmed, BookingQuery(reschedule=reference)).moving == ""
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.cancel_appointment, ahmed, reference)
    assert refused.value.code == "appointment_unknown"
    with pytest.raises(DomainError):
        app_world.run(uc.book_appointment, ahmed, choice(moving=reference, day="2026-05-12"))


def test_nobody_signed_in_is_sent_to_sign_in(app_world):
    for fn, args in ((uc.my_appointments, ()), (uc.start_booking, (BookingQuery(),)),
                     (uc.book_appointment, (choice(),)), (uc.open_slip, ("6000000000",))):
        with pytest.raises(SignInRequired):
            app_world.run(fn, Caller(), *args)
        with pytest.raises(SignInRequired):
            app_world.run(fn, Caller(tokens={"person": "forged"}), *args)
