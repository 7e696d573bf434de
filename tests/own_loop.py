"""Run a coroutine to the end from synchronous test code."""

from __future__ import annotations

import asyncio
import concurrent.futures


def run_in_own_loop(coroutine):
    """asyncio.run in a thread of its own: the browser tests, run earlier in the same process,
    leave an event loop running in this one, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
