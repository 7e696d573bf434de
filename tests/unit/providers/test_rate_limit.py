"""The rate-limit provider: memory by default, Redis when the app has one."""

from __future__ import annotations

import uuid

import pytest
import redis

from absher_app.providers import rate_limit
from absher_app.settings import Settings, get_settings

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_reason() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}"
    return None


@pytest.mark.parametrize(("redis_url", "uri"), [
    (None, "memory://"),
    ("", "memory://"),
    ("redis://localhost:6379", "redis://localhost:6379"),
    ("rediss://cache.example:6380/1", "rediss://cache.example:6380/1"),
    ("unix:///run/redis.sock", "redis+unix:///run/redis.sock"),
])
def test_storage_follows_reflex_redis_url(redis_url, uri):
    assert rate_limit.storage_uri(redis_url) == uri


def test_moving_window_in_memory():
    limiter = rate_limit.LimitsRateLimiter()
    assert [limiter.hit("3/minute", "a") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit("3/minute", "b")
    assert 1 <= limiter.retry_after("3/minute", "a") <= 60
    limiter.reset()
    assert limiter.hit("3/minute", "a")


@pytest.mark.skipif(bool(_redis_reason()), reason=_redis_reason() or "")
def test_moving_window_in_redis_is_shared_between_limiters():
    key = uuid.uuid4().hex
    first = rate_limit.LimitsRateLimiter(REDIS_URL)
    second = rate_limit.LimitsRateLimiter(REDIS_URL)  # another worker
    assert first.hit("2/minute", "test", key)
    assert second.hit("2/minute", "test", key)
    assert not first.hit("2/minute", "test", key)
    assert 1 <= second.retry_after("2/minute", "test", key) <= 60


def test_the_configured_limiter_is_memory_without_redis(monkeypatch):
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    monkeypatch.setenv("ABSHER_ENV", "test")
    get_settings.cache_clear()
    rate_limit.get_rate_limiter.cache_clear()
    try:
        limiter = rate_limit.get_rate_limiter()
        assert type(limiter.storage).__name__ == "MemoryStorage"
    finally:
        get_settings.cache_clear()
        rate_limit.get_rate_limiter.cache_clear()


def test_the_limit_setting_must_parse(monkeypatch):
    monkeypatch.setenv("ABSHER_INQUIRY_RATE_LIMIT", "twenty a minute")
    with pytest.raises(ValueError, match="ABSHER_INQUIRY_RATE_LIMIT"):
        Settings(_env_file=None)
    monkeypatch.setenv("ABSHER_INQUIRY_RATE_LIMIT", "5/second")
    assert Settings(_env_file=None).inquiry_rate_limit == "5/second"


def test_defaults(monkeypatch):
    monkeypatch.delenv("ABSHER_INQUIRY_RATE_LIMIT", raising=False)
    monkeypatch.delenv("ABSHER_JOBS_EVERY_MINUTES", raising=False)
    settings = Settings(_env_file=None)
    assert settings.inquiry_rate_limit == "20/minute"
    assert settings.jobs_every_minutes == 60


def test_sign_in_failure_limit_setting(monkeypatch):
    monkeypatch.setenv("ABSHER_SIGN_IN_FAILURE_LIMIT", "lots")
    with pytest.raises(ValueError, match="ABSHER_SIGN_IN_FAILURE_LIMIT"):
        Settings()
    monkeypatch.delenv("ABSHER_SIGN_IN_FAILURE_LIMIT")
    assert Settings().sign_in_failure_limit == "20/hour"
