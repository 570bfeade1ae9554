"""kill -9 of a large trial-balance import in the middle of its transaction (both engines):
nothing of it stays, `verify` passes, and the same import then books every row."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from folio.store.tables import journal_entries, journal_lines, ledgers
from tests.faults.harness import book_with_ledgers, folio_cli, run_cli, trial_balance_csv

# Rows per engine. PostgreSQL stays at 8,000: on the shared test server a 30,000-row import
# took over 300 s (10,000 take about 10 s), which grows faster than the rows do (noted in
# issue 13's report; the import path belongs to the write-path work).
ROWS = {"sqlite": 20_000, "postgresql": 8_000}


def writing(engine: Engine, db_url: str) -> bool:
    """True once the import has written rows inside its open transaction."""
    if db_url.startswith("sqlite"):
        wal = Path(db_url.removeprefix("sqlite:///") + "-wal")
        return wal.exists() and wal.stat().st_size > 512_000
    with engine.connect() as conn:
        locks = conn.execute(
            text(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'journal_lines' AND l.mode = 'RowExclusiveLock' "
                "AND l.pid <> pg_backend_pid()"
            )
        ).scalar()
    return bool(locks)


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
