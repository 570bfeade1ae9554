from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from folio.domain.books import Book
from folio.store.tables import books


def _book(row: Any) -> Book:
    return Book(
        id=row.book_id,
        name=row.name,
        currency=row.currency,
        exponent=row.exponent,
        entries_start=row.entries_start,
        fiscal_year_start=row.fiscal_year_start,
        chart=row.chart,
        closed_through=row.closed_through,
        datev_consultant_number=row.datev_consultant_number,
        datev_client_number=row.datev_client_number,
    )


# Built once: the posting path reads and locks the book on every request (bench/).
_GET = select(books).where(books.c.book_id == bindparam("b_book_id"))
_LOCK_HEAD = _GET.with_for_update()
_ADVANCE_HEAD = (
    update(books)
    .where(books.c.book_id == bindparam("b_book_id"))
    .values(last_journal_number=bindparam("b_number"), last_hash=bindparam("b_hash"))
)


class BookRepo:
    """One transaction's books. A book locked in it is remembered with its journal head, which
    only this transaction can change until it ends: later reads and locks of it in the same
    transaction (a route reading the book before posting, the postings of a batch) need no
    round trip. A transaction is never partly undone (no savepoints), so nothing remembered
    goes stale."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._locked: dict[str, tuple[Book, int, str]] = {}

    def insert(self, book: Book, *, created_at: datetime, genesis_hash: str) -> None:
        self.conn.execute(
            books.insert().values(
                book_id=book.id,
                name=book.name,
                currency=book.currency,
                exponent=book.exponent,
                entries_start=book.entries_start,
                fiscal_year_start=book.fiscal_year_start,
                chart=book.chart,
                created_at=created_at,
                updated_at=created_at,
                last_journal_number=0,
                last_hash=genesis_hash,
            )
        )

    def get(self, book_id: str) -> Book | None:
        if book_id in self._locked:
            return self._locked[book_id][0]
        row = self.conn.execute(_GET, {"b_book_id": book_id}).first()
        return _book(row) if row else None

    def lock_head(self, book_id: str) -> tuple[Book, int, str] | None:
        """The book with its journal head, its row locked until the transaction ends."""
        if book_id in self._locked:
            return self._locked[book_id]
        row = self.conn.execute(_LOCK_HEAD, {"b_book_id": book_id}).first()
        if row is None:
            return None
        self._locked[book_id] = (_book(row), row.last_journal_number, row.last_hash)
        return self._locked[book_id]

    def moved_head(self, book_id: str, number: int, last_hash: str) -> None:
        """The journal head of a locked book was advanced in this transaction."""
        if book_id in self._locked:
            self._locked[book_id] = (self._locked[book_id][0], number, last_hash)

    def advance_head(self, book_id: str, number: int, last_hash: str) -> None:
        self.moved_head(book_id, number, last_hash)
        self.conn.execute(
            _ADVANCE_HEAD, {"b_book_id": book_id, "b_number": number, "b_hash": last_hash}
        )

    def head(self, book_id: str) -> tuple[int, str]:
        if book_id in self._locked:
            return self._locked[book_id][1:]
        row = self.conn.execute(
            select(books.c.last_journal_number, books.c.last_hash).where(books.c.book_id == book_id)
        ).one()
        return row.last_journal_number, row.last_hash

    def search(
        self, *, only: str | None = None, after: str | None = None, limit: int = 50
    ) -> Sequence[Book]:
        query = select(books).order_by(books.c.book_id).limit(limit)
        if only is not None:
            query = query.where(books.c.book_id == only)
        if after is not None:
            query = query.where(books.c.book_id > after)
        return [_book(row) for row in self.conn.execute(query)]

    def update(self, book_id: str, *, updated_at: datetime, **values: Any) -> None:
        self._locked.pop(book_id, None)  # read it again (still locked) when next asked
        self.conn.execute(
            update(books).where(books.c.book_id == book_id).values(updated_at=updated_at, **values)
        )
