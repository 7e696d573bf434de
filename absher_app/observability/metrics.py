"""Prometheus metrics, shared by every worker process.

Granian runs several worker processes; each counts in its own memory-mapped files in one
directory (prometheus_client's multi-process mode), and `/metrics` adds them up. The directory
(ABSHER_METRICS_DIR, default <ABSHER_DATA_DIR>/metrics) must be chosen before prometheus_client
is first imported, which is why this module sets PROMETHEUS_MULTIPROC_DIR at its top; the
start scripts empty it before the workers start (stale files of an earlier run would be added
to this one's counters).

Counts of things that happen in a transaction (sign-ins, locks, codes, SMS written, payment
notifications) are taken from the rows the transaction wrote, when it commits: a rolled-back
attempt counts nothing, and no domain module needs to know about metrics. Figures that live in
the database (SMS queue depth and age, bills paid, last job runs) are read at scrape time by
`collectors`.
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path

from absher_app.settings import get_settings


def _choose_directory() -> str:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or get_settings().metrics_path
    Path(directory).mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(Path(directory).resolve())
    return os.environ["PROMETHEUS_MULTIPROC_DIR"]


METRICS_DIR = _choose_directory()

# Imported only now: prometheus_client picks its multi-process value class at import.
from prometheus_client import Counter, Gauge, Histogram  # noqa: E402
from prometheus_client import multiprocess as _multiprocess  # noqa: E402

# Event latency: most events take milliseconds; a sign-in's password hash tens of ms; a slow
# query or a queue behind the hash pool seconds.
_EVENT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

EVENTS = Counter("absher_events", "Reflex events handled, by handler and outcome",
                 ["handler", "outcome"])
EVENT_SECONDS = Histogram("absher_event_seconds", "Time to handle one Reflex event",
                          ["handler"], buckets=_EVENT_BUCKETS)
SIGN_INS = Counter("absher_sign_ins", "Sign-in steps by who signs in and the outcome "
                   "(password_ok, bad_password, code_ok, bad_code, signed_in)",
                   ["who", "outcome"])
LOCKS = Counter("absher_account_locks", "Accounts locked after wrong passwords or codes",
                ["who"])
CODES_SENT = Counter("absher_codes_sent", "One-time codes sent by SMS, by purpose", ["purpose"])
SMS_WRITTEN = Counter("absher_sms_written", "SMS messages written to the outbox, by purpose",
                      ["purpose"])
SMS_SEND_ATTEMPTS = Counter("absher_sms_send_attempts", "Sends the relay tried, by result "
                            "(sent, retry, failed)", ["result"])
SMS_SEND_SECONDS = Histogram("absher_sms_send_seconds", "Time the SMS gateway took to answer",
                             buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
SMS_DELIVERY_REPORTS = Counter("absher_sms_delivery_reports", "Delivery reports received, by "
                               "outcome", ["outcome"])
PAYMENT_NOTIFICATIONS = Counter("absher_payment_notifications", "Payment notifications "
                                "received, by outcome", ["outcome"])
JOB_RUNS = Counter("absher_job_runs", "Background job runs, by job and outcome",
                   ["job", "outcome"])
JOB_SECONDS = Histogram("absher_job_seconds", "Time one background job run took", ["job"],
                        buckets=(0.01, 0.1, 0.5, 1.0, 5.0, 30.0, 120.0, 600.0))
# livesum: the connections of the processes alive now, added up (a dead worker's do not count).
DB_CONNECTIONS_IN_USE = Gauge("absher_db_connections_in_use", "Database connections checked "
                              "out of the pools right now", multiprocess_mode="livesum")
DB_CONNECTIONS_OPEN = Gauge("absher_db_connections_open", "Database connections the pools "
                            "hold open", multiprocess_mode="livesum")

OUTCOMES = ("ok", "refused", "error")


def observe_event(handler: str, outcome: str, seconds: float) -> None:
    """Count one handled event and its duration.

    Args:
        handler: the state and handler, e.g. "login.LoginState.submit" (a bounded set: never
            put user input here).
        outcome: "ok", "refused" (a domain error shown to the person) or "error" (a bug).
        seconds: wall time from receiving the event to its last update.
    """
    handler = handler[:120]
    EVENTS.labels(handler=handler, outcome=outcome if outcome in OUTCOMES else "error").inc()
    EVENT_SECONDS.labels(handler=handler).observe(max(0.0, seconds))


def observe_job(job: str, ok: bool, seconds: float) -> None:
    """Count one background job run."""
    JOB_RUNS.labels(job=job, outcome="ok" if ok else "failed").inc()
    JOB_SECONDS.labels(job=job).observe(max(0.0, seconds))


def observe_sms_send(result: str, seconds: float | None = None) -> None:
    """Count one send the relay tried: "sent", "retry" (will be tried again) or "failed"."""
    SMS_SEND_ATTEMPTS.labels(result=result).inc()
    if seconds is not None:
        SMS_SEND_SECONDS.observe(max(0.0, seconds))


def observe_delivery_report(outcome: str) -> None:
    """Count one SMS delivery report: "delivered", "failed", "duplicate", "unknown",
    "refused"."""
    SMS_DELIVERY_REPORTS.labels(outcome=outcome).inc()


def observe_payment_notification(outcome: str) -> None:
    """Count one payment notification by its outcome (paid, duplicate, replay, refused:...)."""
    PAYMENT_NOTIFICATIONS.labels(outcome=outcome.split(":", 1)[0]).inc()


# --- Counting committed rows ----------------------------------------------------------------

# Audit kinds that are sign-in steps, and what the metric calls them.
_SIGN_IN_KINDS = {"password_ok": "password_ok", "login_failed": "bad_password",
                  "code_ok": "code_ok", "totp_ok": "code_ok", "code_failed": "bad_code",
                  "login_ok": "signed_in", "backup_code_used": "code_ok"}


def _count_committed(rows: list) -> None:
    from absher_app.models import AuthEvent, PaymentNotification, SmsMessage, StaffEvent

    for row in rows:
        if isinstance(row, (AuthEvent, StaffEvent)):
            who = "staff" if isinstance(row, StaffEvent) else "citizen"
            if row.kind in _SIGN_IN_KINDS:
                SIGN_INS.labels(who=who, outcome=_SIGN_IN_KINDS[row.kind]).inc()
            elif row.kind == "account_locked":
                LOCKS.labels(who=who).inc()
            elif row.kind == "code_sent":
                CODES_SENT.labels(purpose=(row.detail or "other")[:24]).inc()
        elif isinstance(row, SmsMessage):
            SMS_WRITTEN.labels(purpose=(row.purpose or "other")[:32]).inc()
        elif isinstance(row, PaymentNotification):
            observe_payment_notification(row.outcome)


_INSTALLED = False


def install() -> None:
    """Count committed rows and database connections in this process (idempotent).

    Called by the app and by the long-running commands (relay, scheduler); short CLI
    commands do not, so they leave no metric files behind.
    """
    global _INSTALLED
    if _INSTALLED:
        return
    _INSTALLED = True
    import sqlalchemy
    from sqlalchemy.orm import Session as OrmSession

    @sqlalchemy.event.listens_for(OrmSession, "after_flush")
    def _remember(session, _context) -> None:
        session.info.setdefault("absher_metrics_rows", []).extend(session.new)

    @sqlalchemy.event.listens_for(OrmSession, "after_commit")
    def _commit(session) -> None:
        rows = session.info.pop("absher_metrics_rows", None)
        if rows:
            _count_committed(rows)

    @sqlalchemy.event.listens_for(OrmSession, "after_rollback")
    def _forget(session) -> None:
        session.info.pop("absher_metrics_rows", None)

    @sqlalchemy.event.listens_for(sqlalchemy.pool.Pool, "connect")
    def _connected(_dbapi, _record) -> None:
        DB_CONNECTIONS_OPEN.inc()

    @sqlalchemy.event.listens_for(sqlalchemy.pool.Pool, "close")
    def _closed(_dbapi, _record) -> None:
        DB_CONNECTIONS_OPEN.dec()

    @sqlalchemy.event.listens_for(sqlalchemy.pool.Pool, "checkout")
    def _checked_out(_dbapi, _record, _proxy) -> None:
        DB_CONNECTIONS_IN_USE.inc()

    @sqlalchemy.event.listens_for(sqlalchemy.pool.Pool, "checkin")
    def _checked_in(_dbapi, _record) -> None:
        DB_CONNECTIONS_IN_USE.dec()

    atexit.register(_process_gone)


def _process_gone() -> None:
    # The live gauges of a process that ended must not be added any more.
    _multiprocess.mark_process_dead(os.getpid(), METRICS_DIR)


def clear_directory(directory: str | None = None) -> int:
    """Delete the metric files of an earlier run (before the workers start); returns how many.
    """
    folder = Path(directory or METRICS_DIR)
    removed = 0
    if folder.is_dir():
        for path in folder.glob("*.db"):
            path.unlink(missing_ok=True)
            removed += 1
    return removed
