"""Read a trial balance from CSV or XLSX into opening-balance rows, collecting every problem.

Columns (any order, case-insensitive): number, name, debit, credit, or the German Konto,
Bezeichnung, Soll, Haben. Amounts are read by the domain's one parser for people: a file with
German headers or `;` separators is in German notation (`1.234,56`, so `50.000` is 50000), any
other in English notation (`1,234.56`); a number written the other way is refused with its
line. Empty cells are 0. Row indexes are the file's own line numbers, so problems point at the
line a person sees.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from folio.domain.errors import InvalidAmount, InvalidInput
from folio.domain.money import parse_minor, parse_written_amount
from folio.domain.opening_balances import RowProblem, SetRow

_HEADERS = {
    "number": (
        "number",
        "account",
        "account_number",
        "account number",
        "konto",
        "kontonummer",
        "konto-nr.",
        "kontonr",
        "nr",
    ),
    "name": (
        "name",
        "account_name",
        "account name",
        "bezeichnung",
        "kontobezeichnung",
        "beschriftung",
    ),
    "debit": ("debit", "soll", "eb soll", "eb-wert soll", "saldo soll"),
    "credit": ("credit", "haben", "eb haben", "eb-wert haben", "saldo haben"),
}
_GERMAN = {
    "konto",
    "kontonummer",
    "konto-nr.",
    "kontonr",
    "bezeichnung",
    "kontobezeichnung",
    "soll",
    "haben",
    "eb soll",
    "eb haben",
}
_DIGITS = re.compile(r"^[0-9]{1,20}\Z")


@dataclass(frozen=True, slots=True)
class ParsedFile:
    rows: list[SetRow]
    problems: list[RowProblem]


def read_trial_balance(path: Path, exponent: int) -> ParsedFile:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return parse_rows(xlsx_lines(path), exponent)
    with path.open("rb") as raw:
        return _parse_csv_stream(raw, exponent)


def parse_csv(data: bytes, exponent: int) -> ParsedFile:
    return _parse_csv_stream(io.BytesIO(data), exponent)


def _parse_csv_stream(raw: BinaryIO, exponent: int) -> ParsedFile:
    lines, semicolons = csv_lines(raw)
    return parse_rows(lines, exponent, semicolons=semicolons)


def csv_lines(raw: BinaryIO) -> tuple[Iterator[tuple[int, list[object]]], bool]:
    """A CSV file's rows with their line numbers, read line by line (a decoded copy of a
    100,000-row file cost more than its rows), and whether it is separated by `;`. UTF-8 or
    cp1252, `;`, `,` or tab, told from the file; the caller closes it after reading."""
    encoding = _encoding(raw)
    raw.seek(0)
    first = io.TextIOWrapper(raw, encoding=encoding, newline="")
    head = first.readline()
    first.detach()
    raw.seek(0)
    delimiter = ";" if head.count(";") > head.count(",") else ("\t" if "\t" in head else ",")

    def rows() -> Iterator[tuple[int, list[object]]]:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            for number, row in enumerate(csv.reader(text, delimiter=delimiter), start=1):
                yield number, list(row)
        finally:
            text.detach()

    return rows(), delimiter == ";"


def _encoding(raw: BinaryIO) -> str:
    """UTF-8 (with or without a byte-order mark) if the whole file decodes so, else cp1252
    (DATEV and Excel exports in Germany); a file that is neither is refused with the first byte
    cp1252 has no character for and its line (it stopped the reading with a traceback)."""
    if _undecodable(raw, "utf-8") is None:
        return "utf-8-sig"
    at = _undecodable(raw, "cp1252")
    if at is None:
        return "cp1252"
    raw.seek(0)
    before = raw.read(at + 1)
    line = before.count(b"\n") + 1
    raise InvalidInput(
        f"The file is neither UTF-8 nor Windows-1252 text: byte 0x{before[-1]:02X} on line "
        f"{line} (offset {at}). Save it as CSV UTF-8, or as CSV from Excel.",
        {"field": "file", "line": line, "offset": at},
    )


def _undecodable(raw: BinaryIO, encoding: str) -> int | None:
    """The offset of the first byte that `encoding` cannot decode, read from the start."""
    raw.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    try:
        while chunk := raw.read(1 << 16):
            decoder.decode(chunk)
            offset += len(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return offset + exc.start
    return None


def xlsx_lines(path: Path) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


def parse_rows(
    lines: Iterator[tuple[int, list[object]]], exponent: int, *, semicolons: bool = False
) -> ParsedFile:
    columns: dict[str, int] | None = None
    mark = "," if semicolons else "."
    rows: list[SetRow] = []
    problems: list[RowProblem] = []
    for line_number, values in lines:
        cells = ["" if v is None else v for v in values]
        if all(str(c).strip() == "" for c in cells):
            continue
        if columns is None:
            columns, german = header_columns(
                cells, line_number, _HEADERS, _GERMAN, ("number", "debit", "credit"),
                "number, debit and credit (or Konto, Soll, Haben)",
            )  # fmt: skip
            mark = "," if german else mark
            continue
        row, problem = _row(line_number, cells, columns, exponent, mark)
        if problem:
            problems.append(problem)
        elif row is not None:
            rows.append(row)
    if columns is None:
        raise InvalidInput(
            "The file is empty: expected a header row and balances.", {"field": "file"}
        )
    return ParsedFile(rows, problems)


def header_columns(
    cells: list[object],
    line: int,
    headers: dict[str, tuple[str, ...]],
    german: set[str],
    required: tuple[str, ...],
    named: str,
) -> tuple[dict[str, int], bool]:
    """Each known column's index in a header row (the first alias that matches), and whether
    the header is German (then amounts use a decimal comma). `named` says the required
    columns to a person, in English and German."""
    names = [str(c).strip().lower() for c in cells]
    columns = {}
    for key, aliases in headers.items():
        for index, name in enumerate(names):
            if name in aliases:
                columns[key] = index
                break
    missing = [key for key in required if key not in columns]
    if missing:
        raise InvalidInput(
            f"Line {line}: the header row needs the columns {named}; missing: "
            f"{', '.join(missing)}.",
            {"field": "file", "line": line, "missing": missing},
        )
    return columns, bool(set(names) & german)


def cell(cells: list[object], index: int | None) -> object:
    """The cell at `index`, empty when the column is absent or the row shorter."""
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _row(
    line: int, cells: list[object], columns: dict[str, int], exponent: int, mark: str
) -> tuple[SetRow | None, RowProblem | None]:
    raw_number = cell(cells, columns["number"])
    number = (
        str(int(raw_number)) if isinstance(raw_number, (int, float)) else str(raw_number).strip()
    )
    name_cell = cell(cells, columns.get("name"))
    name = str(name_cell).strip() or None
    if isinstance(raw_number, (int, float)) and len(number) < 4:
        number = number.zfill(4)  # spreadsheets drop the leading zeros of SKR numbers
    if not _DIGITS.match(number):
        return None, RowProblem(
            line,
            "INVALID_BALANCE_ENTRY",
            f"line {line}: the account number {number!r} is not a number",
            number or None,
        )
    amounts = []
    for key in ("debit", "credit"):
        try:
            amounts.append(_amount(cell(cells, columns[key]), exponent, key, mark))
        except InvalidAmount as exc:
            return None, RowProblem(
                line, "INVALID_BALANCE_ENTRY", f"line {line}: {key} {exc.message}", number
            )
    debit, credit = amounts
    return SetRow(line, debit, credit, ledger_number=number, name=name, kind="line"), None


def _amount(value: object, exponent: int, column: str, mark: str) -> int:
    if isinstance(value, float):
        # Spreadsheet numbers are binary floats; their shortest repr is what the user typed.
        return parse_minor(Decimal(repr(value)), exponent, field=column)
    if isinstance(value, (int, Decimal)):
        return parse_minor(value, exponent, field=column)
    return parse_written_amount(str(value), exponent, field=column, blank=0, decimal_mark=mark)
