from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from folio.domain.periods import PeriodStatus
from folio.store.tables import periods

# Built once: every posting checks its periods, and building the query cost more than running it.
_CHANGED = select(periods.c.period, periods.c.status).where(
    periods.c.book_id == bindparam("p_book_id")
)


class PeriodRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        # Per book, every period whose status was ever changed, read once per transaction.
        # Postings check periods under the book lock, and period changes take that lock too, so
        # what was read stays true until the transaction ends (bar `set` here, which updates it).
        self._changed: dict[str, dict[str, PeriodStatus]] = {}

    def statuses(self, book_id: str, names: Iterable[str]) -> dict[str, PeriodStatus]:
        """Status of each named period; months never touched are open. Call under the book
        lock: the statuses are read once per transaction."""
        changed = self._changed.get(book_id)
        if changed is None:
            changed = self._changed[book_id] = {
                row.period: PeriodStatus(row.status)
                for row in self.conn.execute(_CHANGED, {"p_book_id": book_id})
            }
        return {name: changed.get(name, PeriodStatus.OPEN) for name in sorted(set(names))}

    def all(self, book_id: str) -> dict[str, PeriodStatus]:
        return {
            row.period: PeriodStatus(row.status)
            for row in self.conn.execute(
                select(periods.c.period, periods.c.status)
                .where(periods.c.book_id == book_id)
                .order_by(periods.c.period)
            )
        }

    def lock_row(self, book_id: str, period: str) -> PeriodStatus:
        row = self.conn.execute(
            select(periods.c.status)
            .where(periods.c.book_id == book_id, periods.c.period == period)
            .with_for_update()
        ).first()
        return PeriodStatus(row.status) if row else PeriodStatus.OPEN

    def set(
        self, book_id: str, period: str, status: PeriodStatus, *, at: datetime, by: str | None
    ) -> None:
        updated = self.conn.execute(
            periods.update()
            .where(periods.c.book_id == book_id, periods.c.period == period)
            .values(status=status.value, updated_at=at, updated_by=by)
        )
        if book_id in self._changed:
            self._changed[book_id][period] = status
        if updated.rowcount == 0:
            self.conn.execute(
                periods.insert().values(
                    book_id=book_id,
                    period=period,
                    status=status.value,
                    updated_at=at,
                    updated_by=by,
                )
            )
