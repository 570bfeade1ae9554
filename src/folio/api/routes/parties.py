"""Customers and suppliers (`ledgers:read`/`ledgers:write`), their open items at conversion
(booked as opening balances: `journal:write`), open items as of a date and the aged
receivables and payables (`reports:read`, JSON, CSV or XLSX by `Accept`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query, Request, Response

from folio.api.deps import Call, reads, writes
from folio.api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page
from folio.api.routes.common import BOOK, BookId, router
from folio.api.routes.reports import FILE_RESPONSES, _report
from folio.api.schemas.common import Day, Page
from folio.api.schemas.parties import (
    ItemsCreate,
    ItemsRead,
    ItemStateRead,
    NumberRange,
    NumberRanges,
    OpenItemRead,
    PartyCreate,
    PartyRead,
    PartyUpdate,
)
from folio.domain.books import Book
from folio.domain.parties import Party, PartyKind
from folio.service import aging, open_items, parties
from folio.service.books import get_book
from folio.service.changes import KEEP
from folio.store.uow import UnitOfWork

api = router(BOOK, "customers and suppliers")
PartyId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_]{1,64}$")]
AsOf = Annotated[Day | None, Query(description="The day (default today).")]


def _ranges(found: dict[PartyKind, tuple[int, int]]) -> NumberRanges:
    return NumberRanges(
        customers=NumberRange(
            first=found[PartyKind.CUSTOMER][0], last=found[PartyKind.CUSTOMER][1]
        ),
        suppliers=NumberRange(
            first=found[PartyKind.SUPPLIER][0], last=found[PartyKind.SUPPLIER][1]
        ),
    )


@api.post(
    "/parties", status_code=201, response_model=PartyRead, summary="Create a customer or supplier"
)
def create_party(
    call: Annotated[Call, writes("ledgers:write")], book_id: BookId, body: PartyCreate
) -> Response:
    command = parties.PartyCreate(
        kind=body.kind, name=body.name, number=body.number, tax_id=body.tax_id,
        address=body.address, payment_terms_days=body.payment_terms_days,
    )  # fmt: skip
    return call.write(
        lambda uow: parties.create_party(uow, book_id, command, call.actor),
        PartyRead.of,
        status=201,
        book_id=book_id,
    )


@api.get("/parties", response_model=Page[PartyRead], summary="List customers and suppliers")
def list_parties(
    call: Annotated[Call, reads("ledgers:read")],
    book_id: BookId,
    kind: PartyKind | None = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Text in the name, or the number's start.")
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[PartyRead]:
    """In number order."""
    after = decode_cursor(cursor, str)
    found = call.read(
        lambda uow: parties.list_parties(
            uow, book_id, kind=kind, text=q, after=after, limit=limit + 1
        )
    )
    items, next_cursor = page(found, limit, lambda party: party.number)
    return Page(data=[PartyRead.of(party) for party in items], next_cursor=next_cursor)


@api.get("/parties/{party_id}", response_model=PartyRead, summary="One customer or supplier")
def get_party(
    call: Annotated[Call, reads("ledgers:read")], book_id: BookId, party_id: PartyId
) -> PartyRead:
    return PartyRead.of(call.read(lambda uow: parties.get_party(uow, book_id, party_id)))


@api.patch("/parties/{party_id}", response_model=PartyRead, summary="Change a customer or supplier")
def update_party(
    call: Annotated[Call, writes("ledgers:write")],
    book_id: BookId,
    party_id: PartyId,
    body: PartyUpdate,
) -> Response:
    given = body.model_fields_set  # a tax id or an address sent as null is cleared
    command = parties.PartyUpdate(
        name=body.name,
        tax_id=body.tax_id if "tax_id" in given else KEEP,
        address=body.address if "address" in given else KEEP,
        payment_terms_days=body.payment_terms_days, archived=body.archived,
    )  # fmt: skip

    def change(uow: UnitOfWork) -> Party:
        return parties.update_party(uow, book_id, party_id, command, call.actor)

    return call.write(change, PartyRead.of, book_id=book_id)


@api.get("/party-numbers", response_model=NumberRanges, summary="The number ranges of parties")
def get_ranges(call: Annotated[Call, reads("ledgers:read")], book_id: BookId) -> NumberRanges:
    return _ranges(call.read(lambda uow: parties.get_number_ranges(uow, book_id)))


@api.put("/party-numbers/{kind}", response_model=NumberRanges, summary="Set a number range")
def set_range(
    call: Annotated[Call, writes("ledgers:write")],
    book_id: BookId,
    kind: PartyKind,
    body: NumberRange,
) -> Response:
    """In a German book every existing party of the kind must lie in the new range."""
    return call.write(
        lambda uow: parties.set_number_range(uow, book_id, kind, body.first, body.last, call.actor),
        _ranges,
        book_id=book_id,
    )


@api.post("/open-items", status_code=201, response_model=ItemsRead, summary="Book open items")
def add_open_items(
    call: Annotated[Call, writes("journal:write")], book_id: BookId, body: ItemsCreate
) -> Response:
    """Customers' unpaid invoices and suppliers' unpaid bills at conversion, booked as their
    control ledger's opening balance (against 9008 or 9009); all or none, every bad item
    listed with its row."""

    def add(uow: UnitOfWork) -> tuple[Book, open_items.ItemsBooked]:
        book = get_book(uow, book_id)
        wanted = [item.item(i, book.exponent) for i, item in enumerate(body.items)]
        return book, open_items.add_open_items(uow, book_id, wanted, call.actor)

    def render(result: tuple[Book, open_items.ItemsBooked]) -> ItemsRead:
        book, booked = result
        return ItemsRead(data=[OpenItemRead.of(book, item) for item in booked.items])

    return call.write(add, render, status=201, book_id=book_id)


@api.get(
    "/parties/{party_id}/open-items",
    response_model=list[ItemStateRead],
    summary="A party's items as of a date",
)
def party_items(
    call: Annotated[Call, reads("reports:read")],
    book_id: BookId,
    party_id: PartyId,
    as_of: AsOf = None,
    include_settled: bool = False,
) -> list[ItemStateRead]:
    """Every item of the party still open on the day (with `include_settled`, all of them)."""
    day = as_of or date.today()

    def read(uow: UnitOfWork) -> tuple[Book, list[aging.ItemState]]:
        book = get_book(uow, book_id)
        found = aging.party_items(uow, book_id, party_id, day, include_settled=include_settled)
        return book, found

    book, states = call.read(read)
    return [ItemStateRead.of(book, state) for state in states]


def _aged(
    call: Call, request: Request, book_id: str, kind: PartyKind, as_of: date | None
) -> Response:
    day = as_of or date.today()
    name = "aged-receivables" if kind is PartyKind.CUSTOMER else "aged-payables"
    return _report(call, request, name, lambda uow: aging.aged_report(uow, book_id, kind, day))


@api.get("/reports/aged-receivables", responses=FILE_RESPONSES, summary="Aged receivables")
def aged_receivables(
    call: Annotated[Call, reads("reports:read")],
    request: Request,
    book_id: BookId,
    as_of: AsOf = None,
) -> Response:
    """Customers' open items by days past due (current, 1-30, 31-60, 61-90, over 90); the
    buckets add up to the receivables control ledger's balance on the day."""
    return _aged(call, request, book_id, PartyKind.CUSTOMER, as_of)


@api.get("/reports/aged-payables", responses=FILE_RESPONSES, summary="Aged payables")
def aged_payables(
    call: Annotated[Call, reads("reports:read")],
    request: Request,
    book_id: BookId,
    as_of: AsOf = None,
) -> Response:
    """Suppliers' open items by days past due; the buckets add up to the payables control
    ledger's balance on the day."""
    return _aged(call, request, book_id, PartyKind.SUPPLIER, as_of)
