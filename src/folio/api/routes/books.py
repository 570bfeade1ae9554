from __future__ import annotations

from typing import Annotated

from fastapi import Response

from folio.api.deps import Call, reads, unbound, writes
from folio.api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page
from folio.api.routes.common import BookId, router
from folio.api.schemas.books import BookCreate, BookRead, BookUpdate
from folio.api.schemas.common import Page
from folio.domain.books import Book
from folio.service import books
from folio.store.uow import UnitOfWork

api = router("/v1/books", "books")


@api.post("", status_code=201, response_model=BookRead, summary="Create a book")
def create_book(call: Annotated[Call, writes("books:write")], body: BookCreate) -> Response:
    """Create a book with its chart of accounts and system ledgers."""
    unbound(call)
    command = books.BookCreate(
        name=body.name,
        currency=body.currency,
        entries_start=body.entries_start,
        fiscal_year_start=body.fiscal_year_start,
        chart=body.chart,
    )
    return call.write(
        lambda uow: books.create_book(uow, command, call.actor), BookRead.of, status=201
    )


@api.get("", response_model=Page[BookRead], summary="List books")
def list_books(
    call: Annotated[Call, reads("books:read")], limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[BookRead]:
    """Every book; a credential bound to a book sees only that one."""
    after = decode_cursor(cursor, str)
    found = call.read(
        lambda uow: books.list_books(uow, only=call.principal.book_id, after=after, limit=limit + 1)
    )
    items, next_cursor = page(found, limit, lambda book: book.id)
    return Page(data=[BookRead.of(book) for book in items], next_cursor=next_cursor)


@api.get("/{book_id}", response_model=BookRead, summary="Read a book")
def get_book(call: Annotated[Call, reads("books:read")], book_id: BookId) -> BookRead:
    return BookRead.of(call.read(lambda uow: books.get_book(uow, book_id)))


@api.patch("/{book_id}", response_model=BookRead, summary="Rename a book, set its DATEV numbers")
def update_book(
    call: Annotated[Call, writes("books:write")], book_id: BookId, body: BookUpdate
) -> Response:
    """Change the name, the DATEV Beraternummer or the Mandantennummer; a field left out stays
    as it is, a DATEV number sent as null is cleared."""
    given = body.model_fields_set
    settings = {
        field: getattr(body, field)
        for field in ("datev_consultant_number", "datev_client_number")
        if field in given
    }

    def change(uow: UnitOfWork) -> Book:
        return books.update_book(uow, book_id, call.actor, name=body.name, **settings)

    return call.write(change, BookRead.of, book_id=book_id)
