"""Browser journeys against the production build (`reflex run --env prod`) in Debian's Chromium.

The fixture builds and starts the app once per test run, on its own SQLite file with the demo
data and its own port (ABSHER_E2E_PORT, default 3100), unless ABSHER_E2E_URL names a running one.

ABSHER_E2E_SCALED=1 runs the same journeys against the scale-out configuration instead:
PostgreSQL (database ABSHER_E2E_PG_URL, recreated empty, migrated, demo data), Reflex's Redis
state manager (ABSHER_E2E_REDIS_URL, that database number flushed) and two Granian workers; the
server logs one line per event with the worker's PID (ABSHER_EVENT_LOG=1). Without a reachable
PostgreSQL or Redis every journey is skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
# Screenshots the issues ask for (dashboard, wizard, check answers, confirmation, family, visa
# at 360 px in both languages): kept beside the journeys that take them.
REVIEW_SHOTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("ABSHER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# WCAG 2.x A and AA, up to 2.2.
WCAG_TAGS = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}
STARTUP_TIMEOUT_S = 900
SCALED = os.environ.get("ABSHER_E2E_SCALED") == "1"
E2E_PG_URL = os.environ.get("ABSHER_E2E_PG_URL",
                            "postgresql+psycopg://postgres@127.0.0.1:5432/absher_e2e")
# A database number of its own, flushed at the start of a scaled run.
E2E_REDIS_URL = os.environ.get("ABSHER_E2E_REDIS_URL", "redis://127.0.0.1:6379/13")
SCALED_WORKERS = 2
# Where the run's time goes outside the journeys themselves (printed at the end of the run).
TIMINGS: list[tuple[str, float]] = []


@contextlib.contextmanager
def timed(what: str) -> Iterator[None]:
    """Add how long the block took to the timings printed at the end of the run."""
    start = time.monotonic()
    try:
        yield
    finally:
        TIMINGS.append((what, time.monotonic() - start))


def pytest_terminal_summary(terminalreporter) -> None:
    if TIMINGS:
        terminalreporter.section("where the browser run's time went, besides the journeys")
        for what, seconds in TIMINGS:
            terminalreporter.write_line(f"{seconds:7.1f} s  {what}")


def scaled_unavailable() -> str | None:
    """Why the scale-out configuration cannot run here (None when PostgreSQL and Redis answer)."""
    import redis

    from absher_app.db import create_database

    try:
        create_database(E2E_PG_URL)
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable for {E2E_PG_URL}: {type(exc).__name__}"
    try:
        redis.Redis.from_url(E2E_REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        return f"Redis not reachable at {E2E_REDIS_URL}: {type(exc).__name__}"
    return None


def _wait_for(url: str, timeout: float, process: subprocess.Popen | None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the app exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def app_environment(db_path: Path, port: int) -> dict[str, str]:
    """The environment the app under test runs with."""
    env = dict(os.environ)
    env.update({
        "REFLEX_DB_URL": E2E_PG_URL if SCALED else f"sqlite:///{db_path}",
        "ABSHER_ENV": "test",
        # The app under test hashes passwords at the production cost, whatever the unit tests
        # of the same pytest process chose (tests/unit/conftest.py).
        "ABSHER_PASSWORD_HASH_COST": "owasp",
        # The demo's tools (SMS outbox page, demo bank and kiosk) and its banner: the journeys
        # read codes and pay bills through them.
        "ABSHER_DEMO": "1",
        # https://localhost: the same build behind nginx (tests/e2e/test_proxy.py).
        "ABSHER_ALLOWED_ORIGINS": f"http://localhost:{port},http://127.0.0.1:{port},"
                                  "https://localhost",
        # One proxy when the journey goes through nginx; without it (no X-Forwarded-For) the
        # peer's address stands, as before.
        "ABSHER_TRUSTED_PROXY_HOPS": "1",
        "ABSHER_PUBLIC_URL": f"http://localhost:{port}",
        # Journeys run `absher jobs run` when they need the jobs: an hourly run starting on its
        # own would text demo persons in the middle of someone's sign-in.
        "ABSHER_JOBS_EVERY_MINUTES": "0",
        # Every journey comes from 127.0.0.1: one client IP for the whole run.
        "ABSHER_INQUIRY_RATE_LIMIT": "120/minute",
        # The lock journeys make many wrong sign-ins from 127.0.0.1 on purpose.
        "ABSHER_SIGN_IN_FAILURE_LIMIT": "1000/hour",
        "ABSHER_SIGN_IN_SLOW_LIMIT": "1000/hour",
        "ABSHER_REGISTRATION_FAILURE_LIMIT": "1000/hour",
        "REFLEX_USE_SYSTEM_BUN": "1",
        # Message attachments of this run (tests check that refused files leave nothing here).
        "ABSHER_DATA_DIR": str(db_path.parent / "data"),
        # The app's metric files (not the unit tests' directory this process may have set).
        "ABSHER_METRICS_DIR": str(db_path.parent / "metrics"),
        # Journeys move the browser's clock forward by minutes (page.clock); with Reflex's
        # default 2-minute ping timeout the socket would then drop and reconnect, and a
        # reconnect loads the page's state again (an on_load that counts as activity).
        "REFLEX_SOCKET_TIMEOUT": "1h",
        "PATH": f"{ROOT / '.venv/bin'}:{ROOT / '.tools/node_modules/.bin'}:{env.get('PATH', '')}",
    })
    if SCALED:
        env.update({
            "REFLEX_REDIS_URL": E2E_REDIS_URL,
            "GRANIAN_WORKERS": str(SCALED_WORKERS),
            "REFLEX_USE_GRANIAN": "1",
            "ABSHER_EVENT_LOG": "1",
        })
    else:
        env.pop("REFLEX_REDIS_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


@pytest.fixture(scope="session")
def app_env() -> dict[str, str]:
    """The environment of the app under test, for running the CLI against its database."""
    if os.environ.get("ABSHER_E2E_URL"):
        return dict(os.environ)
    port = int(os.environ.get("ABSHER_E2E_PORT", "3100"))
    return app_environment(ARTIFACTS / "e2e.db", port)


def _refuse_a_busy_port(port: int) -> None:
    """Stop at once when another app already listens on the port: Reflex would only warn, and
    the journeys would then drive that app while reading codes from this run's database."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError as exc:
            raise RuntimeError(f"port {port} is already in use (another test run?); set "
                               "ABSHER_E2E_PORT to a free port") from exc


class AppServer:
    """The production app under test: started once per run, restartable by a test."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.url = f"http://localhost:{port}"
        self.process: subprocess.Popen | None = None
        self.log_path = ARTIFACTS / ("e2e-server-scaled.log" if SCALED else "e2e-server.log")

    def start(self) -> None:
        _refuse_a_busy_port(self.port)
        log = open(self.log_path, "a")  # noqa: SIM115 - the child process holds it
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/reflex"), "run", "--env", "prod",
             "--frontend-port", str(self.port), "--backend-port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        try:
            with timed("app start: compile, frontend build, backend up"):
                _wait_for(f"{self.url}/ping", STARTUP_TIMEOUT_S, self.process)
        except Exception:
            tail = self.log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the app did not start; server log tail:\n{tail}") from None

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None

    def restart(self) -> None:
        """Stop the server and start it again on the same database (what a deploy does)."""
        if os.environ.get("ABSHER_E2E_URL"):
            pytest.skip("the app under test is external (ABSHER_E2E_URL); cannot restart it")
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def app_server(app_env) -> Iterator[AppServer | None]:
    """The app process this run started (None when ABSHER_E2E_URL names a running app)."""
    if os.environ.get("ABSHER_E2E_URL"):
        yield None
        return
    port = int(os.environ.get("ABSHER_E2E_PORT", "3100"))
    ARTIFACTS.mkdir(exist_ok=True)
    if SCALED:
        if reason := scaled_unavailable():
            pytest.skip(f"scale-out journeys not run: {reason}")
        import redis

        from absher_app.db import create_database

        create_database(E2E_PG_URL, recreate=True)
        redis.Redis.from_url(E2E_REDIS_URL).flushdb()
    db_path = ARTIFACTS / "e2e.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    absher = str(ROOT / ".venv/bin/absher")
    with timed("database: migrate and load the demo"):
        subprocess.run([absher, "db", "upgrade"], env=app_env, cwd=ROOT, check=True)
        subprocess.run([absher, "seed", "demo"], env=app_env, cwd=ROOT, check=True)
        subprocess.run([absher, "metrics", "clear"], env=app_env, cwd=ROOT, check=True)
    server = AppServer(app_env, port)
    server.log_path.write_text("")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app_url(app_server) -> str:
    """Base URL of the running production build."""
    if app_server is None:
        external = os.environ["ABSHER_E2E_URL"]
        _wait_for(f"{external}/ping", 60, None)
        return external.rstrip("/")
    return app_server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download its own browser here."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(app_url) -> str:
    """pytest-playwright resolves relative `page.goto` paths against this."""
    return app_url


_AXE = Axe()


def assert_accessible(page: Page) -> None:
    """Fail on any WCAG 2.x A/AA violation axe-core finds on the page as it is now."""
    results = _AXE.run(page)
    violations = [
        v for v in results.response["violations"] if WCAG_TAGS & set(v.get("tags", []))
    ]
    if violations:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:3])
            for v in violations
        ]
        pytest.fail("accessibility violations on " + page.url + ":\n" + "\n".join(lines))


def wait_until_connected(page: Page) -> None:
    """Wait until the page hydrated and the backend answered (see document_language_script)."""
    page.wait_for_function("document.documentElement.dataset.connected === '1'", timeout=30000)


def visit(page: Page, path: str) -> None:
    """Open `path`, wait for the backend, and check accessibility."""
    page.goto(path)
    wait_until_connected(page)
    assert_accessible(page)


def screenshot(page: Page, name: str, folder: Path = SCREENSHOTS) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots (or `folder`)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
