from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from folio.domain.ledgers import Ledger, LedgerType, Role, Side
from folio.store import driver
from folio.store.tables import (
    journal_lines,
    ledger_daily_totals,
    ledger_monthly_totals,
    ledgers,
)

_COLUMNS = (
    ledgers.c.book_id,
    ledgers.c.ledger_id,
    ledgers.c.number,
    ledgers.c.name,
    ledgers.c.type,
    ledgers.c.subtype,
    ledgers.c.normal_balance,
    ledgers.c.parent_id,
    ledgers.c.role,
    ledgers.c.archived,
    ledgers.c.debits_posted,
    ledgers.c.credits_posted,
    ledgers.c.description,
)


# Stored values to members by a dict: calling the enum for each of an import's 100,000
# ledgers showed in its profile.
_TYPES = {member.value: member for member in LedgerType}
_SIDES = {member.value: member for member in Side}
_ROLES = {member.value: member for member in Role}


def _ledger(row: Sequence[Any]) -> Ledger:
    """A row of `_COLUMNS`, from SQLAlchemy or the driver."""
    (book_id, ledger_id, number, name, kind, subtype, normal, parent_id, role, archived,
     debits, credits, description) = row  # fmt: skip
    return Ledger(
        id=ledger_id,
        book_id=book_id,
        number=number,
        name=name,
        type=_TYPES[kind],
        subtype=subtype,
        normal_balance=_SIDES[normal],
        parent_id=parent_id,
        role=_ROLES[role] if role else None,
        archived=bool(archived),
        debits_posted=debits,
        credits_posted=credits,
        description=description,
    )


# Locking the ledgers of a posting, on the driver (bench/: SQLAlchemy's result set-up, and on
# PostgreSQL psycopg's column descriptions, cost a fifth of a posting's time under load).
_NAMES = ", ".join(column.name for column in _COLUMNS)
_LOCK_PG = (
    f"SELECT {_NAMES} FROM ledgers WHERE book_id = %s AND ledger_id = ANY(%s) "
    "ORDER BY ledger_id FOR UPDATE"
)
_LOCK_SQLITE = "SELECT {names} FROM ledgers WHERE book_id = ? AND ledger_id IN ({marks})"
# Numbers to ids (an import's chunk of 1,000), on the driver too: SQLAlchemy rendered and
# PostgreSQL planned an IN list of 1,000 bound values afresh for every chunk.
_NUMBERS_PG = "SELECT number, ledger_id FROM ledgers WHERE book_id = %s AND number = ANY(%s)"
_NUMBERS_SQLITE = "SELECT number, ledger_id FROM ledgers WHERE book_id = ? AND number IN ({marks})"
# Ledgers named by id or by number in one statement (an import's chunk names them either way).
_NAMED_PG = (
    f"SELECT {_NAMES} FROM ledgers WHERE book_id = %s "
    "AND (ledger_id = ANY(%s) OR number = ANY(%s)) ORDER BY ledger_id"
)


_ADD_TOTALS = (
    update(ledgers)
    .where(
        ledgers.c.book_id == bindparam("b_book_id"),
        ledgers.c.ledger_id == bindparam("b_ledger_id"),
    )
    .values(
        debits_posted=ledgers.c.debits_posted + bindparam("b_debits"),
        credits_posted=ledgers.c.credits_posted + bindparam("b_credits"),
    )
)


_MANY = (
    select(*_COLUMNS)
    .where(
        ledgers.c.book_id == bindparam("b_book_id"),
        ledgers.c.ledger_id.in_(bindparam("b_ids", expanding=True)),
    )
    .order_by(ledgers.c.ledger_id)
)
# PostgreSQL takes at most 65,535 parameters a statement: long IN lists go in chunks.
_IN_CHUNK = 10_000
_GET = select(*_COLUMNS).where(
    ledgers.c.book_id == bindparam("b_book_id"), ledgers.c.ledger_id == bindparam("b_ledger_id")
)


class LedgerRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert_many(self, rows: Sequence[Mapping[str, Any]], *, at: datetime) -> None:
        if rows:
            self.conn.execute(
                ledgers.insert(), [{**row, "created_at": at, "updated_at": at} for row in rows]
            )

    def get(self, book_id: str, ledger_id: str) -> Ledger | None:
        row = self.conn.execute(_GET, {"b_book_id": book_id, "b_ledger_id": ledger_id}).first()
        return _ledger(row) if row else None

    def by_number(self, book_id: str, number: str) -> Ledger | None:
        row = self.conn.execute(
            select(*_COLUMNS).where(ledgers.c.book_id == book_id, ledgers.c.number == number)
        ).first()
        return _ledger(row) if row else None

    def by_role(self, book_id: str, role: Role) -> Ledger | None:
        row = self.conn.execute(
            select(*_COLUMNS).where(ledgers.c.book_id == book_id, ledgers.c.role == role.value)
        ).first()
        return _ledger(row) if row else None

    def ids_for_numbers(self, book_id: str, numbers: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(numbers))
        if not wanted:
            return {}
        found: dict[str, str] = {}
        postgres = self.conn.dialect.name == "postgresql"
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            if postgres:
                rows = driver.run(self.conn, _NUMBERS_PG, (book_id, chunk), fetch=True)
            else:
                statement = _NUMBERS_SQLITE.format(marks=", ".join("?" * len(chunk)))
                rows = driver.run(self.conn, statement, (book_id, *chunk), fetch=True)
            found.update(rows)
        return found

    def many(
        self, book_id: str, ledger_ids: Iterable[str], *, lock: bool = False
    ) -> dict[str, Ledger]:
        """The named ledgers of a book; with `lock`, rows are locked in ledger-id order."""
        wanted = sorted(set(ledger_ids))
        if not wanted:
            return {}
        found: dict[str, Ledger] = {}
        for start in range(0, len(wanted), _IN_CHUNK):  # in id order, so locks stay ordered
            chunk = wanted[start : start + _IN_CHUNK]
            if lock:
                rows: Iterable[Sequence[Any]] = self._lock(book_id, chunk)
            else:
                rows = self.conn.execute(_MANY, {"b_book_id": book_id, "b_ids": chunk})
            found.update((row[1], _ledger(row)) for row in rows)
        return found

    def named(
        self,
        book_id: str,
        ledger_ids: Iterable[str],
        numbers: Iterable[str],
        *,
        lock: bool = False,
    ) -> dict[str, Ledger]:
        """The ledgers of a book named by id or by number, by id; with `lock`, locked in
        ledger-id order.

        On PostgreSQL one statement where `ids_for_numbers` and `many` are two: a 10,000-row
        import read its ledgers in 38-41 ms against 71-89 (100,000 rows: 383 against 845 ms).
        Its arrays take any number of values, and the sort orders the locks. On SQLite, in
        process, the two are the faster (6.2 against 7.8 ms a 1,000-row chunk: it answered the
        one with two lists joined by OR more slowly)."""
        ids, wanted = sorted(set(ledger_ids)), sorted(set(numbers))
        if self.conn.dialect.name != "postgresql":
            named = self.ids_for_numbers(book_id, wanted).values()
            return self.many(book_id, {*ids, *named}, lock=lock)
        statement = _NAMED_PG + (" FOR UPDATE" if lock else "")
        rows = driver.run(self.conn, statement, (book_id, ids, wanted), fetch=True)
        return {row[1]: _ledger(row) for row in rows}

    def _lock(self, book_id: str, ids: list[str]) -> list[tuple[Any, ...]]:
        if self.conn.dialect.name == "postgresql":
            return driver.run(self.conn, _LOCK_PG, (book_id, ids), fetch=True)
        # One writer at a time on SQLite (BEGIN IMMEDIATE): reading is locking.
        statement = _LOCK_SQLITE.format(names=_NAMES, marks=", ".join("?" * len(ids)))
        return driver.run(self.conn, statement, (book_id, *ids), fetch=True)

    def search(
        self,
        book_id: str,
        *,
        number: str | None = None,
        ledger_type: str | None = None,
        role: str | None = None,
        include_archived: bool = True,
        after: str | None = None,
        limit: int | None = None,
    ) -> list[Ledger]:
        # Numbered ledgers first in number order, then custom ones; the cursor is the sort key.
        sort_key = func.coalesce(ledgers.c.number, "~" + ledgers.c.ledger_id)
        query = select(*_COLUMNS).where(ledgers.c.book_id == book_id).order_by(sort_key)
        if number is not None:
            query = query.where(ledgers.c.number == number)
        if ledger_type is not None:
            query = query.where(ledgers.c.type == ledger_type)
        if role is not None:
            query = query.where(ledgers.c.role == role)
        if not include_archived:
            query = query.where(ledgers.c.archived.is_(False))
        if after is not None:
            query = query.where(sort_key > after)
        if limit is not None:
            query = query.limit(limit)
        return [_ledger(row) for row in self.conn.execute(query)]

    @staticmethod
    def sort_key(ledger: Ledger) -> str:
        return ledger.number if ledger.number is not None else "~" + ledger.id

    def update(self, book_id: str, ledger_id: str, *, at: datetime, **values: Any) -> None:
        self.conn.execute(
            update(ledgers)
            .where(ledgers.c.book_id == book_id, ledgers.c.ledger_id == ledger_id)
            .values(updated_at=at, **values)
        )

    def has_postings(self, book_id: str, ledger_id: str) -> bool:
        return bool(
            self.conn.execute(
                select(
                    exists().where(
                        journal_lines.c.book_id == book_id, journal_lines.c.ledger_id == ledger_id
                    )
                )
            ).scalar()
        )

    def has_children(self, book_id: str, ledger_id: str) -> bool:
        return bool(
            self.conn.execute(
                select(
                    exists().where(ledgers.c.book_id == book_id, ledgers.c.parent_id == ledger_id)
                )
            ).scalar()
        )

    def delete(self, book_id: str, ledger_id: str) -> None:
        self.conn.execute(
            ledgers.delete().where(ledgers.c.book_id == book_id, ledgers.c.ledger_id == ledger_id)
        )

    def add_totals(self, book_id: str, deltas: Mapping[str, tuple[int, int]]) -> None:
        self.conn.execute(
            _ADD_TOTALS,
            [
                {"b_book_id": book_id, "b_ledger_id": lid, "b_debits": d, "b_credits": c}
                for lid, (d, c) in sorted(deltas.items())
            ],
        )

    def add_period_totals(
        self,
        book_id: str,
        daily: Mapping[tuple[str, date], tuple[int, int, int, int]],
        monthly: Mapping[tuple[str, date], tuple[int, int, int, int]],
    ) -> None:
        for table, key, totals in (
            (ledger_daily_totals, "day", daily),
            (ledger_monthly_totals, "month", monthly),
        ):
            rows = [
                {
                    "book_id": book_id,
                    "ledger_id": lid,
                    key: when,
                    "debits": d,
                    "credits": c,
                    "ob_debits": obd,
                    "ob_credits": obc,
                }
                for (lid, when), (d, c, obd, obc) in sorted(totals.items())
            ]
            insert = (
                postgresql.insert if self.conn.dialect.name == "postgresql" else sqlite.insert
            )(table)
            statement = insert.on_conflict_do_update(
                index_elements=["book_id", "ledger_id", key],
                set_={
                    name: table.c[name] + insert.excluded[name]
                    for name in ("debits", "credits", "ob_debits", "ob_credits")
                },
            )
            self.conn.execute(statement, rows)

    def totals_as_of(
        self, book_id: str, ledger_ids: Sequence[str] | None, as_of: date
    ) -> dict[str, tuple[int, int, int, int]]:
        """(debits, credits, ob_debits, ob_credits) per ledger up to and including `as_of`.

        Whole months before `as_of` come from the monthly totals and the rest of its month from
        the daily totals, so the cost depends on the number of months, not of postings.
        """
        first_of_month = as_of.replace(day=1)
        result: dict[str, tuple[int, int, int, int]] = {}
        for table, _key, bound in (
            (ledger_monthly_totals, "month", ledger_monthly_totals.c.month < first_of_month),
            (
                ledger_daily_totals,
                "day",
                and_(
                    ledger_daily_totals.c.day >= first_of_month,
                    ledger_daily_totals.c.day <= as_of,
                ),
            ),
        ):
            query = (
                select(
                    table.c.ledger_id,
                    func.sum(table.c.debits),
                    func.sum(table.c.credits),
                    func.sum(table.c.ob_debits),
                    func.sum(table.c.ob_credits),
                )
                .where(table.c.book_id == book_id, bound)
                .group_by(table.c.ledger_id)
            )
            if ledger_ids is not None:
                query = query.where(table.c.ledger_id.in_(list(ledger_ids)))
            for lid, d, c, obd, obc in self.conn.execute(query):
                prev = result.get(lid, (0, 0, 0, 0))
                result[lid] = (
                    prev[0] + int(d),
                    prev[1] + int(c),
                    prev[2] + int(obd),
                    prev[3] + int(obc),
                )
        return result

    def recorded_period_totals(
        self, book_id: str, *, monthly: bool
    ) -> dict[tuple[str, date], tuple[int, int, int, int]]:
        table = ledger_monthly_totals if monthly else ledger_daily_totals
        key = (table.c.month if monthly else table.c.day).label("period_key")
        rows = self.conn.execute(
            select(
                table.c.ledger_id,
                key,
                table.c.debits,
                table.c.credits,
                table.c.ob_debits,
                table.c.ob_credits,
            ).where(table.c.book_id == book_id)
        )
        return {
            (row.ledger_id, row.period_key): (
                row.debits,
                row.credits,
                row.ob_debits,
                row.ob_credits,
            )
            for row in rows
        }
