"""One way in for every event: the `@event` decorator and `use`, which every page handler goes
through, so that what must hold for every event is written once.

    class ComposeState(rx.State):
        error: dict[str, str] = NO_PROBLEM
        sent_reference: str = ""

        @event
        async def send(self, form: MessageForm):
            view = await use(self, send_message, form)
            self.sent_reference = view.reference

For each event, `@event`:
1. decodes every argument into the type the handler declares (absher_app.application.inputs):
   a forged payload (wrong type, missing or extra keys, huge strings) is refused quietly with
   one log line and changes nothing;
2. gives `use` the caller (session cookies from the socket handshake, client address, device,
   language), so that `use` runs the use case in ONE transaction that also finds who is signed
   in (absher_app.application.unit.run; in the event loop's thread on SQLite, in a pool
   thread on PostgreSQL: unit.run_async);
3. maps the outcome: a `DomainError` becomes the page's alert in both languages
   (`self._on_problem`, by default `self.error`), `SignInRequired` empties every per-person
   state of the tab and sends the person to the sign-in page of their realm, `NotAllowed`
   sends staff to "not allowed".
Handlers keep their own signatures for Reflex (forms arrive as dicts, so the compiled page's
event triggers still match), and `background=True` works as with `rx.event`.
"""

from __future__ import annotations

import functools
import inspect
import logging
import time
import typing
from collections.abc import Callable
from concurrent.futures import Executor
from contextvars import ContextVar
from http.cookies import CookieError, SimpleCookie
from typing import Any, TypeVar

import reflex as rx

from absher_app import routes
from absher_app.application import unit
from absher_app.application.identity import (
    SESSION_COOKIES,
    Caller,
    NotAllowed,
    SignInRequired,
)
from absher_app.application.inputs import BadPayload, decode, wire_type
from absher_app.application.views import problem
from absher_app.domain.errors import DomainError
from absher_app.net import client_address
from absher_app.observability.logs import event_context
from absher_app.observability.metrics import observe_event
from absher_app.state.language import LanguageState
from absher_app.state.tab import reset_tab

LOG = logging.getLogger("absher.events")
T = TypeVar("T")

SIGN_IN_PAGES = {"person": routes.LOGIN, "staff": routes.STAFF_LOGIN}

_CALLER: ContextVar[Caller | None] = ContextVar("absher_caller", default=None)


def cookie_tokens(router: Any) -> dict[str, str]:
    """The realm session tokens in the cookies a tab's websocket handshake carried (`router`:
    the tab state's; read it once per event, each read of `state.router` builds one)."""
    raw = router.headers.raw_headers.get("cookie", "") if router else ""
    return dict(_session_tokens(raw)) if raw else {}


@functools.lru_cache(maxsize=1024)
def _session_tokens(raw: str) -> tuple[tuple[str, str], ...]:
    """The realm session tokens in a Cookie header. A socket sends the same header with every
    event: parsing it once per header, not per event, spares the cookie parser (2 % of the
    worker's time in the bench's journey). Bounded: as many headers as recent sockets."""
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:  # a malformed header is no session
        return ()
    return tuple((realm, jar[name].value) for realm, name in SESSION_COOKIES.items()
                 if name in jar)


async def caller_of(state: rx.State, where: str = "") -> Caller:
    """What the transport tells about the caller of an event on `state`."""
    router = state.router
    lang = (await state.get_state(LanguageState)).lang
    return Caller(
        tokens=cookie_tokens(router),
        # Behind trusted proxies (ABSHER_TRUSTED_PROXY_HOPS), the address they report.
        client=client_address(router.session.client_ip, router.headers.raw_headers)
        if router else "",
        device=(router.headers.user_agent if router else "")[:200],
        lang=lang if lang in ("ar", "en") else "ar",
        where=f"{where} {router.url.path if router else ''}"[:150],
    )


async def use(state: rx.State, fn: Callable[..., T], *inputs: Any,
              pool: Executor | None = None) -> T:
    """Run use case `fn(tx, who, *inputs)` for this event's caller in one transaction (in
    `pool` when given, e.g. the password-hashing pool; else as `unit.run_async` decides)."""
    caller = _CALLER.get()
    if caller is None:  # called outside @event (a helper of a handler): ask the transport
        caller = await caller_of(state, type(state).__name__)
    return await unit.run_async(fn, caller, *inputs, pool=pool)


def _decoders(fn: Callable) -> tuple[inspect.Signature, dict[str, Any]]:
    signature = inspect.signature(fn)
    hints = typing.get_type_hints(fn, include_extras=True)
    params = list(signature.parameters.values())[1:]  # after self
    for param in params:
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            raise TypeError(f"{fn.__qualname__}: *args/**kwargs are not decodable")
        if param.name not in hints:
            raise TypeError(f"{fn.__qualname__}: annotate {param.name!r} with its input type")
    return signature, {p.name: hints[p.name] for p in params}


def _decode(signature: inspect.Signature, kinds: dict[str, Any], where: str,
            args: tuple, kwargs: dict) -> dict[str, Any]:
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError as exc:
        raise BadPayload(f"{where}: {exc}") from None
    bound.apply_defaults()
    return {name: _decode_arg(kind, bound.arguments[name], f"{where}.{name}")
            for name, kind in kinds.items()}


UPLOADS = list[rx.UploadFile]


def _decode_arg(kind: Any, value: Any, where: str) -> Any:
    """`decode`, plus the files of an upload (which only Reflex's upload endpoint makes)."""
    if kind == UPLOADS:
        if not isinstance(value, list) or not all(isinstance(f, rx.UploadFile) for f in value):
            raise BadPayload(f"{where}: not uploaded files")
        return value
    return decode(kind, value, where)


async def _outcome(state: rx.State, error: Exception) -> Any:
    """The page's answer to a refusal; `state` is locked (or a proxy inside `async with`)."""
    if isinstance(error, SignInRequired):
        await reset_tab(state)
        return rx.redirect(SIGN_IN_PAGES[error.realm])
    if isinstance(error, NotAllowed):
        return rx.redirect(routes.STAFF_NOT_ALLOWED)
    on_problem = getattr(state, "_on_problem", None)
    if on_problem is not None:
        return on_problem(error)
    if "error" in type(state).get_fields():
        state.error = problem(error)
        return None
    raise error  # a page that shows no problems cannot have raised one: a bug, let it show


REFUSALS = (DomainError, SignInRequired, NotAllowed)


def event(fn: Callable | None = None, *, background: bool = False) -> Any:
    """Make `fn` an event handler on the one pipeline (see the module docstring)."""
    if fn is None:
        return functools.partial(event, background=background)
    signature, kinds = _decoders(fn)
    name = fn.__qualname__
    generator = inspect.isasyncgenfunction(fn)

    async def enter(self, args, kwargs) -> tuple[dict[str, Any], Any] | None:
        try:
            values = _decode(signature, kinds, name, args, kwargs)
        except BadPayload as exc:
            LOG.warning("refused event %s: %s", name, exc)
            _observe(name, "refused", time.perf_counter())
            return None
        if background:
            async with self:
                caller = await caller_of(self, name)
        else:
            caller = await caller_of(self, name)
        return values, _CALLER.set(caller)

    async def refuse(self, error: Exception) -> Any:
        if background:
            async with self:
                return await _outcome(self, error)
        return await _outcome(self, error)

    if generator:
        async def handler(self, *args, **kwargs):
            started = time.perf_counter()
            entered = await enter(self, args, kwargs)
            if entered is None:
                return
            values, token = entered
            with event_context(name) as logged:
                logged.outcome = "error"  # unless it ends otherwise
                try:
                    async for item in fn(self, **values):
                        yield item
                    logged.outcome = "ok"
                except REFUSALS as error:
                    logged.outcome = "refused"
                    yield await refuse(self, error)
                finally:
                    _CALLER.reset(token)
                    _observe(name, logged.outcome, started)
    else:
        async def handler(self, *args, **kwargs):
            started = time.perf_counter()
            entered = await enter(self, args, kwargs)
            if entered is None:
                return None
            values, token = entered
            with event_context(name) as logged:
                logged.outcome = "error"  # unless it ends otherwise
                try:
                    result = fn(self, **values)
                    if inspect.isawaitable(result):
                        result = await result
                    logged.outcome = "ok"
                    return result
                except REFUSALS as error:
                    logged.outcome = "refused"
                    return await refuse(self, error)
                finally:
                    _CALLER.reset(token)
                    _observe(name, logged.outcome, started)

    functools.update_wrapper(handler, fn)
    # What Reflex sees: the handler's own parameters, typed as the browser sends them.
    wire = {n: k if k == UPLOADS else wire_type(k) for n, k in kinds.items()}
    handler.__signature__ = signature.replace(parameters=[
        p.replace(annotation=wire.get(p.name, p.annotation))
        for p in signature.parameters.values()])
    handler.__annotations__ = dict(wire)
    return rx.event(handler, background=background) if background else rx.event(handler)


def _observe(name: str, outcome: str, started: float) -> None:
    """Every event's handler, outcome ("ok", "refused", "error") and duration, in /metrics."""
    observe_event(name, outcome, time.perf_counter() - started)
