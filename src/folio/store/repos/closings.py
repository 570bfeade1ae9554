"""Year-end closes and their closing balances. Rows are only ever added, and marked reopened
once; the partial unique index `uq_closings_live_year` allows one live close per year."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from folio.domain.fiscal_years import Closing
from folio.domain.journal import GENESIS_HASH
from folio.store.tables import fiscal_year_closing_balances as _balances
from folio.store.tables import fiscal_year_closings as _closings


def _closing(row: Any, balances: dict[str, int]) -> Closing:
    return Closing(
        id=row.closing_id,
        book_id=row.book_id,
        seq=row.seq,
        year=row.year,
        first_day=row.first_day,
        last_day=row.last_day,
        final=bool(row.final),
        result=row.result,
        retained_earnings_id=row.retained_earnings_id,
        journal_number=row.journal_number,
        journal_hash=row.journal_hash,
        prev_hash=row.prev_hash,
        hash=row.hash,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        balances=balances,
        reopened_at=row.reopened_at,
        reopened_by=row.reopened_by,
    )


class ClosingRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(self, closing: Closing) -> None:
        self.conn.execute(
            _closings.insert().values(
                book_id=closing.book_id,
                closing_id=closing.id,
                seq=closing.seq,
                year=closing.year,
                first_day=closing.first_day,
                last_day=closing.last_day,
                final=closing.final,
                result=closing.result,
                retained_earnings_id=closing.retained_earnings_id,
                journal_number=closing.journal_number,
                journal_hash=closing.journal_hash,
                prev_hash=closing.prev_hash,
                hash=closing.hash,
                closed_at=closing.closed_at,
                closed_by=closing.closed_by,
            )
        )
        rows = [
            {"book_id": closing.book_id, "closing_id": closing.id, "ledger_id": lid, "balance": b}
            for lid, b in sorted(closing.balances.items())
        ]
        if rows:
            self.conn.execute(_balances.insert(), rows)

    def head(self, book_id: str) -> tuple[int, str]:
        """The last close's sequence number and hash (0 and the genesis hash before any)."""
        row = self.conn.execute(
            select(_closings.c.seq, _closings.c.hash)
            .where(_closings.c.book_id == book_id)
            .order_by(_closings.c.seq.desc())
            .limit(1)
        ).first()
        return (row.seq, row.hash) if row else (0, GENESIS_HASH)

    def of_book(self, book_id: str, year: int | None = None) -> list[Closing]:
        """Every close of the book (of one year), oldest first, with its balances."""
        query = select(_closings).where(_closings.c.book_id == book_id)
        if year is not None:
            query = query.where(_closings.c.year == year)
        rows = self.conn.execute(query.order_by(_closings.c.seq)).all()
        if not rows:
            return []
        balances: dict[str, dict[str, int]] = defaultdict(dict)
        for item in self.conn.execute(
            select(_balances.c.closing_id, _balances.c.ledger_id, _balances.c.balance).where(
                _balances.c.book_id == book_id,
                _balances.c.closing_id.in_([row.closing_id for row in rows]),
            )
        ):
            balances[item.closing_id][item.ledger_id] = item.balance
        return [_closing(row, balances[row.closing_id]) for row in rows]

    def reopen(self, book_id: str, closing_id: str, *, at: datetime, by: str | None) -> None:
        self.conn.execute(
            update(_closings)
            .where(
                _closings.c.book_id == book_id,
                _closings.c.closing_id == closing_id,
                _closings.c.reopened_at.is_(None),
            )
            .values(reopened_at=at, reopened_by=by)
        )
