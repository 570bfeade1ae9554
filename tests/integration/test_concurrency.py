"""Many writers on one hot ledger: nothing lost, numbers gapless, no error surfaced."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine

from folio.domain.ledgers import Side
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from tests.builders import START, make_book, make_ledgers

THREADS, PER_THREAD = 8, 200


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_eight_threads_posting_into_one_hot_ledger(engine: Engine) -> None:
    fo = Folio(engine, migrate=False)
    book = make_book(fo)
    ledgers = make_ledgers(fo, book, "; ".join(f"{1000 + i} asset Cash {i}" for i in range(8)))
    hot = next(lg for lg in fo.ledgers(book.id) if lg.role and lg.role.value == "opening_balances")

    def worker(index: int) -> int:
        mine = ledgers[str(1000 + index)].id
        for n in range(PER_THREAD):
            fo.post_entry(
                book.id,
                EntryCreate(
                    START,
                    [
                        LineInput(Side.DEBIT, n + 1, ledger_id=mine),
                        LineInput(Side.CREDIT, n + 1, ledger_id=hot.id),
                    ],
                ),
            )
        return index

    with ThreadPoolExecutor(THREADS) as pool:
        assert sorted(pool.map(worker, range(THREADS))) == list(range(THREADS))

    per_thread = PER_THREAD * (PER_THREAD + 1) // 2
    entries = fo.entries(book.id, limit=THREADS * PER_THREAD + 10)
    assert len(entries) == THREADS * PER_THREAD
    assert [e.journal_number for e in entries] == list(range(1, THREADS * PER_THREAD + 1))
    assert fo.ledger(book.id, hot.id).credits_posted == THREADS * per_thread
    for index in range(THREADS):
        assert fo.ledger(book.id, ledgers[str(1000 + index)].id).debits_posted == per_thread
    assert fo.verify(book.id).ok
