"""Dates Folio computes with: the range, strict parsing, month arithmetic and report columns
bounded by construction (issue 13, items 1, 2 and 6)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from folio.domain.books import Book
from folio.domain.dates import (
    MAX_COLUMNS,
    MAX_DATE,
    MIN_DATE,
    add_months,
    check_range,
    months_between,
    parse_day,
)
from folio.domain.errors import InvalidInput, InvalidPeriod
from folio.domain.periods import parse_period
from folio.service.reports import Interval, buckets


def book(fiscal_year_start: str = "01-01", entries_start: date = date(2025, 1, 1)) -> Book:
    return Book("bk_1", "Acme", "EUR", 2, entries_start, fiscal_year_start, "empty")


@pytest.mark.parametrize("text", ["0", "20250101", "2025-1-01", "2025-01-01T00:00:00", "", " "])
def test_only_iso_days_are_dates(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_day(text, "as_of")
    assert caught.value.data["field"] == "as_of"


@pytest.mark.parametrize("text", ["1899-12-31", "9999-01-01", "0001-01-01"])
def test_days_outside_the_range_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_day(text, "to")
    assert caught.value.data["field"] == "to"
    assert "1900-01-01 to 9998-12-31" in caught.value.message


def test_the_range_ends_are_dates() -> None:
    assert parse_day("1900-01-01", "d") == MIN_DATE
    assert parse_day("9998-12-31", "d") == MAX_DATE
    with pytest.raises(InvalidInput):
        parse_day("2025-02-30", "d")


def test_add_months_clamps_and_never_loops_off_the_calendar() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(9999, 12, 31), 0) == date(9999, 12, 31)
    with pytest.raises(ValueError):
        add_months(date(9999, 12, 31), 1)  # main lowered the day forever here
    with pytest.raises(ValueError):
        add_months(date(1, 1, 31), -1)


def test_fiscal_years_of_the_first_and_last_days() -> None:
    assert book("07-01").fiscal_year_begin(MIN_DATE) == date(1899, 7, 1)
    assert book("07-01").fiscal_year_begin(MAX_DATE) == date(9998, 7, 1)
    assert book("02-29").fiscal_year_begin(date(2025, 3, 1)) == date(2025, 2, 28)


def test_periods_are_months_in_range() -> None:
    assert parse_period("9998-12") == "9998-12"
    for bad in ("9999-01", "1899-12", "0000-01"):
        with pytest.raises(InvalidPeriod):
            parse_period(bad)


def test_a_range_spans_at_most_a_hundred_years() -> None:
    check_range(date(1900, 1, 1), date(1999, 12, 31))
    with pytest.raises(InvalidInput) as caught:
        check_range(date(1900, 1, 1), date(2000, 1, 1))
    assert caught.value.data["field"] == "to"
    with pytest.raises(InvalidInput) as caught:
        check_range(date(2025, 2, 1), date(2025, 1, 1))
    assert caught.value.data["field"] == "from"


def test_columns_are_capped_before_any_is_built() -> None:
    with pytest.raises(InvalidInput) as caught:
        buckets(book(), date(1900, 1, 1), date(1999, 12, 31), Interval.MONTH)
    assert caught.value.data["field"] == "interval"
    assert caught.value.data["columns"] == 1200
    years = buckets(book("07-01"), date(1900, 1, 1), date(1999, 12, 31), Interval.YEAR)
    assert len(years) == 101 and years[0].label == "FY1899/00"
    last = buckets(book(), date(9998, 1, 1), MAX_DATE, Interval.MONTH)
    assert [c.label for c in last][-1] == "9998-12" and len(last) == 12


days = st.dates(MIN_DATE, MAX_DATE)


@given(
    start=days,
    span=st.integers(0, 40 * 366),
    interval=st.sampled_from(list(Interval)),
    fiscal=st.sampled_from(["01-01", "07-01", "02-29", "12-31"]),
)
def test_columns_tile_the_range_or_are_refused(
    start: date, span: int, interval: Interval, fiscal: str
) -> None:
    end = date.fromordinal(min(start.toordinal() + span, MAX_DATE.toordinal()))
    try:
        columns = buckets(book(fiscal), start, end, interval)
    except InvalidInput as refused:
        assert refused.data["columns"] > MAX_COLUMNS
        assert months_between(start, end) > MAX_COLUMNS  # only a long range is refused
        return
    assert 1 <= len(columns) <= MAX_COLUMNS
    assert columns[0].date_from == start and columns[-1].date_to == end
    for left, right in zip(columns, columns[1:], strict=False):
        assert right.date_from == left.date_to + timedelta(days=1)
