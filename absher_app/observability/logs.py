"""Structured logs: one JSON object per line, with the event's id, handler and outcome, and
nothing a person would not want copied into a log store.

Every line passes `redact`, whatever wrote it (our code, a library, an exception's text): full
ID and iqama numbers, mobiles, six-digit codes, long random tokens and `password=`-like values
are masked before the line is written. Masking the text (not trusting each caller to be
careful) is what lets a test grep a whole journey's log for the demo persons' numbers.

    with event_context("login.LoginState.submit") as ctx:   # the lead's event pipeline
        ...
        ctx.outcome = "refused"
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import json
import logging
import re
import secrets
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

# 10-digit national ID (1...) or iqama (2...) number; Saudi mobiles in any usual spelling.
_ID_NUMBER = re.compile(r"(?<![\d])([12])\d{7}(\d{2})(?![\d])")
_MOBILE = re.compile(r"(?<![\d+])((?:\+|00)?966|0)(5)\d{6}(\d{2})(?![\d])")
_CODE = re.compile(r"(?<![\d.:\-/])\d{6}(?![\d])")
_SECRET_FIELD = re.compile(
    r"(?i)\b(password|passwd|secret|token|ticket|code|otp|authorization|cookie)"
    r"(\"?'?\s*[:=]\s*\"?'?)([^\s\"',;&]+)")
_TOKENISH = re.compile(r"[A-Za-z0-9_\-]{20,}")


def _mask_token(match: re.Match) -> str:
    text = match.group(0)
    # A random token mixes letters and digits; identifiers and words rarely do at this length.
    if re.search(r"\d", text) and re.search(r"[A-Za-z]", text):
        return "[redacted]"
    return text


def redact(text: str) -> str:
    """`text` with personal numbers, codes and secrets masked (kept: their shape and last two
    digits, enough to tell two people apart when debugging, not to find either)."""
    if not text:
        return text
    text = _SECRET_FIELD.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}{m.group(2)}******{m.group(3)}", text)
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}*******{m.group(2)}", text)
    text = _CODE.sub("******", text)
    return _TOKENISH.sub(_mask_token, text)


@dataclasses.dataclass
class EventContext:
    """What the log lines of one event share."""

    handler: str
    event_id: str
    outcome: str = ""


_CONTEXT: contextvars.ContextVar[EventContext | None] = contextvars.ContextVar(
    "absher_event_context", default=None)


@contextlib.contextmanager
def event_context(handler: str, event_id: str | None = None) -> Iterator[EventContext]:
    """Tag every log line written inside the block with the event's id and handler; set
    `ctx.outcome` to have it on the lines written after."""
    context = EventContext(handler=handler[:120], event_id=event_id or secrets.token_hex(8))
    token = _CONTEXT.set(context)
    try:
        yield context
    finally:
        _CONTEXT.reset(token)


def current_event() -> EventContext | None:
    """The event being handled in this task or thread, if any."""
    return _CONTEXT.get()


_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, process, the event context
    and any `extra=` fields, all redacted."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
            "pid": record.process,
        }
        if (context := current_event()) is not None:
            payload.update(event_id=context.event_id, handler=context.handler)
            if context.outcome:
                payload["outcome"] = context.outcome
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            payload["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False, default=lambda v: redact(str(v)))


class RedactingTextFormatter(logging.Formatter):
    """The classic one-line format, for people at a terminal; redacted the same way."""

    def format(self, record: logging.LogRecord) -> str:
        context = current_event()
        prefix = f"[{context.event_id} {context.handler}] " if context else ""
        return redact(prefix + super().format(record))


_HANDLER_NAME = "absher-structured"


def configure_logging(fmt: str | None = None, level: str | None = None,
                      stream=None) -> logging.Handler:
    """Send the root logger's records (ours and the libraries') through one redacting handler
    on standard error; idempotent (a second call replaces the handler)."""
    from absher_app.settings import get_settings

    settings = get_settings()
    fmt = fmt or settings.log_format
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if fmt == "json" else RedactingTextFormatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel((level or settings.log_level).upper())
    logging.getLogger("absher").setLevel((level or settings.log_level).upper())
    # Libraries that say too much at INFO (alembic's plugin set-up at every import; httpx's line
    # per request, which would log the gateway's URL at every SMS).
    for noisy in ("alembic", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler
