"""Issue 17: the aged receivables report over a receivables ledger of 10,000 and of 100,000
lines (customers' invoices and payments, a third of the payments naming an opening item),
each book in a fresh database, read in-process through the service. The report reads every
line of the control ledger up to its date, so the figure is the time per line, and the ratio
100k / 10k per line shows whether it stays linear. Beside it, one customer's items (all of
them, settled too, as the customer's page shows them): that customer's lines only, a
two-hundredth of the ledger.

    .venv/bin/python -m bench aging
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from bench.env import Databases, load, log, percentile, settled
from folio.domain.ledgers import Side
from folio.domain.parties import PartyKind
from folio.service.aging import aged_report, party_items
from folio.service.books import BookCreate
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.open_items import ItemInput, add_open_items
from folio.service.parties import PartyCreate, create_party
from folio.service.runner import SYSTEM

START = date(2025, 1, 1)
CUSTOMERS = 200
READS = 5


def _book(fo: Folio, lines: int) -> str:
    book = fo.create_book(
        BookCreate(name="Bench GmbH", currency="EUR", entries_start=START, chart="skr04")
    )
    ids = [
        fo.write(lambda uow, i=i: create_party(
            uow, book.id, PartyCreate(PartyKind.CUSTOMER, f"Kunde {i}", payment_terms_days=30),
            SYSTEM,
        )).id
        for i in range(CUSTOMERS)
    ]  # fmt: skip
    items = [
        ItemInput(i + 1, party, None, f"OP-{i}", START - timedelta(days=10), START, 100_000)
        for i, party in enumerate(ids)
    ]
    fo.write(lambda uow: add_open_items(uow, book.id, items, SYSTEM))
    entries = []
    for i in range(lines):
        party = ids[i % CUSTOMERS]
        day = START + timedelta(days=(i * 364) // lines)
        payment = i % 2 == 1
        settles = f"OP-{i % CUSTOMERS}" if payment and i % 3 == 0 else None
        line = LineInput(Side.CREDIT if payment else Side.DEBIT, 100 + i % 500,
                         ledger_number="1200", party_id=party, settles=settles)  # fmt: skip
        other = LineInput(Side.DEBIT if payment else Side.CREDIT, 100 + i % 500,
                          ledger_number="1800" if payment else "4400")  # fmt: skip
        entries.append(EntryCreate(date=day, lines=[line, other]))
    for start in range(0, lines, 1000):
        fo.post_entries(book.id, entries[start : start + 1000])
    return book.id


def run(dbs: Databases, kind: str, sizes: tuple[int, int]) -> dict[str, object]:
    figures: dict[str, object] = {}
    for lines in sizes:
        url = dbs.new(kind, f"aging{lines}")
        fo = Folio(url)
        log(f"{kind}: a receivables ledger of {lines:,} lines, {CUSTOMERS} customers")
        book_id = _book(fo, lines)
        times = []
        for _ in range(READS):
            started = time.perf_counter()
            report = fo.read(
                lambda uow, b=book_id: aged_report(uow, b, PartyKind.CUSTOMER, date(2025, 12, 31))
            )
            times.append(time.perf_counter() - started)
        assert report.total == report.ledger_balance
        customer = report.parties[0].party
        assert customer is not None
        own = []
        for _ in range(READS):
            started = time.perf_counter()
            mine = fo.read(lambda uow, b=book_id, c=customer.id: party_items(
                uow, b, c, date(2025, 12, 31), include_settled=True))  # fmt: skip
            own.append(time.perf_counter() - started)
        assert sum(s.open for s in mine) == report.parties[0].total
        p50 = percentile(times, 50)
        figures[str(lines)] = {
            "p50_ms": round(p50 * 1000, 1),
            "us_per_line": round(p50 / lines * 1e6, 2),
            "party_p50_ms": round(percentile(own, 50) * 1000, 2),
            "load": load(),
        }
        settled(fo.engine)
        dbs.drop(url)
    small, large = (figures[str(n)] for n in sizes)
    assert isinstance(small, dict) and isinstance(large, dict)
    figures["ratio_per_line"] = round(large["us_per_line"] / small["us_per_line"], 3)
    return figures
