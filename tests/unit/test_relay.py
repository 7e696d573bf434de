"""The SMS relay against a local HTTP server playing the gateway: sends, retries with backoff,
refusals, timeouts, delivery reports sent twice, and exactly one send per message with several
relays at once (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from absher_app.db import session_scope
from absher_app.models import SmsMessage
from absher_app.providers.sms import OutboxSmsSender, get_sms_sender
from absher_app.providers.sms_http import HttpSmsGateway, message_id_of, reference
from absher_app.relay import backoff_seconds, claim, queue_summary, relay_once
from absher_app.settings import get_settings
from tests.fakes.sms_gateway import FakeSmsGateway

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def gateway():
    with FakeSmsGateway(slow_seconds=1.0) as fake:
        client = HttpSmsGateway(fake.url, username="relay", password="pw", timeout=0.5)
        yield fake, client
        client.close()


def queue(engine, count: int = 1, *, at: datetime = T0) -> list[int]:
    with Session(engine) as session:
        rows = [SmsMessage(to="+966551234567", body=f"message {i}", purpose="test",
                           status="queued", created_at=at) for i in range(count)]
        session.add_all(rows)
        session.commit()
        return [r.id for r in rows]


def row(engine, message_id: int) -> SmsMessage:
    with Session(engine) as session:
        return session.get(SmsMessage, message_id)


def test_the_http_provider_queues_and_the_outbox_keeps(monkeypatch):
    assert OutboxSmsSender().status == "outbox"
    get_settings.cache_clear()
    monkeypatch.setenv("ABSHER_SMS_PROVIDER", "http")
    monkeypatch.setenv("ABSHER_SMS_HTTP_URL", "http://127.0.0.1:9/send")
    try:
        assert get_sms_sender().status == "queued"
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_backoff_doubles_with_jitter_and_is_capped():
    assert backoff_seconds(1, 5, rng=lambda: 0.0) == 2.5
    assert backoff_seconds(1, 5, rng=lambda: 1.0) == 5.0
    assert backoff_seconds(3, 5, rng=lambda: 1.0) == 20.0
    assert backoff_seconds(30, 5, rng=lambda: 1.0) == 600.0


def test_a_message_is_sent_once_and_recorded(engine, gateway):
    fake, client = gateway
    [message_id] = queue(engine)
    assert relay_once(client, engine=engine, now=Clock(T0))["sent"] == 1
    sent = row(engine, message_id)
    assert (sent.status, sent.attempts, sent.provider_ref) == ("sent", 1, "gw-1")
    assert sent.sent_at is not None and sent.claimed_by == ""
    assert fake.requests[0]["to"] == "+966551234567"
    assert fake.requests[0]["reference"] == reference(message_id)
    assert relay_once(client, engine=engine, now=Clock(T0))["sent"] == 0  # nothing left


def test_dev_outbox_messages_are_never_relayed(engine, gateway):
    fake, client = gateway
    with Session(engine) as session:
        OutboxSmsSender().send(session, "+966551234567", "dev", "test")
        session.commit()
    assert sum(relay_once(client, engine=engine, now=Clock(T0)).values()) == 0
    assert fake.requests == []


def test_failures_are_retried_with_backoff_until_sent(engine, gateway):
    fake, client = gateway
    fake.script.extend(["fail", "fail"])
    [message_id] = queue(engine)
    clock = Clock(T0)
    assert relay_once(client, engine=engine, now=clock, rng=lambda: 1.0)["retry"] == 1
    first = row(engine, message_id)
    assert (first.status, first.attempts, first.last_error) == ("queued", 1, "HTTP 503")
    base = get_settings().sms_retry_base_seconds
    assert first.next_attempt_at.replace(tzinfo=UTC) == T0 + timedelta(seconds=base)
    # Not due yet: nothing is tried.
    assert sum(relay_once(client, engine=engine, now=clock).values()) == 0
    clock.now = T0 + timedelta(seconds=base)
    assert relay_once(client, engine=engine, now=clock, rng=lambda: 1.0)["retry"] == 1
    assert row(engine, message_id).next_attempt_at.replace(tzinfo=UTC) == \
        clock.now + timedelta(seconds=2 * base)
    clock.now += timedelta(seconds=2 * base)
    assert relay_once(client, engine=engine, now=clock)["sent"] == 1
    assert (row(engine, message_id).status, row(engine, message_id).attempts) == ("sent", 3)
    assert len(fake.requests) == 3


def test_a_refusal_is_final(engine, gateway):
    fake, client = gateway
    fake.script.append("reject")
    [message_id] = queue(engine)
    assert relay_once(client, engine=engine, now=Clock(T0))["failed"] == 1
    assert (row(engine, message_id).status, row(engine, message_id).last_error) == \
        ("failed", "HTTP 400")


def test_attempts_run_out(engine, gateway, monkeypatch):
    fake, client = gateway
    get_settings.cache_clear()
    monkeypatch.setenv("ABSHER_SMS_MAX_ATTEMPTS", "2")
    fake.script.extend(["fail", "fail", "fail"])
    [message_id] = queue(engine)
    clock = Clock(T0)
    try:
        relay_once(client, engine=engine, now=clock)
        clock.now += timedelta(minutes=5)
        assert relay_once(client, engine=engine, now=clock)["failed"] == 1
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert row(engine, message_id).status == "failed"


def test_a_timeout_is_retried_and_the_gateway_sends_once(engine, gateway):
    fake, client = gateway
    fake.script.append("slow")  # takes the message, answers after the relay gave up
    [message_id] = queue(engine)
    clock = Clock(T0)
    assert relay_once(client, engine=engine, now=clock)["retry"] == 1
    assert row(engine, message_id).last_error == "timeout"
    clock.now += timedelta(minutes=1)
    assert relay_once(client, engine=engine, now=clock)["sent"] == 1
    keys = [r["key"] for r in fake.requests]
    assert keys == [reference(message_id)] * 2  # the same idempotency key both times
    assert fake.sent_keys()[reference(message_id)] == 1


def test_messages_too_old_are_given_up(engine, gateway):
    fake, client = gateway
    [old] = queue(engine, at=T0 - timedelta(hours=2))
    [fresh] = queue(engine, at=T0)
    counts = relay_once(client, engine=engine, now=Clock(T0))
    assert (counts["expired"], counts["sent"]) == (1, 1)
    assert row(engine, old).status == "failed" and row(engine, fresh).status == "sent"
    assert [r["reference"] for r in fake.requests] == [reference(fresh)]


def test_an_abandoned_claim_is_taken_over(engine, gateway):
    _fake, client = gateway
    [message_id] = queue(engine)
    with Session(engine) as session:
        assert claim(session, now=T0, worker="dead-relay") == [message_id]
    # Within the claim nobody else sends it; after it ran out, another relay does.
    assert relay_once(client, engine=engine, now=Clock(T0 + timedelta(seconds=60)))["sent"] == 0
    assert relay_once(client, engine=engine,
                      now=Clock(T0 + timedelta(minutes=4)))["sent"] == 1
    assert row(engine, message_id).status == "sent"


def test_several_relays_send_each_message_exactly_once(engine, gateway):
    fake, client = gateway
    ids = queue(engine, 40)
    errors: list[BaseException] = []

    def relay(n: int) -> None:
        try:
            while sum(relay_once(client, engine=engine, now=Clock(T0), limit=5,
                                 worker=f"relay-{n}").values()):
                pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=relay, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sorted(message_id_of(r["reference"]) for r in fake.requests) == ids
    with Session(engine) as session:
        statuses = {m.status for m in session.exec(select(SmsMessage)).all()}
    assert statuses == {"sent"}


def test_delivery_reports_sent_twice_are_recorded_once(engine, gateway, monkeypatch):
    from absher_app import hooks
    from absher_app.http_routes import http_app

    fake, client = gateway
    get_settings.cache_clear()
    monkeypatch.setenv("ABSHER_SMS_CALLBACK_SECRET", "gateway-callback-key")
    monkeypatch.setattr(hooks, "session_scope", lambda: session_scope(engine))
    app_client = TestClient(http_app())
    outcomes: list[str] = []
    fake.report_key = b"gateway-callback-key"
    fake.report_to = lambda body, headers: outcomes.append(
        app_client.post("/hooks/sms-status", content=body, headers=headers).json()["outcome"])
    fake.script.append("report_twice")
    [message_id] = queue(engine)
    try:
        relay_once(client, engine=engine, now=Clock(T0))
        fake.wait_for_reports(2)
        assert sorted(outcomes) == ["delivered", "duplicate"]
        delivered = row(engine, message_id)
        assert delivered.status == "delivered" and delivered.delivered_at is not None
        assert delivered.provider_ref == "gw-1"
        # A report not signed with the key is refused and changes nothing.
        bad = app_client.post("/hooks/sms-status", content=b'{"status": "failed"}',
                              headers={"X-Absher-Timestamp": "1", "X-Absher-Signature": "x"})
        assert bad.status_code == 401
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_queue_summary_counts_and_ages(engine):
    queue(engine, 2, at=T0 - timedelta(minutes=3))
    with Session(engine) as session:
        summary = queue_summary(session, T0)
    assert summary["counts"]["queued"] == 2
    assert summary["oldest_waiting_seconds"] == 180
