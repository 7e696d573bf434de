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

import sqlalchemy
from sqlmodel import Session

from absher_app.application.identity import (
    Caller,
    NotAllowed,
    SignInRequired,
    resolve_caller,
)
from absher_app.db import session_scope
from absher_app.domain.calendars import today_in_riyadh
from absher_app.providers.clock import Clock, SystemClock
from absher_app.providers.payment import PaymentProvider, get_payment_provider
from absher_app.providers.sms import SmsSender, get_sms_sender

T = TypeVar("T")
CLOCK: Clock = SystemClock()

__all__ = ["CLOCK", "Caller", "NotAllowed", "SignInRequired", "Tx", "run", "use_case"]


# The session's identity map holds its objects weakly: a row read by one part of a use case and
# dropped was read again by the next part that asked for it by key (the dashboard read the
# signed-in Person twice: the page chrome's, then the household's). A use case's transaction
# holds what it loads until it ends, so `session.get` finds it; it is short, so this costs
# little memory. Other sessions (the CLI's long jobs) are not concerned.
_HELD = "absher.held"


@sqlalchemy.event.listens_for(Session, "loaded_as_persistent")
def _hold(session: Session, instance: Any) -> None:
    held = session.info.get(_HELD)
    if held is not None:
        held.append(instance)


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
        session.info[_HELD] = []
        tx = Tx(session, (clock or CLOCK).now(), caller)
        who = resolve_caller(session, caller, realm=spec.realm, permission=spec.permission,
                             now=tx.now, touch=spec.activity) if spec.realm else None
        return fn(tx, who, *inputs)


async def run_async(fn: Callable[..., T], caller: Caller, *inputs: Any,
                    pool: Executor | None = None) -> T:
    """`run` for an event handler: in `pool` when given (the password-hashing pool, whose work
    releases the GIL for long), else in the event loop's own thread, on SQLite and PostgreSQL
    alike; the caller's context (the log's event fields) goes along to a pool thread.

    Why not a thread per use case: the GIL lets one thread run Python at a time, and a use
    case is Python (the ORM) between short waits for the database. Sent to a thread, each use
    case paid for the hop and dropped the GIL at every statement, then waited up to the 5 ms
    switch interval to get it back from the busy event loop; on SQLite a writer waiting for
    the database lock slept and retried (1, 2, 5 … 100 ms) for a lock freed after one. SQLite
    at 200 sessions: journey p95 1.4 s with a pool, 0.6 s with a pool of one thread, and more
    use cases a second in the loop's thread; PostgreSQL + Redis at 500 sessions: 149 journey
    events/s with a pool, 175–188 in the loop's thread (bench/README.md). What it costs: while a
    use case waits for PostgreSQL, this worker's other events wait too (about 0.1 ms a
    statement from the same host). With a distant database, run more workers than CPUs.
    Slow work (backups, imports) runs in the CLI, not in events."""
    if pool is None:
        return run(fn, caller, *inputs)
    work = functools.partial(contextvars.copy_context().run, run, fn, caller, *inputs)
    return await asyncio.get_running_loop().run_in_executor(pool, work)
