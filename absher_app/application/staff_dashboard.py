"""The staff console's first page: figures for the charts, each section only for the roles
whose work it is.

- requests per day by status, last 30 days (review_requests);
- median time from submission to a decision, per day of decision, last 30 days
  (review_requests);
- appointments booked against capacity per branch, next 14 days (manage_branches: every branch
  for an admin, the manager's own otherwise);
- messages waiting for staff by sector, with the oldest wait (answer_messages);
- the background jobs' last runs (the admin role).

Every figure is computed from the database as it is (nothing is written: slots not yet made
count at the branch's capacity). Days are Riyadh days.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from absher_app.application.identity import SignedIn
from absher_app.application.unit import Tx, use_case
from absher_app.domain import appointments, backoffice, messages, staff
from absher_app.domain.calendars import RIYADH
from absher_app.domain.staff import StaffIdentity
from absher_app.i18n import translate
from absher_app.models import (
    AppointmentSlot,
    BranchClosure,
    Message,
    RequestEvent,
    ServiceRequest,
)

HISTORY_DAYS = 30
AHEAD_DAYS = 14
# The request statuses the chart stacks, in the order of a request's life.
REQUEST_STATUSES = ("awaiting_payment", "in_review", "approved", "rejected", "expired",
                    "delivered")
WAITING_STATUSES = ("sent", "in_review")
DECISIONS = ("approved", "rejected")


@dataclasses.dataclass(frozen=True)
class JobRow:
    """A background job's last run, for the admin."""

    name: str
    last_run: str
    outcome: str
    summary: str
    next_run: str


@dataclasses.dataclass(frozen=True)
class StaffDashboard:
    """What the console shows; a section is None when the role does not include it.

    The rows are plain dicts, ready to be a chart's data and a table's rows: `day` (MM-DD)
    and one count per status; `day` and `hours`; `branch` (its code), `booked`, `capacity`,
    `percent`; `sector`, `waiting`, `oldest_days`.
    """

    requests_by_day: list[dict] | None
    decision_hours: list[dict] | None
    median_hours: float | None
    appointments: list[dict] | None
    messages_waiting: list[dict] | None
    jobs: list[JobRow] | None


def _riyadh_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(RIYADH).date()


def _label(day: date) -> str:
    return day.strftime("%m-%d")


def requests_by_day(session: Session, now: datetime) -> list[dict]:
    """Requests submitted on each of the last 30 days, by their status now."""
    today = _riyadh_day(now)
    first = today - timedelta(days=HISTORY_DAYS - 1)
    since = datetime.combine(first, datetime.min.time(), RIYADH)
    counts: dict[date, Counter] = defaultdict(Counter)
    for submitted_at, status in session.exec(select(ServiceRequest.submitted_at,
                                                    ServiceRequest.status)
                                             .where(ServiceRequest.submitted_at >= since)):
        counts[_riyadh_day(submitted_at)][status] += 1
    return [{"day": _label(day), **{s: counts[day][s] for s in REQUEST_STATUSES}}
            for day in (first + timedelta(days=n) for n in range(HISTORY_DAYS))]


def decision_hours(session: Session, now: datetime) -> tuple[list[dict], float | None]:
    """Median hours from submission to decision, per day of decision (last 30 days; days
    without a decision are left out), and over the whole period."""
    since = now - timedelta(days=HISTORY_DAYS)
    rows = session.exec(select(RequestEvent.created_at, ServiceRequest.submitted_at)
                        .join(ServiceRequest,
                              col(ServiceRequest.id) == col(RequestEvent.request_id))
                        .where(col(RequestEvent.kind).in_(DECISIONS),
                               RequestEvent.created_at >= since)).all()
    by_day: dict[date, list[float]] = defaultdict(list)
    every = []
    for decided_at, submitted_at in rows:
        decided_at = decided_at if decided_at.tzinfo else decided_at.replace(tzinfo=UTC)
        submitted_at = submitted_at if submitted_at.tzinfo else submitted_at.replace(tzinfo=UTC)
        hours = max(0.0, (decided_at - submitted_at).total_seconds() / 3600)
        by_day[_riyadh_day(decided_at)].append(hours)
        every.append(hours)
    series = [{"day": _label(day), "hours": round(statistics.median(values), 1),
               "decisions": len(values)} for day, values in sorted(by_day.items())]
    return series, round(statistics.median(every), 1) if every else None


def appointments_ahead(session: Session, who: StaffIdentity, now: datetime) -> list[dict]:
    """Places booked and offered at each branch the staff member manages, next 14 days."""
    today = _riyadh_day(now)
    days = [today + timedelta(days=n) for n in range(AHEAD_DAYS)]
    working = [d for d in days if appointments.is_working_day(d)]
    per_day = len(appointments.slot_times())
    result = []
    for branch in backoffice.managed_branches(session, who):
        closed = set(session.exec(select(BranchClosure.day).where(
            BranchClosure.branch_id == branch.id, col(BranchClosure.day).in_(working))).all())
        open_days = [d for d in working if d not in closed]
        made = session.exec(select(AppointmentSlot.day, func.count(), func.sum(
            AppointmentSlot.capacity), func.sum(AppointmentSlot.booked))
            .where(AppointmentSlot.branch_id == branch.id,
                   col(AppointmentSlot.day).in_(open_days),
                   col(AppointmentSlot.closed).is_(False))
            .group_by(AppointmentSlot.day)).all()
        made_by_day = {day: (slots, capacity or 0, booked or 0)
                       for day, slots, capacity, booked in made}
        capacity = booked = 0
        for day in open_days:
            slots, day_capacity, day_booked = made_by_day.get(day, (0, 0, 0))
            # Slots are made when first booked: the rest are offered at the branch's capacity.
            capacity += day_capacity + (per_day - slots) * branch.slot_capacity
            booked += day_booked
        result.append({"branch": branch.code, "name_ar": branch.name_ar,
                       "name_en": branch.name_en, "booked": booked, "capacity": capacity,
                       "percent": round(100 * booked / capacity) if capacity else 0})
    return result


def messages_waiting(session: Session, now: datetime) -> list[dict]:
    """Messages waiting for staff (sent or in review) in each sector, and the oldest wait."""
    rows = {sector: (count, oldest) for sector, count, oldest in session.exec(
        select(Message.sector, func.count(), func.min(Message.updated_at))
        .where(col(Message.status).in_(WAITING_STATUSES)).group_by(Message.sector)).all()}
    result = []
    for sector in messages.sectors():
        count, oldest = rows.get(sector, (0, None))
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        result.append({"sector": sector, "label_ar": translate(f"messages.sector.{sector}", "ar"),
                       "label_en": translate(f"messages.sector.{sector}", "en"),
                       "waiting": count, "oldest_days": (now - oldest).days if oldest else 0})
    return result


def _when(value: datetime | None) -> str:
    return value.astimezone(RIYADH).strftime("%Y-%m-%d %H:%M") if value else ""


def job_rows(session: Session, now: datetime) -> list[JobRow]:
    """The background jobs' last runs."""
    from absher_app import jobs, scheduler

    return [JobRow(s.name, _when(s.last_finished_at),
                   "running" if s.running else (s.last_outcome or "never"), s.last_summary,
                   _when(s.next_run_at))
            for s in scheduler.status(session, jobs.job_specs(), now)]


def staff_dashboard(session: Session, now: datetime, who: StaffIdentity) -> StaffDashboard:
    """The console's figures for this staff member's role."""
    reviews = who.may(staff.REVIEW_REQUESTS)
    series, median = decision_hours(session, now) if reviews else (None, None)
    return StaffDashboard(
        requests_by_day=requests_by_day(session, now) if reviews else None,
        decision_hours=series,
        median_hours=median,
        appointments=appointments_ahead(session, who, now)
        if who.may(staff.MANAGE_BRANCHES) else None,
        messages_waiting=messages_waiting(session, now)
        if who.may(staff.ANSWER_MESSAGES) else None,
        jobs=job_rows(session, now) if who.role == "admin" else None,
    )


@use_case(realm="staff")
def console_figures(tx: Tx, who: SignedIn) -> StaffDashboard:
    """The staff console's charts for the signed-in staff member (any role: each section is
    filtered by the role's permissions)."""
    return staff_dashboard(tx.session, tx.now, who.staff)
