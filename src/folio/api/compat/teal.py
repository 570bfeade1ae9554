"""Drop-in compatible endpoints for teal clients (DESIGN §5): request → service call → response.

An instance is a Folio book: the `teal-instance-id` header names it, and a credential bound to
another book gets 404. The `modified-by` header (HTTP headers are case-insensitive, so it is the
native `Modified-By`) is recorded on entries and in the audit log. Errors are Folio's envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query
from starlette.responses import Response

from folio.api.compat.common import JsonBody, dumps, json_response, refuse_unsupported
from folio.api.compat.teal_schemas import (
    OPENING_LEDGER_NAME,
    SUB_TYPE_IN,
    VIEW_PREFIX,
    TealInstance,
    TealInstanceCreate,
    TealJournalEntry,
    TealJournalEntryCreate,
    TealLedger,
    TealLedgerCreate,
    TealLedgerPage,
    TealOpeningBalanceCreate,
    TealOpeningBalancesCreate,
    TealOpeningBalancesResult,
    TealSubType,
    instance,
    journal_entry,
    ledger,
    opening_balances_result,
    opening_view,
    parse_expand,
    teal_sub_type,
    view_id,
)
from folio.api.deps import Call, reads, unbound, writes
from folio.api.routes.common import ID_PATTERN
from folio.api.routing import FolioRoute
from folio.api.schemas.common import ERROR_RESPONSES
from folio.domain.books import Book
from folio.domain.errors import FolioError, InvalidInput, NotFound
from folio.domain.journal import Entry
from folio.domain.ledgers import Ledger, LedgerType, Side
from folio.domain.money import parse_minor
from folio.domain.opening_balances import label
from folio.service import books, journal, ledgers, opening_balances, opening_batches, opening_state
from folio.service.books import get_book
from folio.store.uow import UnitOfWork

router = APIRouter(
    prefix="/compat/teal",
    tags=["compat: teal"],
    route_class=FolioRoute,
    responses=ERROR_RESPONSES,
)

InstanceId = Annotated[
    str,
    Header(
        alias="teal-instance-id",
        pattern=ID_PATTERN,
        description="The Teal instance id: a Folio book id.",
    ),
]
Expand = Annotated[
    list[str] | None,
    Query(description="Comma-separated list of Journal Entry expand paths."),
]
LedgerId = Annotated[str, Path(pattern=ID_PATTERN, description="The ledger ID")]
EntryId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_]{1,64}$", description="The journal entry ID")]
MAX_LEDGER_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Instance:
    """A request's call and the book its `teal-instance-id` names."""

    call: Call
    book_id: str


def _instance(call: Call, instance_id: str) -> Instance:
    """The instance, unless the credential is bound to another book (404). Runs after the
    scope check and before the body is read, like the native routes' `book_id`."""
    if not call.principal.sees_book(instance_id):
        raise NotFound(f"Instance {instance_id} not found.", {"instance_id": instance_id})
    return Instance(call, instance_id)


def reads_instance(scope: str) -> Any:
    """An endpoint's instance, after `reads(scope)`."""
    authorized = reads(scope)

    def dependency(instance_id: InstanceId, call: Call = authorized) -> Instance:
        return _instance(call, instance_id)

    return Depends(dependency)


def writes_instance(scope: str) -> Any:
    """An endpoint's instance, after `writes(scope)`."""
    authorized = writes(scope)

    def dependency(instance_id: InstanceId, call: Call = authorized) -> Instance:
        return _instance(call, instance_id)

    return Depends(dependency)


def _ledgers_of(uow: UnitOfWork, book_id: str, entries: list[Entry]) -> dict[str, Ledger]:
    wanted = {line.ledger_id for entry in entries for line in entry.lines}
    return {ledger_id: ledgers.get_ledger(uow, book_id, ledger_id) for ledger_id in wanted}


OpeningView = tuple[Book, list[Entry], dict[str, Ledger]]


def _opening_view(uow: UnitOfWork, book_id: str) -> OpeningView:
    """The book, its live opening-balance entries (the one reading of `opening_state`) and
    their ledgers."""
    book = get_book(uow, book_id)
    entries = opening_state.live_opening_entries(uow, book_id)
    return book, entries, _ledgers_of(uow, book_id, entries)


# ----------------------------------------------------------------------------- instances


@router.post(
    "/v0/instance", status_code=201, response_model=TealInstance, summary="Create an Instance"
)
def create_instance(
    call: Annotated[Call, writes("books:write")], body: TealInstanceCreate
) -> Response:
    """A book on the chart named by `coa_template_id` (default us_small_business)."""
    unbound(call)
    refuse_unsupported(body.unsupported())
    command = books.BookCreate(
        name=body.name,
        currency=body.currency,
        entries_start=body.entries_start,
        chart=body.coa_template_id or "us_small_business",
    )
    return call.write(
        lambda uow: books.create_book(uow, command, call.actor),
        lambda book: dumps(instance(book)),
        status=201,
    )


# ----------------------------------------------------------------------------- ledgers


@router.get("/v0/ledgers", response_model=TealLedgerPage, summary="List all Ledgers")
def list_ledgers(
    here: Annotated[Instance, reads_instance("ledgers:read")],
    ledger_type: Annotated[LedgerType | None, Query(alias="type")] = None,
    sub_type: TealSubType | None = None,
    debit_credit: Side | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LEDGER_LIMIT)] = MAX_LEDGER_LIMIT,
    page_token: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """The chart by sort code, then ledgers without one; `page_token` continues a list."""
    call, book_id = here.call, here.book_id
    found: list[Ledger] = call.read(lambda uow: ledgers.list_ledgers(uow, book_id))
    if page_token is not None:  # the id of the previous page's last ledger
        ids = [item.id for item in found]
        if page_token not in ids:
            raise InvalidInput("The page token is not valid.", {"field": "page_token"})
        found = found[ids.index(page_token) + 1 :]
    kept = [
        item
        for item in found
        if (ledger_type is None or item.type is ledger_type)
        and (sub_type is None or teal_sub_type(item) == sub_type)
        and (debit_credit is None or item.normal_balance is debit_credit)
    ]
    records = kept[:limit]
    next_token = records[-1].id if len(kept) > limit else None
    return json_response(
        {
            "next_page_token": next_token,
            "prev_page_token": None,
            "records": [ledger(item) for item in records],
        }
    )


@router.post("/v0/ledgers", status_code=201, response_model=TealLedger, summary="Create a Ledger")
def create_ledger(
    here: Annotated[Instance, writes_instance("ledgers:write")], body: TealLedgerCreate
) -> Response:
    call, book_id = here.call, here.book_id
    refuse_unsupported(body.unsupported())
    command = ledgers.LedgerCreate(
        name=body.name,
        type=body.type,
        number=body.sort_code,
        subtype=SUB_TYPE_IN[body.sub_type] if body.sub_type else None,
        normal_balance=body.debit_credit,
        parent_id=body.parent_id,
        description=body.description,
    )
    return call.write(
        lambda uow: ledgers.create_ledger(uow, book_id, command, call.actor),
        lambda made: dumps(ledger(made)),
        status=201,
        book_id=book_id,
    )


def in_teal_words(error: FolioError, offset: Ledger) -> FolioError:
    """The error as the Teal view names the offset ledger ("Opening Balance Retained
    Earnings"), so a refusal and `GET /v0/ledgers` call the same ledger the same way."""
    native = label(offset)
    if native not in error.message:
        return error
    teal = f"{offset.number} {OPENING_LEDGER_NAME}" if offset.number else OPENING_LEDGER_NAME
    return type(error)(error.message.replace(native, teal), error.data)


# Declared before any /v0/ledgers/{ledger_id} route so that "opening-balance" is no ledger id.
@router.get(
    "/v0/ledgers/opening-balance",
    response_model=TealJournalEntry,
    summary="Get all ledgers opening balances",
)
def get_opening_balances(
    here: Annotated[Instance, reads_instance("ledgers:read")], expand: Expand = None
) -> Response:
    """The instance's opening-balance journal entry: every live opening-balance line."""
    call, book_id = here.call, here.book_id
    paths = parse_expand(expand)
    book, entries, found = call.read(lambda uow: _opening_view(uow, book_id))
    return json_response(opening_view(book, entries, found, paths, datetime.now(UTC)))


@router.post(
    "/v0/ledgers/{ledger_id}/opening-balance",
    response_model=TealJournalEntry,
    summary="Set a Ledger's opening balance",
)
def set_opening_balance(
    here: Annotated[Instance, writes_instance("ledgers:write")],
    ledger_id: LedgerId,
    body: TealOpeningBalanceCreate,
    expand: Expand = None,
) -> Response:
    """Sets or replaces the ledger's opening balance on the instance's entries start and
    returns the instance's opening-balance journal entry (the view of
    `GET /v0/ledgers/opening-balance`)."""
    call, book_id = here.call, here.book_id
    paths = parse_expand(expand)

    def put(uow: UnitOfWork) -> OpeningView:
        book = get_book(uow, book_id)
        amount = parse_minor(body.balance, book.exponent, field="balance")
        try:
            opening_balances.set_ledger_opening(uow, book_id, ledger_id, amount, call.actor)
        except FolioError as exc:
            raise in_teal_words(exc, opening_state.offset_ledger(uow, book_id)) from None
        return _opening_view(uow, book_id)

    def render(result: OpeningView) -> JsonBody:
        return dumps(opening_view(*result, paths, datetime.now(UTC)))

    return call.write(put, render, book_id=book_id)


@router.post(
    "/v0/ledgers/opening-balances",
    response_model=TealOpeningBalancesResult,
    summary="Set many Ledgers' opening balances",
)
def set_opening_balances(
    here: Annotated[Instance, writes_instance("ledgers:write")],
    body: TealOpeningBalancesCreate,
) -> Response:
    """Up to 100 ledgers, each at most once, as Mercury Books (on Teal) sets them: each
    balance replaces that ledger's opening balance on the instance's entries start, offset
    against the opening-balance ledger; 0 clears it. 200 with a result per ledger,
    `{ledger_id, success, error}`, and `succeeded_count` / `failed_count`."""
    call, book_id = here.call, here.book_id

    def put(uow: UnitOfWork) -> list[tuple[str, FolioError | None]]:
        book = journal.posting_book(uow, book_id)
        items = body.items(book)
        outcomes = opening_batches.set_ledger_openings(uow, book_id, items, call.actor)
        offset = opening_state.offset_ledger(uow, book_id)
        return [
            (item.ledger_id, in_teal_words(outcome, offset))
            if isinstance(outcome, FolioError)
            else (item.ledger_id, None)
            for item, outcome in zip(items, outcomes, strict=True)
        ]

    return call.write(put, opening_balances_result, book_id=book_id)


# ----------------------------------------------------------------------------- journal entries


@router.post(
    "/v0/journal-entries",
    status_code=201,
    response_model=TealJournalEntry,
    summary="Create a Journal Entry",
)
def create_journal_entry(
    here: Annotated[Instance, writes_instance("journal:write")],
    body: TealJournalEntryCreate,
    expand: Expand = None,
) -> Response:
    """Dated on the UTC day of `datetime`; debits must equal credits."""
    call, book_id = here.call, here.book_id
    paths = parse_expand(expand)

    def post(uow: UnitOfWork) -> tuple[Entry, Book, dict[str, Ledger]]:
        book = journal.posting_book(uow, book_id)
        lines = [
            journal.LineInput(
                side=line.debit_credit,
                amount=parse_minor(line.amount, book.exponent, field=f"line_entries[{i}].amount"),
                ledger_id=line.ledger_id,
                description=line.description,
                tags=tuple(line.tags),
            )
            for i, line in enumerate(body.line_entries)
        ]
        command = journal.EntryCreate(date=body.datetime, lines=lines, description=body.description)
        entry = journal.post_entry(uow, book_id, command, call.actor)
        return entry, book, _ledgers_of(uow, book_id, [entry])

    return call.write(
        post,
        lambda result: dumps(journal_entry(*result, paths)),
        status=201,
        book_id=book_id,
    )


@router.get(
    "/v0/journal-entries/{entry_id}",
    response_model=TealJournalEntry,
    summary="Retrieve a Journal Entry",
)
def get_journal_entry(
    here: Annotated[Instance, reads_instance("journal:read")],
    entry_id: EntryId,
    expand: Expand = None,
) -> Response:
    """An entry with its line entries; the instance's opening-balance view by its `ob_` id."""
    call, book_id = here.call, here.book_id
    paths = parse_expand(expand)
    if entry_id.startswith(VIEW_PREFIX):
        if entry_id != view_id(book_id):
            raise NotFound(f"Journal entry {entry_id} not found.", {"entry_id": entry_id})
        book, entries, found = call.read(lambda uow: _opening_view(uow, book_id))
        return json_response(opening_view(book, entries, found, paths, datetime.now(UTC)))

    def read(uow: UnitOfWork) -> tuple[Entry, Book, dict[str, Ledger]]:
        book = get_book(uow, book_id)
        entry = journal.get_entry(uow, book_id, entry_id)
        return entry, book, _ledgers_of(uow, book_id, [entry])

    return json_response(journal_entry(*call.read(read), paths))
