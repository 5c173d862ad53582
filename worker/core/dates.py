"""Resolve the date a figure refers to from words relative to publication.

"on Saturday" -> the latest Saturday on or before the publication date;
"on November 20" / "20 November" -> that date in the publication year (the
year before if that would be after publication). Pure: the publication date
is passed in, the clock is never read.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {m: i + 1 for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"))}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
               "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12})
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"

DATE_CUE_RE = re.compile(
    rf"\b(?:on|as\s+of|by|until|through)\s+(?:(?P<wd>{'|'.join(WEEKDAYS)})"
    rf"|(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH})(?:,?\s+(?P<y2>\d{{4}}))?)"
    r"|\b(?P<yesterday>yesterday)\b",
    re.IGNORECASE,
)


def resolve_date(match: re.Match[str], published: date | None) -> date | None:
    """The date a :data:`DATE_CUE_RE` match names, relative to ``published``."""
    if published is None:
        return None
    if match.group("yesterday"):
        return published - timedelta(days=1)
    wd = match.group("wd")
    if wd:
        back = (published.weekday() - WEEKDAYS.index(wd.lower())) % 7
        return published - timedelta(days=back)
    month = match.group("m1") or match.group("m2")
    day = match.group("d1") or match.group("d2")
    year = match.group("y1") or match.group("y2")
    if not month or not day:
        return None
    m = MONTHS.get(month.lower().rstrip("."))
    if m is None:
        return None
    y = int(year) if year else published.year
    try:
        d = date(y, m, int(day))
    except ValueError:
        return None
    if not year and d > published:
        try:
            d = date(y - 1, m, int(day))
        except ValueError:
            return None
    return d


# a month and day without a year that falls this soon after publication is a
# date ahead ("by February 7"), not one of last year
FUTURE_DAYS = 120


def names_future(match: re.Match[str], published: date | None) -> bool:
    """Does a :data:`DATE_CUE_RE` match name a day after ``published``?

    >>> m = DATE_CUE_RE.search("by February 7")
    >>> names_future(m, date(2023, 12, 21))
    True
    """
    if published is None or match.group("yesterday") or match.group("wd"):
        return False
    month = match.group("m1") or match.group("m2")
    day = match.group("d1") or match.group("d2")
    year = match.group("y1") or match.group("y2")
    m = MONTHS.get((month or "").lower().rstrip("."))
    if m is None or not day:
        return False
    try:
        if year:
            return date(int(year), m, int(day)) > published
        this_year = date(published.year, m, int(day))
        next_year = date(published.year + 1, m, int(day))
    except ValueError:
        return False
    return 0 < (this_year - published).days <= FUTURE_DAYS or 0 < (next_year - published).days <= FUTURE_DAYS
