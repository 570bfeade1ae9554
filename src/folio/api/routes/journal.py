from __future__ import annotations

from typing import Annotated

from fastapi import Body, Query, Response

from folio.api.deps import Call, reads, writes
from folio.api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page
from folio.api.routes.common import BOOK, ID_PATTERN, BookId, EntryId, IntentId, router
from folio.api.schemas.common import Day, Page
from folio.api.schemas.journal import (
    EntryCreate,
    EntryJson,
    EntryRead,
    IntentReversalCreate,
    IntentReversalRead,
    ReversalCreate,
)
from folio.domain.books import Book
from folio.domain.journal import Entry
from folio.service import journal
from folio.service.books import get_book
from folio.store.uow import UnitOfWork

api = router(BOOK, "journal")
OptionalId = Annotated[str | None, Query(pattern=ID_PATTERN)]


def _render(result: tuple[Book, Entry]) -> EntryJson:
    return EntryJson(*result)


@api.post("/journal-entries", status_code=201, response_model=EntryRead, summary="Post an entry")
async def post_entry(
    call: Annotated[Call, writes("journal:write")], book_id: BookId, body: EntryCreate
) -> Response:
    """Lines name a ledger by `ledger_id` or `ledger_number` and carry a `debit` or `credit`."""

    def post(uow: UnitOfWork) -> tuple[Book, Entry]:
        book = journal.posting_book(uow, book_id)
        return book, journal.post_entry(uow, book_id, body.command(book), call.actor)

    merge = journal.posting_merge(book_id, body.command, call.actor)
    return await call.write_async(post, _render, status=201, book_id=book_id, merge=merge)


@api.get("/journal-entries", response_model=Page[EntryRead], summary="List entries")
def list_entries(
    call: Annotated[Call, reads("journal:read")],
    book_id: BookId,
    ledger_id: OptionalId = None,
    intent_id: OptionalId = None,
    date_from: Annotated[Day | None, Query(alias="from")] = None,
    date_to: Annotated[Day | None, Query(alias="to")] = None,
    opening_balance: Annotated[
        bool | None,
        Query(description="Only opening-balance entries (true) or only the others (false)."),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Text found in the description or the external reference (any case).",
        ),
    ] = None,
    external_reference: Annotated[
        str | None, Query(max_length=200, description="Exactly this external reference.")
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[EntryRead]:
    """In journal order; `from` and `to` bound the accounting date, both inclusive."""
    after = decode_cursor(cursor, int)

    def search(uow: UnitOfWork) -> tuple[Book, list[Entry]]:
        found = journal.list_entries(
            uow,
            book_id,
            ledger_id=ledger_id,
            intent_id=intent_id,
            date_from=date_from,
            date_to=date_to,
            opening_balance=opening_balance,
            text=q,
            external_reference=external_reference,
            after_number=after,
            limit=limit + 1,
        )
        return get_book(uow, book_id), found

    book, found = call.read(search)
    items, next_cursor = page(found, limit, lambda entry: entry.journal_number)
    return Page(data=[EntryRead.of(book, entry) for entry in items], next_cursor=next_cursor)


@api.get("/journal-entries/{entry_id}", response_model=EntryRead, summary="Read an entry")
def get_entry(
    call: Annotated[Call, reads("journal:read")], book_id: BookId, entry_id: EntryId
) -> EntryRead:
    return EntryRead.of(
        *call.read(lambda uow: (get_book(uow, book_id), journal.get_entry(uow, book_id, entry_id)))
    )


@api.post(
    "/journal-entries/{entry_id}/reverse",
    status_code=201,
    response_model=EntryRead,
    summary="Reverse an entry",
)
def reverse_entry(
    call: Annotated[Call, writes("journal:write")],
    book_id: BookId,
    entry_id: EntryId,
    body: Annotated[ReversalCreate | None, Body()] = None,
) -> Response:
    """Posts the mirrored entry, dated today or `date` (current_period) or as the original."""
    options = body or ReversalCreate()

    def reverse(uow: UnitOfWork) -> tuple[Book, Entry]:
        reversal = journal.reverse_entry(
            uow,
            book_id,
            entry_id,
            call.actor,
            mode=options.posting_mode,
            on=options.date,
            description=options.description,
        )
        return get_book(uow, book_id), reversal

    return call.write(reverse, _render, status=201, book_id=book_id)


@api.post(
    "/intents/{intent_id}/reverse",
    status_code=201,
    response_model=IntentReversalRead,
    summary="Reverse an intent",
)
def reverse_intent(
    call: Annotated[Call, writes("journal:write")],
    book_id: BookId,
    intent_id: IntentId,
    body: Annotated[IntentReversalCreate | None, Body()] = None,
) -> Response:
    """Mirrors every entry of the intent under one new intent, all or nothing."""
    options = body or IntentReversalCreate()

    def reverse(uow: UnitOfWork) -> tuple[Book, journal.IntentReversal]:
        result = journal.reverse_intent(
            uow,
            book_id,
            intent_id,
            call.actor,
            mode=options.posting_mode,
            on=options.date,
            reason=options.reason,
        )
        return get_book(uow, book_id), result

    return call.write(
        reverse, lambda result: IntentReversalRead.of(*result), status=201, book_id=book_id
    )
