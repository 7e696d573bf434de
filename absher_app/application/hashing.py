"""Password hashing off the event loop, a few at a time (ABSHER_HASH_THREADS per worker).

One argon2id verification takes 20–40 ms of a CPU and releases the GIL. Run through
`asyncio.to_thread`, a sign-in storm fills the default thread pool (CPUs + 4 threads) and every
CPU with hashes; other users' events, whose queries need that pool and whose updates need the
event loop, then wait behind them (bench/ measured the no-op p95 of other sessions going from
~15 ms to ~300 ms). A pool of its own keeps the default pool and a CPU for everyone else:
sign-ins queue behind each other, limited by hashing alone, and their threads run at a lower
priority than the event loops.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from absher_app.settings import get_settings

T = TypeVar("T")
# Added to the process's niceness for hashing threads only (19 is the lowest priority).
HASHING_NICENESS = 10


def _lower_priority() -> None:
    """Nice the hashing thread (Linux schedules threads on their own): when every CPU is busy,
    the event loops of the workers run first and the hashes take the time left over."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


@functools.cache
def hashing_pool() -> ThreadPoolExecutor:
    """The process's pool for password hashing (ABSHER_HASH_THREADS threads, low priority)."""
    return ThreadPoolExecutor(max_workers=get_settings().hash_threads,
                              thread_name_prefix="password-hashing", initializer=_lower_priority)
