"""Benchmark-only endpoints, mounted by `create_app` only when FOLIO_BENCH_ENDPOINTS=1.

`POST /bench/echo` is the framework ceiling of `bench/`: the same app, middleware, body
validation (`EntryCreate`) and route shape (async, on the event loop) as `POST
.../journal-entries`, without auth or database.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from folio.api.schemas.journal import EntryCreate

api = APIRouter(prefix="/bench", include_in_schema=False)


@api.get("/ping")
def ping() -> Response:
    return Response(b'{"ok":true}', media_type="application/json")


@api.post("/echo", status_code=201)
async def echo(body: EntryCreate) -> Response:
    return Response(
        b'{"lines":%d}' % len(body.lines), status_code=201, media_type="application/json"
    )
