"""Typed settings read from the environment (and a `.env` file).

Reflex's own variables (`REFLEX_DB_URL`, `REFLEX_REDIS_URL`) are read here too, so that the
app, the CLI and the tests agree on one database without repeating defaults.
"""

from __future__ import annotations

import functools
from typing import Literal
from urllib.parse import urlsplit

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
    allowed_origins: str | None = Field(
        default=None, validation_alias=AliasChoices("ABSHER_ALLOWED_ORIGINS"),
        description="comma-separated origins allowed to open the websocket; by default the "
                    "origin of the public URL (and its 127.0.0.1 twin for a localhost URL)",
    )
    sms_provider: Literal["outbox", "http", "none"] = Field(
        default="outbox", validation_alias=AliasChoices("ABSHER_SMS_PROVIDER"),
        description="outbox: messages stay in the dev outbox table; http: the relay sends them "
                    "to ABSHER_SMS_HTTP_URL",
    )
    sms_http_url: str = Field(
        default="", validation_alias=AliasChoices("ABSHER_SMS_HTTP_URL"),
        description="the SMS gateway's send endpoint (POST, JSON), for ABSHER_SMS_PROVIDER=http",
    )
    sms_http_username: str = Field(default="", validation_alias=AliasChoices(
        "ABSHER_SMS_HTTP_USERNAME"), description="HTTP Basic user name at the gateway")
    sms_http_password: str = Field(default="", validation_alias=AliasChoices(
        "ABSHER_SMS_HTTP_PASSWORD"), description="HTTP Basic password at the gateway")
    sms_sender_id: str = Field(default="Absher", validation_alias=AliasChoices(
        "ABSHER_SMS_SENDER_ID"), description="the registered sender name messages come from")
    sms_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, validation_alias=AliasChoices("ABSHER_SMS_TIMEOUT_SECONDS"),
        description="how long one send may take before the relay gives up on that attempt",
    )
    sms_max_attempts: int = Field(
        default=6, ge=1, le=50, validation_alias=AliasChoices("ABSHER_SMS_MAX_ATTEMPTS"),
        description="sends tried per message before it is marked failed",
    )
    sms_retry_base_seconds: float = Field(
        default=5.0, gt=0, validation_alias=AliasChoices("ABSHER_SMS_RETRY_BASE_SECONDS"),
        description="first retry delay; each later one doubles (with jitter), up to 10 minutes",
    )
    sms_give_up_minutes: int = Field(
        default=60, ge=1, validation_alias=AliasChoices("ABSHER_SMS_GIVE_UP_MINUTES"),
        description="a message still unsent this long after it was written is marked failed "
                    "(a sign-in code is useless by then)",
    )
    sms_callback_secret: str = Field(
        default="", validation_alias=AliasChoices("ABSHER_SMS_CALLBACK_SECRET"),
        description="HMAC key of the gateway's delivery reports (POST /hooks/sms-status); "
                    "empty: delivery reports are refused",
    )
    payment_notify_secret: str = Field(
        default="", validation_alias=AliasChoices("ABSHER_PAYMENT_NOTIFY_SECRET"),
        description="HMAC key shared with the bank for payment notifications (POST "
                    "/hooks/payment); empty in development: derived from ABSHER_SECRET_KEY",
    )
    payment_notify_window_seconds: int = Field(
        default=300, ge=10, le=3600,
        validation_alias=AliasChoices("ABSHER_PAYMENT_NOTIFY_WINDOW_SECONDS"),
        description="a notification whose timestamp is further than this from now is refused",
    )
    trusted_proxy_hops: int = Field(
        default=0, ge=0, le=5, validation_alias=AliasChoices("ABSHER_TRUSTED_PROXY_HOPS"),
        description="reverse proxies in front of the app that append to X-Forwarded-For; 0: "
                    "the header is ignored and the peer address is the client's",
    )
    metrics_allow: str = Field(
        default="127.0.0.1/32,::1/128", validation_alias=AliasChoices("ABSHER_METRICS_ALLOW"),
        description="comma-separated addresses or networks that may read /metrics",
    )
    metrics_dir: str = Field(
        default="", validation_alias=AliasChoices("ABSHER_METRICS_DIR"),
        description="where worker processes share their metrics (prometheus_client "
                    "multi-process files); default <ABSHER_DATA_DIR>/metrics; emptied by the "
                    "start scripts before the workers start",
    )
    log_format: Literal["json", "text"] = Field(
        default="json", validation_alias=AliasChoices("ABSHER_LOG_FORMAT"),
        description="json: one JSON object per line (what log shippers read); text: for people",
    )
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("ABSHER_LOG_LEVEL"))
    jobs_in_app: bool = Field(
        default=True, validation_alias=AliasChoices("ABSHER_JOBS_IN_APP"),
        description="the app's workers run the scheduler (and the SMS relay when the provider "
                    "is http); false when `absher scheduler` and `absher sms relay` run as "
                    "their own services (deploy/)",
    )
    # Reflex puts the port it serves on in REFLEX_FRONTEND_PORT for its worker processes;
    # `make run` takes PORT. The first one set wins.
    port: int = Field(
        default=3000, ge=1, le=65535,
        validation_alias=AliasChoices("REFLEX_FRONTEND_PORT", "PORT"),
        description="the port the portal is served on (single-port production build)",
    )
    public_url: str = Field(
        default="", validation_alias=AliasChoices("ABSHER_PUBLIC_URL"),
        description="the address people open; by default http://localhost:<port>",
    )
    demo: bool = Field(
        default=False, validation_alias=AliasChoices("ABSHER_DEMO"),
        description="demo mode: the dev SMS outbox page, the demo bank and kiosk, and a "
                    "'demo' banner on every page; refused in production",
    )
    inquiry_rate_limit: str = Field(
        default="20/minute", validation_alias=AliasChoices("ABSHER_INQUIRY_RATE_LIMIT"),
        description="public inquiries per client IP, moving window (limits notation)",
    )
    sign_in_failure_limit: str = Field(
        default="20/hour", validation_alias=AliasChoices("ABSHER_SIGN_IN_FAILURE_LIMIT"),
        description="wrong sign-ins per client address and login; past it that login is "
                    "refused from that address (others are not)",
    )
    sign_in_slow_limit: str = Field(
        default="50/hour", validation_alias=AliasChoices("ABSHER_SIGN_IN_SLOW_LIMIT"),
        description="wrong sign-ins per client address, any login (password spraying); past "
                    "it every sign-in from that address is slowed, never refused",
    )
    registration_failure_limit: str = Field(
        default="10/hour", validation_alias=AliasChoices("ABSHER_REGISTRATION_FAILURE_LIMIT"),
        description="registration details that match no one (or an ID that has an account) "
                    "per client address; past it registration from that address waits",
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
    def _derive_addresses(self) -> Settings:
        # Defaults that follow the port: `PORT=3200 make run` must accept its own sockets.
        if not self.public_url.strip():
            self.public_url = f"http://localhost:{self.port}"
        self.public_url = self.public_url.strip().rstrip("/")
        if self.allowed_origins is None or not self.allowed_origins.strip():
            self.allowed_origins = ",".join(_origins_of(self.public_url))
        return self

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
        if self.demo:
            problems.append("ABSHER_DEMO turns on the demo tools (the SMS outbox page, the "
                            "demo bank and kiosk), never for production")
        if not self.public_url.startswith("https://"):
            problems.append("ABSHER_PUBLIC_URL must be an https:// address (session cookies "
                            "are Secure, and HSTS is sent)")
        if any("*" in origin or not origin.startswith("https://")
               for origin in self.cors_origins):
            problems.append("ABSHER_ALLOWED_ORIGINS must list https:// origins, no wildcard")
        if len(self.payment_notify_secret) < 32:
            problems.append("ABSHER_PAYMENT_NOTIFY_SECRET must be the key agreed with the bank "
                            "(at least 32 characters)")
        if self.password_hash_cost != "owasp":
            problems.append("ABSHER_PASSWORD_HASH_COST=test is for the unit tests, never for "
                            "production")
        if problems:
            raise SettingsError("refusing to start in production: " + "; ".join(problems))
        return self

    @model_validator(mode="after")
    def _http_sms_is_complete(self) -> Settings:
        if self.sms_provider == "http" and not self.sms_http_url.startswith(("http://",
                                                                              "https://")):
            raise SettingsError("ABSHER_SMS_PROVIDER=http needs ABSHER_SMS_HTTP_URL "
                                "(http:// or https://)")
        return self

    @field_validator("metrics_allow")
    @classmethod
    def _networks_parse(cls, value: str) -> str:
        import ipaddress

        for part in (p.strip() for p in value.split(",")):
            if part:
                try:
                    ipaddress.ip_network(part, strict=False)
                except ValueError as exc:
                    raise ValueError(f"ABSHER_METRICS_ALLOW: {part!r} is not an address or "
                                     "network like 10.0.0.0/8") from exc
        return value

    @field_validator("inquiry_rate_limit", "sign_in_failure_limit", "sign_in_slow_limit",
                     "registration_failure_limit")
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
        return [o.strip() for o in (self.allowed_origins or "").split(",") if o.strip()]

    @property
    def metrics_networks(self) -> list:
        """The networks (ipaddress objects) allowed to read /metrics."""
        import ipaddress

        return [ipaddress.ip_network(p.strip(), strict=False)
                for p in self.metrics_allow.split(",") if p.strip()]

    @property
    def metrics_path(self) -> str:
        """The directory of the multi-process metric files."""
        import os

        return self.metrics_dir or os.path.join(self.data_dir, "metrics")

    @property
    def payment_secret(self) -> bytes:
        """The payment notifications' HMAC key (outside production, derived from the app's
        secret when none is set, so that the demo bank and the endpoint agree)."""
        if self.payment_notify_secret:
            return self.payment_notify_secret.encode()
        import hashlib

        return hashlib.sha256(b"payment-notify:" + self.secret_key.encode()).hexdigest().encode()

    @property
    def dev_tools_enabled(self) -> bool:
        """The demo's tools (SMS outbox page, demo bank and kiosk) exist only in demo mode,
        which production refuses."""
        return self.demo and self.environment != "production"

    @property
    def https(self) -> bool:
        """Whether people reach the portal over https (then cookies are Secure, HSTS sent)."""
        return self.public_url.startswith("https://")

    def cookie_name(self, base: str) -> str:
        """A session cookie's name: `__Host-` prefixed over https, so that the browser only
        accepts it Secure, for this host alone and path "/" (no subdomain can plant one)."""
        return f"__Host-{base}" if self.https else base


def _origins_of(url: str) -> list[str]:
    """The websocket origins a public URL implies (a localhost URL also as 127.0.0.1)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        raise SettingsError(f"ABSHER_PUBLIC_URL {url!r} is not an address like "
                            "https://absher.example")
    origin = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
    origins = [origin]
    if parts.hostname == "localhost":
        origins.append(origin.replace("localhost", "127.0.0.1", 1))
    return origins


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
