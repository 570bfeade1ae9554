"""Opening balances: a grid of every balance-sheet ledger, a trial-balance upload with a
preview, per-ledger setting for US-style books, the current set and its reversal.

Every booking goes through `book_opening_set`, `set_ledger_opening` or `reverse_intent`; the
preview is `preview_set` over the rows `trial_balance_files` read. Nothing here decides whether
a set balances: the page's script shows live totals as a help, the service decides.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from folio.domain.books import Book
from folio.domain.digits import digits_value, is_digits
from folio.domain.errors import FolioError, InvalidInput
from folio.domain.journal import PostingMode
from folio.domain.ledgers import Ledger
from folio.domain.opening_balances import RowProblem, SetRow, refusal
from folio.domain.periods import PeriodStatus, period_of
from folio.service import journal, opening_balances, opening_state, periods, trial_balance_files
from folio.service.books import get_book
from folio.service.ledgers import get_ledger, list_ledgers
from folio.store.uow import UnitOfWork
from folio.web.app import redirect, render
from folio.web.forms import Problems, explain, field_of, parse_amount, plain, text_of
from folio.web.pages import BOOK_TABS, Posted, Signed, book_url, load_book, router
from folio.web.session import Viewer

pages = router()
MODES = ("set", "upload", "ledger")


@dataclass
class GridRow:
    """One line of the grid or of an upload preview, as the person sees and typed it."""

    index: int
    ref: str
    number: str | None
    name: str
    ledger_id: str | None = None
    debit: str = ""
    credit: str = ""
    problem: str | None = None
    skipped: bool = False


@dataclass
class Preview:
    rows: list[GridRow]
    total_debit: int
    total_credit: int
    filename: str
    problems: int = 0
    ready: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class State:
    book: Book
    openings: opening_state.BookOpenings | None
    ledgers: list[Ledger]
    offset: Ledger | None
    closed: dict[str, PeriodStatus]


def _state(uow: UnitOfWork, book_id: str) -> State:
    book = get_book(uow, book_id)
    try:
        openings: opening_state.BookOpenings | None = opening_state.book_openings(uow, book_id)
        offset: Ledger | None = opening_state.offset_ledger(uow, book_id)
    except FolioError:
        openings, offset = None, None
    offset_id = offset.id if offset else ""
    eligible = [
        ledger
        for ledger in list_ledgers(uow, book_id)
        if refusal(ledger, offset_id=offset_id, mid_year=book.starts_mid_year) is None
    ]
    closed: dict[str, PeriodStatus] = {
        p.period: p.status
        for p in periods.list_periods(uow, book_id)
        if p.status is not PeriodStatus.OPEN
    }
    return State(book, openings, eligible, offset, closed)


def default_mode(book: Book) -> str:
    return "ledger" if book.chart == "us_small_business" else "set"


def matches(ledger: Ledger, q: str) -> bool:
    """The page's filter: digits find accounts whose number starts with them, other text
    accounts whose number or name holds it (any case)."""
    q = q.strip()
    if not q:
        return True
    if is_digits(q):
        return (ledger.number or "").startswith(q)
    return q.casefold() in f"{ledger.number or ''} {ledger.name}".casefold()


def anchor(ledger: Ledger) -> str:
    """The id of an account's row, so a save lands on it: `row-1200`."""
    return f"row-{ledger.number or ledger.id}"


def _grid(state: State, typed: dict[str, tuple[str, str]] | None, q: str = "") -> list[GridRow]:
    rows = []
    for index, ledger in enumerate(state.ledgers, start=1):
        if not matches(ledger, q):
            continue
        debit, credit = (typed or {}).get(ledger.id, ("", ""))
        rows.append(
            GridRow(
                index=index,
                ref=ledger.id,
                number=ledger.number,
                name=ledger.name,
                ledger_id=ledger.id,
                debit=debit,
                credit=credit,
            )
        )
    return rows


def _page(
    request: Request,
    me: Viewer,
    book_id: str,
    *,
    mode: str | None = None,
    grid: list[GridRow] | None = None,
    set_date: str | None = None,
    preview: Preview | None = None,
    problems: Problems | None = None,
    row_errors: dict[str, str] | None = None,
    row_values: dict[str, str] | None = None,
    q: str = "",
    status: int = 200,
) -> Response:
    me.need("ledgers:read")
    load_book(me, book_id)
    state = me.read(lambda uow: _state(uow, book_id))
    book = state.book
    chosen = mode if mode in MODES else default_mode(book)
    day = book.entries_start.isoformat()
    current = {row.ledger.id: row for row in state.openings.rows} if state.openings else {}
    context: dict[str, Any] = {
        "book": book,
        "tabs": BOOK_TABS,
        "active": "opening-balances",
        "mode": chosen,
        "state": state,
        "current": current,
        "sets": [s for s in state.openings.sets if s.source == "set"] if state.openings else [],
        "grid": grid if grid is not None else _grid(state, None, q),
        "q": q.strip(),
        "shown": [ledger for ledger in state.ledgers if matches(ledger, q)],
        "anchor": anchor,
        "set_date": day,
        "entries_start_closed": state.closed.get(period_of(book.entries_start)),
        "entries_start_period": period_of(book.entries_start),
        "closed": state.closed,
        "preview": preview,
        "problems": problems or Problems(),
        "row_errors": row_errors or {},
        "row_values": row_values or {},
        "can_book": me.can("journal:write"),
        "can_set": me.can("ledgers:write"),
        "exponent": book.exponent,
    }
    return render(request, "openings.html", context, viewer=me, status=status)


@pages.get("/books/{book_id}/opening-balances")
def show(request: Request, book_id: str, me: Signed, mode: str = "", q: str = "") -> Response:
    return _page(request, me, book_id, mode=mode or None, q=q[:100])


# ------------------------------------------------------------------------------- book a set


def _typed_rows(form: FormData) -> list[GridRow]:
    refs = [v for v in form.getlist("ledger") if isinstance(v, str)]
    debits = [v for v in form.getlist("debit") if isinstance(v, str)]
    credits = [v for v in form.getlist("credit") if isinstance(v, str)]
    lines = [v for v in form.getlist("line") if isinstance(v, str)]
    names = [v for v in form.getlist("name") if isinstance(v, str)]
    numbers = [v for v in form.getlist("number") if isinstance(v, str)]
    if not (len(refs) == len(debits) == len(credits)):
        raise InvalidInput("The form arrived incomplete; reload the page.", {"field": "form"})
    rows = []
    for position, ref in enumerate(refs):
        line = lines[position] if position < len(lines) else ""
        rows.append(
            GridRow(
                index=position + 1 if (typed := digits_value(line)) is None else typed,
                ref=ref,
                number=numbers[position] if position < len(numbers) else None,
                name=names[position] if position < len(names) else "",
                ledger_id=ref if ref.startswith("ldg_") else None,
                debit=debits[position],
                credit=credits[position],
            )
        )
    return rows


def _set_rows(rows: list[GridRow], exponent: int) -> tuple[list[SetRow], dict[int, str]]:
    """SetRows from the typed text; amounts that cannot be read are problems of their row."""
    parsed: list[SetRow] = []
    bad: dict[int, str] = {}
    for row in rows:
        try:
            debit = parse_amount(row.debit, exponent, field_name="debit")
            credit = parse_amount(row.credit, exponent, field_name="credit")
        except FolioError as exc:
            bad[row.index] = exc.message
            continue
        by_id = row.ref.startswith("ldg_")
        parsed.append(
            SetRow(
                row.index,
                debit,
                credit,
                ledger_number=None if by_id else row.ref,
                ledger_id=row.ref if by_id else None,
                name=row.name or None,
            )
        )
    return parsed, bad


def _row_messages(error: FolioError) -> dict[int, str]:
    data = error.data if isinstance(error.data, dict) else {}
    found: dict[int, str] = {}
    for item in data.get("problems") or []:
        if isinstance(item, dict) and isinstance(item.get("row"), int):
            found.setdefault(item["row"], _reason(str(item.get("message", ""))))
    return found


def _reason(message: str) -> str:
    """ "row 3: account 9999 does not exist" → "Account 9999 does not exist"."""
    head, sep, rest = message.partition(": ")
    if sep and head.startswith(("row ", "line ")):
        return rest[:1].upper() + rest[1:]
    return message


@pages.post("/books/{book_id}/opening-balances/set")
def book_set(request: Request, book_id: str, me: Signed, form: Posted) -> Response:
    me.need("journal:write")
    book = load_book(me, book_id)
    source = text_of(form, "source")
    rows = _typed_rows(form)
    problems = Problems()
    set_date = book.entries_start.isoformat()
    parsed, bad = _set_rows(rows, book.exponent)
    problems.rows.update(bad)
    if not bad:
        try:
            me.write(
                lambda uow: opening_balances.book_opening_set(uow, book_id, None, parsed, me.actor)
            )
            return redirect(book_url(book_id, "opening-balances") + "?mode=set#current")
        except FolioError as exc:
            problems.rows.update(_row_messages(exc))
            if exc.code == "BALANCE_MISMATCH":
                problems.fields["totals"] = explain(exc)
            elif field_of(exc) == "date" or exc.code == "PERIOD_LOCKED":
                problems.fields["date"] = explain(exc)
            elif not problems.rows:
                problems.form.append(explain(exc))
    for row in rows:
        row.problem = problems.rows.get(row.index)
    if source == "upload":
        preview = Preview(
            rows,
            sum(row.debit for row in parsed),
            sum(row.credit for row in parsed),
            text_of(form, "filename"),
            problems=len(problems.rows),
        )
        preview.notes.append("Nothing was booked.")
        return _page(
            request,
            me,
            book_id,
            mode="upload",
            preview=preview,
            set_date=set_date,
            problems=problems,
            status=422,
        )
    typed = {row.ref: (row.debit, row.credit) for row in rows}
    state = me.read(lambda uow: _state(uow, book_id))
    grid = _grid(state, typed)
    for row in grid:
        row.problem = problems.rows.get(row.index)
    return _page(
        request,
        me,
        book_id,
        mode="set",
        grid=grid,
        set_date=set_date,
        problems=problems,
        status=422,
    )


# ---------------------------------------------------------------------------------- upload


def _read_upload(upload: UploadFile, data: bytes, exponent: int) -> trial_balance_files.ParsedFile:
    name = (upload.filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload.xlsx"
            path.write_bytes(data)
            try:
                return trial_balance_files.read_trial_balance(path, exponent)
            except InvalidInput:
                raise
            except Exception as exc:  # openpyxl raises many kinds on a broken file
                raise InvalidInput(
                    "This file could not be read as an Excel workbook (.xlsx).",
                    {"field": "file"},
                ) from exc
    return trial_balance_files.parse_csv(data, exponent)


def _preview(
    me: Viewer, book: Book, parsed: trial_balance_files.ParsedFile, filename: str
) -> Preview:
    result = me.read(lambda uow: opening_balances.preview_set(uow, book.id, parsed.rows))
    reasons: dict[int, str] = {}
    for problem in [*parsed.problems, *result.problems]:
        reasons.setdefault(problem.index, _reason(problem.message))
    rows: list[GridRow] = []
    for set_row in parsed.rows:
        rows.append(
            GridRow(
                index=set_row.index,
                ref=set_row.ref,
                number=set_row.ledger_number,
                name=set_row.name or "",
                debit=plain(set_row.debit, book.exponent),
                credit=plain(set_row.credit, book.exponent),
                problem=reasons.get(set_row.index),
                skipped=set_row.skipped,
            )
        )
    rows += [_unreadable(problem) for problem in parsed.problems]
    rows.sort(key=lambda row: row.index)
    preview = Preview(
        rows,
        result.total_debit,
        result.total_credit,
        filename,
        problems=len(reasons),
    )
    preview.ready = not reasons and result.balanced and any(not r.skipped for r in rows)
    if not result.balanced:
        preview.notes.append(
            "Debit and credit balances differ; the set cannot be booked until they are equal."
        )
    return preview


def _unreadable(problem: RowProblem) -> GridRow:
    return GridRow(
        index=problem.index,
        ref=problem.account or "",
        number=problem.account,
        name="",
        problem=_reason(problem.message),
    )


@pages.post("/books/{book_id}/opening-balances/upload")
async def upload(request: Request, book_id: str, me: Signed, form: Posted) -> Response:
    from starlette.concurrency import run_in_threadpool

    me.need("journal:write")
    book = await run_in_threadpool(load_book, me, book_id)
    set_date = book.entries_start.isoformat()
    file = form.get("file")
    problems = Problems()
    if not isinstance(file, UploadFile) or not file.filename:
        problems.fields["file"] = "Choose a CSV or Excel file with the trial balance."
    else:
        data = await file.read()
        try:
            parsed = await run_in_threadpool(_read_upload, file, data, book.exponent)
            preview = await run_in_threadpool(_preview, me, book, parsed, file.filename)
        except FolioError as exc:
            problems.fields["file"] = explain(exc)
        else:
            return await run_in_threadpool(
                lambda: _page(
                    request, me, book_id, mode="upload", preview=preview, set_date=set_date
                )
            )
    return await run_in_threadpool(
        lambda: _page(
            request, me, book_id, mode="upload", set_date=set_date, problems=problems, status=422
        )
    )


# ------------------------------------------------------------------------ one ledger (US)


@pages.post("/books/{book_id}/opening-balances/ledger/{ledger_id}")
def set_ledger(
    request: Request, book_id: str, ledger_id: str, me: Signed, form: Posted, q: str = ""
) -> Response:
    """Saves one account; success and refusal both land on its row (`#row-1200`: the form's
    action carries the anchor), so the result is in view, not at the top of a long page."""
    me.need("ledgers:write")
    book = load_book(me, book_id)
    ledger = me.read(lambda uow: get_ledger(uow, book_id, ledger_id))
    typed = text_of(form, "amount")
    try:
        amount = parse_amount(typed, book.exponent)
        me.write(
            lambda uow: opening_balances.set_ledger_opening(
                uow, book_id, ledger_id, amount, me.actor
            )
        )
    except FolioError as exc:
        if exc.code == "NOT_FOUND":
            raise
        return _page(
            request,
            me,
            book_id,
            mode="ledger",
            row_errors={ledger_id: explain(exc)},
            row_values={ledger_id: typed},
            q=q[:100],
            status=422,
        )
    query = urlencode({"mode": "ledger", **({"q": q[:100]} if q else {})})
    return redirect(book_url(book_id, "opening-balances") + f"?{query}#{anchor(ledger)}")


# --------------------------------------------------------------------------------- reverse


@pages.post("/books/{book_id}/opening-balances/reverse")
def reverse(request: Request, book_id: str, me: Signed, form: Posted) -> Response:
    me.need("journal:write")
    intent_id = text_of(form, "intent_id")
    mode = text_of(form, "mode")
    try:
        me.write(
            lambda uow: journal.reverse_intent(
                uow,
                book_id,
                intent_id,
                me.actor,
                mode=PostingMode.ORIGINAL_PERIOD,
                reason="Opening balances reversed in the web interface",
            )
        )
    except FolioError as exc:
        if exc.code == "NOT_FOUND":
            raise
        problems = Problems(fields={f"reverse:{intent_id}": explain(exc)})
        return _page(request, me, book_id, mode=mode or None, problems=problems, status=422)
    return redirect(book_url(book_id, "opening-balances") + f"?mode={mode or 'set'}#current")
