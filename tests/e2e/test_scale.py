"""The scale-out configuration (ABSHER_E2E_SCALED=1): PostgreSQL, Redis state, two workers.

No sticky sessions: one browser session's events are handled by both worker processes (the
server logs `event pid=… token=… name=…` per event, ABSHER_EVENT_LOG=1) and nothing is lost,
not even a backend-only var written by one worker and read by the other. A rolling restart of
the workers (SIGHUP: Granian starts a new worker, then sends the old one SIGTERM, one at a time)
in the middle of a wizard keeps the sign-in and every answer given.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import signal
import time
from pathlib import Path

import pytest
import sqlalchemy
from playwright.sync_api import Page, expect

from absher_app.domain.demo import DEMO_PASSWORD, demo_id
from tests.e2e.conftest import SCALED, SCALED_WORKERS, wait_until_connected
from tests.e2e.helpers import in_language, sign_in
from tests.e2e.people import add_people

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.scaled,
    pytest.mark.skipif(not SCALED, reason="scale-out journeys: run with ABSHER_E2E_SCALED=1 "
                       "(scripts/e2e.sh does when PostgreSQL and Redis answer)"),
]

EVENT_LINE = re.compile(r"^event pid=(\d+) token=(\S+) name=(\S+)$", re.MULTILINE)
# Residents of these journeys only (mobiles 05400002xx: a range no other journey uses).
RESIDENTS = {
    "browser": ("Ravi Menon", "رافي مينون", "scale.browser", "0540000201"),
    "protocol": ("Arjun Nair", "أرجون ناير", "scale.protocol", "0540000202"),
    "restart": ("Suresh Pillai", "سوريش بيلاي", "scale.restart", "0540000203"),
}


def _id(key: str) -> str:
    return demo_id("2", 77770200 + list(RESIDENTS).index(key))


@pytest.fixture(scope="module")
def residents(app_url, app_env) -> dict[str, tuple[str, str]]:
    """key -> (username, mobile) of residents with valid documents and active accounts."""
    records = [{
        "id_number": _id(key), "category": "resident", "name_ar": ar, "name_en": en,
        "birth_date": "1988-06-01", "gender": "M", "nationality": "IN", "mobile": mobile,
        "passport": {"number": f"S{7770200 + i}", "expiry": "2032-01-31"},
        "iqama_expiry": "2031-12-31",
    } for i, (key, (en, ar, _, mobile)) in enumerate(RESIDENTS.items())]
    add_people("scale-people", records,
               [[_id(key), username] for key, (_, _, username, _) in RESIDENTS.items()], app_env)
    return {key: (username, mobile) for key, (_, _, username, mobile) in RESIDENTS.items()}


def _events(app_server, token: str) -> list[tuple[int, str]]:
    """(worker pid, handler) of every event the server logged for this browser token."""
    text = Path(app_server.log_path).read_text(errors="replace")
    return [(int(pid), name) for pid, tok, name in EVENT_LINE.findall(text) if tok == token]


def _workers(app_server) -> set[int]:
    """PIDs of the worker processes the server (Granian's supervisor) runs now."""
    pid = app_server.process.pid
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.add(int(stat.parent.name))
    return children


def _open_exit_reentry(page: Page) -> None:
    page.goto("/services/exit_reentry_issue")
    wait_until_connected(page)
    expect(page.get_by_text("Step 1 of 2")).to_be_visible()




def test_the_server_runs_two_workers(app_server):
    assert app_server is not None, "the scaled journeys need the server this run started"
    assert len(_workers(app_server)) == SCALED_WORKERS


def test_two_workers_serve_one_browser_session(page: Page, app_env, app_server, residents):
    username, mobile = residents["browser"]
    sign_in(page, app_env, username, DEMO_PASSWORD, mobile)
    in_language(page)
    token = page.evaluate("window.sessionStorage.getItem('token')")
    _open_exit_reentry(page)
    page.get_by_label("Multiple").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 2 of 2")).to_be_visible()
    # Each load opens a new socket; the kernel hands it to either worker. Reload (bounded)
    # until this one browser session has had events handled by both.
    for _ in range(20):
        if len({pid for pid, _ in _events(app_server, token)}) >= 2:
            break
        page.reload()
        wait_until_connected(page)
    pids = {pid for pid, _ in _events(app_server, token)}
    assert len(pids) == 2, f"every event of the session went to {pids}"
    assert pids <= _workers(app_server)
    # Same session, same state, whichever worker answered last: signed in, the answer kept.
    expect(page.get_by_text("Step 2 of 2")).to_be_visible()
    page.get_by_label("Length in days").fill("30")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_text("Multiple", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_backend_var_written_by_one_worker_is_read_by_the_other(app_url, app_env, app_server,
                                                                  residents):
    """Protocol level (bench/loadgen.py speaks it like the browser): the password is checked on
    one worker, which keeps the pending account in a backend-only var; the socket is opened
    again until the other worker holds it, and the SMS code is accepted there."""
    from bench.loadgen import LOGIN, ROOT, Session

    username, mobile = residents["protocol"]
    engine = sqlalchemy.create_engine(app_env["REFLEX_DB_URL"])

    async def journey() -> tuple[int, int]:
        session = Session(app_url, app_url)
        try:
            await session.connect("/login/", lambda: session.var(ROOT, "is_hydrated") is True)
            await session.send(f"{LOGIN}.submit_credentials",
                               {"form": {"__reflex_form_data__": [
                                   ["login", username], ["password", DEMO_PASSWORD]]}},
                               lambda: session.var(LOGIN, "step") == "code")
            first = _events(app_server, session.token)[-1][0]
            # "/" has no on_load: the hydrate hands back the state as Redis holds it.
            for _ in range(30):
                await session.connect("/", lambda: session.var(ROOT, "is_hydrated") is True)
                if _events(app_server, session.token)[-1][0] != first:
                    break
            assert session.var(LOGIN, "step") == "code"
            from bench.seed import latest_code

            found = await asyncio.to_thread(latest_code, engine, "+966" + mobile[1:])
            assert found is not None
            await session.send(
                f"{LOGIN}.submit_code",
                {"form": {"__reflex_form_data__": [["code", found[1]]]}},
                lambda: any("ticket=" in str(e) for e in session.frontend_events),
                path="/login/")
            return first, _events(app_server, session.token)[-1][0]
        finally:
            await session.close()

    try:
        # A thread of its own: Playwright's sync API already runs a loop in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            first, last = pool.submit(asyncio.run, journey()).result()
    finally:
        engine.dispose()
    assert first != last, "the socket never reached the other worker"


def test_rolling_restart_mid_journey_keeps_sign_in_and_answers(page: Page, app_env, app_server,
                                                               residents):
    username, mobile = residents["restart"]
    sign_in(page, app_env, username, DEMO_PASSWORD, mobile)
    in_language(page)
    _open_exit_reentry(page)
    page.get_by_label("Single").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 2 of 2")).to_be_visible()

    before = _workers(app_server)
    os.kill(app_server.process.pid, signal.SIGHUP)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        now = _workers(app_server)
        if len(now) == SCALED_WORKERS and not now & before:
            break
        time.sleep(0.5)
    assert not _workers(app_server) & before, "the workers were not restarted"
    time.sleep(1)

    # The page's socket was cut when its worker stopped; it reconnects to a new worker.
    wait_until_connected(page)
    page.get_by_label("Length in days").fill("45")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_text("Single visa, up to 2 months")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.reload()
    wait_until_connected(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
