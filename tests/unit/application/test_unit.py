"""Where an event's use case runs: in the event loop's own thread, or in the pool it is given
(password hashing)."""

from __future__ import annotations

import gc
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor

from absher_app.application import unit
from absher_app.application.dashboard import dashboard
from absher_app.application.identity import Caller
from absher_app.application.session import with_chrome
from absher_app.models import Person
from absher_app.observability.logs import current_event, event_context
from tests.own_loop import run_in_own_loop
from tests.sql_log import selects_sent


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


def test_a_use_case_runs_in_the_loops_own_thread(use_case_db):
    loop_thread, (ran_in, event_name, in_tx) = _called_from_a_loop()
    assert ran_in == loop_thread
    assert (event_name, in_tx) == ("test.where", True)


def test_a_given_pool_runs_it_in_a_pool_thread_with_the_callers_log_context(use_case_db):
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hashing-test") as pool:
        pool_thread = pool.submit(threading.get_ident).result()
        loop_thread, (ran_in, event_name, in_tx) = _called_from_a_loop(pool)
    assert ran_in == pool_thread != loop_thread
    assert (event_name, in_tx) == ("test.where", True)


def test_a_use_case_reads_a_row_by_its_key_once(app_world):
    """The session's identity map holds objects weakly: without the transaction holding what
    it loaded, the dashboard's page chrome and its household each read the signed-in Person."""
    caller = app_world.person("mohammed")
    with selects_sent(app_world.engine) as selects:
        unit.run(with_chrome(dashboard), caller)
    # The statement as sent, whatever the driver's parameter style.
    by_key = [s for s in selects if " ".join(s.split()).startswith("SELECT person.") and
              "FROM person WHERE person.id = " in " ".join(s.split())]
    assert len(by_key) == 1, by_key
    # The dashboard asks for the delegations to the person once (its tile and its entries).
    assert sum("WHERE delegation.delegate_id" in s for s in selects) == 1


@unit.use_case()
def _my_person_weakly(tx: unit.Tx, who) -> weakref.ref:
    return weakref.ref(tx.session.get(Person, who.person_id))


def test_what_a_use_case_loaded_is_let_go_when_it_ends(app_world):
    held = unit.run(_my_person_weakly, app_world.person("mohammed"))
    gc.collect()
    assert held() is None
