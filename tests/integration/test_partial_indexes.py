"""Migration 0009: lines by open item and entries by external reference are indexed only where
they have one (an opening-balance import writes NULL in both for every row), and the reads by
a value still go through those indexes on both engines."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text

from folio.domain.ledgers import LedgerType, Side
from folio.domain.opening_balances import SetRow
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.ledgers import LedgerCreate
from folio.store.tables import journal_lines
from tests.builders import START, amount, make_book

pytestmark = pytest.mark.fresh_database  # plans read from statistics

PARTIAL = {
    "ix_lines_book_item": "item_id IS NOT NULL",
    "ix_entries_book_reference": "external_reference IS NOT NULL",
}


def _index_sql(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({})"
        else:
            query = "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN ({})"
        names = ", ".join(f"'{name}'" for name in PARTIAL)
        return {row[0]: row[1] for row in conn.execute(text(query.format(names)))}


def test_the_item_and_reference_indexes_leave_out_nulls(engine: Engine) -> None:
    found = _index_sql(engine)
    assert set(found) == set(PARTIAL)
    for name, where in PARTIAL.items():
        assert where.lower() in found[name].lower().replace("(", "").replace(")", ""), found[name]


def _plan(engine: Engine, statement: str, params: Any) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            return "\n".join(str(row[-1]) for row in rows)
        return "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", params))


def _journal_with_references(fo: Folio) -> str:
    """A book of 1,500 opening-balance entries without a reference and three with one."""
    book = make_book(fo)
    for number in range(1000, 2500):
        fo.create_ledger(
            book.id,
            LedgerCreate(name=f"Account {number}", type=LedgerType.ASSET, number=str(number)),
        )
    fo.create_ledger(book.id, LedgerCreate(name="Equity", type=LedgerType.EQUITY, number="3000"))
    rows = [SetRow(i + 1, 100 + i, 0, str(1000 + i)) for i in range(1500)]
    rows.append(SetRow(1501, 0, sum(row.debit for row in rows), "3000"))
    fo.book_opening_balances(book.id, None, rows)
    for reference in ("RE-1", "RE-2", "RE-3"):
        fo.post_entry(
            book.id,
            EntryCreate(
                date=START,
                lines=[
                    LineInput(side=side, amount=amount("1.00"), ledger_number=number)
                    for side, number in ((Side.DEBIT, "1000"), (Side.CREDIT, "3000"))
                ],
                external_reference=reference,
            ),
        )
    with fo.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return book.id


def test_entries_found_by_external_reference_through_the_partial_index(fo: Folio) -> None:
    book_id = _journal_with_references(fo)
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "external_reference =" in statement:
            seen.append((statement, params))

    event.listen(fo.engine, "before_cursor_execute", capture)
    try:
        found = fo.read(lambda uow: uow.journal.search(book_id, external_reference="RE-2"))
    finally:
        event.remove(fo.engine, "before_cursor_execute", capture)
    assert [entry.external_reference for entry in found] == ["RE-2"]
    assert len(seen) == 1
    assert "ix_entries_book_reference" in _plan(fo.engine, *seen[0])


def test_lines_by_open_item_through_the_partial_index(fo: Folio) -> None:
    book_id = _journal_with_references(fo)
    query = select(journal_lines.c.line_id).where(
        journal_lines.c.book_id == book_id, journal_lines.c.item_id == "itm_x"
    )
    with fo.engine.connect() as conn:
        compiled = query.compile(conn)
        assert conn.execute(query).all() == []
    params: Any = (
        tuple(compiled.params[name] for name in compiled.positiontup or [])
        if fo.engine.dialect.name == "sqlite"
        else compiled.params
    )
    assert "ix_lines_book_item" in _plan(fo.engine, str(compiled), params)
