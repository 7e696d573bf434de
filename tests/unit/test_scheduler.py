"""The scheduler: a job runs once per period however many workers look at once (SQLite and
PostgreSQL), a dead worker's lease runs out, and each job's last run is recorded."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from absher_app.models import ScheduledJob
from absher_app.scheduler import LEASE, JobReport, JobSpec, acquire, run_jobs, status

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def counting_job(runs: list, name: str = "count", every=timedelta(hours=1),
                 pause: float = 0.0) -> JobSpec:
    def run(_session, now):
        runs.append(now)
        if pause:
            threading.Event().wait(pause)
        return JobReport(name, 1, "counted")

    return JobSpec(name, run, every)


def test_many_workers_at_once_run_a_job_once(engine):
    runs: list = []
    job = counting_job(runs, pause=0.2)
    barrier = threading.Barrier(6)
    reports: list = []

    def worker(n: int) -> None:
        barrier.wait()
        reports.extend(run_jobs([job], now=lambda: T0, engine=engine, owner=f"worker-{n}"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(runs) == 1 and len(reports) == 1


def test_a_job_runs_again_only_after_its_period(engine):
    runs: list = []
    job = counting_job(runs)
    run_jobs([job], now=lambda: T0, engine=engine)
    run_jobs([job], now=lambda: T0 + timedelta(minutes=59), engine=engine)
    assert len(runs) == 1
    run_jobs([job], now=lambda: T0 + timedelta(hours=1), engine=engine)
    assert runs == [T0, T0 + timedelta(hours=1)]


def test_forcing_runs_now_but_not_beside_a_running_one(engine):
    runs: list = []
    job = counting_job(runs)
    run_jobs([job], now=lambda: T0, engine=engine)
    assert len(run_jobs([job], now=lambda: T0, engine=engine, force=True)) == 1
    assert len(runs) == 2
    with Session(engine) as session:
        assert acquire(session, "count", now=T0, owner="someone-else", force=True)
    [skipped] = run_jobs([job], now=lambda: T0, engine=engine, force=True)
    assert skipped.skipped and skipped.summary == "running elsewhere; skipped"
    assert len(runs) == 2


def test_a_dead_workers_lease_runs_out(engine):
    runs: list = []
    job = counting_job(runs)
    run_jobs([job], now=lambda: T0, engine=engine)  # makes the row
    with Session(engine) as session:
        assert acquire(session, "count", now=T0 + timedelta(hours=1), owner="died")
    later = T0 + timedelta(hours=1, minutes=1)
    assert run_jobs([job], now=lambda: later, engine=engine) == []
    after = T0 + timedelta(hours=1) + LEASE + timedelta(seconds=1)
    run_jobs([job], now=lambda: after, engine=engine)
    assert runs == [T0, after]


def test_the_last_run_and_its_outcome_are_recorded(engine):
    def broken(_session, _now):
        raise RuntimeError("no disk")

    jobs = [counting_job([]), JobSpec("broken", broken, timedelta(minutes=5))]
    reports = run_jobs(jobs, now=lambda: T0, engine=engine)
    assert [r.failed for r in reports] == [False, True]
    with Session(engine) as session:
        rows = {s.name: s for s in status(session, jobs, T0)}
        row = session.get(ScheduledJob, "broken")
    assert (row.runs, row.failures, row.last_outcome) == (1, 1, "failed")
    assert rows["broken"].last_summary == "failed: RuntimeError: no disk"
    assert rows["count"].last_outcome == "ok" and rows["count"].last_finished_at == T0
    assert rows["count"].next_run_at == T0 + timedelta(hours=1)
    assert rows["broken"].next_run_at == T0 + timedelta(minutes=5)
    assert not rows["count"].running
