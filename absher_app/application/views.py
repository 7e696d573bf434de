"""Small view types every use case returns: bilingual text, problems, times as shown.

A view holds both languages (the person may switch while the page is open) and nothing the
page does not show: no internal ids, no secrets.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from absher_app.domain.calendars import RIYADH
from absher_app.domain.errors import DomainError
from absher_app.i18n import error_text, translate

# A form with nothing wrong; a problem is {"ar", "en", "field"} (field: the input's name).
NO_PROBLEM: dict[str, str] = {"ar": "", "en": "", "field": ""}


def problem(error: DomainError) -> dict[str, str]:
    """The bilingual message of a domain error, attached to its field."""
    return {"ar": error_text(error.code, "ar", **error.params),
            "en": error_text(error.code, "en", **error.params), "field": error.field}


def problem_for(code: str, field: str = "", **params: Any) -> dict[str, str]:
    """The bilingual message of an error the application itself raises."""
    return problem(DomainError(code, code, **params).about(field))


def both(key: str, **params: Any) -> tuple[str, str]:
    """Catalogue string `key` in Arabic and English."""
    return translate(key, "ar", **params), translate(key, "en", **params)


@dataclasses.dataclass
class Option:
    """A choice in a list: its value (never an internal id) and its label in both languages."""

    value: str
    ar: str
    en: str


@dataclasses.dataclass
class Text:
    """A line in both languages."""

    ar: str = ""
    en: str = ""


def text(key: str, **params: Any) -> Text:
    """Catalogue string `key` as a bilingual Text."""
    return Text(*both(key, **params))


def local_time(value: datetime | None) -> str:
    """A moment as people in the Kingdom read it (Riyadh time, 24-hour clock)."""
    return value.astimezone(RIYADH).strftime("%Y-%m-%d %H:%M") if value else ""
