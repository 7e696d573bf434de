"""Arabic and English strings: one catalogue per language, one key each.

Pages never hold string literals; they call `absher_app.state.language.t(key)`. Server-side
text (SMS, error messages) uses `translate` here, which has no Reflex import.
"""

from __future__ import annotations

from typing import Any

from absher_app.i18n.ar import STRINGS as AR
from absher_app.i18n.en import STRINGS as EN

LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "ar"
CATALOGUES: dict[str, dict[str, str]] = {"ar": AR, "en": EN}


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The string for `key` in `lang`, with `{name}` placeholders filled from params."""
    catalogue = CATALOGUES.get(lang, AR)
    text = catalogue[key]
    return text.format(**params) if params else text


def error_text(code: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The user-facing message for a domain error code (falls back to a generic message)."""
    key = f"errors.{code}"
    if key not in CATALOGUES.get(lang, AR):
        key = "errors.generic"
    return translate(key, lang, **params)
