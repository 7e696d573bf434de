"""Reflex configuration. Every value comes from the environment via absher_app.settings."""

import reflex as rx

from absher_app.settings import get_settings

settings = get_settings()

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
