"""The fee table and rule parameters, read from absher_app/data/rules.toml (the one data file),
plus the calendar arithmetic the rules are stated in."""

from __future__ import annotations

import functools
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "rules.toml"


@functools.cache
def rules() -> dict[str, Any]:
    """The parsed rules file (read once per process)."""
    with RULES_FILE.open("rb") as handle:
        return tomllib.load(handle)


def rule(section: str, name: str) -> Any:
    """One value of the rules file, e.g. rule("passport", "fee_5_years")."""
    return rules()[section][name]


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (the 31st becomes the month's last day)."""
    return day + relativedelta(months=months)


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    return day + relativedelta(years=years)


def months_covering(start: date, end: date) -> int:
    """The fewest whole calendar months from `start` that reach `end` (0 when end <= start)."""
    if end <= start:
        return 0
    whole = relativedelta(end, start)
    months = whole.years * 12 + whole.months
    # relativedelta counts the months that fit; one more covers the days left over.
    return months if add_months(start, months) >= end else months + 1


def age_on(birth: date, day: date) -> int:
    """Age in whole years on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
