"""Fiscal years (DESIGN §3a): their dates, and the opening (EB) values each one starts with.

A fiscal year runs from the book's `fiscal_year_start` (MM-DD) to the day before the next one
and is named by the calendar year it starts in: with 07-01, fiscal year 2025 runs from
2025-07-01 to 2026-06-30. A start of 02-29 falls on 02-28 in other years. The book's first
fiscal year is the one holding its entries start; in a mid-year conversion its records begin
at the entries start, later than the year itself.

Carried balances are derived, never copied. The opening value of a balance-sheet ledger in year
Y is its balance at the end of Y-1 (in the first year: its opening-balance postings); revenue
and expense ledgers open at zero (in a mid-year conversion's first year: their year-to-date
opening balances); the results of all earlier years open in the retained-earnings ledger.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from folio.domain.books import Book, safe_date
from folio.domain.errors import InvalidInput
from folio.domain.journal import canonical_json
from folio.domain.ledgers import Ledger

# (debits, credits, ob_debits, ob_credits) per ledger, as the period totals give them.
Totals = Mapping[str, tuple[int, int, int, int]]
_ZERO = (0, 0, 0, 0)


class YearStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # its periods soft-locked; it can be reopened
    FINAL = "final"  # closed for good: its periods locked


@dataclass(frozen=True, slots=True)
class FiscalYear:
    year: int
    start: date
    end: date

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def year_start(book: Book, year: int) -> date:
    month, day = (int(part) for part in book.fiscal_year_start.split("-"))
    return safe_date(year, month, day)


LAST_YEAR = 9998  # the last fiscal year Folio computes with: its end lies before year 10000


def check_year(year: object) -> None:
    """A fiscal year is named by an int (a library caller's "2025" or True is refused)."""
    if type(year) is not int:
        raise InvalidInput(
            f"year must be an int such as 2025, not {year!r} ({type(year).__name__}).",
            {"field": "year", "value": repr(year)},
        )


def fiscal_year(book: Book, year: int) -> FiscalYear:
    """Fiscal year `year`, which must not begin before the book's first."""
    check_year(year)
    if year > LAST_YEAR:
        raise InvalidInput(
            f"Fiscal year {year} lies beyond the years Folio computes with (up to {LAST_YEAR}).",
            {"field": "year", "year": year, "last_year": LAST_YEAR},
        )
    first = first_year(book)
    if year < first.year:
        raise InvalidInput(
            f"The book's first fiscal year is {first.year} (it starts {book.entries_start}); "
            f"there is no fiscal year {year} in it.",
            {"field": "year", "year": year, "first_year": first.year},
        )
    return FiscalYear(year, year_start(book, year), year_start(book, year + 1) - timedelta(days=1))


def year_of(book: Book, day: date) -> FiscalYear:
    begin = book.fiscal_year_begin(day)
    return FiscalYear(begin.year, begin, year_start(book, begin.year + 1) - timedelta(days=1))


def first_year(book: Book) -> FiscalYear:
    return year_of(book, book.entries_start)


def years_through(book: Book, last: date) -> list[FiscalYear]:
    """Every fiscal year from the book's first through the one holding `last`."""
    final = max(year_of(book, last).year, first_year(book).year)
    return [fiscal_year(book, year) for year in range(first_year(book).year, final + 1)]


def raw(totals: Totals, ledger_id: str, *, opening: bool | None = None) -> int:
    """Debit − credit of a ledger's totals: all postings, or only (`opening` True) or all but
    (`opening` False) its opening-balance postings."""
    d, c, obd, obc = totals.get(ledger_id, _ZERO)
    if opening is None:
        return d + obd - c - obc
    return obd - obc if opening else d - c


@dataclass(frozen=True, slots=True)
class OpeningValues:
    """Each ledger's opening value (debit − credit) for a fiscal year, the retained-earnings
    ledger's including `earlier_results` (debit − credit: a profit is negative)."""

    values: dict[str, int]
    earlier_results: int


def opening_values(
    ledgers: Iterable[Ledger],
    before: Mapping[str, int],
    year_openings: Mapping[str, int],
    retained_earnings_id: str | None,
) -> OpeningValues:
    """The opening values of a fiscal year.

    `before`: each ledger's balance (debit − credit) at the end of the year before;
    `year_openings`: its opening-balance postings dated in the year (Folio dates them on the
    first year's opening date). Balance-sheet ledgers carry their balance; revenue and expense
    ledgers carry nothing, their results opening in the retained-earnings ledger (a book without
    one shows `earlier_results` as a row of its own).
    """
    values: dict[str, int] = {}
    results = 0
    for ledger in ledgers:
        value = year_openings.get(ledger.id, 0)
        if ledger.type.is_balance_sheet:
            value += before.get(ledger.id, 0)
        else:
            results += before.get(ledger.id, 0)
        values[ledger.id] = value
    if retained_earnings_id is not None:
        values[retained_earnings_id] = values.get(retained_earnings_id, 0) + results
    return OpeningValues(values, results)


def result_of(ledgers: Iterable[Ledger], before: Totals, end: Totals) -> int:
    """A year's result, revenue − expense (credits − debits of every revenue and expense
    ledger from `before`, the day before its start, to `end`, its last day)."""
    return sum(
        raw(before, ledger.id) - raw(end, ledger.id)
        for ledger in ledgers
        if not ledger.type.is_balance_sheet
    )


@dataclass(frozen=True, slots=True)
class Closing:
    """A recorded year-end close: the closing balances (debit − credit per ledger; revenue and
    expense: the year's), the result, and the journal head the close saw."""

    id: str
    book_id: str
    seq: int
    year: int
    first_day: date
    last_day: date
    final: bool
    result: int
    retained_earnings_id: str
    journal_number: int
    journal_hash: str
    prev_hash: str
    hash: str
    closed_at: datetime
    closed_by: str | None
    balances: dict[str, int]
    reopened_at: datetime | None = None
    reopened_by: str | None = None

    @property
    def live(self) -> bool:
        return self.reopened_at is None


def closing_hash(closing: Closing) -> str:
    """SHA-256 over the previous close's hash and a canonical form of this one (its `hash` and
    reopening aside): its balances and the journal head it saw, so that a later change to
    either is detectable."""
    body = canonical_json(
        {
            "id": closing.id,
            "book_id": closing.book_id,
            "seq": closing.seq,
            "year": closing.year,
            "first_day": closing.first_day.isoformat(),
            "last_day": closing.last_day.isoformat(),
            "final": closing.final,
            "result": closing.result,
            "retained_earnings_id": closing.retained_earnings_id,
            "journal_number": closing.journal_number,
            "journal_hash": closing.journal_hash,
            "closed_at": closing.closed_at.isoformat(timespec="microseconds"),
            "closed_by": closing.closed_by,
            "balances": sorted(closing.balances.items()),
        }
    )
    return hashlib.sha256(f"{closing.prev_hash}\n{body}".encode()).hexdigest()
