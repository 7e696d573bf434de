"""Identity numbers (Luhn, first digit by category) and Saudi mobiles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from absher_app.domain.errors import ValidationError
from absher_app.domain.identity import (
    CATEGORIES,
    luhn_check_digit,
    luhn_valid,
    mask_mobile,
    normalize_mobile,
    validate_id_number,
)

ASCII_DIGITS = "0123456789"
FIRST_DIGIT = {"citizen": "1", "resident": "2", "dependent": "2", "visitor": "3", "gcc": "4"}


def reference_luhn(number: str) -> bool:
    """The textbook form: reverse, double every second digit, add the digits of each product."""
    if not number or any(c not in ASCII_DIGITS for c in number):
        return False
    reversed_digits = number[::-1]
    odd = [int(c) for c in reversed_digits[0::2]]
    doubled = [str(int(c) * 2) for c in reversed_digits[1::2]]
    total = sum(odd) + sum(int(d) for product in doubled for d in product)
    return total % 10 == 0


def with_check_digit(body: str) -> str:
    return body + luhn_check_digit(body)


# --- Luhn -----------------------------------------------------------------------------------


def test_reference_luhn_agrees_with_known_numbers():
    # Sanity of the oracle itself: the textbook example and the contract's examples.
    assert reference_luhn("79927398713")
    assert not reference_luhn("79927398710")
    assert reference_luhn("1000000008")
    assert reference_luhn("2000000006")


@given(st.text(alphabet=ASCII_DIGITS, min_size=1, max_size=30))
def test_luhn_valid_matches_reference_on_digit_strings(digits):
    assert luhn_valid(digits) is reference_luhn(digits)


@given(st.text(max_size=15))
def test_luhn_valid_matches_reference_on_any_text(text):
    assert luhn_valid(text) is reference_luhn(text)


@pytest.mark.parametrize("value", ["", "abc", "100000000x", "١٠٠٠٠٠٠٠٠٨", "-1000000008", " 18"])
def test_luhn_valid_refuses_non_ascii_digit_strings(value):
    assert luhn_valid(value) is False


@pytest.mark.parametrize(
    ("number", "valid"),
    [("1000000008", True), ("1000000009", False), ("2000000006", True), ("2000000000", False)],
)
def test_luhn_valid_known_numbers(number, valid):
    assert luhn_valid(number) is valid


@given(st.text(alphabet=ASCII_DIGITS, min_size=0, max_size=20))
def test_luhn_check_digit_always_completes_a_valid_number(body):
    digit = luhn_check_digit(body)
    assert len(digit) == 1 and digit in ASCII_DIGITS
    assert reference_luhn(body + digit)
    # ...and it is the only digit that does.
    assert [d for d in ASCII_DIGITS if reference_luhn(body + d)] == [digit]


def test_luhn_check_digit_known_values():
    assert luhn_check_digit("100000000") == "8"
    assert luhn_check_digit("200000000") == "6"
    assert luhn_check_digit("7992739871") == "3"


# --- validate_id_number ---------------------------------------------------------------------


def _code(excinfo) -> str:
    return excinfo.value.code


@pytest.mark.parametrize(
    ("category", "first_digit"),
    [("citizen", "1"), ("resident", "2"), ("dependent", "2"), ("visitor", "3"), ("gcc", "4")],
)
def test_id_first_digit_matches_each_category(category, first_digit):
    number = with_check_digit(first_digit + "23456789")
    assert validate_id_number(number, category) == number


@pytest.mark.parametrize(
    ("category", "wrong_digit", "expected"),
    [
        ("citizen", "2", "1"),
        ("resident", "1", "2"),
        ("dependent", "3", "2"),
        ("visitor", "2", "3"),
        ("gcc", "1", "4"),
    ],
)
def test_id_of_another_category_is_refused_with_id_category_mismatch(category, wrong_digit,
                                                                     expected):
    number = with_check_digit(wrong_digit + "23456789")
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(number, category)
    assert _code(excinfo) == "id_category_mismatch"
    assert excinfo.value.params == {"expected": expected}


def test_every_category_has_a_first_digit_rule():
    assert set(CATEGORIES) == set(FIRST_DIGIT)
    for category in CATEGORIES:
        number = with_check_digit(FIRST_DIGIT[category] + "00000001")
        assert validate_id_number(number, category) == number


def test_id_without_category_accepts_any_first_digit_1_to_4():
    for first in "1234":
        number = with_check_digit(first + "11111111")
        assert validate_id_number(number) == number


def test_unknown_category_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number("1000000008", "tourist")
    assert _code(excinfo) == "category_unknown"


@pytest.mark.parametrize(
    "value",
    ["", "100000000", "10000000080", "12345", "10000000a8", "1000-00000", "１０００００００００",
     "1²00000008"],
)
def test_id_must_be_exactly_10_ascii_digits(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(value)
    assert _code(excinfo) == "id_length"


def test_id_none_is_refused_as_id_length():
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(None)  # type: ignore[arg-type]
    assert _code(excinfo) == "id_length"


@pytest.mark.parametrize("first", "056789")
def test_id_first_digit_must_be_1_to_4(first):
    # Luhn-valid, so only the first-digit rule can refuse it.
    number = with_check_digit(first + "00000000")
    assert reference_luhn(number)
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(number)
    assert _code(excinfo) == "id_first_digit"


@pytest.mark.parametrize("number", ["1000000000", "1000000009", "2000000007", "4123456789"])
def test_id_failing_luhn_is_refused_with_id_checksum(number):
    assert not reference_luhn(number)
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(number)
    assert _code(excinfo) == "id_checksum"


def test_id_checksum_is_checked_before_category():
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number("2000000007", "citizen")
    assert _code(excinfo) == "id_checksum"


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("١٠٠٠٠٠٠٠٠٨", "1000000008"),  # Arabic-Indic digits
        ("۱۰۰۰۰۰۰۰۰۸", "1000000008"),  # Eastern Arabic-Indic (Persian) digits
        ("٢٠٠٠٠٠٠٠٠٦", "2000000006"),
        (" 1000 000 008 ", "1000000008"),  # spaces stripped
        ("١٠٠٠ ٠٠٠ ٠٠٨", "1000000008"),
        ("\t1000000008\n", "1000000008"),
    ],
)
def test_id_is_normalized(typed, normalized):
    assert validate_id_number(typed) == normalized


@given(st.text(alphabet=ASCII_DIGITS, min_size=8, max_size=8), st.sampled_from("1234"))
def test_any_luhn_completed_id_with_good_first_digit_is_accepted(middle, first):
    number = with_check_digit(first + middle)
    assert validate_id_number(number) == number


# --- mobiles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["0551234567", "551234567", "+966551234567", "00966551234567", "055 123 4567",
     "055-123-4567", "٠٥٥١٢٣٤٥٦٧", " +966 55 123 4567 "],
)
def test_saudi_mobile_forms_normalize_to_e164(typed):
    assert normalize_mobile(typed) == "+966551234567"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [("0501234567", "+966501234567"), ("0561234567", "+966561234567"),
     ("0591234567", "+966591234567")],
)
def test_other_saudi_mobile_prefixes(typed, e164):
    assert normalize_mobile(typed) == e164


@pytest.mark.parametrize("landline", ["0112345678", "0126543210", "+966112345678"])
def test_landline_is_refused_with_mobile_not_mobile(landline):
    with pytest.raises(ValidationError) as excinfo:
        normalize_mobile(landline)
    assert _code(excinfo) == "mobile_not_mobile"


@pytest.mark.parametrize(
    "value",
    ["", "abc", "hello", "12", "05512345", "05512345678", "+14155552671", "+971501234567",
     "+447911123456", "0096550123456"],
)
def test_garbage_and_non_saudi_numbers_are_refused_with_mobile_invalid(value):
    with pytest.raises(ValidationError) as excinfo:
        normalize_mobile(value)
    assert _code(excinfo) == "mobile_invalid"


def test_mask_mobile_shows_prefix_and_last_four_digits():
    assert mask_mobile("+966551234567") == "+9665****4567"
    assert mask_mobile("+966501112222") == "+9665****2222"


def test_mask_mobile_keeps_length_and_hides_the_middle():
    masked = mask_mobile("+966559876543")
    assert len(masked) == len("+966559876543")
    assert "9876" not in masked
    assert masked.endswith("6543")
