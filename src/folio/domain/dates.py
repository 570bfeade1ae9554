"""The dates Folio computes with, and how far a range or a report may reach.

Every date a client sends (an entry's date, a book's entries start, `as_of`, `from`, `to`,
`through`) lies in [MIN_DATE, MAX_DATE]:

- from 1900-01-01: spreadsheet dates (XLSX reports) start there, and no book kept in Folio
  needs an earlier day;
- through 9998-12-31: Python's dates end with year 9999, and reports step a year past the
  days they show (a fiscal year's end, a quarter's last day), so the last year is kept free.

Within that range, the work a request causes is bounded too: a report's range spans at most
MAX_RANGE_YEARS years, a report by interval has at most MAX_COLUMNS columns, and every loop
over months counts them first (`months_between`) instead of stepping until a date is reached.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from folio.domain.errors import InvalidInput

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(9998, 12, 31)
MAX_RANGE_YEARS = 100
MAX_COLUMNS = 240

_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def day_problem(day: date) -> str | None:
    """Why Folio cannot compute with `day`, or None when it can."""
    if MIN_DATE <= day <= MAX_DATE:
        return None
    return (
        f"{day.isoformat()} is outside the dates Folio accepts "
        f"({MIN_DATE.isoformat()} to {MAX_DATE.isoformat()})"
    )


def read_day(text: str) -> date:
    """A calendar date written YYYY-MM-DD, in range; ValueError with the reason otherwise.

    Nothing else is a date: not a number (`0` is not 1970-01-01), not a date-time, not a week
    date.
    """
    if not isinstance(text, str) or not _ISO_DAY.match(text):
        raise ValueError("expected a date written YYYY-MM-DD, such as 2025-01-31")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a day of the calendar") from None
    problem = day_problem(day)
    if problem:
        raise ValueError(problem)
    return day


def check_day(day: date, field: str) -> date:
    """`day` if Folio can compute with it; otherwise INVALID_INPUT naming `field`. A library
    caller's datetime (a date to Python) or text is no day."""
    if type(day) is not date:
        raise InvalidInput(
            f"{field} must be a datetime.date, not {day!r} ({type(day).__name__}).",
            {"field": field, "value": repr(day)},
        )
    problem = day_problem(day)
    if problem:
        raise InvalidInput(
            f"{field}: {problem}.",
            {"field": field, "value": day.isoformat(), "min": MIN_DATE.isoformat(),
             "max": MAX_DATE.isoformat()},
        )  # fmt: skip
    return day


def parse_day(text: str, field: str) -> date:
    """`read_day` for callers that answer with Folio's errors: INVALID_INPUT naming `field`."""
    try:
        return read_day(text)
    except ValueError as exc:
        raise InvalidInput(f"{field}: {exc}.", {"field": field, "value": str(text)[:40]}) from None


def check_range(start: date, end: date, *, from_field: str = "from", to_field: str = "to") -> None:
    """A report's range: both ends in range, in order, at most MAX_RANGE_YEARS years."""
    check_day(start, from_field)
    check_day(end, to_field)
    if start > end:
        raise InvalidInput(
            f"The range starts ({start}) after it ends ({end}).",
            {"field": from_field, "from": start.isoformat(), "to": end.isoformat()},
        )
    if months_between(start, end) > MAX_RANGE_YEARS * 12:
        raise InvalidInput(
            f"A range spans at most {MAX_RANGE_YEARS} years; {start} to {end} is longer.",
            {"field": to_field, "from": start.isoformat(), "to": end.isoformat(),
             "max_years": MAX_RANGE_YEARS},
        )  # fmt: skip


def months_between(start: date, end: date) -> int:
    """How many calendar months [start, end] touches (1 when both are in one month)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, the day of month clamped to the target month's length.

    Out of Python's dates (before year 1, after 9999) it raises ValueError; callers keep to
    [MIN_DATE, MAX_DATE], which leaves a year of room on either side.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"{day} moved by {months} months leaves the calendar")
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def clamped_date(year: int, month: int, day: int) -> date:
    """date(year, month, day), a day past the month's end clamped to its last (02-29 → 02-28)."""
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of the calendar")
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))
