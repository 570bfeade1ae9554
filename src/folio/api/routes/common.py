"""What every resource router shares: the route class, error responses and id parameters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from folio.api.routing import FolioRoute
from folio.api.schemas.common import ERROR_RESPONSES, LIMIT_RESPONSES

ID_PATTERN = r"^[A-Za-z0-9_]{1,64}$"

BookId = Annotated[str, Path(pattern=ID_PATTERN, examples=["bk_4xGq8c1Zr2VhXy7mJt3Lp9"])]
LedgerId = Annotated[str, Path(pattern=ID_PATTERN)]
EntryId = Annotated[str, Path(pattern=ID_PATTERN)]
IntentId = Annotated[str, Path(pattern=ID_PATTERN)]
BOOK = "/v1/books/{book_id}"


def router(prefix: str, tag: str, **kwargs: Any) -> APIRouter:
    return APIRouter(
        prefix=prefix,
        tags=[tag],
        route_class=FolioRoute,
        responses={**ERROR_RESPONSES, **LIMIT_RESPONSES},
        **kwargs,
    )
