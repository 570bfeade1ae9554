"""`verify` against someone who drops the triggers and edits the tables by hand, keeping the
totals in step so that only the copied values or the journal itself give them away."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from folio.domain.opening_balances import SetRow
from folio.service.facade import Folio
from folio.store.migrations.immutability import drop_owner_triggers, drop_triggers
from tests.builders import make_book, post

START = date(2025, 1, 1)


@pytest.fixture
def booked(fo: Folio):
    """An SKR04 book with an opening set and two postings; the first posting is the target."""
    book = make_book(fo, chart="skr04")
    fo.book_opening_balances(
        book.id,
        START,
        [SetRow(1, 10_000, 0, ledger_number="1800"), SetRow(2, 0, 10_000, ledger_number="2000")],
    )
    target = post(fo, book, "1800 D 25.00; 4400 C 25.00", on=date(2025, 2, 10))
    post(fo, book, "1800 D 5.00; 4400 C 5.00", on=date(2025, 2, 11))
    assert fo.verify(book.id).ok
    return book, target


def rebuild_totals(conn: Connection, book_id: str) -> None:
    """Recompute every totals table from the (tampered) lines, as a careful forger would."""
    month = (
        "CAST(date_trunc('month', date) AS date)"
        if conn.dialect.name == "postgresql"
        else "date(date, 'start of month')"
    )
    sums = (
        "SUM(CASE WHEN side = 'debit' AND NOT is_opening_balance THEN amount ELSE 0 END), "
        "SUM(CASE WHEN side = 'credit' AND NOT is_opening_balance THEN amount ELSE 0 END), "
        "SUM(CASE WHEN side = 'debit' AND is_opening_balance THEN amount ELSE 0 END), "
        "SUM(CASE WHEN side = 'credit' AND is_opening_balance THEN amount ELSE 0 END)"
    )
    for table, key, expression in (
        ("ledger_daily_totals", "day", "date"),
        ("ledger_monthly_totals", "month", month),
    ):
        conn.exec_driver_sql(f"DELETE FROM {table} WHERE book_id = '{book_id}'")
        conn.exec_driver_sql(
            f"INSERT INTO {table} (book_id, ledger_id, {key}, debits, credits, ob_debits, "
            f"ob_credits) SELECT book_id, ledger_id, {expression}, {sums} FROM journal_lines "
            f"WHERE book_id = '{book_id}' GROUP BY book_id, ledger_id, {expression}"
        )
    conn.exec_driver_sql(
        "UPDATE ledgers SET "
        "debits_posted = COALESCE((SELECT SUM(amount) FROM journal_lines l WHERE "
        "l.book_id = ledgers.book_id AND l.ledger_id = ledgers.ledger_id AND side = 'debit'), 0), "
        "credits_posted = COALESCE((SELECT SUM(amount) FROM journal_lines l WHERE "
        "l.book_id = ledgers.book_id AND l.ledger_id = ledgers.ledger_id AND side = 'credit'), 0) "
        f"WHERE book_id = '{book_id}'"
    )


def tamper(
    engine: Engine, book_id: str, *statements: str, rebuild: bool = True, keys: bool = True
) -> None:
    """Run `statements` with the triggers dropped (and, without `keys`, the foreign keys off),
    then bring the totals in line with the lines."""
    with engine.begin() as conn:
        drop_triggers(conn)
        drop_owner_triggers(conn)
    if not keys and engine.dialect.name == "sqlite":
        raw = engine.raw_connection()  # the pragma cannot change inside a transaction
        cursor = raw.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=OFF")
            for statement in statements:
                cursor.execute(statement)
        finally:
            cursor.execute("PRAGMA foreign_keys=ON")
            raw.close()
        statements = ()
    with engine.begin() as conn:
        if not keys and engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for statement in statements:
            conn.exec_driver_sql(statement)
        if rebuild:
            rebuild_totals(conn, book_id)


def ledger_of(fo: Folio, book_id: str, number: str) -> str:
    return fo.ledger_by_number(book_id, number).id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("date = '2025-03-01'", "date"),
        ("is_opening_balance = TRUE", "is_opening_balance"),
        ("journal_number = journal_number + 1", "journal_number"),
    ],
)
def test_a_line_that_no_longer_copies_its_entry_is_named(
    engine: Engine, fo: Folio, booked, change: str, field: str
) -> None:
    book, target = booked
    line = target.lines[0]
    tamper(engine, book.id, f"UPDATE journal_lines SET {change} WHERE line_id = '{line.id}'")
    problem = fo.verify(book.id).problem
    assert problem is not None
    assert problem["kind"] == "line_mismatch"
    assert (problem["entry_id"], problem["line_id"], problem["field"]) == (
        target.id,
        line.id,
        field,
    )
    assert "expected" not in problem


def test_a_line_moved_to_another_ledger_breaks_the_hash(engine: Engine, fo: Folio, booked) -> None:
    book, target = booked
    other = ledger_of(fo, book.id, "1810")
    tamper(
        engine,
        book.id,
        f"UPDATE journal_lines SET ledger_id = '{other}' WHERE line_id = '{target.lines[0].id}'",
    )
    problem = fo.verify(book.id).problem
    assert problem is not None
    assert (problem["kind"], problem["entry_id"]) == ("hash_mismatch", target.id)
    assert set(problem) == {"kind", "journal_number", "entry_id"}


def test_a_changed_amount_breaks_the_hash_and_the_expected_hash_is_never_shown(
    engine: Engine, fo: Folio, booked
) -> None:
    book, target = booked
    tamper(
        engine,
        book.id,
        f"UPDATE journal_lines SET amount = 2600 WHERE entry_id = '{target.id}'",
    )
    problem = fo.verify(book.id).problem
    assert problem is not None
    assert (problem["kind"], problem["entry_id"]) == ("hash_mismatch", target.id)
    assert target.hash not in str(problem)
    assert not any(len(str(value)) == 64 for value in problem.values())


def test_a_line_moved_to_another_book_is_found(engine: Engine, fo: Folio, booked) -> None:
    book, target = booked
    other = make_book(fo, chart="skr04", name="Other GmbH")
    tamper(
        engine,
        book.id,
        f"UPDATE journal_lines SET book_id = '{other.id}', "
        f"ledger_id = '{ledger_of(fo, other.id, '1800')}' WHERE line_id = '{target.lines[0].id}'",
        keys=False,
    )
    mine = fo.verify(book.id).problem
    assert mine is not None and mine["entry_id"] == target.id
    theirs = fo.verify(other.id).problem
    assert theirs is not None
    assert (theirs["kind"], theirs["line_id"], theirs["entry_id"]) == (
        "orphan_line",
        target.lines[0].id,
        target.id,
    )


def test_a_deleted_entry_is_a_gap(engine: Engine, fo: Folio, booked) -> None:
    book, target = booked
    tamper(
        engine,
        book.id,
        f"DELETE FROM journal_lines WHERE entry_id = '{target.id}'",
        f"DELETE FROM journal_entries WHERE entry_id = '{target.id}'",
    )
    problem = fo.verify(book.id).problem
    assert problem is not None
    assert problem["kind"] == "journal_number_gap"
    assert problem["journal_number"] == target.journal_number + 1


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("UPDATE ledgers SET credits_posted = credits_posted + 1 WHERE number = '4400'",
         "ledger_totals_mismatch"),
        ("UPDATE ledger_daily_totals SET ob_debits = ob_debits + 1 WHERE ob_debits > 0",
         "period_totals_mismatch"),
        ("UPDATE ledger_monthly_totals SET credits = credits - 1 WHERE credits > 0",
         "period_totals_mismatch"),
    ],
)  # fmt: skip
def test_each_totals_table_is_checked(
    engine: Engine, fo: Folio, booked, statement: str, kind: str
) -> None:
    book, _ = booked
    tamper(engine, book.id, statement, rebuild=False)
    problem = fo.verify(book.id).problem
    assert problem is not None
    assert problem["kind"] == kind


def test_an_opening_owner_removed_by_hand_is_found(engine: Engine, fo: Folio, booked) -> None:
    book, _ = booked
    bank = ledger_of(fo, book.id, "1800")
    tamper(
        engine,
        book.id,
        f"DELETE FROM opening_balance_owners WHERE ledger_id = '{bank}'",
        rebuild=False,
    )
    problem = fo.verify(book.id).problem
    assert problem is not None
    assert (problem["kind"], problem["ledger_id"]) == ("opening_owner_missing", bank)
