"""Where an event's use case runs: in the event loop's thread on SQLite, in a pool thread on
PostgreSQL, in the given pool (password hashing) whatever the database."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy

from absher_app.application import unit
from absher_app.application.identity import Caller
from absher_app.observability.logs import current_event, event_context
from tests.own_loop import run_in_own_loop


@unit.use_case(realm=None)
def _where(tx: unit.Tx, who: None) -> tuple[int, str, bool]:
    """The thread it ran in, the log context's event name, and whether it had a transaction."""
    event = current_event()
    return threading.get_ident(), event.handler if event else "", tx.session.is_active


def _called_from_a_loop(pool=None) -> tuple[int, tuple[int, str, bool]]:
    async def scenario():
        with event_context("test.where"):
            return threading.get_ident(), await unit.run_async(_where, Caller(), pool=pool)
    return run_in_own_loop(scenario())


@pytest.mark.parametrize(("url", "in_loop"), [("sqlite:///x.db", True),
                                                ("postgresql+psycopg://u@h/db", False)])
def test_use_cases_run_in_the_event_loop_on_sqlite_only(monkeypatch, url, in_loop):
    monkeypatch.setattr(unit, "get_engine", lambda: sqlalchemy.create_engine(url))
    assert unit.runs_in_event_loop.__wrapped__() is in_loop


def test_on_sqlite_the_use_case_runs_in_the_loops_own_thread(use_case_db, monkeypatch):
    monkeypatch.setattr(unit, "runs_in_event_loop", lambda: True)
    loop_thread, (ran_in, event_name, in_tx) = _called_from_a_loop()
    assert ran_in == loop_thread
    assert (event_name, in_tx) == ("test.where", True)


def test_elsewhere_it_runs_in_a_pool_thread_with_the_callers_log_context(use_case_db,
                                                                         monkeypatch):
    monkeypatch.setattr(unit, "runs_in_event_loop", lambda: False)
    loop_thread, (ran_in, event_name, in_tx) = _called_from_a_loop()
    assert ran_in != loop_thread
    assert (event_name, in_tx) == ("test.where", True)


def test_a_given_pool_is_used_even_on_sqlite(use_case_db, monkeypatch):
    monkeypatch.setattr(unit, "runs_in_event_loop", lambda: True)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hashing-test") as pool:
        pool_thread = pool.submit(threading.get_ident).result()
        loop_thread, (ran_in, event_name, _) = _called_from_a_loop(pool)
    assert ran_in == pool_thread != loop_thread
    assert event_name == "test.where"
