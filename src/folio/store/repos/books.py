from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
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
    )


class BookRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

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
        row = self.conn.execute(select(books).where(books.c.book_id == book_id)).first()
        return _book(row) if row else None

    def lock_head(self, book_id: str) -> tuple[Book, int, str] | None:
        """The book with its journal head, its row locked until the transaction ends."""
        row = self.conn.execute(
            select(books).where(books.c.book_id == book_id).with_for_update()
        ).first()
        if row is None:
            return None
        return _book(row), row.last_journal_number, row.last_hash

    def advance_head(self, book_id: str, number: int, last_hash: str) -> None:
        self.conn.execute(
            update(books)
            .where(books.c.book_id == book_id)
            .values(last_journal_number=number, last_hash=last_hash)
        )

    def head(self, book_id: str) -> tuple[int, str]:
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
        self.conn.execute(
            update(books).where(books.c.book_id == book_id).values(updated_at=updated_at, **values)
        )
