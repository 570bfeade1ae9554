"""`GET /` and `GET /favicon.ico`: where a person or a client that opens the server's address
lands. Neither is part of the API (no schema entry, no credential, nothing about any book).

`GET /` answers a browser (Accept: text/html) with a small page linking the web interface and
the API reference, and anything else with the same links as JSON.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from folio import __version__
from folio.api.routing import FolioRoute

api = APIRouter(include_in_schema=False, route_class=FolioRoute)
FAVICON = Path(__file__).resolve().parents[2] / "web" / "static" / "favicon.ico"
LINKS = {
    "ui": "/ui",
    "docs": "/docs",
    "openapi": "/openapi.json",
    "health": "/health",
}
PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Folio</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Folio {version}</h1>
<p>A double-entry general ledger.</p>
<ul>
<li><a href="/ui">The web interface</a> (sign in with an API key)</li>
<li><a href="/docs">The API reference</a> (<a href="/openapi.json">OpenAPI schema</a>)</li>
<li><a href="/health">Health</a></li>
</ul>
</body>
</html>
"""


@api.get("/")
def home(request: Request) -> Response:
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(PAGE.format(version=__version__))
    return JSONResponse({"name": "Folio", "version": __version__, "links": LINKS})


@api.get("/favicon.ico")
def favicon() -> Response:
    return Response(
        FAVICON.read_bytes(),
        media_type="image/x-icon",
        headers={"cache-control": "public, max-age=86400"},
    )
