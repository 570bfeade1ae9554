"""Amounts a program hands the library are ints of minor units, on both engines: a float, a
bool, a Decimal or text is `InvalidAmount` (or its row's problem) naming the field, and
nothing is booked. Before, `1.5` was booked as it was (SQLite stored the REAL 1.5 and the
ledger's totals became fractional), `True` was booked as 1 and broke `verify`, and a Decimal
or text ended in a TypeError from the hash or a comparison."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from folio.domain.errors import (
    BatchRejected,
    InvalidAmount,
    InvalidBalanceEntry,
    InvalidEntry,
    OpenItemProblems,
)
from folio.domain.ledgers import Side
from folio.domain.opening_balances import SetRow
from folio.domain.parties import PartyKind
from folio.service import open_items, parties
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.runner import SYSTEM
from tests.builders import START, make_book, make_ledgers

NOT_INTS = [1.5, True, Decimal("1.50"), "150"]


def _entry(bank: str, sales: str, debit: object, credit: object) -> EntryCreate:
    lines = [
        LineInput(Side.DEBIT, debit, ledger_id=bank),  # type: ignore[arg-type]
        LineInput(Side.CREDIT, credit, ledger_id=sales),  # type: ignore[arg-type]
    ]
    return EntryCreate(date(2025, 3, 1), lines)


def _message(field: str, value: object) -> str:
    return (
        f"{field} must be an int of minor units (1050 for 10.50), not {value!r} "
        f"({type(value).__name__}); read written amounts with folio.domain.money.parse_minor."
    )


@pytest.mark.parametrize("value", NOT_INTS, ids=lambda v: type(v).__name__)
def test_every_library_call_taking_an_amount_refuses_what_is_no_int(
    fo: Folio, value: object
) -> None:
    book = make_book(fo, chart="skr04")  # with a customers' control ledger for the open item
    bank, sales = (fo.ledger_by_number(book.id, n).id for n in ("1800", "4000"))
    refusals: dict[str, Callable[[], object]] = {
        "lines[1].amount": lambda: fo.post_entry(book.id, _entry(bank, sales, 150, value)),
        "amount": lambda: fo.set_opening_balance(book.id, bank, value),  # type: ignore[arg-type]
    }
    for field, call in refusals.items():
        with pytest.raises(InvalidAmount) as info:
            call()
        assert info.value.data == {"field": field, "value": repr(value)}
        assert info.value.message == _message(field, value)
    with pytest.raises(BatchRejected) as batch:
        fo.post_entries(book.id, [_entry(bank, sales, 150, 150), _entry(bank, sales, value, 150)])
    [problem] = batch.value.data["errors"]
    assert (problem["index"], problem["code"], problem["field"]) == (
        1, "INVALID_AMOUNT", "entries[1].lines[0].amount",
    )  # fmt: skip
    [outcome] = fo.set_opening_balances(book.id, {bank: value})  # type: ignore[dict-item]
    assert isinstance(outcome, InvalidAmount) and outcome.data["field"] == "amount"
    rows = [SetRow(1, 150, 0, ledger_number="1800"), SetRow(2, 0, value, ledger_number="4000")]  # type: ignore[arg-type]
    with pytest.raises(InvalidBalanceEntry) as opening:
        fo.book_opening_balances(book.id, None, rows)
    [row] = opening.value.data["rows"]
    assert (row["row"], row["message"]) == (2, "row 2: " + _message("credit", value))
    customer = fo.write(
        lambda uow: parties.create_party(
            uow, book.id, parties.PartyCreate(PartyKind.CUSTOMER, "Kunde"), SYSTEM
        )
    )
    item = open_items.ItemInput(1, customer.id, None, "RE-1", START, None, value, path="items[0]")  # type: ignore[arg-type]
    with pytest.raises(OpenItemProblems) as itemized:
        fo.write(lambda uow: open_items.add_open_items(uow, book.id, [item], SYSTEM))
    [bad] = itemized.value.data["rows"]
    assert (bad["path"], bad["message"]) == (
        "items[0].amount",
        "row 1 (items[0]): " + _message("amount", value),
    )
    assert fo.entries(book.id, limit=10) == []
    assert (fo.balance(book.id, bank).debits, fo.balance(book.id, sales).credits) == (0, 0)
    assert fo.verify(book.id).ok


def test_a_side_that_is_no_side_is_named(fo: Folio) -> None:
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    bank, sales = (fo.ledger_by_number(book.id, n).id for n in ("1000", "4000"))
    lines = [LineInput("debit", 100, bank), LineInput(Side.CREDIT, 100, sales)]  # type: ignore[arg-type]
    with pytest.raises(InvalidEntry) as info:
        fo.post_entry(book.id, EntryCreate(date(2025, 3, 1), lines))
    assert info.value.message == "lines[0].side must be Side.DEBIT or Side.CREDIT, not 'debit'."
    assert info.value.data == {"field": "lines[0].side", "index": 0}
    assert fo.entries(book.id, limit=10) == []
    assert fo.post_entry(book.id, _entry(bank, sales, 100, 100)).journal_number == 1
