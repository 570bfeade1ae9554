"""The library's customers and suppliers and their open items (both engines): parties created,
listed, read and changed, numbered from their kind's range; open items booked as the control
ledger's opening balance and a party's items as of a date, settled ones too if asked; and a
value of the wrong kind refused by its field, changing nothing (before: a tax id or address
given as a number, payment terms as text, a party id, filter or range bound of the wrong kind
ended in a TypeError or PostgreSQL's "operator does not exist"; payment terms of True or 1.5,
and a limit of 1.5, were taken as they were; an archived flag of "yes" ended in the driver's
"Not a boolean value")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from folio.domain.errors import InvalidInput, OpenItemProblems
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
    # "%" and "_" are the characters themselves, not LIKE's wildcards
    percent = fo.create_party(book.id, PartyCreate(CUSTOMER, "100% Bio_Markt"))
    assert _numbers(fo.parties(book.id, text="%")) == [percent.number]
    assert _numbers(fo.parties(book.id, text="o_m")) == [percent.number]
    assert fo.parties(book.id, text="1%") == []
    fo.update_party(book.id, percent.id, PartyUpdate(archived=True))

    changed = fo.update_party(
        book.id, beta.id, PartyUpdate(name=" Beta AG ", payment_terms_days=30, archived=True)
    )
    assert changed == replace(beta, name="Beta AG", payment_terms_days=30, archived=True)
    assert fo.party(book.id, beta.id) == changed

    # A tax id or an address is kept unless given, and given as None it is removed.
    kept = fo.update_party(book.id, alpha.id, PartyUpdate(payment_terms_days=7))
    assert (kept.tax_id, kept.address) == ("DE123456789", "Hauptstr. 1")
    cleared = fo.update_party(book.id, alpha.id, PartyUpdate(tax_id=None))
    assert (cleared.tax_id, cleared.address) == (None, "Hauptstr. 1")

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


Call = Callable[[Folio, str, str], object]


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (lambda fo, b, p: fo.create_party(b, PartyCreate(CUSTOMER, "K", tax_id=123)), "tax_id",
         "tax_id must be text (str), not 123 (int)."),
        (lambda fo, b, p: fo.create_party(b, PartyCreate(CUSTOMER, "K", number=10000)), "number",
         "number must be text (str) of digits, not 10000 (int)."),
        (lambda fo, b, p: fo.create_party(b, PartyCreate(CUSTOMER, "K", address=5)), "address",
         "address must be text (str), not 5 (int)."),
        (lambda fo, b, p: fo.create_party(b, PartyCreate(CUSTOMER, "K", payment_terms_days="30")),
         "payment_terms_days", "payment_terms_days must be an int of days, not '30'."),
        (lambda fo, b, p: fo.create_party(b, PartyCreate(CUSTOMER, "K", payment_terms_days=True)),
         "payment_terms_days", "payment_terms_days must be an int of days, not True."),
        (lambda fo, b, p: fo.create_party(b, PartyCreate(CUSTOMER, "K", payment_terms_days=1.5)),
         "payment_terms_days", "payment_terms_days must be an int of days, not 1.5."),
        (lambda fo, b, p: fo.update_party(b, p, PartyUpdate(archived="yes")), "archived",
         "archived must be True, False or None, not 'yes'."),
        (lambda fo, b, p: fo.update_party(b, p, PartyUpdate(tax_id=5)), "tax_id",
         "tax_id must be text (str), not 5 (int)."),
        (lambda fo, b, p: fo.update_party(b, p, PartyUpdate(payment_terms_days=True)),
         "payment_terms_days", "payment_terms_days must be an int of days, not True."),
        # refused before the party is read: not NOT_FOUND for a party that does not exist
        (lambda fo, b, p: fo.update_party(b, "pty_unknown", PartyUpdate(tax_id=5)), "tax_id",
         "tax_id must be text (str), not 5 (int)."),
        (lambda fo, b, p: fo.update_party(b, "pty_unknown", PartyUpdate(payment_terms_days="3")),
         "payment_terms_days", "payment_terms_days must be an int of days, not '3'."),
        (lambda fo, b, p: fo.update_party(b, 5, PartyUpdate(name="X")), "party_id",
         "party_id must be text (str), not 5 (int)."),
        (lambda fo, b, p: fo.party(b, 5), "party_id", "party_id must be text (str), not 5 (int)."),
        (lambda fo, b, p: fo.party(5, p), "book_id", "book_id must be text (str), not 5 (int)."),
        (lambda fo, b, p: fo.parties(b, kind="customer"), "kind",
         "kind must be one of PartyKind.CUSTOMER, PartyKind.SUPPLIER, not 'customer'."),
        (lambda fo, b, p: fo.parties(b, text=5), "text", "text must be text (str), not 5 (int)."),
        (lambda fo, b, p: fo.parties(b, after=7), "after",
         "after must be text (str), not 7 (int)."),
        (lambda fo, b, p: fo.parties(b, limit=-1), "limit",
         "limit must be an int of at least 1, not -1."),
        (lambda fo, b, p: fo.parties(b, limit=0), "limit",
         "limit must be an int of at least 1, not 0."),
        (lambda fo, b, p: fo.parties(b, limit=1.5), "limit",
         "limit must be an int of at least 1, not 1.5."),
        (lambda fo, b, p: fo.parties(b, limit=True), "limit",
         "limit must be an int of at least 1, not True."),
        (lambda fo, b, p: fo.party_numbers(5), "book_id",
         "book_id must be text (str), not 5 (int)."),
        (lambda fo, b, p: fo.set_party_numbers(b, "customer", 10000, 19999), "kind",
         "kind must be one of PartyKind.CUSTOMER, PartyKind.SUPPLIER, not 'customer'."),
        (lambda fo, b, p: fo.set_party_numbers(b, CUSTOMER, "1", 5), "first",
         "first must be an int (a party number), not '1'."),
        (lambda fo, b, p: fo.set_party_numbers(b, CUSTOMER, True, 69999), "first",
         "first must be an int (a party number), not True."),
        (lambda fo, b, p: fo.set_party_numbers(b, CUSTOMER, 10000, 69999.0), "last",
         "last must be an int (a party number), not 69999.0."),
        (lambda fo, b, p: fo.party_items(b, 5), "party_id",
         "party_id must be text (str), not 5 (int)."),
        (lambda fo, b, p: fo.party_items(b, p, as_of="2025-02-15"), "as_of",
         "as_of must be a datetime.date, not '2025-02-15' (str)."),
        (lambda fo, b, p: fo.party_items(b, p, include_settled="yes"), "include_settled",
         "include_settled must be True or False, not 'yes'."),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_kind_is_named_and_changes_nothing(
    fo: Folio, book: Any, call: Call, field: str, message: str
) -> None:
    party = fo.create_party(book.id, PartyCreate(CUSTOMER, "Kunde", payment_terms_days=14))

    def state() -> tuple[object, ...]:
        audit = fo.read(lambda uow: uow.audit.search(book.id, limit=1000))
        return fo.parties(book.id), fo.party_numbers(book.id), len(audit)

    before = state()
    with pytest.raises(InvalidInput) as info:
        call(fo, book.id, party.id)
    assert info.value.code == "INVALID_INPUT"
    assert (info.value.data["field"], info.value.message) == (field, message)
    assert state() == before


@pytest.mark.parametrize(
    ("party_id", "party_number", "message"),
    [
        (5, None, "party_id must be text (str), not 5 (int)."),
        (["pty"], None, "party_id must be text (str), not ['pty'] (list)."),
        (None, 10000, "party_number must be text (str), not 10000 (int)."),
    ],
)
def test_an_open_item_naming_its_party_by_a_wrong_kind_is_its_rows_problem(
    fo: Folio, book: Any, party_id: object, party_number: object, message: str
) -> None:
    """Before: PostgreSQL's "operator does not exist: character varying = integer" for a number,
    on SQLite "no customer or supplier 5"; a list ended in "unhashable type"."""
    party = fo.create_party(book.id, PartyCreate(CUSTOMER, "Kunde"))
    receivables = fo.ledger_by_number(book.id, "1200")
    good = ItemInput(1, party.id, None, "RE-1", date(2024, 12, 1), None, 100)
    wrong = ItemInput(2, party_id, party_number, "RE-2", date(2024, 12, 1), None, 100,  # type: ignore[arg-type]
                      path="items[1]")  # fmt: skip
    unknown = ItemInput(3, "pty_nothing", None, "RE-3", date(2024, 12, 1), None, 100)
    with pytest.raises(OpenItemProblems) as info:
        fo.add_open_items(book.id, [good, wrong, unknown])
    assert [(r["row"], r["path"], r["account"], r["message"]) for r in info.value.data["rows"]] == [
        (2, "items[1].party_id" if party_number is None else "items[1].party_number", None,
         f"row 2 (items[1]): {message}"),
        (3, None, "pty_nothing", "row 3: no customer or supplier pty_nothing"),
    ]  # fmt: skip
    assert fo.balance(book.id, receivables.id).balance == 0
    assert fo.party_items(book.id, party.id, as_of=date(2025, 1, 1), include_settled=True) == []
    assert fo.entries(book.id) == []


@pytest.mark.parametrize(
    ("items", "field", "message"),
    [
        ({"party_id": "pty"}, "items", "items must be a list of ItemInput, not dict."),
        ("RE-1", "items", "items must be a list of ItemInput, not str."),
        ([("pty", "RE-1", 100)], "items[0]",
         "items[0] must be an ItemInput, not ('pty', 'RE-1', 100)."),
    ],
)  # fmt: skip
def test_open_items_of_the_wrong_shape_are_refused_and_nothing_is_booked(
    fo: Folio, book: Any, items: object, field: str, message: str
) -> None:
    """Before: a dict or text ended in AttributeError ('str' object has no attribute
    'party_id'), a tuple likewise."""
    receivables = fo.ledger_by_number(book.id, "1200")
    with pytest.raises(InvalidInput) as info:
        fo.add_open_items(book.id, items)  # type: ignore[arg-type]
    assert (info.value.data["field"], info.value.message) == (field, message)
    assert fo.balance(book.id, receivables.id).balance == 0
    assert fo.entries(book.id) == []
