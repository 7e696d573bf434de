"""Dates as people read them: Gregorian and Hijri (Umm al-Qura, via `hijridate`) side by side,
with month names in Arabic and English (CLDR's, through Babel).

Document dates are Gregorian in the registry; the Hijri date is computed, never stored. The Umm
al-Qura table covers 1924-08-01 to 2077-11-16; outside it there is no Hijri date ("").
"""

from __future__ import annotations

import dataclasses
from datetime import date
from zoneinfo import ZoneInfo

from hijridate import Gregorian

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
