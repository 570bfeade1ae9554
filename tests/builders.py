"""Compact helpers for writing test ledgers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from folio.domain.books import Book
from folio.domain.journal import Entry
from folio.domain.ledgers import Ledger, LedgerType, Side
from folio.domain.money import parse_minor
from folio.service.books import BookCreate
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.ledgers import LedgerCreate
from folio.store.uow import UnitOfWork

START = date(2025, 1, 1)


def make_book(
    fo: Folio, chart: str = "empty", currency: str = "EUR", entries_start: date = START, **kw: str
) -> Book:
    return fo.create_book(
        BookCreate(
            name=kw.get("name", "Test GmbH"),
            currency=currency,
            entries_start=entries_start,
            chart=chart,
            fiscal_year_start=kw.get("fiscal_year_start", "01-01"),
        )
    )


def make_ledgers(fo: Folio, book: Book, spec: str) -> dict[str, Ledger]:
    """`"1000 asset Bank; 1200 asset Receivables; 4000 revenue Sales"` → ledgers by number."""
    made = {}
    for item in spec.split(";"):
        number, kind, name = item.split(maxsplit=2)
        made[number] = fo.create_ledger(
            book.id, LedgerCreate(name=name, type=LedgerType(kind), number=number)
        )
    return made


def amount(value: str | int, exponent: int = 2) -> int:
    return parse_minor(value if isinstance(value, int) else Decimal(value), exponent)


def post(
    fo: Folio, book: Book, lines: str, on: date = START, description: str | None = None
) -> Entry:
    """`"1000 D 10.00; 4000 C 10.00"`: ledger number, side, amount."""
    parsed = []
    for item in lines.split(";"):
        number, side, value = item.split()
        parsed.append(
            LineInput(
                side=Side.DEBIT if side.upper() == "D" else Side.CREDIT,
                amount=amount(value, book.exponent),
                ledger_number=number,
            )
        )
    return fo.post_entry(book.id, EntryCreate(date=on, lines=parsed, description=description))


class _RolledBack(Exception):
    """Ends a transaction whose outcome was read, so the same state serves again."""


def seen_and_rolled_back(fo: Folio, *runs: Callable[[UnitOfWork], Any]) -> list[Any]:
    """What each run answers at its end, each run in a write of its own that is then rolled
    back: every run starts from the same state (two ways of posting the same entries)."""
    seen: list[Any] = []
    for run in runs:

        def write(uow: UnitOfWork, run: Callable[[UnitOfWork], Any] = run) -> None:
            raise _RolledBack(run(uow))

        try:
            fo.write(write)
        except _RolledBack as done:
            seen.append(done.args[0])
    return seen
