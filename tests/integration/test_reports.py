"""Reports on a small book with known numbers, on both engines."""

from __future__ import annotations

from datetime import date

import pytest

from folio.domain.books import Book
from folio.domain.errors import InvalidInput, NotFound
from folio.domain.journal import EntryDraft, EntryKind, LineDraft
from folio.domain.ledgers import Ledger, Side
from folio.service import reports
from folio.service.books import BookCreate
from folio.service.facade import Folio
from folio.service.posting import write_entries
from folio.service.report_formats import as_dict
from folio.service.reports import Interval
from folio.service.runner import SYSTEM
from tests.builders import make_book, make_ledgers, post
from tests.unit.test_report_formats import check_renderers

SPEC = (
    "1000 asset Bank; 1200 asset Receivables; 3300 liability Payables; "
    "9000 equity Opening balances; 4000 revenue Sales; 6000 expense Rent"
)


def opening(fo: Folio, book: Book, debit: Ledger, credit: Ledger, amount: int) -> None:
    draft = EntryDraft(
        book.entries_start,
        (LineDraft(debit.id, Side.DEBIT, amount), LineDraft(credit.id, Side.CREDIT, amount)),
        description="Opening balance",
        kind=EntryKind.OPENING_BALANCE,
        is_opening_balance=True,
    )
    fo.write(lambda uow: write_entries(uow, book.id, [draft], actor=SYSTEM))


@pytest.fixture
def sample(fo: Folio) -> tuple[Book, dict[str, Ledger]]:
    book = make_book(fo)
    ledgers = make_ledgers(fo, book, SPEC)
    opening(fo, book, ledgers["1000"], ledgers["9000"], 100_000)
    opening(fo, book, ledgers["9000"], ledgers["3300"], 30_000)
    post(fo, book, "1200 D 500.00; 4000 C 500.00", on=date(2025, 2, 10), description="Invoice")
    post(fo, book, "1000 D 500.00; 1200 C 500.00", on=date(2025, 3, 15))
    post(fo, book, "6000 D 200.00; 1000 C 200.00", on=date(2025, 4, 1))
    post(fo, book, "6000 D 50.00; 1000 C 50.00", on=date(2026, 1, 20))
    post(fo, book, "1000 D 80.00; 4000 C 80.00", on=date(2026, 2, 1))
    return book, ledgers


def test_trial_balance_columns(fo: Folio, sample: tuple[Book, dict[str, Ledger]]) -> None:
    book, _ = sample
    tb = fo.read(
        lambda uow: reports.trial_balance(
            uow, book.id, date_from=date(2025, 3, 1), date_to=date(2025, 12, 31)
        )
    )
    got = {
        row.number: (row.opening_balance, row.carried_forward, row.debit, row.credit, row.closing)
        for row in tb.rows
    }
    assert got == {
        "1000": (100_000, 0, 50_000, 20_000, 130_000),
        "1200": (0, 50_000, 0, 50_000, 0),
        "3300": (30_000, 0, 0, 0, 30_000),
        "9000": (70_000, 0, 0, 0, 70_000),
        "4000": (0, 50_000, 0, 0, 50_000),
        "6000": (0, 0, 20_000, 0, 20_000),
    }
    assert [row.number for row in tb.rows] == ["1000", "1200", "3300", "4000", "6000", "9000"]
    assert tb.totals == reports.TrialBalanceTotals(
        opening_debit=100_000,
        opening_credit=100_000,
        carried_forward_debit=50_000,
        carried_forward_credit=50_000,
        debit=70_000,
        credit=70_000,
        closing_debit=150_000,
        closing_credit=150_000,
    )
    data = as_dict(tb)
    assert data["data"][0]["closing"] == "1300.00"
    assert data["totals"]["closing_debit"] == "1500.00"
    check_renderers(tb)


def test_trial_balance_defaults_to_the_fiscal_year_to_date(
    fo: Folio, sample: tuple[Book, dict[str, Ledger]]
) -> None:
    book, _ = sample
    tb = fo.read(lambda uow: reports.trial_balance(uow, book.id, date_to=date(2026, 3, 31)))
    assert (tb.date_from, tb.date_to) == (date(2026, 1, 1), date(2026, 3, 31))
    bank = next(row for row in tb.rows if row.number == "1000")
    # 2026 opens with what 2025 closed with; nothing of 2025 is "carried forward" into it.
    assert (bank.opening_balance, bank.carried_forward, bank.closing) == (130_000, 0, 133_000)
    retained = next(row for row in tb.rows if row.subtype == "retained_earnings")
    assert (retained.opening_balance, retained.closing) == (30_000, 30_000)  # 2025's result
    empty = fo.read(lambda uow: reports.trial_balance(uow, book.id, date_to=date(2024, 12, 31)))
    assert empty.rows == () and empty.totals.balanced


def test_balance_sheet_earnings_rows(fo: Folio, sample: tuple[Book, dict[str, Ledger]]) -> None:
    book, _ = sample
    bs = fo.read(lambda uow: reports.balance_sheet(uow, book.id, as_of=date(2026, 2, 15)))
    assert bs.balanced
    assert (bs.retained_earnings, bs.current_year_earnings) == (30_000, 3_000)
    assert bs.assets.total == 133_000
    assert bs.liabilities.total == 30_000
    assert bs.equity.total == 70_000 + 30_000 + 3_000
    assert [group.subtype for group in bs.assets.groups] == ["other_asset"]
    equity = {row.name: row.amount for group in bs.equity.groups for row in group.rows}
    assert equity == {
        "Opening balances": 70_000,
        "Retained Earnings": 30_000,  # the chart's ledger, carrying 2025's result
        "Current year earnings": 3_000,
    }
    data = as_dict(bs)
    assert data["total_assets"] == data["total_liabilities_and_equity"] == "1330.00"
    check_renderers(bs)


def test_income_statement_by_quarter(fo: Folio, sample: tuple[Book, dict[str, Ledger]]) -> None:
    book, _ = sample
    report = fo.read(
        lambda uow: reports.income_statement(
            uow,
            book.id,
            date_from=date(2025, 1, 1),
            date_to=date(2026, 3, 31),
            interval=Interval.QUARTER,
        )
    )
    assert [c.label for c in report.columns] == [
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
    ]
    assert report.revenue.amounts == (50_000, 0, 0, 0, 8_000)
    assert report.expense.amounts == (0, 20_000, 0, 0, 5_000)
    assert report.net_income == (50_000, -20_000, 0, 0, 3_000)
    assert report.net_income_total == 33_000
    check_renderers(report)
    whole = fo.read(lambda uow: reports.income_statement(uow, book.id, date_to=date(2025, 12, 31)))
    assert len(whole.columns) == 1 and whole.net_income_total == 30_000
    check_renderers(whole)


def test_buckets_follow_the_fiscal_year() -> None:
    book = Book("bk_1", "X", "EUR", 2, date(2025, 1, 1), "07-01", "empty")
    quarters = reports.buckets(book, date(2025, 8, 15), date(2026, 7, 3), Interval.QUARTER)
    assert [(c.label, c.date_from, c.date_to) for c in quarters] == [
        ("FY2025/26-Q1", date(2025, 8, 15), date(2025, 9, 30)),
        ("FY2025/26-Q2", date(2025, 10, 1), date(2025, 12, 31)),
        ("FY2025/26-Q3", date(2026, 1, 1), date(2026, 3, 31)),
        ("FY2025/26-Q4", date(2026, 4, 1), date(2026, 6, 30)),
        ("FY2026/27-Q1", date(2026, 7, 1), date(2026, 7, 3)),
    ]
    years = reports.buckets(book, date(2025, 1, 1), date(2025, 12, 31), Interval.YEAR)
    assert [c.label for c in years] == ["FY2024/25", "FY2025/26"]
    months = reports.buckets(book, date(2025, 1, 31), date(2025, 3, 1), Interval.MONTH)
    assert [(c.label, c.date_from, c.date_to) for c in months] == [
        ("2025-01", date(2025, 1, 31), date(2025, 1, 31)),
        ("2025-02", date(2025, 2, 1), date(2025, 2, 28)),
        ("2025-03", date(2025, 3, 1), date(2025, 3, 1)),
    ]
    assert reports.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_ledger_statement_pages(fo: Folio, sample: tuple[Book, dict[str, Ledger]]) -> None:
    book, ledgers = sample
    bank = ledgers["1000"]

    def page(cursor: str | None) -> reports.LedgerStatement:
        return fo.read(
            lambda uow: reports.ledger_statement(
                uow,
                book.id,
                bank.id,
                date_from=date(2025, 3, 1),
                date_to=date(2026, 12, 31),
                cursor=cursor,
                limit=2,
            )
        )

    first = page(None)
    assert (first.opening_balance, first.page_opening) == (100_000, 100_000)
    assert [(x.debit, x.credit, x.balance) for x in first.lines] == [
        (50_000, 0, 150_000),
        (0, 20_000, 130_000),
    ]
    assert first.next_cursor is not None
    second = page(first.next_cursor)
    assert second.page_opening == 130_000
    assert [x.balance for x in second.lines] == [125_000, 133_000]
    assert second.next_cursor is None and second.closing_balance == 133_000
    check_renderers(first)
    check_renderers(second)
    everything = fo.read(
        lambda uow: reports.ledger_statement(uow, book.id, bank.id, date_to=date(2025, 12, 31))
    )
    assert everything.lines[0].is_opening_balance
    assert everything.lines[0].description == "Opening balance"
    assert everything.lines[0].kind == "opening_balance"


def test_reports_refuse_bad_requests(fo: Folio, sample: tuple[Book, dict[str, Ledger]]) -> None:
    book, ledgers = sample
    with pytest.raises(InvalidInput):
        fo.read(
            lambda uow: reports.trial_balance(
                uow, book.id, date_from=date(2025, 2, 1), date_to=date(2025, 1, 1)
            )
        )
    with pytest.raises(NotFound):
        fo.read(lambda uow: reports.balance_sheet(uow, "bk_missing"))
    other = fo.create_book(BookCreate(name="Other", currency="EUR", entries_start=date(2025, 1, 1)))
    with pytest.raises(NotFound):  # another book's ledger
        fo.read(lambda uow: reports.ledger_statement(uow, other.id, ledgers["1000"].id))
    for cursor, limit in (("garbage", 10), (None, 0), (None, 5000)):
        with pytest.raises(InvalidInput):
            fo.read(
                lambda uow, c=cursor, n=limit: reports.ledger_statement(
                    uow, book.id, ledgers["1000"].id, cursor=c, limit=n
                )
            )


def test_contra_and_mid_year_pl_openings(fo: Folio) -> None:
    """A mid-year conversion: year-to-date P&L balances booked as opening balances count in
    the income statement and in current year earnings."""
    book = make_book(fo, entries_start=date(2025, 7, 1))
    ledgers = make_ledgers(fo, book, SPEC)
    opening(fo, book, ledgers["1000"], ledgers["4000"], 40_000)
    opening(fo, book, ledgers["6000"], ledgers["1000"], 15_000)
    bs = fo.read(lambda uow: reports.balance_sheet(uow, book.id, as_of=date(2025, 7, 1)))
    assert bs.balanced and bs.current_year_earnings == 25_000 and bs.retained_earnings == 0
    report = fo.read(
        lambda uow: reports.income_statement(
            uow, book.id, date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)
        )
    )
    assert report.net_income_total == 25_000
    tb = fo.read(lambda uow: reports.trial_balance(uow, book.id, date_to=date(2025, 12, 31)))
    assert {row.number: row.opening_balance for row in tb.rows} == {
        "1000": 25_000,
        "4000": 40_000,
        "6000": 15_000,
    }
