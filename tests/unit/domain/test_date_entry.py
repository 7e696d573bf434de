"""Dates typed in day, month and year boxes, in the Gregorian or the Hijri (Umm al-Qura)
calendar, converted on the server (absher_app.domain.calendars.entered_date)."""

from __future__ import annotations

from datetime import date

import pytest

from absher_app.domain import calendars, wizard
from absher_app.domain.calendars import Calendar, date_parts, entered_date, from_hijri
from absher_app.domain.errors import ValidationError

HIJRI = Calendar.HIJRI


@pytest.mark.parametrize(("hijri", "gregorian"), [
    ((1343, 1, 1), date(1924, 8, 1)),       # the first day of the Umm al-Qura table
    ((1500, 12, 30), date(2077, 11, 16)),   # its last day
    ((1447, 12, 29), date(2026, 6, 15)),    # the last day of a year ...
    ((1448, 1, 1), date(2026, 6, 16)),      # ... and the first of the next
    ((1448, 2, 30), date(2026, 8, 13)),     # day 30 of a 30-day month
    ((1448, 6, 12), date(2026, 11, 22)),
])
def test_hijri_dates_convert_at_the_boundaries(hijri, gregorian):
    assert from_hijri(*hijri) == gregorian
    assert calendars.to_hijri(gregorian).iso() == "{:04d}-{:02d}-{:02d}".format(*hijri)
    year, month, day = hijri
    assert entered_date(str(day), str(month), str(year), HIJRI) == gregorian.isoformat()


@pytest.mark.parametrize("hijri", [
    (1342, 12, 29),  # before the table
    (1501, 1, 1),    # after it
    (1448, 1, 30),   # Muharram 1448 has 29 days
    (1448, 13, 1),
    (1448, 0, 10),
    (1448, 5, 0),
])
def test_a_day_that_does_not_exist_in_the_hijri_calendar_is_refused(hijri):
    assert from_hijri(*hijri) is None
    year, month, day = hijri
    typed = entered_date(str(day), str(month), str(year), HIJRI)
    assert typed == f"H{year}-{month}-{day}"
    assert date_parts(typed) == calendars.DateParts(str(day), str(month), str(year), HIJRI)


def test_gregorian_boxes_make_an_iso_date_and_refuse_what_is_not_one():
    assert entered_date("22", "11", "2026") == "2026-11-22"
    assert entered_date("1", "2", "2028") == "2028-02-01"
    assert entered_date("29", "2", "2028") == "2028-02-29"   # a leap year
    assert entered_date("29", "2", "2027") == "2027-2-29"    # not one: kept as typed
    assert entered_date("1", "1", "26") == "26-1-1"          # a two-digit year is not taken
    assert entered_date("", "", "") == ""
    assert entered_date("a", "1", "2026") == "2026-1-a"
    assert date_parts("2026-11-02") == calendars.DateParts("2", "11", "2026", "gregorian")


def test_arabic_indic_digits_are_read_as_digits():
    assert entered_date("١٢", "٦", "١٤٤٨", HIJRI) == "2026-11-22"
    assert entered_date("۲۲", "۱۱", "۲۰۲۶") == "2026-11-22"


def _date_field() -> wizard.Field:
    return wizard.Field("until", "date", "services.until", wizard.a_date("until"))


def test_the_wizard_reads_a_date_field_from_its_boxes():
    field = _date_field()
    boxes = {"until_day": "12", "until_month": "6", "until_year": "1448",
             "until_calendar": "hijri"}
    assert wizard.typed_value(field, boxes) == "2026-11-22"
    # The same boxes read as Gregorian are the year 1448 (the service's own bounds refuse it).
    assert wizard.typed_value(field, {**boxes, "until_calendar": "gregorian"}) == "1448-06-12"
    # A client that posts the ISO date itself (the load generator, older tabs) still works.
    assert wizard.typed_value(field, {"until": "2026-11-22"}) == "2026-11-22"


@pytest.mark.parametrize(("raw", "code"), [
    ("", "date_required"),
    ("H1448-1-30", "date_hijri_invalid"),
    ("2027-2-29", "date_entry_invalid"),
])
def test_a_date_that_is_not_one_is_refused_with_what_to_fix(raw, code):
    with pytest.raises(ValidationError) as refused:
        _date_field().parse(raw, None)
    assert (refused.value.code, refused.value.field) == (code, "until")
