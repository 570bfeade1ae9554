"""The route class of every Folio endpoint: JSON without floats, errors always as envelopes.

Request bodies are parsed with `parse_float=Decimal`, so `12.10` reaches the money parser as
the exact `Decimal("12.10")` and never as a binary float. NaN and Infinity are malformed JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.utils import deep_dict_update
from starlette.responses import Response

from folio.api.deps import documented
from folio.api.direct import direct_handler
from folio.api.errors import response_for
from folio.domain.errors import InvalidInput

NATIVE_PREFIX = "/v1/"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# One decoder for every body: `json.loads` with options builds a decoder per call, which cost
# more than decoding a posting's body.
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_refuse_constant)


def loads(body: bytes) -> Any:
    """Parse JSON exactly; every failure is a `json.JSONDecodeError` (a 400 MALFORMED_JSON)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise json.JSONDecodeError("the body is not UTF-8", "", exc.start) from exc
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:
        raise json.JSONDecodeError(str(exc) or "unparseable", text, 0) from exc
    if "\\u0000" in text:  # JSON can carry NUL only escaped
        try:
            _refuse_nul(value, "body")
        except RecursionError as exc:
            raise json.JSONDecodeError("nested too deeply", text, 0) from exc
    return value


def _refuse_nul(value: Any, path: str) -> None:
    """PostgreSQL stores no NUL character in text, SQLite does: refused on both engines alike,
    before anything is read, so a book moves between them unchanged."""
    if isinstance(value, str) and "\x00" in value:
        raise InvalidInput(
            f"{path} contains a NUL character (U+0000), which Folio does not store.",
            {"field": path},
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, f"{path} key")
            _refuse_nul(item, f"{path}.{key}" if path != "body" else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{path}[{index}]")


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
