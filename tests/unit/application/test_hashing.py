"""Password hashing runs in a pool of its own, ABSHER_HASH_THREADS wide, at a lower priority,
off the event loop."""

from __future__ import annotations

import asyncio
import os
import threading
import time

from absher_app.application import hashing
from tests.own_loop import run_in_own_loop


def test_hashes_queue_in_their_own_pool_while_the_loop_stays_free(monkeypatch):
    monkeypatch.setattr(hashing.get_settings(), "hash_threads", 1)
    hashing.hashing_pool.cache_clear()
    running, most, names, nice = 0, 0, set(), set()
    lock = threading.Lock()

    def work() -> str:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        names.add(threading.current_thread().name)
        nice.add(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return "done"

    async def scenario() -> tuple[list[str], int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        tick = asyncio.create_task(ticker())
        loop = asyncio.get_running_loop()
        results = await asyncio.gather(*(loop.run_in_executor(hashing.hashing_pool(), work)
                                         for _ in range(4)))
        tick.cancel()
        return results, ticks

    try:
        results, ticks = run_in_own_loop(scenario())
    finally:
        hashing.hashing_pool.cache_clear()
    assert results == ["done"] * 4
    assert most == 1, "two hashes ran at once with ABSHER_HASH_THREADS=1"
    assert all(name.startswith("password-hashing") for name in names)
    assert min(nice) >= hashing.HASHING_NICENESS, "hashing threads run below the event loop"
    # 4 × 50 ms of hashing; the loop kept ticking meanwhile (about 20 ticks).
    assert ticks >= 10
