"""The benchmark's load generator still speaks the portal. One simulated browser of
bench/loadgen.py signs in (password, SMS code, ticket, cookie), loads the dashboard, answers the
exit/re-entry wizard up to "check your answers" and asks the public iqama inquiry, against the
production build: when a page changes what it sends, this fails here rather than
`python -m bench.run` measuring errors."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from absher_app.domain.calendars import today_in_riyadh
from absher_app.domain.demo import DEMO_PASSWORD, demo_id
from absher_app.providers.clock import SystemClock
from bench import loadgen
from tests.e2e.helpers import last_message_id, latest_code
from tests.e2e.people import add_people, registry_record
from tests.own_loop import run_in_own_loop

pytestmark = pytest.mark.e2e

RESIDENT = {"id": demo_id("2", 77780611), "mobile": "0540000611", "user": "bench.smoke",
            "en": "Suresh Kumar Menon", "ar": "سوريش كومار مينون"}


@pytest.fixture(scope="module")
def resident(app_url, app_env) -> dict:
    today = today_in_riyadh(SystemClock())
    record = registry_record(
        RESIDENT, "1989-04-04", "N7780611", category="resident", nationality="IN",
        passport={"number": "N7780611", "expiry": (today + timedelta(days=1500)).isoformat()},
        iqama_expiry=(today + timedelta(days=700)).isoformat())
    add_people("bench-smoke-people", [record], [[RESIDENT["id"], RESIDENT["user"]]], app_env)
    return RESIDENT


async def _journey(app_url: str, app_env: dict[str, str], who: dict) -> tuple[loadgen.Stats,
                                                                               str]:
    tab = loadgen.Session(app_url, app_url, timeout=60)
    stats = loadgen.Stats()
    before = last_message_id(app_env)

    async def code() -> str:
        return await asyncio.to_thread(latest_code, app_env, who["mobile"], before)

    try:
        await tab.sign_in(who["user"], DEMO_PASSWORD, code, stats)
        stats.add("dashboard", await tab.dashboard())
        stats.add("wizard: open", await tab.open_wizard())
        if tab.view(loadgen.WIZARD, "phase") == "review":  # a draft of an earlier run
            await tab.restart_draft()
        stats.add("wizard: answer", await tab.answer(visa_kind="multiple"))
        stats.add("wizard: answer", await tab.answer(days="30"))
        phase = tab.view(loadgen.WIZARD, "phase")
        stats.add("inquiry: open", await tab.open_inquiries())
        stats.add("inquiry: ask", await tab.ask_iqama(who["id"]))
    finally:
        await tab.close()
    return stats, phase


def test_the_load_generators_journey_runs_against_the_production_build(app_url, app_env,
                                                                         resident):
    stats, phase = run_in_own_loop(_journey(app_url, app_env, resident))
    assert phase == "review", "the wizard did not reach check your answers"
    assert stats.errors == [] and stats.timeouts == 0
    assert {"dashboard", "wizard: open", "wizard: answer", "inquiry: ask"} <= set(stats.times)
