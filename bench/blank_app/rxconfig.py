"""A blank Reflex app: the page-weight baseline of bench/ (same Reflex, same Bun, same build)."""

import reflex as rx

config = rx.Config(app_name="blank_app", telemetry_enabled=False,
                   show_built_with_reflex=False)
