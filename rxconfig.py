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
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="green", gray_color="sage", radius="medium")
        ),
    ],
)
