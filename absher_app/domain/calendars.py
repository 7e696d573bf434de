"""Dates as people read them: Gregorian and Hijri (Umm al-Qura, via `hijridate`) side by side,
with month names in Arabic and English (CLDR's, through Babel).

Document dates are Gregorian in the registry; the Hijri date is computed, never stored. The Umm
al-Qura table covers 1924-08-01 to 2077-11-16 (1 Muharram 1343 to 30 Dhu al-Hijjah 1500);
outside it there is no Hijri date ("").

A person may also type a date in either calendar (day, month and year boxes, see `entered_date`):
a Hijri date is converted here, on the server, to the Gregorian date every rule works with.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from hijridate import Gregorian, Hijri

from absher_app.i18n import counted, month_name, translate
from absher_app.providers.clock import Clock

RIYADH = ZoneInfo("Asia/Riyadh")


def today_in_riyadh(clock: Clock) -> date:
    """The calendar date in the Kingdom, which is what every document date means."""
    return clock.now().astimezone(RIYADH).date()


@dataclasses.dataclass(frozen=True)
class HijriDate:
    """A Hijri (Umm al-Qura) date."""

    year: int
    month: int
    day: int

    def iso(self) -> str:
        """'1448-06-12'."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def to_hijri(day: date) -> HijriDate | None:
    """The Umm al-Qura date of a Gregorian date (None outside the table)."""
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except OverflowError:
        return None
    return HijriDate(hijri.year, hijri.month, hijri.day)


def hijri_text(day: date, lang: str) -> str:
    """e.g. '12 جمادى الآخرة 1448 هـ' / '12 Jumada al-Akhirah 1448 AH' ('' when out of range)."""
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except OverflowError:
        return ""
    month = hijri.month_name("ar" if lang == "ar" else "en")
    return translate("calendar.hijri_date", lang, day=hijri.day, month=month, year=hijri.year)


def gregorian_text(day: date, lang: str) -> str:
    """e.g. '22 نوفمبر 2026م' / '22 November 2026'."""
    return translate("calendar.gregorian_date", lang, day=day.day,
                     month=month_name(day.month, lang), year=day.year)


def both_calendars(day: date, lang: str) -> str:
    """Gregorian and Hijri side by side, e.g. '22 November 2026 (12 Jumada al-Akhirah 1448 AH)'."""
    hijri = hijri_text(day, lang)
    gregorian = gregorian_text(day, lang)
    return translate("calendar.both", lang, gregorian=gregorian, hijri=hijri) if hijri \
        else gregorian


def days_text(count: int, lang: str) -> str:
    """A number of days with the noun agreeing.

    'يوم واحد', 'يومين' (after 'بعد'), '5 أيام', '30 يوماً'; '1 day', '30 days'.
    """
    return counted("calendar.days", count, lang, "days")


class Calendar(StrEnum):
    """The calendar a date is typed in."""

    GREGORIAN = "gregorian"
    HIJRI = "hijri"


# A Hijri date the boxes held that is no date: kept as typed, marked, so the boxes show it
# again and the parser refuses it with the Hijri calendar's own message.
HIJRI_MARK = "H"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_NUMBER = re.compile(r"[0-9]{1,4}")


def from_hijri(year: int, month: int, day: int) -> date | None:
    """The Gregorian date of an Umm al-Qura date (None when there is no such day: day 30 of a
    29-day month, month 13, or a year outside 1343-1500)."""
    try:
        return date.fromordinal(Hijri(year, month, day).to_gregorian().toordinal())
    except (ValueError, OverflowError):
        return None


def entered_date(day: str, month: str, year: str, calendar: str = Calendar.GREGORIAN) -> str:
    """The ISO Gregorian date ('2026-11-22') of a date typed as day, month and year in
    `calendar`. Arabic-Indic digits count as digits. Nothing typed: ''. Not a date: the parts
    as typed ('2026-2-31'; Hijri ones marked 'H1448-13-1'), which no ISO parser accepts."""
    parts = [str(p or "").strip().translate(_DIGITS)[:8] for p in (year, month, day)]
    if not any(parts):
        return ""
    typed = "-".join(parts)
    if calendar != Calendar.HIJRI:
        if all(_NUMBER.fullmatch(p) for p in parts) and len(parts[0]) == 4:
            try:
                return date(*map(int, parts)).isoformat()
            except ValueError:
                pass
        return typed
    if all(_NUMBER.fullmatch(p) for p in parts):
        converted = from_hijri(*map(int, parts))
        if converted is not None:
            return converted.isoformat()
    return HIJRI_MARK + typed


@dataclasses.dataclass(frozen=True)
class DateParts:
    """What the day, month and year boxes show for a value `entered_date` made."""

    day: str = ""
    month: str = ""
    year: str = ""
    calendar: str = Calendar.GREGORIAN


def date_parts(value: str) -> DateParts:
    """The boxes of a value: an ISO date in Gregorian, a refused one as typed."""
    calendar = Calendar.GREGORIAN
    if value.startswith(HIJRI_MARK):
        calendar, value = Calendar.HIJRI, value[len(HIJRI_MARK):]
    pieces = value.split("-")
    if len(pieces) != 3:
        return DateParts(calendar=calendar)
    year, month, day = pieces
    if calendar == Calendar.GREGORIAN and _NUMBER.fullmatch(day) and _NUMBER.fullmatch(month):
        day, month = day.lstrip("0") or day, month.lstrip("0") or month
    return DateParts(day, month, year, calendar)
