"""Drop-in compatible endpoints for LedgerLou clients (DESIGN §5): thin translation only.

A LedgerLou client changes its base URL to `<folio>/compat/ledgerlou` and its key to a Folio
API key bound to one book (`folio keys create --book BOOK_ID --scopes "journal:read
journal:write perioden:read perioden:write"`); the book is the key's, as LedgerLou's tenant is.
Errors keep Folio's envelope and codes with LedgerLou's statuses (400 for invalid input and rule
violations, 409 for conflicts: `folio.api.errors.STATUS_OVERRIDES`). See docs/compat/ledgerlou.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Query
from starlette.responses import Response

from folio.api.compat.ledgerlou_schemas import (
    LedgerLouAccountCreate,
    LedgerLouAccountRead,
    LedgerLouAccountsRead,
    LedgerLouBookingCreate,
    LedgerLouBookingRead,
    LedgerLouEventRead,
    LedgerLouIntentRead,
    LedgerLouIntentSummary,
    LedgerLouOpeningBalancesCreate,
    LedgerLouOpeningBalancesRead,
    LedgerLouPeriodRead,
    LedgerLouReverseCreate,
    LedgerLouReverseRead,
    dumps,
    exact,
)
from folio.api.deps import JSON, Call, reads, writes
from folio.api.routes.common import ID_PATTERN
from folio.api.routing import FolioRoute
from folio.api.schemas.common import ErrorRead
from folio.domain.books import Book
from folio.domain.errors import (
    Account9000Missing,
    BalanceMismatch,
    FolioError,
    InsufficientScope,
    NotFound,
)
from folio.domain.journal import Entry
from folio.domain.ledgers import SUBTYPES, Ledger, LedgerType, Side
from folio.domain.periods import PeriodAction
from folio.service import journal, ledgers, opening_balances, opening_state, periods
from folio.service.books import get_book
from folio.service.journal import EntryCreate
from folio.store.uow import UnitOfWork

OFFSET_NUMBER = "9000"
MAX_INTENT_ENTRIES = 100_000


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorRead, "description": description}
    for status, description in (
        (400, "Invalid input, malformed JSON or a rule violation"),
        (401, "Missing or invalid key"),
        (403, "The key lacks the scope, or is not bound to a book"),
        (404, "Not found"),
        (409, "Conflict"),
        # FastAPI documents 422 for every route with parameters; this adapter answers 400.
        (422, "Never sent: LedgerLou answers invalid input with 400"),
        (503, "The database is unreachable"),
    )
}
router = APIRouter(
    prefix="/compat/ledgerlou",
    tags=["compat: ledgerlou"],
    route_class=FolioRoute,
    responses=ERRORS,
)
IntentId = Annotated[str, Path(pattern=ID_PATTERN)]
PeriodName = Annotated[str, Path(max_length=7, examples=["2025-01"])]


def bound_book(call: Call) -> str:
    """LedgerLou's tenant is the key's: a key for every book cannot say which one is meant."""
    if call.principal.book_id is None:
        raise InsufficientScope(
            "LedgerLou endpoints need an API key bound to one book "
            "(folio keys create --book BOOK_ID ...).",
            {"book_id": None},
        )
    return call.principal.book_id


def lou_reads(scope: str) -> Any:
    """A read context demanding `scope` from a key bound to a book (checked before the body)."""

    # A default, not Annotated: the annotation would be evaluated later, without `scope`.
    def bound(call: Call = reads(scope)) -> Call:  # noqa: B008
        bound_book(call)
        return call

    return Depends(bound)


def lou_writes(scope: str) -> Any:
    """A write context demanding `scope` from a key bound to a book (checked before the body)."""

    def bound(call: Call = writes(scope)) -> Call:  # noqa: B008
        bound_book(call)
        return call

    return Depends(bound)


def _json(body: object, status: int = 200) -> Response:
    return Response(dumps(body), status_code=status, media_type=JSON)


# ------------------------------------------------------------------- opening balances

_TOTALS = ("total_debit", "total_credit", "difference")


def _numbers(data: Any) -> Any:
    """BALANCE_MISMATCH's totals as exact JSON numbers, as LedgerLou's success gives them
    (the native API's data holds decimal strings)."""
    if not isinstance(data, dict):
        return data
    return {
        name: orjson.Fragment(value) if name in _TOTALS and isinstance(value, str) else value
        for name, value in data.items()
    }


def _booking_field(error: FolioError) -> FolioError:
    """Errors that name Folio's `date` name the request's field, `booking_date`."""
    data = error.data
    if isinstance(data, dict) and data.get("field") == "date":
        return type(error)(error.message, {**data, "field": "booking_date"})
    return error


def _offset_is_9000(uow: UnitOfWork, book_id: str) -> None:
    """LedgerLou books every opening balance against 9000: a book whose offset ledger has
    another number (a US chart's 3900) is, in LedgerLou's terms, a book without 9000."""
    offset = opening_state.offset_ledger(uow, book_id)
    if offset.number != OFFSET_NUMBER:
        raise Account9000Missing(
            f"The book's opening-balance offset ledger is {offset.number or offset.id} "
            f"{offset.name}, not 9000; LedgerLou opening balances need an SKR04/SKR03 book.",
            {"offset_ledger_id": offset.id, "offset_number": offset.number},
        )


@router.post(
    "/v1/bookings/opening-balances",
    response_model=LedgerLouOpeningBalancesRead,
    summary="Book opening balances (EB values) against 9000",
)
def post_opening_balances(
    call: Annotated[Call, lou_writes("journal:write")], body: LedgerLouOpeningBalancesCreate
) -> Response:
    """Each non-zero balance becomes one entry against 9000, all under one intent; a second
    set on the same date is 409 until the first is reversed."""
    book_id = bound_book(call)

    def book_set(uow: UnitOfWork) -> tuple[Book, opening_balances.SetResult]:
        book = get_book(uow, book_id)
        _offset_is_9000(uow, book_id)
        try:
            result = opening_balances.book_opening_set(
                uow,
                book_id,
                body.booking_date,
                body.rows(book),
                call.actor,
                date_field="booking_date",
            )
        except BalanceMismatch as exc:
            raise BalanceMismatch(exc.message, _numbers(exc.data)) from None
        return book, result

    def render(result: tuple[Book, opening_balances.SetResult]) -> LedgerLouOpeningBalancesRead:
        book, done = result
        return LedgerLouOpeningBalancesRead(
            intent_id=done.intent_id,
            event_count=done.event_count,
            total_debit=exact(done.total_debit, book.exponent),
            total_credit=exact(done.total_credit, book.exponent),
        )

    return call.write(book_set, render, book_id=book_id)


# ----------------------------------------------------------------------------- journal


@router.post(
    "/v1/journal/reverse", response_model=LedgerLouReverseRead, summary="Reverse an intent"
)
def reverse(
    call: Annotated[Call, lou_writes("journal:write")], body: LedgerLouReverseCreate
) -> Response:
    """Mirrors every entry of the intent under a new intent, dated today (current_period) or
    on the original dates (original_period)."""
    book_id = bound_book(call)

    def run(uow: UnitOfWork) -> journal.IntentReversal:
        return journal.reverse_intent(
            uow,
            book_id,
            body.intent_id,
            call.actor,
            mode=body.posting_mode,
            reason=body.reason,
        )

    def render(result: journal.IntentReversal) -> LedgerLouReverseRead:
        return LedgerLouReverseRead(
            reversal_intent_id=result.reversal_intent_id,
            original_intent_id=result.original_intent_id,
            event_count=len(result.entries),
        )

    return call.write(run, render, book_id=book_id)


@router.post("/v1/bookings", response_model=LedgerLouBookingRead, summary="Post a booking")
def post_booking(
    call: Annotated[Call, lou_writes("journal:write")], body: LedgerLouBookingCreate
) -> Response:
    """One balanced journal entry from lines with a debit or a credit each."""
    book_id = bound_book(call)

    def post(uow: UnitOfWork) -> Entry:
        book = journal.posting_book(uow, book_id)
        command = EntryCreate(
            date=body.booking_date,
            lines=body.lines_for(book),
            description=body.description,
            external_reference=body.external_reference,
            metadata=dict(body.custom_metadata),
        )
        try:
            return journal.post_entry(uow, book_id, command, call.actor)
        except FolioError as exc:
            raise _booking_field(exc) from None

    return call.write(
        post,
        lambda entry: LedgerLouBookingRead(intent_id=entry.intent_id, event_count=1),
        book_id=book_id,
    )


@router.get(
    "/v1/journal/{intent_id}", response_model=LedgerLouIntentRead, summary="An intent's entries"
)
def get_intent(call: Annotated[Call, lou_reads("journal:read")], intent_id: IntentId) -> Response:
    book_id = bound_book(call)

    def load(uow: UnitOfWork) -> LedgerLouIntentRead:
        book = get_book(uow, book_id)
        entries = journal.list_entries(uow, book_id, intent_id=intent_id, limit=MAX_INTENT_ENTRIES)
        if not entries:
            raise NotFound(f"Intent {intent_id} not found.", {"intent_id": intent_id})
        by_id = {ledger.id: ledger for ledger in ledgers.list_ledgers(uow, book_id)}
        events = [LedgerLouEventRead.of(book, entry, by_id) for entry in entries]
        return LedgerLouIntentRead(
            intent_id=intent_id,
            events=events,
            summary=LedgerLouIntentSummary(
                event_count=len(events),
                total=exact(
                    sum(
                        line.amount for e in entries for line in e.lines if line.side is Side.DEBIT
                    ),
                    book.exponent,
                ),
            ),
            reverses_intent_id=_linked_intent(uow, book_id, entries, lambda e: e.reverses_id),
            reversed_by_intent_id=_linked_intent(uow, book_id, entries, lambda e: e.reversed_by_id),
        )

    return _json(call.read(load).model_dump(mode="python"))


def _linked_intent(
    uow: UnitOfWork, book_id: str, entries: list[Entry], link: Callable[[Entry], str | None]
) -> str | None:
    """The intent of the first entry linked to one of `entries` (reversed or reversing)."""
    linked = next((link(entry) for entry in entries if link(entry) is not None), None)
    return journal.get_entry(uow, book_id, linked).intent_id if linked else None


# ---------------------------------------------------------------------------- accounts

Offset = Annotated[int, Query(ge=0, le=10_000_000)]
AccountLimit = Annotated[int, Query(ge=1, le=500, description="1 to 500.")]


@router.get("/v1/accounts", response_model=LedgerLouAccountsRead, summary="The chart of accounts")
def list_accounts(
    call: Annotated[Call, lou_reads("journal:read")], offset: Offset = 0, limit: AccountLimit = 500
) -> Response:
    """The book's numbered, active (not archived) ledgers in number order."""
    book_id = bound_book(call)
    found: list[Ledger] = call.read(lambda uow: ledgers.list_ledgers(uow, book_id))
    active = [ledger for ledger in found if ledger.number and not ledger.archived]
    page = LedgerLouAccountsRead(
        accounts=[LedgerLouAccountRead.of(ledger) for ledger in active[offset : offset + limit]],
        total=len(active),
        offset=offset,
        limit=limit,
    )
    return _json(page.model_dump(mode="python"))


@router.post(
    "/v1/accounts",
    status_code=201,
    response_model=LedgerLouAccountRead,
    summary="Create an account",
)
def create_account(
    call: Annotated[Call, lou_writes("ledgers:write")], body: LedgerLouAccountCreate
) -> Response:
    """A number already in the book (system accounts included) is 409 DUPLICATE_ACCOUNT."""
    book_id = bound_book(call)
    subtype = body.category if body.category in SUBTYPES[body.type] else None
    command = ledgers.LedgerCreate(
        name=body.name, type=LedgerType(body.type), number=body.number, subtype=subtype
    )
    return call.write(
        lambda uow: ledgers.create_ledger(uow, book_id, command, call.actor),
        LedgerLouAccountRead.of,
        status=201,
        book_id=book_id,
    )


# ----------------------------------------------------------------------------- periods


@router.get(
    "/v1/periods", response_model=list[LedgerLouPeriodRead], summary="Periods and their status"
)
def list_periods(call: Annotated[Call, lou_reads("periods:read")]) -> Response:
    """Every month from the book's entries start through this month, and later changed ones."""
    book_id = bound_book(call)
    found = call.read(lambda uow: periods.list_periods(uow, book_id))
    return _json([LedgerLouPeriodRead.of(period).model_dump(mode="python") for period in found])


def _change(action: PeriodAction) -> Callable[..., Response]:
    def change(call: Annotated[Call, lou_writes("periods:write")], period: PeriodName) -> Response:
        book_id = bound_book(call)
        return call.write(
            lambda uow: periods.change_period(uow, book_id, period, action, call.actor),
            LedgerLouPeriodRead.of,
            book_id=book_id,
        )

    change.__name__ = f"ledgerlou_period_{action.name.lower()}"
    return change


_SUMMARIES = {
    PeriodAction.SOFT_LOCK: "Soft-lock a period (it can be reopened)",
    PeriodAction.REOPEN: "Reopen a soft-locked period",
    PeriodAction.LOCK: "Lock a period for good (no four-eyes request)",
}
for _action, _summary in _SUMMARIES.items():
    router.post(
        f"/v1/periods/{{period}}/{_action.value}",
        response_model=LedgerLouPeriodRead,
        summary=_summary,
    )(_change(_action))
