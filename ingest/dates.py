"""Dates as board papers write them: "THURSDAY, 26 JANUARY 2023", "4th December 2025",
"30.11.22", "13/10/2022", "September 2025", "Dec 22", "2025/26", "2023 – 2026"."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
          r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DAY_MONTH_YEAR = re.compile(
    _WEEKDAY + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\.?,?\s+(?P<year>\d{4})\b",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    _WEEKDAY + _MONTH + r"\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b", re.IGNORECASE
)
_NUMERIC = re.compile(r"(?<![\d/.])(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4}|\d{2})(?![\d/.])")
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r"\b[\s\-.,']*(?P<year>\d{4}|\d{2})\b(?![/\-–]\d)", re.IGNORECASE)
_PERIOD = re.compile(r"\b(?P<start>(?:19|20)\d{2})\s*(?:/|-|–|—|to)\s*(?P<end>(?:19|20)?\d{2})\b")


@dataclass(frozen=True)
class Found:
    """A date found in text, with its precision and where it was."""

    value: date
    precision: str  # "day" or "month"
    start: int
    end: int


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # "31 February 2025" is no date at all
        return None


def find_dates(text: str) -> list[Found]:
    """Every full date (day, month and year) in the text, in order of position."""
    found: list[Found] = []
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for m in pattern.finditer(text):
            value = _make(_year(m["year"]), MONTHS[m["month"][:3].lower()], int(m["day"]))
            if value:
                found.append(Found(value, "day", m.start(), m.end()))
    for m in _NUMERIC.finditer(text):
        value = _make(_year(m["year"]), int(m["month"]), int(m["day"]))
        if value:
            found.append(Found(value, "day", m.start(), m.end()))
    return _without_overlaps(found)


def impossible_dates(text: str) -> list[str]:
    """Phrases written as a full date that name no real day ("31 February 2025"), as written."""
    found = []
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for m in pattern.finditer(text):
            if _make(_year(m["year"]), MONTHS[m["month"][:3].lower()], int(m["day"])) is None:
                found.append(m.group(0).strip(" ,."))
    for m in _NUMERIC.finditer(text):
        if _make(_year(m["year"]), int(m["month"]), int(m["day"])) is None:
            found.append(m.group(0))
    return found


def find_months(text: str) -> list[Found]:
    """Month-and-year mentions ("December 2025", "Dec 22") that are not part of a full date."""
    taken = [(f.start, f.end) for f in find_dates(text)]
    found = []
    for m in _MONTH_YEAR.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if m["month"].lower() == "may" and len(m["year"]) == 2:
            continue  # "may 22" is more often a verb than a month
        found.append(Found(date(_year(m["year"]), MONTHS[m["month"][:3].lower()], 1), "month", m.start(), m.end()))
    return found


def _without_overlaps(found: list[Found]) -> list[Found]:
    kept: list[Found] = []
    for f in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


def first_date(text: str) -> date | None:
    """The first full date in the text, if any."""
    dates = find_dates(text)
    return dates[0].value if dates else None


def find_periods(text: str) -> list[tuple[int, int]]:
    """Year ranges such as "2023 – 2026", "2025/26" or "2022-23", as (start, end) years."""
    periods = []
    for m in _PERIOD.finditer(text):
        start = int(m["start"])
        end_text = m["end"]
        end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
        if start < end <= start + 15:
            periods.append((start, end))
    return periods


_YEAR_WORD = re.compile(r"\b(?:19|20)\d{2}\b")


def mentions_between(text: str, start: date | None, end: date | None) -> bool:
    """Whether the text names a day or month inside start..end (either may be open); a range of whole
    years is met by the year alone ("in 2024")."""
    low, high = start or date.min, end or date.max
    if any(low <= f.value <= high for f in find_dates(text)):
        return True
    for f in find_months(text):
        month_end = f.value.replace(day=calendar.monthrange(f.value.year, f.value.month)[1])
        if f.value <= high and month_end >= low:
            return True
    whole_years = (low.month, low.day, high.month, high.day) == (1, 1, 12, 31)
    return whole_years and any(low.year <= int(y) <= high.year for y in _YEAR_WORD.findall(text))


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
