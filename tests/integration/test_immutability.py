"""Entries and lines cannot be changed in place; verify finds what a trigger-less edit did."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from folio.service.facade import Folio
from folio.store.migrations.immutability import drop_triggers
from tests.builders import make_book, make_ledgers, post


@pytest.fixture
def posted(fo: Folio):
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    first = post(fo, book, "1000 D 10; 4000 C 10")
    post(fo, book, "1000 D 20; 4000 C 20")
    return book, first


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE journal_entries SET description = 'edited'",
        "DELETE FROM journal_entries",
        "UPDATE journal_lines SET amount = amount + 1",
        "DELETE FROM journal_lines",
        "UPDATE entry_reversals SET reversal_id = 'x'",
    ],
)
def test_plain_sql_cannot_change_the_journal(
    engine: Engine, fo: Folio, posted, statement: str
) -> None:
    book, first = posted
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        if "entry_reversals" in statement:
            fo.reverse_entry(book.id, first.id)
        conn.exec_driver_sql(statement)
    assert fo.entry(book.id, first.id).description is None
    assert fo.verify(book.id).ok


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("UPDATE journal_lines SET amount = 1500 WHERE entry_id = :entry", "hash_mismatch"),
        (
            "UPDATE journal_entries SET description = 'cooked' WHERE entry_id = :entry",
            "hash_mismatch",
        ),
        (
            "UPDATE ledgers SET debits_posted = debits_posted + 1 WHERE number = '1000'",
            "ledger_totals_mismatch",
        ),
        ("UPDATE ledger_daily_totals SET debits = debits + 1", "period_totals_mismatch"),
    ],
)
def test_verify_reports_the_first_break_after_tampering(
    engine: Engine, fo: Folio, posted, statement: str, kind: str
) -> None:
    book, first = posted
    assert fo.verify(book.id).ok
    with engine.begin() as conn:
        drop_triggers(conn)
        conn.exec_driver_sql(statement.replace(":entry", f"'{first.id}'"))
    result = fo.verify(book.id)
    assert not result.ok
    assert result.problem is not None
    assert result.problem["kind"] == kind
    if kind == "hash_mismatch":
        assert result.problem["journal_number"] == 1
        assert result.problem["entry_id"] == first.id
