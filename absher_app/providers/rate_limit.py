"""Rate limits for anonymous endpoints, with the `limits` library: the public inquiries, and
wrong sign-ins per client IP.

A moving window per key (e.g. 20 per minute per client IP). Counters live in memory in one
process, or in Redis when REFLEX_REDIS_URL is set, so that every worker shares them.
"""

from __future__ import annotations

import functools
import math
import time
from typing import Protocol

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from absher_app.settings import get_settings


class RateLimiter(Protocol):
    """Counts hits per key against a limit such as "20/minute"."""

    def hit(self, limit: str, *keys: str) -> bool:
        """Count one hit; False when the limit is already reached (the hit is not counted)."""
        ...

    def retry_after(self, limit: str, *keys: str) -> int:
        """Whole seconds until one more hit would be allowed (at least 1)."""
        ...

    def test(self, limit: str, *keys: str) -> bool:
        """True while one more hit would be allowed (nothing is counted)."""
        ...


class LimitsRateLimiter:
    """The `limits` moving-window strategy on a storage URI ("memory://", "redis://...")."""

    def __init__(self, storage_uri: str = "memory://") -> None:
        self.storage = storage_from_string(storage_uri)
        self._strategy = MovingWindowRateLimiter(self.storage)

    @staticmethod
    @functools.cache
    def _item(limit: str) -> RateLimitItem:
        return parse(limit)

    def hit(self, limit: str, *keys: str) -> bool:
        return self._strategy.hit(self._item(limit), *keys)

    def test(self, limit: str, *keys: str) -> bool:
        return self._strategy.test(self._item(limit), *keys)

    def retry_after(self, limit: str, *keys: str) -> int:
        stats = self._strategy.get_window_stats(self._item(limit), *keys)
        return max(1, math.ceil(stats.reset_time - time.time()))

    def reset(self) -> None:
        """Forget every counter (tests)."""
        self.storage.reset()


def storage_uri(redis_url: str | None) -> str:
    """Where the counters live: Redis when the app has one, else this process's memory.

    Reflex takes redis://, rediss:// and unix:// URLs; `limits` spells the last redis+unix://.
    """
    if not redis_url:
        return "memory://"
    if redis_url.startswith("unix://"):
        return "redis+" + redis_url
    return redis_url


@functools.cache
def get_rate_limiter() -> RateLimiter:
    """The process-wide limiter for the configured storage."""
    return LimitsRateLimiter(storage_uri(get_settings().redis_url))
