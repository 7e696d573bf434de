"""Page speed on a cheap phone: Lighthouse (mobile) on the production build and on
bench/blank_app in the same run, one table. A benchmark: it reports, it asserts nothing.

    python -m bench.pages                          # every page, 5 Lighthouse runs each (median)
    python -m bench.pages --runs 1 --pages home,login
    python -m bench.pages --url http://localhost:3410 --blank-url http://localhost:3411

What one run does:
 1. installs Lighthouse (pinned, from npm) into .tools/lighthouse when it is not there yet;
 2. makes a fresh SQLite database with the migrations and the demo data, builds and starts
    the production app (`reflex run --env prod`, one port) and bench/blank_app (a blank Reflex
    page built by the same Reflex and Bun);
 3. signs in as the demo resident `ahmed` in Debian's Chromium (password, then the SMS code
    from the dev outbox) and keeps the HttpOnly session cookie, which Lighthouse then sends with
    every request of the signed-in pages (the page load and the websocket handshake);
 4. runs Lighthouse (mobile form factor, simulated slow 4G, 4× CPU slowdown: its defaults) on
    each page in Arabic, in --runs rounds (the blank app first in each round, so that both see
    the same moments of a shared machine), and keeps each page's run with the median
    performance score;
 5. prints one table: performance, accessibility, best practices, FCP, LCP, TBT and bytes
    transferred per page, each page's bytes ÷ the blank page's, and Lighthouse's CPU
    benchmark index of that run (a loaded machine scores low, and its TBT and FCP suffer).

Servers listen on 127.0.0.1 ports --port and --blank-port (3410 and 3411 unless
ABSHER_PAGES_PORT says otherwise); they are stopped at the end. Reports and logs go to
test-artifacts/bench-pages/.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "test-artifacts" / "bench-pages"
LIGHTHOUSE_VERSION = "13.5.0"
LIGHTHOUSE_DIR = ROOT / ".tools" / "lighthouse"
LIGHTHOUSE_CLI = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
DEFAULT_PORT = int(os.environ.get("ABSHER_PAGES_PORT", "3410"))
CATEGORIES = ("performance", "accessibility", "best-practices")
# The resident whose dashboard and wizard step are measured (demo data, see domain/demo.py).
DEMO_USER, DEMO_PERSON_KEY = "ahmed", "r2"


@dataclass(frozen=True)
class PageSpec:
    """One page to measure: a name for the table, its path, and whether it needs a session."""

    name: str
    path: str
    signed_in: bool = False


PAGES = (
    PageSpec("home", "/"),
    PageSpec("login", "/login/"),
    PageSpec("register", "/register/"),
    PageSpec("inquiries", "/inquiries/"),
    PageSpec("dashboard", "/dashboard/", signed_in=True),
    PageSpec("wizard step", "/services/exit_reentry_issue/", signed_in=True),
)
BLANK = PageSpec("blank app", "/")


@dataclass
class Result:
    """What one Lighthouse run measured on one page."""

    scores: dict[str, float]
    fcp_ms: float
    lcp_ms: float
    tbt_ms: float
    transfer_bytes: int
    by_type: dict[str, int] = field(default_factory=dict)
    final_url: str = ""
    failures: list[str] = field(default_factory=list)
    # Lighthouse's measure of the CPU it had (higher is faster; a loaded machine scores low):
    # the simulation multiplies observed CPU time by 4, so a busy machine costs TBT and FCP.
    benchmark_index: float = 0.0


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- Lighthouse --------------------------------------------------------------------------------

def ensure_lighthouse() -> Path:
    """The pinned Lighthouse CLI, installed into .tools/lighthouse on first use."""
    package = LIGHTHOUSE_CLI.parent.parent / "package.json"
    if package.is_file() and json.loads(package.read_text())["version"] == LIGHTHOUSE_VERSION:
        return LIGHTHOUSE_CLI
    progress(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {LIGHTHOUSE_DIR}")
    LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "install", "--prefix", str(LIGHTHOUSE_DIR), "--no-audit", "--no-fund",
                    "--loglevel", "error", f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    return LIGHTHOUSE_CLI


TRIES = 3
RUN_AGAIN = "Please run Lighthouse again"


def lighthouse(url: str, report: Path, cookie: str | None) -> Result:
    """One Lighthouse run (mobile defaults) of `url`; the JSON report is kept at `report`."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    command = [
        "node", str(ensure_lighthouse()), url, "--output=json", f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}", "--quiet",
        "--chrome-flags=" + " ".join(["--headless=new", *CHROMIUM_ARGS]),
    ]
    if cookie:
        headers = report.with_suffix(".headers.json")
        headers.write_text(json.dumps({"Cookie": cookie}))
        command.append(f"--extra-headers={headers}")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for _ in range(TRIES):
        report.unlink(missing_ok=True)
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        # A trace Chromium recorded badly (NO_NAVSTART, NO_FCP...): Lighthouse itself says to
        # run it again; anything else is a real failure.
        if done.returncode == 0 or RUN_AGAIN not in done.stderr:
            break
        progress(f"  lighthouse asks to run again on {url}: {done.stderr.strip()[-160:]}")
    if done.returncode != 0 or not report.is_file():
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
    return parse_report(json.loads(report.read_text()))


def parse_report(lhr: dict) -> Result:
    """The figures of the table from a Lighthouse result (lhr) JSON."""
    audits = lhr["audits"]
    by_type: dict[str, int] = {}
    for item in audits.get("network-requests", {}).get("details", {}).get("items", []):
        kind = item.get("resourceType") or "Other"
        by_type[kind] = by_type.get(kind, 0) + int(item.get("transferSize") or 0)
    failures = [audit_id for category in ("accessibility", "best-practices")
                for ref in lhr["categories"][category]["auditRefs"]
                if ref["weight"] and (audit_id := ref["id"]) in audits
                and audits[audit_id].get("score") is not None and audits[audit_id]["score"] < 1]
    return Result(
        scores={c: lhr["categories"][c]["score"] for c in CATEGORIES},
        fcp_ms=audits["first-contentful-paint"]["numericValue"],
        lcp_ms=audits["largest-contentful-paint"]["numericValue"],
        tbt_ms=audits["total-blocking-time"]["numericValue"],
        transfer_bytes=int(audits["total-byte-weight"]["numericValue"]),
        by_type=by_type,
        final_url=lhr.get("finalDisplayedUrl", ""),
        failures=failures,
        benchmark_index=lhr.get("environment", {}).get("benchmarkIndex", 0.0),
    )


def median_run(results: list[Result]) -> Result:
    """The run with the median performance score (the lower middle one for an even count)."""
    ordered = sorted(results, key=lambda r: r.scores["performance"])
    return ordered[(len(ordered) - 1) // 2]


# -- servers -----------------------------------------------------------------------------------

def prepare_database(env: dict[str, str]) -> None:
    """A fresh SQLite database at env's REFLEX_DB_URL: migrations, then the demo data."""
    absher = str(ROOT / ".venv/bin/absher")
    subprocess.run([absher, "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([absher, "seed", "demo"], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def app_env(port: int) -> dict[str, str]:
    """The production app's environment: its own database and origin, demo settings."""
    from tests.e2e.conftest import app_environment

    db_path = WORK / "pages.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return app_environment(db_path, port)


def blank_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"REFLEX_USE_SYSTEM_BUN": "1",
                "PATH": f"{ROOT / '.venv/bin'}:{ROOT / '.tools/node_modules/.bin'}:"
                        f"{env.get('PATH', '')}"})
    for name in ("REFLEX_DB_URL", "REFLEX_REDIS_URL", "GRANIAN_WORKERS"):
        env.pop(name, None)
    return env


@contextlib.contextmanager
def servers(port: int, blank_port: int) -> Iterator[tuple[str, str, dict[str, str]]]:
    """The production app (demo data) and the blank app, built and running; their base URLs
    and the app's environment (for reading the SMS outbox)."""
    from bench.run import running

    WORK.mkdir(parents=True, exist_ok=True)
    env = app_env(port)
    prepare_database(env)
    progress(f"building and starting the app on :{port} and the blank app on :{blank_port} "
             "(first builds take minutes)")
    with running(ROOT, env, port, WORK / "app-server.log"), \
            running(ROOT / "bench" / "blank_app", blank_env(), blank_port,
                    WORK / "blank-server.log"):
        yield f"http://localhost:{port}", f"http://localhost:{blank_port}", env


def demo_mobile(key: str) -> str:
    from absher_app.domain.calendars import today_in_riyadh
    from absher_app.domain.demo import demo_ids, demo_records
    from absher_app.providers.clock import SystemClock

    number = demo_ids()[key]
    return next(r["mobile"] for r in demo_records(today_in_riyadh(SystemClock()))
                if r["id_number"] == number)


def session_cookie(base: str, env: dict[str, str]) -> str:
    """Sign in as the demo resident in Chromium, as a person does; the Cookie header value."""
    from playwright.sync_api import sync_playwright

    from absher_app.application.identity import SESSION_COOKIES
    from absher_app.domain.demo import DEMO_PASSWORD

    cookie_name = SESSION_COOKIES["person"]
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.e2e.helpers import sign_in

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base)
        sign_in(context.new_page(), env, DEMO_USER, DEMO_PASSWORD, demo_mobile(DEMO_PERSON_KEY))
        value = next(c["value"] for c in context.cookies() if c["name"] == cookie_name)
        browser.close()
    return f"{cookie_name}={value}"


# -- the run -----------------------------------------------------------------------------------

def measure_once(base: str, spec: PageSpec, run: int, cookie: str | None) -> Result:
    slug = spec.name.replace(" ", "-")
    result = lighthouse(base + spec.path, WORK / f"{slug}-{run + 1}.json", cookie)
    if spec.signed_in and "/login" in result.final_url:
        raise RuntimeError(f"{spec.name}: Lighthouse was sent to {result.final_url} "
                           "(not signed in)")
    progress(f"  {spec.name} run {run + 1}: performance {result.scores['performance']:.2f}, "
             f"{result.transfer_bytes / 1024:.0f} KiB, FCP {result.fcp_ms:.0f} ms, "
             f"LCP {result.lcp_ms:.0f} ms, TBT {result.tbt_ms:.0f} ms, "
             f"CPU index {result.benchmark_index:.0f}")
    return result


def table(rows: dict[str, Result], blank: Result) -> str:
    head = ["page", "perf", "a11y", "best pr.", "FCP s", "LCP s", "TBT ms", "KiB",
            "÷ blank", "JS / CSS / font / doc KiB", "CPU index"]
    lines = []
    for name, r in [*rows.items(), (BLANK.name, blank)]:
        kinds = "/".join(f"{r.by_type.get(k, 0) / 1024:.0f}"
                         for k in ("Script", "Stylesheet", "Font", "Document"))
        lines.append([
            name, f"{r.scores['performance']:.2f}", f"{r.scores['accessibility']:.2f}",
            f"{r.scores['best-practices']:.2f}", f"{r.fcp_ms / 1000:.1f}",
            f"{r.lcp_ms / 1000:.1f}", f"{r.tbt_ms:.0f}", f"{r.transfer_bytes / 1024:.0f}",
            f"{r.transfer_bytes / blank.transfer_bytes:.2f}", kinds, f"{r.benchmark_index:.0f}"])
    widths = [max(len(x[i]) for x in [head, *lines]) for i in range(len(head))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += ["| " + " | ".join(v.ljust(w) for v, w in zip(x, widths, strict=True)) + " |"
            for x in lines]
    return "\n".join(out)


def machine_note(runs: int, started: float) -> str:
    chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True,
                              text=True).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{time.strftime('%Y-%m-%d')}, {platform.node()}: {os.cpu_count()} CPUs "
            f"({platform.machine()}), load average {os.getloadavg()[0]:.1f} at the end; "
            f"Lighthouse {LIGHTHOUSE_VERSION} (mobile, simulated throttling), {chromium}, "
            f"Node {node}; "
            f"median of {runs} run(s) per page; {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Lighthouse runs per page (median)")
    parser.add_argument("--pages", default=",".join(p.name for p in PAGES),
                        help="comma-separated page names (default: all)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--blank-port", type=int, default=None,
                        help="the blank app's port (default --port + 1)")
    parser.add_argument("--url", help="measure an app already running with the demo data")
    parser.add_argument("--blank-url", help="with --url: a blank app already running")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--serve", action="store_true",
                        help="only build and start both apps, until interrupted (then measure "
                             "with --url/--blank-url from another shell)")
    args = parser.parse_args()
    if not 1 <= args.runs <= 9:
        raise SystemExit("bounded: 1 to 9 runs per page")
    wanted = [p for p in PAGES if p.name in args.pages.split(",")]
    if shutil.which("node") is None:
        raise SystemExit("needs Node (for Lighthouse) on PATH")
    ensure_lighthouse()
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    def run_all(base: str, blank_base: str, env: dict[str, str]) -> tuple[dict, Result]:
        cookie = None
        if any(p.signed_in for p in wanted):
            progress(f"signing in as {DEMO_USER}")
            cookie = session_cookie(base, env)
        # Rounds: the blank app, then every page, --runs times. On a shared machine the CPU
        # available changes by the minute; interleaving gives the blank app the same moments.
        runs: dict[str, list[Result]] = {spec.name: [] for spec in [BLANK, *wanted]}
        for run in range(args.runs):
            progress(f"round {run + 1} of {args.runs}")
            runs[BLANK.name].append(measure_once(blank_base, BLANK, run, None))
            for spec in wanted:
                runs[spec.name].append(
                    measure_once(base, spec, run, cookie if spec.signed_in else None))
        blank = median_run(runs.pop(BLANK.name))
        return {name: median_run(results) for name, results in runs.items()}, blank

    if args.serve:
        def interrupted(*_args) -> None:
            raise KeyboardInterrupt  # so that `kill PID` also stops both servers

        signal.signal(signal.SIGTERM, interrupted)
        with servers(args.port, args.blank_port or args.port + 1) as (base, blank_base, env):
            print(f"app {base} (database {env['REFLEX_DB_URL']}), blank app {blank_base}; "
                  "Ctrl-C stops both", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
        return
    if args.url:
        if not args.blank_url:
            raise SystemExit("--url needs --blank-url")
        from tests.e2e.conftest import app_environment

        env = app_environment(WORK / "pages.db", int(args.url.rsplit(":", 1)[1]))
        env.update({k: v for k, v in os.environ.items() if k == "REFLEX_DB_URL"})
        rows, blank = run_all(args.url.rstrip("/"), args.blank_url.rstrip("/"), env)
    else:
        with servers(args.port, args.blank_port or args.port + 1) as (base, blank_base, env):
            rows, blank = run_all(base, blank_base, env)
    print(table(rows, blank))
    print(machine_note(args.runs, started))
    for name, r in rows.items():
        if r.failures:
            print(f"{name}: accessibility/best-practices audits below 1: {', '.join(r.failures)}")
    if args.json:
        args.json.write_text(json.dumps({
            "pages": {n: r.__dict__ for n, r in rows.items()}, "blank": blank.__dict__,
            "median_of": args.runs, "date": time.strftime("%Y-%m-%d")}, indent=1))


if __name__ == "__main__":
    main()
