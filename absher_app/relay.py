"""The SMS relay: sends the outbox's queued messages through the HTTP gateway, each exactly
once however many relays run, retrying failures with exponential backoff.

A relay *claims* messages before sending them, so that no two relays send the same one:

- PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` picks due rows no other relay is claiming
  at this moment, and the same transaction marks them `sending` with this relay's name and a
  claim deadline;
- SQLite (one writer at a time, no row locks): one conditional UPDATE per row,
  `... WHERE id = :id AND <still claimable>`; the relay whose update changed the row owns it.

The gateway is called outside any transaction. The result is written back only where the
claim is still this relay's. A relay that dies mid-send leaves a `sending` row whose claim
runs out (CLAIM_SECONDS); another relay then claims it again and sends it with the same
idempotency key, which the gateway uses to send it once.

Statuses: queued -> sending -> sent (-> delivered | failed by the delivery report); sending ->
queued (a retry, at next_attempt_at) -> ...; -> failed (refused, attempts or time used up).
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy
from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from absher_app.db import session_scope
from absher_app.models import SmsMessage
from absher_app.observability import metrics
from absher_app.providers.sms_http import SendResult, SmsGateway
from absher_app.settings import get_settings

LOG = logging.getLogger("absher.relay")
# How long a claim holds: longer than one send can take (the gateway's timeout is at most 120 s).
CLAIM_SECONDS = 180
MAX_BACKOFF_SECONDS = 600.0


def worker_name() -> str:
    """This relay's name in the claim column: host, process and thread."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{threading.get_ident() % 100000}"


def backoff_seconds(attempts: int, base: float, rng: Callable[[], float] = random.random
                    ) -> float:
    """The wait before attempt `attempts + 1`: base, 2*base, 4*base ... up to 10 minutes, each
    between half and all of that ("equal jitter": relays that failed together do not all come
    back at the same second)."""
    ceiling = min(MAX_BACKOFF_SECONDS, base * (2 ** max(0, attempts - 1)))
    return ceiling / 2 + rng() * ceiling / 2


def _claimable(now: datetime):
    due = and_(SmsMessage.status == "queued",
               or_(col(SmsMessage.next_attempt_at).is_(None), SmsMessage.next_attempt_at <= now))
    abandoned = and_(SmsMessage.status == "sending", col(SmsMessage.claimed_until) < now)
    return or_(due, abandoned)


def claim(session: Session, *, now: datetime, worker: str, limit: int = 20) -> list[int]:
    """Claim up to `limit` due messages for `worker`; returns their ids (committed)."""
    until = now + timedelta(seconds=CLAIM_SECONDS)
    values = {"status": "sending", "claimed_by": worker, "claimed_until": until}
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.exec(select(SmsMessage.id).where(_claimable(now))
                                .order_by(SmsMessage.id).limit(limit)
                                .with_for_update(skip_locked=True)).all())
        if ids:
            session.execute(update(SmsMessage).where(col(SmsMessage.id).in_(ids))
                            .values(**values))
        session.commit()
        return ids
    candidates = list(session.exec(select(SmsMessage.id).where(_claimable(now))
                                   .order_by(SmsMessage.id).limit(limit)).all())
    session.rollback()  # end the read: each claim below is its own short write
    claimed = []
    for message_id in candidates:
        changed = session.execute(update(SmsMessage).where(
            SmsMessage.id == message_id, _claimable(now)).values(**values)).rowcount
        session.commit()
        if changed:
            claimed.append(message_id)
    return claimed


def record(session: Session, message_id: int, worker: str, result: SendResult, *,
           now: datetime, max_attempts: int, base_seconds: float,
           rng: Callable[[], float] = random.random) -> str:
    """Write an attempt's result on the message, if the claim is still `worker`'s; returns the
    status written ("" when the claim was lost)."""
    message = session.get(SmsMessage, message_id)
    if message is None or message.claimed_by != worker:
        session.rollback()
        return ""
    if message.status == "delivered" and result.outcome == "sent":
        # The delivery report came in before this answer was written down: keep "delivered".
        message.sent_at, message.provider_ref = now, result.provider_ref[:64]
        message.attempts, message.claimed_by, message.claimed_until = message.attempts + 1, "", None
        session.add(message)
        session.commit()
        return "sent"
    if message.status != "sending":
        session.rollback()
        return ""
    attempts = message.attempts + 1
    values: dict = {"attempts": attempts, "claimed_by": "", "claimed_until": None,
                    "last_error": result.error[:200]}
    if result.outcome == "sent":
        values.update(status="sent", sent_at=now, provider_ref=result.provider_ref[:64])
    elif result.outcome == "retry" and attempts < max_attempts:
        values.update(status="queued",
                      next_attempt_at=now + timedelta(seconds=backoff_seconds(
                          attempts, base_seconds, rng)))
    else:
        values.update(status="failed")
    changed = session.execute(update(SmsMessage).where(
        SmsMessage.id == message_id, SmsMessage.status == "sending",
        SmsMessage.claimed_by == worker).values(**values)).rowcount
    session.commit()
    return values["status"] if changed else ""


def give_up_old(session: Session, *, now: datetime, minutes: int) -> int:
    """Mark failed the messages still waiting `minutes` after they were written (a code is
    useless by then, and a late notice misleads); returns how many."""
    cutoff = now - timedelta(minutes=minutes)
    changed = session.execute(update(SmsMessage).where(
        SmsMessage.status == "queued", SmsMessage.created_at < cutoff).values(
        status="failed", last_error="gave up: not sent in time")).rowcount
    session.commit()
    return changed


def relay_once(gateway: SmsGateway, *, engine: sqlalchemy.Engine | None = None,
               now: Callable[[], datetime] = lambda: datetime.now(UTC), limit: int = 20,
               worker: str | None = None, rng: Callable[[], float] = random.random
               ) -> dict[str, int]:
    """Claim a batch, send each message, record each result; returns counts by outcome."""
    settings = get_settings()
    worker = worker or worker_name()
    counts = {"sent": 0, "retry": 0, "failed": 0, "lost": 0, "expired": 0}
    with session_scope(engine) as session:
        counts["expired"] = give_up_old(session, now=now(), minutes=settings.sms_give_up_minutes)
        ids = claim(session, now=now(), worker=worker, limit=limit)
    for message_id in ids:
        with session_scope(engine) as session:
            message = session.get(SmsMessage, message_id)
            to, body = message.to, message.body
        result = gateway.send(message_id, to, body)
        with session_scope(engine) as session:
            status = record(session, message_id, worker, result, now=now(),
                            max_attempts=settings.sms_max_attempts,
                            base_seconds=settings.sms_retry_base_seconds, rng=rng)
        outcome = {"sent": "sent", "queued": "retry", "failed": "failed"}.get(status, "lost")
        counts[outcome] += 1
        metrics.observe_sms_send(outcome, result.seconds)
        if outcome != "sent":
            LOG.warning("sms %s: %s (%s)", message_id, outcome, result.error or "-")
    return counts


def run_forever(gateway: SmsGateway, stop: threading.Event, *, poll_seconds: float = 1.0
                ) -> None:
    """Relay until `stop` is set: a busy outbox is drained batch after batch; an idle one is
    looked at every `poll_seconds`."""
    LOG.info("SMS relay started")
    while not stop.is_set():
        try:
            counts = relay_once(gateway)
        except Exception:  # the database may be away for a moment
            LOG.exception("SMS relay: a round failed; trying again")
            counts = {}
        if not sum(counts.values()):
            stop.wait(poll_seconds)
    LOG.info("SMS relay stopped")


def delivery_report(session: Session, *, ref: str, provider_ref: str, status: str,
                    now: datetime) -> str:
    """Record the gateway's delivery report of a message (idempotent); returns what came of it:
    "delivered" / "failed" (recorded now), "duplicate" (already final), "unknown"."""
    from absher_app.providers.sms_http import message_id_of

    message_id = message_id_of(ref)
    message = session.get(SmsMessage, message_id) if message_id else None
    if message is None and provider_ref:
        message = session.exec(select(SmsMessage).where(
            SmsMessage.provider_ref == provider_ref[:64])).first()
    if message is None or status not in ("delivered", "failed"):
        return "unknown"
    values = {"status": status}
    if status == "delivered":
        values["delivered_at"] = now
    else:
        values["last_error"] = "the gateway reported it undelivered"
    # Only a message the gateway took can be reported on, and a final status stays final: a
    # report sent twice changes the row once.
    changed = session.execute(update(SmsMessage).where(
        SmsMessage.id == message.id, col(SmsMessage.status).in_(("sending", "sent")))
        .values(**values)).rowcount
    return status if changed else "duplicate"


def queue_summary(session: Session, now: datetime) -> dict:
    """Counts by status and the age of the oldest waiting message (`absher sms status`)."""
    from sqlalchemy import func

    counts = dict(session.exec(select(SmsMessage.status, func.count())
                               .group_by(SmsMessage.status)).all())
    oldest = session.exec(select(func.min(SmsMessage.created_at)).where(
        col(SmsMessage.status).in_(("queued", "sending")))).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return {"counts": counts,
            "oldest_waiting_seconds": int((now - oldest).total_seconds()) if oldest else 0}




async def run_in_app() -> None:
    """Lifespan task of every app worker when the gateway is HTTP and ABSHER_JOBS_IN_APP is on
    (the claims let several workers relay side by side without sending anything twice)."""
    import asyncio

    from absher_app.providers.sms_http import HttpSmsGateway

    settings = get_settings()
    if settings.sms_provider != "http" or not settings.jobs_in_app:
        return
    gateway = HttpSmsGateway.from_settings()
    stop = threading.Event()
    try:
        await asyncio.to_thread(run_forever, gateway, stop)
    finally:
        stop.set()
        gateway.close()
