"""The baseline of the single-posting figure: a bare FastAPI app (no Folio code, middleware
or auth) echoing the posting's JSON body, served as Folio is (uvicorn, one worker, uvloop,
httptools): `uvicorn --factory bench.bare_echo:create_app`."""

from __future__ import annotations

from typing import Any

from fastapi import Body, FastAPI
from fastapi.responses import JSONResponse


def create_app() -> FastAPI:
    app = FastAPI()

    @app.get("/bench/ping")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/echo", status_code=201)
    async def echo(body: dict[str, Any] = Body()) -> JSONResponse:
        return JSONResponse(body, status_code=201)

    return app
