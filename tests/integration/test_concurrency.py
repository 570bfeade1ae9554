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


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_eight_clients_setting_opening_balances_on_the_hot_offset(engine: Engine) -> None:
    from folio.domain.ledgers import LedgerType
    from folio.service.ledgers import LedgerCreate

    fo = Folio(engine, migrate=False)
    book = make_book(fo)
    clients, per_client = 8, 50
    ledgers = [
        [
            fo.create_ledger(book.id, LedgerCreate(name=f"Asset {c}-{i}", type=LedgerType.ASSET))
            for i in range(per_client)
        ]
        for c in range(clients)
    ]
    offset = next(
        lg for lg in fo.ledgers(book.id) if lg.role and lg.role.value == "opening_balances"
    )

    def client(index: int) -> None:
        for n, ledger in enumerate(ledgers[index]):
            fo.set_opening_balance(book.id, ledger.id, 100 * (n + 1) + index)  # first value
            fo.set_opening_balance(book.id, ledger.id, 1000 * (n + 1) + index)  # a replacement

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))

    expected_total = 0
    for index in range(clients):
        for n, ledger in enumerate(ledgers[index]):
            want = 1000 * (n + 1) + index
            assert fo.opening_balance(book.id, ledger.id).amount == want
            assert fo.ledger(book.id, ledger.id).balance == want
            expected_total += want
    # The offset is credit-normal equity: it carries the sum of the debit balances.
    assert fo.ledger(book.id, offset.id).balance == expected_total
    assert fo.opening_balances(book.id).offset.credit == expected_total
    assert fo.verify(book.id).ok
