"""Throttles the rules share: count every public look-up, or count only failures.

The counting itself is the rate limiter's (a provider, in memory or Redis); what counts, under
which key and with which refusal is a rule, so it lives here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from absher_app.domain.errors import DomainError
from absher_app.providers.rate_limit import RateLimiter

# The public look-ups (inquiries, /verify) share one budget per client address.
PUBLIC_LOOKUPS = "inquiries"


def check_rate(limiter: RateLimiter, limit: str, client: str,
               scope: str = PUBLIC_LOOKUPS) -> None:
    """Count one public look-up for `client` (an IP address); refuse past the limit.

    Raises:
        DomainError: `inquiry_rate_limited`, with `seconds` to wait.
    """
    key = (client or "unknown")[:64]
    if not limiter.hit(limit, scope, key):
        raise DomainError("inquiry_rate_limited", "too many inquiries; try again later",
                          seconds=limiter.retry_after(limit, scope, key))


@contextlib.contextmanager
def counting_failures(limiter: RateLimiter, limit: str, scope: str, client: str,
                      failures: tuple[str, ...], *,
                      refusal: str = "too_many_failures") -> Iterator[None]:
    """Refuse the block while `client` (a key: an address, or an address and a login) is past
    `limit` failures; count a failure when the block raises a DomainError whose code is in
    `failures`.

    Only failures count, so that many people signing in from one office address are not
    held up.

    Raises:
        DomainError: `refusal` (an error code) with `seconds` to wait, before running the
            block.
    """
    key = (client or "unknown")[:200]
    if not limiter.test(limit, scope, key):
        raise DomainError(refusal, "too many failed attempts from this address",
                          seconds=limiter.retry_after(limit, scope, key))
    try:
        yield
    except DomainError as error:
        if error.code in failures:
            limiter.hit(limit, scope, key)
        raise
