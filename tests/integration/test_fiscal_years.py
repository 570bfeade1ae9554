"""Fiscal years on both engines: opening values carried forward, close and reopen, continuity,
reports per fiscal year, fiscal years that do not start on 01-01, leap days."""

from __future__ import annotations

from datetime import date

import pytest

from folio.domain.errors import FolioError
from folio.domain.fiscal_years import YearStatus, fiscal_year
from folio.domain.opening_balances import SetRow
from folio.service import reports
from folio.service.facade import Folio
from tests.builders import make_book, post

START = date(2021, 1, 1)


def ids(fo: Folio, book_id: str, *numbers: str) -> dict[str, str]:
    return {number: fo.ledger_by_number(book_id, number).id for number in numbers}


@pytest.fixture
def book(fo: Folio):
    """SKR04 from 2021: opening balances 1800 10,000 / 2000 10,000; 2021 earns 1,500 (sales
    2,000, rent 500); 2022 earns 300."""
    made = make_book(fo, chart="skr04", entries_start=START)
    fo.book_opening_balances(
        made.id,
        START,
        [SetRow(1, 1_000_000, 0, ledger_number="1800"), SetRow(2, 0, 1_000_000, "2000")],
    )
    post(fo, made, "1800 D 2000.00; 4400 C 2000.00", on=date(2021, 3, 1))
    post(fo, made, "6310 D 500.00; 1800 C 500.00", on=date(2021, 11, 30))
    post(fo, made, "1800 D 300.00; 4400 C 300.00", on=date(2022, 5, 5))
    return made


def test_a_year_opens_with_what_the_year_before_closed_with(fo: Folio, book) -> None:
    found = ids(fo, book.id, "1800", "2000", "2970", "4400", "6310", "9000")
    first = fo.year_figures(book.id, 2021).opening.values
    assert {k: v for k, v in first.items() if v} == {
        found["1800"]: 1_000_000,
        found["2000"]: -1_000_000,
    }
    second = fo.year_figures(book.id, 2022)
    values = {k: v for k, v in second.opening.values.items() if v}
    assert values == {
        found["1800"]: 1_150_000,
        found["2000"]: -1_000_000,
        found["2970"]: -150_000,  # the 2021 profit, a credit
    }
    assert second.opening.earlier_results == -150_000
    assert sum(second.opening.values.values()) == 0
    third = fo.year_figures(book.id, 2023).opening.values
    assert third[found["2970"]] == -180_000 and third[found["4400"]] == 0


def test_the_trial_balance_opens_each_year_with_its_opening_values(fo: Folio, book) -> None:
    tb = fo.read(
        lambda uow: reports.trial_balance(
            uow, book.id, date_from=date(2022, 1, 1), date_to=date(2022, 12, 31)
        )
    )
    rows = {row.number: row for row in tb.rows}
    assert (rows["1800"].opening_balance, rows["1800"].carried_forward) == (1_150_000, 0)
    assert rows["2970"].opening_balance == 150_000
    assert "6310" not in rows  # rent had no 2022 figures: it opened at zero
    assert (rows["4400"].opening_balance, rows["4400"].credit) == (0, 30_000)
    assert tb.totals.balanced and tb.fiscal_year == 2022
    later = fo.read(
        lambda uow: reports.trial_balance(
            uow, book.id, date_from=date(2022, 6, 1), date_to=date(2022, 12, 31)
        )
    )
    bank = next(row for row in later.rows if row.number == "1800")
    assert (bank.opening_balance, bank.carried_forward, bank.closing) == (
        1_150_000,
        30_000,
        1_180_000,
    )
    with pytest.raises(FolioError) as info:
        fo.read(
            lambda uow: reports.trial_balance(
                uow, book.id, date_from=date(2021, 6, 1), date_to=date(2022, 2, 1)
            )
        )
    assert (info.value.code, info.value.data["field"]) == ("INVALID_INPUT", "to")


def test_close_in_order_lock_reopen_and_continuity(fo: Folio, book) -> None:
    with pytest.raises(FolioError) as info:
        fo.close_year(book.id, 2022)
    assert info.value.code == "PREVIOUS_YEAR_OPEN"
    preview = fo.close_preview(book.id, 2021)
    assert preview.can_close and preview.figures.result == 150_000
    closing = fo.close_year(book.id, 2021)
    assert (closing.seq, closing.result, closing.final) == (1, 150_000, False)
    assert [y.status for y in fo.years(book.id)][:2] == [YearStatus.CLOSED, YearStatus.OPEN]
    assert fo.continuity(book.id, 2021).ok
    with pytest.raises(FolioError) as info:
        post(fo, book, "1800 D 1.00; 4400 C 1.00", on=date(2021, 12, 31))
    assert info.value.code == "PERIOD_LOCKED"
    with pytest.raises(FolioError) as info:
        fo.close_year(book.id, 2021)
    assert info.value.code == "FISCAL_YEAR_CLOSED"

    fo.reopen_year(book.id, 2021)
    late = post(fo, book, "1800 D 1.00; 4400 C 1.00", on=date(2021, 12, 31))
    found = fo.continuity(book.id, 2021)
    assert not found.ok
    by_number = {d.ledger.number: d for d in found.differences}
    assert set(by_number) == {"1800", "2970"}
    assert by_number["1800"].difference == 100
    assert by_number["2970"].difference == -100
    assert [e[0] for e in by_number["2970"].entries] == [late.id]
    again = fo.close_year(book.id, 2021)
    assert (again.seq, again.prev_hash, again.result) == (2, closing.hash, 150_100)
    assert fo.continuity(book.id, 2021).ok
    assert fo.verify(book.id).ok

    fo.close_year(book.id, 2022, final=True)
    with pytest.raises(FolioError) as info:
        fo.reopen_year(book.id, 2021)
    assert info.value.code == "LATER_YEAR_CLOSED"
    with pytest.raises(FolioError) as info:
        fo.reopen_year(book.id, 2022)
    assert info.value.code == "FISCAL_YEAR_FINAL"
    with pytest.raises(FolioError) as info:
        fo.reopen_year(book.id, 2023)
    assert info.value.code == "FISCAL_YEAR_OPEN"


def test_a_year_that_has_not_ended_cannot_be_closed(fo: Folio) -> None:
    made = make_book(fo, chart="skr04", entries_start=date(2026, 1, 1))
    preview = fo.close_preview(made.id, 2026)
    assert [b.code for b in preview.blockers] == ["FISCAL_YEAR_NOT_ENDED"]
    with pytest.raises(FolioError) as info:
        fo.close_year(made.id, 2026)
    assert info.value.code == "FISCAL_YEAR_NOT_ENDED"
    assert fo.years(made.id)[0].status is YearStatus.OPEN


def test_an_unbalanced_opening_set_stops_the_close(fo: Folio) -> None:
    made = make_book(fo, chart="skr04", entries_start=START)
    bank = ids(fo, made.id, "1800")["1800"]
    fo.set_opening_balance(made.id, bank, 50_000)  # 9000 now holds 500.00 credit
    preview = fo.close_preview(made.id, 2021)
    assert [b.code for b in preview.blockers] == ["OPENING_BALANCES_UNBALANCED"]
    with pytest.raises(FolioError) as info:
        fo.close_year(made.id, 2021)
    assert info.value.code == "OPENING_BALANCES_UNBALANCED"
    assert fo.years(made.id)[0].closing is None


def test_a_july_year_and_a_mid_year_conversion(fo: Folio) -> None:
    """Fiscal years from 07-01; the book converts on 2021-10-01 with year-to-date P&L."""
    made = make_book(fo, chart="skr04", entries_start=date(2021, 10, 1), fiscal_year_start="07-01")
    fo.book_opening_balances(
        made.id,
        None,
        [
            SetRow(1, 100_000, 0, ledger_number="1800"),
            SetRow(2, 0, 40_000, ledger_number="4400"),  # July to September's sales
            SetRow(3, 0, 60_000, ledger_number="2000"),
        ],
    )
    years = fo.years(made.id)
    assert (years[0].year.year, years[0].year.start, years[0].first_day) == (
        2021, date(2021, 7, 1), date(2021, 10, 1),
    )  # fmt: skip
    assert years[0].year.end == date(2022, 6, 30) and years[0].result == 40_000
    post(fo, made, "1800 D 10.00; 4400 C 10.00", on=date(2022, 6, 30))
    post(fo, made, "1800 D 20.00; 4400 C 20.00", on=date(2022, 7, 1))
    found = ids(fo, made.id, "4400", "2970")
    nxt = fo.year_figures(made.id, 2022).opening.values
    assert nxt[found["4400"]] == 0 and nxt[found["2970"]] == -41_000
    closing = fo.close_year(made.id, 2021)
    assert closing.result == 41_000
    with pytest.raises(FolioError) as info:
        post(fo, made, "1800 D 1.00; 4400 C 1.00", on=date(2022, 6, 30))
    assert info.value.code == "PERIOD_LOCKED"
    post(fo, made, "1800 D 1.00; 4400 C 1.00", on=date(2022, 7, 1))  # next year: open


def test_a_fiscal_year_from_the_29th_of_february(fo: Folio) -> None:
    made = make_book(fo, chart="skr04", entries_start=date(2024, 2, 29), fiscal_year_start="02-29")
    assert [y.year.year for y in fo.years(made.id)] == [2024, 2025, 2026]  # through today
    years = [(fy.start, fy.end) for fy in (fiscal_year(made, y) for y in range(2024, 2028))]
    assert years == [
        (date(2024, 2, 29), date(2025, 2, 27)),
        (date(2025, 2, 28), date(2026, 2, 27)),
        (date(2026, 2, 28), date(2027, 2, 27)),
        (date(2027, 2, 28), date(2028, 2, 28)),
    ]
    post(fo, made, "1800 D 5.00; 4400 C 5.00", on=date(2025, 2, 27))
    post(fo, made, "1800 D 7.00; 4400 C 7.00", on=date(2025, 2, 28))
    retained = ids(fo, made.id, "2970")["2970"]
    assert fo.year_figures(made.id, 2025).opening.values[retained] == -500
    assert fo.year_figures(made.id, 2026).opening.values[retained] == -1_200


def test_the_balance_sheet_carries_earlier_results_in_retained_earnings(fo: Folio, book) -> None:
    sheet = fo.read(
        lambda uow: reports.balance_sheet(
            uow, book.id, as_of=date(2022, 12, 31), compare=reports.Compare.PREVIOUS_YEAR
        )
    )
    assert sheet.balanced and sheet.previous_as_of == date(2021, 12, 31)
    equity = {row.number or row.computed: row for g in sheet.equity.groups for row in g.rows}
    assert (equity["2970"].amount, equity["2970"].previous) == (150_000, 0)
    assert (sheet.current_year_earnings, equity["current_year_earnings"].previous) == (
        30_000,
        150_000,
    )
    assert "retained_earnings" not in equity  # the ledger shows it
    assert sheet.assets.total == sheet.total_liabilities_and_equity == 1_180_000
    assert sheet.assets.previous_total == sheet.previous_total_liabilities_and_equity == 1_150_000

    statement = fo.read(
        lambda uow: reports.income_statement(
            uow, book.id, year=2022, compare=reports.Compare.PREVIOUS_YEAR
        )
    )
    assert (statement.net_income_total, statement.net_income_previous) == (30_000, 150_000)
    assert (statement.previous_from, statement.previous_to) == (
        date(2021, 1, 1),
        date(2021, 12, 31),
    )
