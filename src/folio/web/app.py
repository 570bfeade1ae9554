"""The interface's own small app, mounted at /ui: templates, static files, error pages.

It is a separate ASGI app under a `Mount`, so its routes are not API routes (the API's route
enumeration, OpenAPI schema and scope tests never see them) and its errors are HTML pages, not
JSON envelopes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.exc import DataError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from folio import __version__
from folio.api.errors import UNSTORABLE
from folio.domain.errors import FolioError, InsufficientScope, NotFound
from folio.web import PREFIX
from folio.web.forms import explain, grouped, money, plain
from folio.web.session import (
    CsrfRejected,
    SignInRequired,
    Viewer,
    clear_session,
    viewer_or_none,
)

log = logging.getLogger("folio.web")
HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["money"] = money
templates.filters["plain"] = plain
templates.filters["grouped"] = grouped
templates.globals["version"] = __version__
templates.globals["prefix"] = PREFIX


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    viewer: Viewer | None = None,
    status: int = 200,
) -> HTMLResponse:
    page = templates.get_template(template).render(
        request=request, viewer=viewer, csrf=viewer.csrf if viewer else "", **context
    )
    return HTMLResponse(page, status_code=status)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


class PageMiddleware:
    """Security headers on every page; an unexpected error becomes an HTML page, not a trace."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in names:
                        headers.append((name.encode(), value.encode()))
                if not scope.get("path", "").startswith(f"{PREFIX}/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unexpected error in the web interface")
            if started:
                raise
            page = templates.get_template("error.html").render(
                viewer=None,
                csrf="",
                title="Something went wrong",
                message="Something went wrong on our side; it has been logged.",
            )
            await HTMLResponse(page, status_code=500)(scope, receive, send_with_headers)


def _error_page(
    request: Request, status: int, title: str, message: str, *, in_book: bool = True
) -> HTMLResponse:
    """The error in the page's frame: a signed-in viewer keeps the sign-out button and, inside a
    book it may see, the book's tabs, so a refusal is never a dead end."""
    from folio.web.pages import BOOK_TABS, load_book

    me = viewer_or_none(request)
    context: dict[str, Any] = {"title": title, "message": message}
    book_id = request.path_params.get("book_id")
    if me is not None and in_book and isinstance(book_id, str) and me.principal.sees_book(book_id):
        try:
            context.update(book=load_book(me, book_id), tabs=BOOK_TABS)
        except FolioError:
            pass
    return render(request, "error.html", context, viewer=me, status=status)


def install_errors(ui: FastAPI) -> None:
    async def sign_in(request: Request, error: Exception) -> Response:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        url = f"{PREFIX}/sign-in" + (f"?next={quote(target)}" if request.method == "GET" else "")
        if request.headers.get("hx-request"):
            response: Response = Response(status_code=204, headers={"HX-Redirect": url})
        else:
            response = redirect(url)
        clear_session(response)
        return response

    async def folio_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, FolioError)
        if isinstance(error, NotFound):
            return await run_in_threadpool(
                _error_page,
                request,
                404,
                "Not found",
                "There is nothing here, or it belongs to a book your key cannot see.",
                in_book=False,
            )
        if isinstance(error, InsufficientScope):
            data = error.data if isinstance(error.data, dict) else {}
            scope = data.get("required", "")
            return await run_in_threadpool(
                _error_page,
                request,
                403,
                "Not allowed with this key",
                f"Your API key lacks the {scope} scope, so Folio does not allow this. "
                "Ask an administrator for a key with that scope.",
            )
        if isinstance(error, CsrfRejected):
            return await run_in_threadpool(_error_page, request, 403, "Form refused", error.message)
        return await run_in_threadpool(_error_page, request, 422, "Refused", explain(error))

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if error.status_code == 404:
            return await run_in_threadpool(
                _error_page, request, 404, "Not found", "There is no such page."
            )
        return await run_in_threadpool(
            _error_page, request, error.status_code, "Refused", str(error.detail)
        )

    def fixed(status: int, title: str, message: str) -> Callable[..., Awaitable[Response]]:
        """A handler that answers every error of its kind with the same page."""

        async def page(request: Request, _error: Exception) -> Response:
            return await run_in_threadpool(_error_page, request, status, title, message)

        return page

    invalid = fixed(400, "Not understood", "The request had a value Folio cannot read.")
    # As the API answers it (api/errors.py): a value the database cannot hold is the typist's
    # to change, not a failure of the page. The services check what they know of; this is for
    # what they do not.
    unstorable = fixed(
        422,
        "Refused",
        f"{UNSTORABLE} Change it and try again.",
    )

    ui.add_exception_handler(SignInRequired, sign_in)
    ui.add_exception_handler(FolioError, folio_error)
    ui.add_exception_handler(HTTPException, http_error)
    ui.add_exception_handler(RequestValidationError, invalid)
    ui.add_exception_handler(DataError, unstorable)


def create_ui(parent: FastAPI) -> FastAPI:
    from folio.web.pages import (
        books,
        datev,
        journal,
        ledgers,
        openings,
        parties,
        periods,
        reports,
        signin,
        years,
    )  # fmt: skip

    ui = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, title="Folio web interface")
    ui.state.parent = parent
    install_errors(ui)
    ui.add_middleware(PageMiddleware)
    for module in (
        signin, books, ledgers, openings, parties, journal, reports, periods, years, datev,
    ):  # fmt: skip
        ui.include_router(module.pages)
    ui.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return ui
