"""The staff side of messages and appointments (domain/backoffice.py): roles, the filter's
server-side check, the record access log when a message is opened, and a branch manager kept
to their own branch."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from absher_app.domain import access_log, appointments, backoffice, messages
from absher_app.domain.errors import ValidationError
from absher_app.domain.staff import NotAllowedError, StaffIdentity
from absher_app.models import Appointment, Message, Notification, StaffEvent
from tests.unit.domain.test_appointments import MONDAY, NOW, SMS, accounts, book  # noqa: F401
from tests.unit.domain.test_messages import data_dir, pdf_bytes, send  # noqa: F401

OFFICER = StaffIdentity(1, "officer", "passports_officer", None)
MANAGER = StaffIdentity(2, "manager", "branch_manager", "RUH-01")
HQ_MANAGER = StaffIdentity(5, "nowhere", "branch_manager", None)
ADMIN = StaffIdentity(3, "admin", "admin", None)
CLERK = StaffIdentity(4, "clerk", "activation_clerk", "RUH-01")


@pytest.fixture
def message(session, accounts, data_dir) -> Message:  # noqa: F811
    attachment = messages.store_attachment(session, accounts["imran"], pdf_bytes(), "a.pdf",
                                           now=NOW, data_dir=data_dir)
    return send(session, accounts["imran"], data_dir, attachment_id=attachment.id)


@pytest.mark.parametrize("who", [MANAGER, CLERK])
def test_only_officers_and_admins_answer_messages(session, message, who):
    for action in (
        lambda: backoffice.inbox(session, who, backoffice.InboxFilter()),
        lambda: backoffice.open_message(session, who, message.reference, now=NOW),
        lambda: backoffice.answer_message(session, who, message.reference, "An answer here",
                                          now=NOW, sms=SMS),
        lambda: backoffice.mark_needs_visit(session, who, message.reference, now=NOW, sms=SMS),
        lambda: backoffice.close_message(session, who, message.reference, now=NOW, sms=SMS),
        lambda: backoffice.attachment_for_staff(session, who, 1, now=NOW),
    ):
        with pytest.raises(NotAllowedError):
            action()
    assert message.status == "sent"


@pytest.mark.parametrize("sector, topic, status, code", [
    ("nowhere", "", "", "sector_unknown"),
    ("passports", "driving_licence", "", "topic_unknown"),
    ("", "no_such_service", "", "topic_unknown"),
    ("", "", "deleted", "status_unknown"),
])
def test_the_filter_is_checked_on_the_server(sector, topic, status, code):
    with pytest.raises(ValidationError) as err:
        backoffice.clean_filter(sector, topic, status)
    assert err.value.code == code


@pytest.mark.both_databases
def test_the_inbox_filters_and_puts_the_oldest_first(session, accounts, data_dir):  # noqa: F811
    later = send(session, accounts["ahmed"], data_dir)
    first = send(session, accounts["imran"], data_dir)
    first.updated_at = NOW - timedelta(days=2)  # waiting longer, though sent second
    session.add(first)
    session.commit()
    rows = backoffice.inbox(session, ADMIN, backoffice.clean_filter("passports", "iqama", "sent"))
    assert [m.reference for m in rows] == [first.reference, later.reference]
    assert backoffice.inbox(session, OFFICER, backoffice.clean_filter("", "", "closed")) == []
    assert backoffice.inbox(session, OFFICER, backoffice.clean_filter("traffic", "", "")) == []


def test_opening_a_message_is_logged_for_the_person_and_starts_the_review(session, message):
    opened = backoffice.open_message(session, OFFICER, message.reference, now=NOW)
    assert opened.status == "in_review"
    entries = access_log.accesses_of(session, message.person_id)
    assert [(e.actor_label, e.purpose) for e in entries] == [
        ("passports_officer", "message_answer")]
    assert session.exec(select(StaffEvent).where(StaffEvent.kind == "record_opened")).first()
    with pytest.raises(ValidationError) as err:
        backoffice.open_message(session, OFFICER, "5000000000", now=NOW)
    assert err.value.code == "message_unknown"


def test_answer_visit_and_close_tell_the_person(session, message):
    backoffice.open_message(session, OFFICER, message.reference, now=NOW)
    with pytest.raises(ValidationError) as err:
        backoffice.answer_message(session, OFFICER, message.reference, " ", now=NOW, sms=SMS)
    assert err.value.code == "body_too_short"
    answered = backoffice.answer_message(session, OFFICER, message.reference,
                                         "Please bring your passport.", now=NOW, sms=SMS)
    assert answered.status == "answered" and not answered.needs_visit
    assert messages.thread(session, message.id)[-1].staff_label == "officer"
    assert backoffice.mark_needs_visit(session, OFFICER, message.reference, now=NOW,
                                       sms=SMS).needs_visit
    assert backoffice.close_message(session, ADMIN, message.reference, now=NOW,
                                    sms=SMS).status == "closed"
    keys = [n.kind for n in session.exec(select(Notification).where(
        Notification.person_id == message.person_id)).all()]
    assert {"message_answered", "message_needs_visit", "message_closed"} <= set(keys)
    with pytest.raises(ValidationError) as err:
        backoffice.answer_message(session, OFFICER, message.reference, "Too late for this",
                                  now=NOW, sms=SMS)
    assert err.value.code == "message_closed"


def test_staff_download_is_for_answering_roles_and_sent_messages(session, message):
    attachment = messages.attachment_of(session, message.id)
    assert backoffice.attachment_for_staff(session, OFFICER, attachment.id, now=NOW) == attachment
    assert backoffice.attachment_for_staff(session, OFFICER, 999999, now=NOW) is None


def test_a_manager_manages_their_own_branch_and_an_admin_any(session, accounts):  # noqa: F811
    assert [b.code for b in backoffice.managed_branches(session, MANAGER)] == ["RUH-01"]
    assert backoffice.managed_branches(session, HQ_MANAGER) == []
    assert len(backoffice.managed_branches(session, ADMIN)) > 1
    with pytest.raises(NotAllowedError):
        backoffice.managed_branches(session, OFFICER)
    for action in (
        lambda: backoffice.branch_day(session, MANAGER, "RUH-02", MONDAY),
        lambda: backoffice.set_capacity(session, MANAGER, "RUH-02", 2, now=NOW),
        lambda: backoffice.close_day(session, MANAGER, "RUH-02", MONDAY, "Repairs", now=NOW,
                                     sms=SMS),
        lambda: backoffice.reopen_day(session, MANAGER, "RUH-02", MONDAY, now=NOW),
    ):
        with pytest.raises(NotAllowedError) as err:
            action()
        assert err.value.code == "branch_not_managed"
    assert backoffice.branch_day(session, ADMIN, "RUH-02", MONDAY).slots


@pytest.mark.both_databases
def test_branch_day_capacity_close_and_reopen(session, accounts):  # noqa: F811
    booked = book(session, accounts["imran"], branch="RUH-01")
    view = backoffice.branch_day(session, MANAGER, "RUH-01", MONDAY)
    assert view.working_day and view.closed_reason == ""
    assert [a.reference for a in view.appointments] == [booked.reference]
    nine = next(s for s in view.slots if s.start == "09:00")
    assert (nine.booked, nine.capacity) == (1, 6)
    change = backoffice.set_capacity(session, MANAGER, "RUH-01", 0, now=NOW, day=MONDAY,
                                     start="09:00")
    assert change.changed == 1 and change.kept_higher == [f"{MONDAY.isoformat()} 09:00"]
    affected = backoffice.close_day(session, MANAGER, "RUH-01", MONDAY, "Power cut", now=NOW,
                                    sms=SMS)
    assert [a.reference for a in affected] == [booked.reference]
    view = backoffice.branch_day(session, MANAGER, "RUH-01", MONDAY)
    assert view.closed_reason == "Power cut" and all(s.closed for s in view.slots)
    assert backoffice.reopen_day(session, MANAGER, "RUH-01", MONDAY, now=NOW)
    assert not backoffice.reopen_day(session, MANAGER, "RUH-01", MONDAY, now=NOW)
    saturday = date(2026, 5, 16)
    assert backoffice.branch_day(session, MANAGER, "RUH-01", saturday).slots == []


@pytest.mark.parametrize("text, ok", [
    ("2026-05-10", True), ("2026-04-09", True), ("2026-04-08", False), ("2027-05-11", True),
    ("2027-05-12", False), ("11/05/2026", False), ("", False), ("2026-02-30", False),
])
def test_the_day_view_reaches_a_month_back_and_a_year_ahead(text, ok):
    if ok:
        assert backoffice.parse_day(text, NOW) == date.fromisoformat(text)
    else:
        with pytest.raises(ValidationError):
            backoffice.parse_day(text, NOW)


def test_check_in_only_at_the_slips_branch(session, accounts):  # noqa: F811
    booked = book(session, accounts["imran"], branch="RUH-02")
    payload = appointments.qr_payload(booked)
    on_the_day = datetime(2026, 5, 11, 5, 50, tzinfo=UTC)
    with pytest.raises(ValidationError) as err:
        backoffice.check_in(session, MANAGER, "RUH-01", payload, now=on_the_day)
    assert err.value.code == "checkin_unknown"
    assert session.get(Appointment, booked.id).status == "booked"
    done = backoffice.check_in(session, ADMIN, "RUH-02", payload, now=on_the_day)
    assert done.status == "attended"
    assert session.exec(select(StaffEvent).where(StaffEvent.kind == "checked_in")).first()
