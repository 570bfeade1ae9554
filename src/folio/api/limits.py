"""What the HTTP layer refuses before any endpoint runs, and how it names a path's methods.

- A request body larger than `Settings.max_body_bytes` is 413 `PAYLOAD_TOO_LARGE` in the error
  envelope: at once when Content-Length says so, otherwise as soon as the bytes read pass the
  limit (a chunked body is never held whole). A browser's upload to the web interface gets a
  page saying so instead, with the command that takes files of any size.
- OPTIONS on a path answers 204 with `Allow` listing every method the path has; a method the
  path lacks is 405 with the same `Allow` (Starlette named only one route's methods).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from folio.api.errors import envelope

PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def too_large(limit: int) -> str:
    return f"The request body is larger than {limit} bytes."


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, page_prefix: str | None = None) -> None:
        self.app = app
        self.limit = max_body_bytes
        self.page_prefix = page_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            page = self.page_prefix and str(scope.get("path", "")).startswith(self.page_prefix)
            response = (
                _too_large_page(self.limit, self.page_prefix or "")
                if page
                else envelope(413, PAYLOAD_TOO_LARGE, too_large(self.limit), {"limit": self.limit})
            )
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # Raised inside the endpoint's body read, so the app's handlers answer it.
                    raise HTTPException(413, too_large(self.limit))
            return message

        await self.app(scope, counted, send)


def _too_large_page(limit: int, home: str) -> Response:
    megabytes = limit / 2**20
    return HTMLResponse(
        "<!doctype html><html lang=en><meta charset=utf-8><title>File too large</title>"
        f"<h1>The file is too large</h1><p>This server takes uploads up to {megabytes:.1f} MiB "
        "(<code>FOLIO_MAX_BODY_BYTES</code>). Larger files are imported with the command line, "
        "which has no such limit: <code>folio datev import BOOK FILE</code>, <code>folio "
        "opening-balances import BOOK FILE</code>, <code>folio open-items import BOOK FILE</code>."
        f'</p><p><a href="{home}/books">Back to the books</a></p></html>',
        status_code=413,
    )


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route answers for this path (with OPTIONS), or [] for no route."""
    found = {
        method
        for method in _METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
    }
    return sorted(found | {"OPTIONS"}) if found else []


class MethodsMiddleware:
    """OPTIONS answered from the routes; a 405's Allow completed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/ui"):
            await self.app(scope, receive, send)
            return
        routes = scope["app"].router.routes if "app" in scope else []
        if scope["method"] == "OPTIONS":
            allow = allowed_methods(routes, scope)
            if allow:
                response = Response(status_code=204, headers={"Allow": ", ".join(allow)})
                await response(scope, receive, send)
                return

        async def complete_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allow = allowed_methods(routes, scope)
                if allow:
                    MutableHeaders(scope=message)["Allow"] = ", ".join(allow)
            await send(message)

        await self.app(scope, receive, complete_allow)
