"""§11 the trial balance of the last of five fiscal years, beside that of a one-year book of the
same size (issue 14: at most 1.2x).

Two books of 100,000 entries of 10 lines (about 1M lines) over 20 ledgers: one dated evenly
over 2021-2025, one over 2025 alone. Both are written once on SQLite through `write_entries`
(rules, hashes, every total) and copied row for row into PostgreSQL (`reads.copy_book`). The
figure is the trial balance of fiscal year 2025 through the service, in process, the median
of 30 calls after 3 warm-up calls; the baseline the same for the one-year book, in the same run.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta

from bench.env import Databases, load, log, migrated_book, percentile
from bench.reads import copy_book
from folio.domain.ids import new_id
from folio.domain.journal import EntryDraft, EntryKind, LineDraft
from folio.domain.ledgers import Side
from folio.service import reports
from folio.service.books import BookCreate
from folio.service.facade import Folio
from folio.service.posting import write_entries
from folio.service.runner import SYSTEM
from folio.store.types import utcnow

ENTRIES = int(os.environ.get("FOLIO_BENCH_YEAR_ENTRIES", "100000"))
LINES = 10
BATCH = 2000
CALLS = 30
KINDS = ("asset", "liability", "equity", "revenue", "expense")


def build(fo: Folio, first: date, years: int) -> str:
    book = fo.create_book(
        BookCreate(name=f"{years} years", currency="EUR", entries_start=first, chart="empty")
    )
    rows = []
    for i in range(20):
        kind = KINDS[i % 5]
        rows.append(
            {
                "book_id": book.id, "ledger_id": new_id("ldg"), "number": f"{7000 + i}",
                "name": f"Ledger {i}", "type": kind, "subtype": "other_" + kind
                if kind in ("asset", "liability", "equity") else
                ("operating_revenue" if kind == "revenue" else "operating_expense"),
                "normal_balance": "debit" if kind in ("asset", "expense") else "credit",
                "role": None, "archived": False, "debits_posted": 0, "credits_posted": 0,
            }
        )  # fmt: skip
    fo.write(lambda uow: uow.ledgers.insert_many(rows, at=utcnow()))
    ids = [row["ledger_id"] for row in rows]
    days = (date(first.year + years, 1, 1) - first).days

    def draft(i: int) -> EntryDraft:
        amounts = [100 + (i * 7 + k) % 900 for k in range(LINES - 1)]
        debits = [ids[(i + k) % 20] for k in range(LINES - 1)]
        return EntryDraft(
            date=first + timedelta(days=i * days // ENTRIES),
            lines=(
                *(LineDraft(d, Side.DEBIT, a) for d, a in zip(debits, amounts, strict=True)),
                LineDraft(ids[(i + 13) % 20], Side.CREDIT, sum(amounts)),
            ),
            kind=EntryKind.IMPORT,
        )

    for start in range(0, ENTRIES, BATCH):
        drafts = [draft(i) for i in range(start, min(start + BATCH, ENTRIES))]
        fo.write(lambda uow, d=drafts: write_entries(uow, book.id, d, actor=SYSTEM))  # type: ignore[misc]
    return book.id


def _median_ms(fo: Folio, book_id: str) -> dict[str, object]:
    def once() -> float:
        started = time.perf_counter()
        fo.read(lambda uow: reports.trial_balance(uow, book_id, year=2025))
        return (time.perf_counter() - started) * 1000

    for _ in range(3):
        once()
    times = sorted(once() for _ in range(CALLS))
    return {"p50_ms": round(percentile(times, 50), 2), "load": load()}


def run(dbs: Databases) -> dict[str, object]:
    results: dict[str, object] = {"lines": ENTRIES * LINES}
    source = dbs.new("sqlite", "years")
    fo, _ = migrated_book(source, chart="empty")
    log(f"sqlite: writing two books of {ENTRIES * LINES:,} lines (five years, one year)")
    started = time.perf_counter()
    five = build(fo, date(2021, 1, 1), 5)
    one = build(fo, date(2025, 1, 1), 1)
    results["generate_seconds"] = round(time.perf_counter() - started, 1)
    for kind in ("sqlite", "postgresql"):
        if kind == "sqlite":
            url = source
        else:
            url = dbs.new("postgresql", "years")
            migrated_book(url, chart="empty")[0].engine.dispose()
            log("postgresql: copying both books from SQLite")
            copy_book(source, url, five)
            copy_book(source, url, one)
        reader = Folio(url, migrate=False)
        log(f"{kind}: trial balance of fiscal year 2025, five-year and one-year book")
        results[kind] = {
            "five_years": _median_ms(reader, five),
            "one_year": _median_ms(reader, one),
        }
        reader.engine.dispose()
        if kind == "postgresql":
            dbs.drop(url)
    fo.engine.dispose()
    dbs.drop(source)
    return results
