"""The chart of accounts: number, name, type and current balance; create, rename, archive."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from folio.domain.errors import FolioError, InvalidInput
from folio.domain.ledgers import SUBTYPES, LedgerType
from folio.service import ledgers
from folio.web.app import redirect, render
from folio.web.forms import Problems, explain, place, text_of
from folio.web.pages import BOOK_TABS, Posted, Signed, book_url, load_book, router
from folio.web.session import Viewer

pages = router()
FIELDS = {"number", "name", "type", "subtype"}


def _page(
    request: Request,
    me: Viewer,
    book_id: str,
    *,
    values: dict[str, str] | None = None,
    problems: Problems | None = None,
    row_errors: dict[str, str] | None = None,
    row_values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    me.need("ledgers:read")
    book = load_book(me, book_id)
    found = me.read(lambda uow: ledgers.list_ledgers(uow, book_id))
    context: dict[str, Any] = {
        "book": book,
        "tabs": BOOK_TABS,
        "active": "ledgers",
        "ledgers": found,
        "types": [t.value for t in LedgerType],
        "subtypes": {t.value: SUBTYPES[t] for t in LedgerType},
        "values": values or {"type": "asset"},
        "problems": problems or Problems(),
        "row_errors": row_errors or {},
        "row_values": row_values or {},
        "can_write": me.can("ledgers:write"),
    }
    return render(request, "ledgers.html", context, viewer=me, status=status)


@pages.get("/books/{book_id}/ledgers")
def chart(request: Request, book_id: str, me: Signed) -> Response:
    return _page(request, me, book_id)


@pages.post("/books/{book_id}/ledgers")
def create(request: Request, book_id: str, me: Signed, form: Posted) -> Response:
    me.need("ledgers:write")
    values = {name: text_of(form, name).strip() for name in FIELDS}
    problems = Problems()
    try:
        try:
            kind = LedgerType(values["type"])
        except ValueError as exc:
            raise InvalidInput("Choose a type.", {"field": "type"}) from exc
        command = ledgers.LedgerCreate(
            name=values["name"],
            type=kind,
            number=values["number"] or None,
            subtype=values["subtype"] or None,
        )
        me.write(lambda uow: ledgers.create_ledger(uow, book_id, command, me.actor))
    except FolioError as exc:
        place(exc, problems, FIELDS)
        return _page(request, me, book_id, values=values, problems=problems, status=422)
    return redirect(book_url(book_id, "ledgers") + "#created")


def _update(
    request: Request, book_id: str, ledger_id: str, me: Viewer, command: ledgers.LedgerUpdate
) -> Response:
    me.need("ledgers:write")
    try:
        me.write(lambda uow: ledgers.update_ledger(uow, book_id, ledger_id, command, me.actor))
    except FolioError as exc:
        if exc.code == "NOT_FOUND":
            raise
        return _page(
            request,
            me,
            book_id,
            row_errors={ledger_id: explain(exc)},
            row_values={ledger_id: command.name or ""},
            status=422,
        )
    return redirect(book_url(book_id, "ledgers") + f"#{ledger_id}")


@pages.post("/books/{book_id}/ledgers/{ledger_id}/rename")
def rename(request: Request, book_id: str, ledger_id: str, me: Signed, form: Posted) -> Response:
    return _update(
        request, book_id, ledger_id, me, ledgers.LedgerUpdate(name=text_of(form, "name"))
    )


@pages.post("/books/{book_id}/ledgers/{ledger_id}/archive")
def archive(request: Request, book_id: str, ledger_id: str, me: Signed, form: Posted) -> Response:
    archived = text_of(form, "archived") != "false"
    return _update(request, book_id, ledger_id, me, ledgers.LedgerUpdate(archived=archived))
