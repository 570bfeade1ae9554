"""The library's customers and suppliers and their open items (both engines): parties created,
listed, read and changed, numbered from their kind's range; open items booked as the control
ledger's opening balance and a party's items as of a date, settled ones too if asked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from folio.domain.errors import InvalidInput
from folio.domain.ledgers import Side
from folio.domain.parties import Party, PartyKind
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.open_items import ItemInput
from folio.service.parties import PartyCreate, PartyUpdate
from tests.builders import make_book

CUSTOMER, SUPPLIER = PartyKind.CUSTOMER, PartyKind.SUPPLIER
DEFAULT_RANGES = {CUSTOMER: (10000, 69999), SUPPLIER: (70000, 99999)}


@pytest.fixture
def book(fo: Folio) -> Any:
    return make_book(fo, chart="skr04")  # a German book: its ranges are enforced


def _numbers(found: list[Party]) -> list[str]:
    return [party.number for party in found]


def test_parties_are_numbered_from_their_ranges_listed_read_and_changed(
    fo: Folio, book: Any
) -> None:
    alpha = fo.create_party(
        book.id,
        PartyCreate(CUSTOMER, " Alpha AG ", tax_id="DE123456789", address="Hauptstr. 1",
                    payment_terms_days=14),
    )  # fmt: skip
    assert alpha == Party(alpha.id, book.id, CUSTOMER, "10000", "Alpha AG", "DE123456789",
                          "Hauptstr. 1", 14)  # fmt: skip
    beta = fo.create_party(book.id, PartyCreate(CUSTOMER, "Beta GmbH"))
    supplier = fo.create_party(book.id, PartyCreate(SUPPLIER, "Lieferant KG"))
    assert (beta.number, supplier.number) == ("10001", "70000")
    with pytest.raises(InvalidInput) as outside:
        fo.create_party(book.id, PartyCreate(CUSTOMER, "X", number="70001"))
    assert (outside.value.data["field"], outside.value.data["range"]) == ("number", [10000, 69999])

    assert fo.party(book.id, alpha.id) == alpha
    assert _numbers(fo.parties(book.id)) == ["10000", "10001", "70000"]
    assert _numbers(fo.parties(book.id, kind=SUPPLIER)) == ["70000"]
    assert _numbers(fo.parties(book.id, text="beta")) == ["10001"]
    assert _numbers(fo.parties(book.id, text="1000")) == ["10000", "10001"]
    assert _numbers(fo.parties(book.id, after="10000", limit=1)) == ["10001"]

    changed = fo.update_party(
        book.id, beta.id, PartyUpdate(name="Beta AG", payment_terms_days=30, archived=True)
    )
    assert changed == replace(beta, name="Beta AG", payment_terms_days=30, archived=True)
    assert fo.party(book.id, beta.id) == changed

    assert fo.party_numbers(book.id) == DEFAULT_RANGES
    with pytest.raises(InvalidInput) as narrower:
        fo.set_party_numbers(book.id, SUPPLIER, 80000, 89999)
    assert narrower.value.data["outside"] == ["70000"]
    ranges = fo.set_party_numbers(book.id, SUPPLIER, 70000, 79999)
    assert ranges == fo.party_numbers(book.id) == DEFAULT_RANGES | {SUPPLIER: (70000, 79999)}
    assert fo.create_party(book.id, PartyCreate(SUPPLIER, "Zweiter KG")).number == "70001"


def test_open_items_book_the_control_ledger_and_a_partys_items_as_of_a_date(
    fo: Folio, book: Any
) -> None:
    alpha = fo.create_party(book.id, PartyCreate(CUSTOMER, "Alpha AG", payment_terms_days=14))
    supplier = fo.create_party(book.id, PartyCreate(SUPPLIER, "Lieferant KG"))
    booked = fo.add_open_items(
        book.id,
        [ItemInput(1, alpha.id, None, "RE-1", date(2024, 12, 20), date(2025, 1, 31), 100_000),
         ItemInput(2, None, "10000", "RE-2", date(2024, 12, 21), None, 20_000)],
    )  # fmt: skip
    receivables = fo.ledger_by_number(book.id, "1200")
    assert [(i.document_number, i.due_date, i.amount) for i in booked.items] == [
        ("RE-1", date(2025, 1, 31), 100_000), ("RE-2", date(2025, 1, 4), 20_000),  # 14 days
    ]  # fmt: skip
    assert [ledger.id for ledger in booked.ledgers] == [receivables.id]
    assert fo.balance(book.id, receivables.id).balance == 120_000
    assert fo.opening_balance(book.id, receivables.id).amount == 120_000
    assert fo.ledger_by_number(book.id, "9008").balance == 120_000  # the items' other side

    fo.post_entry(
        book.id,
        EntryCreate(date(2025, 2, 1), [
            LineInput(Side.DEBIT, 100_000, ledger_number="1800"),
            LineInput(Side.CREDIT, 100_000, ledger_number="1200", party_id=alpha.id,
                      settles=booked.items[0].id),
        ]),
    )  # fmt: skip
    assert fo.balance(book.id, receivables.id).balance == 20_000

    def states(**options: Any) -> list[tuple[str, int, int, int]]:
        found = fo.party_items(book.id, alpha.id, **options)
        return [(s.document, s.original, s.open, s.days_overdue) for s in found]

    assert states(as_of=date(2025, 1, 31)) == [
        ("RE-2", 20_000, 20_000, 27), ("RE-1", 100_000, 100_000, 0),  # by due date
    ]  # fmt: skip
    assert states(as_of=date(2025, 2, 15)) == [("RE-2", 20_000, 20_000, 42)]
    assert states(as_of=date(2025, 2, 15), include_settled=True) == [
        ("RE-2", 20_000, 20_000, 42), ("RE-1", 100_000, 0, 15),
    ]  # fmt: skip
    assert fo.party_items(book.id, alpha.id) == fo.party_items(
        book.id, alpha.id, as_of=date.today()
    )
    assert fo.party_items(book.id, supplier.id, include_settled=True) == []
    assert fo.verify(book.id).ok
