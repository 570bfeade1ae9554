"""The library gives the reports the API, the CLI and the web show (both engines): a trial
balance with its opening column, a balance sheet with the previous year beside it, an income
statement by month and the aged receivables, in minor units; and refuses an option of the wrong
kind by its field (before: a comparison given as text silently left out, an interval as text a
KeyError, a date given as 0 or "" read as none, any truthy value as include_empty, an aged
report's date as text compared as text on SQLite)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from folio.domain.errors import InvalidInput
from folio.domain.parties import PartyKind
from folio.service.facade import Folio
from folio.service.open_items import ItemInput, add_open_items
from folio.service.parties import PartyCreate, create_party
from folio.service.reports import Compare, Interval
from folio.service.runner import SYSTEM
from tests.builders import make_book, post


@pytest.fixture
def book(fo: Folio) -> Any:
    book = make_book(fo, chart="skr04")
    fo.set_opening_balance(book.id, fo.ledger_by_number(book.id, "1800").id, 1_000_000)
    post(fo, book, "1800 D 500.00; 4400 C 500.00", on=date(2025, 3, 10))
    post(fo, book, "6300 D 120.00; 1800 C 120.00", on=date(2025, 5, 2))
    post(fo, book, "1800 D 80.00; 4400 C 80.00", on=date(2026, 2, 1))
    return book


def test_the_three_reports_in_minor_units(fo: Folio, book: Any) -> None:
    tb = fo.trial_balance(book.id, year=2025)
    bank = next(row for row in tb.rows if row.number == "1800")
    assert (bank.opening_balance, bank.debit, bank.credit, bank.closing) == (
        1_000_000, 50_000, 12_000, 1_038_000,
    )  # fmt: skip
    assert (tb.date_from, tb.date_to, tb.fiscal_year) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
        2025,
    )
    assert tb.totals.debit == tb.totals.credit == 62_000

    sheet = fo.balance_sheet(book.id, as_of=date(2026, 2, 28), compare=Compare.PREVIOUS_YEAR)
    assert (sheet.assets.total, sheet.assets.previous_total) == (1_046_000, 1_000_000)
    assert (sheet.current_year_earnings, sheet.retained_earnings) == (8_000, 38_000)
    assert sheet.assets.total == sheet.liabilities.total + sheet.equity.total
    assert sheet.previous_as_of == date(2025, 2, 28)

    income = fo.income_statement(
        book.id, date_from=date(2025, 1, 1), date_to=date(2025, 6, 30), interval=Interval.MONTH
    )
    assert [column.label for column in income.columns][:3] == ["2025-01", "2025-02", "2025-03"]
    assert income.net_income == (0, 0, 50_000, 0, -12_000, 0)
    assert income.net_income_total == 38_000
    assert fo.income_statement(book.id, year=2026).net_income_total == 8_000


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (lambda fo, b: fo.balance_sheet(b, compare="previous_year"), "compare",
         "compare must be one of Compare.PREVIOUS_YEAR, not 'previous_year'."),
        (lambda fo, b: fo.income_statement(b, interval="month"), "interval",
         "interval must be one of Interval.MONTH, Interval.QUARTER, Interval.YEAR, not 'month'."),
        (lambda fo, b: fo.trial_balance(b, include_empty="no"), "include_empty",
         "include_empty must be True or False, not 'no'."),
        (lambda fo, b: fo.trial_balance(b, date_to=0), "to",
         "to must be a datetime.date, not 0 (int)."),
        (lambda fo, b: fo.balance_sheet(b, as_of=""), "as_of",
         "as_of must be a datetime.date, not '' (str)."),
        (lambda fo, b: fo.income_statement(b, date_from="2025-01-01"), "from",
         "from must be a datetime.date, not '2025-01-01' (str)."),
        (lambda fo, b: fo.trial_balance(b, year="2025"), "year", None),
    ],
)  # fmt: skip
def test_an_option_of_the_wrong_kind_is_named(
    fo: Folio, book: Any, call: Any, field: str, message: str | None
) -> None:
    with pytest.raises(InvalidInput) as info:
        call(fo, book.id)
    assert info.value.data["field"] == field
    if message is not None:
        assert info.value.message == message


def test_the_aged_receivables_and_their_wrong_kinds(fo: Folio) -> None:
    book = make_book(fo, chart="skr04")
    customer = fo.write(
        lambda uow: create_party(uow, book.id, PartyCreate(PartyKind.CUSTOMER, "Kunde"), SYSTEM)
    )
    items = [
        ItemInput(1, customer.id, None, "RE-1", date(2024, 12, 1), date(2025, 1, 15), 95_000),
        ItemInput(2, customer.id, None, "RE-2", date(2024, 12, 20), date(2025, 3, 1), 20_000),
    ]
    fo.write(lambda uow: add_open_items(uow, book.id, items, SYSTEM))
    aged = fo.aged_report(book.id, PartyKind.CUSTOMER, date(2025, 2, 15))
    assert (aged.total, aged.ledger_balance) == (115_000, 115_000)
    assert {bucket: amount for bucket, amount in aged.buckets.items() if amount} == {
        "31_60": 95_000, "current": 20_000,
    }  # fmt: skip
    for call, field in (
        (lambda: fo.aged_report(book.id, "customer", date(2025, 2, 15)), "kind"),  # type: ignore[arg-type]
        (lambda: fo.aged_report(book.id, PartyKind.CUSTOMER, "2025-02-15"), "as_of"),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidInput) as info:
            call()
        assert info.value.data["field"] == field, info.value.message
