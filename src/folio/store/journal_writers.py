"""The journal's one write, by one writer per dialect, in as few round trips as it allows.

Every posting ends in `JournalWrite`: typed entry and line rows, the ledgers' total deltas,
the daily and monthly totals, and the journal head after it. The statements are raw SQL on the
driver's cursor (DESIGN §1: hot paths use cached statements or the driver directly).

- SQLite: one `executemany` per table (in process, round trips are cheap).
- PostgreSQL: one statement for a posting (data-modifying CTEs over rows sent as one JSON text
  per table; foreign keys are checked at its end); a larger batch sends entries and lines by
  binary `COPY`, then the totals and the head in one statement over `jsonb` rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

import orjson
from sqlalchemy.engine import Connection

from folio.store import driver


class EntryRow(NamedTuple):
    """A `journal_entries` row without its book (the write's)."""

    entry_id: str
    journal_number: int
    date: date
    created_at: datetime
    description: str | None
    kind: str
    is_opening_balance: bool
    intent_id: str
    reverses_id: str | None
    external_reference: str | None
    metadata: str  # JSON text, keys sorted
    created_by: str | None
    modified_by: str | None
    prev_hash: str
    hash: str


class LineRow(NamedTuple):
    """A `journal_lines` row without its book (the write's)."""

    line_id: str
    entry_id: str
    line_no: int
    ledger_id: str
    side: str
    amount: int
    description: str | None
    tags: str  # JSON text
    date: date
    journal_number: int
    is_opening_balance: bool
    party_id: str | None
    item_id: str | None


# Per (ledger, day or month): debits, credits, opening-balance debits, opening-balance credits.
PeriodTotals = Mapping[tuple[str, date], tuple[int, int, int, int]]


@dataclass(frozen=True, slots=True)
class JournalWrite:
    """What one chunk of postings writes."""

    book_id: str
    entries: Sequence[EntryRow]
    lines: Sequence[LineRow]
    totals: Mapping[str, tuple[int, int]]  # ledger -> (debits, credits) added
    daily: PeriodTotals
    monthly: PeriodTotals
    head: tuple[int, str]  # last journal number and hash after the write


class JournalWriter(Protocol):
    def write(self, conn: Connection, batch: JournalWrite) -> None: ...


_ENTRY_COLUMNS = EntryRow._fields
_LINE_COLUMNS = LineRow._fields
_ENTRY_TYPES = (
    "text", "bigint", "date", "timestamptz", "text", "text", "boolean", "text", "text", "text",
    "text", "text", "text", "text", "text",
)  # fmt: skip
_LINE_TYPES = (
    "text", "text", "integer", "text", "text", "bigint", "text", "text", "date", "bigint",
    "boolean", "text", "text",
)  # fmt: skip
_PERIOD_SET = (
    "debits = {t}.debits + excluded.debits, credits = {t}.credits + excluded.credits, "
    "ob_debits = {t}.ob_debits + excluded.ob_debits, "
    "ob_credits = {t}.ob_credits + excluded.ob_credits"
)
# Up to this many lines, one statement does everything. Beyond, the lines go first: their
# foreign-key checks run at the end of the statement that inserts them, and checking many
# lines against ledger rows updated in that same statement went quadratic (2,000 entries of
# 10 lines: over 30 s instead of about 1 s; bench/reads.py).
PG_ONE_STATEMENT_LINES = 64


def _rows(param: str, types: Sequence[str], kind: str = "json") -> str:
    """Rows sent as one JSON array of arrays: the driver passes a string as is, where array
    parameters were built element by element in Python (half a posting's driver time).

    `kind` "json" for a posting's few rows; "jsonb" for a batch's thousands: `->>` on a `json` row
    parses it again for each field (a third of the totals statement of a 1,000-entry batch),
    on `jsonb` it reads the parsed value."""
    fields = ", ".join(
        f"r->>{i}" if cast == "text" else f"(r->>{i})::{cast}" for i, cast in enumerate(types)
    )
    return f"SELECT %(book_id)s, {fields} FROM {kind}_array_elements(%({param})s::{kind}) AS r"


def _pg_period_cte(name: str, table: str, key: str, kind: str) -> str:
    columns = ("ledger_id", key, "debits", "credits", "ob_debits", "ob_credits")
    types = ("text", "date", "bigint", "bigint", "bigint", "bigint")
    return (
        f"{name} AS (INSERT INTO {table} (book_id, {', '.join(columns)}) "
        f"{_rows(name, types, kind)} "
        f"ON CONFLICT (book_id, ledger_id, {key}) DO UPDATE SET {_PERIOD_SET.format(t=table)})"
    )


def _pg_totals(kind: str) -> str:
    return (
        "t AS (UPDATE ledgers SET debits_posted = ledgers.debits_posted + (d->>1)::bigint, "
        "credits_posted = ledgers.credits_posted + (d->>2)::bigint "
        f"FROM {kind}_array_elements(%(t)s::{kind}) AS d "
        "WHERE ledgers.book_id = %(book_id)s AND ledgers.ledger_id = d->>0), "
        f"{_pg_period_cte('d', 'ledger_daily_totals', 'day', kind)}, "
        f"{_pg_period_cte('m', 'ledger_monthly_totals', 'month', kind)} "
        "UPDATE books SET last_journal_number = %(number)s, last_hash = %(hash)s "
        "WHERE book_id = %(book_id)s"
    )


# Binary COPY: the driver dumps each value by the column's type in C, about a third of the
# Python time of the text format's row formatting (1,000 entries and 2,000 lines: 14 ms of
# Python down to 5 ms; the server's time did not change measurably).
_PG_COPY_ENTRIES = (
    f"COPY journal_entries (book_id, {', '.join(_ENTRY_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
)
_PG_COPY_LINES = (
    f"COPY journal_lines (book_id, {', '.join(_LINE_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
)
_PG_COPY_ENTRY_TYPES = ("text", *_ENTRY_TYPES)
_PG_COPY_LINE_TYPES = ("text", *_LINE_TYPES)
_PG_WRITE = (
    f"WITH e AS (INSERT INTO journal_entries (book_id, {', '.join(_ENTRY_COLUMNS)}) "
    f"{_rows('e', _ENTRY_TYPES)}), "
    f"l AS (INSERT INTO journal_lines (book_id, {', '.join(_LINE_COLUMNS)}) "
    f"{_rows('l', _LINE_TYPES)}), {_pg_totals('json')}"
)
_PG_WRITE_TOTALS = f"WITH {_pg_totals('jsonb')}"


def _json_rows(rows: Iterable[Sequence[Any]]) -> str:
    """orjson writes dates and datetimes as ISO 8601 (the offset, microseconds when not zero),
    byte for byte as `isoformat` did, in C: the standard encoder called back into Python for
    each date; a 10,000-row import's totals rows took 13.6 ms that way, 1.2 ms now. Amounts
    fit its 64 bits: a total past 2**63 - 1 is refused before any write. It takes no tuple
    subclass: an `EntryRow` or `LineRow` goes as a plain tuple."""
    return orjson.dumps([tuple(row) for row in rows]).decode()


_SQLITE_ENTRY = (
    f"INSERT INTO journal_entries (book_id, {', '.join(_ENTRY_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (len(_ENTRY_COLUMNS) + 1))})"
)
_SQLITE_LINE = (
    f"INSERT INTO journal_lines (book_id, {', '.join(_LINE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (len(_LINE_COLUMNS) + 1))})"
)
_SQLITE_TOTALS = (
    "UPDATE ledgers SET debits_posted = debits_posted + ?, credits_posted = credits_posted + ? "
    "WHERE book_id = ? AND ledger_id = ?"
)
_SQLITE_PERIOD = (
    "INSERT INTO {t} (book_id, ledger_id, {k}, debits, credits, ob_debits, ob_credits) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (book_id, ledger_id, {k}) DO UPDATE SET "
    + _PERIOD_SET
)
_SQLITE_DAILY = _SQLITE_PERIOD.format(t="ledger_daily_totals", k="day")
_SQLITE_MONTHLY = _SQLITE_PERIOD.format(t="ledger_monthly_totals", k="month")
_SQLITE_HEAD = "UPDATE books SET last_journal_number = ?, last_hash = ? WHERE book_id = ?"
_FLAG = {False: 0, True: 1}


class SqliteJournalWriter:
    def write(self, conn: Connection, batch: JournalWrite) -> None:
        book_id = batch.book_id

        def run(statement: str, rows: list[tuple[Any, ...]]) -> None:
            driver.run(conn, statement, rows, many=True)

        stamps: dict[datetime, str] = {}  # a chunk's entries share one created_at
        days: dict[date, str] = {}  # and a few dates; rows unpacked by name (bench/: 4x faster)
        # The flags go as 0 or 1, as SQLAlchemy's Boolean stores them: the driver binds only
        # exact ints, floats and texts directly, and adapts anything else (a bool too) through
        # its adapter lookup, which doubled the cost of inserting a row with two of them.
        run(
            _SQLITE_ENTRY,
            [
                (book_id, entry, number, days.get(day) or days.setdefault(day, day.isoformat()),
                 stamps.get(at) or stamps.setdefault(at, driver.sqlite_value(at)), text, kind,
                 _FLAG[ob], intent, reverses, reference, metadata, by, modified, prev, digest)
                for entry, number, day, at, text, kind, ob, intent, reverses, reference, metadata,
                by, modified, prev, digest in batch.entries
            ],
        )  # fmt: skip
        run(
            _SQLITE_LINE,
            [
                (book_id, line_id, entry, no, ledger, side, amount, text, tags,
                 days.get(day) or days.setdefault(day, day.isoformat()), number, _FLAG[ob], party,
                 item)
                for line_id, entry, no, ledger, side, amount, text, tags, day, number, ob, party,
                item in batch.lines
            ],
        )  # fmt: skip
        run(_SQLITE_TOTALS, [(d, c, book_id, lid) for lid, (d, c) in sorted(batch.totals.items())])
        for statement, period in ((_SQLITE_DAILY, batch.daily), (_SQLITE_MONTHLY, batch.monthly)):
            run(
                statement,
                [
                    (book_id, lid, days.get(when) or days.setdefault(when, when.isoformat()), *sums)
                    for (lid, when), sums in sorted(period.items())
                ],
            )
        run(_SQLITE_HEAD, [(batch.head[0], batch.head[1], book_id)])


class PostgresJournalWriter:
    def write(self, conn: Connection, batch: JournalWrite) -> None:
        if len(batch.lines) <= PG_ONE_STATEMENT_LINES:
            params = _totals_params(batch)
            params |= {"e": _json_rows(batch.entries), "l": _json_rows(batch.lines)}
            driver.run(conn, _PG_WRITE, params)
            return
        # Larger batches (imports): entries, then their lines, by COPY (the driver formats rows
        # in C), then the totals and the head.
        connection = conn.connection.driver_connection
        assert connection is not None
        book_id = batch.book_id
        with connection.cursor() as cursor:
            with cursor.copy(_PG_COPY_ENTRIES) as copy:
                copy.set_types(_PG_COPY_ENTRY_TYPES)
                for row in batch.entries:
                    copy.write_row((book_id, *row))
            _keep_statistics_current(cursor)
            with cursor.copy(_PG_COPY_LINES) as copy:
                copy.set_types(_PG_COPY_LINE_TYPES)
                for line in batch.lines:
                    copy.write_row((book_id, *line))
                # All but the last buffer of lines is sent: the server inserts them and checks
                # their foreign keys while the totals' rows are made (the book stays locked
                # meanwhile, so time made here is time every other writer of the book waits).
                params = _totals_params(batch)
        driver.run(conn, _PG_WRITE_TOTALS, params)


def _totals_params(batch: JournalWrite) -> dict[str, Any]:
    days: dict[date, str] = {}  # a batch's rows share a few dozen days

    def period_rows(period: PeriodTotals) -> Iterator[tuple[Any, ...]]:
        return (
            (lid, days.get(when) or days.setdefault(when, when.isoformat()), *sums)
            for (lid, when), sums in sorted(period.items())
        )

    return {
        "book_id": batch.book_id,
        "number": batch.head[0],
        "hash": batch.head[1],
        "t": _json_rows((lid, d, c) for lid, (d, c) in sorted(batch.totals.items())),
        "d": _json_rows(period_rows(batch.daily)),
        "m": _json_rows(period_rows(batch.monthly)),
    }


# A table holding this many times the pages its statistics were taken at, and at least this
# many pages (256 kB: about 700 entries or 1,500 ledgers), is analyzed (below).
STALE_FACTOR, STALE_PAGES = 2, 32
_SIZES = (
    "SELECT relname, relpages, pg_relation_size(oid) / current_setting('block_size')::int "
    "FROM pg_class WHERE oid IN ('journal_entries'::regclass, 'ledgers'::regclass)"
)
# Only the columns the import's statements look rows up by: a third of a whole table's ANALYZE
# (60,000 entries: 45 ms against 130-157 ms). reltuples and relpages are updated all the same,
# and an ANALYZE of some columns leaves the table's count of changes for autovacuum, which
# analyzes every column once the import has committed.
_ANALYZE = {
    "journal_entries": "ANALYZE journal_entries (book_id, entry_id)",
    "ledgers": "ANALYZE ledgers (book_id, ledger_id, number)",
}


def _keep_statistics_current(cursor: Any) -> None:
    """ANALYZE the entries and the ledgers when either holds several times the pages the
    planner's statistics saw: a fresh database filled by one import, or a chart made just
    before it.

    Each line's foreign-key check against its entry is planned once per connection. Planned on
    statistics of a nearly empty table, it picks any index that leads with `book_id` (such as
    `ix_entries_book_intent`) and scans every entry of the book for each line: quadratic
    (100,000 rows took over 20 minutes). ANALYZE in the transaction counts its own new rows,
    and the changed statistics make PostgreSQL plan the check again, on the primary key. The
    ledgers likewise: 100,000 made just before the import had statistics of a few rows, and
    reading a chunk's ledgers by id scanned every ledger of the book per chunk. As a table at
    least doubles between two ANALYZEs, an import pays a handful of them (the ledgers one: an
    import adds none); a table whose statistics are current (autovacuum keeps them so) never
    pays one. The lines and the period totals are left alone: no statement of an import is
    planned on their statistics, and a whole table's ANALYZE of each cost 1.4 s of 100,000 rows.
    """
    cursor.execute(_SIZES)
    for table, planned, pages in cursor.fetchall():
        if pages >= STALE_PAGES and pages > STALE_FACTOR * planned:
            cursor.execute(_ANALYZE[table])


_WRITERS: dict[str, JournalWriter] = {
    "sqlite": SqliteJournalWriter(),
    "postgresql": PostgresJournalWriter(),
}


def writer_for(conn: Connection) -> JournalWriter:
    return _WRITERS[conn.dialect.name]
