"""DATEV round trip on both engines: a book exported year by year (EXTF Buchungsstapel) and
imported into a fresh book gives the identical trial balance per ledger and year; the same
file twice is refused; a bad file books nothing and names every bad line."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from folio.domain import datev_reader as reader
from folio.domain.books import Book
from folio.domain.errors import DatevFileImported, InvalidInput
from folio.domain.journal import PostingMode
from folio.domain.ledgers import Side
from folio.domain.opening_balances import SetRow
from folio.domain.parties import PartyKind
from folio.service.aging import aged_report
from folio.service.books import update_book
from folio.service.datev_export import export_year
from folio.service.datev_import import import_datev
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.open_items import ItemInput, add_open_items
from folio.service.parties import PartyCreate, create_party
from folio.service.reports import trial_balance
from folio.service.runner import SYSTEM
from tests.builders import make_book, post

LEDGERS = ["0400", "1200", "1800", "3300", "3806", "4400", "6300", "2970"]
YEARS = (2025, 2026, 2027)


def datev_book(fo: Folio, name: str = "Muster GmbH") -> Book:
    book = make_book(fo, chart="skr04", name=name)
    fo.write(lambda uow: update_book(uow, book.id, SYSTEM, datev_consultant_number=29098,
                                     datev_client_number=55003))  # fmt: skip
    return fo.get_book(book.id)


def stapel(fo: Folio, book: Book, year: int) -> bytes:
    sink = io.BytesIO()
    with fo.uow(write=False) as uow:
        export_year(uow, book.id, year, sink)
    return zipfile.ZipFile(sink).read(f"EXTF_Buchungsstapel_{year}.csv")


def balances(fo: Folio, book: Book, year: int) -> dict[str, tuple[int, int, int, int]]:
    report = fo.read(lambda uow: trial_balance(uow, book.id, year=year))
    return {
        row.number or row.ledger_id: (row.opening_balance, row.debit, row.credit, row.closing)
        for row in report.rows
        if row.opening_balance or row.debit or row.credit or row.closing
    }


def round_trip(fo: Folio, book: Book, years: tuple[int, ...] = YEARS) -> Book:
    fresh = datev_book(fo, "Kopie GmbH")
    for year in years:
        fo.write(lambda uow, y=year: import_datev(uow, fresh.id, stapel(fo, book, y), SYSTEM))
    for year in years:
        assert balances(fo, fresh, year) == balances(fo, book, year), year
    return fresh


def test_a_book_with_an_opening_set_reversals_and_split_entries(fo: Folio) -> None:
    book = datev_book(fo)
    fo.book_opening_balances(
        book.id, None,
        [SetRow(1, 5_000_000, 0, "0400"), SetRow(2, 1_000_000, 0, "1200"),
         SetRow(3, 0, 2_500_000, "2000"), SetRow(4, 0, 3_500_000, "2900")],
    )  # fmt: skip
    post(fo, book, "1800 D 119.00; 4400 C 100.00; 3806 C 19.00", date(2025, 3, 5))
    wrong = post(fo, book, "6300 D 50.00; 1800 C 50.00", date(2025, 6, 30))
    fo.reverse_entry(book.id, wrong.id, mode=PostingMode.ORIGINAL_PERIOD)
    post(fo, book, "1800 D 70.00; 1200 D 30.00; 4400 C 60.00; 4400 C 40.00", date(2025, 12, 31))
    post(fo, book, "6300 D 10.00; 1800 C 10.00", date(2026, 1, 1))
    post(fo, book, "1800 D 5.00; 4400 C 5.00", date(2027, 2, 28))
    fresh = round_trip(fo, book)
    assert fo.opening_balances(fresh.id).balanced
    text = stapel(fo, book, 2025).decode("cp1252")
    assert ';"1";' in text  # the reversal's Generalumkehr
    # A year's file holds its own year's bookings only: 2026's one entry after its EB values.
    rows = list(reader.rows_of(stapel(fo, book, 2026).decode("cp1252")))
    header = reader.read_header(rows[0][1])
    columns = reader.booking_columns(rows[1][1])
    read = [reader.read_booking(n, f, columns, header, 2) for n, f in rows[2:]]
    days = [r.day for r in read if isinstance(r, reader.BookingRow)]
    assert len(days) == len(read) and {d.year for d in days} == {2026}
    assert [r.document for r in read if isinstance(r, reader.BookingRow)][-1] != "EB"


def test_the_same_file_twice_is_refused(fo: Folio) -> None:
    book = datev_book(fo)
    post(fo, book, "1800 D 1.00; 4400 C 1.00", date(2025, 2, 1))
    data = stapel(fo, book, 2025)
    fresh = datev_book(fo, "Kopie")
    fo.write(lambda uow: import_datev(uow, fresh.id, data, SYSTEM))
    with pytest.raises(DatevFileImported) as refused:
        fo.write(lambda uow: import_datev(uow, fresh.id, data, SYSTEM))
    assert refused.value.data["sha256"] and len(fo.entries(fresh.id)) == 1


def test_every_bad_row_is_named_and_nothing_is_booked(fo: Folio) -> None:
    book = datev_book(fo)
    post(fo, book, "1800 D 1.00; 4400 C 1.00", date(2025, 2, 1))
    lines = stapel(fo, book, 2025).decode("cp1252").split("\r\n")
    good = lines[2].split(";")
    bad_amount = [good[0].replace(",", "."), *good[1:]]
    bad_account = [*good[:6], "77777777", *good[7:]]
    bad_date = [*good[:9], "3102", *good[10:]]
    data = "\r\n".join([*lines[:3], ";".join(bad_amount), ";".join(bad_account),
                        ";".join(bad_date), ""]).encode("cp1252")  # fmt: skip
    fresh = datev_book(fo, "Kopie")
    with pytest.raises(InvalidInput) as refused:
        fo.write(lambda uow: import_datev(uow, fresh.id, data, SYSTEM))
    rows = refused.value.data["rows"]
    assert [(r["line"], r["field"]) for r in rows] == [
        (4, "Umsatz"),
        (5, "Konto"),
        (6, "Belegdatum"),
    ]
    assert fo.entries(fresh.id) == []


amounts = st.integers(min_value=1, max_value=10_000_00)
lines_st = st.lists(
    st.tuples(st.sampled_from(LEDGERS), st.booleans(), amounts), min_size=1, max_size=4
)
entries_st = st.lists(
    st.tuples(
        st.sampled_from(YEARS), st.integers(1, 12), st.integers(1, 28), lines_st, st.booleans()
    ),
    max_size=12,
)


def _ledger_of(opening: tuple[str, int]) -> str:
    return opening[0]


# A named function, not a lambda: hypothesis describes a lambda by parsing this file's source
# (ast.parse), and on CPython 3.11.7 that parse failed once in CI with "SystemError: AST
# constructor recursion depth mismatch", a known fault of the AST constructor's depth counter
# (python/cpython#106905; what set it off in the worker was not found).
openings_st = st.lists(st.tuples(st.sampled_from(["0400", "1800", "3300"]), amounts), max_size=3,
                       unique_by=_ledger_of)  # fmt: skip


@settings(max_examples=8)
@given(openings=openings_st, entries=entries_st)
def test_round_trip_of_a_random_multi_year_book(
    fo: Folio, openings: list[tuple[str, int]], entries: list[tuple]
) -> None:
    book = datev_book(fo)
    if openings:
        rows = [SetRow(i + 1, value, 0, number) for i, (number, value) in enumerate(openings)]
        total = sum(value for _, value in openings)
        rows.append(SetRow(len(rows) + 1, 0, total, "2000"))
        fo.book_opening_balances(book.id, None, rows)
    for year, month, day, lines, reverse in entries:
        spec = []
        for number, debit, value in lines:
            # Each line is balanced by the bank, so every entry balances and may have 2-8 lines.
            spec += [f"{number} {'D' if debit else 'C'} {value / 100:.2f}",
                     f"1800 {'C' if debit else 'D'} {value / 100:.2f}"]  # fmt: skip
        made = post(fo, book, "; ".join(spec), date(year, month, day))
        if reverse:
            fo.reverse_entry(book.id, made.id, mode=PostingMode.ORIGINAL_PERIOD)
    # A year can be exported once it has begun: through today's or the latest entry's.
    last = max([date.today().year, *(entry[0] for entry in entries)])
    round_trip(fo, book, tuple(year for year in YEARS if year <= last))


def test_eb_values_that_leave_out_a_ledger_the_book_opens_are_refused(fo: Folio) -> None:
    book = datev_book(fo)
    rows = [
        SetRow(1, 500_00, 0, "0400"),
        SetRow(2, 200_00, 0, "1800"),
        SetRow(3, 0, 700_00, "2000"),
    ]
    fo.book_opening_balances(book.id, None, rows)
    post(fo, book, "1800 D 1.00; 4400 C 1.00", date(2026, 3, 1))
    fresh = datev_book(fo, "Kopie")
    fo.write(lambda uow: import_datev(uow, fresh.id, stapel(fo, book, 2025), SYSTEM))
    lines = stapel(fo, book, 2026).decode("cp1252").split("\r\n")
    without_0400 = [line for line in lines if ';"0400";' not in line and ";0400;" not in line]
    assert len(without_0400) == len(lines) - 1
    with pytest.raises(InvalidInput) as refused:
        fo.write(
            lambda uow: import_datev(
                uow, fresh.id, "\r\n".join(without_0400).encode("cp1252"), SYSTEM
            )
        )
    (problem,) = refused.value.data["rows"]
    assert problem["field"] == "Konto"
    assert "leave out ledger 0400" in problem["message"] and "500.00" in problem["message"]
    assert len(fo.entries(fresh.id)) == 3  # 2025's set only: nothing of 2026 was booked


def open_by_party(fo: Folio, book: Book, on: date) -> dict[str | None, tuple[int, dict[str, int]]]:
    """Per customer number: the open total, and the open amount of each opening item."""
    report = fo.read(lambda uow: aged_report(uow, book.id, PartyKind.CUSTOMER, on))
    return {
        row.party.number if row.party else None: (
            sum(item.open for item in row.items),
            {item.document: item.open for item in row.items if item.document.startswith("OP-")},
        )
        for row in report.parties
    }


customers_st = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 200), amounts), max_size=4
)  # opening items: (customer, days before the opening date, amount)
payments_st = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from((2025, 2026)),
        st.integers(1, 12),
        amounts,
        st.booleans(),
        st.booleans(),
    ),
    max_size=6,
)  # fmt: skip  (customer, year, month, amount, a payment (else an invoice), naming an item)


@settings(max_examples=8)
@given(opening=customers_st, moves=payments_st)
def test_round_trip_with_customers_and_their_open_items(
    fo: Folio, opening: list[tuple[int, int, int]], moves: list[tuple]
) -> None:
    """Customers, their opening items (EB per item against 9008), invoices and payments that
    settle items, over two years: the Debitoren/Kreditoren file and each year's Stapel imported
    into a fresh book give the same parties, trial balances, and open amount per customer and
    opening item at every year's end."""
    book = datev_book(fo)
    numbers = []
    for i in range(3):
        command = PartyCreate(PartyKind.CUSTOMER, f"Kunde {i}", tax_id=f"DE81156986{i}",
                              address=f"Weg {i}, 5066{i} Köln")  # fmt: skip
        made = fo.write(lambda uow, c=command: create_party(uow, book.id, c, SYSTEM))
        numbers.append(made)
    if opening:
        wanted = [
            ItemInput(n + 1, numbers[c].id, None, f"OP-{n}", date(2025, 1, 1) - timedelta(back),
                      date(2025, 1, 31), amount, path=f"items[{n}]")
            for n, (c, back, amount) in enumerate(opening)
        ]  # fmt: skip
        fo.write(lambda uow: add_open_items(uow, book.id, wanted, SYSTEM))
    for c, year, month, amount, payment, named in moves:
        target = next((f"OP-{n}" for n, o in enumerate(opening) if o[0] == c), None)
        party_line = LineInput(
            Side.CREDIT if payment else Side.DEBIT, amount, ledger_number="1200",
            party_id=numbers[c].id, settles=target if named and payment else None,
        )  # fmt: skip
        other = LineInput(Side.DEBIT if payment else Side.CREDIT, amount,
                          ledger_number="1800" if payment else "4400")  # fmt: skip
        fo.post_entry(book.id, EntryCreate(date=date(year, month, 15), lines=[party_line, other]))

    fresh = datev_book(fo, "Kopie GmbH")
    sink = io.BytesIO()
    with fo.uow(write=False) as uow:
        export_year(uow, book.id, 2025, sink)
    people = zipfile.ZipFile(sink).read("EXTF_Debitoren_Kreditoren.csv")
    fo.write(lambda uow: import_datev(uow, fresh.id, people, SYSTEM))
    years = (2025, 2026)
    for year in years:
        fo.write(lambda uow, y=year: import_datev(uow, fresh.id, stapel(fo, book, y), SYSTEM))
    copied = fo.read(lambda uow: uow.parties.search(fresh.id))
    assert [(p.number, p.name, p.tax_id, p.address) for p in copied] == [
        (p.number, p.name, p.tax_id, p.address) for p in numbers
    ]
    for year in years:
        assert balances(fo, fresh, year) == balances(fo, book, year), year
        end = date(year, 12, 31)
        assert open_by_party(fo, fresh, end) == open_by_party(fo, book, end), year
    assert fo.verify(fresh.id).ok
