"""Arabic and English strings: one catalogue per language, one key each.

Pages never hold string literals; they call `absher_app.state.language.t(key)`. Server-side
text (SMS, error messages) uses `translate` here, which has no Reflex import.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from absher_app.i18n import sections
from absher_app.i18n.ar import STRINGS as CORE_AR
from absher_app.i18n.en import STRINGS as CORE_EN


def _merged() -> tuple[dict[str, str], dict[str, str]]:
    """The core catalogues plus every section module, refusing a key defined twice."""
    ar, en = dict(CORE_AR), dict(CORE_EN)
    for info in sorted(pkgutil.iter_modules(sections.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{sections.__name__}.{info.name}")
        for merged, part in ((ar, module.AR), (en, module.EN)):
            repeated = merged.keys() & part.keys()
            if repeated:
                raise ValueError(f"i18n section {info.name} redefines {sorted(repeated)}")
            merged.update(part)
    return ar, en


AR, EN = _merged()
LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "ar"
CATALOGUES: dict[str, dict[str, str]] = {"ar": AR, "en": EN}


# Parameters that are a count of a unit: the catalogue's text holds only the placeholder
# ("in {minutes}") and the number is written with its noun in agreement ("3 دقائق").
COUNTED_PARAMS = {"minutes": "units.minutes", "seconds": "units.seconds"}


def counted(prefix: str, count: int, lang: str = DEFAULT_LANGUAGE, name: str = "count") -> str:
    """A number with its noun, by the keys `{prefix}_1`, `_2`, `_few` and `_many`.

    Arabic agrees in four ways: 'دقيقة واحدة', 'دقيقتين', '5 دقائق' (3 to 10), '11 دقيقة';
    English has '1 minute' and '30 minutes' (its `_2` and `_few` say the same as `_many`).
    """
    count = abs(int(count))
    if count in (1, 2):
        form = str(count)
    elif 3 <= count % 100 <= 10:
        form = "few"
    else:
        form = "many"
    return CATALOGUES.get(lang, AR)[f"{prefix}_{form}"].format(**{name: count})


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The string for `key` in `lang`, with `{name}` placeholders filled from params."""
    catalogue = CATALOGUES.get(lang, AR)
    text = catalogue[key]
    for name, prefix in COUNTED_PARAMS.items():
        if isinstance(params.get(name), int):
            params[name] = counted(prefix, params[name], lang, name)
    return text.format(**params) if params else text


def error_text(code: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The user-facing message for a domain error code (falls back to a generic message)."""
    key = f"errors.{code}"
    if key not in CATALOGUES.get(lang, AR):
        key = "errors.generic"
    return translate(key, lang, **params)
