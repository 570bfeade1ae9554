"""`folio report ...` and `folio export ...` through Typer's CliRunner, on both engines."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from folio.cli.main import app
from folio.domain.books import Book
from folio.service import reports
from folio.service.exports import ExportFormat, write_export
from folio.service.facade import Folio
from folio.service.report_formats import as_dict
from tests.builders import make_book, make_ledgers, post

runner = CliRunner()


def sample(fo: Folio) -> Book:
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 3000 liability Loan; 4000 revenue Sales")
    post(fo, book, "1000 D 1000.00; 3000 C 1000.00", on=date(2025, 1, 2))
    post(fo, book, "1000 D 250.50; 4000 C 250.50", on=date(2025, 5, 2), description="Sale")
    return book


def invoke(db_url: str, *args: str) -> bytes:
    result = runner.invoke(app, [*args, "--database", db_url])
    assert result.exit_code == 0, result.output + str(result.exception)
    return result.stdout_bytes


def test_trial_balance_as_csv_json_and_table(fo: Folio, db_url: str) -> None:
    book = sample(fo)
    expected = as_dict(
        fo.read(lambda uow: reports.trial_balance(uow, book.id, date_to=date(2025, 12, 31)))
    )
    args = ("report", "trial-balance", book.id, "--from", "2025-01-01", "--to", "2025-12-31")
    rows = list(csv.DictReader(io.StringIO(invoke(db_url, *args, "--format", "csv").decode())))
    assert [(r["number"], r["closing"]) for r in rows] == [
        ("1000", "1250.50"),
        ("3000", "1000.00"),
        ("4000", "250.50"),
        ("", ""),
    ]
    assert rows[-1]["debit"] == expected["totals"]["debit"] == "1250.50"
    assert json.loads(invoke(db_url, *args, "--format", "json")) == expected
    table = invoke(db_url, *args).decode()
    assert "Trial balance" in table and "1250.50" in table and "Total" in table
    as_of = invoke(
        db_url, "report", "trial-balance", book.id, "--as-of", "2025-12-31", "-f", "json"
    )
    assert json.loads(as_of) == expected


def test_balance_sheet_and_income_statement_files(fo: Folio, db_url: str, tmp_path: Path) -> None:
    book = sample(fo)
    target = tmp_path / "bs.xlsx"
    invoke(
        db_url,
        "report",
        "balance-sheet",
        book.id,
        "--as-of",
        "2025-06-30",
        "-f",
        "xlsx",
        "-o",
        str(target),
    )
    sheet = openpyxl.load_workbook(target).active
    values = {row[3]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Total assets"] == 1250.5
    assert values["Current year earnings"] == 250.5
    assert values["Total liabilities and equity"] == 1250.5

    out = invoke(
        db_url, "report", "income-statement", book.id, "--from", "2025-01-01",
        "--to", "2025-06-30", "--interval", "quarter", "--format", "csv",
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.decode())))
    assert rows[-1]["name"] == "Net income"
    assert (rows[-1]["2025-Q1"], rows[-1]["2025-Q2"], rows[-1]["total"]) == (
        "0.00",
        "250.50",
        "250.50",
    )
    assert (
        "Net income"
        in invoke(db_url, "report", "income-statement", book.id, "--to", "2025-12-31").decode()
    )


def test_ledger_statement_command(fo: Folio, db_url: str) -> None:
    book = sample(fo)
    out = invoke(
        db_url, "report", "ledger-statement", book.id, "--ledger", "1000",
        "--from", "2025-01-01", "--to", "2025-12-31", "-f", "csv",
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.decode())))
    assert [r["balance"] for r in rows] == ["0.00", "1000.00", "1250.50", "1250.50"]


def test_errors_exit_1_with_the_code(fo: Folio, db_url: str) -> None:
    result = runner.invoke(app, ["report", "balance-sheet", "bk_missing", "--database", db_url])
    assert result.exit_code == 1
    assert "NOT_FOUND" in result.output
    book = sample(fo)
    bad = runner.invoke(
        app,
        [
            "report",
            "trial-balance",
            book.id,
            "--from",
            "2025-02-01",
            "--to",
            "2025-01-01",
            "--database",
            db_url,
        ],
    )
    assert bad.exit_code == 1 and "INVALID_INPUT" in bad.output


def test_export_command(fo: Folio, db_url: str, tmp_path: Path) -> None:
    book = sample(fo)
    target = tmp_path / "book.beancount"
    invoke(db_url, "export", book.id, "--format", "beancount", "--output", str(target))
    expected = io.StringIO()
    with fo.uow(write=False) as uow:
        write_export(uow, book.id, ExportFormat.BEANCOUNT, expected)
    assert target.read_text(encoding="utf-8") == expected.getvalue()
    journal = invoke(db_url, "export", book.id, "--format", "hledger").decode()
    assert "Revenue:4000 Sales  -250.50 EUR" in journal
    missing = runner.invoke(app, ["export", "bk_missing", "-f", "hledger", "--database", db_url])
    assert missing.exit_code == 1 and "NOT_FOUND" in missing.output
