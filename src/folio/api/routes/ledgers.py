from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from folio.api.deps import Call, reads, writes
from folio.api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page
from folio.api.routes.common import BOOK, BookId, LedgerId, router
from folio.api.schemas.common import Day, Page
from folio.api.schemas.ledgers import (
    BalanceRead,
    LedgerCreate,
    LedgerDeleteRead,
    LedgerRead,
    LedgerUpdate,
)
from folio.domain.books import Book
from folio.domain.ledgers import Ledger, LedgerType, Role
from folio.service import ledgers
from folio.service.books import get_book
from folio.store.repos.ledgers import LedgerRepo
from folio.store.uow import UnitOfWork

api = router(f"{BOOK}/ledgers", "ledgers")


def _render(result: tuple[Book, Ledger]) -> LedgerRead:
    return LedgerRead.of(*result)


@api.post("", status_code=201, response_model=LedgerRead, summary="Create a ledger")
def create_ledger(
    call: Annotated[Call, writes("ledgers:write")], book_id: BookId, body: LedgerCreate
) -> Response:
    command = ledgers.LedgerCreate(
        name=body.name,
        type=body.type,
        number=body.number,
        subtype=body.subtype,
        normal_balance=body.normal_balance,
        parent_id=body.parent_id,
        description=body.description,
    )

    def create(uow: UnitOfWork) -> tuple[Book, Ledger]:
        return get_book(uow, book_id), ledgers.create_ledger(uow, book_id, command, call.actor)

    return call.write(create, _render, status=201, book_id=book_id)


@api.get("", response_model=Page[LedgerRead], summary="List the chart of accounts")
def list_ledgers(
    call: Annotated[Call, reads("ledgers:read")],
    book_id: BookId,
    number: Annotated[str | None, Query(max_length=20)] = None,
    ledger_type: Annotated[LedgerType | None, Query(alias="type")] = None,
    role: Role | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[LedgerRead]:
    """Numbered ledgers in number order, then custom ones."""
    after = decode_cursor(cursor, str)

    def search(uow: UnitOfWork) -> tuple[Book, list[Ledger]]:
        found = ledgers.list_ledgers(
            uow,
            book_id,
            number=number,
            ledger_type=ledger_type.value if ledger_type else None,
            role=role.value if role else None,
            after=after,
            limit=limit + 1,
        )
        return get_book(uow, book_id), found

    book, found = call.read(search)
    items, next_cursor = page(found, limit, LedgerRepo.sort_key)
    return Page(data=[LedgerRead.of(book, ledger) for ledger in items], next_cursor=next_cursor)


@api.get("/{ledger_id}", response_model=LedgerRead, summary="Read a ledger")
def get_ledger(
    call: Annotated[Call, reads("ledgers:read")], book_id: BookId, ledger_id: LedgerId
) -> LedgerRead:
    return _render(
        call.read(lambda uow: (get_book(uow, book_id), ledgers.get_ledger(uow, book_id, ledger_id)))
    )


@api.patch("/{ledger_id}", response_model=LedgerRead, summary="Change a ledger")
def update_ledger(
    call: Annotated[Call, writes("ledgers:write")],
    book_id: BookId,
    ledger_id: LedgerId,
    body: LedgerUpdate,
) -> Response:
    command = ledgers.LedgerUpdate(
        name=body.name,
        number=body.number,
        subtype=body.subtype,
        parent_id=body.parent_id,
        description=body.description,
        archived=body.archived,
    )

    def update(uow: UnitOfWork) -> tuple[Book, Ledger]:
        changed = ledgers.update_ledger(uow, book_id, ledger_id, command, call.actor)
        return get_book(uow, book_id), changed

    return call.write(update, _render, book_id=book_id)


@api.delete("/{ledger_id}", response_model=LedgerDeleteRead, summary="Delete or archive")
def delete_ledger(
    call: Annotated[Call, writes("ledgers:write")], book_id: BookId, ledger_id: LedgerId
) -> Response:
    """Deletes an unused ledger; one with postings or children is archived instead."""

    def delete(uow: UnitOfWork) -> tuple[Book, Ledger, bool]:
        ledger, deleted = ledgers.delete_ledger(uow, book_id, ledger_id, call.actor)
        return get_book(uow, book_id), ledger, deleted

    def render(result: tuple[Book, Ledger, bool]) -> LedgerDeleteRead:
        book, ledger, deleted = result
        return LedgerDeleteRead(deleted=deleted, ledger=LedgerRead.of(book, ledger))

    return call.write(delete, render, book_id=book_id)


@api.get("/{ledger_id}/balance", response_model=BalanceRead, summary="A ledger's balance")
def ledger_balance(
    call: Annotated[Call, reads("ledgers:read")],
    book_id: BookId,
    ledger_id: LedgerId,
    as_of: Annotated[Day | None, Query(description="Through this day; default now.")] = None,
) -> BalanceRead:
    """Debits, credits and the signed balance (positive on the normal side)."""
    book, balance = call.read(
        lambda uow: (
            get_book(uow, book_id),
            ledgers.ledger_balance(uow, book_id, ledger_id, as_of),
        )
    )
    return BalanceRead.of(book, balance)
