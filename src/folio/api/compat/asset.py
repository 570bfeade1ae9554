"""Drop-in compatible endpoints for asset clients (DESIGN §5): request → service call → response.

A business is a Folio book: its id is the book id, and the path parameter is named `book_id`
so that the authentication dependency refuses another business's id with a 404 (a credential
bound to one book never learns whether another exists). Success bodies are wrapped in `data`;
errors are Folio's envelope, whose `error` and `data` are the two fields Asset's
`ErrorResponse` requires. Asset documents 401, 403, 404, 422 and 503 only, so Folio's 400
(malformed JSON) and 409 (conflicts) leave these routes as 422 with the same `code`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from starlette.responses import Response

from folio.api.compat.asset_schemas import (
    AssetJournalEntryCreate,
    AssetJournalEntryEnvelope,
    AssetLedgerCreate,
    AssetLedgerEnvelope,
    AssetLedgerList,
    AssetToken,
    AssetTrialBalance,
    BusinessCreate,
    BusinessEnvelope,
    BusinessList,
    BusinessUpdate,
    LedgerOpeningBalanceRequest,
    LedgerOpeningBalanceSuccess,
    business,
    folio_subtype,
    journal_entry,
    ledger,
    trial_balance_row,
)
from folio.api.compat.common import (
    JsonBody,
    dumps,
    json_response,
    number,
    refuse_unsupported,
    utc_date,
)
from folio.api.deps import JSON, Call, reads, unbound, writes
from folio.api.routes.auth import client_credentials_grant
from folio.api.routes.common import ID_PATTERN
from folio.api.routing import FolioRoute
from folio.api.schemas.common import ERROR_RESPONSES
from folio.domain.books import Book
from folio.domain.errors import InvalidInput
from folio.domain.journal import Entry
from folio.domain.ledgers import Ledger
from folio.domain.money import parse_minor
from folio.service import books, journal, ledgers, opening_balances, opening_state, reports
from folio.service.books import get_book
from folio.store.uow import UnitOfWork

# Statuses Asset does not document, and the one its clients get instead.
_REMAPPED = {400: 422, 409: 422}
MAX_PAGE_SIZE = 100


class AssetRoute(FolioRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            response = await handler(request)
            response.status_code = _REMAPPED.get(response.status_code, response.status_code)
            return response

        return route_handler


router = APIRouter(
    prefix="/compat/asset",
    tags=["compat: asset"],
    route_class=AssetRoute,
    responses={k: v for k, v in ERROR_RESPONSES.items() if k not in _REMAPPED},
)

BusinessId = Annotated[
    str,
    Path(
        pattern=ID_PATTERN,
        title="Business Id",
        description="The id of the business (a Folio book id).",
        examples=["bk_4xGq8c1Zr2VhXy7mJt3Lp9"],
    ),
]
LedgerId = Annotated[str, Path(pattern=ID_PATTERN, description="The id of the ledger")]
BUSINESS = "/v0/business/{book_id}"


# ----------------------------------------------------------------------------- auth


@router.post("/v0/auth/token", response_model=AssetToken, summary="Get an access token")
def issue_token(
    request: Request,
    client_id: Annotated[str, Form(max_length=64)],
    client_secret: Annotated[str, Form(max_length=200)],
    business_id: Annotated[
        str | None, Form(max_length=64, description="Bind the token to this business.")
    ] = None,
    scope: Annotated[
        str | None,
        Form(max_length=1000, description="Space-separated, e.g. `ledger:read ledger:update`."),
    ] = None,
    grant_type: Annotated[str | None, Form(examples=["client_credentials"])] = None,
) -> Response:
    """OAuth2 client credentials from `folio clients create`; the token lasts one hour."""
    # Asset's clients may leave grant_type out; it can only mean client credentials.
    grant = client_credentials_grant(
        request,
        grant_type=grant_type or "client_credentials",
        client_id=client_id,
        client_secret=client_secret,
        scope=scope,
        book_id=business_id,
    )
    body = AssetToken(access_token=grant.access_token, expires_in=grant.expires_in)
    return Response(
        body.model_dump_json(),
        media_type=JSON,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


# ----------------------------------------------------------------------------- business


def _render_business(book: Book) -> JsonBody:
    return dumps({"data": business(book)})


@router.post(
    "/v0/business", status_code=201, response_model=BusinessEnvelope, summary="Create a business"
)
def create_business(call: Annotated[Call, writes("books:write")], body: BusinessCreate) -> Response:
    """A book whose chart follows `entity_type`; its id is the business id."""
    unbound(call)
    refuse_unsupported(body.unsupported())
    chart, currency = body.chart_and_currency()
    command = books.BookCreate(
        name=body.name,
        currency=currency,
        entries_start=body.entries_start,
        fiscal_year_start=body.fiscal_year_start,
        chart=chart,
    )
    return call.write(
        lambda uow: books.create_book(uow, command, call.actor), _render_business, status=201
    )


@router.get("/v0/business", response_model=BusinessList, summary="List businesses")
def list_businesses(
    call: Annotated[Call, reads("books:read")],
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = MAX_PAGE_SIZE,
    page_token: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """A credential bound to one business sees only that one."""
    found = call.read(
        lambda uow: books.list_books(
            uow, only=call.principal.book_id, after=page_token, limit=page_size + 1
        )
    )
    next_token = found[page_size - 1].id if len(found) > page_size else None
    return json_response(
        {
            "data": [business(book) for book in found[:page_size]],
            "next_page_token": next_token,
            "previous_page_token": None,
        }
    )


@router.get(BUSINESS, response_model=BusinessEnvelope, summary="Read a business")
def get_business(call: Annotated[Call, reads("books:read")], book_id: BusinessId) -> Response:
    return json_response({"data": business(call.read(lambda uow: get_book(uow, book_id)))})


@router.patch(BUSINESS, response_model=BusinessEnvelope, summary="Update a business")
def update_business(
    call: Annotated[Call, writes("books:write")], book_id: BusinessId, body: BusinessUpdate
) -> Response:
    """Only the name changes; `status` may only be `active`."""
    refuse_unsupported(body.unsupported())

    def change(uow: UnitOfWork) -> Book:
        if body.name is None:
            return get_book(uow, book_id)
        return books.rename_book(uow, book_id, body.name, call.actor)

    return call.write(change, _render_business, book_id=book_id)


# ----------------------------------------------------------------------------- ledgers


@router.post(
    BUSINESS + "/ledger",
    status_code=201,
    response_model=AssetLedgerEnvelope,
    summary="Create a ledger",
)
def create_ledger(
    call: Annotated[Call, writes("ledgers:write")], book_id: BusinessId, body: AssetLedgerCreate
) -> Response:
    refuse_unsupported(body.unsupported())
    command = ledgers.LedgerCreate(
        name=body.name,
        type=body.type,
        number=body.sort_code,
        subtype=folio_subtype(body.subtype),
        normal_balance=body.debit_credit,
        parent_id=body.parent_id,
        description=body.description,
    )
    return call.write(
        lambda uow: ledgers.create_ledger(uow, book_id, command, call.actor),
        lambda made: dumps({"data": ledger(made)}),
        status=201,
        book_id=book_id,
    )


@router.get(BUSINESS + "/ledger", response_model=AssetLedgerList, summary="List all ledgers")
def list_ledgers(call: Annotated[Call, reads("ledgers:read")], book_id: BusinessId) -> Response:
    """The whole chart, by sort code, then ledgers without one."""
    found: list[Ledger] = call.read(lambda uow: ledgers.list_ledgers(uow, book_id))
    return json_response({"data": [ledger(item) for item in found]})


@router.get(
    BUSINESS + "/ledger/{ledger_id}", response_model=AssetLedgerEnvelope, summary="Read a ledger"
)
def get_ledger(
    call: Annotated[Call, reads("ledgers:read")], book_id: BusinessId, ledger_id: LedgerId
) -> Response:
    found = call.read(lambda uow: ledgers.get_ledger(uow, book_id, ledger_id))
    return json_response({"data": ledger(found)})


@router.put(
    BUSINESS + "/ledger/{ledger_id}/opening-balance",
    response_model=LedgerOpeningBalanceSuccess,
    summary="Set the Opening Balance for a Ledger",
    description="**Scopes:** `ledger:update`",
)
def set_ledger_opening_balance(
    call: Annotated[Call, writes("ledgers:write")],
    book_id: BusinessId,
    ledger_id: LedgerId,
    body: LedgerOpeningBalanceRequest,
) -> Response:
    """Replaces: Folio reverses the live opening-balance entry and posts the full new amount,
    both dated the entries start; the same amount posts nothing; 0 clears."""

    def put(uow: UnitOfWork) -> tuple[Book, opening_state.LedgerOpening]:
        book = get_book(uow, book_id)
        amount = parse_minor(body.amount, book.exponent)
        return book, opening_balances.set_ledger_opening(
            uow, book_id, ledger_id, amount, call.actor
        )

    def render(result: tuple[Book, opening_state.LedgerOpening]) -> JsonBody:
        book, opening = result
        return dumps(
            {
                "data": {
                    "ledger_id": opening.ledger.id,
                    "amount": number(opening.amount, book.exponent),
                }
            }
        )

    return call.write(put, render, book_id=book_id)


# ----------------------------------------------------------------------------- journal entries


@router.post(
    BUSINESS + "/journal-entries",
    status_code=201,
    response_model=AssetJournalEntryEnvelope,
    summary="Create a journal entry",
)
def create_journal_entry(
    call: Annotated[Call, writes("journal:write")],
    book_id: BusinessId,
    body: AssetJournalEntryCreate,
) -> Response:
    """Dated on the UTC day of `datetime`; debits must equal credits."""

    def post(uow: UnitOfWork) -> tuple[Book, Entry]:
        book = journal.posting_book(uow, book_id)
        lines = [
            journal.LineInput(
                side=line.debit_credit,
                amount=parse_minor(line.amount, book.exponent, field=f"lines[{i}].amount"),
                ledger_id=line.ledger_id,
                description=line.description,
                tags=tuple(line.tag_value_ids),
            )
            for i, line in enumerate(body.lines)
        ]
        command = journal.EntryCreate(date=body.datetime, lines=lines, description=body.description)
        return book, journal.post_entry(uow, book_id, command, call.actor)

    return call.write(
        post,
        lambda result: dumps({"data": journal_entry(result[1], result[0])}),
        status=201,
        book_id=book_id,
    )


# ----------------------------------------------------------------------------- reports


@router.get(
    BUSINESS + "/reports/trial-balance",
    response_model=AssetTrialBalance,
    summary="Retrieve the trial balance report",
)
def trial_balance(
    call: Annotated[Call, reads("reports:read")],
    book_id: BusinessId,
    end_datetime: Annotated[
        str | None,
        Query(max_length=40, description="An ISO 8601 date-time: through its UTC day."),
    ] = None,
    basis: Annotated[str, Query(pattern="^(accrual|modified_cash)$")] = "modified_cash",
) -> Response:
    """Every ledger's debit or credit balance as of `end_datetime`: the closing column of the
    trial balance of its fiscal year to date (balance-sheet ledgers as of that day, revenue and
    expense for the year, earlier results in retained earnings). Folio keeps one basis: both
    `basis` values return the books as posted."""
    try:
        end = utc_date(end_datetime, "end_datetime") if end_datetime else date.today()
    except ValueError as exc:
        raise InvalidInput(str(exc), {"field": "end_datetime"}) from exc

    def report(uow: UnitOfWork) -> reports.TrialBalance:
        book = get_book(uow, book_id)
        start = min(max(book.entries_start, book.fiscal_year_begin(end)), end)
        return reports.trial_balance(uow, book_id, date_from=start, date_to=end, include_empty=True)

    result = call.read(report)
    return json_response({"data": [trial_balance_row(row, result.exponent) for row in result.rows]})
