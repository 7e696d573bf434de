"""Metrics: the event API, counts taken from committed rows, the database's figures, several
processes added up, and /metrics served only to allowed addresses."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from absher_app.models import AuthEvent, Payment, SmsMessage
from absher_app.observability import metrics
from absher_app.observability.collectors import database_figures
from absher_app.observability.http import metrics_endpoint, render
from absher_app.settings import get_settings


def sample(text: bytes | str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 when absent)."""
    text = text.decode() if isinstance(text, bytes) else text
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


def test_observe_event_counts_and_times_by_handler_and_outcome():
    before = sample(render(), "absher_events_total", handler="t.S.go", outcome="refused")
    metrics.observe_event("t.S.go", "refused", 0.02)
    metrics.observe_event("t.S.go", "refused", 0.2)
    metrics.observe_event("t.S.go", "something odd", 0.01)
    text = render()
    assert sample(text, "absher_events_total", handler="t.S.go", outcome="refused") == before + 2
    assert sample(text, "absher_events_total", handler="t.S.go", outcome="error") >= 1
    assert sample(text, "absher_event_seconds_bucket", handler="t.S.go", le="0.025") >= 2


def test_several_processes_are_added_up(tmp_path):
    # Two worker-like processes count into one directory; the scrape adds them up.
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    code = ("from absher_app.observability import metrics\n"
            "for _ in range(3): metrics.observe_event('w.S.x', 'ok', 0.001)\n")
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=os.getcwd())
    from prometheus_client import CollectorRegistry, generate_latest, multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(tmp_path))
    text = generate_latest(registry)
    assert sample(text, "absher_events_total", handler="w.S.x", outcome="ok") == 6
    assert metrics.clear_directory(str(tmp_path)) >= 2
    assert not list(tmp_path.glob("*.db"))


def _value(name: str, **labels: str) -> float:
    return sample(render(), name, **labels)


def test_committed_rows_count_and_rolled_back_ones_do_not(session):
    metrics.install()
    now = datetime.now(UTC)
    failed = _value("absher_sign_ins_total", who="citizen", outcome="bad_password")
    locks = _value("absher_account_locks_total", who="citizen")
    codes = _value("absher_codes_sent_total", purpose="sign_in")
    session.add(AuthEvent(kind="login_failed", created_at=now))
    session.add(AuthEvent(kind="account_locked", created_at=now))
    session.add(AuthEvent(kind="code_sent", detail="sign_in", created_at=now))
    session.commit()
    session.add(AuthEvent(kind="login_failed", created_at=now))
    session.flush()
    session.rollback()
    assert _value("absher_sign_ins_total", who="citizen", outcome="bad_password") == failed + 1
    assert _value("absher_account_locks_total", who="citizen") == locks + 1
    assert _value("absher_codes_sent_total", purpose="sign_in") == codes + 1


def test_database_figures_show_the_sms_queue_and_payments(session):
    now = datetime.now(UTC)
    session.add(SmsMessage(to="+966500000001", body="x", purpose="t", status="queued",
                           created_at=now - timedelta(minutes=12)))
    session.add(SmsMessage(to="+966500000001", body="x", purpose="t", status="sending",
                           created_at=now - timedelta(minutes=1)))
    session.add(SmsMessage(to="+966500000001", body="x", purpose="t", status="sent",
                           created_at=now - timedelta(hours=2)))
    session.commit()
    families = {f.name: f for f in database_figures(session, now)}
    depth = {s.labels["status"]: s.value for s in families["absher_sms_queue_depth"].samples}
    assert depth == {"queued": 1, "sending": 1}
    oldest = families["absher_sms_oldest_waiting_seconds"].samples[0].value
    assert 12 * 60 - 1 <= oldest <= 12 * 60 + 5
    assert families["absher_bills_paid"].samples[0].value == session.exec(
        __import__("sqlmodel").select(__import__("sqlalchemy").func.count())
        .select_from(Payment)).one()


@pytest.fixture
def client_from(engine, monkeypatch):
    import functools

    from absher_app.observability import http

    monkeypatch.setattr(http, "RENDER", functools.partial(render, engine))
    app = Starlette(routes=[Route("/metrics", metrics_endpoint)])

    def make(address: str, hops: int = 0) -> TestClient:
        get_settings.cache_clear()
        os.environ["ABSHER_TRUSTED_PROXY_HOPS"] = str(hops)
        return TestClient(app, client=(address, 50000))

    yield make
    os.environ.pop("ABSHER_TRUSTED_PROXY_HOPS", None)
    get_settings.cache_clear()


def test_metrics_are_served_to_loopback_only_by_default(client_from):
    # (the engine fixture runs it on SQLite and PostgreSQL: the figures are read there)
    response = client_from("127.0.0.1").get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "absher_sms_queue_depth" in response.text
    assert client_from("203.0.113.9").get("/metrics").status_code == 403


def test_a_forwarded_header_counts_only_behind_a_trusted_proxy(client_from):
    spoofed = {"X-Forwarded-For": "127.0.0.1"}
    # Straight from the internet, the header is the client's own word: ignored.
    assert client_from("203.0.113.9").get("/metrics", headers=spoofed).status_code == 403
    # Behind one proxy (the peer is the proxy), the entry it appended is the client.
    assert client_from("127.0.0.1", hops=1).get(
        "/metrics", headers={"X-Forwarded-For": "127.0.0.1, 203.0.113.9"}).status_code == 403
    assert client_from("127.0.0.1", hops=1).get(
        "/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200
