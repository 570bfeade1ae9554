"""The database ceiling of posting: the same database work as one posting through the raw
driver (sqlite3 / psycopg), one connection per thread, one transaction per entry.

Per entry: lock the book row, lock both ledger rows in id order, insert the entry and its two
lines, add to both ledgers' totals, upsert the daily and monthly totals, advance the journal
head, append an audit row; commit. A hand-written loop, one statement per step, as a careful
engineer writing a ledger table by hand would.

    python -m bench.raw_post URL BOOK_ID "LEDGER LEDGER ..." HOT_OR_- SECONDS CONNECTIONS
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import sys
import threading
import time
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.engine import make_url

from folio.domain.ids import new_id

ENTRY = (
    "INSERT INTO journal_entries (book_id, entry_id, journal_number, date, created_at, "
    "description, kind, is_opening_balance, intent_id, reverses_id, external_reference, "
    "metadata, created_by, modified_by, prev_hash, hash) VALUES "
    "(?, ?, ?, ?, ?, ?, 'manual', ?, ?, NULL, NULL, '{}', ?, NULL, ?, ?)"
)
LINES = (
    "INSERT INTO journal_lines (book_id, line_id, entry_id, line_no, ledger_id, side, amount, "
    "description, tags, date, journal_number, is_opening_balance) VALUES "
    "(?, ?, ?, 0, ?, 'debit', ?, NULL, '[]', ?, ?, ?), "
    "(?, ?, ?, 1, ?, 'credit', ?, NULL, '[]', ?, ?, ?)"
)
TOTALS = (
    "UPDATE ledgers SET debits_posted = debits_posted + ?, credits_posted = credits_posted + ? "
    "WHERE book_id = ? AND ledger_id = ?"
)
PERIOD = (
    "INSERT INTO {table} (book_id, ledger_id, {key}, debits, credits, ob_debits, ob_credits) "
    "VALUES (?, ?, ?, ?, 0, 0, 0), (?, ?, ?, 0, ?, 0, 0) "
    "ON CONFLICT (book_id, ledger_id, {key}) DO UPDATE SET "
    "debits = {table}.debits + excluded.debits, credits = {table}.credits + excluded.credits"
)
HEAD = "UPDATE books SET last_journal_number = ?, last_hash = ? WHERE book_id = ?"
AUDIT = (
    "INSERT INTO audit_events (book_id, event_id, seq, occurred_at, actor, modified_by, action, "
    "target_type, target_id, request_id, details) SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, "
    "NULL, 'journal_entry.posted', 'journal_entry', ?, NULL, ? FROM audit_events "
    "WHERE book_id = ?"
)
LOCK_BOOK = "SELECT last_journal_number, last_hash FROM books WHERE book_id = ?"
LOCK_LEDGERS = (
    "SELECT ledger_id, archived, debits_posted, credits_posted FROM ledgers "
    "WHERE book_id = ? AND ledger_id IN (?, ?) ORDER BY ledger_id"
)


def post_once(cur: Any, pg: bool, book_id: str, debit: str, credit: str) -> None:
    q = (lambda sql: sql.replace("?", "%s")) if pg else (lambda sql: sql)
    lock = " FOR UPDATE" if pg else ""
    amount = random.randint(1, 99_999)
    day = date(2025, random.randint(1, 9), random.randint(10, 19))
    month = day.replace(day=1)
    now = datetime.now(UTC)
    stamp: Any = now if pg else now.replace(tzinfo=None).isoformat(" ")
    cur.execute(q(LOCK_BOOK) + lock, (book_id,))
    number, prev = cur.fetchone()
    cur.execute(q(LOCK_LEDGERS) + lock, (book_id, *sorted((debit, credit))))
    cur.fetchall()
    number += 1
    entry_id = new_id("je")
    digest = hashlib.sha256(f"{prev}\n{entry_id}{number}{amount}".encode()).hexdigest()
    cur.execute(
        q(ENTRY),
        (book_id, entry_id, number, day, stamp, "bench", False, new_id("int"), "raw", prev, digest),
    )
    cur.execute(
        q(LINES),
        (
            *(book_id, new_id("le"), entry_id, debit, amount, day, number, False),
            *(book_id, new_id("le"), entry_id, credit, amount, day, number, False),
        ),
    )
    for ledger_id, d, c in sorted([(debit, amount, 0), (credit, 0, amount)]):
        cur.execute(q(TOTALS), (d, c, book_id, ledger_id))
    for table, key, when in (
        ("ledger_daily_totals", "day", day),
        ("ledger_monthly_totals", "month", month),
    ):
        cur.execute(
            q(PERIOD.format(table=table, key=key)),
            (book_id, debit, when, amount, book_id, credit, when, amount),
        )
    cur.execute(q(HEAD), (number, digest, book_id))
    details = json.dumps({"journal_number": number})
    cur.execute(q(AUDIT), (book_id, new_id("aud"), stamp, "raw", entry_id, details, book_id))


def worker(url: str, book_id: str, ledgers: list[str], hot: str | None, until: float,
           counts: list[int], index: int) -> None:  # fmt: skip
    parsed = make_url(url)
    pg = parsed.drivername.startswith("postgresql")
    if pg:
        import psycopg

        conn: Any = psycopg.connect(
            parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        )
    else:
        conn = sqlite3.connect(parsed.database or "", timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    cur = conn.cursor()
    while time.monotonic() < until:
        if hot:
            a, b = random.choice(ledgers), hot
        else:
            a, b = random.sample(ledgers, 2)
        if not pg:
            cur.execute("BEGIN IMMEDIATE")
        try:
            post_once(cur, pg, book_id, a, b)
            conn.commit() if pg else cur.execute("COMMIT")
        except Exception:
            conn.rollback() if pg else cur.execute("ROLLBACK")
            raise
        counts[index] += 1
    conn.close()


def main() -> None:
    url, book_id, ledgers, hot, seconds, connections = sys.argv[1:7]
    counts = [0] * int(connections)
    start = time.monotonic()
    until = start + float(seconds)
    threads = [
        threading.Thread(
            target=worker,
            args=(url, book_id, ledgers.split(), None if hot == "-" else hot, until, counts, i),
        )
        for i in range(int(connections))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    print(json.dumps({"entries": sum(counts), "seconds": elapsed, "rate": sum(counts) / elapsed}))


if __name__ == "__main__":
    main()
