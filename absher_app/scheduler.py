"""One schedule for the background jobs, whichever and however many processes look at it.

Each job has a row in `scheduledjob`. A process runs a job only after winning the row's lease
with one conditional UPDATE:

    UPDATE scheduledjob SET lease_owner = :me, lease_until = :now + lease
     WHERE name = :job AND (lease_until IS NULL OR lease_until < :now)
       AND (next_run_at IS NULL OR next_run_at <= :now)

The database lets exactly one UPDATE change the row, so of any number of workers (Granian's,
or `absher scheduler` processes) one runs the job per period. When the run ends, the row
records its time, outcome and summary, and the next run's time. A process that dies mid-run
leaves a lease that runs out (LEASE) and the next one takes over.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from absher_app.db import session_scope
from absher_app.models import ScheduledJob
from absher_app.observability import metrics

LOG = logging.getLogger("absher.scheduler")
# Longer than any job takes; a lease this old belongs to a process that died.
LEASE = timedelta(minutes=30)


@dataclasses.dataclass(frozen=True)
class JobReport:
    """What one job did."""

    name: str
    count: int
    summary: str
    failed: bool = False
    skipped: bool = False
    error: BaseException | None = dataclasses.field(default=None, compare=False, repr=False)


@dataclasses.dataclass(frozen=True)
class JobSpec:
    """A job: its name, what it does (in one transaction) and how often."""

    name: str
    run: Callable[[Session, datetime], JobReport]
    every: timedelta


@dataclasses.dataclass(frozen=True)
class JobStatus:
    """A job's schedule and last run, as `absher jobs status` and the staff console show it."""

    name: str
    every_minutes: int
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_outcome: str
    last_summary: str
    last_duration_ms: int
    next_run_at: datetime | None
    running: bool
    runs: int
    failures: int


def owner_name() -> str:
    """This process's name in the lease column."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{threading.get_ident() % 100000}"


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def ensure_rows(engine: sqlalchemy.Engine | None, names: Sequence[str]) -> None:
    """A row per job (created by whichever process gets there first)."""
    with session_scope(engine) as session:
        have = set(session.exec(select(ScheduledJob.name)).all())
    for name in names:
        if name in have:
            continue
        try:
            with session_scope(engine) as session:
                session.add(ScheduledJob(name=name))
        except IntegrityError:
            pass  # another process made it a moment ago


def acquire(session: Session, name: str, *, now: datetime, owner: str,
            force: bool = False) -> bool:
    """Win the job's lease (when due, or at once with `force`); commits. True when won."""
    conditions = [ScheduledJob.name == name,
                  or_(col(ScheduledJob.lease_until).is_(None), ScheduledJob.lease_until < now)]
    if not force:
        conditions.append(or_(col(ScheduledJob.next_run_at).is_(None),
                              ScheduledJob.next_run_at <= now))
    won = session.execute(update(ScheduledJob).where(*conditions).values(
        lease_owner=owner, lease_until=now + LEASE, last_started_at=now)).rowcount
    session.commit()
    return bool(won)


def finish(session: Session, name: str, *, owner: str, report: JobReport, started: datetime,
           finished: datetime, every: timedelta) -> None:
    """Record the run and release the lease (only if it is still `owner`'s); commits."""
    session.execute(update(ScheduledJob).where(
        ScheduledJob.name == name, ScheduledJob.lease_owner == owner).values(
        lease_owner="", lease_until=None, last_finished_at=finished,
        last_outcome="failed" if report.failed else "ok", last_summary=report.summary[:300],
        last_duration_ms=int((finished - started).total_seconds() * 1000),
        runs=ScheduledJob.runs + 1,
        failures=ScheduledJob.failures + (1 if report.failed else 0),
        next_run_at=started + every))
    session.commit()


def run_jobs(jobs: Sequence[JobSpec], *, now: Callable[[], datetime],
             engine: sqlalchemy.Engine | None = None, force: bool = False,
             owner: str | None = None) -> list[JobReport]:
    """Run the due jobs (all of them with `force`) this process wins; each in its own
    transaction. A job another process is running is reported as skipped; one that is not due
    is left out."""
    owner = owner or owner_name()
    ensure_rows(engine, [job.name for job in jobs])
    reports = []
    for job in jobs:
        started = now()
        with session_scope(engine) as session:
            won = acquire(session, job.name, now=started, owner=owner, force=force)
        if not won:
            if force:
                reports.append(JobReport(job.name, 0, "running elsewhere; skipped",
                                         skipped=True))
            continue
        clock = time.monotonic()
        try:
            with session_scope(engine) as session:
                report = job.run(session, started)
        except IntegrityError:
            # Two runs raced on the same row (a unique dedupe key): the other one did it.
            report = JobReport(job.name, 0, "another run was doing the same; nothing to do")
        except Exception as exc:  # noqa: BLE001 - one job failing must not stop the others
            report = JobReport(job.name, 0, f"failed: {type(exc).__name__}: {exc}",
                               failed=True, error=exc)
        metrics.observe_job(job.name, not report.failed, time.monotonic() - clock)
        with session_scope(engine) as session:
            finish(session, job.name, owner=owner, report=report, started=started,
                   finished=now(), every=job.every)
        reports.append(report)
    return reports


def log_reports(reports: Sequence[JobReport]) -> None:
    """One log line per run (the services' way of saying what they did; the CLI prints)."""
    for report in reports:
        if report.failed:
            LOG.error("job %s: %s", report.name, report.summary, exc_info=report.error,
                      extra={"job": report.name, "outcome": "failed"})
        elif not report.skipped:
            LOG.info("job %s: %s", report.name, report.summary,
                     extra={"job": report.name, "outcome": "ok", "count": report.count})


def status(session: Session, jobs: Sequence[JobSpec], now: datetime) -> list[JobStatus]:
    """Every job's schedule and last run (never run: empty fields)."""
    rows = {row.name: row for row in session.exec(select(ScheduledJob)).all()}
    result = []
    for job in jobs:
        row = rows.get(job.name) or ScheduledJob(name=job.name)
        lease = _aware(row.lease_until)
        result.append(JobStatus(
            name=job.name, every_minutes=int(job.every.total_seconds() // 60),
            last_started_at=_aware(row.last_started_at),
            last_finished_at=_aware(row.last_finished_at), last_outcome=row.last_outcome,
            last_summary=row.last_summary, last_duration_ms=row.last_duration_ms,
            next_run_at=_aware(row.next_run_at), running=lease is not None and lease > now,
            runs=row.runs, failures=row.failures))
    return result


def run_forever(jobs: Sequence[JobSpec], stop: threading.Event, *,
                tick_seconds: float = 30.0) -> None:
    """The dedicated scheduler process (`absher scheduler`): look every `tick_seconds`."""
    LOG.info("scheduler started: %s", ", ".join(job.name for job in jobs))
    while not stop.is_set():
        try:
            log_reports(run_jobs(jobs, now=lambda: datetime.now(UTC)))
        except Exception:  # e.g. the database briefly away
            LOG.exception("scheduler: a round failed; trying again")
        stop.wait(tick_seconds)
    LOG.info("scheduler stopped")
