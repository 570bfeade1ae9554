"""Read a list of open items (an OPOS list) from CSV or XLSX, collecting every problem.

Columns (any order, case-insensitive), English or German: party (Konto, Debitor, Kreditor,
Personenkonto, Kundennummer, Lieferantennummer), name (Name, Bezeichnung; creates a party that
does not exist yet), document (Belegnummer, Rechnungsnummer, Belegfeld 1), date (Belegdatum,
Rechnungsdatum, Datum), due (Fälligkeit, Fällig am, Fälligkeitsdatum), amount (Betrag, Offener
Betrag, Offen, OP-Betrag), description (Text, Buchungstext). Dates are ISO (2024-12-31) or
German (31.12.2024); amounts as people write them, the file's notation decided as for trial
balances (German headers or `;` separators: German). Problems name the file's line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from folio.domain.digits import is_digits
from folio.domain.errors import InvalidAmount, InvalidInput
from folio.domain.money import parse_minor, parse_written_amount
from folio.domain.opening_balances import RowProblem
from folio.service.open_items import ItemInput
from folio.service.trial_balance_files import cell, csv_lines, header_columns, xlsx_lines

_HEADERS = {
    "party": ("party", "party_number", "number", "customer", "supplier", "account", "konto",
              "debitor", "kreditor", "personenkonto", "kundennummer", "lieferantennummer",
              "kontonummer"),
    "name": ("name", "party_name", "bezeichnung", "kunde", "lieferant"),
    "document": ("document", "document_number", "invoice", "invoice_number", "belegnummer",
                 "rechnungsnummer", "belegfeld 1", "belegfeld1", "beleg"),
    "date": ("date", "document_date", "invoice_date", "belegdatum", "rechnungsdatum", "datum"),
    "due": ("due", "due_date", "fälligkeit", "faelligkeit", "fällig am", "fälligkeitsdatum"),
    "amount": ("amount", "open", "open_amount", "open amount", "betrag", "offener betrag", "offen",
               "op-betrag"),
    "description": ("description", "text", "buchungstext"),
}  # fmt: skip
_GERMAN = {"konto", "debitor", "kreditor", "belegnummer", "belegdatum", "fälligkeit", "betrag",
           "offener betrag", "rechnungsnummer", "buchungstext", "bezeichnung"}  # fmt: skip
_GERMAN_DATE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\Z")


@dataclass(frozen=True, slots=True)
class ParsedItems:
    items: list[ItemInput]
    names: dict[str, str]  # party number -> the name the file gives it (to create it)
    problems: list[RowProblem]


def read_open_items(path: Path, exponent: int) -> ParsedItems:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return parse_item_rows(xlsx_lines(path), exponent)
    with path.open("rb") as raw:
        lines, semicolons = csv_lines(raw)
        return parse_item_rows(lines, exponent, semicolons=semicolons)


def parse_item_rows(
    lines: Iterator[tuple[int, list[object]]], exponent: int, *, semicolons: bool = False
) -> ParsedItems:
    columns: dict[str, int] | None = None
    mark = "," if semicolons else "."
    items: list[ItemInput] = []
    names: dict[str, str] = {}
    problems: list[RowProblem] = []
    for line, values in lines:
        cells = ["" if v is None else v for v in values]
        if all(str(c).strip() == "" for c in cells):
            continue
        if columns is None:
            columns, german = header_columns(
                cells, line, _HEADERS, _GERMAN, ("party", "document", "date", "amount"),
                "party, document, date and amount (or Konto, Belegnummer, Belegdatum, Betrag)",
            )  # fmt: skip
            mark = "," if german else mark
            continue
        try:
            item, name = _item(line, cells, columns, exponent, mark)
        except (InvalidInput, ValueError) as exc:
            reason = exc.message if isinstance(exc, InvalidInput) else str(exc)
            problems.append(RowProblem(line, "INVALID_OPEN_ITEM", f"line {line}: {reason}"))
            continue
        items.append(item)
        if name and item.party_number:
            names.setdefault(item.party_number, name)
    if columns is None:
        raise InvalidInput("The file is empty: expected a header row and open items.",
                           {"field": "file"})  # fmt: skip
    return ParsedItems(items, names, problems)


def _day(value: object, field: str) -> date | None:
    if isinstance(value, datetime):  # a spreadsheet's date cell
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    german = _GERMAN_DATE.match(text)
    try:
        if german:
            return date(int(german[3]), int(german[2]), int(german[1]))
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{field} “{text}” is not a date (2024-12-31 or 31.12.2024)") from None


def _item(
    line: int, cells: list[object], columns: dict[str, int], exponent: int, mark: str
) -> tuple[ItemInput, str]:
    raw_party = cell(cells, columns["party"])
    number = str(int(raw_party)) if isinstance(raw_party, (int, float)) else str(raw_party).strip()
    if not is_digits(number):
        raise ValueError(f"the party number {number!r} is not a number")
    document_date = _day(cell(cells, columns["date"]), "date")
    if document_date is None:
        raise ValueError("the date is missing")
    amount_cell = cell(cells, columns["amount"])
    try:
        if isinstance(amount_cell, float):
            amount = parse_minor(Decimal(repr(amount_cell)), exponent, field="amount")
        elif isinstance(amount_cell, (int, Decimal)):
            amount = parse_minor(amount_cell, exponent, field="amount")
        else:
            amount = parse_written_amount(str(amount_cell), exponent, field="amount",
                                          decimal_mark=mark)  # fmt: skip
    except InvalidAmount as exc:
        raise ValueError(f"amount {exc.message}") from None
    description = str(cell(cells, columns.get("description"))).strip() or None
    item = ItemInput(
        index=line,
        party_id=None,
        party_number=number,
        document_number=str(cell(cells, columns["document"])).strip(),
        document_date=document_date,
        due_date=_day(cell(cells, columns.get("due")), "due date"),
        amount=amount,
        description=description,
        kind="line",
    )
    return item, str(cell(cells, columns.get("name"))).strip()
