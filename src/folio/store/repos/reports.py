"""Read-only queries behind the reports.

The balance reports read only the per-ledger daily and monthly totals (`range_totals` here,
`LedgerRepo.totals_as_of`); nothing scans a whole history. A ledger statement's lines are
bounded by its range and read through `ix_lines_book_ledger_date`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select, tuple_
from sqlalchemy.engine import Connection

from folio.store.tables import (
    journal_entries,
    journal_lines,
    ledger_daily_totals,
    ledger_monthly_totals,
)

LinePosition = tuple[date, int, int]
"""Where a line sits in a statement: (date, journal_number, line_no)."""

_jl = journal_lines
_je = journal_entries
_POSITION = tuple_(_jl.c.date, _jl.c.journal_number, _jl.c.line_no)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _split_ranges(
    ranges: Sequence[tuple[date, date]],
) -> tuple[dict[date, int], list[tuple[date, date, int]]]:
    """Whole months inside each range (month → range index) and the days left over."""
    months: dict[date, int] = {}
    days: list[tuple[date, date, int]] = []
    for index, (lo, hi) in enumerate(ranges):
        first = lo if lo.day == 1 else _next_month(lo)
        month = first
        while _next_month(month) - timedelta(days=1) <= hi:
            months[month] = index
            month = _next_month(month)
        if month == first:  # no whole month inside
            days.append((lo, hi, index))
            continue
        if lo < first:
            days.append((lo, first - timedelta(days=1), index))
        if month <= hi:
            days.append((month, hi, index))
    return months, sorted(days)


class ReportRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def range_totals(
        self, book_id: str, ledger_ids: Sequence[str], ranges: Sequence[tuple[date, date]]
    ) -> list[dict[str, tuple[int, int, int, int]]]:
        """Per range [lo, hi] (ranges must not overlap): ledger_id → [debits, credits,
        ob_debits, ob_credits] of the postings dated in it.

        Whole months come from the monthly totals, the days around them from the daily
        totals: two queries for any number of ranges, bounded by ledgers × months.
        """
        result: list[dict[str, list[int]]] = [{} for _ in ranges]
        if not ranges or not ledger_ids:
            return [{} for _ in ranges]
        months, days = _split_ranges(ranges)
        ids = list(ledger_ids)

        def add(index: int, row: Any) -> None:
            into = result[index].setdefault(row.ledger_id, [0, 0, 0, 0])
            into[0] += row.debits
            into[1] += row.credits
            into[2] += row.ob_debits
            into[3] += row.ob_credits

        monthly, daily = ledger_monthly_totals, ledger_daily_totals
        if months:
            query = select(monthly).where(
                monthly.c.book_id == book_id,
                monthly.c.ledger_id.in_(ids),
                monthly.c.month >= min(months),
                monthly.c.month <= max(months),
            )
            for row in self.conn.execute(query):
                index = months.get(row.month)
                if index is not None:
                    add(index, row)
        if days:
            starts = [lo for lo, _, _ in days]
            query = select(daily).where(
                daily.c.book_id == book_id,
                daily.c.ledger_id.in_(ids),
                or_(*(and_(daily.c.day >= lo, daily.c.day <= hi) for lo, hi, _ in days)),
            )
            for row in self.conn.execute(query):
                lo, hi, index = days[bisect_right(starts, row.day) - 1]
                if lo <= row.day <= hi:
                    add(index, row)
        return [{lid: (v[0], v[1], v[2], v[3]) for lid, v in part.items()} for part in result]

    def statement_lines(
        self,
        book_id: str,
        ledger_id: str,
        date_from: date,
        date_to: date,
        *,
        after: LinePosition | None,
        limit: int,
    ) -> Sequence[Any]:
        """Up to `limit` lines of a ledger in [date_from, date_to] after `after`, in order."""
        query = (
            select(
                _jl.c.date,
                _jl.c.journal_number,
                _jl.c.line_no,
                _jl.c.entry_id,
                _jl.c.line_id,
                _jl.c.side,
                _jl.c.amount,
                _jl.c.is_opening_balance,
                _jl.c.description.label("line_description"),
                _je.c.description.label("entry_description"),
                _je.c.kind,
            )
            .join_from(
                _jl, _je, and_(_je.c.book_id == _jl.c.book_id, _je.c.entry_id == _jl.c.entry_id)
            )
            .where(
                _jl.c.book_id == book_id,
                _jl.c.ledger_id == ledger_id,
                _jl.c.date >= date_from,
                _jl.c.date <= date_to,
            )
            .order_by(_jl.c.date, _jl.c.journal_number, _jl.c.line_no)
            .limit(limit)
        )
        if after is not None:
            query = query.where(_POSITION > tuple_(*after))
        return self.conn.execute(query).all()

    def line_sums(
        self, book_id: str, ledger_id: str, date_from: date, date_to: date, through: LinePosition
    ) -> tuple[int, int]:
        """(debits, credits) of a ledger's lines in [date_from, date_to] up to and including
        the line at `through`."""
        debit = case((_jl.c.side == "debit", _jl.c.amount), else_=0)
        credit = case((_jl.c.side == "credit", _jl.c.amount), else_=0)
        row = self.conn.execute(
            select(func.coalesce(func.sum(debit), 0), func.coalesce(func.sum(credit), 0)).where(
                _jl.c.book_id == book_id,
                _jl.c.ledger_id == ledger_id,
                _jl.c.date >= date_from,
                _jl.c.date <= min(date_to, through[0]),
                _POSITION <= tuple_(*through),
            )
        ).one()
        return int(row[0]), int(row[1])
