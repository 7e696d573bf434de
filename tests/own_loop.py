"""Run a coroutine to the end from synchronous test code."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars


def run_in_own_loop(coroutine):
    """asyncio.run in a thread of its own: the browser tests, run earlier in the same process,
    leave an event loop running in this one, where asyncio.run refuses to start. The thread
    runs in this thread's context (Reflex registers the app's states in a context variable
    when the app is imported)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(contextvars.copy_context().run, asyncio.run, coroutine).result()
