"""The request handler of a plain route, without FastAPI's general dependency solver.

Most writes (a posting, a batch, an opening-balance set) take one `Call` dependency, path
parameters and a JSON body. For them FastAPI 0.165's handler solves a general dependency
graph per request (exit stacks, caches, four parameter kinds, telemetry hooks): py-spy put
more of the event loop's time there than in the posting's own validation (BENCHMARKS.md).
`direct_handler` does for such a route what that handler does, in the same order and with
FastAPI's own pieces, so answers and errors are the same byte for byte:

1. read the body; parse it as JSON when the content type says JSON (a JSON error is a 400
   before anything else is checked, as in FastAPI);
2. run the one dependency (it authenticates: a 401, 403 or 404 comes before any 422);
3. validate the path parameters, then the body (`request_params_to_args`,
   `request_body_to_args`), all problems in one 422;
4. call the endpoint; a `Response` is sent as it is, anything else is serialized through the
   route's response model.

A route with anything else (query, header or cookie parameters, a dependency with its own
parameters, form bodies, streams, background tasks) keeps FastAPI's handler, and so does every
request while `app.dependency_overrides` is set or OpenTelemetry instruments it
(`FOLIO_TELEMETRY=on` with a provider configured: FastAPI's handler adds a span per step).
"""

from __future__ import annotations

import email.message
import inspect
import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import params
from fastapi._body_limit import get_body_limit_error
from fastapi._compat import ModelField
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import Dependant, _get_oauth_scopes
from fastapi.dependencies.utils import (  # FastAPI is pinned (constraints.txt)
    _get_param_aliases,
    _get_param_model,
    request_body_to_args,
    request_params_to_args,
)
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute, _effective_route_context_var, serialize_response
from fastapi.security import SecurityScopes
from fastapi.utils import is_body_allowed_for_status_code
from pydantic_core import PydanticUndefined as Undefined
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
_JSON_TYPES = {"application/json"}
_TELEMETRY = "fastapi.telemetry"  # in the scope of a request FastAPI instruments


def _plain_dependency(dependant: Dependant) -> bool:
    """A dependency that takes only the request and the security scopes."""
    return (
        dependant.call is not None
        and inspect.iscoroutinefunction(dependant.call)
        and not dependant.dependencies
        and not (dependant.path_params or dependant.query_params or dependant.body_params)
        and not (dependant.header_params or dependant.cookie_params)
        and dependant.request_param_name is not None
        and not (dependant.response_param_name or dependant.background_tasks_param_name)
        and not (dependant.http_connection_param_name or dependant.websocket_param_name)
        and dependant.concurrency is None
    )


def _qualifies(route: Any) -> bool:
    dependant = route.dependant
    body = route.body_field
    return (
        len(dependant.dependencies) == 1
        and dependant.dependencies[0].name is not None
        and _plain_dependency(dependant.dependencies[0])
        and not (dependant.query_params or dependant.header_params or dependant.cookie_params)
        and not (dependant.request_param_name or dependant.response_param_name)
        and not (dependant.background_tasks_param_name or dependant.security_scopes_param_name)
        and not (dependant.http_connection_param_name or dependant.websocket_param_name)
        and (body is None or not isinstance(body.field_info, params.Form))
        and len(dependant.body_params) <= 1
        and not route._embed_body_fields
        and isinstance(route.response_class, DefaultPlaceholder)
        and route.response_class.value is JSONResponse
        and route.stream_item_field is None
        and not (route.is_json_stream or route.is_sse_stream)
    )


def _json_content_type(value: str) -> bool:
    """FastAPI's test (`application/json` or `application/*+json`), parsed as it parses it."""
    if value in _JSON_TYPES:
        return True
    message = email.message.Message()
    message["content-type"] = value
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


def effective(route: APIRoute) -> Any:
    """What FastAPI builds `route`'s handler from: for a route of an included router, the
    inclusion's context (its prefix, dependencies, overrides provider and response class), which
    FastAPI 0.165 hands to `get_route_handler` through a context variable."""
    context = _effective_route_context_var.get()
    return context if context is not None and context.original_route is route else route


PathField = tuple[ModelField, str, tuple[str, str]]


def _path_fields(fields: list[ModelField]) -> list[PathField] | None:
    """Each path parameter with the name it is matched by and its place in errors, as
    `request_params_to_args` finds them; None if one is a model (FastAPI's own way then)."""
    found = []
    for field in fields:
        if _get_param_model(field) is not None:
            return None
        ((_, alias),) = _get_param_aliases(field)
        info = field.field_info
        assert isinstance(info, params.Param)
        found.append((field, alias, (info.in_.value, alias)))
    return found


def _path_values(
    fields: list[PathField] | None, all_fields: list[ModelField], received: dict[str, Any]
) -> tuple[dict[str, Any], list[Any]]:
    """`request_params_to_args` for path parameters: a matched route gives each a non-empty
    string, which FastAPI validates as it is; anything else goes FastAPI's own way."""
    if fields is None:
        return request_params_to_args(all_fields, received)
    values: dict[str, Any] = {}
    errors: list[Any] = []
    for field, alias, loc in fields:
        value = received.get(alias)
        if not (isinstance(value, str) and value):
            return request_params_to_args(all_fields, received)
        valid, problems = field.validate(value, values, loc=loc)
        if problems:
            errors.extend(problems)
        else:
            values[field.name] = valid
    return values, errors


def direct_handler(original: APIRoute, fallback: Handler) -> Handler | None:
    """The direct handler of a route, or None when the route needs FastAPI's own."""
    route = effective(original)
    if not _qualifies(route):
        return None
    dependant = route.dependant
    endpoint: Callable[..., Any] = getattr(route, "endpoint", None) or original.endpoint
    dependency = dependant.dependencies[0]
    call, name = dependency.call, dependency.name
    assert call is not None and name is not None
    request_name = dependency.request_param_name
    scopes_name = dependency.security_scopes_param_name
    # Made once: the dependency only reads it (FastAPI made one per request).
    security = SecurityScopes(scopes=_get_oauth_scopes(dependant=dependency))
    path_params, body_params = dependant.path_params, dependant.body_params
    path_fields = _path_fields(path_params)
    strict = route.strict_content_type
    strict_content_type = strict.value if isinstance(strict, DefaultPlaceholder) else strict
    is_coroutine = inspect.iscoroutinefunction(endpoint)
    overrides = route.dependency_overrides_provider

    async def read_body(request: Request) -> Any:
        try:
            return await _json_or_bytes(request)
        except json.JSONDecodeError as error:
            raise RequestValidationError(
                [
                    {
                        "type": "json_invalid",
                        "loc": ("body", error.pos),
                        "msg": "JSON decode error",
                        "input": {},
                        "ctx": {"error": error.msg},
                    }
                ],
                body=error.doc,
            ) from error
        except HTTPException:
            raise
        except Exception as error:
            if MAX_BODY_SIZE_SCOPE_KEY in request.scope and (limit := get_body_limit_error(error)):
                raise limit from error
            raise HTTPException(400, "There was an error parsing the body") from error

    async def _json_or_bytes(request: Request) -> Any:
        body_bytes = await request.body()
        if not body_bytes:
            return Undefined
        content_type = request.headers.get("content-type")
        if not content_type:
            return body_bytes if strict_content_type else await request.json()
        if _json_content_type(content_type):
            return await request.json()
        return body_bytes

    async def handler(request: Request) -> Response:
        if _TELEMETRY in request.scope or (
            overrides is not None and getattr(overrides, "dependency_overrides", None)
        ):  # FastAPI's own handler traces its steps, and applies overrides
            return await fallback(request)
        body = await read_body(request) if body_params else Undefined
        kwargs: dict[str, Any] = {request_name: request}
        if scopes_name:
            kwargs[scopes_name] = security
        values: dict[str, Any] = {name: await call(**kwargs)}
        found, errors = _path_values(path_fields, path_params, request.path_params)
        values.update(found)
        if body_params:
            found, body_errors = await request_body_to_args(
                body_fields=body_params, received_body=body, embed_body_fields=False
            )
            values.update(found)
            errors.extend(body_errors)
        if errors:
            raise RequestValidationError(errors, body=None if body is Undefined else body)
        if is_coroutine:
            raw = await endpoint(**values)
        else:
            raw = await run_in_threadpool(endpoint, **values)
        if isinstance(raw, Response):
            return raw
        content = await serialize_response(
            field=route.response_field,
            response_content=raw,
            include=route.response_model_include,
            exclude=route.response_model_exclude,
            by_alias=route.response_model_by_alias,
            exclude_unset=route.response_model_exclude_unset,
            exclude_defaults=route.response_model_exclude_defaults,
            exclude_none=route.response_model_exclude_none,
            is_coroutine=is_coroutine,
            dump_json=route.response_field is not None,
        )
        status = route.status_code or 200
        if route.response_field is not None:
            response = Response(content=content, media_type="application/json", status_code=status)
        else:
            response = JSONResponse(content, status_code=status)
        if not is_body_allowed_for_status_code(response.status_code):
            response.body = b""
        return response

    return handler
