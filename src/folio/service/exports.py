"""Export a whole book as an hledger journal or a beancount file (DESIGN §6).

Both read the journal in journal-number batches (`JournalRepo.stream`) and yield text a
transaction at a time, so a book of a million lines never sits in memory. The iterator must
be consumed inside the unit of work it was given. The export stops at the journal head read
when it starts, and the ledgers are read after that head: every exported posting names a
ledger the export has declared, even while others post.

Account names follow the ledger's type, number and name:
- hledger: `Assets:1200 Forderungen aus Lieferungen und Leistungen` (top level Assets,
  Liabilities, Equity, Revenue, Expenses; `:` and `;` in names become `-` and `,`);
- beancount: `Assets:1200-Forderungen-aus-Lieferungen-und-Leistungen` (top level Assets,
  Liabilities, Equity, Income, Expenses; a component is letters, digits and dashes and starts
  with a capital letter or a digit, as `beancount.core.account` requires).
Amounts are exact, with the currency's decimals; debits are positive, credits negative.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TextIO

from folio.domain.books import Book
from folio.domain.errors import InvalidInput
from folio.domain.ledgers import Ledger, LedgerType, Side
from folio.domain.members import check_member
from folio.domain.money import format_minor
from folio.service.books import get_book
from folio.store.uow import UnitOfWork


class ExportFormat(StrEnum):
    HLEDGER = "hledger"
    BEANCOUNT = "beancount"
    DATEV = "datev"  # a fiscal year as a ZIP of EXTF files: service/datev_export.py


MEDIA_TYPES = {ExportFormat.HLEDGER: "text/plain", ExportFormat.BEANCOUNT: "text/plain"}
FILE_SUFFIXES = {ExportFormat.HLEDGER: ".journal", ExportFormat.BEANCOUNT: ".beancount"}

HLEDGER_TOP = {
    LedgerType.ASSET: ("Assets", "A"),
    LedgerType.LIABILITY: ("Liabilities", "L"),
    LedgerType.EQUITY: ("Equity", "E"),
    LedgerType.REVENUE: ("Revenue", "R"),
    LedgerType.EXPENSE: ("Expenses", "X"),
}
BEANCOUNT_TOP = {
    LedgerType.ASSET: "Assets",
    LedgerType.LIABILITY: "Liabilities",
    LedgerType.EQUITY: "Equity",
    LedgerType.REVENUE: "Income",
    LedgerType.EXPENSE: "Expenses",
}

_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"-{2,}")


BATCH = 2000


@dataclass(frozen=True, slots=True)
class _Source:
    uow: UnitOfWork
    book: Book
    ledgers: Sequence[Ledger]
    head: int
    batch: int

    def entries(self) -> Iterator[tuple[Any, list[Any]]]:
        for entry, lines in self.uow.journal.stream(self.book.id, batch=self.batch):
            if entry.journal_number > self.head:
                return
            yield entry, lines


def export(
    uow: UnitOfWork, book_id: str, fmt: ExportFormat, *, batch: int = BATCH
) -> Iterator[str]:
    """The book as text chunks in `fmt`, read `batch` entries at a time; consume inside `uow`.

    The book is looked up at once, so an unknown book raises before any text is produced.
    """
    check_member(ExportFormat, fmt, "format")  # "hledger" as text was written as beancount
    if fmt is ExportFormat.DATEV:
        raise InvalidInput(
            "A DATEV export is a ZIP of one fiscal year (datev_export.export_year), not text.",
            {"field": "format"},
        )
    book = get_book(uow, book_id)
    head, _ = uow.books.head(book_id)
    source = _Source(uow, book, uow.ledgers.search(book_id), head, batch)
    return _hledger(source) if fmt is ExportFormat.HLEDGER else _beancount(source)


def write_export(
    uow: UnitOfWork, book_id: str, fmt: ExportFormat, out: TextIO, *, batch: int = BATCH
) -> None:
    for chunk in export(uow, book_id, fmt, batch=batch):
        out.write(chunk)


def account_names(ledgers: Sequence[Ledger], fmt: ExportFormat) -> dict[str, str]:
    """Account names by ledger id, as the export writes them for `ledgers` in this order."""
    return _unique(ledgers, hledger_account if fmt is ExportFormat.HLEDGER else beancount_account)


def _unique(ledgers: Sequence[Ledger], name: Callable[[Ledger, bool], str]) -> dict[str, str]:
    """Account names by ledger id; a clash gets the ledger id appended."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for ledger in ledgers:
        candidate = name(ledger, False)
        if candidate in taken:
            candidate = name(ledger, True)
        taken.add(candidate)
        names[ledger.id] = candidate
    return names


def _one_line(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def _amount(line: Any, exponent: int) -> str:
    signed = line.amount if line.side == Side.DEBIT.value else -line.amount
    return format_minor(signed, exponent)


# ---------------------------------------------------------------------------------------------
# hledger


def hledger_account(ledger: Ledger, disambiguate: bool = False) -> str:
    top, _ = HLEDGER_TOP[ledger.type]
    label = " ".join(part for part in (ledger.number, ledger.name) if part)
    if disambiguate:
        label = f"{label} {ledger.id}"
    cleaned = _one_line(label.replace(":", "-").replace(";", ","))
    return f"{top}:{cleaned}"


def _hledger_text(text: str | None) -> str:
    # `;` starts a comment in hledger; keep descriptions on one line and comment-free.
    return _one_line(text).replace(";", ",")


def _hledger(source: _Source) -> Iterator[str]:
    book, ledgers, head = source.book, source.ledgers, source.head
    names = account_names(ledgers, ExportFormat.HLEDGER)
    # hledger wants a decimal mark in the sample even with no decimals: "1000." for JPY.
    sample = format_minor(1000 * 10**book.exponent, book.exponent) + (
        "." if not book.exponent else ""
    )
    yield (
        f"; Folio export of book {_hledger_text(book.name)} ({book.id}), "
        f"currency {book.currency}, entries 1 to {head}\n"
        "decimal-mark .\n"
        f"commodity {sample} {book.currency}\n\n"
    )
    yield "".join(
        f"account {names[ledger.id]}  ; type: {HLEDGER_TOP[ledger.type][1]}\n" for ledger in ledgers
    )
    for entry, lines in source.entries():
        tags = [f"entry:{entry.entry_id}", f"kind:{entry.kind}"]
        if entry.is_opening_balance:
            tags.append("opening-balance:")
        title = " ".join(
            part for part in (f"({entry.journal_number})", _hledger_text(entry.description)) if part
        )
        parts = [f"\n{entry.date.isoformat()} * {title}  ; {', '.join(tags)}\n"]
        for line in lines:
            parts.append(
                f"    {names[line.ledger_id]}  {_amount(line, book.exponent)} {book.currency}"
            )
            memo = _hledger_text(line.description)
            parts.append(f"  ; {memo}\n" if memo else "\n")
        yield "".join(parts)


# ---------------------------------------------------------------------------------------------
# beancount


def _component(text: str) -> str:
    """Letters, digits and single dashes; starts with a capital letter or a digit."""
    chars = (
        ch if ch.isalpha() or ch.isdecimal() else "-" for ch in unicodedata.normalize("NFC", text)
    )
    cleaned = _DASHES.sub("-", "".join(chars)).strip("-")
    if not cleaned:
        return ""
    first = cleaned[0]
    if not (first.isupper() or first.isdecimal()):
        upper = first.upper()
        cleaned = upper + cleaned[1:] if len(upper) == 1 and upper.isupper() else "X" + cleaned
    return cleaned


def beancount_account(ledger: Ledger, disambiguate: bool = False) -> str:
    label = " ".join(part for part in (ledger.number, ledger.name) if part)
    if disambiguate:
        label = f"{label} {ledger.id}"
    component = _component(label) or _component(f"Ledger {ledger.id}")
    return f"{BEANCOUNT_TOP[ledger.type]}:{component}"


def _bean_string(text: str | None) -> str:
    escaped = _one_line(text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _beancount(source: _Source) -> Iterator[str]:
    book, ledgers, head = source.book, source.ledgers, source.head
    names = account_names(ledgers, ExportFormat.BEANCOUNT)
    opened = book.entries_start.isoformat()
    yield (
        f"; Folio export of book {_one_line(book.name)} ({book.id}), entries 1 to {head}\n"
        f'option "title" {_bean_string(book.name)}\n'
        f'option "operating_currency" "{book.currency}"\n\n'
        f"{opened} commodity {book.currency}\n"
    )
    yield "".join(
        f"{opened} open {names[ledger.id]} {book.currency}\n"
        f"  folio-ledger-id: {_bean_string(ledger.id)}\n"
        for ledger in ledgers
    )
    for entry, lines in source.entries():
        tag = " #opening-balance" if entry.is_opening_balance else ""
        parts = [
            f"\n{entry.date.isoformat()} * {_bean_string(entry.description)}{tag}\n"
            f"  folio-entry-id: {_bean_string(entry.entry_id)}\n"
            f"  journal-number: {entry.journal_number}\n"
            f"  kind: {_bean_string(entry.kind)}\n"
        ]
        for line in lines:
            parts.append(
                f"  {names[line.ledger_id]}  {_amount(line, book.exponent)} {book.currency}\n"
            )
            if line.description:
                parts.append(f"    memo: {_bean_string(line.description)}\n")
        yield "".join(parts)
