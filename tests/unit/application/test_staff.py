"""The back office's use cases with the right role: activation at an office, the review queue
and decisions, the messages inbox and thread, and the branch day view. (Who is refused is
tests/unit/application/test_staff_guard.py.)"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from absher_app.application import appointments as booking
from absher_app.application import staff as uc
from absher_app.domain import appointments, messages
from absher_app.domain.appointments import AppointmentStatus
from absher_app.domain.demo import demo_ids
from absher_app.domain.errors import DomainError
from absher_app.domain.messages import MessageStatus
from absher_app.models import Account, Appointment, Person, RecordAccess
from absher_app.providers.sms import OutboxSmsSender
from tests.unit.application.conftest import APP_NOW
from tests.unit.domain.test_requests import PASSPORT_POST, pay, submit

MONDAY = date(2026, 5, 11)


def person(db, key: str) -> Person:
    return db.exec(select(Person).where(Person.id_number == demo_ids()[key])).one()


def accesses(app_world, key: str) -> list[str]:
    with app_world.db() as db:
        return [a.purpose for a in db.exec(select(RecordAccess).where(
            RecordAccess.person_id == person(db, key).id)).all()]


# ---------------------------------------------------------------------------------------------
# Activation at an office.

def test_the_clerk_finds_checks_and_activates_a_registered_account(app_world):
    clerk = app_world.staff("clerk")
    assert app_world.run(uc.open_activation_counter, clerk) is None
    card = app_world.run(uc.find_for_activation, clerk, uc.FindForm(demo_ids()["c9"]))
    assert card.id_number == demo_ids()["c9"] and card.name_en
    assert card.category_en and card.birth_hijri_en.endswith("AH")
    assert "*" in card.masked_mobile
    assert accesses(app_world, "c9") == ["office_activation"]
    with pytest.raises(DomainError) as refused:  # the card not confirmed yet
        app_world.run(uc.activate_at_office, clerk, card, uc.ConfirmForm())
    assert (refused.value.code, refused.value.field) == ("staff_confirm_card", "confirm")
    with pytest.raises(DomainError) as refused:  # nobody found yet
        app_world.run(uc.activate_at_office, clerk, uc.PersonCardView(),
                      uc.ConfirmForm(confirm=True))
    assert (refused.value.code, refused.value.field) == ("staff_find_first", "id_number")
    done = app_world.run(uc.activate_at_office, clerk, card, uc.ConfirmForm(confirm=True))
    assert card.name_en in done.en and card.name_ar in done.ar
    with app_world.db() as db:
        assert db.exec(select(Account).where(Account.username == "hind")).one().status == \
            "active"
    with pytest.raises(DomainError) as refused:  # now active: nothing to activate
        app_world.run(uc.find_for_activation, clerk, uc.FindForm(demo_ids()["c9"]))
    assert (refused.value.code, refused.value.field) == ("activation_not_pending", "id_number")


# ---------------------------------------------------------------------------------------------
# Request review.

def test_the_officer_opens_approves_rejects_and_advances_a_delivery(app_world):
    with app_world.db() as db:
        c1, c3 = person(db, "c1"), person(db, "c3")
        first = submit(db, "mohammed", "passport_issue", c1, PASSPORT_POST)
        second = submit(db, "mohammed", "passport_issue", c3, {**PASSPORT_POST, "years": "5"},
                        now=APP_NOW.replace(second=1))
        pay(db, first)
        pay(db, second)
    officer = app_world.staff("officer")
    queue = app_world.run(uc.review_queue, officer)
    assert [r.reference for r in queue.waiting] == [first.reference, second.reference]
    assert queue.waiting[0].href == f"/staff/requests/{first.reference}"
    assert queue.deliveries == []
    view = app_world.run(uc.open_request, officer, second.reference)
    assert view.found and view.current.status == "in_review"
    assert (view.applicant.name_en, view.beneficiary.id_number) == (
        c1.name_en, c3.id_number)
    assert view.answers and view.timeline and view.done.en == ""
    assert "request_review" in accesses(app_world, "c3")
    approved = app_world.run(uc.approve_request, officer, first.reference)
    assert approved.current.status == "approved" and "Approved" in approved.done.en
    assert approved.tracking and approved.can_advance
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.reject_request, officer, second.reference, uc.RejectForm(" "))
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    rejected = app_world.run(uc.reject_request, officer, second.reference,
                             uc.RejectForm("Photo unclear"))
    assert (rejected.current.status, rejected.reason) == ("rejected", "Photo unclear")
    queue = app_world.run(uc.review_queue, officer)
    assert queue.waiting == [] and [r.reference for r in queue.deliveries] == [first.reference]
    for _ in range(3):
        advanced = app_world.run(uc.advance_delivery, officer, first.reference)
    assert advanced.delivery_status.en and not advanced.can_advance
    assert app_world.run(uc.open_request, officer, "7000000000").found is False


# ---------------------------------------------------------------------------------------------
# Messages.

def _message(app_world) -> str:
    with app_world.db() as db:
        account = db.exec(select(Account).where(Account.username == "imran")).one()
        message = messages.send(db, account, sector="passports", topic="iqama",
                                subject="Renewal still pending", body="x" * 40, now=APP_NOW,
                                sms=OutboxSmsSender())
        db.commit()
        return message.reference


def test_the_inbox_filters_on_checked_values(app_world):
    reference = _message(app_world)
    officer = app_world.staff("officer")
    everything = app_world.run(uc.staff_inbox, officer, uc.InboxFilter())
    assert [r.reference for r in everything.rows] == [reference]
    assert everything.rows[0].status == MessageStatus.SENT
    assert {o.value for o in everything.topics} >= {"iqama", "passport"}
    passports = app_world.run(uc.staff_inbox, officer, uc.InboxFilter("passports", "iqama"))
    assert passports.chosen == uc.InboxFilter("passports", "iqama", "")
    assert app_world.run(uc.staff_inbox, officer,
                         uc.InboxFilter(status=MessageStatus.CLOSED)).rows == []
    for wanted, field in ((uc.InboxFilter("nowhere"), "sector"),
                          (uc.InboxFilter(topic="no_such"), "topic"),
                          (uc.InboxFilter(status="deleted"), "status")):
        with pytest.raises(DomainError) as refused:
            app_world.run(uc.staff_inbox, officer, wanted)
        assert refused.value.field == field


def test_open_answer_mark_for_a_visit_and_close(app_world):
    reference = _message(app_world)
    officer = app_world.staff("officer")
    view = app_world.run(uc.open_message, officer, reference)
    assert view.found and view.row.status == MessageStatus.IN_REVIEW
    assert view.person.en and view.id_number == demo_ids()["r4"]
    assert "message_answer" in accesses(app_world, "r4")
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.answer_message, officer, reference, uc.StaffAnswerForm("x"))
    assert refused.value.field == "answer"
    view = app_world.run(uc.answer_message, officer, reference,
                         uc.StaffAnswerForm("Please bring your passport to a branch."))
    assert view.row.status == MessageStatus.ANSWERED and view.done.en
    assert [p.author for p in view.posts] == ["person", "staff"]
    assert app_world.run(uc.mark_needs_visit, officer, reference).needs_visit
    closed = app_world.run(uc.close_message, officer, reference)
    assert closed.row.status == MessageStatus.CLOSED
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.answer_message, officer, reference,
                      uc.StaffAnswerForm("One more thing about it."))
    assert (refused.value.code, refused.value.field) == ("message_closed", "answer")
    assert app_world.run(uc.open_message, officer, "5000000000").found is False


# ---------------------------------------------------------------------------------------------
# Branches.

def _book_monday(app_world, username: str = "imran", branch: str = "RUH-01") -> str:
    return app_world.run(booking.book_appointment, app_world.person(username),
                         booking.BookingChoice("passports", "iqama", branch,
                                               MONDAY.isoformat(), "09:00"))


def test_the_manager_sees_their_branch_sets_capacity_closes_and_reopens(app_world):
    reference = _book_monday(app_world)
    manager = app_world.staff("manager")
    today = app_world.run(uc.branch_today, manager, "")
    assert [b.value for b in today.branches] == ["RUH-01"]
    assert (today.branch, today.day) == ("RUH-01", "2026-05-10")
    # Another branch is not theirs: the day view stays on their own.
    assert app_world.run(uc.branch_today, manager, "RUH-02").branch == "RUH-01"
    monday = app_world.run(uc.branch_on_day, manager, uc.DayForm("RUH-01", "2026-05-11"))
    assert monday.day_label.en.startswith("Monday") and monday.working_day
    assert [b.reference for b in monday.bookings] == [reference]
    assert [o.value for o in monday.scopes][:3] == ["default", "day", "08:00"]
    at = uc.BranchDay("RUH-01", "2026-05-11")
    changed = app_world.run(uc.set_capacity, manager, at, uc.CapacityForm("09:00", "0"))
    assert "09:00" in changed.done.en  # kept at its one booking
    nine = next(s for s in changed.slots if s.start == "09:00")
    assert (nine.booked, nine.capacity) == (1, 1)
    for form, field in ((uc.CapacityForm("sometime", "3"), "scope"),
                        (uc.CapacityForm("day", "three"), "places"),
                        (uc.CapacityForm("day", "9999"), "places")):
        with pytest.raises(DomainError) as refused:
            app_world.run(uc.set_capacity, manager, at, form)
        assert refused.value.field == field
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.close_day, manager, at, uc.ReasonForm(""))
    assert (refused.value.code, refused.value.field) == ("closure_reason_required", "reason")
    closed = app_world.run(uc.close_day, manager, at, uc.ReasonForm("Power cut"))
    assert closed.closed_reason == "Power cut" and "1" in closed.done.en
    with app_world.db() as db:
        assert db.exec(select(Appointment).where(Appointment.reference == reference)).one() \
            .status == AppointmentStatus.CANCELLED_BY_BRANCH
    reopened = app_world.run(uc.reopen_day, manager, at)
    assert reopened.closed_reason == "" and reopened.done.en


def test_the_day_comes_from_the_day_month_and_year_boxes(app_world):
    manager = app_world.staff("manager")
    boxes = uc.DayForm("RUH-01", day_day="11", day_month="5", day_year="2026")
    assert app_world.run(uc.branch_on_day, manager, boxes).day == "2026-05-11"
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.branch_on_day, manager,
                      uc.DayForm("RUH-01", day_day="31", day_month="2", day_year="2026"))
    assert (refused.value.code, refused.value.field) == ("day_invalid", "day")


def test_the_manager_acts_only_on_their_own_branch_and_a_shown_day(app_world):
    manager = app_world.staff("manager")
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.branch_on_day, manager, uc.DayForm("RUH-02", "2026-05-11"))
    assert (refused.value.code, refused.value.field) == ("branch_not_managed", "branch")
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.branch_on_day, manager, uc.DayForm("RUH-01", "11/05/2026"))
    assert (refused.value.code, refused.value.field) == ("day_invalid", "day")
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.close_day, manager, uc.BranchDay("RUH-02", "2026-05-11"),
                      uc.ReasonForm("Not mine"))
    assert (refused.value.code, refused.value.field) == ("branch_not_managed", "reason")
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.reopen_day, manager, uc.BranchDay("RUH-01", ""))
    assert refused.value.code == "branch_not_managed"
    # An administrator manages every branch.
    admin = app_world.staff("admin")
    assert len(app_world.run(uc.branch_today, admin, "").branches) > 1
    assert app_world.run(uc.branch_on_day, admin, uc.DayForm("RUH-02", "2026-05-11")).branch \
        == "RUH-02"


def test_check_in_on_the_day_at_the_slips_branch(app_world):
    reference = _book_monday(app_world, branch="RUH-02")
    with app_world.db() as db:
        slip = appointments.qr_payload(db.exec(select(Appointment).where(
            Appointment.reference == reference)).one())
    app_world.clock.set(datetime(2026, 5, 11, 5, 50, tzinfo=UTC))
    admin = app_world.staff("admin")
    with pytest.raises(DomainError) as refused:
        app_world.run(uc.check_in, admin, uc.BranchDay("RUH-01", "2026-05-11"),
                      uc.ScanForm(slip))
    assert (refused.value.code, refused.value.field) == ("checkin_unknown", "scanned")
    done = app_world.run(uc.check_in, admin, uc.BranchDay("RUH-02", "2026-05-11"),
                         uc.ScanForm(slip))
    assert reference in done.done.en
    assert [b.status for b in done.bookings] == [AppointmentStatus.ATTENDED]


def test_staff_who_answer_messages_download_a_sent_pdf_and_it_is_logged(app_world, tmp_path,
                                                                       monkeypatch):
    from absher_app.application import messages as person_uc
    from absher_app.application.identity import NotAllowed
    from absher_app.models import StaffEvent
    from absher_app.settings import get_settings
    from tests.unit.domain.test_messages import pdf_bytes

    monkeypatch.setattr(get_settings(), "data_dir", str(tmp_path))
    imran = app_world.person("imran")
    pending = app_world.run(person_uc.attach_pdf, imran, person_uc.Upload("a.pdf", pdf_bytes()))
    officer = app_world.staff("officer")
    assert app_world.run(uc.staff_attachment, officer, pending.id) is None  # not sent yet
    app_world.run(person_uc.send_message, imran, person_uc.NewMessage(
        "passports", "passport", person_uc.MessageForm(
            subject="Passport renewal question", body="How long does a renewal take?"),
        pending.id))
    found = app_world.run(uc.staff_attachment, officer, pending.id)
    assert found.name == "a.pdf" and found.path.is_file()
    with pytest.raises(NotAllowed):
        app_world.run(uc.staff_attachment, app_world.staff("manager"), pending.id)
    with app_world.db() as db:
        kinds = db.exec(select(StaffEvent.kind)).all()
    assert kinds.count("attachment_opened") == 1 and "access_refused" in kinds
