"""Plurals and month names from CLDR (Babel), and Western digits in the Arabic catalogue (the
portal writes numbers as Absher does: IDs, mobiles and references are typed that way)."""

from __future__ import annotations

import re

import pytest

from absher_app.i18n import AR, counted, month_name


@pytest.mark.parametrize(("count", "arabic", "english"), [
    (0, "0 دقيقة", "0 minutes"),
    (102, "102 دقيقة", "102 minutes"),
    (110, "110 دقائق", "110 minutes"),
    (111, "111 دقيقة", "111 minutes"),
    (1001, "1001 دقيقة", "1001 minutes"),
])
def test_plural_forms_follow_cldr_beyond_the_common_numbers(count, arabic, english):
    assert counted("units.minutes", count, "ar", "minutes") == arabic
    assert counted("units.minutes", count, "en", "minutes") == english


def test_an_unknown_language_falls_back_to_arabic():
    assert counted("units.minutes", 2, "fr", "minutes") == "دقيقتين"


def test_month_names_come_from_cldr():
    assert [month_name(m, "ar") for m in (1, 9, 12)] == ["يناير", "سبتمبر", "ديسمبر"]
    assert [month_name(m, "en") for m in (1, 9, 12)] == ["January", "September", "December"]


def test_the_arabic_catalogue_writes_western_digits():
    indic = {key: text for key, text in AR.items() if re.search("[\u0660-\u0669\u06f0-\u06f9]",
                                                                 text)}
    assert indic == {}
