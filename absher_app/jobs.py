"""Background jobs, shared by `absher jobs run` (once) and the app's schedule (every hour).

Every job is idempotent: it may run any number of times, late, or on several workers at once.
`expire_unpaid` expires bills past their due time (and their requests); `reminders` sends the
household timeline's 90/30/7-day reminders, each once (a dedupe key per reminder). Each job runs
in its own transaction, so one failing does not undo the other.

The schedule is a Reflex lifespan task (`app.register_lifespan_task(run_on_schedule)`): every
backend worker runs it, ABSHER_JOBS_EVERY_MINUTES apart (60 by default; 0 turns it off, e.g.
when a system timer runs `absher jobs run` instead). Two workers racing on the same reminder
collide on its unique dedupe key; the loser's transaction is rolled back and nothing is sent
twice.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from absher_app.db import session_scope
from absher_app.domain import delegation, household, messages, requests
from absher_app.providers.clock import RIYADH, Clock, SystemClock
from absher_app.providers.sms import SmsSender, get_sms_sender
from absher_app.settings import get_settings

logger = logging.getLogger(__name__)
# Let the server finish starting before the first run.
FIRST_RUN_DELAY_S = 30.0


@dataclasses.dataclass(frozen=True)
class JobReport:
    """What one job did."""

    name: str
    count: int
    summary: str
    failed: bool = False
    error: BaseException | None = dataclasses.field(default=None, compare=False, repr=False)


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


Job = Callable[[Session, datetime, SmsSender], JobReport]
JOBS: tuple[tuple[str, Job], ...] = (("expire-unpaid", expire_unpaid),
                                     ("reminders", send_reminders),
                                     ("purge-attachments", purge_pending_attachments),
                                     ("expire-delegations", expire_delegations))


def run_all(*, clock: Clock | None = None, sms: SmsSender | None = None) -> list[JobReport]:
    """Run every job once, each in its own transaction; a failure is reported (with its
    exception, for the caller to log), not raised."""
    now = (clock or SystemClock()).now()
    sender = sms if sms is not None else get_sms_sender()
    reports = []
    for name, job in JOBS:
        try:
            with session_scope() as session:
                reports.append(job(session, now, sender))
        except IntegrityError:
            # Another worker ran the same job at the same moment and committed first.
            logger.info("job %s: another run got there first; nothing more to do", name)
            reports.append(JobReport(name, 0, "another run was doing the same; nothing to do"))
        except Exception as exc:  # noqa: BLE001 - one job failing must not stop the others
            reports.append(JobReport(name, 0, f"failed: {type(exc).__name__}: {exc}",
                                     failed=True, error=exc))
    return reports


async def run_on_schedule() -> None:
    """Lifespan task: run every job now (after a short delay) and then every
    ABSHER_JOBS_EVERY_MINUTES minutes, until the app stops."""
    minutes = get_settings().jobs_every_minutes
    if minutes <= 0:
        logger.info("background jobs are not scheduled (ABSHER_JOBS_EVERY_MINUTES=0)")
        return
    await asyncio.sleep(FIRST_RUN_DELAY_S)
    while True:
        try:
            for report in await asyncio.to_thread(run_all):
                if report.failed:
                    logger.error("job %s: %s", report.name, report.summary,
                                 exc_info=report.error)
                else:
                    logger.info("job %s: %s", report.name, report.summary)
        except Exception:  # noqa: BLE001 - e.g. no SMS provider; try again next time
            logger.exception("background jobs could not run")
        await asyncio.sleep(minutes * 60)
