"""Background jobs, shared by `absher jobs run` (all now), `absher scheduler` (a process of its
own) and the app's workers (a lifespan task): the schedule and its lease are in
absher_app/scheduler.py, so each job runs once per period however many of those look.

Every job is idempotent and runs in its own transaction, so one failing does not undo the
others. `expire-unpaid` expires bills past their due time (and their requests); `reminders`
sends the household timeline's 90/30/7-day reminders, each once (a dedupe key per reminder);
`purge-attachments` deletes attachments never sent; `expire-delegations` ends delegations at
their end date; `retention` deletes what rules.toml [retention] says is no longer needed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy
from sqlmodel import Session

from absher_app import retention, scheduler
from absher_app.domain import delegation, household, messages, requests
from absher_app.domain.calendars import RIYADH
from absher_app.providers.clock import Clock, SystemClock
from absher_app.providers.sms import SmsSender, get_sms_sender
from absher_app.scheduler import JobReport, JobSpec
from absher_app.settings import get_settings

logger = logging.getLogger(__name__)
# Let the server finish starting before the first look.
FIRST_RUN_DELAY_S = 30.0
# How often a worker looks whether a job is due (the lease decides who runs it).
TICK_S = 60.0
RETENTION_EVERY = timedelta(days=1)

__all__ = ["JOBS", "JobReport", "job_specs", "run_all", "run_on_schedule", "status"]


def expire_unpaid(session: Session, now: datetime, sms: SmsSender) -> JobReport:
    expired = requests.expire_unpaid(session, now, sms=sms)
    return JobReport("expire-unpaid", expired,
                     f"{expired} unpaid bill{'' if expired == 1 else 's'} expired "
                     "(with their requests)")


def send_reminders(session: Session, now: datetime, sms: SmsSender) -> JobReport:
    sent = household.run_reminders(session, now.astimezone(RIYADH).date(), sms, now=now)
    return JobReport("reminders", len(sent),
                     f"{len(sent)} expiry reminder{'' if len(sent) == 1 else 's'} sent "
                     "(in-app and SMS)")


def purge_pending_attachments(session: Session, now: datetime, _sms: SmsSender) -> JobReport:
    purged = messages.purge_pending(session, now)
    return JobReport("purge-attachments", purged,
                     f"{purged} attachment{'' if purged == 1 else 's'} never sent deleted")


def expire_delegations(session: Session, now: datetime, sms: SmsSender) -> JobReport:
    expired = delegation.expire_due(session, now.astimezone(RIYADH).date(), now, sms)
    return JobReport("expire-delegations", expired,
                     f"{expired} delegation{'' if expired == 1 else 's'} expired at their end "
                     "date")


def apply_retention(session: Session, now: datetime, _sms: SmsSender) -> JobReport:
    report = retention.run(session, now)
    return JobReport("retention", report.total, report.summary())


Job = Callable[[Session, datetime, SmsSender], JobReport]
JOBS: tuple[tuple[str, Job], ...] = (("expire-unpaid", expire_unpaid),
                                     ("reminders", send_reminders),
                                     ("purge-attachments", purge_pending_attachments),
                                     ("expire-delegations", expire_delegations),
                                     ("retention", apply_retention))


def every(name: str) -> timedelta:
    """How often a job runs: retention daily, the others every ABSHER_JOBS_EVERY_MINUTES (0
    turns the app's own schedule off; a scheduler service then runs them hourly)."""
    if name == "retention":
        return RETENTION_EVERY
    return timedelta(minutes=get_settings().jobs_every_minutes or 60)


def job_specs(sms: SmsSender | None = None) -> list[JobSpec]:
    """The jobs as the scheduler runs them (the SMS sender is looked up when they run)."""

    def bound(job: Job) -> Callable[[Session, datetime], JobReport]:
        return lambda session, now: job(session, now, sms if sms is not None
                                        else get_sms_sender())

    return [JobSpec(name, bound(job), every(name)) for name, job in JOBS]


def run_all(*, clock: Clock | None = None, sms: SmsSender | None = None,
            only: str | None = None, engine: sqlalchemy.Engine | None = None
            ) -> list[JobReport]:
    """Run every job (or `only` one) now, whether due or not; a job another process is
    running is skipped. A failure is reported (with its exception, for the caller to log), not
    raised."""
    clock = clock or SystemClock()
    sender = sms if sms is not None else get_sms_sender()
    specs = [spec for spec in job_specs(sender) if only in (None, spec.name)]
    return scheduler.run_jobs(specs, now=clock.now, engine=engine, force=True)


def status(engine: sqlalchemy.Engine | None = None,
           now: datetime | None = None) -> list[scheduler.JobStatus]:
    """Every job's last run and next run."""
    from absher_app.db import session_scope

    with session_scope(engine) as session:
        return scheduler.status(session, job_specs(), now or datetime.now(UTC))


def run_due(engine: sqlalchemy.Engine | None = None) -> list[JobReport]:
    """One look: run the jobs that are due and whose lease this process wins."""
    return scheduler.run_jobs(job_specs(), now=lambda: datetime.now(UTC), engine=engine)


async def run_on_schedule() -> None:
    """Lifespan task of every app worker: look every TICK_S whether a job is due; the lease
    lets one worker run it. Off with ABSHER_JOBS_EVERY_MINUTES=0 or ABSHER_JOBS_IN_APP=false
    (when `absher scheduler` runs as a service of its own)."""
    settings = get_settings()
    if settings.jobs_every_minutes <= 0 or not settings.jobs_in_app:
        logger.info("background jobs are not run by the app (ABSHER_JOBS_EVERY_MINUTES=%s, "
                    "ABSHER_JOBS_IN_APP=%s)", settings.jobs_every_minutes, settings.jobs_in_app)
        return
    await asyncio.sleep(FIRST_RUN_DELAY_S)
    while True:
        try:
            scheduler.log_reports(await asyncio.to_thread(run_due))
        except Exception:  # e.g. no SMS provider; try again next time
            logger.exception("background jobs could not run")
        await asyncio.sleep(TICK_S)
