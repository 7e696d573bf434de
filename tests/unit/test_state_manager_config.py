"""Where the tabs' state lives, as rxconfig.py sets it up for Reflex: in memory for one worker
without Redis; in Redis otherwise, with Reflex's opportunistic lock (a worker keeps a tab it
serves for a second) unless the environment says no. Each case imports rxconfig in a
fresh process, as a worker does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = ("import json, rxconfig\n"
         "from reflex_base.environment import environment\n"
         "from reflex.istate.manager.redis import _default_oplock_hold_time_ms\n"
         "print(json.dumps([str(rxconfig.config.state_manager_mode),"
         " environment.REFLEX_OPLOCK_ENABLED.get(), _default_oplock_hold_time_ms()]))\n")


def _probe(**env: str) -> tuple[str, bool, int]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("REFLEX_", "ABSHER_", "GRANIAN_"))}
    clean.update(PYTHONPATH=str(ROOT), **env)
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    mode, oplock, hold_ms = json.loads(done.stdout.strip().splitlines()[-1])
    return mode, oplock, hold_ms


def _configured(**env: str) -> tuple[str, bool]:
    return _probe(**env)[:2]


def test_one_worker_without_redis_keeps_the_state_in_memory_without_a_lock_lease():
    assert _configured() == ("memory", False)


@pytest.mark.parametrize(("setting", "expected"), [(None, True), ("false", False)])
def test_with_redis_a_worker_keeps_the_lock_of_the_tabs_it_serves(setting, expected):
    env = {"REFLEX_REDIS_URL": "redis://127.0.0.1:6379/0"}
    if setting is not None:
        env["REFLEX_OPLOCK_ENABLED"] = setting
    mode, oplock = _configured(**env)
    assert mode != "memory"
    assert oplock is expected


REDIS = {"REFLEX_REDIS_URL": "redis://127.0.0.1:6379/0"}


@pytest.mark.parametrize(("setting", "expected_ms"), [
    ({}, 1000),  # not half the 10 s lock: an overloaded loop could outlast the rest of it
    ({"REFLEX_OPLOCK_HOLD_TIME": "3s"}, 3000),
    ({"REFLEX_OPLOCK_HOLD_TIME_MS": "2500"}, 2500),  # Reflex's older name is respected too
])
def test_a_tab_is_kept_for_a_second_unless_the_environment_says(setting, expected_ms):
    assert _probe(**REDIS, **setting)[2] == expected_ms
