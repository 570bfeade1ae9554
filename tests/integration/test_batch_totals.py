"""A batch's totals on both engines: the ledgers' totals and every daily and monthly total end
exactly as the same postings one after another. A batch of more than `PG_ONE_STATEMENT_LINES`
lines is written by COPY on PostgreSQL, its totals by one statement that adds to the period
rows that exist and inserts the ones that do not."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from folio.domain.ledgers import Side
from folio.service import journal, journal_batches, runner
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.store.journal_writers import PG_ONE_STATEMENT_LINES
from folio.store.uow import UnitOfWork
from tests.builders import START, make_book, make_ledgers, seen_and_rolled_back

LEDGERS = "1000 asset Bank; 1200 asset Receivables; 3000 liability Payables; 4000 revenue Sales"
TOTALS = (
    "SELECT ledger_id, {key}, debits, credits, ob_debits, ob_credits FROM {table} "
    "WHERE book_id = :book ORDER BY ledger_id, {key}"
)


def _setup(engine: Engine) -> tuple[Folio, str, list[str]]:
    fo = Folio(engine, migrate=False)
    book = make_book(fo)
    made = make_ledgers(fo, book, LEDGERS)
    return fo, book.id, [made[number].id for number in ("1000", "1200", "3000", "4000")]


def _entry(ledgers: list[str], debit: int, credit: int, day: date, amount: int) -> EntryCreate:
    lines = [
        LineInput(Side.DEBIT, amount, ledger_id=ledgers[debit]),
        LineInput(Side.CREDIT, amount, ledger_id=ledgers[credit]),
    ]
    return EntryCreate(day, lines)


def _totals(uow: UnitOfWork, book_id: str) -> dict[str, Any]:
    def rows(table: str, key: str) -> list[tuple[Any, ...]]:
        statement = text(TOTALS.format(table=table, key=key))
        return [
            (row[0], str(row[1])[:10], *row[2:])
            for row in uow.conn.execute(statement, {"book": book_id})
        ]

    ledgers = uow.ledgers.many(book_id, set(_ids(uow, book_id)))
    return {
        "ledgers": sorted((i, lg.debits_posted, lg.credits_posted) for i, lg in ledgers.items()),
        "daily": rows("ledger_daily_totals", "day"),
        "monthly": rows("ledger_monthly_totals", "month"),
    }


def _ids(uow: UnitOfWork, book_id: str) -> list[str]:
    statement = text("SELECT ledger_id FROM ledgers WHERE book_id = :book")
    return [row[0] for row in uow.conn.execute(statement, {"book": book_id})]


def _batch_and_serial(
    fo: Folio, book_id: str, commands: list[EntryCreate]
) -> tuple[dict[str, Any], dict[str, Any]]:
    def serially(uow: UnitOfWork) -> dict[str, Any]:
        for command in commands:
            journal.post_entry(uow, book_id, command, runner.SYSTEM)
        return _totals(uow, book_id)

    def batch(uow: UnitOfWork) -> dict[str, Any]:
        result = journal_batches.post_entries(uow, book_id, commands, runner.SYSTEM, atomic=True)
        assert result.succeeded == len(commands)
        return _totals(uow, book_id)

    serial, batched = seen_and_rolled_back(fo, serially, batch)
    return serial, batched


def test_a_batch_adds_to_the_period_rows_that_exist_and_makes_the_new_ones(
    engine: Engine,
) -> None:
    fo, book_id, ledgers = _setup(engine)
    bank, receivables, _, sales = ledgers
    march, april = date(2025, 3, 10), date(2025, 4, 2)
    fo.post_entry(book_id, _entry(ledgers, 0, 3, march, 100))  # Bank and Sales on 10 March
    # 40 entries, 80 lines: over the one-statement limit. Bank/Sales on 10 March add to rows
    # that exist; Receivables on 10 March, and anything on 2 April, are new rows.
    commands = [_entry(ledgers, 0, 3, march, 1 + i) for i in range(20)]
    commands += [_entry(ledgers, 1, 3, march if i % 2 else april, 1000 + i) for i in range(20)]
    assert 2 * len(commands) > PG_ONE_STATEMENT_LINES
    fo.post_entries(book_id, commands)

    march_sales = 100 + sum(1 + i for i in range(20)) + sum(1000 + i for i in range(1, 20, 2))
    april_sales = sum(1000 + i for i in range(0, 20, 2))
    got = fo.read(lambda uow: _totals(uow, book_id))
    assert sorted(got["daily"]) == sorted(
        [
            (bank, "2025-03-10", 100 + sum(1 + i for i in range(20)), 0, 0, 0),
            (receivables, "2025-03-10", sum(1000 + i for i in range(1, 20, 2)), 0, 0, 0),
            (receivables, "2025-04-02", april_sales, 0, 0, 0),
            (sales, "2025-03-10", 0, march_sales, 0, 0),
            (sales, "2025-04-02", 0, april_sales, 0, 0),
        ]
    )
    assert sorted(got["monthly"]) == sorted(
        [
            (bank, "2025-03-01", 100 + sum(1 + i for i in range(20)), 0, 0, 0),
            (receivables, "2025-03-01", sum(1000 + i for i in range(1, 20, 2)), 0, 0, 0),
            (receivables, "2025-04-01", april_sales, 0, 0, 0),
            (sales, "2025-03-01", 0, march_sales, 0, 0),
            (sales, "2025-04-01", 0, april_sales, 0, 0),
        ]
    )
    assert (sales, 0, march_sales + april_sales) in got["ledgers"]
    assert fo.verify(book_id).ok


_ENTRIES = st.lists(
    st.tuples(
        st.integers(0, 3),  # debit ledger
        st.integers(1, 3),  # credit ledger, offset from the debit one
        st.integers(0, 40),  # days after 1 January
        st.integers(1, 10**6),
    ),
    min_size=33,  # more than PG_ONE_STATEMENT_LINES lines: PostgreSQL's COPY path
    max_size=80,
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(before=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40)), max_size=6), rows=_ENTRIES)
def test_a_batch_ends_with_the_totals_of_the_same_postings_one_after_another(
    engine: Engine, before: list[tuple[int, int]], rows: list[tuple[int, int, int, int]]
) -> None:
    """Postings before the batch make some of its period rows exist already: the batch must
    add to those and make the others, each exactly once."""
    fo, book_id, ledgers = _setup(engine)
    for ledger, day in before:
        fo.post_entry(
            book_id, _entry(ledgers, ledger, (ledger + 1) % 4, START + timedelta(days=day), 7)
        )
    commands = [
        _entry(ledgers, debit, (debit + offset) % 4, START + timedelta(days=day), amount)
        for debit, offset, day, amount in rows
    ]
    serial, batch = _batch_and_serial(fo, book_id, commands)
    assert batch == serial
