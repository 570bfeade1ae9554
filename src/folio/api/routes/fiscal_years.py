"""Fiscal years (DESIGN §3a): list, opening values, close (GET previews, POST closes), reopen,
continuity. Reading needs `periods:read` (the figures `reports:read`); closing and reopening
lock and open months, so they need `periods:write`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response

from folio.api.deps import Call, reads, writes
from folio.api.routes.common import BOOK, BookId, router
from folio.api.schemas.fiscal_years import (
    CloseCreate,
    ClosePreviewRead,
    ClosingRead,
    ContinuityRead,
    FiscalYearPage,
    FiscalYearRead,
    YearOpeningsRead,
)
from folio.service import fiscal_years
from folio.service.books import get_book
from folio.store.uow import UnitOfWork

api = router(f"{BOOK}/fiscal-years", "fiscal years")
Year = Annotated[int, Path(ge=1900, le=9998, description="Named by the year it starts in.")]


@api.get("", response_model=FiscalYearPage, summary="List fiscal years")
def list_years(call: Annotated[Call, reads("periods:read")], book_id: BookId) -> FiscalYearPage:
    """From the book's first fiscal year through the one holding today or its latest entry."""
    book, found = call.read(
        lambda uow: (get_book(uow, book_id), fiscal_years.list_years(uow, book_id))
    )
    return FiscalYearPage(data=[FiscalYearRead.of(book, info) for info in found])


@api.get("/{year}", response_model=FiscalYearRead, summary="One fiscal year")
def get_year(
    call: Annotated[Call, reads("periods:read")], book_id: BookId, year: Year
) -> FiscalYearRead:
    book, info = call.read(
        lambda uow: (get_book(uow, book_id), fiscal_years.year_info(uow, book_id, year))
    )
    return FiscalYearRead.of(book, info)


@api.get(
    "/{year}/opening-balances",
    response_model=YearOpeningsRead,
    summary="The opening (EB) values of a fiscal year",
)
def year_openings(
    call: Annotated[Call, reads("reports:read")], book_id: BookId, year: Year
) -> YearOpeningsRead:
    """Balance-sheet ledgers open with their balance at the end of the year before (in the first
    year: their opening balances); revenue and expense open at zero; the retained-earnings
    ledger takes every earlier year's result."""
    book, found = call.read(
        lambda uow: (get_book(uow, book_id), fiscal_years.year_figures(uow, book_id, year))
    )
    return YearOpeningsRead.of(book, found)


@api.get("/{year}/close", response_model=ClosePreviewRead, summary="Preview a year-end close")
def close_preview(
    call: Annotated[Call, reads("periods:read")], book_id: BookId, year: Year
) -> ClosePreviewRead:
    """What `POST` would record, and everything that stops it; changes nothing."""
    book, preview = call.read(
        lambda uow: (get_book(uow, book_id), fiscal_years.close_preview(uow, book_id, year))
    )
    return ClosePreviewRead.of(book, preview)


@api.post("/{year}/close", response_model=ClosingRead, status_code=201, summary="Close a year")
def close_year(
    call: Annotated[Call, writes("periods:write")],
    book_id: BookId,
    year: Year,
    body: CloseCreate | None = None,
) -> Response:
    """Soft-locks every month of the year (locks them with `final`) and records the closing
    balances, hash-chained; refused with the first blocker's code, changing nothing."""
    final = body.final if body else False

    def close(uow: UnitOfWork) -> ClosingRead:
        book = get_book(uow, book_id)
        closing = fiscal_years.close_year(uow, book_id, year, call.actor, final=final)
        return ClosingRead.of(book, closing)

    return call.write(close, lambda read: read, status=201, book_id=book_id)


@api.post("/{year}/reopen", response_model=ClosingRead, summary="Reopen a closed year")
def reopen_year(
    call: Annotated[Call, writes("periods:write")], book_id: BookId, year: Year
) -> Response:
    """Opens the year's soft-locked months again (not after a final close; later closed years
    first); the close stays on record, marked reopened, and the change is audited."""

    def reopen(uow: UnitOfWork) -> ClosingRead:
        book = get_book(uow, book_id)
        return ClosingRead.of(book, fiscal_years.reopen_year(uow, book_id, year, call.actor))

    return call.write(reopen, lambda read: read, book_id=book_id)


@api.get(
    "/{year}/continuity",
    response_model=ContinuityRead,
    summary="Does the next year open with exactly this year's recorded closing?",
)
def continuity(
    call: Annotated[Call, reads("reports:read")], book_id: BookId, year: Year
) -> ContinuityRead:
    """Bilanzidentität (HGB §252(1) no. 1): the year's newest recorded close against the next
    year's opening values now, ledger by ledger, naming the entries behind every difference."""
    book, found = call.read(
        lambda uow: (get_book(uow, book_id), fiscal_years.continuity(uow, book_id, year))
    )
    return ContinuityRead.of(book, found)
