"""Books: create one from a chart template with its system ledgers; read, list, rename."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from folio.charts import load_chart
from folio.domain.books import (
    Book,
    check_chart,
    check_datev_number,
    check_name,
    parse_fiscal_year_start,
)
from folio.domain.dates import check_day
from folio.domain.errors import NotFound
from folio.domain.ids import new_id
from folio.domain.journal import GENESIS_HASH
from folio.domain.money import currency_exponent, normalize_currency
from folio.domain.text import check_text
from folio.service.changes import KEEP, Keep
from folio.service.runner import Actor, audit
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class BookCreate:
    name: str
    currency: str
    entries_start: date
    fiscal_year_start: str = "01-01"
    chart: str = "empty"


def create_book(uow: UnitOfWork, command: BookCreate, actor: Actor) -> Book:
    currency = normalize_currency(command.currency)
    book = Book(
        id=new_id("bk"),
        name=check_name(command.name),
        currency=currency,
        exponent=currency_exponent(currency),
        entries_start=check_day(command.entries_start, "entries_start"),
        fiscal_year_start=parse_fiscal_year_start(command.fiscal_year_start),
        chart=check_chart(command.chart),
    )
    now = utcnow()
    uow.books.insert(book, created_at=now, genesis_hash=GENESIS_HASH)
    uow.ledgers.insert_many(
        [
            {
                "book_id": book.id,
                "ledger_id": new_id("ldg"),
                "number": account.number,
                "name": account.name,
                "type": account.type.value,
                "subtype": account.subtype,
                "normal_balance": account.normal_balance.value,
                "role": account.role.value if account.role else None,
                "archived": False,
                "debits_posted": 0,
                "credits_posted": 0,
            }
            for account in load_chart(book.chart)
        ],
        at=now,
    )
    audit(
        uow,
        actor,
        "book.created",
        book_id=book.id,
        target_type="book",
        target_id=book.id,
        details={"name": book.name, "currency": currency, "chart": book.chart},
    )
    return book


def get_book(uow: UnitOfWork, book_id: str) -> Book:
    check_text(book_id, "book_id")  # a library caller's number: the drivers cannot compare it
    book = uow.books.get(book_id)
    if book is None:
        raise NotFound(f"Book {book_id} not found.", {"book_id": book_id})
    return book


def list_books(
    uow: UnitOfWork, *, only: str | None = None, after: str | None = None, limit: int = 50
) -> list[Book]:
    return list(uow.books.search(only=only, after=after, limit=limit))


def rename_book(uow: UnitOfWork, book_id: str, name: str, actor: Actor) -> Book:
    return update_book(uow, book_id, actor, name=name)


def update_book(
    uow: UnitOfWork,
    book_id: str,
    actor: Actor,
    *,
    name: str | None = None,
    datev_consultant_number: object = KEEP,
    datev_client_number: object = KEEP,
) -> Book:
    """Rename a book and set or clear (None) its DATEV Beraternummer and Mandantennummer;
    a setting left out stays as it is."""
    get_book(uow, book_id)
    values: dict[str, object] = {}
    if name is not None:
        values["name"] = check_name(name)
    if not isinstance(datev_consultant_number, Keep):
        values["datev_consultant_number"] = check_datev_number(
            datev_consultant_number, "datev_consultant_number"
        )
    if not isinstance(datev_client_number, Keep):
        values["datev_client_number"] = check_datev_number(
            datev_client_number, "datev_client_number"
        )
    if not values:
        return get_book(uow, book_id)
    uow.books.update(book_id, updated_at=utcnow(), **values)
    audit(
        uow,
        actor,
        "book.updated",
        book_id=book_id,
        target_type="book",
        target_id=book_id,
        details=values,
    )
    return get_book(uow, book_id)
