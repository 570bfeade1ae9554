"""Books: the list, and a new book with its chart."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from starlette.responses import Response

from folio.charts import CHART_NAMES
from folio.domain.errors import FolioError, InsufficientScope
from folio.service import books
from folio.web.app import redirect, render
from folio.web.forms import Problems, parse_day, place, text_of
from folio.web.pages import BOOK_TABS, Posted, Signed, book_url, first_tab, load_book, router
from folio.web.session import Viewer

pages = router()

CHART_LABELS = {
    "skr04": "SKR04 (Germany, by balance-sheet order)",
    "skr03": "SKR03 (Germany, by process)",
    "us_small_business": "US small business",
    "empty": "Empty (only the system accounts)",
}
# The books table's column: short, and breakable where a slug is not (us_small_business).
CHART_NAMES_SHORT = {
    "skr04": "SKR04",
    "skr03": "SKR03",
    "us_small_business": "US small business",
    "empty": "Empty",
}
FIELDS = {"name", "currency", "entries_start", "fiscal_year_start", "chart"}


def can_create(me: Viewer) -> bool:
    return me.can("books:write") and me.principal.book_id is None


def _page(
    request: Request,
    me: Viewer,
    values: dict[str, str],
    problems: Problems,
    status: int = 200,
) -> Response:
    found = me.read(lambda uow: books.list_books(uow, only=me.principal.book_id, limit=500))
    context: dict[str, Any] = {
        "books": found,
        "values": values,
        "problems": problems,
        "charts": [(name, CHART_LABELS.get(name, name)) for name in CHART_NAMES],
        "can_create": can_create(me),
        "chart_names": CHART_NAMES_SHORT,
    }
    return render(request, "books.html", context, viewer=me, status=status)


@pages.get("/books")
def list_books(request: Request, me: Signed) -> Response:
    if not me.can("books:read") and me.principal.book_id is not None:
        return redirect(book_url(me.principal.book_id))
    me.need("books:read")
    today = date.today()
    values = {
        "currency": "EUR",
        "entries_start": date(today.year, 1, 1).isoformat(),
        "fiscal_year_start": "01-01",
        "chart": "skr04",
    }
    return _page(request, me, values, Problems())


@pages.post("/books")
def create_book(request: Request, me: Signed, form: Posted) -> Response:
    me.need("books:write")
    if me.principal.book_id is not None:
        raise InsufficientScope("A key bound to one book cannot create books.", {})
    values = {name: text_of(form, name) for name in FIELDS}
    problems = Problems()
    try:
        command = books.BookCreate(
            name=values["name"],
            currency=values["currency"],
            entries_start=parse_day(values["entries_start"], field_name="entries_start"),
            fiscal_year_start=values["fiscal_year_start"] or "01-01",
            chart=values["chart"],
        )
        book = me.write(lambda uow: books.create_book(uow, command, me.actor))
    except FolioError as exc:
        place(exc, problems, FIELDS)
        return _page(request, me, values, problems, status=422)
    return redirect(book_url(book.id, "opening-balances"))


@pages.get("/books/{book_id}")
def book_home(book_id: str, me: Signed) -> Response:
    """The first tab the key may open: a key without ledgers:read (as a LedgerLou key is made)
    lands on its journal, not on a refusal."""
    tab = first_tab(me)
    if tab is None:
        load_book(me, book_id)
        raise InsufficientScope(
            "This key can open none of the book's pages.", {"required": BOOK_TABS[0].scope}
        )
    return redirect(book_url(book_id, tab.slug))
