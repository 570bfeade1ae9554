"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on both engines.

    SQLite keeps no time zone, so values are stored as naive UTC and tagged on the way out;
    the hash chain depends on reading back exactly what was written.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(DateTime(timezone=dialect.name == "postgresql"))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def key_string(length: int) -> String:
    """A string that is a key, not text for people: an id, a code, a number or a reference
    that a primary key, unique constraint, foreign key or index holds.

    Compared byte by byte on both engines: PostgreSQL compares text under the database's
    collation, through `strcoll` for any but "C" (migration 0011: 6-12% of the server's CPU in
    a large import), while SQLite's default is already binary and it knows no collation named
    "C". `tests/integration/test_key_collation.py` holds every key column to it.
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")
