"""The library's files (both engines): a book's DATEV numbers set with `update_book`; a fiscal
year exported as DATEV's ZIP (`datev_export`) and booked into a fresh book (`datev_import`) with
the same trial balance; the same file twice refused; the journal as hledger text (`export`).
A value of the wrong kind is refused by its field and changes nothing (before: a format given
as "hledger" was written as beancount, a year as "2025" was refused only after the book's
DATEV settings, a file's text ended in hashlib's "Strings must be encoded before hashing")."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest

from folio.domain.books import Book
from folio.domain.errors import DatevFileImported, InvalidInput
from folio.domain.opening_balances import SetRow
from folio.domain.parties import PartyKind
from folio.service.exports import ExportFormat
from folio.service.facade import Folio
from folio.service.parties import PartyCreate
from tests.builders import make_book, post

START = date(2025, 1, 1)


def german_book(fo: Folio, name: str) -> Book:
    book = make_book(fo, chart="skr04", name=name, entries_start=START)
    return fo.update_book(book.id, datev_consultant_number=29098, datev_client_number=55003)


def figures(fo: Folio, book: Book) -> dict[str, tuple[int, int, int, int]]:
    report = fo.trial_balance(book.id, year=2025)
    return {
        row.number or row.ledger_id: (row.opening_balance, row.debit, row.credit, row.closing)
        for row in report.rows
        if row.opening_balance or row.debit or row.credit or row.closing
    }


def test_a_year_goes_to_datev_and_into_a_fresh_book_the_same(fo: Folio) -> None:
    book = german_book(fo, "Muster GmbH")
    assert (book.datev_consultant_number, book.datev_client_number) == (29098, 55003)
    renamed = fo.update_book(book.id, name="Muster AG")
    assert (renamed.name, renamed.datev_client_number) == ("Muster AG", 55003)  # left as it was
    fo.book_opening_balances(
        book.id, None, [SetRow(1, 500_000, 0, "0400"), SetRow(2, 0, 500_000, "2900")]
    )
    post(fo, book, "1800 D 119.00; 4400 C 100.00; 3806 C 19.00", date(2025, 3, 5))

    sink = io.BytesIO()
    exported = fo.datev_export(book.id, 2025, sink)
    assert exported.files == ["EXTF_Buchungsstapel_2025.csv", "EXTF_Kontenbeschriftungen_2025.csv"]
    # the two EB values, and the split entry as two rows (1800 against 4400 and 3806)
    assert (exported.bookings, exported.eb_bookings) == (4, 2)
    stapel = zipfile.ZipFile(sink).read("EXTF_Buchungsstapel_2025.csv")

    copy = german_book(fo, "Kopie GmbH")
    imported = fo.datev_import(copy.id, stapel)
    assert (imported.kind, imported.opening_rows) == ("buchungsstapel", 2)
    assert figures(fo, copy) == figures(fo, book)
    assert figures(fo, copy)["1800"] == (0, 11_900, 0, 11_900)
    with pytest.raises(DatevFileImported):
        fo.datev_import(copy.id, stapel)

    text = io.StringIO()
    fo.export(book.id, ExportFormat.HLEDGER, text)
    assert "2025-03-05" in text.getvalue() and "119.00 EUR" in text.getvalue()
    assert fo.update_book(book.id, datev_client_number=None).datev_client_number is None


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (lambda fo, b: fo.datev_export(b, "2025", io.BytesIO()), "year",
         "year must be an int such as 2025, not '2025' (str)."),
        (lambda fo, b: fo.datev_export(b, True, io.BytesIO()), "year",
         "year must be an int such as 2025, not True (bool)."),
        (lambda fo, b: fo.datev_export(b, 2025, "datev.zip"), "out",
         "out must be a binary file open for writing, not 'datev.zip'."),
        (lambda fo, b: fo.datev_import(b, "EXTF;700;21"), "data",
         "data must be the file's bytes (read it in binary mode), not str."),
        (lambda fo, b: fo.export(b, "hledger", io.StringIO()), "format",
         "format must be one of ExportFormat.HLEDGER, ExportFormat.BEANCOUNT, "
         "ExportFormat.DATEV, not 'hledger'."),
        (lambda fo, b: fo.update_book(b, datev_client_number=True), "datev_client_number",
         "datev_client_number (DATEV Mandantennummer) must be a whole number from 1 to 99999."),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_kind_is_named_and_changes_nothing(
    fo: Folio, call: Any, field: str, message: str
) -> None:
    book = german_book(fo, "Muster GmbH")
    post(fo, book, "1800 D 119.00; 4400 C 119.00", date(2025, 3, 5))
    before = (fo.get_book(book.id), [entry.id for entry in fo.entries(book.id)])
    with pytest.raises(InvalidInput) as info:
        call(fo, book.id)
    assert (info.value.data["field"], info.value.message) == (field, message)
    assert (fo.get_book(book.id), [entry.id for entry in fo.entries(book.id)]) == before


def test_a_wrong_year_is_refused_before_the_books_datev_settings(fo: Folio) -> None:
    """Before: a book without DATEV numbers answered DATEV_SETTINGS_MISSING to year "2025"."""
    book = make_book(fo, chart="skr04", entries_start=START)
    with pytest.raises(InvalidInput) as info:
        fo.datev_export(book.id, "2025", io.BytesIO())  # type: ignore[arg-type]
    assert info.value.data["field"] == "year"


def test_a_parties_file_without_a_tax_id_or_address_leaves_the_books(fo: Folio) -> None:
    """A Debitoren/Kreditoren row without them renames the party and keeps its tax id and
    address (KEEP: None would remove them)."""
    source = german_book(fo, "Quelle GmbH")
    fo.create_party(source.id, PartyCreate(PartyKind.CUSTOMER, "Alpha Neu"))
    sink = io.BytesIO()
    fo.datev_export(source.id, 2025, sink)
    people = zipfile.ZipFile(sink).read("EXTF_Debitoren_Kreditoren.csv")

    target = german_book(fo, "Ziel GmbH")
    alpha = fo.create_party(
        target.id,
        PartyCreate(PartyKind.CUSTOMER, "Alpha AG", tax_id="DE123456789", address="Weg 1"),
    )
    assert fo.datev_import(target.id, people).parties == 1
    after = fo.party(target.id, alpha.id)
    assert (after.number, after.name, after.tax_id, after.address) == (
        "10000", "Alpha Neu", "DE123456789", "Weg 1",
    )  # fmt: skip
