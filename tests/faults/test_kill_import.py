"""kill -9 of a large trial-balance import in the middle of its transaction (both engines):
nothing of it stays, `verify` passes, and the same import then books every row."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from folio.store.tables import journal_entries, journal_lines, ledgers
from tests.faults.harness import book_with_ledgers, folio_cli, run_cli, trial_balance_csv

# Rows per engine. PostgreSQL stays at 8,000: on the shared test server a 30,000-row import
# took over 300 s (10,000 take about 10 s), which grows faster than the rows do (noted in
# issue 13's report; the import path belongs to the write-path work).
ROWS = {"sqlite": 50_000, "postgresql": 8_000}
# How long the SQLite import has held the write lock before it is killed: a 50,000-row set
# books in about 3.5 s on the CI machine, so the kill lands well inside the transaction.
SQLITE_INTO_TRANSACTION = 0.3


def writing(engine: Engine, db_url: str) -> bool:
    """True once the import is inside its open transaction, writing."""
    if db_url.startswith("sqlite"):
        # The import's pages stay in its 64 MB page cache until it commits, so the log on disk
        # does not show it writing (it grew only at the commit, and a kill after the commit
        # found every row booked). Its write lock does: SQLite writers BEGIN IMMEDIATE.
        if not _sqlite_write_locked(db_url.removeprefix("sqlite:///")):
            return False
        time.sleep(SQLITE_INTO_TRANSACTION)
        return True
    with engine.connect() as conn:
        locks = conn.execute(
            text(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'journal_lines' AND l.mode = 'RowExclusiveLock' "
                "AND l.pid <> pg_backend_pid()"
            )
        ).scalar()
    return bool(locks)


def _sqlite_write_locked(path: str) -> bool:
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if "locked" in str(error):
            return True
        raise
    else:
        conn.execute("ROLLBACK")
        return False
    finally:
        conn.close()


def counts(engine: Engine, book_id: str) -> tuple[int, int, int]:
    with engine.connect() as conn:
        entries = conn.execute(
            select(func.count()).where(journal_entries.c.book_id == book_id)
        ).scalar()
        lines = conn.execute(
            select(func.count()).where(journal_lines.c.book_id == book_id)
        ).scalar()
        moved = conn.execute(
            select(func.count()).where(
                ledgers.c.book_id == book_id,
                (ledgers.c.debits_posted != 0) | (ledgers.c.credits_posted != 0),
            )
        ).scalar()
    return int(entries or 0), int(lines or 0), int(moved or 0)


def test_a_killed_import_leaves_nothing_and_can_run_again(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    rows = ROWS["sqlite" if db_url.startswith("sqlite") else "postgresql"]
    book_id = book_with_ledgers(db_url, rows)
    file = tmp_path / "trial-balance.csv"
    trial_balance_csv(file, rows)

    importer = folio_cli("opening-balances", "import", book_id, str(file), url=db_url)
    deadline = time.monotonic() + 120
    while not writing(engine, db_url):
        assert importer.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.05)
    assert importer.poll() is None
    importer.send_signal(signal.SIGKILL)
    importer.wait(10)
    engine.dispose()

    assert counts(engine, book_id) == (0, 0, 0)  # nothing partial
    code, output = run_cli("verify", book_id, url=db_url)
    assert code == 0 and "0 entries" in output, output

    code, output = run_cli("opening-balances", "import", book_id, str(file), url=db_url)
    assert code == 0, output[-2000:]
    assert f"Booked {rows} opening balances" in output.replace("\n", " ")
    assert counts(engine, book_id) == (rows, 2 * rows, rows + 1)  # every row and the offset
    code, output = run_cli("verify", book_id, url=db_url)
    assert code == 0 and f"{rows} entries" in output, output
