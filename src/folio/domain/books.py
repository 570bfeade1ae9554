"""Books: currency, entries start, fiscal year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from folio.domain.dates import clamped_date
from folio.domain.digits import digits_value
from folio.domain.errors import InvalidInput
from folio.domain.text import check_text

_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\Z")
CHARTS = ("skr04", "skr03", "us_small_business", "empty")


@dataclass(frozen=True, slots=True)
class Book:
    id: str
    name: str
    currency: str
    exponent: int
    entries_start: date
    fiscal_year_start: str
    chart: str
    closed_through: date | None = None  # the last day of the newest closed fiscal year
    datev_consultant_number: int | None = None  # DATEV Beraternummer (1001-9999999)
    datev_client_number: int | None = None  # DATEV Mandantennummer (1-99999)

    def fiscal_year_begin(self, day: date) -> date:
        """The first day of the fiscal year that contains `day`."""
        month, dom = (int(part) for part in self.fiscal_year_start.split("-"))
        start = safe_date(day.year, month, dom)
        return start if start <= day else safe_date(day.year - 1, month, dom)

    @property
    def starts_mid_year(self) -> bool:
        """True when entries start anywhere but a fiscal-year start (a mid-year conversion)."""
        return self.fiscal_year_begin(self.entries_start) != self.entries_start


def safe_date(year: int, month: int, day: int) -> date:
    """02-29 in a non-leap year falls back to 02-28; bounded, never a loop (`dates.py`)."""
    return clamped_date(year, month, day)


def parse_fiscal_year_start(text: str) -> str:
    if not isinstance(text, str) or not _MONTH_DAY.match(text):
        raise InvalidInput(
            "fiscal_year_start must be a month and day written MM-DD, e.g. 01-01.",
            {"field": "fiscal_year_start", "value": text},
        )
    month, day = (int(part) for part in text.split("-"))
    if clamped_date(2024, month, day).day != day:
        raise InvalidInput(
            f"fiscal_year_start {text} is not a day of the year.",
            {"field": "fiscal_year_start", "value": text},
        )
    return text


def check_name(name: str, *, field: str = "name", max_length: int = 200) -> str:
    check_text(name, field)  # a library caller's number is no name
    cleaned = name.strip() if name else ""
    if not cleaned:
        raise InvalidInput(f"{field} must not be empty.", {"field": field})
    if len(cleaned) > max_length:
        raise InvalidInput(f"{field} is longer than {max_length} characters.", {"field": field})
    return cleaned


def check_chart(chart: str) -> str:
    if chart not in CHARTS:
        raise InvalidInput(
            f"Unknown chart {chart!r}; choose one of {', '.join(CHARTS)}.",
            {"field": "chart", "allowed": list(CHARTS)},
        )
    return chart


# DATEV's ranges for the numbers every EXTF header carries (its format description): a
# Beraternummer has 4 to 7 digits, from 1001; a Mandantennummer 1 to 5 digits, from 1.
DATEV_CONSULTANT_RANGE = (1001, 9_999_999)
DATEV_CLIENT_RANGE = (1, 99_999)


def check_datev_number(value: object, field: str) -> int | None:
    """A Beraternummer (`field` datev_consultant_number) or Mandantennummer
    (datev_client_number) as an int, or None to clear it; digits only, in DATEV's range."""
    if value is None:
        return None
    low, high = DATEV_CONSULTANT_RANGE if field == "datev_consultant_number" else DATEV_CLIENT_RANGE
    text = (
        str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    )
    number = digits_value(text)
    if number is None or not low <= number <= high:
        what = "Beraternummer" if field == "datev_consultant_number" else "Mandantennummer"
        raise InvalidInput(
            f"{field} (DATEV {what}) must be a whole number from {low} to {high}.",
            {
                "field": field,
                "value": value if isinstance(value, (int, str)) else None,
                "min": low,
                "max": high,
            },
        )
    return int(text)
