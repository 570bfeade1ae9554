"""Journal writes within `uow.journal.overlapped()` (an import's chunks): on PostgreSQL a
chunk's entries and lines may still be in flight when the next chunk is made. Whatever the
engine, every row is there when the block is left, a write's failure fails the block with its
own error (not the aborted transaction's that a later statement met), and nothing lasts."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import text

from folio.domain.journal import EntryDraft, LineDraft
from folio.domain.ledgers import Ledger, Side
from folio.service.facade import Folio
from folio.service.posting import Posting
from folio.service.runner import SYSTEM
from folio.store.uow import UnitOfWork
from tests.builders import START, make_book, make_ledgers

ENTRIES = 40  # 80 lines a chunk: PostgreSQL sends them by COPY (over 64)


def _drafts(bank: str, sales: str, amount: int = 5) -> list[EntryDraft]:
    return [
        EntryDraft(
            START, (LineDraft(bank, Side.DEBIT, amount), LineDraft(sales, Side.CREDIT, amount))
        )
        for _ in range(ENTRIES)
    ]


@pytest.fixture
def book(fo: Folio) -> tuple[str, dict[str, Ledger]]:
    book = make_book(fo)
    return book.id, make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")


def _lines(uow: UnitOfWork, book_id: str) -> int:
    query = text("SELECT count(*) FROM journal_lines WHERE book_id = :b")
    return int(uow.conn.execute(query, {"b": book_id}).scalar_one())


def test_every_chunk_is_written_when_the_block_is_left(fo: Folio, book) -> None:
    book_id, ledgers = book
    bank, sales = ledgers["1000"].id, ledgers["4000"].id

    def run(uow: UnitOfWork) -> int:
        posting = Posting(uow, book_id, actor=SYSTEM)
        with uow.journal.overlapped() as ahead:
            for amount in (1, 2, 3):
                posting.add(_drafts(bank, sales, amount))  # reads and locks the ledgers anew
                if amount != 2:  # the second chunk's rows wait for the third's write
                    ahead.send()
        return _lines(uow, book_id)

    assert fo.write(run) == 3 * 2 * ENTRIES
    assert fo.ledger_by_number(book_id, "1000").balance == ENTRIES * (1 + 2 + 3)
    numbers = sorted(e.journal_number for e in fo.entries(book_id, limit=1000))
    assert numbers == list(range(1, 3 * ENTRIES + 1))
    assert fo.verify(book_id).ok


def _missing(ledgers: dict[str, Ledger]) -> dict[str, Ledger]:
    """The ledgers, and one that is not in the database (its lines break a foreign key)."""
    ghost = dataclasses.replace(ledgers["4000"], id="ldg_not_there")
    return {lg.id: lg for lg in (ledgers["1000"], ledgers["4000"], ghost)}


def test_a_write_that_fails_in_flight_fails_the_block_with_its_own_error(fo: Folio, book) -> None:
    book_id, ledgers = book
    bank, sales = ledgers["1000"].id, ledgers["4000"].id

    def run(uow: UnitOfWork) -> None:
        posting = Posting(uow, book_id, actor=SYSTEM)
        with uow.journal.overlapped() as ahead:
            posting.add(_drafts(bank, sales))
            ahead.send()
            posting.add(_drafts(bank, "ldg_not_there"), ledgers=_missing(ledgers), checked=True)
            ahead.send()
            # on PostgreSQL this read meets the transaction the write in flight aborted
            uow.ledgers.many(book_id, [bank])

    with pytest.raises(Exception) as info:
        fo.write(run)
    assert "foreign key" in str(info.value).lower()
    assert fo.entries(book_id, limit=1000) == []
    assert fo.ledger_by_number(book_id, "1000").balance == 0
    assert fo.verify(book_id).ok


def test_an_error_of_the_caller_waits_for_the_write_in_flight(fo: Folio, book) -> None:
    book_id, ledgers = book
    bank, sales = ledgers["1000"].id, ledgers["4000"].id

    def run(uow: UnitOfWork) -> None:
        posting = Posting(uow, book_id, actor=SYSTEM)
        with uow.journal.overlapped() as ahead:
            posting.add(_drafts(bank, sales))
            ahead.send()
            posting.add(_drafts(bank, sales))
            raise LookupError("refused after a chunk")

    with pytest.raises(LookupError):
        fo.write(run)
    assert fo.entries(book_id, limit=1000) == []
    fo.write(lambda uow: Posting(uow, book_id, actor=SYSTEM).add(_drafts(bank, sales)))
    assert fo.ledger_by_number(book_id, "1000").balance == 5 * ENTRIES
    assert fo.verify(book_id).ok
