"""The account pages (حسابي): `/account`, the overview, and one page per task."""

from absher_app.pages.account import (
    authenticator,
    close,
    data,
    devices,
    mobile,
    overview,
    password,
)

__all__ = ["authenticator", "close", "data", "devices", "mobile", "overview", "password"]
