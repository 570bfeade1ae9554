"""Statements on the driver's own cursor, for the hot paths (DESIGN §1: cached statements or
the driver directly). They run in the connection's open transaction like any other statement;
SQLAlchemy's execution context and result machinery cost more than the statements did there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError


def run(
    conn: Connection, statement: str, params: Any, *, many: bool = False, fetch: bool = False
) -> list[tuple[Any, ...]]:
    """Execute (or with `many`, execute for each of `params`); the rows as tuples with `fetch`.

    A driver error is raised as SQLAlchemy raises it, so the retries of the unit of work and
    the API's error mapping treat it alike.
    """
    driver = conn.connection.driver_connection
    dbapi = conn.dialect.dbapi
    assert driver is not None and dbapi is not None
    cursor = driver.cursor()
    try:
        if many:
            cursor.executemany(statement, params)
            return []
        cursor.execute(statement, params)
        rows: Sequence[tuple[Any, ...]] = cursor.fetchall() if fetch else []
        return list(rows)
    except dbapi.Error as exc:
        raise DBAPIError.instance(statement, params, exc, dbapi.Error) from exc
    finally:
        cursor.close()


def sqlite_value(value: Any) -> Any:
    """What SQLAlchemy's SQLite types store: ISO dates, naive UTC datetimes with microseconds."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value
