from __future__ import annotations

from datetime import date

import pytest

from folio.domain.errors import FolioError
from folio.domain.journal import EntryKind, PostingMode
from folio.domain.ledgers import Side
from folio.domain.periods import PeriodAction
from folio.service.facade import Folio
from tests.builders import make_book, make_ledgers, post

LEDGERS = "1000 asset Bank; 4000 revenue Sales; 3000 liability Payables"


@pytest.fixture
def book(fo: Folio):
    book = make_book(fo)
    make_ledgers(fo, book, LEDGERS)
    return book


def test_reverse_entry_in_original_period(fo: Folio, book) -> None:
    entry = post(fo, book, "1000 D 50; 4000 C 50", on=date(2025, 1, 10))
    reversal = fo.reverse_entry(book.id, entry.id, mode=PostingMode.ORIGINAL_PERIOD)
    assert reversal.date == date(2025, 1, 10)
    assert reversal.kind is EntryKind.REVERSAL
    assert reversal.reverses_id == entry.id
    assert [(ln.side, ln.amount) for ln in reversal.lines] == [
        (Side.CREDIT, 5000),
        (Side.DEBIT, 5000),
    ]
    assert fo.entry(book.id, entry.id).reversed_by_id == reversal.id
    assert fo.ledger_by_number(book.id, "1000").balance == 0
    assert fo.ledger_by_number(book.id, "1000").debits_posted == 5000
    with pytest.raises(FolioError) as info:
        fo.reverse_entry(book.id, entry.id)
    assert info.value.code == "ALREADY_REVERSED"
    assert len(fo.entries(book.id)) == 2


def test_reverse_entry_current_period_uses_given_date(fo: Folio, book) -> None:
    entry = post(fo, book, "1000 D 50; 4000 C 50", on=date(2025, 1, 10))
    fo.change_period(book.id, "2025-01", PeriodAction.LOCK)
    with pytest.raises(FolioError) as info:
        fo.reverse_entry(book.id, entry.id, mode=PostingMode.ORIGINAL_PERIOD)
    assert info.value.code == "PERIOD_LOCKED"
    reversal = fo.reverse_entry(book.id, entry.id, on=date(2025, 2, 3))
    assert reversal.date == date(2025, 2, 3)
    assert (
        fo.balance(book.id, fo.ledger_by_number(book.id, "1000").id, date(2025, 1, 31)).balance
        == 5000
    )
    assert (
        fo.balance(book.id, fo.ledger_by_number(book.id, "1000").id, date(2025, 2, 3)).balance == 0
    )


def test_reverse_intent_atomically(fo: Folio, book) -> None:
    # Two entries under one intent, as an opening-balance set or an import would post them.
    from folio.domain.journal import EntryDraft, LineDraft
    from folio.service.posting import write_entries
    from folio.service.runner import SYSTEM

    bank = fo.ledger_by_number(book.id, "1000").id
    sales = fo.ledger_by_number(book.id, "4000").id
    drafts = [
        EntryDraft(
            date(2025, 1, 5), (LineDraft(bank, Side.DEBIT, 10), LineDraft(sales, Side.CREDIT, 10))
        ),
        EntryDraft(
            date(2025, 1, 6), (LineDraft(bank, Side.DEBIT, 20), LineDraft(sales, Side.CREDIT, 20))
        ),
    ]
    posted = fo.write(lambda uow: write_entries(uow, book.id, drafts, actor=SYSTEM))
    intent = posted[0].intent_id
    assert {e.intent_id for e in posted} == {intent}
    result = fo.reverse_intent(book.id, intent, mode=PostingMode.ORIGINAL_PERIOD, reason="typo")
    assert [e.date for e in result.entries] == [date(2025, 1, 5), date(2025, 1, 6)]
    assert {e.intent_id for e in result.entries} == {result.reversal_intent_id}
    assert fo.ledger_by_number(book.id, "1000").balance == 0
    with pytest.raises(FolioError) as info:
        fo.reverse_intent(book.id, intent)
    assert info.value.code == "ALREADY_REVERSED"
    with pytest.raises(FolioError) as info:
        fo.reverse_intent(book.id, "int_doesnotexist")
    assert info.value.code == "NOT_FOUND"
    assert fo.verify(book.id).ok


def test_failed_intent_reversal_posts_nothing(fo: Folio, book) -> None:
    entry = post(fo, book, "1000 D 50; 4000 C 50", on=date(2025, 1, 10))
    fo.change_period(book.id, "2025-01", PeriodAction.SOFT_LOCK)
    with pytest.raises(FolioError) as info:
        fo.reverse_intent(book.id, entry.intent_id, mode=PostingMode.ORIGINAL_PERIOD)
    assert info.value.code == "PERIOD_LOCKED"
    assert len(fo.entries(book.id)) == 1
    assert fo.entry(book.id, entry.id).reversed_by_id is None
