"""Arabic and English strings: one catalogue per language, one key each.

Pages never hold string literals; they call `absher_app.state.language.t(key)`. Server-side
text (SMS, error messages) uses `translate` here, which has no Reflex import.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from babel import Locale
from babel.dates import get_month_names

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


# CLDR plural categories and the catalogue keys that hold each form. Arabic uses all six
# (zero, one, two, few: 3-10, many: 11-99, other: 100-102...); English one and other. The
# catalogues hold four forms: the numeral is written with the noun for zero, many and other
# alike ("0 دقيقة", "11 دقيقة", "100 دقيقة").
_PLURAL_FORMS = {"one": "1", "two": "2", "few": "few", "many": "many", "other": "many",
                 "zero": "many"}


@functools.cache
def _plural_rule(lang: str) -> Callable[[int], str]:
    return Locale.parse(lang).plural_form


def counted(prefix: str, count: int, lang: str = DEFAULT_LANGUAGE, name: str = "count") -> str:
    """A number with its noun, by the language's CLDR plural rule (Babel) and the keys
    `{prefix}_1`, `_2`, `_few` and `_many`.

    Arabic agrees in four ways: 'دقيقة واحدة', 'دقيقتين', '5 دقائق' (3 to 10, and 103...),
    '11 دقيقة'; English has '1 minute' and '30 minutes' (its `_2` and `_few` say the same as
    `_many`). Numbers are written in Western digits in both languages (as Absher does).
    """
    count = abs(int(count))
    lang = lang if lang in CATALOGUES else DEFAULT_LANGUAGE
    form = _PLURAL_FORMS[_plural_rule(lang)(count)]
    return CATALOGUES[lang][f"{prefix}_{form}"].format(**{name: count})


@functools.cache
def month_name(month: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """The Gregorian month's name in `lang` (CLDR, through Babel): 'نوفمبر', 'November'."""
    return get_month_names("wide", locale=lang if lang in CATALOGUES else DEFAULT_LANGUAGE)[month]


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
