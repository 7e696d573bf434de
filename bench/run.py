"""The load benchmark: one command, one table. Not a test: it reports, it asserts nothing.

    python -m bench.run                      # 50, 200 and 500 sessions, both configurations
    python -m bench.run --sessions 50,200    # smaller
    python -m bench.run --configs sqlite     # one configuration

For each configuration (SQLite + tab state in memory, one worker; PostgreSQL + Redis, two
workers) it makes a bench database (migrations, demo data, N resident accounts), starts the
production build with ABSHER_BENCH=1 on a loopback port, and for each session count:
 1. opens the sessions on /login, plus a few observer sessions on / that ping all along;
 2. signs every session in at once (argon2id, SMS code from the outbox, ticket → cookie): the
    sign-in storm; the observers' ping p95 before and during it shows whether hashing blocks
    other users' events;
 3. the journey: dashboard (a page load with the cookie), the exit/re-entry wizard up to check
    your answers, the iqama inquiry; each session thinks 0.5–1.5 × --think seconds between events,
    begins within one journey's length and repeats it for --duration seconds;
 4. the no-op: BenchState.ping, --pings times per session, with the same think time;
 5. the serialized state of a few sessions (BenchState.measure);
 6. (SQLite) saturation: --saturate sessions thinking 0.05 s, one journey each: the capacity.
Then page weight: bytes transferred and compressed JS for home, sign-in, dashboard and a wizard
step in Debian's Chromium, against a blank Reflex page built the same way (bench/blank_app).
Everything is bounded (counts and timeouts) and stays on 127.0.0.1/localhost.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy

from bench import seed
from bench.loadgen import ROOT as ROOT_STATE
from bench.loadgen import WIZARD, JourneyError, Session, Stats

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "test-artifacts" / "bench"
# Three consecutive ports from ABSHER_BENCH_PORT (default 3651), so that runs on a shared
# machine can keep apart.
_BASE_PORT = int(os.environ.get("ABSHER_BENCH_PORT", "3651"))
PORTS = {"sqlite": _BASE_PORT, "scaled": _BASE_PORT + 1, "blank": _BASE_PORT + 2}
PG_URL = os.environ.get("ABSHER_BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/absher_bench")
REDIS_URL = os.environ.get("ABSHER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
# rxconfig.py keeps one worker's tab state in memory unless REFLEX_STATE_MANAGER_MODE says.
CONFIG_TITLES = {"sqlite": f"SQLite + {os.environ.get('REFLEX_STATE_MANAGER_MODE', 'memory')} "
                           "state, 1 worker",
                 "scaled": "PostgreSQL + Redis, 2 workers"}
# Events on an open socket; the dashboard is a page load (new socket, hydrate, on_load) and is
# reported on a row of its own.
JOURNEY_KINDS = ("wizard: open", "wizard: answer", "inquiry: open", "inquiry: ask")
CONNECT_PARALLEL = 25
OBSERVERS = 8
OBSERVER_INTERVAL_S = 0.2
BASELINE_S = 3.0
JOURNEY_THINKS = 7  # think times in one journey (see run_level.journey)
# The closed loop for saturation: sessions that barely think, so that events wait for the
# server and not for the sessions. The same for the code at --baseline with its own bench.
SATURATION_THINK_S = 0.05


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- servers ------------------------------------------------------------------------------------

def server_env(config: str, port: int, db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "REFLEX_DB_URL": db_url,
        "ABSHER_ENV": "test",
        "ABSHER_BENCH": "1",
        "ABSHER_ALLOWED_ORIGINS": f"http://localhost:{port},http://127.0.0.1:{port}",
        "ABSHER_PUBLIC_URL": f"http://localhost:{port}",
        "ABSHER_JOBS_EVERY_MINUTES": "0",
        # Every simulated user comes from 127.0.0.1; the limiter still counts (in Redis when
        # configured), it just never says no.
        "ABSHER_INQUIRY_RATE_LIMIT": "1000000/minute",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "PATH": f"{ROOT / '.venv/bin'}:{ROOT / '.tools/node_modules/.bin'}:{env.get('PATH', '')}",
    })
    env.pop("REFLEX_REDIS_URL", None)
    env.pop("ABSHER_EVENT_LOG", None)
    if config == "scaled":
        env.update({"REFLEX_REDIS_URL": REDIS_URL, "GRANIAN_WORKERS": "2",
                    "REFLEX_USE_GRANIAN": "1"})
    else:
        env["GRANIAN_WORKERS"] = "1"
    return env


@contextlib.contextmanager
def running(cwd: Path, env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen]:
    """`reflex run --env prod` on `port` until the block ends (its process group is stopped)."""
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(ROOT / ".venv/bin/reflex"), "run", "--env", "prod", "--frontend-port", str(port),
             "--backend-port", str(port)], cwd=cwd, env=env, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 900
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited ({process.returncode}); see {log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no answer on :{port}; see {log}") from None
                time.sleep(1)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# -- measurements -------------------------------------------------------------------------------

def nearest(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of durations in seconds, in milliseconds."""
    return nearest(values, q) * 1000


@dataclass
class Level:
    """What one session count measured."""

    sessions: int
    saturation: bool = False  # the closed loop of `--saturate`, not N people thinking
    # Journey events/s of the code at --baseline in the same closed loop, run right after this
    # level (this run's server idle meanwhile): the machine's speed drifts within minutes.
    before: float | None = None
    noop: list[float] = field(default_factory=list)
    noop_rate: float = 0.0
    journey: list[float] = field(default_factory=list)
    journey_rate: float = 0.0
    page_load: list[float] = field(default_factory=list)
    password: list[float] = field(default_factory=list)
    signins: int = 0
    signin_rate: float = 0.0
    idle_p95: float = 0.0
    storm_p95: float = 0.0
    state_total: int = 0
    state_largest: tuple[str, int] = ("", 0)
    update_bytes: list[int] = field(default_factory=list)  # each update of the journey
    update_largest: tuple[str, int] = ("", 0)  # the largest state in any one of them
    errors: list[str] = field(default_factory=list)
    timeouts: int = 0
    # Errors the server logged meanwhile: some lose a tab's changes before any journey
    # notices (a Redis lease written back after its lock expired; bench/README.md).
    server_errors: list[str] = field(default_factory=list)
    client_cpu: float = 0.0
    load_average: float = 0.0


async def guarded(stats: Stats, coro) -> bool:
    try:
        await coro
        return True
    except TimeoutError:
        stats.timeouts += 1
    except (JourneyError, Exception) as error:  # noqa: BLE001 - every failure is counted
        stats.errors.append(f"{type(error).__name__}: {error}"[:200])
    return False


async def think(mean: float) -> None:
    await asyncio.sleep(random.uniform(0.5 * mean, 1.5 * mean))


async def run_level(base: str, n: int, db_url: str, args, think_s: float, duration: float,
                    saturation: bool = False) -> Level:
    """N sessions through steps 1-5 (module docstring), thinking `think_s` s between events,
    their journeys repeated for `duration` s (0: one each)."""
    level = Level(n, saturation=saturation)
    level.load_average = os.getloadavg()[0]
    stats = Stats()
    engine = sqlalchemy.create_engine(db_url)
    cpu0 = time.process_time()
    sessions = [Session(base, base, hashes=not args.no_hashes) for _ in range(n)]
    observers = [Session(base, base, hashes=not args.no_hashes) for _ in range(OBSERVERS)]
    gate = asyncio.Semaphore(CONNECT_PARALLEL)

    async def opened(session: Session, path: str) -> None:
        async with gate:
            await session.connect(path, lambda: session.var(ROOT_STATE, "is_hydrated") is True)

    progress(f"  {n} sessions: opening /login")
    await asyncio.gather(*(guarded(stats, opened(s, "/")) for s in observers))
    ok = await asyncio.gather(*(guarded(stats, opened(s, "/login/")) for s in sessions))
    live = [(i, s) for (i, s), good in zip(enumerate(sessions), ok, strict=True) if good]

    # Observers ping all through the sign-in storm: (time sent, round trip).
    samples: list[tuple[float, float]] = []
    stop = asyncio.Event()

    async def observe(session: Session) -> None:
        while not stop.is_set():
            sent = time.monotonic()
            if await guarded(stats, _timed(session.ping(), samples, sent)):
                pass
            await asyncio.sleep(OBSERVER_INTERVAL_S)

    watchers = [asyncio.create_task(observe(s)) for s in observers]
    await asyncio.sleep(BASELINE_S)
    progress(f"  {n} sessions: sign-in storm")
    storm_start = time.monotonic()

    async def sign_in(i: int, session: Session) -> None:
        async def code() -> str:
            found = await asyncio.to_thread(seed.latest_code, engine, seed.mobile(i))
            if found is None:
                raise JourneyError(f"no code for {seed.username(i)}")
            return found[1]
        await session.sign_in(seed.username(i), seed.PASSWORD, code, stats)

    signed = await asyncio.gather(*(guarded(stats, sign_in(i, s)) for i, s in live))
    storm_end = time.monotonic()
    stop.set()
    await asyncio.gather(*watchers)
    level.signins = sum(signed)
    level.password = stats.times.get("sign-in: password", [])
    level.signin_rate = level.signins / (storm_end - storm_start)
    level.idle_p95 = pct([rt for t, rt in samples if t < storm_start], 95)
    level.storm_p95 = pct([rt for t, rt in samples if storm_start <= t < storm_end], 95)
    await asyncio.gather(*(s.close() for s in observers))
    live = [(i, s) for (i, s), good in zip(live, signed, strict=True) if good]

    progress(f"  {n} sessions: journey (dashboard, exit/re-entry wizard to check answers, "
             "inquiry)")

    async def journey(i: int, session: Session) -> None:
        stats.add("dashboard", await session.dashboard())
        await think(think_s)
        stats.add("wizard: open", await session.open_wizard())
        if session.view(WIZARD, "phase") == "review":
            await think(think_s)
            stats.add("wizard: open", await session.restart_draft())
        await think(think_s)
        stats.add("wizard: answer", await session.answer(visa_kind="multiple"))
        await think(think_s)
        stats.add("wizard: answer", await session.answer(days="30"))
        await think(think_s)
        stats.add("inquiry: open", await session.open_inquiries())
        await think(think_s)
        stats.add("inquiry: ask", await session.ask_iqama(seed.iqama_number(i)))

    async def journeys(i: int, session: Session, until: float) -> None:
        if not duration:
            # One journey each, all begun within one think time of the storm's end: the
            # bench until session 11, and the filed code's bench (the saturation ratio).
            await asyncio.sleep(random.uniform(0, think_s))
            await journey(i, session)
            return
        # Begun over one journey's length (its seven thinks) and repeated until `duration`
        # is over, as N people working arrive: not N page loads in the first second.
        await asyncio.sleep(random.uniform(0, JOURNEY_THINKS * think_s))
        while True:
            await journey(i, session)
            if time.monotonic() >= until:
                return
            await think(think_s)

    for _, session in live:
        session.received.clear()
    start = time.monotonic()
    done = await asyncio.gather(*(guarded(stats, journeys(i, s, start + duration))
                                  for i, s in live))
    took = time.monotonic() - start
    received = [r for _, session in live for r in session.received]
    level.update_bytes = [size for size, _, _ in received]
    level.update_largest = max(((name, size) for _, name, size in received),
                               key=lambda kv: kv[1], default=("", 0))
    level.journey = [t for kind in JOURNEY_KINDS for t in stats.times.get(kind, [])]
    level.page_load = stats.times.get("dashboard", [])
    level.journey_rate = (len(level.journey) + len(level.page_load)) / took
    live = [(i, s) for (i, s), good in zip(live, done, strict=True) if good]

    progress(f"  {n} sessions: no-op events")

    async def noop(session: Session) -> None:
        await asyncio.sleep(random.uniform(0, think_s))
        for _ in range(args.pings):
            stats.add("no-op", await session.ping())
            await think(think_s)

    start = time.monotonic()
    await asyncio.gather(*(guarded(stats, noop(s)) for _, s in live))
    took = time.monotonic() - start
    level.noop = stats.times.get("no-op", [])
    level.noop_rate = len(level.noop) / took

    for _, session in live[:3]:
        sizes: dict[str, int] = {}
        if await guarded(stats, _store(session.state_bytes(), sizes)):
            total = sum(sizes.values())
            if total > level.state_total:
                level.state_total = total
                level.state_largest = max(sizes.items(), key=lambda kv: kv[1])
    progress(f"  {n} sessions: closing")
    for chunk in range(0, len(sessions), 100):
        await asyncio.gather(*(s.close() for s in sessions[chunk:chunk + 100]))
    engine.dispose()
    level.errors, level.timeouts = stats.errors, stats.timeouts
    progress(f"  {n} sessions: p50/p95/p99 ms by event: " + "; ".join(
        f"{kind} {fmt_ms(times)}" for kind, times in stats.times.items()))
    level.client_cpu = time.process_time() - cpu0
    return level


async def _timed(coro, samples: list, sent: float) -> None:
    samples.append((sent, await coro))


async def _store(coro, into: dict) -> None:
    into.update(await coro)


def argon2_verify_ms() -> float:
    """One argon2id verification with the app's parameters, in this process (median of 5)."""
    from absher_app.domain.passwords import hash_password, verify_password

    hashed = hash_password(seed.PASSWORD)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        verify_password(seed.PASSWORD, hashed)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


# -- page weight --------------------------------------------------------------------------------

def page_weight(base: str, cookie: str | None, paths: dict[str, str]) -> dict[str, tuple[int, int]]:
    """name -> (bytes transferred, JS bytes transferred) of a cold load in Chromium."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    out: dict[str, tuple[int, int]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, path in paths.items():
            context = browser.new_context()
            if cookie and name in ("dashboard", "wizard step"):
                key, value = cookie.split("=", 1)
                context.add_cookies([{"name": key, "value": value, "url": base}])
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            kinds: dict[str, str] = {}
            sizes: dict[str, int] = {}
            cdp.on("Network.responseReceived",
                   lambda e, kinds=kinds: kinds.__setitem__(e["requestId"], e.get("type", "")))
            cdp.on("Network.loadingFinished",
                   lambda e, sizes=sizes: sizes.__setitem__(e["requestId"],
                                                           int(e["encodedDataLength"])))
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_timeout(500)
            total = sum(sizes.values())
            js = sum(size for rid, size in sizes.items() if kinds.get(rid) == "Script")
            fonts = sum(size for rid, size in sizes.items() if kinds.get(rid) == "Font")
            out[name] = (total, js)
            progress(f"  {name}: {total / 1024:.0f} KB in {len(sizes)} responses: JS "
                     f"{js / 1024:.0f} KB, fonts {fonts / 1024:.0f} KB, other "
                     f"{(total - js - fonts) / 1024:.0f} KB")
            context.close()
        browser.close()
    return out


def app_pages(base: str, db_url: str) -> dict[str, tuple[int, int]]:
    engine = sqlalchemy.create_engine(db_url)

    async def signed_in_cookie() -> str:
        session = Session(base, base)
        stats = Stats()

        async def code() -> str:
            return (await asyncio.to_thread(seed.latest_code, engine, seed.mobile(0)))[1]
        try:
            await session.sign_in(seed.username(0), seed.PASSWORD, code, stats)
        finally:
            await session.close()
        return session.cookie

    cookie = asyncio.run(signed_in_cookie())
    engine.dispose()
    return page_weight(base, cookie, {"home": "/", "sign-in": "/login/",
                                      "dashboard": "/dashboard/",
                                      "wizard step": "/services/exit_reentry_issue/"})


def blank_page() -> tuple[int, int]:
    cwd = ROOT / "bench" / "blank_app"
    port = PORTS["blank"]
    env = dict(os.environ)
    env.update({"REFLEX_USE_SYSTEM_BUN": "1",
                "PATH": f"{ROOT / '.venv/bin'}:{ROOT / '.tools/node_modules/.bin'}:{env['PATH']}"})
    for name in ("REFLEX_DB_URL", "REFLEX_REDIS_URL", "GRANIAN_WORKERS"):
        env.pop(name, None)
    progress("blank Reflex app: building and serving (same toolchain)")
    with running(cwd, env, port, WORK / "blank-server.log"):
        return page_weight(f"http://localhost:{port}", None, {"blank": "/"})["blank"]


# -- the run ------------------------------------------------------------------------------------

def run_config(config: str, levels: list[int], args) -> tuple[list[Level], dict]:
    port = PORTS[config]
    base = f"http://localhost:{port}"
    db_url = f"sqlite:///{WORK / 'bench.db'}" if config == "sqlite" else PG_URL
    env = server_env(config, port, db_url)
    saturate = args.saturate if config == "sqlite" else 0
    accounts = max(levels + [saturate])
    progress(f"{CONFIG_TITLES[config]}: bench database with {accounts} accounts")
    seed.prepare(db_url, accounts, env)
    if config == "scaled":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    progress(f"{CONFIG_TITLES[config]}: building and starting on :{port}")
    results = []
    weights: dict = {}
    log = WORK / f"{config}-server.log"
    with running(ROOT, env, port, log):
        plan = [(n, args.think, args.duration, False) for n in levels]
        plan += [(saturate, SATURATION_THINK_S, 0, True)] * (args.rounds if saturate else 0)
        for n, think_s, duration, saturation in plan:
            logged = log.stat().st_size
            if saturation:
                progress(f"  saturation: {n} sessions thinking {think_s} s, one journey each")
            results.append(asyncio.run(run_level(base, n, db_url, args, think_s, duration,
                                                 saturation)))
            lv = results[-1]
            lv.server_errors = server_errors(log, logged)
            progress(f"  {n} sessions: journey p95 {pct(lv.journey, 95):.0f} ms, no-op p95 "
                     f"{pct(lv.noop, 95):.0f} ms, errors {len(lv.errors)}, "
                     f"timeouts {lv.timeouts}, server errors {len(lv.server_errors)}")
            if saturation and args.baseline:
                lv.before = baseline_rate(args.baseline, n, think_s)
        if not args.skip_weight:
            progress(f"{CONFIG_TITLES[config]}: page weight")
            weights = app_pages(base, db_url)
    return results, weights


def server_errors(log: Path, start: int) -> list[str]:
    """The errors in the server's log after byte `start`: the portal's JSON records of level
    error (Reflex's and asyncio's included, through its log handler), as "logger: message —
    the exception's last line"."""
    with open(log, "rb") as lines:
        lines.seek(start)
        found = []
        for line in lines:
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict) and record.get("level") == "error":
                    cause = (record.get("exception") or "").strip().splitlines()[-1:]
                    found.append(" — ".join([f"{record.get('logger')}: {record.get('message')}",
                                             *cause])[:200])
    return found


def _short(state_name: str) -> str:
    """`reflex___state____state.absher_app___pages___x____wizard_state` → `wizard_state`."""
    return state_name.split("____")[-1]


def fmt_ms(values: list[float]) -> str:
    return "/".join(f"{pct(values, q):.0f}" for q in (50, 95, 99)) if values else "–"


def table(runs: dict[str, list[Level]], weights: dict[str, dict], blank: tuple[int, int] | None,
          args, verify_ms: float) -> str:
    columns = [(c, lv) for c, levels in runs.items() for lv in levels]
    head = ["measure"] + [f"{'SQLite·1w' if c == 'sqlite' else 'PG+Redis·2w'} · {lv.sessions}"
                          + (" saturated" if lv.saturation else "") for c, lv in columns]
    rows: list[list[str]] = []

    def row(name: str, cell) -> None:
        rows.append([name] + [cell(c, lv) for c, lv in columns])

    row("no-op round trip p50/p95/p99 (ms)", lambda c, lv: fmt_ms(lv.noop))
    row("no-op events/s", lambda c, lv: f"{lv.noop_rate:.0f}")
    row("journey event round trip p50/p95/p99 (ms)", lambda c, lv: fmt_ms(lv.journey))
    row("journey events/s (incl. page loads)", lambda c, lv: f"{lv.journey_rate:.0f}")
    if any(lv.before for _, lv in columns):
        row(f"journey events/s of the code at {args.baseline}, right after",
            lambda c, lv: f"{lv.before:.0f}" if lv.before else "–")
    row("dashboard page load p50/p95/p99 (ms): socket, hydrate, on_load",
        lambda c, lv: fmt_ms(lv.page_load))
    row("journey p95 ÷ no-op p95 (target ≤ 1.5)",
        lambda c, lv: f"{pct(lv.journey, 95) / pct(lv.noop, 95):.1f}" if lv.noop else "–")
    row("sign-ins/s (argon2id, all at once)", lambda c, lv: f"{lv.signin_rate:.1f}")
    row("sign-in password step p50/p95 in the storm (ms, queued)",
        lambda c, lv: "/".join(f"{pct(lv.password, q):.0f}" for q in (50, 95)))
    row("others' ping p95 idle → sign-in storm (ms)",
        lambda c, lv: f"{lv.idle_p95:.0f} → {lv.storm_p95:.0f}")
    row("state per session, KB (largest class)",
        lambda c, lv: f"{lv.state_total / 1024:.1f} ({_short(lv.state_largest[0])} "
                      f"{lv.state_largest[1] / 1024:.1f})")
    row("bytes per update in the journey p50/p95/max (largest state in one)",
        lambda c, lv: "/".join(f"{nearest(lv.update_bytes, q):.0f}" for q in (50, 95, 100))
        + f" ({_short(lv.update_largest[0])} {lv.update_largest[1]})" if lv.update_bytes
        else "–")
    row("errors / timeouts / server errors logged (target 0)",
        lambda c, lv: f"{len(lv.errors)} / {lv.timeouts} / {len(lv.server_errors)}")
    row("load generator CPU (s)", lambda c, lv: f"{lv.client_cpu:.0f}")
    row("machine load average (1 min) at the start", lambda c, lv: f"{lv.load_average:.1f}")
    if blank:
        for page in ("home", "sign-in", "dashboard", "wizard step"):
            def cell(c, lv, page=page):
                if c not in weights or not weights[c]:
                    return "–"
                total, js = weights[c][page]
                return (f"{total / 1024:.0f} KB, JS {js / 1024:.0f} KB "
                        f"(×{total / blank[0]:.2f})")
            row(f"page weight {page}: bytes, JS (÷ blank)", cell)
        row("blank Reflex page: bytes, JS", lambda c, lv:
            f"{blank[0] / 1024:.0f} KB, JS {blank[1] / 1024:.0f} KB")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) + " |"
              for r in rows]
    cpu = platform.processor() or platform.machine()
    note = (f"\n{platform.node()}: {os.cpu_count()} CPUs ({cpu}),"
            f" Python {platform.python_version()}; think time {args.think} s ±50 %, "
            f"{args.pings} no-op events per session; one argon2id verify {verify_ms:.0f} ms here "
            f"(so ≈ {1000 / verify_ms * (os.cpu_count() or 1):.0f} sign-ins/s if hashing alone "
            "used every CPU); the load generator shares the machine.")
    return "\n".join(lines) + note


# Issue 14's targets for the events half (the pages half: `python -m bench.pages`). Today's
# saturation was about 110 journey events/s (SQLite, one worker; bench/README.md, 2026-11-22),
# on that day's machine: this one has run the same code twice as fast on one night as on
# another, so `--baseline` measures the code of that day (main when the issue was filed) here,
# in the same run.
SATURATION_BEFORE = 110.0
FILED = "5180997"
FILED_PORT = 3651  # where the filed code's bench serves (its ports are fixed)


def baseline_rate(rev: str, sessions: int, think_s: float) -> float:
    """Journey events/s of the code at `rev` (SQLite, one worker, `sessions` sessions thinking
    `think_s`) on this machine now, measured by that commit's own bench (its pages and states
    are its own) from a worktree of it that shares this checkout's virtualenv and Bun."""
    tree = WORK / f"baseline-{rev}"
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), rev], cwd=ROOT,
                       check=True, capture_output=True)
    for name in (".venv", ".tools"):
        if not (tree / name).exists():
            (tree / name).symlink_to(ROOT / name)
    tools = f"{ROOT / '.venv/bin'}:{ROOT / '.tools/node_modules/.bin'}"
    env = {**os.environ, "PYTHONPATH": str(tree), "REFLEX_USE_SYSTEM_BUN": "1",
           "PATH": f"{tools}:{os.environ.get('PATH', '')}"}
    progress(f"baseline: the code at {rev}, {sessions} sessions thinking {think_s} s, "
             "its own bench")
    done = subprocess.run([sys.executable, "-m", "bench.run", "--configs", "sqlite",
                           "--sessions", str(sessions), "--think", str(think_s),
                           "--pings", "1", "--skip-weight"],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=1800)
    rates = re.findall(r"^\| journey events/s[^|]*\|\s*([0-9.]+)", done.stdout, re.M)
    if not rates:
        raise RuntimeError(f"the baseline printed no rate:\n{done.stdout}\n{done.stderr[-2000:]}")
    return float(rates[0])


def targets(runs: dict[str, list[Level]], weights: dict[str, dict],
            blank: tuple[int, int] | None, args, baseline: str | None = None) -> str:
    """Each target beside this run's figure and the floor it is compared with (the no-op
    event on the same app and sockets, or the blank Reflex app). `baseline`: the revision
    whose rates the levels carry (`Level.before`)."""
    def level(config: str, n: int) -> Level | None:
        return next((lv for lv in runs.get(config, [])
                     if lv.sessions == n and not lv.saturation), None)

    def p95(lv: Level | None, kind: str = "journey") -> str:
        return f"{pct(getattr(lv, kind), 95):.0f} ms" if lv and getattr(lv, kind) else "not run"

    every = [lv for levels in runs.values() for lv in levels]
    rows = []
    for config, n, goal in (("sqlite", 200, 100), ("scaled", 500, 250)):
        lv = level(config, n)
        rows.append((f"journey p95 ≤ {goal} ms at {n} sessions ({CONFIG_TITLES[config]})",
                     p95(lv), f"no-op p95 {p95(lv, 'noop')}"))
    # The closed loop's rounds (their median); without --saturate, the busiest level, whose
    # rate is the offered load when the server keeps up.
    ran = [(lv, c) for c, levels in runs.items() for lv in levels]
    chosen = [(lv, c) for lv, c in ran if lv.saturation]
    if not chosen and ran:
        chosen = [max(ran, key=lambda pair: pair[0].journey_rate)]
    rate = statistics.median(lv.journey_rate for lv, _ in chosen) if chosen else 0.0
    config = chosen[0][1] if chosen else ""
    if not chosen:
        how = "not run"
    elif chosen[0][0].saturation:
        how = f"{args.saturate} sessions thinking {SATURATION_THINK_S} s" + (
            f", median of {len(chosen)} rounds" if len(chosen) > 1 else "")
    else:
        how = "the highest rate of any level; below saturation it is the offered load"

    def against(before: float, what: str) -> str:
        """The rate as a multiple of `before`; "not run" when no level ran."""
        return (f"{rate:.0f}/s ({rate / before:.1f} × {what}, {CONFIG_TITLES[config]})"
                if config else "not run")

    paired = [(lv.journey_rate, lv.before) for lv, _ in chosen if lv.before]
    if baseline and paired:
        ratios = [now / before for now, before in paired]
        rounds = ", ".join(f"{now:.0f}/{before:.0f}" for now, before in paired)
        rows.append(("saturation ≥ 3 × today's journey events/s, same machine",
                     f"{statistics.median(ratios):.1f} × ({rounds} events/s, this code/the "
                     f"code at {baseline}, {CONFIG_TITLES[config]})",
                     f"each pair measured back to back in this run, {how}"
                     + (f"; ratios {min(ratios):.1f}–{max(ratios):.1f}"
                        if len(ratios) > 1 else "")))
    rows.append((f"saturation ≥ 3 × {SATURATION_BEFORE:.0f} journey events/s (2026-11-22's "
                 "machine)", against(SATURATION_BEFORE, f"{SATURATION_BEFORE:.0f}/s"), how))
    for config in runs:
        lv = level(config, 200)
        if lv:
            rows.append((f"a sign-in storm of 200 moves others' p95 < 50 ms ({config})",
                         f"+{lv.storm_p95 - lv.idle_p95:.0f} ms "
                         f"({lv.idle_p95:.0f} → {lv.storm_p95:.0f})", "idle p95 before it"))
    rows.append(("state ≤ 100 KB a session",
                 f"{max((lv.state_total for lv in every), default=0) / 1024:.1f} KB", "–"))
    updates = [b for lv in every for b in lv.update_bytes]
    largest = max((lv.update_largest for lv in every), key=lambda kv: kv[1], default=("", 0))
    rows.append(("bytes sent per journey event (measured, largest explained)",
                 f"p50 {nearest(updates, 50):.0f}, p95 {nearest(updates, 95):.0f}, "
                 f"max {nearest(updates, 100):.0f} B" if updates else "not run",
                 f"largest state in one update: {_short(largest[0])} {largest[1]} B"))
    rows.append(("0 errors, 0 timeouts",
                 f"{sum(len(lv.errors) for lv in every)} errors, "
                 f"{sum(lv.timeouts for lv in every)} timeouts",
                 f"server errors logged: {sum(len(lv.server_errors) for lv in every)}"))
    if blank:
        for config, pages in weights.items():
            if pages:
                worst = max(pages.items(), key=lambda kv: kv[1][0])
                rows.append((f"transfer ≤ 1.25 × blank app ({config})",
                             f"{worst[1][0] / blank[0]:.2f} × ({worst[0]}, "
                             f"{worst[1][0] / 1024:.0f} KB)", f"blank {blank[0] / 1024:.0f} KB"))
    head = ("target (issue 14)", "this run", "beside it")
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(3)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) + " |"
              for r in rows]
    return "\n".join(lines) + "\nLighthouse and page speed: python -m bench.pages."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", default="50,200,500",
                        help="concurrent session counts, comma-separated (default 50,200,500)")
    parser.add_argument("--configs", default="sqlite,scaled",
                        help="sqlite and/or scaled (default both)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean think time between a session's events, seconds (default 1)")
    parser.add_argument("--duration", type=float, default=20.0,
                        help="each session repeats the journey until this many seconds have "
                             "passed, begun over one journey's length; 0: one journey each, "
                             "all begun within one think time (default 20)")
    parser.add_argument("--saturate", type=int, default=200, metavar="N",
                        help="after the SQLite levels, N sessions thinking "
                             f"{SATURATION_THINK_S} s, one journey each: the saturation rate "
                             "(0: none; default 200)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="how many times the closed loop of --saturate runs (each followed "
                             "by the code at --baseline when given); the median is reported "
                             "(default 1)")
    parser.add_argument("--pings", type=int, default=10, help="no-op events per session")
    parser.add_argument("--skip-weight", action="store_true", help="no page-weight measurement")
    parser.add_argument("--no-hashes", action="store_true",
                        help="page loads ask for the whole state snapshot (runs before "
                             "2026-11-30 evening did) instead of sending the compiled "
                             "defaults' hashes as a browser does")
    parser.add_argument("--baseline", nargs="?", const=FILED, default=None, metavar="REV",
                        help="also run the code at REV (default: main when issue 14 was filed, "
                             f"{FILED}) with its own bench, SQLite, in --saturate's closed "
                             "loop right after each of this run's rounds (else once, at the "
                             "largest session count), for the saturation ratio on this machine")
    args = parser.parse_args()
    levels = [int(n) for n in args.sessions.split(",")]
    if max(levels + [args.saturate]) > 2000 or args.pings > 100 or args.duration > 600 \
            or not 1 <= args.rounds <= 5:
        raise SystemExit("bounded: at most 2000 sessions, 100 pings each, 600 s of journeys "
                         "and 5 rounds")
    if args.baseline and PORTS["sqlite"] <= FILED_PORT <= PORTS["blank"]:
        # The filed code's bench serves on its fixed port while this run's server is up.
        PORTS.update({name: port + 10 for name, port in PORTS.items()})
        progress(f"this run serves on :{PORTS['sqlite']}-{PORTS['blank']} (the code at "
                 f"{args.baseline} uses :{FILED_PORT})")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    WORK.mkdir(parents=True, exist_ok=True)
    verify_ms = argon2_verify_ms()
    runs: dict[str, list[Level]] = {}
    weights: dict[str, dict] = {}
    errors: list[str] = []
    for config in args.configs.split(","):
        runs[config], weights[config] = run_config(config, levels, args)
        errors += [e for lv in runs[config] for e in lv.errors + lv.server_errors]
    blank = None if args.skip_weight else blank_page()
    every = [lv for ran in runs.values() for lv in ran]
    if args.baseline and every and not any(lv.saturation for lv in every):
        # No closed loop ran (--configs scaled, --saturate 0): the largest level, once.
        max(every, key=lambda lv: lv.journey_rate).before = baseline_rate(
            args.baseline, max(levels), args.think)
    print(table(runs, weights, blank, args, verify_ms))
    print()
    print(targets(runs, weights, blank, args, args.baseline))
    if errors:
        print("\nfirst errors:\n  " + "\n  ".join(sorted(set(errors))[:10]))


if __name__ == "__main__":
    main()
