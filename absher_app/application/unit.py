"""How every use case runs: one caller, one transaction, one clock reading.

`run(use_case, caller, *inputs)` opens one database transaction, finds who is signed in from
the caller's session cookie (counting the call as activity at most once a minute), checks the
staff permission the use case needs, calls `use_case(tx, who, *inputs)` and commits. A
`DomainError` rolls the transaction back and reaches the caller (a page shows it in the
person's language); `SignInRequired` and `NotAllowed` tell the caller where to send the person.

A use case is a plain function, no Reflex, so the pages, the CLI, a future API or a worker can
all call it; its tests call `run` with a `Caller` built by hand.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import functools
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import date, datetime
from typing import Any, TypeVar

from sqlmodel import Session

from absher_app.application.identity import (
    Caller,
    NotAllowed,
    SignInRequired,
    resolve_caller,
)
from absher_app.db import get_engine, session_scope
from absher_app.domain.calendars import today_in_riyadh
from absher_app.providers.clock import Clock, SystemClock
from absher_app.providers.payment import PaymentProvider, get_payment_provider
from absher_app.providers.sms import SmsSender, get_sms_sender

T = TypeVar("T")
CLOCK: Clock = SystemClock()

__all__ = ["CLOCK", "Caller", "NotAllowed", "SignInRequired", "Tx", "run", "use_case"]


@dataclasses.dataclass
class Tx:
    """One use case's unit of work: the session of its transaction, the time it runs at (read
    once, so every rule in it agrees), and the providers it may use."""

    session: Session
    now: datetime
    caller: Caller

    @property
    def today(self) -> date:
        """The calendar date in the Kingdom (what every document date means)."""
        return today_in_riyadh(_Fixed(self.now))

    @functools.cached_property
    def sms(self) -> SmsSender:
        return get_sms_sender()

    @functools.cached_property
    def payments(self) -> PaymentProvider:
        return get_payment_provider()

    @property
    def lang(self) -> str:
        return self.caller.lang


@dataclasses.dataclass(frozen=True)
class _Fixed:
    at: datetime

    def now(self) -> datetime:
        return self.at


@dataclasses.dataclass(frozen=True)
class UseCase:
    """What a use case needs of its caller: a signed-in `realm` ("person", "staff", or None
    for public use cases), a staff `permission`, and whether calling it is `activity` (which
    keeps the session alive)."""

    realm: str | None = "person"
    permission: str | None = None
    activity: bool = True


def use_case(*, realm: str | None = "person", permission: str | None = None,
             activity: bool = True) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Declare a function a use case: `fn(tx, who, *inputs) -> view`; see `UseCase`."""

    def mark(fn: Callable[..., T]) -> Callable[..., T]:
        # A wrapper of its own: one function may serve several declarations (each realm).
        @functools.wraps(fn)
        def declared_use_case(*args: Any, **kwargs: Any) -> T:
            return fn(*args, **kwargs)

        declared_use_case.__use_case__ = UseCase(realm, permission, activity)  # type: ignore
        return declared_use_case

    return mark


def declared(fn: Callable[..., Any]) -> UseCase:
    """The use case declaration of `fn` (a plain function is a person's use case)."""
    return getattr(fn, "__use_case__", UseCase())


def run(fn: Callable[..., T], caller: Caller, *inputs: Any, clock: Clock | None = None) -> T:
    """Run use case `fn` for `caller` in one transaction (see the module docstring).

    Raises:
        SignInRequired: the use case needs a signed-in principal and there is none.
        NotAllowed: a staff member without the permission (or a citizen at a staff door).
        DomainError: a rule refused; nothing was written.
    """
    spec = declared(fn)
    with session_scope() as session:
        tx = Tx(session, (clock or CLOCK).now(), caller)
        who = resolve_caller(session, caller, realm=spec.realm, permission=spec.permission,
                             now=tx.now, touch=spec.activity) if spec.realm else None
        return fn(tx, who, *inputs)


@functools.cache
def runs_in_event_loop() -> bool:
    """Whether use cases run in the event loop's own thread: on SQLite, yes.

    SQLite answers in microseconds from this process, and the GIL lets one thread run Python at
    a time. Sent to a thread, each use case paid for the hop, and its thread dropped the GIL at
    every statement and waited up to the 5 ms switch interval to get it back from the busy
    event loop; with several threads, a writer waiting for SQLite's lock slept and retried
    (1, 2, 5 … 100 ms) for a lock freed after one. At 200 sessions the journey's p95 was
    1.4 s, 0.6 s with one thread, and the event loop serves more use cases per second without
    any (bench/README.md). What it costs: while a use case runs, nothing else does — SQLite
    deployments are the small ones, and slow work (backups, imports) runs in the CLI.
    PostgreSQL answers over a socket: the use case waits in a pool thread, the loop goes on."""
    return get_engine().dialect.name == "sqlite"


async def run_async(fn: Callable[..., T], caller: Caller, *inputs: Any,
                    pool: Executor | None = None) -> T:
    """`run` for an event handler: in `pool` when given (e.g. the password-hashing pool, whose
    work releases the GIL for long), else in the event loop's thread on SQLite
    (`runs_in_event_loop`) and in the loop's default pool otherwise; the caller's context (the
    log's event fields) goes along to a thread."""
    if pool is None and runs_in_event_loop():
        return run(fn, caller, *inputs)
    work = functools.partial(contextvars.copy_context().run, run, fn, caller, *inputs)
    return await asyncio.get_running_loop().run_in_executor(pool, work)
