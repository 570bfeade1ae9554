"""The journal: entries with their lines, filtered by date, ledger and intent; a manual entry
with live balancing; reversing an entry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import Response

from folio.domain.digits import digits_value
from folio.domain.errors import FolioError, InvalidEntry
from folio.domain.journal import Entry, PostingMode
from folio.domain.ledgers import Side
from folio.service import journal
from folio.service.ledgers import list_ledgers
from folio.web.app import redirect, render
from folio.web.forms import (
    Problems,
    explain,
    field_of,
    parse_amount,
    parse_day,
    parse_optional_day,
    text_of,
)
from folio.web.pages import BOOK_TABS, Posted, Signed, book_url, load_book, router
from folio.web.session import Viewer

pages = router()
PAGE_SIZE = 50
_LINE_FIELD = re.compile(r"^(?:entries\[\d+\]\.)?lines\[(\d+)\]")


@dataclass
class TypedLine:
    ledger: str = ""
    debit: str = ""
    credit: str = ""
    problem: str | None = None


def _filters(request: Request) -> dict[str, str]:
    query = request.query_params
    return {name: query.get(name, "").strip() for name in ("from", "to", "ledger", "intent")}


def _page(
    request: Request,
    me: Viewer,
    book_id: str,
    *,
    lines: list[TypedLine] | None = None,
    values: dict[str, str] | None = None,
    problems: Problems | None = None,
    status: int = 200,
) -> Response:
    me.need("journal:read")
    book = load_book(me, book_id)
    filters = _filters(request)
    filter_problems = Problems()
    after_text = request.query_params.get("after", "")
    after = digits_value(after_text)
    try:
        date_from = parse_optional_day(filters["from"], field_name="from")
        date_to = parse_optional_day(filters["to"], field_name="to")
    except FolioError as exc:
        filter_problems.fields[field_of(exc) or "from"] = exc.message
        date_from = date_to = None

    def read(uow: Any) -> tuple[list[Any], list[Entry]]:
        found_ledgers = list_ledgers(uow, book_id)
        entries = journal.list_entries(
            uow,
            book_id,
            ledger_id=filters["ledger"] or None,
            intent_id=filters["intent"] or None,
            date_from=date_from,
            date_to=date_to,
            after_number=after,
            limit=PAGE_SIZE + 1,
        )
        return found_ledgers, entries

    found_ledgers, entries = me.read(read)
    more = len(entries) > PAGE_SIZE
    entries = entries[:PAGE_SIZE]
    query = {k: v for k, v in filters.items() if v}
    next_query = None
    if more:
        next_query = {**query, "after": str(entries[-1].journal_number)}
    context: dict[str, Any] = {
        "book": book,
        "tabs": BOOK_TABS,
        "active": "journal",
        "entries": entries,
        "ledgers": found_ledgers,
        "names": {ledger.id: ledger for ledger in found_ledgers},
        "filters": filters,
        "filter_problems": filter_problems,
        "next_query": next_query,
        "lines": lines or [TypedLine(), TypedLine()],
        "values": values or {"date": ""},
        "problems": problems or Problems(),
        "can_write": me.can("journal:write"),
        "exponent": book.exponent,
    }
    return render(request, "journal.html", context, viewer=me, status=status)


@pages.get("/books/{book_id}/journal")
def show(request: Request, book_id: str, me: Signed) -> Response:
    return _page(request, me, book_id)


def _typed(form: FormData) -> list[TypedLine]:
    ledgers = [v for v in form.getlist("line_ledger") if isinstance(v, str)]
    debits = [v for v in form.getlist("line_debit") if isinstance(v, str)]
    credits = [v for v in form.getlist("line_credit") if isinstance(v, str)]
    count = max(len(ledgers), len(debits), len(credits))

    def at(values: list[str], index: int) -> str:
        return values[index] if index < len(values) else ""

    return [
        TypedLine(at(ledgers, i).strip(), at(debits, i).strip(), at(credits, i).strip())
        for i in range(count)
    ]


@pages.post("/books/{book_id}/journal")
def post_entry(request: Request, book_id: str, me: Signed, form: Posted) -> Response:
    me.need("journal:write")
    book = load_book(me, book_id)
    values = {"date": text_of(form, "date"), "description": text_of(form, "description")}
    typed = _typed(form)
    problems = Problems()
    used: list[int] = []  # the service's line index → the typed line's index
    inputs: list[journal.LineInput] = []
    for index, line in enumerate(typed):
        if not (line.ledger or line.debit or line.credit):
            continue
        try:
            debit = parse_amount(line.debit, book.exponent, field_name="debit")
            credit = parse_amount(line.credit, book.exponent, field_name="credit")
            if not line.ledger:
                raise InvalidEntry("Choose an account for this line.")
            if (debit > 0) == (credit > 0):
                raise InvalidEntry("Give this line a debit or a credit amount (one of them).")
        except FolioError as exc:
            line.problem = exc.message
            problems.rows[index] = exc.message
            continue
        used.append(index)
        side, amount = (Side.DEBIT, debit) if debit > 0 else (Side.CREDIT, credit)
        inputs.append(journal.LineInput(side=side, amount=amount, ledger_id=line.ledger))
    if not problems:
        try:
            command = journal.EntryCreate(
                date=parse_day(values["date"]),
                lines=inputs,
                description=values["description"].strip() or None,
            )
            entry = me.write(lambda uow: journal.post_entry(uow, book_id, command, me.actor))
            return redirect(book_url(book_id, "journal") + f"?intent={entry.intent_id}")
        except FolioError as exc:
            name = field_of(exc) or ""
            match = _LINE_FIELD.match(name)
            if match and int(match.group(1)) < len(used):
                typed[used[int(match.group(1))]].problem = explain(exc)
            elif name in ("date", "description"):
                problems.fields[name] = explain(exc)
            elif exc.code in ("UNBALANCED_ENTRY", "INVALID_ENTRY"):
                problems.fields["totals"] = explain(exc)
            else:
                problems.form.append(explain(exc))
    return _page(request, me, book_id, lines=typed, values=values, problems=problems, status=422)


@pages.post("/books/{book_id}/journal/{entry_id}/reverse")
def reverse(request: Request, book_id: str, entry_id: str, me: Signed, form: Posted) -> Response:
    me.need("journal:write")
    mode = (
        PostingMode.ORIGINAL_PERIOD
        if text_of(form, "mode") == PostingMode.ORIGINAL_PERIOD.value
        else PostingMode.CURRENT_PERIOD
    )
    try:
        on = parse_optional_day(text_of(form, "on"), field_name="on")
        reversal = me.write(
            lambda uow: journal.reverse_entry(uow, book_id, entry_id, me.actor, mode=mode, on=on)
        )
    except FolioError as exc:
        if exc.code == "NOT_FOUND":
            raise
        problems = Problems(fields={f"reverse:{entry_id}": explain(exc)})
        return _page(request, me, book_id, problems=problems, status=422)
    return redirect(book_url(book_id, "journal") + f"#{reversal.id}")
