"""Identity numbers and mobiles.

Every identity number is 10 digits and passes the Luhn check (the Saudi national ID and iqama
checksum is Luhn over the 10 digits). The first digit tells the kind of number:

| first digit | number | categories |
|---|---|---|
| 1 | national ID | citizen |
| 2 | iqama | resident, dependent |
| 3 | border number of a visit visa | visitor |
| 4 | GCC identity recorded at the border | gcc |

Mobiles are Saudi mobiles, written `05XXXXXXXX`, `5XXXXXXXX` or `+9665XXXXXXXX`, and stored in
E.164 (`+9665XXXXXXXX`).
"""

from __future__ import annotations

from enum import StrEnum

import phonenumbers

from absher_app.domain.errors import ValidationError


class Category(StrEnum):
    """Who a person is in the civil registry (and which kind of identity number they hold)."""

    CITIZEN = "citizen"
    RESIDENT = "resident"
    GCC = "gcc"
    VISITOR = "visitor"
    DEPENDENT = "dependent"


CATEGORIES = tuple(Category)

FIRST_DIGIT_BY_CATEGORY = {
    Category.CITIZEN: "1",
    Category.RESIDENT: "2",
    Category.DEPENDENT: "2",
    Category.VISITOR: "3",
    Category.GCC: "4",
}


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn (mod 10) check."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(body: str) -> str:
    """The digit to append to `body` so that the result passes the Luhn check."""
    for digit in "0123456789":
        if luhn_valid(body + digit):
            return digit
    raise AssertionError("unreachable: one of ten digits always completes a Luhn number")


def normalize_id_number(value: str) -> str:
    """Strip spaces and turn Arabic-Indic digits into ASCII ones."""
    value = (value or "").strip().replace(" ", "")
    return value.translate(_ARABIC_DIGITS)


_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def validate_id_number(value: str, category: str | None = None) -> str:
    """Return the normalized identity number, or raise ValidationError saying what is wrong
    (about the field "id_number"; a form that names it otherwise says so).

    Args:
        value: what the person typed or the file held.
        category: when given, the number must be of that category's kind.
    """
    number = normalize_id_number(value)
    if len(number) != 10 or not (number.isascii() and number.isdigit()):
        raise ValidationError("id_length", "the identity number must be exactly 10 digits"
                              ).about("id_number")
    if number[0] not in "1234":
        raise ValidationError(
            "id_first_digit", "the identity number must start with 1, 2, 3 or 4"
        ).about("id_number")
    if not luhn_valid(number):
        raise ValidationError("id_checksum", "the identity number is not valid (check digit)"
                              ).about("id_number")
    if category is not None:
        if category not in FIRST_DIGIT_BY_CATEGORY:
            raise ValidationError("category_unknown", f"unknown category {category!r}"
                                  ).about("category")
        expected = FIRST_DIGIT_BY_CATEGORY[category]
        if number[0] != expected:
            raise ValidationError(
                "id_category_mismatch",
                f"a {category} identity number starts with {expected}",
                expected=expected,
            ).about("id_number")
    return number


def normalize_mobile(value: str) -> str:
    """Return a Saudi mobile in E.164 (+9665XXXXXXXX) or raise ValidationError (about the
    field "mobile")."""
    raw = normalize_id_number(value).replace("-", "")
    try:
        parsed = phonenumbers.parse(raw, "SA")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("mobile_invalid", "the mobile number is not a number"
                              ).about("mobile") from exc
    if parsed.country_code != 966 or not phonenumbers.is_valid_number(parsed):
        raise ValidationError("mobile_invalid", "the mobile must be a Saudi mobile, 05XXXXXXXX"
                              ).about("mobile")
    if phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE:
        raise ValidationError("mobile_not_mobile", "the number is not a mobile number"
                              ).about("mobile")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_mobile(e164: str) -> str:
    """Show only the last digits, e.g. +9665****4567, for messages to the user."""
    return e164[:5] + "*" * max(len(e164) - 9, 0) + e164[-4:]
