"""The fee table (data/rules.toml) against PRODUCT.md §3, and the calendar arithmetic the rules
are stated in (calendar months, 29 February, ages)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from absher_app.domain.rules_data import (
    RULES_FILE,
    add_months,
    add_years,
    age_on,
    months_covering,
    rule,
    rules,
)

# --- the data file -------------------------------------------------------------------------------


def test_the_rules_file_is_the_one_data_file_and_notes_its_source():
    assert RULES_FILE.name == "rules.toml" and RULES_FILE.is_file()
    head = RULES_FILE.read_text(encoding="utf-8")[:600]
    assert "Source:" in head and "PRODUCT.md" in head


def test_the_file_is_read_once():
    assert rules() is rules()


@pytest.mark.parametrize(("section", "name", "value"), [
    ("passport", "fee_5_years", 300),
    ("passport", "fee_10_years", 600),
    ("passport", "validity_years", [5, 10]),
    ("exit_reentry", "single_base_fee", 200),
    ("exit_reentry", "single_base_months", 2),
    ("exit_reentry", "single_extra_month_fee", 100),
    ("exit_reentry", "multiple_base_fee", 500),
    ("exit_reentry", "multiple_base_months", 3),
    ("exit_reentry", "multiple_extra_month_fee", 200),
    ("exit_reentry", "passport_valid_more_than_days", 90),
    ("exit_reentry", "extension_single_month_fee", 200),
    ("exit_reentry", "extension_multiple_month_fee", 400),
    ("exit_reentry", "extension_max_days_after_expiry", 60),
    ("final_exit", "fee", 0),
    ("final_exit", "valid_days", 60),
    ("iqama", "fees_by_months", {"3": 163, "6": 325, "9": 488, "12": 650}),
    ("iqama", "dependant_levy_per_month", 400),
    ("iqama", "late_fine_first", 500),
    ("iqama", "late_fine_repeat", 1000),
    ("iqama_loss", "replacement_fees", [1000, 2000, 3000]),
    ("iqama_loss", "report_within_hours", 24),
    ("visit_visa", "extension_fee", 100),
    ("visit_visa", "window_days_before", 7),
    ("visit_visa", "window_days_after", 3),
    ("passport_update", "fee", 69),
    ("passport_update", "once_in_years", 5),
    ("absence_report", "fee", 0),
    ("reminders", "days_before", [90, 30, 7]),
    # The further services (issue 15), each figure with its source in the file.
    ("absence_report_cancel", "within_days", 15),
    ("iqama_issue", "issue_within_days", 90),
    ("iqama_issue", "late_fine", 500),
    ("travel_permit", "below_age", 21),
    ("vehicle_registration", "fee_per_year", 100),
    ("vehicle_registration", "grace_days", 60),
    ("vehicle_registration", "late_fine_per_year", 100),
    ("driving_licence", "fee_per_year", 40),
    ("driving_licence", "years", [2, 5, 10]),
    ("driving_licence", "renew_when_less_than_days", 365),
    ("driving_licence", "late_fine_per_year", 100),
    ("driving_authorization", "outside_fee", 35),
])
def test_the_table_holds_the_reported_fees_and_rules(section, name, value):
    assert rule(section, name) == value


NEWER_SECTIONS = ("absence_report_cancel", "iqama_issue", "travel_permit", "saudi_passport_loss",
                  "traffic_fines", "vehicle_registration", "driving_licence",
                  "driving_authorization")


@pytest.mark.parametrize("section", NEWER_SECTIONS)
def test_each_newer_section_says_where_its_figures_come_from(section):
    text = RULES_FILE.read_text(encoding="utf-8")
    start = text.index(f"[{section}]")
    end = text.find("\n[", start + 1)
    body = text[start:end if end > 0 else None]
    assert "Source:" in body or "(ours)" in body


def test_every_amount_is_a_whole_number_of_riyals():
    def amounts(value):
        if isinstance(value, dict):
            for inner in value.values():
                yield from amounts(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from amounts(inner)
        else:
            yield value

    for section, values in rules().items():
        for name, value in values.items():
            if "fee" in name or "fine" in name or "levy" in name:
                for amount in amounts(value):
                    assert isinstance(amount, int) and not isinstance(amount, bool), (section, name)
                    assert amount >= 0, (section, name)


def test_the_delivery_fee_and_bill_life_are_set():
    assert rule("delivery", "fee") > 0
    assert rule("billing", "bill_valid_days") >= 1


def test_an_unknown_rule_is_an_error_not_a_silent_default():
    with pytest.raises(KeyError):
        rule("passport", "fee_7_years")
    with pytest.raises(KeyError):
        rule("no_such_section", "fee")


# --- add_months / add_years ----------------------------------------------------------------------

@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 5, 10), 0, date(2026, 5, 10)),
    (date(2026, 5, 10), 2, date(2026, 7, 10)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),   # no 31 February: the month's last day
    (date(2024, 1, 31), 1, date(2024, 2, 29)),   # leap year
    (date(2026, 1, 31), 2, date(2026, 3, 31)),   # counted from the start, not month by month
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 8, 31), 1, date(2026, 9, 30)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),  # over the year end
    (date(2026, 12, 31), 12, date(2027, 12, 31)),
    (date(2026, 5, 10), 25, date(2028, 6, 10)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),  # 29 February + a year
    (date(2024, 2, 29), 48, date(2028, 2, 29)),  # ... + four years lands on a 29th again
    (date(2026, 1, 15), -1, date(2025, 12, 15)),  # backwards over the year start
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 5, 10), -13, date(2025, 4, 10)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("day", "years", "expected"), [
    (date(2026, 5, 10), 5, date(2031, 5, 10)),
    (date(2026, 5, 10), 10, date(2036, 5, 10)),
    (date(2024, 2, 29), 1, date(2025, 2, 28)),
    (date(2024, 2, 29), 4, date(2028, 2, 29)),
    (date(2024, 2, 29), -5, date(2019, 2, 28)),
    (date(2026, 5, 10), -5, date(2021, 5, 10)),
])
def test_add_years(day, years, expected):
    assert add_years(day, years) == expected


# --- months_covering -----------------------------------------------------------------------------

START = date(2026, 5, 10)


@pytest.mark.parametrize(("end", "months"), [
    (START - timedelta(days=1), 0),
    (START, 0),
    (START + timedelta(days=1), 1),
    (date(2026, 6, 10), 1),              # exactly one calendar month
    (date(2026, 6, 11), 2),              # one month and a day: the part month counts
    (date(2026, 7, 10), 2),              # exactly 2 months (61 days from 10 May)
    (date(2026, 7, 11), 3),              # 2 months + 1 day
    (date(2026, 8, 10), 3),
    (date(2026, 8, 11), 4),
    (date(2027, 5, 10), 12),
    (date(2027, 5, 11), 13),
])
def test_months_covering(end, months):
    assert months_covering(START, end) == months


def test_months_covering_from_the_31st_uses_the_months_last_days():
    start = date(2026, 1, 31)
    assert months_covering(start, date(2026, 2, 28)) == 1   # 31 Jan + 1 month = 28 Feb
    assert months_covering(start, date(2026, 3, 1)) == 2
    assert months_covering(start, date(2026, 3, 31)) == 2
    assert months_covering(start, date(2026, 4, 1)) == 3


def test_months_covering_agrees_with_add_months():
    for months in range(0, 25):
        end = add_months(START, months)
        assert months_covering(START, end) == months
        assert months_covering(START, end + timedelta(days=1)) == months + 1


# --- age_on --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("birth", "day", "age"), [
    (date(2005, 5, 10), date(2026, 5, 10), 21),   # the birthday itself
    (date(2005, 5, 11), date(2026, 5, 10), 20),   # the day before the birthday
    (date(2005, 5, 9), date(2026, 5, 10), 21),
    (date(2004, 2, 29), date(2025, 2, 28), 20),   # a 29 February birthday in a common year
    (date(2004, 2, 29), date(2025, 3, 1), 21),
    (date(2004, 2, 29), date(2024, 2, 29), 20),
    (date(2026, 5, 10), date(2026, 5, 10), 0),
])
def test_age_on(birth, day, age):
    assert age_on(birth, day) == age
