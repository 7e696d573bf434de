"""The shared throttles: public look-ups counted one by one, sign-in style failures counted only
when they fail."""

from __future__ import annotations

import functools

import pytest

from absher_app.domain import throttle
from absher_app.domain.errors import DomainError
from absher_app.providers.rate_limit import LimitsRateLimiter


def test_public_lookups_share_one_budget_per_address():
    limiter = LimitsRateLimiter()
    for _ in range(2):
        throttle.check_rate(limiter, "2/hour", "192.0.2.1")
    with pytest.raises(DomainError) as refused:
        throttle.check_rate(limiter, "2/hour", "192.0.2.1")
    assert refused.value.code == "inquiry_rate_limited"
    assert 1 <= refused.value.params["seconds"] <= 3600
    throttle.check_rate(limiter, "2/hour", "192.0.2.2")  # another address has its own


def _failing(code: str):
    raise DomainError(code, "refused")


def test_counting_failures_counts_only_the_listed_failures():
    limiter = LimitsRateLimiter()
    guard = functools.partial(throttle.counting_failures, limiter, "2/hour", "sign_in",
                              "198.51.100.7", ("bad_credentials",))
    for _ in range(5):  # successes and other refusals never count
        with guard():
            pass
        with pytest.raises(DomainError, match="refused"), guard():
            _failing("code_expired")
    for _ in range(2):
        with pytest.raises(DomainError) as raised, guard():
            _failing("bad_credentials")
        assert raised.value.code == "bad_credentials"
    ran = []
    with pytest.raises(DomainError) as raised, guard():
        ran.append(True)
    assert raised.value.code == "too_many_failures" and not ran
    assert 1 <= raised.value.params["seconds"] <= 3600
    # Another address is not held up by this one.
    with throttle.counting_failures(limiter, "2/hour", "sign_in", "198.51.100.8",
                                    ("bad_credentials",)):
        pass
