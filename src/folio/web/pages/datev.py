"""DATEV: the book's Beraternummer and Mandantennummer, a fiscal year's download for the tax
advisor, and the upload of a Buchungsstapel, Debitoren/Kreditoren or Summen- und
Saldenliste. The rules are the
services' (service/datev_export.py, service/datev_import.py); everything works without
JavaScript (the download is a plain GET form)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from folio.api.downloads import spooled_download
from folio.domain.digits import digits_value
from folio.domain.errors import FolioError, InvalidInput
from folio.service import books, datev_export, datev_import, fiscal_years
from folio.web.app import redirect, render
from folio.web.forms import Problems, explain, field_of, text_of
from folio.web.pages import BOOK_TABS, Posted, Signed, book_url, load_book, router
from folio.web.session import Viewer

pages = router()


def _page(
    request: Request,
    me: Viewer,
    book_id: str,
    problems: Problems | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    me.need("reports:read")
    book = load_book(me, book_id)
    years = me.read(lambda uow: fiscal_years.list_years(uow, book_id))
    context: dict[str, Any] = {
        "book": book,
        "tabs": BOOK_TABS,
        "active": "datev",
        "years": [info.year.year for info in years],
        "problems": problems or Problems(),
        "notice": notice,
        "can_settings": me.can("books:write"),
        "can_import": me.can("journal:write"),
    }
    return render(request, "datev.html", context, viewer=me, status=status)


@pages.get("/books/{book_id}/datev")
def show(request: Request, book_id: str, me: Signed) -> Response:
    return _page(request, me, book_id)


@pages.get("/books/{book_id}/datev/export")
def download(request: Request, book_id: str, me: Signed, year: str = "") -> Response:
    me.need("reports:read")
    try:
        chosen = digits_value(year)
        if chosen is None:
            raise InvalidInput("Choose a fiscal year.", {"field": "year"})
        return spooled_download(
            me.read,
            lambda uow, out: datev_export.export_year(uow, book_id, chosen, out),
            "application/zip",
            f"DATEV_{book_id}_{year}.zip",
        )
    except FolioError as exc:
        problems = Problems(fields={"year": explain(exc)})
        return _page(request, me, book_id, problems, status=422)


@pages.post("/books/{book_id}/datev/settings")
def settings(request: Request, book_id: str, me: Signed, form: Posted) -> Response:
    me.need("books:write")
    values = {
        name: text_of(form, name).strip() or None
        for name in ("datev_consultant_number", "datev_client_number")
    }
    try:
        me.write(lambda uow: books.update_book(uow, book_id, me.actor, **values))
    except FolioError as exc:
        problems = Problems(fields={field_of(exc) or "datev_consultant_number": explain(exc)})
        return _page(request, me, book_id, problems, status=422)
    return redirect(book_url(book_id, "datev"))


@pages.post("/books/{book_id}/datev/import")
async def upload(request: Request, book_id: str, me: Signed, form: Posted) -> Response:
    from starlette.concurrency import run_in_threadpool

    me.need("journal:write")
    file = form.get("file")
    problems = Problems()
    if not isinstance(file, UploadFile) or not file.filename:
        problems.fields["upload"] = (
            "Choose a DATEV file (Buchungsstapel, Debitoren/Kreditoren or Saldenliste)."
        )
    else:
        data = await file.read()
        try:
            done = await run_in_threadpool(
                me.write,
                lambda uow: datev_import.import_datev(uow, book_id, data, me.actor),
            )
            notice = f"Imported {file.filename}: {done.describe()}."
            return await run_in_threadpool(lambda: _page(request, me, book_id, notice=notice))
        except FolioError as exc:
            rows = exc.data.get("rows") if isinstance(exc.data, dict) else None
            problems.form.extend(str(r["message"]) for r in rows or [])
            problems.fields["upload"] = explain(exc)
    if problems.form or problems.fields:
        problems.form.insert(0, "Nothing was imported.")
    return await run_in_threadpool(lambda: _page(request, me, book_id, problems, status=422))
