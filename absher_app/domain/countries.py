"""Nationalities as a person chooses them at registration: every country CLDR names (Babel), in
Arabic and English, sorted as a reader of that language expects; GCC states first for a GCC
national.

Babel has CLDR's names but not its collation (that needs ICU, not installed), so the sort key is
this module's: in Arabic the letters in their alphabetical (hijā'ī) order, which is Unicode's
order once the variants of a letter count as the letter (أ إ آ ٱ as ا, ة as ه, ى and ئ as ي,
ؤ as و) and short vowels and tatweel are ignored — CLDR's Arabic collation treats them the same
way at the first level; in English case and accents are ignored (Åland Islands with the A's).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from babel import Locale

LANGUAGES = ("ar", "en")
# Other GCC states (a Saudi registers as a citizen, not by nationality).
GCC_STATES = ("AE", "BH", "KW", "OM", "QA")
SAUDI_ARABIA = "SA"
# CLDR territories that are not a nationality: groupings, pseudo-locales, uninhabited or
# non-sovereign parts named separately from their country.
NOT_A_NATIONALITY = frozenset({"AC", "AQ", "BV", "CP", "DG", "EA", "EU", "EZ", "HM", "IC",
                               "QO", "TA", "UM", "UN", "XA", "XB", "ZZ"})

_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي",
                              "ئ": "ي", "ؤ": "و", "ـ": None})
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")


def sort_key(name: str, lang: str) -> tuple[str, str]:
    """What `name` sorts by in `lang` (then the name itself, so the order is total)."""
    if lang == "ar":
        folded = _ARABIC_MARKS.sub("", name).translate(_ARABIC_FOLD)
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return folded, name


@functools.cache
def _names(lang: str) -> dict[str, str]:
    territories = Locale.parse(lang).territories
    return {code: name for code, name in territories.items()
            if len(code) == 2 and code.isalpha() and code not in NOT_A_NATIONALITY
            and code != SAUDI_ARABIA}


def nationality_codes() -> frozenset[str]:
    """Every nationality a GCC national or a visitor may give (ISO 3166 alpha-2)."""
    return frozenset(_names("en"))


def country_name(code: str, lang: str) -> str:
    """The country's name in `lang` (the code itself when CLDR has none)."""
    return _names(lang if lang in LANGUAGES else "ar").get(code, code)


@functools.cache
def nationalities(lang: str, gcc_first: bool = False) -> tuple[tuple[str, str], ...]:
    """(code, name) pairs sorted for `lang`; with `gcc_first`, the GCC states lead (sorted among
    themselves), then every other country."""
    names = _names(lang if lang in LANGUAGES else "ar")
    ordered = sorted(names.items(), key=lambda item: sort_key(item[1], lang))
    if gcc_first:
        ordered.sort(key=lambda item: item[0] not in GCC_STATES)  # stable: each part stays sorted
    return tuple(ordered)
