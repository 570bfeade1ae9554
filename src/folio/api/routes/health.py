"""`GET /health`: is this server able to serve? For load balancers and monitoring.

It asks the database (one query: the schema revision), so a server whose database is down or
not migrated to this code's schema answers 503, and a healthy one 200. No credential is needed
and nothing about the books is revealed.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from folio import __version__
from folio.api.deps import engine_of
from folio.api.routing import FolioRoute
from folio.api.schemas.common import ErrorRead
from folio.domain.errors import ServiceUnavailable
from folio.store.migrate import HEAD, database_revision

api = APIRouter(tags=["health"], route_class=FolioRoute)


class HealthRead(BaseModel):
    status: str = Field(examples=["ok"])
    version: str = Field(description="Folio's version.")
    database: str = Field(examples=["sqlite"], description="The database engine.")
    revision: str = Field(description="The database's schema revision; the code's own.")
    database_ms: float = Field(description="How long the database took to answer.")


@api.get(
    "/health",
    response_model=HealthRead,
    summary="Health: the server and its database",
    responses={503: {"model": ErrorRead, "description": "The database is down or not migrated"}},
)
def health(request: Request) -> HealthRead:
    """200 when the database answers and holds this code's schema; 503 otherwise."""
    engine = engine_of(request)
    started = time.perf_counter()
    revision = database_revision(engine)
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    if revision != HEAD:
        raise ServiceUnavailable(
            f"The database is at schema revision {revision}, this server needs {HEAD}: "
            "run `folio db upgrade`.",
            {"revision": revision, "needed": HEAD},
        )
    return HealthRead(
        status="ok",
        version=__version__,
        database=engine.dialect.name,
        revision=revision,
        database_ms=elapsed,
    )
