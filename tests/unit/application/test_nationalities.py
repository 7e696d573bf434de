"""The registration form's nationality list (absher_app.application.registration)."""

from __future__ import annotations

from absher_app.application.registration import DetailsForm, nationalities
from absher_app.domain import countries


def _form(country: str) -> DetailsForm:
    return DetailsForm(id_number="1000000008", mobile="0500000000", username="someone",
                       email="someone@example.org", category="visitor", country=country)


def test_the_registration_form_lists_gcc_states_as_their_own_group_for_gcc_only():
    gcc = nationalities("gcc")
    assert [c.code for c in gcc.first_en] == ["BH", "KW", "OM", "QA", "AE"]
    assert [c.code for c in gcc.first_ar] == ["AE", "BH", "KW", "OM", "QA"]
    assert not {c.code for c in gcc.rest_en} & set(countries.GCC_STATES)
    visitor = nationalities("visitor")
    assert visitor.first_ar == visitor.first_en == []
    assert [c.name for c in visitor.rest_en] == [n for _, n in countries.nationalities("en")]
    assert [c.name for c in visitor.rest_ar] == [n for _, n in countries.nationalities("ar")]


def test_a_country_not_on_the_list_is_not_kept():
    assert _form("JP").details().country == "JP"
    assert _form("XX").details().country is None
    assert _form("SA").details().country is None
