"""The route class of every Folio endpoint: JSON without floats (`json_text.loads`), errors
always as envelopes."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.utils import deep_dict_update
from starlette.responses import Response

from folio.api.deps import documented
from folio.api.direct import direct_handler
from folio.api.errors import response_for
from folio.api.json_text import loads
from folio.domain.errors import InvalidInput

NATIVE_PREFIX = "/v1/"


class ExactJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


def query_names(dependant: Dependant) -> set[str]:
    """The query parameters a route declares, by the name a client sends (aliases)."""
    names = {field.alias for field in dependant.query_params}
    for inner in dependant.dependencies:
        names |= query_names(inner)
    return names


def refuse_unknown_query(request: Request, allowed: set[str]) -> None:
    """A query parameter the route does not know would otherwise be ignored, and a filter the
    client believes in (`?number=` on a route without it) would silently return everything."""
    for name in request.query_params:
        if name not in allowed:
            takes = ", ".join(sorted(allowed)) if allowed else "no query parameters"
            raise InvalidInput(
                f"Unknown query parameter {name!r}; this endpoint takes {takes}.",
                {"field": name, "in": "query", "allowed": sorted(allowed)},
            )


class FolioRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        extra = documented(self.dependant)
        if extra:  # merged as FastAPI merges openapi_extra into the operation (lists joined)
            deep_dict_update(extra, self.openapi_extra or {})
            self.openapi_extra = extra

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        handler = direct_handler(self, handler) or handler
        # The native API only: the compatible endpoints ignore unknown parameters, as the
        # vendors' own (FastAPI) servers do.
        strict = self.path.startswith(NATIVE_PREFIX)
        allowed = query_names(self.dependant)

        async def route_handler(request: Request) -> Response:
            try:
                if strict and request.scope["query_string"]:
                    refuse_unknown_query(request, allowed)
                return await handler(ExactJsonRequest(request.scope, request.receive))
            except Exception as error:  # every error leaves as an envelope, never a traceback
                return response_for(error, request.url.path, request.headers.get("content-type"))

        return route_handler
