"""The FastAPI application: `create_app()` builds it; nothing happens at import time.

uvicorn --factory folio.api.app:create_app      (or `folio serve`)
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine

from folio import __version__, web
from folio.api import affinity, bench_endpoint, compat, deps, errors, throttle
from folio.api.limits import BodyLimitMiddleware, MethodsMiddleware
from folio.api.middleware import RequestIdMiddleware
from folio.api.routes import (
    audit,
    auth,
    batches,
    books,
    datev,
    fiscal_years,
    health,
    home,
    journal,
    ledgers,
    opening_balances,
    parties,
    periods,
    reports,
)
from folio.api.settings import Settings
from folio.service import collector
from folio.store import signing_keys
from folio.store.database import database_url, make_engine

log = logging.getLogger("folio.api")

DESCRIPTION = """\
The native API of Folio, a double-entry general ledger.

Authenticate with `Authorization: Bearer <API key or access token>`. Every error is
`{"error": message, "code": CODE, "data": details or null}`. Amounts are decimal strings
with the currency's decimals; send them as strings (or exact JSON numbers).
"""


# The reference's order, independent of the order routes are matched in.
DOCUMENTED_TAGS = (
    "auth", "books", "batches", "ledgers", "customers and suppliers", "opening balances",
    "journal", "periods", "fiscal years", "reports", "datev", "audit", "health",
    "compat: asset", "compat: teal", "compat: ledgerlou",
)  # fmt: skip


def create_app(engine: Engine | None = None, settings: Settings | None = None) -> FastAPI:
    """The app on `engine`, or on FOLIO_DATABASE_URL's engine made when the server starts.

    `settings` default to the environment's (`folio.api.settings`).
    """
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = None
        if getattr(app.state, "engine", None) is None:
            owned = app.state.engine = make_engine()
            # The server's own process (tests pass their own engine and create many apps, so
            # theirs keep the collector and the scheduler's placement as they are).
            collector.for_server()
            if settings.cpu is not None:
                log.info("the server runs on CPU %d (FOLIO_CPU)", affinity.pin(settings.cpu))
        try:
            yield
        finally:
            if owned is not None:
                owned.dispose()

    app = FastAPI(
        title="Folio",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[{"name": tag} for tag in DOCUMENTED_TAGS],
        telemetry={
            "tracing": settings.telemetry,
            "metrics": settings.telemetry,
            "logs": settings.telemetry,
        },
    )
    app.state.engine = engine
    app.state.settings = settings
    url = engine.url.render_as_string(hide_password=False) if engine else database_url()
    app.state.signing_keys = signing_keys.load(url)
    if app.state.signing_keys is None:
        log.warning(
            "no token signing key (FOLIO_SECRET_KEY_FILE / FOLIO_SECRET_KEY): access tokens "
            "are off, API keys work"
        )
    app.state.auth_throttle = throttle.for_settings(settings.auth_throttle)
    errors.install(app)
    app.add_middleware(
        BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes, page_prefix=web.PREFIX
    )
    app.add_middleware(MethodsMiddleware)
    app.add_middleware(RequestIdMiddleware)
    # Routers are matched in this order, each route of each router tried in turn (about
    # 5 us a route on FastAPI 0.165): the routes every client calls most come first.
    for module in (
        journal, batches, ledgers, auth, books, parties, opening_balances, periods,
        fiscal_years, reports, datev,
        audit,
    ):  # fmt: skip
        app.include_router(module.api)
    app.include_router(audit.server_api)
    app.include_router(health.api)
    app.include_router(home.api)
    for compat_router in compat.ROUTERS:
        app.include_router(compat_router)
    web.mount(app)
    _document_security(app)
    if os.environ.get("FOLIO_BENCH_ENDPOINTS") == "1":
        app.include_router(bench_endpoint.api)
    return app


def _document_security(app: FastAPI) -> None:
    """The bearer scheme that every route's security requirement names (`deps.documented`)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # made once, then FastAPI's cached copy
        schema.setdefault("components", {}).setdefault("securitySchemes", deps.SECURITY_SCHEMES)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def api_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """(method, full path, route) of every API endpoint, through the included routers."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path is not None:
            found += [(method, context.path, route) for method in sorted(route.methods or ())]
    return found
