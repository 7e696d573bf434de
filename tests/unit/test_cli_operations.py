"""The operations commands: sms status, sms relay (refused with the dev outbox; one batch
against a local gateway), scheduler --once, metrics clear."""

from __future__ import annotations

import sqlalchemy

from absher_app import cli
from absher_app.settings import get_settings
from tests.fakes.sms_gateway import FakeSmsGateway
from tests.unit.test_cli import db_url, upgraded  # noqa: F401 - fixtures


def _execute(url: str, sql: str) -> None:
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(sql))
    engine.dispose()


def test_sms_status_counts_by_status(upgraded, capsys):  # noqa: F811
    _execute(upgraded, "insert into smsmessage (\"to\", body, purpose, created_at, status, "
                       "attempts, claimed_by, provider_ref, last_error) values ('+966551234567',"
                       " 'x', 't', '2026-01-01 00:00:00', 'queued', 0, '', '', '')")
    assert cli.main(["sms", "status"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("outbox: 0, queued: 1, sending: 0")
    assert out[1].startswith("oldest waiting: ") and int(out[1].split()[2]) > 0


def test_the_relay_needs_the_http_gateway(upgraded, capsys):  # noqa: F811
    assert cli.main(["sms", "relay", "--once"]) == 2
    err = capsys.readouterr().err
    assert "ABSHER_SMS_PROVIDER=http" in err and err.count("\n") == 1


def test_one_relay_batch_sends_through_the_gateway(upgraded, capsys, monkeypatch):  # noqa: F811
    with FakeSmsGateway() as gateway:
        monkeypatch.setenv("ABSHER_SMS_PROVIDER", "http")
        monkeypatch.setenv("ABSHER_SMS_HTTP_URL", gateway.url)
        monkeypatch.setenv("ABSHER_SMS_HTTP_USERNAME", "relay")
        monkeypatch.setenv("ABSHER_SMS_HTTP_PASSWORD", "pw")
        get_settings.cache_clear()
        _execute(upgraded, "insert into smsmessage (\"to\", body, purpose, created_at, "
                           "status, attempts, claimed_by, provider_ref, last_error) values "
                           "('+966551234567', 'hello', 't', CURRENT_TIMESTAMP, 'queued', 0, "
                           "'', '', '')")
        assert cli.main(["sms", "relay", "--once"]) == 0
        assert capsys.readouterr().out.startswith("1 sent")
        assert [r["text"] for r in gateway.requests] == ["hello"]


def test_scheduler_once_runs_the_due_jobs_then_nothing(upgraded, capsys):  # noqa: F811
    assert cli.main(["scheduler", "--once"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in first] == [
        "expire-unpaid", "reminders", "purge-attachments", "expire-delegations", "retention"]
    assert cli.main(["scheduler", "--once"]) == 0
    assert capsys.readouterr().out == ""  # none is due again yet


def test_metrics_clear_empties_the_directory(tmp_path, capsys, monkeypatch):
    from absher_app.observability import metrics

    monkeypatch.setattr(metrics, "METRICS_DIR", str(tmp_path))
    (tmp_path / "counter_1.db").write_bytes(b"")
    (tmp_path / "gauge_livesum_1.db").write_bytes(b"")
    assert cli.main(["metrics", "clear"]) == 0
    assert capsys.readouterr().out.startswith("2 metric files removed")
    assert not list(tmp_path.iterdir())
