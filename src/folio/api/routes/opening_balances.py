"""Opening balances (DESIGN §3): one ledger's (`ledgers:write`) and trial-balance sets
(`journal:write`). A set is reversed through `POST .../intents/{intent_id}/reverse`."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Response

from folio.api.deps import Call, reads, writes
from folio.api.routes.common import BOOK, BookId, LedgerId, router
from folio.api.schemas.opening_balances import (
    BookOpeningsRead,
    LedgerOpeningRead,
    LedgerOpeningUpdate,
    OpeningSetCreate,
    OpeningSetRead,
)
from folio.domain.books import Book
from folio.domain.money import parse_minor
from folio.service import opening_balances, opening_state
from folio.service.books import get_book
from folio.store.uow import UnitOfWork

api = router(BOOK, "opening balances")


@api.put(
    "/ledgers/{ledger_id}/opening-balance",
    response_model=LedgerOpeningRead,
    summary="Set one ledger's opening balance",
)
def set_ledger_opening(
    call: Annotated[Call, writes("ledgers:write")],
    book_id: BookId,
    ledger_id: LedgerId,
    body: LedgerOpeningUpdate,
) -> Response:
    """Replaces: the live opening-balance entry is reversed and one for the full new amount is
    posted, both dated the book's entries start. The same amount again posts nothing."""

    def put(uow: UnitOfWork) -> tuple[Book, opening_state.LedgerOpening]:
        book = get_book(uow, book_id)
        amount = parse_minor(body.amount, book.exponent)
        result = opening_balances.set_ledger_opening(uow, book_id, ledger_id, amount, call.actor)
        history = opening_state.ledger_opening(uow, book_id, ledger_id).entries
        return book, replace(result, entries=history)

    return call.write(put, lambda r: LedgerOpeningRead.of(*r), book_id=book_id)


@api.get(
    "/ledgers/{ledger_id}/opening-balance",
    response_model=LedgerOpeningRead,
    summary="One ledger's opening balance and its entries",
)
def get_ledger_opening(
    call: Annotated[Call, reads("ledgers:read")], book_id: BookId, ledger_id: LedgerId
) -> LedgerOpeningRead:
    book, result = call.read(
        lambda uow: (
            get_book(uow, book_id),
            opening_state.ledger_opening(uow, book_id, ledger_id),
        )
    )
    return LedgerOpeningRead.of(book, result)


@api.post(
    "/opening-balances",
    status_code=201,
    response_model=OpeningSetRead,
    summary="Book a trial balance as opening balances",
)
def book_opening_set(
    call: Annotated[Call, writes("journal:write")], book_id: BookId, body: OpeningSetCreate
) -> Response:
    """Each row becomes one entry against the offset ledger (9000 / Opening Balance Equity),
    dated the book's opening date, all under one intent; all rows or none. One live set per
    book; a ledger set on its own cannot be in it."""

    def book_set(uow: UnitOfWork) -> tuple[Book, opening_balances.SetResult]:
        book = get_book(uow, book_id)
        return book, opening_balances.book_opening_set(
            uow, book_id, body.date, body.rows(book), call.actor
        )

    return call.write(book_set, lambda r: OpeningSetRead.of(*r), status=201, book_id=book_id)


@api.get(
    "/opening-balances",
    response_model=BookOpeningsRead,
    summary="Every ledger's opening balance",
)
def get_book_openings(
    call: Annotated[Call, reads("ledgers:read")], book_id: BookId
) -> BookOpeningsRead:
    book, openings = call.read(
        lambda uow: (get_book(uow, book_id), opening_state.book_openings(uow, book_id))
    )
    return BookOpeningsRead.of(book, openings)
