"""§3 balance reads for a ledger of 1,000 lines and one of 1,000,000 lines, and §4 the trial
balance and balance sheet as of a past date over that book, beside hledger on its export.

The book: 200 ledgers; 111,112 entries of 10 lines (nine debits on the clearing ledger H, one
credit on one of the others), dated evenly over 2024 and 2025: 1,111,120 lines, 1,000,008 of
them on H; the small ledger S has exactly 1,000. It is written through `write_entries` in
batches of 2,000 entries, so rules, hashes and every total are the engine's own.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import re
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench.env import Databases, load, log, migrated_book, percentile, serving
from folio.domain.ids import new_id
from folio.domain.journal import EntryDraft, EntryKind, LineDraft
from folio.domain.ledgers import Side
from folio.service import exports
from folio.service.books import BookCreate
from folio.service.facade import Folio
from folio.service.posting import write_entries
from folio.service.runner import SYSTEM
from folio.store.types import utcnow

ENTRIES = int(os.environ.get("FOLIO_BENCH_ENTRIES", "111112"))
LINES_PER_ENTRY = 10
BATCH = 2000
START = date(2024, 1, 1)
DAYS = 731
AS_OF = date(2025, 6, 15)
# Reads of each ledger. The 99th percentile of a few-millisecond request is its 1% slowest:
# with 500 that was the 5th slowest, and one scheduler hiccup moved the ratio by 0.4.
BALANCE_READS = 2000
SMALL_EVERY = 111  # every 111th entry credits S: 1,000 entries
TYPES = ("asset", "liability", "equity", "revenue", "expense")
SUBTYPES = {
    "asset": "current_asset",
    "liability": "current_liability",
    "equity": "equity",
    "revenue": "operating_revenue",
    "expense": "operating_expense",
}


def build(fo: Folio) -> tuple[str, str, str]:
    """The big book: (book id, id of H, id of S)."""
    book = fo.create_book(
        BookCreate(name="Big", currency="USD", entries_start=START, chart="empty")
    )
    rows = []
    for i in range(200):
        kind = "asset" if i in (0, 1) else TYPES[i % 5]
        rows.append(
            {
                "book_id": book.id,
                "ledger_id": new_id("ldg"),
                "number": f"{5000 + i}",
                "name": f"Ledger {i}",
                "type": kind,
                "subtype": SUBTYPES[kind],
                "normal_balance": "debit" if kind in ("asset", "expense") else "credit",
                "role": None,
                "archived": False,
                "debits_posted": 0,
                "credits_posted": 0,
            }
        )
    fo.write(lambda uow: uow.ledgers.insert_many(rows, at=utcnow()))
    ids = [row["ledger_id"] for row in rows]
    hot, small, others = ids[0], ids[1], ids[2:]

    def draft(i: int) -> EntryDraft:
        amounts = [100 + (i * 7 + k) % 900 for k in range(LINES_PER_ENTRY - 1)]
        credit = (
            small if i % SMALL_EVERY == 0 and i < SMALL_EVERY * 1000 else others[i % len(others)]
        )
        return EntryDraft(
            date=START + timedelta(days=i * DAYS // ENTRIES),
            lines=(
                *(LineDraft(hot, Side.DEBIT, a) for a in amounts),
                LineDraft(credit, Side.CREDIT, sum(amounts)),
            ),
            description=f"Entry {i}",
            kind=EntryKind.IMPORT,
        )

    for start in range(0, ENTRIES, BATCH):
        drafts = [draft(i) for i in range(start, min(start + BATCH, ENTRIES))]
        fo.write(lambda uow, d=drafts: write_entries(uow, book.id, d, actor=SYSTEM))  # type: ignore[misc]
    return book.id, hot, small


class Client:
    """One keep-alive connection; the server is the thing measured, not the client."""

    def __init__(self, port: int, key: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.headers = {"Authorization": f"Bearer {key}"}

    def get(self, path: str) -> tuple[float, bytes]:
        start = time.perf_counter()
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
        return elapsed, body

    def paired(self, paths: dict[str, str], n: int) -> dict[str, dict[str, Any]]:
        """Latencies of several paths measured in turn, so load drift hits each alike."""
        for path in paths.values():
            for _ in range(10):
                self.get(path)
        times: dict[str, list[float]] = {label: [] for label in paths}
        for _ in range(n):
            for label, path in paths.items():
                times[label].append(self.get(path)[0])
        return {
            label: {
                "p50_ms": round(percentile(got, 50), 3),
                "p99_ms": round(percentile(got, 99), 3),
                "n": n,
                "load": load(),
            }
            for label, got in times.items()
        }

    def latencies(self, path: str, n: int) -> dict[str, Any]:
        for _ in range(10):
            self.get(path)
        times = [self.get(path)[0] for _ in range(n)]
        return {
            "p50_ms": round(percentile(times, 50), 3),
            "p99_ms": round(percentile(times, 99), 3),
            "n": n,
            "load": load(),
        }


def _hledger(journal: Path, command: str) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(
        ["hledger", "-f", str(journal), command, "-e", (AS_OF + timedelta(days=1)).isoformat(),
         "--flat", "-O", "csv"],
        capture_output=True, text=True, check=True, timeout=900,
    ).stdout  # fmt: skip
    return (time.perf_counter() - start) * 1000, out


def _amount(text: str) -> int:
    """Minor units of an hledger amount such as `USD -1,234.56` or `0`."""
    match = re.search(r"(-?)[\d,]*\.?\d+", text.replace(" ", ""))
    if not match:
        return 0
    number = match.group(0).replace(",", "")
    sign = -1 if number.startswith("-") else 1
    whole, _, cents = number.lstrip("-").partition(".")
    return sign * (int(whole or 0) * 100 + int((cents + "00")[:2]))


COPIED = (
    "books", "ledgers", "journal_entries", "journal_lines", "ledger_daily_totals",
    "ledger_monthly_totals",
)  # fmt: skip


def copy_book(sqlite_url: str, pg_url: str, book_id: str) -> None:
    """The book written on SQLite, copied row for row into PostgreSQL with COPY.

    Inserting 1.1 million lines on this machine's PostgreSQL took 150 µs a line and grew with
    the table (2,000-entry batches from 3 s to 27 s; BENCHMARKS.md), too slow for a 15-minute
    `make bench`. The copy holds the same rows, hashes and totals that `write_entries` wrote;
    foreign keys and triggers are not re-checked while copying (session_replication_role).
    """
    import sqlite3

    import psycopg

    source = sqlite3.connect(make_url(sqlite_url).database or "")
    target = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(target) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET TIME ZONE 'UTC'")
        for table in COPIED:
            columns = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
            with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in source.execute(f"SELECT * FROM {table} WHERE book_id = ?", (book_id,)):
                    copy.write_row(row)
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    source.close()


def run(
    dbs: Databases, kind: str, hledger_journal: Path | None, sqlite_source: tuple[str, str] | None
) -> tuple[dict[str, object], Path, tuple[str, str] | None]:
    results: dict[str, object] = {}
    url = dbs.new(kind, "reads")
    fo, setup = migrated_book(url, chart="empty")
    start = time.perf_counter()
    source = None
    if sqlite_source is None:
        log(f"{kind}: writing {ENTRIES * LINES_PER_ENTRY:,} lines through write_entries")
        book_id, hot, small = build(fo)
        source = (url, book_id)
    else:
        log(f"{kind}: copying the {ENTRIES * LINES_PER_ENTRY:,}-line book from SQLite")
        book_id = sqlite_source[1]
        copy_book(sqlite_source[0], url, book_id)
        found = {lg.number: lg.id for lg in fo.ledgers(book_id)}
        hot, small = found["5000"], found["5001"]
    results["generate_seconds"] = round(time.perf_counter() - start, 1)
    journal = hledger_journal or Path(dbs.folder) / "big.journal"
    if hledger_journal is None:
        log(f"{kind}: exporting the hledger journal")
        with journal.open("w") as out:
            fo.read(
                lambda uow: exports.write_export(uow, book_id, exports.ExportFormat.HLEDGER, out)
            )
    fo.engine.dispose()
    with serving(url, setup.key) as server:
        client = Client(server.port, setup.key)
        base = f"/v1/books/{book_id}"
        log(f"{kind}: balance reads")
        for what, query in (("now", ""), ("as_of", f"?as_of={AS_OF.isoformat()}")):
            paths = {
                label: f"{base}/ledgers/{ledger}/balance{query}"
                for label, ledger in (("1m", hot), ("1k", small))
            }
            for label, figures in client.paired(paths, BALANCE_READS).items():
                results[f"balance_{what}_{label}"] = figures
        log(f"{kind}: trial balance and balance sheet as of {AS_OF}")
        tb_path = f"{base}/reports/trial-balance?from=2025-01-01&to={AS_OF.isoformat()}"
        bs_path = f"{base}/reports/balance-sheet?as_of={AS_OF.isoformat()}"
        results["trial_balance"] = client.latencies(tb_path, 20)
        results["balance_sheet"] = client.latencies(bs_path, 20)
        _, tb_body = client.get(tb_path)
        results["server_peak_rss_mb"] = round(server.peak_rss_mb(), 1)
    folio_by_number = {}
    for row in json.loads(tb_body)["data"]:
        closing = _amount(str(row["closing"]))
        folio_by_number[row["number"]] = closing if row["normal_balance"] == "debit" else -closing
    if hledger_journal is None:
        log("hledger: balance and balance sheet on the exported journal (once, on this export)")
        bal_ms, bal_csv = _hledger(journal, "bal")
        bs_ms, _ = _hledger(journal, "bs")
        hledger_by_number = {}
        for row in csv.reader(io.StringIO(bal_csv)):
            if len(row) >= 2 and row[0] not in ("account", "total", "Total:"):
                found = re.search(r":(\d+) ", row[0])
                if found:
                    hledger_by_number[found.group(1)] = _amount(row[1])
        results["hledger"] = {"bal_ms": round(bal_ms), "bs_ms": round(bs_ms), "load": load()}
        results["hledger_numbers"] = hledger_by_number
    results["folio_numbers"] = folio_by_number
    if source is None:
        dbs.drop(url)
    return results, journal, source
