"""The Arabic and English catalogues agree, and every domain error code has a message."""

from __future__ import annotations

import ast
import functools
import re
import string
from pathlib import Path

import pytest

from absher_app.i18n import (
    AR,
    CATALOGUES,
    DEFAULT_LANGUAGE,
    EN,
    LANGUAGES,
    counted,
    error_text,
    translate,
)

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "absher_app" / "domain"
I18N = ROOT / "absher_app" / "i18n"

# Messages that need a param their error does not carry (owner to fix; strict: remove the entry
# once fixed). translate() leaves "{name}" in the text when an error carries no params at all.
KNOWN_GAPS: dict[str, str] = {}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _call_name(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else None


def _string_arg(node: ast.Call, first_only: bool) -> str | None:
    for arg in node.args[:1] if first_only else node.args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    return None


@functools.cache
def domain_error_sites() -> dict[str, frozenset[str] | None]:
    """Every error code raised in absher_app/domain and the params every raise site supplies.

    Read from the source: calls of DomainError and its subclasses (whose own __init__ may add
    params to super().__init__), plus codes.py's `_fail(..., "code", ...)`, which raises a
    ValidationError without params. None means some site passes **params (not checkable).
    """
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in sorted(DOMAIN.glob("*.py"))]
    class_params: dict[str, set[str]] = {"DomainError": set()}
    grew = True
    while grew:
        grew = False
        for tree in trees:
            for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
                bases = [b.id for b in cls.bases if isinstance(b, ast.Name)]
                parent = next((b for b in bases if b in class_params), None)
                if cls.name in class_params or parent is None:
                    continue
                params = set(class_params[parent])
                for call in (n for n in ast.walk(cls) if isinstance(n, ast.Call)):
                    if isinstance(call.func, ast.Attribute) and call.func.attr == "__init__":
                        params = {kw.arg for kw in call.keywords if kw.arg}
                class_params[cls.name] = params
                grew = True

    sites: dict[str, frozenset[str] | None] = {}

    def add(code: str, supplied: frozenset[str] | None) -> None:
        if code in sites and (sites[code] is None or supplied is None):
            sites[code] = None
        else:
            sites[code] = supplied if code not in sites else sites[code] & supplied

    for tree in trees:
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _call_name(call)
            code = _string_arg(call, first_only=name != "_fail")
            if code is None or not code.isidentifier():
                continue
            if name in class_params:
                if any(kw.arg is None for kw in call.keywords):
                    add(code, None)
                else:
                    add(code, frozenset(class_params[name])
                        | {kw.arg for kw in call.keywords if kw.arg})
            elif name == "_fail":
                add(code, frozenset())
    return sites


def domain_error_codes() -> set[str]:
    return set(domain_error_sites())


def test_languages_are_arabic_first_then_english():
    assert LANGUAGES == ("ar", "en")
    assert DEFAULT_LANGUAGE == "ar"
    assert CATALOGUES == {"ar": AR, "en": EN}


def test_catalogues_have_exactly_the_same_keys():
    assert sorted(set(AR) - set(EN)) == []
    assert sorted(set(EN) - set(AR)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_value_is_empty(lang):
    empty = [key for key, value in CATALOGUES[lang].items()
             if not isinstance(value, str) or not value.strip()]
    assert empty == []


def test_placeholders_are_the_same_in_both_languages():
    differing = {key: (placeholders(AR[key]), placeholders(EN[key]))
                 for key in AR.keys() & EN.keys()
                 if placeholders(AR[key]) != placeholders(EN[key])}
    assert differing == {}


def test_arabic_catalogue_is_in_arabic():
    # Every Arabic value holds Arabic letters, except a few brand-free technical strings.
    arabic = re.compile(r"[\u0600-\u06FF]")
    not_arabic = [key for key, value in AR.items()
                  if not arabic.search(value) and key != "lang.switch_to"]
    assert not_arabic == []
    assert AR["lang.switch_to"] == "English"
    assert EN["lang.switch_to"] == "العربية"


def test_translate_picks_the_language():
    assert translate("nav.home", "ar") == "الرئيسية"
    assert translate("nav.home", "en") == "Home"


def test_translate_defaults_to_arabic_and_falls_back_to_it():
    assert translate("nav.home") == "الرئيسية"
    assert translate("nav.home", "fr") == "الرئيسية"


def test_translate_formats_params():
    assert translate("errors.id_category_mismatch", "en", expected="2") == (
        "The ID number does not match the chosen category; it must start with 2.")
    assert "{expected}" not in translate("errors.id_category_mismatch", "ar", expected="1")
    assert "1" in translate("errors.id_category_mismatch", "ar", expected="1")


def test_translate_unknown_key_raises():
    with pytest.raises(KeyError):
        translate("no.such.key", "en")


def test_error_text_of_a_known_code():
    assert error_text("id_length", "en") == "The ID number must be 10 digits."
    assert error_text("id_length", "ar") == AR["errors.id_length"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_error_text_falls_back_to_generic_for_an_unknown_code(lang):
    assert error_text("no_such_code", lang) == CATALOGUES[lang]["errors.generic"]
    assert error_text("no_such_code", lang, field="x") == CATALOGUES[lang]["errors.generic"]


def test_domain_error_code_scan_finds_the_known_codes():
    # Guards the scan itself: codes raised on one line and on the next line, by subclasses,
    # and the params they carry.
    sites = domain_error_sites()
    assert sites["id_category_mismatch"] == {"expected"}
    assert sites["id_length"] == frozenset()
    codes = set(sites)
    assert {"id_length", "id_first_digit", "id_checksum", "id_category_mismatch",
            "mobile_invalid", "mobile_not_mobile", "date_invalid", "unknown_key",
            "duplicate_id", "import_not_list", "sponsor_unknown"} <= codes


@pytest.mark.parametrize("code", sorted(domain_error_codes()))
def test_every_domain_error_code_has_a_message_in_both_languages(code):
    assert f"errors.{code}" in AR
    assert f"errors.{code}" in EN


@pytest.mark.parametrize("code", [
    pytest.param(code, marks=pytest.mark.xfail(reason=KNOWN_GAPS[code], strict=True))
    if code in KNOWN_GAPS else code
    for code in sorted(domain_error_codes())
])
def test_domain_error_messages_need_only_the_params_their_raise_sites_supply(code):
    supplied = domain_error_sites()[code]
    if supplied is None:
        pytest.skip("a raise site passes **params")
    for lang in LANGUAGES:
        needed = placeholders(CATALOGUES[lang][f"errors.{code}"])
        assert needed <= supplied, (lang, code, needed)
        # What the UI does with an error: error_text(code, lang, **error.params).
        error_text(code, lang, **dict.fromkeys(supplied, 1))


CATALOGUE_SOURCES = [I18N / "ar.py", I18N / "en.py", *sorted((I18N / "sections").glob("[!_]*.py"))]


@pytest.mark.parametrize("path", CATALOGUE_SOURCES, ids=lambda p: p.name)
def test_catalogue_source_has_no_repeated_key(path):
    # A repeated key in a dict literal silently keeps only the last value.
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for dict_node in (n for n in ast.walk(tree) if isinstance(n, ast.Dict)):
        keys = [node.value for node in dict_node.keys if isinstance(node, ast.Constant)]
        assert [k for k in set(keys) if keys.count(k) > 1] == []


@pytest.mark.parametrize(("count", "arabic", "english"), [
    (1, "دقيقة واحدة", "1 minute"),
    (2, "دقيقتين", "2 minutes"),
    (3, "3 دقائق", "3 minutes"),
    (10, "10 دقائق", "10 minutes"),
    (11, "11 دقيقة", "11 minutes"),
    (103, "103 دقائق", "103 minutes"),
    (100, "100 دقيقة", "100 minutes"),
])
def test_a_count_agrees_with_its_noun(count, arabic, english):
    assert counted("units.minutes", count, "ar", "minutes") == arabic
    assert counted("units.minutes", count, "en", "minutes") == english


def test_minutes_and_seconds_params_are_written_with_their_noun():
    assert error_text("account_locked", "en", minutes=1).endswith("Try again in 1 minute.")
    assert error_text("account_locked", "ar", minutes=5).endswith("بعد 5 دقائق.")
    assert error_text("code_send_wait", "en", seconds=2) == (
        "Wait 2 seconds before asking for a new code.")
