"""Nationalities from CLDR (Babel), sorted for each language; GCC states first for GCC."""

from __future__ import annotations

from absher_app.domain import countries


def _names(lang: str, gcc_first: bool = False) -> list[str]:
    return [name for _, name in countries.nationalities(lang, gcc_first)]


def test_every_country_is_named_in_both_languages_from_cldr():
    arabic, english = dict(countries.nationalities("ar")), dict(countries.nationalities("en"))
    assert set(arabic) == set(english) == countries.nationality_codes()
    assert len(countries.nationality_codes()) > 240
    assert (arabic["KW"], english["KW"]) == ("الكويت", "Kuwait")
    assert (arabic["GB"], english["GB"]) == ("المملكة المتحدة", "United Kingdom")
    # No code shown as a name, no grouping or pseudo-region, and no Saudi "nationality".
    assert all(name != code for code, name in {**arabic, **english}.items())
    assert not {"EU", "UN", "ZZ", "XA", "AQ", "SA"} & countries.nationality_codes()


def test_arabic_sorts_by_the_alphabet_whatever_hamza_the_alef_carries():
    names = _names("ar")
    # إثيوبيا (ث) before أرمينيا (ر) before إسبانيا (س): the hamza does not split the alef.
    assert names.index("إثيوبيا") < names.index("أرمينيا") < names.index("إسبانيا")
    # Letters in their order: ب before ت before ...; ي last.
    assert names.index("البحرين") < names.index("الكويت") < names.index("اليمن")
    assert names.index("باكستان") < names.index("تركيا") < names.index("مصر")
    assert names == sorted(names, key=lambda n: countries.sort_key(n, "ar"))


def test_english_sorts_ignoring_case_and_accents():
    names = _names("en")
    assert names.index("Afghanistan") < names.index("Åland Islands") < names.index("Albania")
    assert names.index("Curaçao") < names.index("Cyprus")
    assert names[-1] == "Zimbabwe"


def test_gcc_states_lead_for_a_gcc_national_each_part_sorted():
    english = _names("en", gcc_first=True)
    assert english[:5] == ["Bahrain", "Kuwait", "Oman", "Qatar", "United Arab Emirates"]
    assert english[5:] == [n for n in _names("en") if n not in english[:5]]
    arabic = _names("ar", gcc_first=True)
    assert arabic[:5] == ["الإمارات العربية المتحدة", "البحرين", "الكويت", "عُمان", "قطر"]
