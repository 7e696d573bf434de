"""Reflex configuration. Every value comes from the environment via absher_app.settings."""

import os

import reflex as rx

from absher_app.settings import get_settings

settings = get_settings()

if settings.redis_url:
    # With Redis, a worker keeps the lock of a tab it serves, and the tab's state in memory, for
    # a few seconds after an event (Reflex's "opportunistic lock"): the tab's next events skip
    # the lock, read and write round trips to Redis and the rebuilding of its states, and
    # another worker that needs the tab asks for the lock and gets the state as written back.
    # At 500 sessions, journey p95 2156–2207 → 1623–2023 ms (bench/README.md). Read by Reflex
    # from the environment when each worker creates its state manager.
    os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")
    # For 1 s, not Reflex's default of half the lock's 10 s: the kept state is written back
    # when the hold ends, and if the worker's loop is late by more than the rest of the 10 s
    # (an overloaded worker), the lock has expired and Reflex drops the state unwritten: the
    # tab's last changes are lost (23 times in one run at 500 sessions on a slow night; 0 with
    # 1 s, which still spares Redis for most of a person's next events; bench/README.md).
    if not (os.environ.get("REFLEX_OPLOCK_HOLD_TIME")
            or os.environ.get("REFLEX_OPLOCK_HOLD_TIME_MS")):
        os.environ["REFLEX_OPLOCK_HOLD_TIME"] = "1s"

config = rx.Config(
    app_name="absher_app",
    db_url=settings.db_url,
    redis_url=settings.redis_url,
    # A government portal does not phone home.
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # The default "*" would let any site open a socket to the backend.
    cors_allowed_origins=settings.cors_origins,
    # No Radix Themes: the pages are plain elements (rx.el) styled by the portal's own small
    # stylesheet (assets/styles.css), so no 87 KB theme stylesheet blocks the first paint.
    plugins=[rx.plugins.SitemapPlugin()],
    # One worker without Redis keeps the tabs' state in memory rather than in a file per tab:
    # the disk manager's reads, writes and purges cost the no-op event's p95 170 ms against 6 ms
    # at 200 sessions (bench/README.md). A restart loses only what a page reads again on load
    # (sessions, drafts and requests live in the database). With Redis, Reflex uses Redis.
    **({} if settings.redis_url else {"state_manager_mode": "memory"}),
    # The build writes a Brotli and a gzip copy of every text asset; the server picks one by
    # the browser's Accept-Encoding (Brotli is ~15 % smaller than gzip on the scripts).
    frontend_compression_formats=["brotli", "gzip"],
)
