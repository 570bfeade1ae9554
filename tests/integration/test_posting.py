"""Posting rules on both engines: every bad input gets its code and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from folio.domain.errors import FolioError
from folio.domain.ledgers import LedgerType, Side
from folio.domain.periods import PeriodAction
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.ledgers import LedgerCreate, LedgerUpdate
from tests.builders import make_book, make_ledgers, post

LEDGERS = "1000 asset Bank; 1200 asset Receivables; 3000 liability Payables; 4000 revenue Sales"


@pytest.fixture
def book(fo: Folio):
    book = make_book(fo)
    make_ledgers(fo, book, LEDGERS)
    return book


def snapshot(fo: Folio, book_id: str) -> tuple[object, ...]:
    return (
        [(lg.number, lg.debits_posted, lg.credits_posted) for lg in fo.ledgers(book_id)],
        [e.id for e in fo.entries(book_id, limit=1000)],
    )


def test_post_updates_totals_and_balances(fo: Folio, book) -> None:
    entry = post(fo, book, "1000 D 119.00; 4000 C 100.00; 3000 C 19.00", description="Sale")
    assert entry.journal_number == 1
    assert [(ln.side, ln.amount) for ln in entry.lines] == [
        (Side.DEBIT, 11900),
        (Side.CREDIT, 10000),
        (Side.CREDIT, 1900),
    ]
    bank = fo.ledger_by_number(book.id, "1000")
    sales = fo.ledger_by_number(book.id, "4000")
    assert (bank.debits_posted, bank.credits_posted, bank.balance) == (11900, 0, 11900)
    assert (sales.debits_posted, sales.credits_posted, sales.balance) == (0, 10000, 10000)
    stored = fo.entry(book.id, entry.id)
    assert stored == entry
    assert stored.description == "Sale"


def test_point_one_plus_point_two_posts_against_point_three(fo: Folio, book) -> None:
    post(fo, book, "1000 D 0.1; 1200 D 0.2; 4000 C 0.3")
    assert fo.ledger_by_number(book.id, "4000").balance == 30


def test_balance_as_of_past_dates(fo: Folio, book) -> None:
    post(fo, book, "1000 D 10; 4000 C 10", on=date(2025, 1, 15))
    post(fo, book, "1000 D 20; 4000 C 20", on=date(2025, 3, 2))
    post(fo, book, "1000 D 5; 4000 C 5", on=date(2025, 3, 20))
    post(fo, book, "1000 C 1; 4000 D 1", on=date(2025, 2, 1))  # back-dated
    bank = fo.ledger_by_number(book.id, "1000")
    expect = {
        date(2024, 12, 31): 0,
        date(2025, 1, 14): 0,
        date(2025, 1, 15): 1000,
        date(2025, 2, 1): 900,
        date(2025, 3, 1): 900,
        date(2025, 3, 2): 2900,
        date(2025, 3, 19): 2900,
        date(2025, 3, 20): 3400,
        date(2030, 1, 1): 3400,
    }
    for day, balance in expect.items():
        assert fo.balance(book.id, bank.id, day).balance == balance, day
    assert fo.balance(book.id, bank.id).balance == 3400


def _bad_entries(other_ledger: str) -> dict[str, tuple[Callable[[str], EntryCreate], str]]:
    def lines(
        *items: tuple[str | None, Side, int], ledger_id: str | None = None
    ) -> list[LineInput]:
        return [LineInput(side=s, amount=a, ledger_number=n) for n, s, a in items]

    D, C = Side.DEBIT, Side.CREDIT
    day = date(2025, 2, 1)
    return {
        "unbalanced": (
            lambda _: EntryCreate(day, lines(("1000", D, 100), ("4000", C, 99))),
            "UNBALANCED_ENTRY",
        ),
        "one_line": (lambda _: EntryCreate(day, lines(("1000", D, 100))), "INVALID_ENTRY"),
        "zero": (
            lambda _: EntryCreate(day, lines(("1000", D, 0), ("4000", C, 0))),
            "INVALID_ENTRY",
        ),
        "negative": (
            lambda _: EntryCreate(day, lines(("1000", D, -5), ("4000", C, -5))),
            "INVALID_ENTRY",
        ),
        "same_side": (
            lambda _: EntryCreate(day, lines(("1000", D, 5), ("4000", D, 5))),
            "INVALID_ENTRY",
        ),
        "unknown_number": (
            lambda _: EntryCreate(day, lines(("9999", D, 5), ("4000", C, 5))),
            "LEDGER_NOT_FOUND",
        ),
        "other_book": (
            lambda _: EntryCreate(
                day,
                [
                    LineInput(side=D, amount=5, ledger_id=other_ledger),
                    LineInput(side=C, amount=5, ledger_number="4000"),
                ],
            ),
            "LEDGER_NOT_FOUND",
        ),
        "before_start": (
            lambda _: EntryCreate(date(2024, 12, 31), lines(("1000", D, 5), ("4000", C, 5))),
            "BEFORE_ENTRIES_START",
        ),
        "long_description": (
            lambda _: EntryCreate(
                day, lines(("1000", D, 5), ("4000", C, 5)), description="x" * 513
            ),
            "INVALID_INPUT",
        ),
    }


@pytest.mark.parametrize("case", list(_bad_entries("x")))
def test_bad_entries_get_their_code_and_change_nothing(fo: Folio, book, case: str) -> None:
    other = make_book(fo, name="Other")
    other_ledger = make_ledgers(fo, other, "1000 asset Bank")["1000"]
    post(fo, book, "1000 D 1; 4000 C 1")
    before = snapshot(fo, book.id)
    build, code = _bad_entries(other_ledger.id)[case]
    with pytest.raises(FolioError) as info:
        fo.post_entry(book.id, build(book.id))
    assert info.value.code == code
    assert snapshot(fo, book.id) == before
    assert fo.verify(book.id).ok


def test_archived_ledger_refuses_postings(fo: Folio, book) -> None:
    post(fo, book, "1200 D 1; 4000 C 1")
    receivables = fo.ledger_by_number(book.id, "1200")
    ledger, deleted = fo.delete_ledger(book.id, receivables.id)
    assert (deleted, ledger.archived) == (False, True)
    before = snapshot(fo, book.id)
    with pytest.raises(FolioError) as info:
        post(fo, book, "1200 D 1; 4000 C 1")
    assert info.value.code == "LEDGER_ARCHIVED"
    assert snapshot(fo, book.id) == before
    fo.update_ledger(book.id, receivables.id, LedgerUpdate(archived=False))
    post(fo, book, "1200 D 1; 4000 C 1")


def test_locked_period_refuses_postings(fo: Folio, book) -> None:
    fo.change_period(book.id, "2025-02", PeriodAction.SOFT_LOCK)
    before = snapshot(fo, book.id)
    with pytest.raises(FolioError) as info:
        post(fo, book, "1000 D 1; 4000 C 1", on=date(2025, 2, 10))
    assert (info.value.code, info.value.data["periods"]) == ("PERIOD_LOCKED", ["2025-02"])
    assert snapshot(fo, book.id) == before
    post(fo, book, "1000 D 1; 4000 C 1", on=date(2025, 3, 1))  # the next month is open
    fo.change_period(book.id, "2025-02", PeriodAction.REOPEN)
    post(fo, book, "1000 D 1; 4000 C 1", on=date(2025, 2, 10))
    fo.change_period(book.id, "2025-02", PeriodAction.LOCK)
    with pytest.raises(FolioError) as info:
        fo.change_period(book.id, "2025-02", PeriodAction.REOPEN)
    assert info.value.code == "INVALID_PERIOD_TRANSITION"
    statuses = {p.period: p.status.value for p in fo.periods(book.id, through=date(2025, 4, 1))}
    assert statuses == {
        "2025-01": "open",
        "2025-02": "locked",
        "2025-03": "open",
        "2025-04": "open",
    }


def test_three_decimals_in_eur_are_refused_at_the_edge(fo: Folio, book) -> None:
    with pytest.raises(FolioError) as info:
        post(fo, book, "1000 D 1.005; 4000 C 1.005")
    assert info.value.code == "INVALID_AMOUNT"
    assert fo.entries(book.id) == []


def test_gapless_journal_numbers_and_list_filters(fo: Folio, book) -> None:
    for day in (1, 2, 3, 4):
        post(fo, book, "1000 D 1; 4000 C 1", on=date(2025, 1, day))
    post(fo, book, "1200 D 1; 4000 C 1", on=date(2025, 1, 5))
    assert [e.journal_number for e in fo.entries(book.id)] == [1, 2, 3, 4, 5]
    receivables = fo.ledger_by_number(book.id, "1200")
    assert [e.journal_number for e in fo.entries(book.id, ledger_id=receivables.id)] == [5]
    ranged = fo.entries(book.id, date_from=date(2025, 1, 2), date_to=date(2025, 1, 3))
    assert [e.journal_number for e in ranged] == [2, 3]
    page = fo.entries(book.id, after_number=2, limit=2)
    assert [e.journal_number for e in page] == [3, 4]


def test_ledgers_numbers_unique_and_system_ledgers_protected(fo: Folio, book) -> None:
    with pytest.raises(FolioError) as info:
        fo.create_ledger(book.id, LedgerCreate(name="Again", type=LedgerType.ASSET, number="1000"))
    assert info.value.code == "DUPLICATE_ACCOUNT"
    offset = next(
        lg for lg in fo.ledgers(book.id) if lg.role and lg.role.value == "opening_balances"
    )
    with pytest.raises(FolioError) as info:
        fo.delete_ledger(book.id, offset.id)
    assert info.value.code == "SYSTEM_LEDGER_PROTECTED"
    unused = fo.create_ledger(book.id, LedgerCreate(name="Unused", type=LedgerType.EXPENSE))
    _, deleted = fo.delete_ledger(book.id, unused.id)
    assert deleted
    with pytest.raises(FolioError) as info:
        fo.ledger(book.id, unused.id)
    assert info.value.code == "NOT_FOUND"
    contra = fo.create_ledger(
        book.id,
        LedgerCreate(
            name="Accumulated depreciation",
            type=LedgerType.ASSET,
            number="0290",
            subtype="accumulated_depreciation",
            normal_balance=Side.CREDIT,
        ),
    )
    assert contra.normal_balance is Side.CREDIT
    with pytest.raises(FolioError) as info:
        fo.create_ledger(book.id, LedgerCreate(name="X", type=LedgerType.ASSET, subtype="payable"))
    assert info.value.code == "INVALID_INPUT"


def test_a_book_changed_after_its_lock_reads_back_changed(fo: Folio) -> None:
    """Group commit runs several writes in one transaction: the locked book's cache must follow."""
    from folio.domain.books import Book
    from folio.service.books import rename_book
    from folio.service.posting import lock_book
    from folio.service.runner import SYSTEM
    from folio.store.uow import UnitOfWork

    book = make_book(fo)

    def lock_then_rename(uow: UnitOfWork) -> Book:
        lock_book(uow, book.id)
        return rename_book(uow, book.id, "Renamed GmbH", SYSTEM)

    assert fo.write(lock_then_rename).name == "Renamed GmbH"
    assert fo.get_book(book.id).name == "Renamed GmbH"
