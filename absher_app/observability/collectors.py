"""Figures read from the database when /metrics is scraped: they are the same whichever worker
answers, and count what every process did (the CLI, the relay, the scheduler included).

- absher_sms_queue_depth{status}: messages waiting to leave (queued, sending).
- absher_sms_oldest_waiting_seconds: how long the oldest of them has waited. Alert on it
  (deploy/prometheus/alerts.yml): sign-in codes live ten minutes.
- absher_sms_messages{status}: every message of the outbox by delivery status.
- absher_bills_paid_total, absher_bills_paid_sar_total: payments recorded (never deleted).
- absher_job_last_run_timestamp_seconds{job}, absher_job_last_run_ok{job}: the scheduler's
  last run of each job.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import sqlalchemy
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlmodel import Session, select

from absher_app.db import session_scope
from absher_app.models import Payment, ScheduledJob, SmsMessage
from absher_app.models.sms import SMS_STATUSES

WAITING = ("queued", "sending")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def database_figures(session: Session, now: datetime) -> list:
    """The metric families, read in one session."""
    by_status = dict(session.exec(select(SmsMessage.status, func.count())
                                  .group_by(SmsMessage.status)).all())
    depth = GaugeMetricFamily("absher_sms_queue_depth", "SMS messages waiting to be sent",
                              labels=["status"])
    for status in WAITING:
        depth.add_metric([status], by_status.get(status, 0))
    oldest = session.exec(select(func.min(SmsMessage.created_at))
                          .where(SmsMessage.status.in_(WAITING))).one()  # type: ignore[attr-defined]
    age = GaugeMetricFamily("absher_sms_oldest_waiting_seconds",
                            "Age of the oldest SMS message still waiting to be sent (0: none)")
    age.add_metric([], max(0.0, (now - _aware(oldest)).total_seconds()) if oldest else 0.0)
    messages = GaugeMetricFamily("absher_sms_messages", "SMS messages in the outbox by "
                                 "delivery status", labels=["status"])
    for status in SMS_STATUSES:
        messages.add_metric([status], by_status.get(status, 0))
    count, total = session.exec(select(func.count(), func.coalesce(
        func.sum(Payment.amount_sar), 0)).select_from(Payment)).one()
    paid = CounterMetricFamily("absher_bills_paid", "Bills paid (payments recorded)")
    paid.add_metric([], count)
    paid_sar = CounterMetricFamily("absher_bills_paid_sar", "Riyals paid on bills")
    paid_sar.add_metric([], total)
    last_run = GaugeMetricFamily("absher_job_last_run_timestamp_seconds",
                                 "When each background job last finished", labels=["job"])
    last_ok = GaugeMetricFamily("absher_job_last_run_ok",
                                "1 when the job's last run succeeded, else 0", labels=["job"])
    for job in session.exec(select(ScheduledJob)).all():
        if job.last_finished_at:
            last_run.add_metric([job.name], _aware(job.last_finished_at).timestamp())
            last_ok.add_metric([job.name], 1 if job.last_outcome == "ok" else 0)
    return [depth, age, messages, paid, paid_sar, last_run, last_ok]


class DatabaseCollector(Collector):
    """A collector that reads `database_figures` (nothing when the database is down: the
    scrape still answers with the process metrics)."""

    def __init__(self, engine: sqlalchemy.Engine | None = None) -> None:
        self.engine = engine

    def collect(self) -> Iterator:
        try:
            with session_scope(self.engine) as session:
                yield from database_figures(session, datetime.now(UTC))
        except Exception:  # noqa: BLE001 - a scrape must not fail with the database
            up = GaugeMetricFamily("absher_database_up", "1 when the database answered")
            up.add_metric([], 0)
            yield up
            return
        up = GaugeMetricFamily("absher_database_up", "1 when the database answered")
        up.add_metric([], 1)
        yield up
