"""Read-only queries behind the ledger statement: one ledger's lines over a date range.

The balance reports (trial balance, balance sheet, income statement) read only the per-ledger
daily and monthly totals through `LedgerRepo.totals_as_of`; nothing here scans a whole history.
A statement's lines are bounded by its range and read through `ix_lines_book_ledger_date`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Row, and_, case, func, select, tuple_
from sqlalchemy.engine import Connection

from folio.store.tables import journal_entries, journal_lines

LinePosition = tuple[date, int, int]
"""Where a line sits in a statement: (date, journal_number, line_no)."""

_jl = journal_lines
_je = journal_entries
_POSITION = tuple_(_jl.c.date, _jl.c.journal_number, _jl.c.line_no)


class ReportRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def statement_lines(
        self,
        book_id: str,
        ledger_id: str,
        date_from: date,
        date_to: date,
        *,
        after: LinePosition | None,
        limit: int,
    ) -> list[Row[Any]]:
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
        return list(self.conn.execute(query).all())

    def line_sums(
        self, book_id: str, ledger_id: str, date_from: date, through: LinePosition
    ) -> tuple[int, int]:
        """(debits, credits) of a ledger's lines from `date_from` up to and including `through`."""
        debit = case((_jl.c.side == "debit", _jl.c.amount), else_=0)
        credit = case((_jl.c.side == "credit", _jl.c.amount), else_=0)
        row = self.conn.execute(
            select(func.coalesce(func.sum(debit), 0), func.coalesce(func.sum(credit), 0)).where(
                _jl.c.book_id == book_id,
                _jl.c.ledger_id == ledger_id,
                _jl.c.date >= date_from,
                _jl.c.date <= through[0],
                _POSITION <= tuple_(*through),
            )
        ).one()
        return int(row[0]), int(row[1])
