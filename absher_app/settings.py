"""Typed settings read from the environment (and a `.env` file).

Reflex's own variables (`REFLEX_DB_URL`, `REFLEX_REDIS_URL`) are read here too, so that the
app, the CLI and the tests agree on one database without repeating defaults.
"""

from __future__ import annotations

import functools
from typing import Literal

from pydantic import AliasChoices, Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"


class SettingsError(RuntimeError):
    """A setting is missing or unsafe for the chosen environment."""


class Settings(BaseSettings):
    """Deployment settings. `environment=production` refuses unsafe defaults."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    environment: Literal["development", "test", "production"] = Field(
        default="development", validation_alias=AliasChoices("ABSHER_ENV")
    )
    db_url: str = Field(
        default="sqlite:///absher.db", validation_alias=AliasChoices("REFLEX_DB_URL")
    )
    redis_url: str | None = Field(default=None, validation_alias=AliasChoices("REFLEX_REDIS_URL"))
    secret_key: str = Field(
        default=DEV_SECRET_KEY, validation_alias=AliasChoices("ABSHER_SECRET_KEY")
    )
    allowed_origins: str = Field(
        default="http://localhost:3000,http://127.0.0.1:3000",
        validation_alias=AliasChoices("ABSHER_ALLOWED_ORIGINS"),
    )
    sms_provider: Literal["outbox", "none"] = Field(
        default="outbox", validation_alias=AliasChoices("ABSHER_SMS_PROVIDER")
    )
    public_url: str = Field(
        default="http://localhost:3000", validation_alias=AliasChoices("ABSHER_PUBLIC_URL")
    )
    inquiry_rate_limit: str = Field(
        default="20/minute", validation_alias=AliasChoices("ABSHER_INQUIRY_RATE_LIMIT"),
        description="public inquiries per client IP, moving window (limits notation)",
    )
    sign_in_failure_limit: str = Field(
        default="50/hour", validation_alias=AliasChoices("ABSHER_SIGN_IN_FAILURE_LIMIT"),
        description="wrong sign-ins per client IP, known usernames or not (password spraying)",
    )
    jobs_every_minutes: int = Field(
        default=60, ge=0, validation_alias=AliasChoices("ABSHER_JOBS_EVERY_MINUTES"),
        description="how often the app runs the background jobs; 0 turns the schedule off",
    )

    data_dir: str = Field(
        default="var", validation_alias=AliasChoices("ABSHER_DATA_DIR"),
        description="where uploaded files (message attachments) are kept; never served "
                    "statically (relative paths are from the working directory)",
    )

    workers: int = Field(
        default=1, ge=1, validation_alias=AliasChoices("GRANIAN_WORKERS"),
        description="backend worker processes (read by Reflex's Granian; checked here)",
    )
    hash_threads: int = Field(
        default=1, ge=1, le=64, validation_alias=AliasChoices("ABSHER_HASH_THREADS"),
        description="password hashes (argon2id) one worker process computes at once; the rest "
                    "queue, so that a sign-in storm never starves other users' events",
    )
    password_hash_cost: Literal["owasp", "test"] = Field(
        default="owasp", validation_alias=AliasChoices("ABSHER_PASSWORD_HASH_COST"),
        description="argon2id cost: OWASP's minimum (19 MiB, t=2), or argon2's smallest for "
                    "the unit tests, which hash thousands of times; refused in production",
    )
    bench: bool = Field(
        default=False, validation_alias=AliasChoices("ABSHER_BENCH"),
        description="register BenchState (a no-op event, the worker's PID, state sizes) for "
                    "bench/ and the scale-out journeys; refused in production",
    )
    event_log: bool = Field(
        default=False, validation_alias=AliasChoices("ABSHER_EVENT_LOG"),
        description="log one line per event: worker PID, client token and handler name",
    )

    @model_validator(mode="after")
    def _workers_share_state(self) -> Settings:
        # Without Redis each worker keeps its own page state (disk or memory): a browser whose
        # socket lands on another worker would find its state gone. Reflex itself only warns.
        if self.workers > 1 and not self.redis_url:
            raise SettingsError(f"GRANIAN_WORKERS={self.workers} needs REFLEX_REDIS_URL: "
                                "without Redis every worker keeps its own copy of the state")
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment != "production":
            return self
        problems = []
        if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
            problems.append("ABSHER_SECRET_KEY must be set to at least 32 random characters")
        if self.sms_provider == "outbox":
            problems.append("ABSHER_SMS_PROVIDER must name a real SMS provider, not the dev outbox")
        if self.db_url.startswith("sqlite"):
            problems.append("REFLEX_DB_URL must point at a server database, not SQLite")
        if self.bench:
            problems.append("ABSHER_BENCH is for load tests, never for production")
        if self.password_hash_cost != "owasp":
            problems.append("ABSHER_PASSWORD_HASH_COST=test is for the unit tests, never for "
                            "production")
        if problems:
            raise SettingsError("refusing to start in production: " + "; ".join(problems))
        return self

    @field_validator("inquiry_rate_limit", "sign_in_failure_limit")
    @classmethod
    def _rate_limit_parses(cls, value: str, info: ValidationInfo) -> str:
        from limits import parse

        try:
            parse(value)
        except ValueError as exc:
            raise ValueError(
                f"ABSHER_{info.field_name.upper()} {value!r} is not like '20/minute'"
            ) from exc
        return value

    @property
    def cors_origins(self) -> list[str]:
        """The origins allowed to open the app's websocket."""
        return [o.strip() for o in self.allowed_origins.split(",") if o.strip()]

    @property
    def dev_tools_enabled(self) -> bool:
        """Dev-only pages (the SMS outbox) are never served in production."""
        return self.environment != "production"


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
