"""Read DATEV files: an EXTF Buchungsstapel, Debitoren/Kreditoren and a Summen- und Saldenliste
(SuSa) as CSV.

Pure: text in, rows and problems out; every problem names its file line and field, and
reading goes on after one, so a file's every bad row is reported at once. The service decides
what the rows mean for a book (service/datev_import.py).

- The file is UTF-8 (with or without a byte-order mark) when it decodes so, else cp1252, as
  DATEV writes it.
- A Buchungsstapel's Belegdatum is TTMM: the year comes from the header's Datum vom / Datum
  bis (a date outside them is refused), or, when they are empty, from WJ-Beginn (the first
  day on or after the fiscal year's start with that day and month).
- Amounts: digits with a decimal comma, no thousands separator, no sign (the side is the
  Soll/Haben-Kennzeichen); a SuSa may group thousands with `.` and sign its amounts.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from folio.domain.digits import digits_value, is_digits
from folio.domain.errors import InvalidInput
from folio.domain.text import check_text

_EXTF_AMOUNT = re.compile(r"^([0-9]{1,16})(?:,([0-9]+))?\Z")
_SUSA_AMOUNT = re.compile(
    r"^([+-]?)([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,16})(?:,([0-9]+))?\s*([SH]?)\Z"
)


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    field: str
    message: str

    def as_data(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "message": self.message}


MAX_PROBLEMS = 1000  # reported at most; a file of nothing but errors would make a huge answer


def refuse(problems: list[Problem], what: str) -> None:
    """Nothing of a file with problems is imported: all of them (up to MAX_PROBLEMS) at once."""
    if not problems:
        return
    problems.sort(key=lambda p: p.line)
    shown = problems[:MAX_PROBLEMS]
    raise InvalidInput(
        f"{len(problems)} problems in the {what}; nothing was imported. "
        + "; ".join(p.message for p in shown[:5])
        + ("; ..." if len(problems) > 5 else ""),
        {"field": "file", "rows": [p.as_data() for p in shown], "count": len(problems)},
    )


def decode(data: bytes) -> str:
    """DATEV writes Windows-1252; a file saved again as UTF-8 is read as such."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: no character in cp1252
        raise InvalidInput(
            f"The file is neither UTF-8 nor Windows-1252 text (byte 0x{data[exc.start]:02X} "
            f"at offset {exc.start}); DATEV files are Windows-1252 CSV.",
            {"field": "file", "offset": exc.start},
        ) from exc


def is_extf(text: str) -> bool:
    head = text.lstrip("\ufeff")[:6].replace('"', "")
    return head.startswith(("EXTF", "DTVF"))


def category_of(text: str) -> int | None:
    """The format category of an EXTF file's header (21 Buchungsstapel, 16 Debitoren/
    Kreditoren, ...), None when line 1 does not say."""
    first = next(rows_of(text.lstrip("\ufeff")), None)
    field = first[1][2].strip() if first is not None and len(first[1]) > 2 else ""
    return digits_value(field)


def rows_of(text: str) -> Iterator[tuple[int, list[str]]]:
    """The `;`-separated rows with their file line numbers (a quoted field may not span
    lines in DATEV's files; csv keeps the count right if one does)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    for row in reader:
        yield reader.line_num, row


def minor_units(text: str, exponent: int, field: str, line: int) -> int | Problem:
    """`1234,56` in minor units of a currency with `exponent` decimals."""
    match = _EXTF_AMOUNT.match(text.strip())
    if not match or (match.group(2) is not None and len(match.group(2)) > exponent):
        return Problem(line, field, f"line {line}: {field} {text!r} is not an amount like 1234,56")
    cents = (match.group(2) or "").ljust(exponent, "0")
    return int(match.group(1) + cents)


# ------------------------------------------------------------------------ Buchungsstapel


@dataclass(frozen=True, slots=True)
class ExtfHeader:
    category: int
    consultant_number: str
    client_number: str
    fiscal_year_start: date
    account_length: int
    date_from: date | None
    date_to: date | None
    currency: str
    locked: bool


@dataclass(frozen=True, slots=True)
class BookingRow:
    line: int
    amount: int
    side: str  # S or H
    account: str
    contra: str
    day: date
    document: str
    description: str
    reversal: bool
    due: date | None
    currency: str

    def debit_credit(self) -> tuple[str, str]:
        """(the debited account, the credited account): S debits Konto, H credits it, and a
        Generalumkehr turns the booking round."""
        debit_account = (self.side == "S") != self.reversal
        return (self.account, self.contra) if debit_account else (self.contra, self.account)


def _yyyymmdd(value: str, field: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise InvalidInput(
            f"Line 1: the header's {field} {value!r} is not a date written YYYYMMDD.",
            {"field": field, "line": 1},
        ) from None


def read_header(fields: list[str]) -> ExtfHeader:
    """The 31 fields of line 1. Only what Folio needs is checked: the format, the category
    and the dates."""

    def at(index: int) -> str:
        return fields[index].strip() if index < len(fields) else ""

    if at(0) not in ("EXTF", "DTVF") or len(fields) < 22:
        raise InvalidInput(
            "Line 1 is not a DATEV EXTF header (EXTF;700;21;Buchungsstapel;...).",
            {"field": "header", "line": 1},
        )
    if not is_digits(at(2)):
        raise InvalidInput(
            f"Line 1: format category {at(2)!r} is not a number.", {"field": "category", "line": 1}
        )
    start = _yyyymmdd(at(12), "WJ-Beginn")
    if start is None:
        raise InvalidInput("Line 1: WJ-Beginn is empty.", {"field": "WJ-Beginn", "line": 1})
    length = at(13)
    return ExtfHeader(
        category=int(at(2)),
        consultant_number=at(10),
        client_number=at(11),
        fiscal_year_start=start,
        account_length=4 if (given := digits_value(length)) is None else given,
        date_from=_yyyymmdd(at(14), "Datum vom"),
        date_to=_yyyymmdd(at(15), "Datum bis"),
        currency=at(21) or "EUR",
        locked=at(20) == "1",
    )


_NEEDED = {
    "amount": ("Umsatz (ohne Soll/Haben-Kz)", "Umsatz"),
    "side": ("Soll/Haben-Kennzeichen", "Soll-/Haben-Kennzeichen"),
    "account": ("Konto",),
    "contra": ("Gegenkonto (ohne BU-Schlüssel)", "Gegenkonto"),
    "date": ("Belegdatum",),
}
_OPTIONAL = {
    "document": ("Belegfeld 1",),
    "text": ("Buchungstext",),
    "reversal": ("Generalumkehr", "Generalumkehr (GU)"),
    "due": ("Fälligkeit",),
    "currency": ("WKZ Umsatz",),
    "tax_key": ("BU-Schlüssel",),
}


def booking_columns(fields: list[str]) -> dict[str, int]:
    names = {name.strip().lower(): index for index, name in reversed(list(enumerate(fields)))}
    found: dict[str, int] = {}
    for key, aliases in (_NEEDED | _OPTIONAL).items():
        for alias in aliases:
            if alias.lower() in names:
                found[key] = names[alias.lower()]
                break
    missing = [aliases[0] for key, aliases in _NEEDED.items() if key not in found]
    if missing:
        raise InvalidInput(
            f"Line 2: the column headings lack {', '.join(missing)}.",
            {"field": "columns", "line": 2, "missing": missing},
        )
    return found


def _day(ttmm: str, header: ExtfHeader) -> date | None:
    if not re.fullmatch(r"[0-9]{3,4}", ttmm):
        return None
    ttmm = ttmm.zfill(4)
    dd, mm = int(ttmm[:2]), int(ttmm[2:])
    first = header.date_from or header.fiscal_year_start
    for year in (first.year, first.year + 1):
        try:
            candidate = date(year, mm, dd)
        except ValueError:
            continue
        if candidate >= first:
            return candidate
    return None


def read_booking(
    line: int, fields: list[str], columns: dict[str, int], header: ExtfHeader, exponent: int
) -> BookingRow | list[Problem]:
    """One row of a Buchungsstapel, or every problem it has."""

    def cell(key: str) -> str:
        index = columns.get(key)
        return fields[index].strip() if index is not None and index < len(fields) else ""

    problems: list[Problem] = []
    amount = minor_units(cell("amount"), exponent, "Umsatz", line)
    if isinstance(amount, Problem):
        problems.append(amount)
    elif amount == 0:
        problems.append(Problem(line, "Umsatz", f"line {line}: Umsatz is 0"))
    side = cell("side").upper()
    if side not in ("S", "H"):
        problems.append(
            Problem(line, "Soll/Haben-Kennzeichen", f"line {line}: Soll/Haben-Kennzeichen "
                    f"{cell('side')!r} is neither S nor H")
        )  # fmt: skip
    accounts = []
    for key, name in (("account", "Konto"), ("contra", "Gegenkonto")):
        value = cell(key)
        if not is_digits(value) or len(value) > 9:
            problems.append(
                Problem(line, name, f"line {line}: {name} {value!r} is not an account number")
            )
        accounts.append(value)
    day = _day(cell("date"), header)
    if day is None or (header.date_to is not None and day > header.date_to):
        span = (
            f" between {header.date_from:%d.%m.%Y} and {header.date_to:%d.%m.%Y}"
            if header.date_from and header.date_to
            else ""
        )
        problems.append(
            Problem(line, "Belegdatum", f"line {line}: Belegdatum {cell('date')!r} is not a "
                    f"day written TTMM{span}")
        )  # fmt: skip
    reversal = cell("reversal") in ("1", "G")
    if cell("reversal") not in ("", "0", "1", "G"):
        problems.append(
            Problem(line, "Generalumkehr", f"line {line}: Generalumkehr must be 0 or 1")
        )
    due: date | None = None
    if cell("due"):
        try:
            due = datetime.strptime(cell("due"), "%d%m%Y").date()
        except ValueError:
            problems.append(
                Problem(line, "Fälligkeit", f"line {line}: Fälligkeit {cell('due')!r} is not a "
                        "date written TTMMJJJJ")
            )  # fmt: skip
    tax_key = cell("tax_key")
    if tax_key not in ("", "0", "40"):
        problems.append(
            Problem(line, "BU-Schlüssel", f"line {line}: BU-Schlüssel {tax_key} asks DATEV to "
                    "book tax automatically, which Folio does not; book the tax lines instead")
        )  # fmt: skip
    for key, name in (("document", "Belegfeld 1"), ("text", "Buchungstext")):
        try:
            check_text(cell(key), name)
        except InvalidInput as exc:
            problems.append(Problem(line, name, f"line {line}: {exc.message}"))
    currency = cell("currency").upper() or header.currency
    if problems or isinstance(amount, Problem) or day is None:
        return problems
    return BookingRow(
        line, amount, side, accounts[0], accounts[1], day, cell("document"), cell("text"),
        reversal, due, currency,
    )  # fmt: skip


# ------------------------------------------------------------------------ SuSa


@dataclass(frozen=True, slots=True)
class BalanceRow:
    line: int
    number: str
    name: str
    value: int  # debit − credit


_NUMBER = ("konto", "kontonummer", "konto-nr.", "kontonr", "kto")
_NAME = ("beschriftung", "kontobeschriftung", "bezeichnung", "kontenbeschriftung", "name")
_INDICATOR = ("s/h", "soll/haben", "sh", "s/h-kz", "kz")


def _susa_amount(text: str, exponent: int, field: str, line: int) -> int | Problem:
    """A SuSa amount, debit − credit: `1.234,56` with an optional sign or trailing S/H."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned in ("", "-"):
        return 0
    suffix = cleaned[-1].upper() if cleaned[-1] in "SHsh" else ""
    match = _SUSA_AMOUNT.match(cleaned[:-1] if suffix else cleaned)
    if not match or (match.group(3) is not None and len(match.group(3)) > exponent):
        return Problem(line, field, f"line {line}: {field} {text!r} is not an amount like 1.234,56")
    cents = (match.group(3) or "").ljust(exponent, "0")
    value = int(match.group(2).replace(".", "") + cents)
    return -value if (match.group(1) == "-") != (suffix == "H") else value


def read_balance_list(
    rows: Iterator[tuple[int, list[str]]], exponent: int
) -> tuple[list[BalanceRow], list[Problem], str]:
    """A Summen- und Saldenliste: the rows (Konto, Beschriftung, the value debit − credit),
    their problems, and the column the value came from (Saldo, else EB-Wert).

    The value's side comes from a Soll/Haben column right after it (its heading S/H, or
    empty, as DATEV writes it), from an S or H after the amount, from its sign, or from a
    pair of columns such as `Saldo Soll` / `Saldo Haben`."""
    columns: dict[str, int] | None = None
    source = ""
    found: list[BalanceRow] = []
    problems: list[Problem] = []
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if columns is None:
            names = [c.strip().lower() for c in cells]
            if not any(n in _NUMBER for n in names):
                continue  # DATEV puts the firm's name and the period above the headings
            columns, source = _susa_columns(names, line)
            continue
        number = _cell(cells, columns["number"])
        if not is_digits(number):
            if not number or not is_digits(number[0]):
                continue  # a total or section line ("Summe Klasse 0")
            problems.append(
                Problem(line, "Konto", f"line {line}: Konto {number!r} is not an account number")
            )
            continue
        value: int | Problem
        if "debit" in columns:
            debit = _susa_amount(_cell(cells, columns["debit"]), exponent, f"{source} Soll", line)
            credit = _susa_amount(
                _cell(cells, columns["credit"]), exponent, f"{source} Haben", line
            )
            if isinstance(debit, Problem) or isinstance(credit, Problem):
                problems.extend(p for p in (debit, credit) if isinstance(p, Problem))
                continue
            value = debit - credit
        else:
            value = _susa_amount(_cell(cells, columns["value"]), exponent, source, line)
            if isinstance(value, Problem):
                problems.append(value)
                continue
            if "indicator" in columns:
                mark = _cell(cells, columns["indicator"]).upper()
                if mark not in ("", "S", "H"):
                    problems.append(
                        Problem(line, f"{source} S/H", f"line {line}: {mark!r} is neither S nor H")
                    )
                    continue
                if mark == "H":
                    value = -abs(value)
        name = _cell(cells, columns["name"]) if "name" in columns else ""
        found.append(BalanceRow(line, number, name, value))
    if columns is None:
        raise InvalidInput(
            "The file has no heading row with Konto and Saldo (or EB-Wert): it is not a "
            "Summen- und Saldenliste, nor an EXTF file.",
            {"field": "file"},
        )
    return found, problems, source


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _susa_columns(names: list[str], line: int) -> tuple[dict[str, int], str]:
    columns = {"number": next(i for i, n in enumerate(names) if n in _NUMBER)}
    name = next((i for i, n in enumerate(names) if n in _NAME), None)
    if name is not None:
        columns["name"] = name
    for source in ("saldo", "eb-wert"):
        pair = [f"{source} soll", f"{source} haben"]
        if all(p in names for p in pair):
            columns["debit"], columns["credit"] = (names.index(p) for p in pair)
            return columns, "Saldo" if source == "saldo" else "EB-Wert"
        if source in names:
            index = names.index(source)
            columns["value"] = index
            after = names[index + 1] if index + 1 < len(names) else None
            if after is not None and (after in _INDICATOR or after == ""):
                columns["indicator"] = index + 1
            return columns, "Saldo" if source == "saldo" else "EB-Wert"
    raise InvalidInput(
        f"Line {line}: the headings need Saldo or EB-Wert beside Konto.",
        {"field": "columns", "line": line},
    )


# ------------------------------------------------------------------- Debitoren/Kreditoren


@dataclass(frozen=True, slots=True)
class PartyRow:
    """A Debitor or Kreditor: its personal account number and what Folio keeps of it."""

    line: int
    number: str
    name: str
    tax_id: str | None
    address: str | None


_PARTY_NAMES = (
    "Name (Adressatentyp Unternehmen)",
    "Name (Adressatentyp keine Angabe)",
    "Kurzbezeichnung",
)


def party_columns(fields: list[str]) -> dict[str, int]:
    columns = {name.strip(): index for index, name in enumerate(fields)}
    if "Konto" not in columns:
        raise InvalidInput(
            "Line 2 has no column Konto: this is not DATEV's Debitoren/Kreditoren layout.",
            {"field": "Konto", "line": 2},
        )
    return columns


def read_party(cells: list[str], columns: dict[str, int], line: int) -> PartyRow | Problem:
    """A company's name, else a person's first and last name, else the name of no type, else
    the short name; the USt-IdNr. as EU-Land and EU-UStID; the address as Straße,
    `Postleitzahl Ort` and Adresszusatz, comma-separated (as the export splits it)."""

    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    number = cell("Konto")
    if not is_digits(number):
        return Problem(line, "Konto", f"line {line}: Konto {number!r} is not an account number")
    person = " ".join(
        part
        for part in (cell("Vorname (Adressatentyp natürl. Person)"),
                     cell("Name (Adressatentyp natürl. Person)"))
        if part
    )  # fmt: skip
    names = [cell(_PARTY_NAMES[0]), person, *(cell(name) for name in _PARTY_NAMES[1:])]
    name = next((n for n in names if n), "")
    if not name:
        return Problem(line, "Name", f"line {line}: Debitor/Kreditor {number} has no name")
    ustid = cell("EU-UStID").replace(" ", "")
    tax_id = (cell("EU-Land") + ustid).upper() if ustid else None
    town = " ".join(part for part in (cell("Postleitzahl"), cell("Ort")) if part)
    parts = [part for part in (cell("Straße"), town, cell("Adresszusatz")) if part]
    return PartyRow(line, number.lstrip("0") or "0", name, tax_id, ", ".join(parts) or None)
