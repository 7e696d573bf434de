"""A simulated browser: one Reflex session over socket.io, as the compiled frontend drives it.

What the browser does (see .web/utils/state.js after a build, reflex/app.py EventNamespace):
- it opens socket.io on path `/_event`, namespace `/_event` (websocket transport) with
  `?token=<uuid>` (the tab's token, kept in sessionStorage), its cookies and Origin in the
  handshake headers, and the first event (`hydrate_and_load`, with the page's router data) in
  the CONNECT packet's `auth`; on a page load that event carries the hashes of the state
  defaults compiled into the page (`initialStateHashes` in .web/utils/context.jsx), and the
  server then sends only the values that differ from them (`initial_state_hashes`);
- it emits `event` with `{name, payload, router_data: {pathname, asPath[, query]}}`; form
  submissions carry their fields as `{"__reflex_form_data__": [[name, value], ...]}`;
- it receives `event` messages `{delta: {state: {var_rx_state_: value}}, events: [...]}`.
  Reflex sends nothing for an event that changes nothing, so a round trip is measured until the
  delta the page waits for (a predicate on the merged state) has arrived.
- a client-side navigation (rx.redirect) sends `on_load_internal` with the new router data.

Sign-in is the portal's own: password (argon2id) → SMS code (read from the dev outbox table) →
a single-use ticket in a `_call_script` → GET /auth/session sets the HttpOnly cookie → the page
reloads, i.e. a new socket whose handshake carries the cookie, with the same token.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import socketio

ROOT = "reflex___state____state"
LOGIN = f"{ROOT}.absher_app___pages___login____sign_in_state"
DASHBOARD = f"{ROOT}.absher_app___pages___dashboard____dashboard_state"
WIZARD = f"{ROOT}.absher_app___pages___services___wizard____wizard_state"
INQUIRY = f"{ROOT}.absher_app___pages___inquiries____inquiry_state"
SESSION = f"{ROOT}.absher_app___state___session____session_state"
BENCH = f"{ROOT}.absher_app___state___bench____bench_state"
HYDRATE = f"{ROOT}.hydrate_and_load"
ON_LOAD = f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal"
FORM_KEY = "__reflex_form_data__"
# The browser opens io("<backend>/_event", {path: "/_event"}): the URL's path is the namespace.
NAMESPACE = "/_event"
SERVICE = "exit_reentry_issue"
TICKET = re.compile(r"ticket=([A-Za-z0-9_\-]+)")
USER_AGENT = "absher-bench/1 (python-socketio)"
SIGN_IN_TIMEOUT_S = 120


COMPILED_CONTEXT = Path(__file__).resolve().parents[1] / ".web" / "utils" / "context.jsx"
HASHES = re.compile(r"initialStateHashes = (\[[^\]]*\])")


@functools.cache
def initial_state_hashes() -> list[str] | None:
    """What the compiled page sends with its first hydration: the hashes of the state defaults
    it holds (None when there is no build to read them from: the full snapshot is sent)."""
    try:
        found = HASHES.search(COMPILED_CONTEXT.read_text())
    except OSError:
        return None
    return json.loads(found.group(1)) if found else None


class JourneyError(RuntimeError):
    """The app answered, but not what a person would have seen next (an error on the page)."""


def form(**fields: str) -> dict[str, Any]:
    """Form data as the browser's getFormData sends it."""
    return {FORM_KEY: [[k, v] for k, v in fields.items()]}


def router(path: str, query: str = "") -> dict[str, Any]:
    """The router data the browser attaches (prod URLs end in a slash)."""
    data: dict[str, Any] = {"pathname": path, "asPath": path + (f"?{query}" if query else "")}
    if query:
        data["query"] = dict(p.split("=", 1) for p in query.split("&"))
    return data


@dataclass
class Stats:
    """Round trips in seconds, per kind of event, and what went wrong."""

    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    timeouts: int = 0

    def add(self, kind: str, seconds: float) -> None:
        self.times.setdefault(kind, []).append(seconds)


class Session:
    """One browser tab: a token, maybe a session cookie, one socket at a time."""

    def __init__(self, base_url: str, origin: str, timeout: float = 30.0,
                 hashes: bool = True) -> None:
        self.base_url, self.origin, self.timeout = base_url, origin, timeout
        # Send the compiled defaults' hashes at a page load, as the browser does.
        self.hashes = initial_state_hashes() if hashes else None
        self.token = str(uuid.uuid4())
        self.cookie = ""
        self.path = "/"
        self.state: dict[str, dict[str, Any]] = {}
        self.frontend_events: list[dict[str, Any]] = []
        self._changed = asyncio.Event()
        self.sio: socketio.AsyncClient | None = None
        # Bytes of each update received (as JSON) and its largest state's name and bytes.
        self.received: list[tuple[int, str, int]] = []

    # -- wire ----------------------------------------------------------------------------------

    def _on_update(self, update: dict[str, Any]) -> None:
        delta = update.get("delta") or {}
        sizes = {name: len(json.dumps(values, separators=(",", ":"))) for name, values in
                 delta.items()}
        largest = max(sizes.items(), key=lambda kv: kv[1], default=("", 0))
        self.received.append((len(json.dumps(update, separators=(",", ":"))), *largest))
        for substate, values in delta.items():
            self.state.setdefault(substate, {}).update(values)
        self.frontend_events.extend(update.get("events") or [])
        self._changed.set()

    def var(self, substate: str, name: str, default: Any = None) -> Any:
        return self.state.get(substate, {}).get(f"{name}_rx_state_", default)

    def view(self, substate: str, name: str, default: Any = None) -> Any:
        """A field of the page's `view` var (the pages on the application layer keep their
        screen in one view object)."""
        return (self.var(substate, "view") or {}).get(name, default)

    def forget_view(self, substate: str) -> None:
        """Drop the local copy of the page's view: the next one received is the answer."""
        self.state.setdefault(substate, {})["view_rx_state_"] = None

    async def _until(self, predicate: Callable[[], bool], timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or self.timeout)
        while not predicate():
            self._changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                raise TimeoutError from None

    async def connect(self, path: str, until: Callable[[], bool]) -> float:
        """Open the page at `path` (a full page load): handshake + hydrate + on_load."""
        await self.close()
        self.path = path
        self.state, self.frontend_events = {}, []
        headers = {"Origin": self.origin, "User-Agent": USER_AGENT}
        if self.cookie:
            headers["Cookie"] = self.cookie
        sio = socketio.AsyncClient(reconnection=False, request_timeout=self.timeout)
        sio.on("event", self._on_update, namespace=NAMESPACE)
        self.sio = sio
        boot = {"name": HYDRATE, "payload": {"hashes": self.hashes} if self.hashes else {},
                "router_data": router(path)}
        start = time.perf_counter()
        await sio.connect(f"{self.base_url}?token={self.token}", headers=headers,
                          transports=["websocket"], socketio_path="_event",
                          namespaces=[NAMESPACE],
                          auth={"event": boot}, wait_timeout=self.timeout)
        await self._until(until)
        return time.perf_counter() - start

    async def send(self, name: str, payload: dict[str, Any], until: Callable[[], bool],
                   path: str | None = None, query: str = "", timeout: float | None = None) -> float:
        """Emit one event and wait until the page shows its outcome; the round trip (s)."""
        if path is not None:
            self.path = path
        start = time.perf_counter()
        await self.sio.emit("event", {"name": name, "payload": payload,
                                      "router_data": router(self.path, query)},
                            namespace=NAMESPACE)
        await self._until(until, timeout)
        return time.perf_counter() - start

    async def close(self) -> None:
        if self.sio is not None:
            sio, self.sio = self.sio, None
            with contextlib.suppress(Exception):  # closing a broken socket
                await sio.disconnect()
            if sio.eio.http is not None and not sio.eio.http.closed:
                await sio.eio.http.close()

    # -- the no-op -----------------------------------------------------------------------------

    async def ping(self) -> float:
        """BenchState.ping: the framework's floor on the same app and connection."""
        want = (self.var(BENCH, "pongs", 0) or 0) + 1
        return await self.send(f"{BENCH}.ping", {},
                               lambda: (self.var(BENCH, "pongs", 0) or 0) >= want)

    async def whoami(self) -> int:
        self.state.setdefault(BENCH, {})["worker_pid_rx_state_"] = 0
        await self.send(f"{BENCH}.whoami", {}, lambda: self.var(BENCH, "worker_pid", 0) > 0)
        return self.var(BENCH, "worker_pid")

    async def state_bytes(self) -> dict[str, int]:
        self.state.setdefault(BENCH, {})["state_bytes_rx_state_"] = {}
        await self.send(f"{BENCH}.measure", {}, lambda: bool(self.var(BENCH, "state_bytes")))
        return self.var(BENCH, "state_bytes")

    # -- sign-in -------------------------------------------------------------------------------

    def _login_error(self) -> str:
        error = self.var(LOGIN, "error", {}) or {}
        return error.get("en", "")

    async def sign_in(self, login: str, password: str, read_code: Callable[[], Any],
                      stats: Stats) -> None:
        """Password, SMS code, ticket → cookie, then the dashboard in a fresh socket. A tab
        already on /login signs in there, as a person does (no reload before typing)."""
        if self.sio is None or self.path != "/login/":
            stats.add("open /login", await self.connect(
                "/login/", lambda: self.var(ROOT, "is_hydrated") is True))
        stats.add("sign-in: password", await self.send(
            f"{LOGIN}.submit_credentials", {"form": form(login=login, password=password)},
            lambda: self.var(LOGIN, "step") == "code" or bool(self._login_error()),
            # A sign-in storm queues the hashes: this is a throughput test, so wait longer.
            timeout=SIGN_IN_TIMEOUT_S))
        if self.var(LOGIN, "step") != "code":
            raise JourneyError(f"password refused for {login}: {self._login_error()}")
        code = await read_code()
        stats.add("sign-in: code", await self.send(
            f"{LOGIN}.submit_code", {"form": form(code=code)},
            lambda: any(TICKET.search(str(e.get("payload"))) for e in self.frontend_events)
            or bool(self._login_error())))
        found = [m for e in self.frontend_events if (m := TICKET.search(str(e.get("payload"))))]
        if not found:
            raise JourneyError(f"code refused for {login}: {self._login_error()}")
        start = time.perf_counter()
        async with (
            aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http,
            http.get(f"{self.base_url}/auth/session?ticket={found[-1].group(1)}",
                     allow_redirects=False, headers={"User-Agent": USER_AGENT}) as response,
        ):
            morsel = response.cookies.get("absher_session")
            if morsel is None:
                raise JourneyError(f"no session cookie for {login} ({response.status})")
            self.cookie = f"absher_session={morsel.value}"
        stats.add("sign-in: cookie", time.perf_counter() - start)

    # -- the journey ---------------------------------------------------------------------------

    async def dashboard(self) -> float:
        """A full page load of /dashboard with the cookie: hydrate, require_sign_in, load."""
        took = await self.connect("/dashboard/",
                                  lambda: (self.view(DASHBOARD, "services", 0) or 0) > 0
                                  and self.var(ROOT, "is_hydrated") is True)
        if not self.var(SESSION, "signed_in"):
            raise JourneyError("the dashboard does not know who is signed in")
        return took

    def _wizard_problem(self) -> str:
        problems = self.view(WIZARD, "problems", []) or []
        return problems[0].get("en", "problem") if problems else ""

    def _wizard_answered(self) -> bool:
        # Opening a service first clears the screen (an empty view, phase "loading"), then
        # sends the first screen: wait for that one.
        view = self.var(WIZARD, "view")
        return view is not None and view.get("phase") != "loading"

    async def open_wizard(self) -> float:
        """Navigate to the exit/re-entry wizard (client-side): on_load → first screen."""
        self.forget_view(WIZARD)
        took = await self.send(ON_LOAD, {}, self._wizard_answered,
                               path=f"/services/{SERVICE}/")
        phase = self.view(WIZARD, "phase")
        if phase not in ("step", "review"):
            raise JourneyError(f"wizard opened on {phase!r}")
        return took

    async def restart_draft(self) -> float:
        """A draft from an earlier run sits at check-your-answers: start again."""
        self.forget_view(WIZARD)
        return await self.send(f"{WIZARD}.discard", {}, self._wizard_answered)

    async def answer(self, **fields: str) -> float:
        """Submit the current step's form; wait for the next step or check your answers."""
        # Every answer sends the whole screen again (the view): wait for it.
        self.forget_view(WIZARD)
        took = await self.send(f"{WIZARD}.answer_step", {"form_data": form(**fields)},
                               self._wizard_answered)
        if problem := self._wizard_problem():
            raise JourneyError(f"wizard step refused: {problem}")
        return took

    async def open_inquiries(self) -> float:
        self.state.setdefault(INQUIRY, {})["opened_kind_rx_state_"] = ""
        return await self.send(ON_LOAD, {}, lambda: self.var(INQUIRY, "opened_kind") == "iqama",
                               path="/inquiries/", query="kind=iqama")

    async def ask_iqama(self, iqama: str) -> float:
        """The public iqama-expiry inquiry (rate-limited per client: Redis when configured)."""
        self.state.setdefault(INQUIRY, {})["answered_kind_rx_state_"] = ""
        took = await self.send(
            f"{INQUIRY}.ask", {"form": form(iqama_number=iqama)},
            lambda: self.var(INQUIRY, "answered_kind") == "iqama"
            or bool((self.var(INQUIRY, "error", {}) or {}).get("en")),
            path="/inquiries/", query="kind=iqama")
        if self.var(INQUIRY, "answered_kind") != "iqama":
            raise JourneyError(f"inquiry refused: {self.var(INQUIRY, 'error')}")
        return took
