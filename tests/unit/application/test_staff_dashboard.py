"""The staff console's figures: requests per day by status, median time to a decision,
appointments against capacity, messages waiting by sector, jobs for the admin; each only for
the roles whose work it is."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from absher_app.application.staff_dashboard import (
    AHEAD_DAYS,
    HISTORY_DAYS,
    staff_dashboard,
)
from absher_app.domain import appointments, requests
from absher_app.domain.calendars import RIYADH
from absher_app.domain.staff import StaffIdentity, identity_of
from absher_app.models import Account, Branch, Message, StaffMember
from tests.unit.domain.test_requests import NOW, SMS, people, submit  # noqa: F401


def who(session, username: str) -> StaffIdentity:
    return identity_of(session.exec(select(StaffMember).where(
        StaffMember.username == username)).one())


def test_each_role_sees_its_own_sections(session, people):  # noqa: F811
    views = {name: staff_dashboard(session, NOW, who(session, name))
             for name in ("clerk", "officer", "manager", "admin")}
    assert [v.requests_by_day is not None for v in views.values()] == [False, True, False, True]
    assert [v.appointments is not None for v in views.values()] == [False, False, True, True]
    assert [v.messages_waiting is not None for v in views.values()] == [False, True, False, True]
    assert [v.jobs is not None for v in views.values()] == [False, False, False, True]


def test_requests_per_day_by_status_and_the_median_time_to_a_decision(session, people):  # noqa: F811
    earlier = NOW - timedelta(days=2)
    free = submit(session, "mohammed", "final_exit_issue", people["r1"], {}, now=earlier)
    passport = submit(session, "mohammed", "passport_issue", people["c1"],
                      {"years": "5", "delivery": "office"}, now=NOW)
    bill = requests.bill_of(session, passport.id)
    requests.pay_bill(session, bill.number, bill.amount_sar, bank="b", bank_reference="R1",
                      now=NOW + timedelta(hours=1), sms=SMS)
    requests.decide(session, passport.reference, True, "", now=NOW + timedelta(hours=5), sms=SMS)
    session.commit()
    view = staff_dashboard(session, NOW + timedelta(hours=6), who(session, "officer"))
    assert len(view.requests_by_day) == HISTORY_DAYS
    today = view.requests_by_day[-1]
    assert today["day"] == NOW.astimezone(RIYADH).strftime("%m-%d")
    assert today["approved"] == 1 and today["awaiting_payment"] == 0
    two_days_ago = view.requests_by_day[-3]
    assert sum(v for k, v in two_days_ago.items() if k != "day") == 1
    assert free.status == "approved"
    # The free request was decided at once (0 h); the passport 5 hours after submission.
    assert [row["decisions"] for row in view.decision_hours] == [1, 1]
    assert view.decision_hours[-1]["hours"] == 5.0
    assert view.median_hours == 2.5


def test_appointments_booked_against_capacity(session, people):  # noqa: F811
    admin = who(session, "admin")
    branch = session.exec(select(Branch).order_by(Branch.code)).first()
    day = next(d for d in appointments.bookable_days(session, branch, NOW))
    start = appointments.free_slots(session, branch, day, NOW)[0].start
    account = session.exec(select(Account).where(Account.username == "mohammed")).one()
    appointments.book(session, account, sector="passports", topic="passport",
                      branch_code=branch.code, day=day, start=start, now=NOW, sms=SMS)
    session.commit()
    rows = {r["branch"]: r for r in staff_dashboard(session, NOW, admin).appointments}
    assert set(rows) == set(session.exec(select(Branch.code)).all())
    working = sum(appointments.is_working_day(NOW.astimezone(RIYADH).date() + timedelta(days=n))
                  for n in range(AHEAD_DAYS))
    per_day = len(appointments.slot_times())
    assert rows[branch.code]["booked"] == 1
    assert rows[branch.code]["capacity"] == working * per_day * branch.slot_capacity
    other = next(code for code in rows if code != branch.code)
    assert rows[other]["booked"] == 0
    # A branch manager sees their own branch only.
    manager = who(session, "manager")
    assert [r["branch"] for r in staff_dashboard(session, NOW, manager).appointments] == \
        [manager.office]


def test_messages_waiting_by_sector(session, people):  # noqa: F811
    account = session.exec(select(Account).where(Account.username == "mohammed")).one()
    for n, (sector, status) in enumerate([("passports", "sent"), ("passports", "in_review"),
                                          ("traffic", "sent"), ("passports", "answered")]):
        session.add(Message(reference=f"50000000{n:02d}", account_id=account.id,
                            person_id=account.person_id, sector=sector, topic="other",
                            subject="s", status=status,
                            updated_at=NOW - timedelta(days=3 - n)))
    session.commit()
    rows = {r["sector"]: r for r in
            staff_dashboard(session, NOW, who(session, "officer")).messages_waiting}
    assert (rows["passports"]["waiting"], rows["passports"]["oldest_days"]) == (2, 3)
    assert rows["traffic"]["waiting"] == 1 and rows["civil_affairs"]["waiting"] == 0


def test_the_admin_sees_the_jobs_last_runs(session, people):  # noqa: F811
    jobs = staff_dashboard(session, NOW, who(session, "admin")).jobs
    assert [j.name for j in jobs][:2] == ["expire-unpaid", "reminders"]
    assert {j.outcome for j in jobs} == {"never"}
