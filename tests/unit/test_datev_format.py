"""The EXTF 700 format as Folio writes and reads it: header fields, cp1252, TTMM, decimal
comma, CRLF, quoting, the split of multi-line entries."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from folio.domain import datev
from folio.domain import datev_reader as reader

HEADER = datev.Header(
    category=datev.BOOKINGS, created=datetime(2026, 2, 3, 4, 5, 6, 789000),
    consultant_number=29098, client_number=55003, fiscal_year_start=date(2025, 1, 1),
    account_length=4, description="Folio 2025", chart="skr04", date_from=date(2025, 1, 1),
    date_to=date(2025, 12, 31), locked=True, currency="EUR",
)  # fmt: skip


def test_header_fields() -> None:
    fields = HEADER.line().split(";")
    assert len(fields) == 31
    assert fields[:6] == ['"EXTF"', "700", "21", '"Buchungsstapel"', "13", "20260203040506789"]
    assert fields[10:22] == ["29098", "55003", "20250101", "4", "20250101", "20251231",
                             '"Folio 2025"', "", "1", "0", "1", '"EUR"']  # fmt: skip
    assert fields[26] == '"04"'
    accounts = datev.Header(
        category=datev.ACCOUNT_NAMES, created=HEADER.created, consultant_number=1001,
        client_number=1, fiscal_year_start=date(2025, 7, 1), account_length=5,
        description="x", chart="skr03",
    ).line().split(";")  # fmt: skip
    assert accounts[2:5] == ["20", '"Kontenbeschriftungen"', "3"]
    assert accounts[14:16] == ["", ""] and accounts[26] == '"03"'
    assert len(datev.column_line(datev.BOOKINGS).split(";")) == 125
    assert len(datev.BOOKING_COLUMNS) == 125


def test_booking_line_decimal_comma_ttmm_quotes() -> None:
    line = datev.booking_line(
        datev.Booking(123456, "H", "1800", "4400", date(2025, 3, 5), 'RE "1"',
                      "x" * 70, locked=True, reversal=True, due=date(2025, 4, 4)),
        2,
    ).split(";")  # fmt: skip
    assert line[0] == "1234,56" and line[1] == '"H"' and line[9] == "0503"
    assert line[10] == '"RE ""1"""'
    assert line[13] == '"' + "x" * 60 + '"'
    column = {name: i for i, name in enumerate(datev.BOOKING_COLUMNS)}
    assert line[column["Festschreibung"]] == "1"
    assert line[column["Generalumkehr"]] == '"1"'
    assert line[column["Fälligkeit"]] == "04042025"
    assert datev.amount(5, 2) == "0,05" and datev.amount(100, 0) == "100"
    assert datev.amount(100000000, 2) == "1000000,00"  # no thousands separator


def test_cp1252_holds_umlauts_and_the_euro_and_replaces_the_rest() -> None:
    assert datev.encode("Ä ö ß €\r\n") == b"\xc4 \xf6 \xdf \x80\r\n"
    assert datev.encode("ﬁ 中") == b"fi ?"


def test_reader_reads_what_the_writer_wrote() -> None:
    booking = datev.Booking(119_00, "S", "1800", "4400", date(2025, 12, 31), "RE-1", "Büro €")
    text = datev.encode(
        HEADER.line()
        + "\r\n"
        + datev.column_line(21)
        + "\r\n"
        + datev.booking_line(booking, 2)
        + "\r\n"
    ).decode("cp1252")
    assert text.count("\r\n") == 3
    rows = list(reader.rows_of(text))
    header = reader.read_header(rows[0][1])
    columns = reader.booking_columns(rows[1][1])
    row = reader.read_booking(3, rows[2][1], columns, header, 2)
    assert isinstance(row, reader.BookingRow)
    got = (row.amount, row.side, row.account, row.contra, row.day, row.document, row.description)
    assert got == (11900, "S", "1800", "4400", date(2025, 12, 31), "RE-1", "Büro €")


def test_ttmm_takes_its_year_from_the_header_range() -> None:
    header = reader.ExtfHeader(21, "1", "1", date(2025, 7, 1), 4, date(2025, 7, 1),
                               date(2026, 6, 30), "EUR", False)  # fmt: skip
    columns = reader.booking_columns(list(datev.BOOKING_COLUMNS))
    fields = ["1,00", "S", "", "", "", "", "1800", "4400", "", "0301"]
    row = reader.read_booking(3, fields, columns, header, 2)
    assert isinstance(row, reader.BookingRow) and row.day == date(2026, 1, 3)
    fields[9] = "3006"
    row = reader.read_booking(3, fields, columns, header, 2)
    assert isinstance(row, reader.BookingRow) and row.day == date(2026, 6, 30)
    fields[9] = "3102"
    problems = reader.read_booking(3, fields, columns, header, 2)
    assert isinstance(problems, list) and problems[0].field == "Belegdatum"


@given(st.lists(st.integers(1, 10**9), min_size=1, max_size=6),
       st.lists(st.integers(1, 10**9), min_size=1, max_size=6))  # fmt: skip
def test_split_pairs_spends_every_line_exactly(debits: list[int], credits: list[int]) -> None:
    total = sum(debits) - sum(credits)
    (credits if total > 0 else debits).append(abs(total)) if total else None
    lines = [("debit", d) for d in debits] + [("credit", c) for c in credits]
    pairs = datev.split_pairs(lines)
    for index, (_, value) in enumerate(lines):
        assert sum(a for d, c, a in pairs if index in (d, c)) == value
    assert len(pairs) <= len(lines) - 1
    assert all(lines[d][0] == "debit" and lines[c][0] == "credit" for d, c, _ in pairs)


def test_split_of_a_two_line_entry_is_one_pair() -> None:
    assert datev.split_pairs([("credit", 5), ("debit", 5)]) == [(1, 0, 5)]
    with pytest.raises(ValueError):
        datev.split_pairs([("debit", 5), ("credit", 4)])


def test_balance_list_with_indicator_columns_and_signs() -> None:
    text = (
        "Muster GmbH;Summen- und Saldenliste 12/2024\r\n"
        "Konto;Beschriftung;EB-Wert;;Soll;Haben;Saldo;\r\n"
        "400;Technische Anlagen;40.000,00;S;10.000,00;0,00;50.000,00;S\r\n"
        "2000;Festkapital;25.000,00;H;0,00;0,00;25.000,00;H\r\n"
        "1800;Bank;;;;;-1,50;\r\n"
        "Summe Klasse 0;;;;;;;\r\n"
        "12x;Kaputt;;;;;1,00;S\r\n"
    )
    rows, problems, source = reader.read_balance_list(reader.rows_of(text), 2)
    assert source == "Saldo"
    assert [(r.line, r.number, r.value) for r in rows] == [
        (3, "400", 5_000_000),
        (4, "2000", -2_500_000),
        (5, "1800", -150),
    ]
    assert [(p.line, p.field) for p in problems] == [(7, "Konto")]


def test_a_booking_text_folio_cannot_store_is_a_problem_of_its_line() -> None:
    header = reader.ExtfHeader(21, "1", "1", date(2025, 1, 1), 4, date(2025, 1, 1),
                               date(2025, 12, 31), "EUR", False)  # fmt: skip
    columns = reader.booking_columns(list(datev.BOOKING_COLUMNS))
    fields = [""] * len(datev.BOOKING_COLUMNS)
    cells = {"amount": "1,00", "side": "S", "account": "1800", "contra": "4400",
             "date": "0301", "document": "RE\x001", "text": "B\udcfcro"}  # fmt: skip
    for key, value in cells.items():
        fields[columns[key]] = value
    problems = reader.read_booking(7, fields, columns, header, 2)
    assert isinstance(problems, list)
    assert [(p.line, p.field) for p in problems] == [(7, "Belegfeld 1"), (7, "Buchungstext")]
    assert "contains a NUL character" in problems[0].message
    assert problems[1].message.startswith("line 7: Buchungstext contains U+DCFC, half of")
