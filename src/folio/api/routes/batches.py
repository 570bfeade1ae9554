"""Batches: many journal entries (`journal:write`), or many ledgers' opening balances
(`ledgers:write`), in one request and one transaction; one Idempotency-Key covers the batch."""

from __future__ import annotations

from typing import Annotated

from fastapi import Response

from folio.api.deps import Call, writes
from folio.api.routes.common import BOOK, BookId, router
from folio.api.schemas.batches import (
    EntryBatchCreate,
    EntryBatchRead,
    LedgerOpeningsRead,
    LedgerOpeningsUpdate,
)
from folio.domain.books import Book
from folio.domain.errors import FolioError
from folio.service import journal, journal_batches, opening_batches
from folio.service.books import get_book
from folio.service.opening_batches import OpeningItem
from folio.service.opening_state import LedgerOpening
from folio.store.uow import UnitOfWork

api = router(BOOK, "batches")


@api.post(
    "/journal-entries/batch",
    response_model=EntryBatchRead,
    responses={201: {"model": EntryBatchRead, "description": "atomic: every entry booked"}},
    summary="Post up to 1,000 entries",
)
def post_entries(
    call: Annotated[Call, writes("journal:write")], book_id: BookId, body: EntryBatchCreate
) -> Response:
    """Each entry is a posting of its own (its own intent), booked in order. `atomic: true`
    (default) books all or none: 201, or 422 `BATCH_REJECTED` with `data.errors` listing every
    problem as `{index, code, message, field}`. `atomic: false` answers 200 with one result
    per entry, `{index, id}` or `{index, error: {code, message, field}}`."""

    # Reading the entries into commands needs only the book's decimals, which never change
    # once the book exists, and most of their drafts nothing else: done here, on the request's
    # thread, while the one writer books the batches before this one (the commands were a
    # tenth of the writer's time under load).
    book = call.read(lambda uow: get_book(uow, book_id))
    commands = journal_batches.drafted(body.commands(book))

    def post(uow: UnitOfWork) -> journal_batches.BatchResult:
        return journal_batches.post_entries(uow, book_id, commands, call.actor, atomic=body.atomic)

    return call.write(
        post,
        lambda result: EntryBatchRead.of(body.atomic, result),
        status=201 if body.atomic else 200,
        book_id=book_id,
    )


@api.post(
    "/ledgers/opening-balances",
    response_model=LedgerOpeningsRead,
    summary="Set up to 100 ledgers' opening balances",
)
def set_ledger_openings(
    call: Annotated[Call, writes("ledgers:write")], book_id: BookId, body: LedgerOpeningsUpdate
) -> Response:
    """Each item replaces its ledger's opening balance as `PUT .../ledgers/{id}/opening-balance`
    does (0 clears it), in order; each ledger at most once. 200 with one result per item,
    `{index, ledger_id, balance, changed, posted}` or `{index, ledger_id, error}`."""

    def put(
        uow: UnitOfWork,
    ) -> tuple[Book, list[OpeningItem], list[LedgerOpening | FolioError]]:
        book = journal.posting_book(uow, book_id)
        items = body.items(book)
        return book, items, opening_batches.set_ledger_openings(uow, book_id, items, call.actor)

    return call.write(put, lambda r: LedgerOpeningsRead.of(*r), book_id=book_id)
