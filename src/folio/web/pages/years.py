"""Fiscal years: each year's status and result; a year's close preview with what stops it,
closing (soft or for good), reopening, and the continuity check against the next year.

Nothing here decides anything: previews, closes, reopens and continuity are the services'.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from folio.domain.errors import FolioError, InvalidInput
from folio.service import fiscal_years
from folio.web.app import redirect, render
from folio.web.forms import Problems, explain, text_of
from folio.web.pages import BOOK_TABS, Posted, Signed, book_url, load_book, router
from folio.web.session import Viewer

pages = router()
STATUS_WORDS = {"open": "Open", "closed": "Closed", "final": "Closed for good"}


def _page(
    request: Request,
    me: Viewer,
    book_id: str,
    year: int | None = None,
    problems: Problems | None = None,
    status: int = 200,
) -> Response:
    me.need("periods:read")
    book = load_book(me, book_id)
    years = me.read(lambda uow: fiscal_years.list_years(uow, book_id))
    chosen = year if year is not None else _default_year(years)
    context: dict[str, Any] = {
        "book": book,
        "tabs": BOOK_TABS,
        "active": "years",
        "years": list(reversed(years)),
        "words": STATUS_WORDS,
        "problems": problems or Problems(),
        "can_write": me.can("periods:write"),
        "chosen": chosen,
        "preview": None,
        "continuity": None,
        "info": None,
    }
    if chosen is not None:
        context["info"] = me.read(lambda uow: fiscal_years.year_info(uow, book_id, chosen))
        context["preview"] = me.read(lambda uow: fiscal_years.close_preview(uow, book_id, chosen))
        if me.can("reports:read"):
            context["continuity"] = me.read(
                lambda uow: fiscal_years.continuity(uow, book_id, chosen)
            )
    return render(request, "years.html", context, viewer=me, status=status)


def _default_year(years: list[fiscal_years.YearInfo]) -> int | None:
    """The oldest year still open, else the newest."""
    for info in years:
        if info.status.value == "open":
            return info.year.year
    return years[-1].year.year if years else None


@pages.get("/books/{book_id}/years")
def show(request: Request, book_id: str, me: Signed, year: int | None = None) -> Response:
    return _page(request, me, book_id, year)


@pages.post("/books/{book_id}/years/{year}/{action}")
def change(
    request: Request, book_id: str, year: int, action: str, me: Signed, form: Posted
) -> Response:
    me.need("periods:write")
    try:
        if action == "close":
            final = text_of(form, "final") == "1"
            if final and text_of(form, "confirm") != str(year):
                raise InvalidInput(
                    f"A final close cannot be undone: type {year} in the box to confirm.",
                    {"field": "confirm"},
                )
            me.write(lambda uow: fiscal_years.close_year(uow, book_id, year, me.actor, final=final))
        elif action == "reopen":
            me.write(lambda uow: fiscal_years.reopen_year(uow, book_id, year, me.actor))
        else:
            raise InvalidInput(f"Unknown action {action!r}.", {"field": "action"})
    except FolioError as exc:
        if exc.code == "NOT_FOUND":
            raise
        problems = Problems(fields={"year": explain(exc)})
        return _page(request, me, book_id, year, problems, status=422)
    return redirect(book_url(book_id, "years") + f"?year={year}")
