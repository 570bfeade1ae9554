"""Customers and suppliers: the list, a new one, and an uploaded list of open invoices or bills
(an OPOS list) booked as the control ledger's opening balance; a party's own page with its
items as of a day and its details to change. The aged receivables and payables are on the
Reports page. The rules are the services'."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from folio.domain.digits import digits_value
from folio.domain.errors import FolioError, InvalidInput
from folio.domain.parties import PartyKind
from folio.service import aging, open_item_files, open_items, parties
from folio.web.app import redirect, render
from folio.web.forms import Problems, explain, field_of, parse_optional_day, text_of
from folio.web.pages import BOOK_TABS, Posted, Signed, book_url, load_book, router
from folio.web.session import Viewer

pages = router()
KINDS = {kind.value for kind in PartyKind}


def _page(
    request: Request,
    me: Viewer,
    book_id: str,
    problems: Problems | None = None,
    values: dict[str, str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    me.need("ledgers:read")
    book = load_book(me, book_id)
    found = me.read(lambda uow: parties.list_parties(uow, book_id, limit=100_000))
    ranges = me.read(lambda uow: parties.number_ranges(uow, book_id))
    context: dict[str, Any] = {
        "book": book,
        "tabs": BOOK_TABS,
        "active": "parties",
        "parties": found,
        "ranges": ranges,
        "kinds": list(PartyKind),
        "problems": problems or Problems(),
        "values": values or {},
        "notice": notice,
        "can_write": me.can("ledgers:write"),
        "can_book": me.can("journal:write"),
    }
    return render(request, "parties.html", context, viewer=me, status=status)


@pages.get("/books/{book_id}/parties")
def show(request: Request, book_id: str, me: Signed) -> Response:
    return _page(request, me, book_id)


@pages.post("/books/{book_id}/parties")
def create(request: Request, book_id: str, me: Signed, form: Posted) -> Response:
    me.need("ledgers:write")
    values = {name: text_of(form, name).strip() for name in
              ("kind", "name", "number", "tax_id", "terms")}  # fmt: skip
    try:
        if values["kind"] not in KINDS:
            raise InvalidInput("Choose customer or supplier.", {"field": "kind"})
        terms = digits_value(values["terms"] or "0")
        if terms is None:
            raise InvalidInput("Payment terms are a number of days.",
                               {"field": "payment_terms_days"})  # fmt: skip
        command = parties.PartyCreate(
            PartyKind(values["kind"]), values["name"], values["number"] or None,
            values["tax_id"] or None, None, terms,
        )  # fmt: skip
        me.write(lambda uow: parties.create_party(uow, book_id, command, me.actor))
    except FolioError as exc:
        problems = Problems(fields={field_of(exc) or "name": explain(exc)})
        return _page(request, me, book_id, problems, values, status=422)
    return redirect(book_url(book_id, "parties"))


def _read(upload: UploadFile, data: bytes, exponent: int) -> open_item_files.ParsedItems:
    suffix = ".xlsx" if (upload.filename or "").lower().endswith((".xlsx", ".xlsm")) else ".csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"items{suffix}"
        path.write_bytes(data)
        try:
            return open_item_files.read_open_items(path, exponent)
        except InvalidInput:
            raise
        except Exception as exc:  # openpyxl raises many kinds on a broken file
            raise InvalidInput("This file could not be read as CSV or Excel.",
                               {"field": "file"}) from exc  # fmt: skip


@pages.post("/books/{book_id}/parties/open-items")
async def upload(request: Request, book_id: str, me: Signed, form: Posted) -> Response:
    from starlette.concurrency import run_in_threadpool

    me.need("journal:write")
    book = await run_in_threadpool(load_book, me, book_id)
    file, kind = form.get("file"), text_of(form, "kind")
    problems = Problems()
    if kind not in KINDS:
        problems.fields["upload"] = "Choose whether the file lists customers' or suppliers' items."
    elif not isinstance(file, UploadFile) or not file.filename:
        problems.fields["upload"] = "Choose a CSV or Excel file with the open items."
    else:
        data = await file.read()
        try:
            parsed = await run_in_threadpool(_read, file, data, book.exponent)
            if parsed.problems:
                problems.form.extend(p.message for p in parsed.problems)
            else:
                booked = await run_in_threadpool(
                    me.write,
                    lambda uow: open_items.import_open_items(
                        uow, book_id, PartyKind(kind), parsed.items, parsed.names, me.actor
                    ),
                )
                notice = (f"Booked {len(booked.items)} open items as the opening balance of "
                          + ", ".join(f"{lg.number} {lg.name}" for lg in booked.ledgers)
                          + ".")  # fmt: skip
                return await run_in_threadpool(lambda: _page(request, me, book_id, notice=notice))
        except FolioError as exc:
            rows = exc.data.get("rows") if isinstance(exc.data, dict) else None
            problems.form.extend(str(r["message"]) for r in rows or [])
            if not rows:
                problems.fields["upload"] = explain(exc)
    if problems.form:
        problems.form.insert(0, "Nothing was booked.")
    return await run_in_threadpool(lambda: _page(request, me, book_id, problems, status=422))


PARTY_FIELDS = ("name", "tax_id", "address", "terms")


def _party_page(
    request: Request,
    me: Viewer,
    book_id: str,
    party_id: str,
    problems: Problems | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    me.need("ledgers:read")
    book = load_book(me, book_id)
    party = me.read(lambda uow: parties.get_party(uow, book_id, party_id))
    problems = problems or Problems()
    as_of, settled = (
        request.query_params.get("as_of", ""),
        bool(request.query_params.get("settled")),
    )
    try:
        day = parse_optional_day(as_of.strip(), field_name="as_of") or date.today()
    except FolioError as exc:
        problems.fields["as_of"], day = explain(exc), date.today()
    states = (
        me.read(lambda uow: aging.party_items(uow, book_id, party_id, day, include_settled=settled))
        if me.can("reports:read")
        else None
    )
    context: dict[str, Any] = {
        "book": book,
        "tabs": BOOK_TABS,
        "active": "parties",
        "party": party,
        "states": states,
        "open_total": sum(state.open for state in states or []),
        "day": day,
        "settled": settled,
        "problems": problems,
        "values": values or {},
        "can_write": me.can("ledgers:write"),
    }
    return render(request, "party.html", context, viewer=me, status=status)


@pages.get("/books/{book_id}/parties/{party_id}")
def show_party(request: Request, book_id: str, party_id: str, me: Signed) -> Response:
    return _party_page(request, me, book_id, party_id)


@pages.post("/books/{book_id}/parties/{party_id}")
def update_party(
    request: Request, book_id: str, party_id: str, me: Signed, form: Posted
) -> Response:
    """Change what the form gives: an empty name or terms stay as they are, an emptied tax id
    or address is removed."""
    me.need("ledgers:write")
    values = {name: text_of(form, name).strip() for name in PARTY_FIELDS}
    values["archived"] = "on" if text_of(form, "archived") else ""
    try:
        terms = digits_value(values["terms"]) if values["terms"] else None
        if values["terms"] and terms is None:
            raise InvalidInput("Payment terms are a number of days.",
                               {"field": "payment_terms_days"})  # fmt: skip
        # The form shows every field: a tax id or an address emptied is removed.
        command = parties.PartyUpdate(
            values["name"] or None, values["tax_id"] or None, values["address"] or None, terms,
            bool(values["archived"]),
        )  # fmt: skip
        me.write(lambda uow: parties.update_party(uow, book_id, party_id, command, me.actor))
    except FolioError as exc:
        problems = Problems(fields={field_of(exc) or "name": explain(exc)})
        return _party_page(request, me, book_id, party_id, problems, values, status=422)
    return redirect(book_url(book_id, f"parties/{party_id}"))
