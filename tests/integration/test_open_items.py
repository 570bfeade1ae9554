"""Customers, suppliers and their open items on both engines: booked as the control ledger's
opening balance, checked against a trial-balance set, settled in part and in full, aged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from folio.domain.errors import FolioError
from folio.domain.ledgers import Side
from folio.domain.opening_balances import OwnerSource, SetRow
from folio.domain.parties import PartyKind
from folio.service import aging, open_item_files, open_items, opening_state, parties
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.runner import SYSTEM
from tests.builders import make_book

START = date(2025, 1, 1)


def party(fo: Folio, book_id: str, kind: PartyKind, name: str, terms: int = 14) -> str:
    made = fo.write(
        lambda uow: parties.create_party(
            uow, book_id, parties.PartyCreate(kind, name, payment_terms_days=terms), SYSTEM
        )
    )
    return made.id


def items(fo: Folio, book_id: str, *wanted: tuple[str, str, date, date | None, int]) -> None:
    inputs = [
        open_items.ItemInput(i + 1, party_id, None, document, day, due, amount, path=f"items[{i}]")
        for i, (party_id, document, day, due, amount) in enumerate(wanted)
    ]
    fo.write(lambda uow: open_items.add_open_items(uow, book_id, inputs, SYSTEM))


def aged(fo: Folio, book_id: str, kind: PartyKind, on: date) -> aging.AgedReport:
    return fo.read(lambda uow: aging.aged_report(uow, book_id, kind, on))


def post(fo: Folio, book_id: str, on: date, *lines: LineInput) -> None:
    fo.post_entry(book_id, EntryCreate(date=on, lines=list(lines)))


@pytest.fixture
def book(fo: Folio):
    return make_book(fo, chart="skr04", entries_start=START)


def test_open_items_are_the_control_ledgers_opening_balance(fo: Folio, book) -> None:
    a = party(fo, book.id, PartyKind.CUSTOMER, "Alpha AG")
    b = party(fo, book.id, PartyKind.CUSTOMER, "Beta GmbH")
    numbers = [p.number for p in fo.read(lambda uow: uow.parties.search(book.id))]
    assert numbers == ["10000", "10001"]  # Debitoren from 10000
    items(fo, book.id, (a, "RE-1", date(2024, 12, 20), date(2025, 1, 31), 100_000),
          (b, "RE-2", date(2024, 11, 15), date(2024, 12, 15), 50_000))  # fmt: skip
    receivables = fo.ledger_by_number(book.id, "1200")
    assert receivables.balance == 150_000
    assert fo.ledger_by_number(book.id, "9008").balance == 150_000  # credit-normal equity
    openings = fo.opening_balances(book.id)
    row = next(r for r in openings.rows if r.ledger.id == receivables.id)
    assert (row.amount, row.owner and row.owner.source) == (150_000, OwnerSource.OPEN_ITEMS)
    assert not openings.balanced  # 9008 holds the items' other side until the set is booked

    with pytest.raises(FolioError) as info:
        fo.book_opening_balances(book.id, None, [SetRow(1, 140_000, 0, "1200"),
                                                 SetRow(2, 0, 140_000, "2000")])  # fmt: skip
    assert info.value.code == "OPEN_ITEMS_MISMATCH"
    assert info.value.data["ledgers"][0]["difference"] == "-100.00"
    set_ = fo.book_opening_balances(
        book.id, None, [SetRow(1, 150_000, 0, "1200"), SetRow(2, 0, 150_000, "2000")]
    )
    assert set_.event_count == 1  # 1200 is carried by its items, not booked again
    assert receivables.balance == fo.ledger_by_number(book.id, "1200").balance == 150_000
    assert fo.opening_balances(book.id).balanced
    with pytest.raises(FolioError) as info:
        fo.set_opening_balance(book.id, receivables.id, 1)
    assert info.value.code == "OPENING_BALANCES_EXIST"
    assert fo.verify(book.id).ok


def test_settling_in_part_and_in_full_and_the_aged_buckets(fo: Folio, book) -> None:
    a = party(fo, book.id, PartyKind.CUSTOMER, "Alpha AG")
    b = party(fo, book.id, PartyKind.CUSTOMER, "Beta GmbH", terms=30)
    items(fo, book.id, (a, "RE-1", date(2024, 12, 20), date(2025, 1, 31), 100_000),
          (b, "RE-2", date(2024, 11, 15), date(2024, 12, 15), 50_000))  # fmt: skip
    post(fo, book.id, date(2025, 2, 1),
         LineInput(Side.DEBIT, 60_000, ledger_number="1800"),
         LineInput(Side.CREDIT, 60_000, ledger_number="1200", party_id=a,
                   settles="RE-1"))  # fmt: skip
    post(fo, book.id, date(2025, 2, 3),  # a new invoice of the year: an item of its own
         LineInput(Side.DEBIT, 11_900, ledger_number="1200", party_id=b),
         LineInput(Side.CREDIT, 10_000, ledger_number="4400"),
         LineInput(Side.CREDIT, 1_900, ledger_number="3806"))  # fmt: skip
    report = aged(fo, book.id, PartyKind.CUSTOMER, date(2025, 2, 15))
    assert report.total == report.ledger_balance == 101_900
    assert report.buckets == {aging.Bucket.CURRENT: 11_900, aging.Bucket.DAYS_1_30: 40_000,
                              aging.Bucket.DAYS_31_60: 0, aging.Bucket.DAYS_61_90: 50_000,
                              aging.Bucket.OVER_90: 0}  # fmt: skip
    alpha = next(row for row in report.parties if row.party and row.party.id == a)
    assert [(s.document, s.original, s.open, s.days_overdue) for s in alpha.items] == [
        ("RE-1", 100_000, 40_000, 15)
    ]
    item_id = alpha.items[0].item_id
    post(fo, book.id, date(2025, 2, 20),
         LineInput(Side.DEBIT, 40_000, ledger_number="1800"),
         LineInput(Side.CREDIT, 40_000, ledger_number="1200", settles=item_id))  # fmt: skip
    after = aged(fo, book.id, PartyKind.CUSTOMER, date(2025, 2, 20))
    assert all(row.party is None or row.party.id != a for row in after.parties)  # settled
    assert after.total == after.ledger_balance == 61_900
    before = aged(fo, book.id, PartyKind.CUSTOMER, date(2025, 1, 1))
    assert before.total == before.ledger_balance == 150_000

    for wrong, code in ((LineInput(Side.CREDIT, 1, ledger_number="1800", settles=item_id),
                         "INVALID_SETTLEMENT"),
                        (LineInput(Side.CREDIT, 1, ledger_number="1200", party_id=b,
                                   settles="RE-1"), "INVALID_SETTLEMENT")):  # fmt: skip
        with pytest.raises(FolioError) as info:
            post(fo, book.id, date(2025, 3, 1), LineInput(Side.DEBIT, 1, ledger_number="1810"),
                 wrong)  # fmt: skip
        assert info.value.code == code
    assert fo.verify(book.id).ok


def test_bad_items_are_all_named_and_nothing_is_booked(fo: Folio, book) -> None:
    a = party(fo, book.id, PartyKind.CUSTOMER, "Alpha AG")
    with pytest.raises(FolioError) as info:
        items(fo, book.id, (a, "RE-1", date(2025, 2, 1), None, 100),
              ("pty_nothing", "RE-2", date(2024, 12, 1), None, 100),
              (a, "RE-3", date(2024, 12, 1), date(2024, 11, 1), 100),
              (a, "RE-4", date(2024, 12, 1), None, 0),
              (a, "RE-5", date(2024, 12, 1), None, 100),
              (a, "RE-5", date(2024, 12, 1), None, 100))  # fmt: skip
    assert info.value.code == "INVALID_OPEN_ITEM"
    assert [(r["row"], r["path"]) for r in info.value.data["rows"]] == [
        (1, "items[0].date"), (2, "items[1].party"), (3, "items[2].due_date"),
        (4, "items[3].amount"), (6, "items[5].document_number"),
    ]  # fmt: skip
    assert fo.ledger_by_number(book.id, "1200").balance == 0
    assert (
        fo.read(
            lambda uow: uow.open_items.of_ledger(book.id, fo.ledger_by_number(book.id, "1200").id)
        )
        == []
    )


def test_more_items_book_the_ledger_again_with_one_owner(fo: Folio, book) -> None:
    s = party(fo, book.id, PartyKind.SUPPLIER, "Lieferant KG")
    items(fo, book.id, (s, "ER-1", date(2024, 12, 1), None, 30_000))
    items(fo, book.id, (s, "ER-2", date(2024, 12, 5), None, 20_000))
    payables = fo.ledger_by_number(book.id, "3300")
    assert payables.balance == 50_000
    assert fo.ledger_by_number(book.id, "9009").balance == -50_000
    owners = fo.read(lambda uow: uow.openings.live(book.id, [payables.id]))
    assert len(owners) == 1 and owners[0].source is OwnerSource.OPEN_ITEMS
    rows = fo.read(lambda uow: opening_state.ledger_opening(uow, book.id, payables.id))
    assert rows.amount == 50_000
    report = aged(fo, book.id, PartyKind.SUPPLIER, date(2025, 1, 1))
    assert report.total == report.ledger_balance == 50_000
    assert fo.verify(book.id).ok


def test_an_opos_list_from_a_german_csv_creates_its_parties(
    fo: Folio, book, tmp_path: Path
) -> None:
    path = tmp_path / "opos.csv"
    path.write_bytes(
        "Konto;Name;Belegnummer;Belegdatum;Fälligkeit;Betrag\n"
        "10100;Müller & Söhne;RE-77;15.12.2024;14.01.2025;1.190,00\n"
        "10100;Müller & Söhne;RE-78;20.12.2024;;59,50\n".encode("cp1252")
    )
    parsed = open_item_files.read_open_items(path, 2)
    assert parsed.problems == []
    booked = fo.write(
        lambda uow: open_items.import_open_items(
            uow, book.id, PartyKind.CUSTOMER, parsed.items, parsed.names, SYSTEM
        )
    )
    assert [(i.document_number, i.amount, i.due_date) for i in booked.items] == [
        ("RE-77", 119_000, date(2025, 1, 14)),
        ("RE-78", 5_950, date(2024, 12, 20)),  # no due date: date plus the terms (0 days)
    ]
    made = fo.read(lambda uow: uow.parties.by_number(book.id, "10100"))
    assert made is not None and made.name == "Müller & Söhne"
    assert fo.ledger_by_number(book.id, "1200").balance == 124_950


amounts = st.integers(min_value=1, max_value=50_000)


@settings(max_examples=15)
@given(
    opening=st.lists(st.tuples(st.integers(0, 2), st.integers(-60, 0), amounts), max_size=5),
    moves=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 200), amounts, st.booleans(), st.booleans()),
        max_size=10,
    ),
    days=st.lists(st.integers(-10, 260), min_size=1, max_size=6),
)
def test_the_buckets_add_up_to_the_control_ledger_on_every_date(
    fo: Folio,
    opening: list,
    moves: list,
    days: list[int],  # type: ignore[type-arg]
) -> None:
    """Random items, invoices and payments (some naming an item, some not); on any date, the
    aged report's buckets add up to the receivables ledger's balance, and each customer's items
    are the ledger's items of that customer."""
    book = make_book(fo, chart="skr04", entries_start=START)
    customers = [
        party(fo, book.id, PartyKind.CUSTOMER, f"Kunde {i}", terms=i * 10) for i in range(3)
    ]
    if opening:
        items(fo, book.id, *[
            (customers[c], f"OP-{n}", date.fromordinal(START.toordinal() + d), None, amount)
            for n, (c, d, amount) in enumerate(opening)
        ])  # fmt: skip
    documents = [f"OP-{n}" for n in range(len(opening))]
    for c, day, amount, is_payment, settle in moves:
        on = date.fromordinal(START.toordinal() + day)
        customer = customers[c]
        target = next((d for n, d in enumerate(documents) if opening[n][0] == c), None)
        line = LineInput(Side.CREDIT if is_payment else Side.DEBIT, amount, ledger_number="1200",
                         party_id=customer,
                         settles=target if settle and target else None)  # fmt: skip
        other = LineInput(Side.DEBIT if is_payment else Side.CREDIT, amount, ledger_number="1800"
                          if is_payment else "4400")  # fmt: skip
        post(fo, book.id, on, line, other)
    for offset in days:
        on = date.fromordinal(START.toordinal() + offset)
        report = aged(fo, book.id, PartyKind.CUSTOMER, on)
        balance = fo.balance(book.id, fo.ledger_by_number(book.id, "1200").id, on).balance
        assert report.total == report.ledger_balance == balance
        assert sum(row.total for row in report.parties) == balance
        # A customer's items, read by their own lines and items, are the ledger's items of
        # that customer.
        _, every, _ = fo.read(lambda uow, on=on: aging.item_states(
            uow, book.id, PartyKind.CUSTOMER, on))  # fmt: skip
        for customer in customers:
            mine = fo.read(lambda uow, c=customer, on=on: aging.party_items(
                uow, book.id, c, on, include_settled=True))  # fmt: skip
            assert mine == [s for s in every if s.party is not None and s.party.id == customer]
    assert fo.verify(book.id).ok
