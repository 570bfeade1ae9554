"""Opening balances on both engines: seed 002's set, per-ledger replace, every error code."""

from __future__ import annotations

from datetime import date

import pytest

from folio.domain.errors import FolioError
from folio.domain.journal import PostingMode
from folio.domain.ledgers import LedgerType
from folio.domain.opening_balances import SetRow
from folio.domain.periods import PeriodAction
from folio.service.facade import Folio
from folio.service.ledgers import LedgerCreate
from tests.builders import make_book, post

DAY = date(2025, 1, 1)
SEED_002 = [("0400", 5000000, 0), ("1200", 1000000, 0), ("2000", 0, 2500000), ("2900", 0, 3500000)]


def rows(spec: list[tuple[str, int, int]]) -> list[SetRow]:
    return [SetRow(i, debit, credit, ledger_number=n) for i, (n, debit, credit) in enumerate(spec)]


@pytest.fixture
def skr04(fo: Folio):
    return make_book(fo, chart="skr04")


def offset_balance(fo: Folio, book_id: str) -> int:
    return fo.ledger_by_number(book_id, "9000").balance


def state(fo: Folio, book_id: str) -> tuple[object, ...]:
    ledgers = fo.ledgers(book_id)
    return (
        len(fo.entries(book_id, limit=10_000)),
        sorted((lg.id, lg.debits_posted, lg.credits_posted) for lg in ledgers),
    )


def test_seed_002_books_four_entries_and_nets_the_offset(fo: Folio, skr04) -> None:
    result = fo.book_opening_balances(skr04.id, DAY, rows(SEED_002))
    assert (result.event_count, result.total_debit, result.total_credit) == (4, 6000000, 6000000)
    posted = fo.entries(skr04.id, intent_id=result.intent_id)
    assert len(posted) == 4
    assert all(e.is_opening_balance and e.date == DAY for e in posted)
    assert offset_balance(fo, skr04.id) == 0
    balances = {
        n: fo.ledger_by_number(skr04.id, n).balance for n in ("0400", "1200", "2000", "2900")
    }
    assert balances == {"0400": 5000000, "1200": 1000000, "2000": 2500000, "2900": 3500000}
    book = fo.opening_balances(skr04.id)
    assert book.balanced and (book.total_debit, book.total_credit) == (6000000, 6000000)
    assert [(r.ledger.number, r.amount) for r in book.rows] == [
        ("0400", 5000000),
        ("1200", 1000000),
        ("2000", 2500000),
        ("2900", 3500000),
    ]
    assert [(s.intent_id, s.entry_count) for s in book.sets] == [(result.intent_id, 4)]

    before = state(fo, skr04.id)
    with pytest.raises(FolioError) as info:
        fo.book_opening_balances(skr04.id, DAY, rows(SEED_002))
    assert info.value.code == "OPENING_BALANCES_EXIST"
    assert info.value.data["intent_ids"] == [result.intent_id]
    assert state(fo, skr04.id) == before

    fo.reverse_intent(skr04.id, result.intent_id, mode=PostingMode.ORIGINAL_PERIOD)
    assert fo.opening_balances(skr04.id).rows == []
    corrected = [
        ("0400", 5000000, 0),
        ("1200", 1200000, 0),
        ("2000", 0, 2500000),
        ("2900", 0, 3700000),
    ]
    again = fo.book_opening_balances(skr04.id, DAY, rows(corrected))
    assert (again.event_count, again.total_debit) == (4, 6200000)
    assert fo.ledger_by_number(skr04.id, "1200").balance == 1200000
    assert offset_balance(fo, skr04.id) == 0
    assert fo.verify(skr04.id).ok


ERROR_CASES = {
    "both_sides": ([("0400", 100, 100), ("2000", 0, 100)], "INVALID_BALANCE_ENTRY"),
    "negative": ([("0400", -100, 0), ("2000", 0, -100)], "INVALID_BALANCE_ENTRY"),
    "offset_as_row": ([("0400", 100, 0), ("9000", 0, 100)], "INVALID_BALANCE_ENTRY"),
    "unknown": ([("0400", 100, 0), ("0001", 0, 50), ("0002", 0, 50)], "ACCOUNTS_NOT_FOUND"),
    "revenue": ([("1200", 100, 0), ("4000", 0, 100)], "ACCOUNT_TYPE_NOT_ALLOWED"),
    "mismatch": ([("0400", 100, 0), ("2000", 0, 99)], "BALANCE_MISMATCH"),
    "all_zero": ([("0400", 0, 0)], "INVALID_INPUT"),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_each_set_error_has_its_code_and_posts_nothing(fo: Folio, skr04, case: str) -> None:
    spec, code = ERROR_CASES[case]
    before = state(fo, skr04.id)
    with pytest.raises(FolioError) as info:
        fo.book_opening_balances(skr04.id, DAY, rows(spec))
    assert info.value.code == code
    assert state(fo, skr04.id) == before
    if case == "unknown":
        assert info.value.data["account_numbers"] == ["0001", "0002"]
    if case == "mismatch":
        assert (info.value.data["total_debit"], info.value.data["total_credit"]) == ("1.00", "0.99")


@pytest.mark.parametrize("day", [date(2024, 12, 31), date(2025, 1, 2), date(2026, 1, 1)])
def test_set_refused_off_the_opening_date_and_in_locked_period(fo: Folio, skr04, day: date) -> None:
    before = state(fo, skr04.id)
    with pytest.raises(FolioError) as info:
        fo.book_opening_balances(skr04.id, day, rows(SEED_002))
    assert info.value.code == "INVALID_INPUT"
    assert info.value.data == {
        "field": "date",
        "date": day.isoformat(),
        "opening_date": "2025-01-01",
    }
    fo.change_period(skr04.id, "2025-01", PeriodAction.SOFT_LOCK)
    with pytest.raises(FolioError) as info:
        fo.book_opening_balances(skr04.id, DAY, rows(SEED_002))
    assert info.value.code == "PERIOD_LOCKED"
    assert state(fo, skr04.id) == before


def test_book_without_offset_ledger_is_9000_missing(fo: Folio, engine) -> None:
    book = make_book(fo, chart="skr04")
    with engine.begin() as conn:  # as after a chart import that lacked account 9000
        conn.exec_driver_sql(f"UPDATE ledgers SET role = NULL WHERE book_id = '{book.id}'")
    with pytest.raises(FolioError) as info:
        fo.book_opening_balances(book.id, DAY, rows(SEED_002))
    assert info.value.code == "ACCOUNT_9000_MISSING"


def test_locked_period_refuses_per_ledger_change_and_reversal(fo: Folio, skr04) -> None:
    bank = fo.ledger_by_number(skr04.id, "1800")
    fo.set_opening_balance(skr04.id, bank.id, 100000)
    result = fo.book_opening_balances(skr04.id, DAY, rows(SEED_002))
    fo.change_period(skr04.id, "2025-01", PeriodAction.LOCK)
    before = state(fo, skr04.id)
    with pytest.raises(FolioError) as info:
        fo.set_opening_balance(skr04.id, bank.id, 120000)
    assert info.value.code == "PERIOD_LOCKED"
    with pytest.raises(FolioError) as info:
        fo.reverse_intent(skr04.id, result.intent_id, mode=PostingMode.ORIGINAL_PERIOD)
    assert info.value.code == "PERIOD_LOCKED"
    assert state(fo, skr04.id) == before


def test_per_ledger_set_replace_unchanged_and_clear(fo: Folio) -> None:
    book = make_book(fo, chart="us_small_business", currency="USD")
    cash = next(
        lg
        for lg in fo.ledgers(book.id)
        if lg.type is LedgerType.ASSET and lg.subtype in ("bank", "cash")
    )
    offset = next(
        lg for lg in fo.ledgers(book.id) if lg.role and lg.role.value == "opening_balances"
    )
    amounts = []
    for value in (100000, 120000, 120000, 0):
        result = fo.set_opening_balance(book.id, cash.id, value)
        amounts.append(result.amount)
        assert fo.ledger(book.id, offset.id).balance == value
    assert amounts == [100000, 120000, 120000, 0]
    entries = fo.opening_balance(book.id, cash.id).entries
    assert [(e.kind.value, e.lines[0].side.value, e.lines[0].amount) for e in entries] == [
        ("opening_balance", "debit", 100000),
        ("reversal", "credit", 100000),
        ("opening_balance", "debit", 120000),
        ("reversal", "credit", 120000),
    ]
    assert all(e.is_opening_balance and e.date == book.entries_start for e in entries)
    assert fo.verify(book.id).ok


def test_per_ledger_sides_follow_the_normal_balance(fo: Folio) -> None:
    book = make_book(fo, chart="us_small_business", currency="USD")
    ledgers = fo.ledgers(book.id)
    asset = next(
        lg for lg in ledgers if lg.type is LedgerType.ASSET and lg.normal_balance.value == "debit"
    )
    liability = next(lg for lg in ledgers if lg.type is LedgerType.LIABILITY)
    negative = fo.set_opening_balance(book.id, asset.id, -5000)
    assert negative.posted[0].lines[0].side.value == "credit"
    assert fo.ledger(book.id, asset.id).balance == -5000
    payable = fo.set_opening_balance(book.id, liability.id, 7000)
    assert payable.posted[0].lines[0].side.value == "credit"
    assert fo.ledger(book.id, liability.id).balance == 7000
    offset = next(lg for lg in ledgers if lg.role and lg.role.value == "opening_balances")
    # The offset takes the other side of both: asset credited 50.00, liability credited 70.00.
    offset_now = fo.ledger(book.id, offset.id)
    assert (offset_now.debits_posted, offset_now.credits_posted) == (12000, 0)


def test_per_ledger_refusals(fo: Folio, skr04) -> None:
    sales = fo.ledger_by_number(skr04.id, "4000")
    with pytest.raises(FolioError) as info:
        fo.set_opening_balance(skr04.id, sales.id, 100)
    assert info.value.code == "ACCOUNT_TYPE_NOT_ALLOWED"
    offset = fo.ledger_by_number(skr04.id, "9000")
    with pytest.raises(FolioError) as info:
        fo.set_opening_balance(skr04.id, offset.id, 100)
    assert info.value.code == "INVALID_BALANCE_ENTRY"
    fo.book_opening_balances(skr04.id, DAY, rows(SEED_002))
    receivables = fo.ledger_by_number(skr04.id, "1200")
    with pytest.raises(FolioError) as info:
        fo.set_opening_balance(skr04.id, receivables.id, 100)
    assert info.value.code == "OPENING_BALANCES_EXIST"


def test_set_refused_when_a_ledger_has_its_own_opening_balance(fo: Folio, skr04) -> None:
    receivables = fo.ledger_by_number(skr04.id, "1200")
    fo.set_opening_balance(skr04.id, receivables.id, 500)
    with pytest.raises(FolioError) as info:
        fo.book_opening_balances(skr04.id, DAY, rows(SEED_002))
    assert (info.value.code, info.value.data["ledger_ids"]) == (
        "OPENING_BALANCES_EXIST",
        [receivables.id],
    )
    fo.set_opening_balance(skr04.id, receivables.id, 0)
    assert fo.book_opening_balances(skr04.id, DAY, rows(SEED_002)).event_count == 4


def test_mid_year_conversion_accepts_revenue_and_expense(fo: Folio) -> None:
    book = make_book(fo, chart="skr04", entries_start=date(2025, 7, 1))
    spec = [("1800", 1000000, 0), ("4000", 0, 1500000), ("6000", 500000, 0)]  # bank, sales, wages
    result = fo.book_opening_balances(book.id, date(2025, 7, 1), rows(spec))
    assert result.event_count == 3
    sales = fo.ledger_by_number(book.id, "4000")
    assert (
        fo.set_opening_balance(book.id, fo.ledger_by_number(book.id, "6010").id, 100).amount == 100
    )
    assert sales.balance == 1500000


def test_zero_rows_are_skipped_and_ledger_ids_accepted(fo: Folio, skr04) -> None:
    land = fo.ledger_by_number(skr04.id, "0400")
    mixed = [
        SetRow(0, 100, 0, ledger_id=land.id),
        SetRow(1, 0, 0, ledger_number="1200"),
        SetRow(2, 0, 100, ledger_number="2000"),
    ]
    assert fo.book_opening_balances(skr04.id, DAY, mixed).event_count == 2


def test_opening_balance_postings_stay_separate_from_ordinary_ones(fo: Folio, skr04) -> None:
    bank = fo.ledger_by_number(skr04.id, "1800")
    fo.create_ledger(skr04.id, LedgerCreate(name="Extra", type=LedgerType.ASSET, number="1801"))
    fo.set_opening_balance(skr04.id, bank.id, 1000)
    post(fo, skr04, "1800 D 5.00; 1801 C 5.00")
    assert fo.opening_balance(skr04.id, bank.id).amount == 1000
    assert fo.ledger(skr04.id, bank.id).balance == 1500


# ---------------------------------------------------------------- sets of several chunks


@pytest.fixture
def chunked(fo: Folio, monkeypatch: pytest.MonkeyPatch):
    """A book of 45 balance-sheet ledgers (10000..10044) and sets checked 10 rows at a time."""
    from folio.service import opening_balances, posting

    monkeypatch.setattr(opening_balances, "CHUNK", 10)
    monkeypatch.setattr(posting, "CHUNK", 10)
    book = make_book(fo)
    for i in range(45):
        kind = LedgerType.ASSET if i % 2 == 0 else LedgerType.LIABILITY
        fo.create_ledger(
            book.id, LedgerCreate(name=f"Account {i}", type=kind, number=str(10000 + i))
        )
    fo.create_ledger(book.id, LedgerCreate(name="Sales", type=LedgerType.REVENUE, number="40000"))
    return book


def chunked_rows(count: int = 44) -> list[SetRow]:
    """Pairs of an asset debit and a liability credit of the same amount: balanced."""
    amounts = [(100 + i // 2, 0) if i % 2 == 0 else (0, 100 + i // 2) for i in range(count)]
    return [
        SetRow(i, debit, credit, ledger_number=str(10000 + i))
        for i, (debit, credit) in enumerate(amounts)
    ]


def test_a_set_of_several_chunks_is_one_intent_with_one_gapless_run(fo: Folio, chunked) -> None:
    result = fo.book_opening_balances(chunked.id, DAY, chunked_rows())
    total = sum(100 + i // 2 for i in range(0, 44, 2))
    assert (result.event_count, result.total_debit, result.total_credit) == (44, total, total)
    posted = fo.entries(chunked.id, intent_id=result.intent_id, limit=100)
    assert [e.journal_number for e in posted] == list(range(1, 45))
    assert fo.ledger_by_number(chunked.id, "10043").balance == 121
    offset = fo.opening_balances(chunked.id).offset
    assert (offset.debit, offset.credit) == (0, 0)
    assert fo.verify(chunked.id).ok


def test_bad_rows_in_every_chunk_are_listed_and_nothing_is_booked(fo: Folio, chunked) -> None:
    before = state(fo, chunked.id)
    rows = chunked_rows()
    rows[3] = SetRow(3, 0, 101, ledger_number="19999")  # chunk 1: unknown
    rows[24] = SetRow(24, 112, 0, ledger_number="40000")  # chunk 3: a revenue ledger
    rows[41] = SetRow(41, 0, 120, ledger_number="29999")  # chunk 5: unknown
    with pytest.raises(FolioError) as caught:
        fo.book_opening_balances(chunked.id, DAY, rows)
    assert caught.value.code == "ACCOUNTS_NOT_FOUND"
    assert caught.value.data["account_numbers"] == ["19999", "29999"]
    assert [(p["row"], p["code"]) for p in caught.value.data["problems"]] == [
        (3, "ACCOUNTS_NOT_FOUND"),
        (24, "ACCOUNT_TYPE_NOT_ALLOWED"),
        (41, "ACCOUNTS_NOT_FOUND"),
    ]
    assert state(fo, chunked.id) == before
    assert fo.verify(chunked.id).ok


def test_a_ledger_set_on_its_own_in_a_later_chunk_stops_the_whole_set(fo: Folio, chunked) -> None:
    own = fo.ledger_by_number(chunked.id, "10037")
    fo.set_opening_balance(chunked.id, own.id, 5)
    before = state(fo, chunked.id)
    with pytest.raises(FolioError) as caught:
        fo.book_opening_balances(chunked.id, DAY, chunked_rows())
    assert caught.value.code == "OPENING_BALANCES_EXIST"
    assert caught.value.data["ledger_ids"] == [own.id]
    assert state(fo, chunked.id) == before
    assert fo.verify(chunked.id).ok


def test_a_bad_row_in_a_later_chunk_comes_before_a_closed_period(fo: Folio, chunked) -> None:
    """The refusals keep the order of a small set: the rows first, the period last."""
    fo.change_period(chunked.id, "2025-01", PeriodAction.SOFT_LOCK)
    rows = chunked_rows()
    rows[33] = SetRow(33, 0, 116, ledger_number="19999")  # chunk 4: unknown
    with pytest.raises(FolioError) as caught:
        fo.book_opening_balances(chunked.id, DAY, rows)
    assert caught.value.code == "ACCOUNTS_NOT_FOUND"
    with pytest.raises(FolioError) as caught:
        fo.book_opening_balances(chunked.id, DAY, chunked_rows())
    assert caught.value.code == "PERIOD_LOCKED"
    assert fo.entries(chunked.id) == []


@pytest.mark.parametrize("naming", ["number, id", "id, number", "id, id", "no number: id, id"])
def test_a_ledger_named_twice_however_each_row_names_it_is_refused(
    fo: Folio, skr04, naming: str
) -> None:
    """Rows are told apart by their ledger's number, or its id where it has none; a row that
    names its ledger by number keeps the key in its own text (a 100,000-row set's memory)."""
    if naming.startswith("no number"):
        ledger = fo.create_ledger(skr04.id, LedgerCreate("Kasse ohne Nummer", LedgerType.ASSET))
        assert ledger.number is None
    else:
        ledger = fo.ledger_by_number(skr04.id, "1800")
    first, second = naming.removeprefix("no number: ").split(", ")

    def row(index: int, how: str) -> SetRow:
        by_number = how == "number"
        return SetRow(index, 100, 0, ledger.number if by_number else None,
                      None if by_number else ledger.id)  # fmt: skip

    before = state(fo, skr04.id)
    with pytest.raises(FolioError) as info:
        fo.book_opening_balances(
            skr04.id, None, [row(1, first), SetRow(2, 0, 200, "2000"), row(3, second)]
        )
    assert info.value.code == "INVALID_BALANCE_ENTRY"
    problems = info.value.data["rows"]
    assert [p["row"] for p in problems] == [3]
    assert problems[0]["message"].endswith("appears again (first in row 1)")
    assert state(fo, skr04.id) == before
