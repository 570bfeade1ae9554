"""Periods: every month with its status; soft-lock, reopen, and lock with a confirmation."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from folio.domain.errors import FolioError, InvalidInput
from folio.domain.periods import PeriodAction
from folio.service import periods
from folio.web.app import redirect, render
from folio.web.forms import Problems, explain, text_of
from folio.web.pages import BOOK_TABS, Posted, Signed, book_url, load_book, router
from folio.web.session import Viewer

pages = router()
STATUS_WORDS = {
    "open": "Open",
    "soft_locked": "Soft-locked",
    "locked": "Locked",
}


def _page(
    request: Request, me: Viewer, book_id: str, problems: Problems | None = None, status: int = 200
) -> Response:
    me.need("periods:read")
    book = load_book(me, book_id)
    months = me.read(lambda uow: periods.list_periods(uow, book_id))
    context: dict[str, Any] = {
        "book": book,
        "tabs": BOOK_TABS,
        "active": "periods",
        "periods": list(reversed(months)),
        "words": STATUS_WORDS,
        "problems": problems or Problems(),
        "can_write": me.can("periods:write"),
    }
    return render(request, "periods.html", context, viewer=me, status=status)


@pages.get("/books/{book_id}/periods")
def show(request: Request, book_id: str, me: Signed) -> Response:
    return _page(request, me, book_id)


@pages.post("/books/{book_id}/periods/{period}/{action}")
def change(
    request: Request, book_id: str, period: str, action: str, me: Signed, form: Posted
) -> Response:
    me.need("periods:write")
    try:
        chosen = PeriodAction(action)
        if chosen is PeriodAction.LOCK and text_of(form, "confirm") != period:
            raise InvalidInput(
                f"Locking is final: type {period} in the box to confirm.", {"field": "confirm"}
            )
        me.write(lambda uow: periods.change_period(uow, book_id, period, chosen, me.actor))
    except ValueError:
        problems = Problems(fields={period: f"Unknown action {action!r}."})
        return _page(request, me, book_id, problems, status=422)
    except FolioError as exc:
        return _page(request, me, book_id, Problems(fields={period: explain(exc)}), status=422)
    return redirect(book_url(book_id, "periods") + f"#p-{period}")
