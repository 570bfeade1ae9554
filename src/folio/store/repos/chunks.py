"""Rows of a book whose column is one of many values, read a chunk of values at a time (SQLite
binds at most 32,766 parameters a statement; PostgreSQL plans a long IN list slowly)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

IN_CHUNK = 1000


def rows_where_in(
    conn: Connection, table: Table, book_id: str, column: str, values: Iterable[str]
) -> Iterator[Any]:
    wanted = sorted(set(values))
    for start in range(0, len(wanted), IN_CHUNK):
        yield from conn.execute(
            select(table).where(
                table.c.book_id == book_id,
                table.c[column].in_(wanted[start : start + IN_CHUNK]),
            )
        )
