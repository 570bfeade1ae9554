"""`folio opening-balances import|show` with CSV, XLSX and German CSV, on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from folio.cli.main import app
from folio.service.facade import Folio
from tests.builders import make_book

SEED_CSV = (
    "number,name,debit,credit\n"
    "0400,Technische Anlagen und Maschinen,50000.00,0\n"
    "1200,Forderungen aus Lieferungen und Leistungen,10000.00,0\n"
    "2000,Festkapital,0,25000.00\n"
    "2900,Gezeichnetes Kapital,0,35000.00\n"
)
GERMAN_CSV = (
    "Konto;Bezeichnung;Soll;Haben\n"
    "0400;Technische Anlagen und Maschinen;50.000,00;\n"
    "1200;Forderungen aus Lieferungen und Leistungen;10.000,50;\n"
    "2000;Festkapital;;25.000,00\n"
    "2900;Gezeichnetes Kapital;;35.000,50\n"
)
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def book(fo: Folio):
    return make_book(fo, chart="skr04")


def test_csv_import_books_the_set(fo: Folio, book, db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "tb.csv"
    path.write_text(SEED_CSV)
    code, output = invoke("opening-balances", "import", book.id, str(path), "--database", db_url)
    assert code == 0, output
    assert "Booked 4 opening balances on 2025-01-01" in output
    assert "60000.00" in output
    assert fo.ledger_by_number(book.id, "1200").balance == 1000000
    assert fo.ledger_by_number(book.id, "9000").balance == 0
    code, output = invoke("opening-balances", "show", book.id, "--database", db_url)
    assert code == 0, output
    assert "60000.00" in output and "balanced" in output and "0400" in output
    assert "on 2025-01-01" in output
    assert [line.split("│")[5].strip() for line in output.splitlines() if "0400" in line] == ["set"]


def test_a_date_off_the_opening_date_is_refused(
    fo: Folio, book, db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "tb.csv"
    path.write_text(SEED_CSV)
    code, output = invoke(
        "opening-balances", "import", book.id, str(path), "--date", "2026-01-01",
        "--database", db_url,
    )  # fmt: skip
    assert code == 1, output
    assert "2025-01-01" in output and "carried forward" in output
    assert fo.entries(book.id) == []


def test_german_csv_with_decimal_commas(fo: Folio, book, db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "eb-werte.csv"
    path.write_bytes(GERMAN_CSV.encode("cp1252"))
    code, output = invoke(
        "opening-balances",
        "import",
        book.id,
        str(path),
        "--date",
        "2025-01-01",
        "--database",
        db_url,
    )
    assert code == 0, output
    assert fo.ledger_by_number(book.id, "1200").balance == 1000050
    assert fo.ledger_by_number(book.id, "2900").balance == 3500050


def test_a_file_in_neither_utf8_nor_cp1252_is_refused_with_its_line(
    fo: Folio, book, db_url: str, tmp_path: Path
) -> None:
    """Byte 0x81 is no character in UTF-8 (here) nor in Windows-1252: the file is in some
    other encoding. It stopped the reading with a traceback; now the command names the byte
    and its line, exits 1 and books nothing. A Windows-1252 file still reads ('Kässe')."""
    path = tmp_path / "eb-werte.csv"
    path.write_bytes(GERMAN_CSV.encode("cp1252").replace(b"Festkapital", b"Fest\x81kapital"))
    code, output = invoke("opening-balances", "import", book.id, str(path), "--database", db_url)
    assert code == 1, output
    assert "INVALID_INPUT" in output and "byte 0x81 on line 4" in output
    assert fo.entries(book.id) == []
    path.write_bytes(GERMAN_CSV.replace("Festkapital", "Kässe").encode("cp1252"))
    code, output = invoke("opening-balances", "import", book.id, str(path), "--database", db_url)
    assert code == 0, output
    assert fo.ledger_by_number(book.id, "1200").balance == 1000050


def test_xlsx_import(fo: Folio, book, db_url: str, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Konto", "Bezeichnung", "Soll", "Haben"])
    sheet.append([400, "Technische Anlagen", 50000.1, None])  # numeric cell, leading zero lost
    sheet.append(["1200", "Forderungen", 9999.9, 0])
    sheet.append(["2000", "Festkapital", None, 60000])
    path = tmp_path / "tb.xlsx"
    workbook.save(path)
    code, output = invoke("opening-balances", "import", book.id, str(path), "--database", db_url)
    assert code == 0, output
    assert fo.ledger_by_number(book.id, "0400").balance == 5000010
    assert fo.ledger_by_number(book.id, "1200").balance == 999990
    assert fo.ledger_by_number(book.id, "2000").balance == 6000000


def test_bad_rows_are_all_reported_and_nothing_is_booked(
    fo: Folio, book, db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "number,name,debit,credit\n"
        "0400,Anlagen,50000.00,0\n"
        "1200,Forderungen,10.005,0\n"  # line 3: three decimals
        "4000,Umsatzerlöse,0,100.00\n"  # line 4: revenue
        "0001,Unknown,100.00,0\n"  # line 5: no such account
        "2000,Festkapital,5.00,5.00\n"  # line 6: both sides
        "abc,Kein Konto,1.00,0\n"  # line 7: not a number
        "2900,Gezeichnetes Kapital,0,35000.00\n"
    )
    code, output = invoke("opening-balances", "import", book.id, str(path), "--database", db_url)
    assert code == 1
    assert "Nothing was booked" in output
    for line, code_name in (
        (3, "INVALID_BALANCE_ENTRY"),
        (4, "ACCOUNT_TYPE_NOT_ALLOWED"),
        (5, "ACCOUNTS_NOT_FOUND"),
        (6, "INVALID_BALANCE_ENTRY"),
        (7, "INVALID_BALANCE_ENTRY"),
    ):
        assert f"line {line}" in output or f"row {line}" in output, (line, output)
        assert code_name in output
    assert "BALANCE_MISMATCH" in output
    assert fo.entries(book.id) == []


def test_rows_refused_by_the_book_are_all_reported_with_the_totals(
    fo: Folio, book, db_url: str, tmp_path: Path
) -> None:
    """Every line reads; booking refuses the set and the command lists what booking found."""
    path = tmp_path / "refused.csv"
    path.write_text(
        "number,name,debit,credit\n"
        "0400,Anlagen,50000.00,0\n"
        "4000,Umsatzerlöse,0,100.00\n"  # line 3: revenue
        "0001,Unknown,100.00,0\n"  # line 4: no such account
        "2900,Gezeichnetes Kapital,0,35000.00\n"
    )
    code, output = invoke("opening-balances", "import", book.id, str(path), "--database", db_url)
    assert code == 1
    assert "Nothing was booked. 2 problem(s)" in output
    assert "ACCOUNT_TYPE_NOT_ALLOWED" in output and "ACCOUNTS_NOT_FOUND" in output
    assert "BALANCE_MISMATCH" in output and "50100.00" in output and "35100.00" in output
    assert fo.entries(book.id) == []


def test_a_second_set_for_the_date_is_refused_with_its_code(
    fo: Folio, book, db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "tb.csv"
    path.write_text(SEED_CSV)
    assert invoke("opening-balances", "import", book.id, str(path), "--database", db_url)[0] == 0
    code, output = invoke("opening-balances", "import", book.id, str(path), "--database", db_url)
    assert code == 1
    assert "OPENING_BALANCES_EXIST" in output
    assert len(fo.entries(book.id)) == 4


def test_missing_header_is_a_clear_error(fo: Folio, book, db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "noheader.csv"
    path.write_text("foo,bar\n1,2\n")
    code, output = invoke("opening-balances", "import", book.id, str(path), "--database", db_url)
    assert code == 1
    assert "INVALID_INPUT" in output and "missing: number, debit, credit" in output


def test_large_file_books_with_the_progress_display(
    fo: Folio, book, db_url: str, tmp_path: Path
) -> None:
    padding = "".join("1200,Forderungen,0,0\n" for _ in range(1100))  # zero rows are skipped
    path = tmp_path / "large.csv"
    path.write_text(SEED_CSV + padding)
    code, output = invoke("opening-balances", "import", book.id, str(path), "--database", db_url)
    assert code == 0, output
    assert "Booked 4 opening balances" in output
    assert fo.ledger_by_number(book.id, "9000").balance == 0
