"""`absher jobs run` and the app's hourly schedule of the same jobs."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy

from absher_app import cli, jobs
from absher_app.db import session_scope
from absher_app.domain import household
from absher_app.models import Account, Bill, ServiceRequest
from absher_app.settings import get_settings
from tests.own_loop import run_in_own_loop
from tests.unit.test_cli import db_url, upgraded  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("upgraded")


def _scalar(url: str, sql: str):
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sqlalchemy.text(sql)).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture
def seeded(upgraded, capsys):  # noqa: F811 - the imported fixture
    assert cli.main(["seed", "demo"]) == 0
    capsys.readouterr()
    return upgraded


def run(capsys) -> tuple[int, list[str], str]:
    status = cli.main(["jobs", "run"])
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


NOTHING_RETAINED = ("retention: deleted 0 SMS, 0 codes and tickets, 0 ended sessions, 0 sign-in "
                    "events, 0 staff events, 0 record accesses, 0 payment notifications, 0 "
                    "orphan files")


def test_jobs_run_on_an_empty_database(capsys):
    assert run(capsys) == (0, [
        "expire-unpaid: 0 unpaid bills expired (with their requests)",
        "reminders: 0 expiry reminders sent (in-app and SMS)",
        "purge-attachments: 0 attachments never sent deleted",
        "expire-delegations: 0 delegations expired at their end date",
        NOTHING_RETAINED,
    ], "")


def test_jobs_run_sends_the_demo_reminders_then_nothing(seeded, capsys):
    # The demo's documents at 90/30/7 days (or up to 3 days past): a domestic worker's passport
    # in 30 days, a child's iqama in 28, visit visas in 5 and 30 days.
    status, out, _ = run(capsys)
    assert status == 0
    assert out[1] == "reminders: 4 expiry reminders sent (in-app and SMS)"
    assert _scalar(seeded, "select count(*) from smsmessage where purpose = 'reminder'") == 4
    assert _scalar(seeded, "select count(*) from notification where kind = 'reminder'") == 4

    status, out, _ = run(capsys)
    assert (status, out[1]) == (0, "reminders: 0 expiry reminders sent (in-app and SMS)")
    assert _scalar(seeded, "select count(*) from smsmessage where purpose = 'reminder'") == 4


def test_the_sms_outbox_shows_the_reminders(seeded, capsys):
    run(capsys)
    assert cli.main(["sms", "outbox", "--json"]) == 0
    bodies = [m["body"] for m in json.loads(capsys.readouterr().out)]
    assert len(bodies) == 4
    assert all(b.startswith("أبشر الجوازات: تذكير") and "هـ" in b for b in bodies)


def test_jobs_run_expires_unpaid_bills(seeded, capsys):
    now = datetime.now(UTC)
    with session_scope() as session:
        account = session.exec(sqlalchemy.select(Account)).scalars().first()
        request = ServiceRequest(reference="7000000001", service_code="passport_issue",
                                 account_id=account.id, applicant_id=account.person_id,
                                 beneficiary_id=account.person_id, fee_sar=300,
                                 idempotency_key="job-test", submitted_at=now - timedelta(days=4),
                                 updated_at=now - timedelta(days=4))
        session.add(request)
        session.flush()
        session.add(Bill(number="9000000000001", request_id=request.id, amount_sar=300,
                         issued_at=now - timedelta(days=4), due_at=now - timedelta(days=1)))
    status, out, _ = run(capsys)
    assert (status, out[0]) == (0, "expire-unpaid: 1 unpaid bill expired (with their requests)")
    assert _scalar(seeded, "select status from servicerequest") == "expired"
    status, out, _ = run(capsys)
    assert out[0] == "expire-unpaid: 0 unpaid bills expired (with their requests)"


def test_one_failing_job_does_not_stop_the_other(seeded, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the registry is on fire")

    monkeypatch.setattr(household, "run_reminders", broken)
    status, out, err = run(capsys)
    assert status == 2
    assert out == ["expire-unpaid: 0 unpaid bills expired (with their requests)",
                   "reminders: failed: RuntimeError: the registry is on fire",
                   "purge-attachments: 0 attachments never sent deleted",
                   "expire-delegations: 0 delegations expired at their end date",
                   NOTHING_RETAINED]
    assert err == "absher: error: job failed: reminders\n"


def test_jobs_run_without_an_sms_provider_says_so_on_one_line(capsys, monkeypatch):
    monkeypatch.setenv("ABSHER_SMS_PROVIDER", "none")
    get_settings.cache_clear()
    status, out, err = run(capsys)
    assert (status, out) == (2, [])
    assert err.startswith("absher: error: no SMS provider is configured")
    assert err.count("\n") == 1


def test_jobs_needs_a_sub_command(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["jobs"])
    assert caught.value.code == 2


def test_the_reminder_job_uses_the_date_in_riyadh(monkeypatch):
    seen = []
    monkeypatch.setattr(household, "run_reminders",
                        lambda session, today, sms, now: seen.append(today) or [])
    # 22:30 UTC on the 22nd is already the 23rd in Riyadh (UTC+3).
    report = jobs.send_reminders(None, datetime(2026, 11, 22, 22, 30, tzinfo=UTC), None)
    assert seen == [datetime(2026, 11, 23).date()]
    assert report == jobs.JobReport("reminders", 0,
                                    "0 expiry reminders sent (in-app and SMS)")


def test_a_worker_losing_a_race_reports_nothing_to_do(capsys, monkeypatch):
    # Two workers both saw "not sent yet"; the unique dedupe key let only one commit.
    def lost_race(session, now, sms):
        raise sqlalchemy.exc.IntegrityError("insert", {}, Exception("unique dedupe_key"))

    monkeypatch.setattr(jobs, "JOBS", (("reminders", lost_race),))
    status, out, _ = run(capsys)
    assert (status, out) == (0, ["reminders: another run was doing the same; nothing to do"])


# ---------------------------------------------------------------------------------------------
# The schedule.

def test_the_app_registers_the_schedule():
    from absher_app.absher_app import app

    assert jobs.run_on_schedule in app.get_lifespan_tasks()


def test_the_schedule_looks_every_tick_and_survives_a_failed_look(monkeypatch):
    monkeypatch.setenv("ABSHER_JOBS_EVERY_MINUTES", "60")
    get_settings.cache_clear()
    sleeps, runs = [], []

    async def fake_sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) > 3:
            raise asyncio.CancelledError

    def fake_run_due():
        runs.append(1)
        if len(runs) == 2:
            raise RuntimeError("database briefly away")  # logged; the schedule goes on
        return [jobs.JobReport("reminders", 0, "0 sent")]

    monkeypatch.setattr(jobs.asyncio, "sleep", fake_sleep)
    monkeypatch.setattr(jobs, "run_due", fake_run_due)
    with pytest.raises(asyncio.CancelledError):
        run_in_own_loop(jobs.run_on_schedule())
    assert sleeps == [jobs.FIRST_RUN_DELAY_S, jobs.TICK_S, jobs.TICK_S, jobs.TICK_S]
    assert len(runs) == 3


@pytest.mark.parametrize("name, value", [("ABSHER_JOBS_EVERY_MINUTES", "0"),
                                         ("ABSHER_JOBS_IN_APP", "false")])
def test_the_schedule_can_be_turned_off(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    monkeypatch.setattr(jobs, "run_due", lambda: pytest.fail("must not run"))
    run_in_own_loop(jobs.run_on_schedule())


def test_jobs_run_only_one_job(capsys):
    assert cli.main(["jobs", "run", "--only", "reminders"]) == 0
    assert capsys.readouterr().out == "reminders: 0 expiry reminders sent (in-app and SMS)\n"
    assert cli.main(["jobs", "run", "--only", "laundry"]) == 2
    assert "laundry: no such job" in capsys.readouterr().err


def test_jobs_status_shows_each_last_run(capsys):
    assert cli.main(["jobs", "status", "--json"]) == 0
    never = json.loads(capsys.readouterr().out)
    assert [j["job"] for j in never] == [name for name, _ in jobs.JOBS]
    assert all(j["last_outcome"] == "" and j["runs"] == 0 for j in never)
    run(capsys)
    assert cli.main(["jobs", "status", "--json"]) == 0
    after = {j["job"]: j for j in json.loads(capsys.readouterr().out)}
    assert after["reminders"]["last_outcome"] == "ok" and after["reminders"]["runs"] == 1
    assert after["retention"]["every_minutes"] == 24 * 60
    assert after["reminders"]["next_run_at"] is not None
    assert cli.main(["jobs", "status"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("job") and any(line.startswith("retention") and " ok " in line
                                              for line in table)
