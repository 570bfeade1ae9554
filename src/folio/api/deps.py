"""Per-request plumbing: who calls (bearer token → principal), with which scope, on which book.

Each endpoint declares its scope once, as `call: Call = reads("books:read")` or
`writes("books:write")`; FastAPI's `Security` carries the scope into the one dependency that
authenticates and reads the headers, and keeps it on the route, where `route_scopes` (and the
scope tests) find it.

One dependency node, reading the request's headers itself, instead of a tree of them (the
bearer scheme, the token check, one node per header): FastAPI 0.165 spends about as much
solving a dependency tree as Folio spends booking an entry (BENCHMARKS.md). What the tree
gave the OpenAPI document, the security requirement and the two write headers, `documented`
gives each route instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from fastapi import Request, Security
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import SecurityScopes
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from folio.api.throttle import FailureThrottle
from folio.domain.errors import InsufficientScope, InvalidInput, NotFound, Unauthenticated
from folio.service import auth, group_commit, runner
from folio.service.runner import Actor, IdempotencyRequest
from folio.store.uow import UnitOfWork

T = TypeVar("T")

SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key (`fol_...`) or an access token from `POST /v1/auth/token`.",
    }
}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")
MAX_IDEMPOTENCY_KEY = 200
MAX_MODIFIED_BY = 200
JSON = "application/json"


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def request_id_of(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


def valid_request_id(value: str | None) -> bool:
    return value is not None and bool(_REQUEST_ID.match(value))


def client_address(request: Request) -> str:
    """The caller's address (uvicorn takes it from X-Forwarded-For behind a trusted proxy)."""
    return request.client.host if request.client else "unknown"


def throttled(request: Request) -> AbstractContextManager[None]:
    """Refuse an address with too many failed authentications; count this one if it fails."""
    throttle: FailureThrottle = request.app.state.auth_throttle
    return throttle.guard(client_address(request))


_READ_HEADERS = (b"authorization",)
_WRITE_HEADERS = (b"authorization", b"idempotency-key", b"modified-by")


def header_values(request: Request, names: tuple[bytes, ...]) -> dict[bytes, str]:
    """The first value of each of `names` (lower case) that the request has, in one pass over
    its headers (as `request.headers.get` would find each, without a scan per name)."""
    found: dict[bytes, str] = {}
    for name, value in request.scope["headers"]:
        if name in names and name not in found:
            found[name] = value.decode("latin-1")
    return found


def bearer_token(authorization: str | None) -> str | None:
    """The token of `Authorization: Bearer <token>`, read as FastAPI's `HTTPBearer` reads it."""
    scheme, token = get_authorization_scheme_param(authorization)
    return token if scheme.lower() == "bearer" and token else None


async def authenticated(
    request: Request, scopes: Sequence[str], authorization: str | None
) -> auth.Principal:
    """The caller, checked against the route's book (404 if not theirs) and scopes (403).

    On the event loop: a token verified moments ago is known without the database, and a
    worker thread is taken only to verify one (a thread hop less on nearly every request).
    """
    token = bearer_token(authorization)
    if token is None:
        raise Unauthenticated("Send Authorization: Bearer <API key or access token>.")
    engine = engine_of(request)
    known = auth.VERIFIED.get(engine, token)
    if known is not None:
        principal = known
    else:
        with throttled(request):
            principal = await run_in_threadpool(
                auth.identify, engine, token, request.app.state.signing_keys
            )
    book_id = request.path_params.get("book_id")
    if isinstance(book_id, str) and not principal.sees_book(book_id):
        raise NotFound(f"Book {book_id} not found.", {"book_id": book_id})
    for scope in scopes:
        if not principal.allows(scope):
            raise InsufficientScope(f"This needs the {scope} scope.", {"required": scope})
    return principal


class Rendered(Protocol):
    """A response body: a pydantic model, or one that writes the same text faster."""

    def model_dump_json(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Call:
    """One request's principal and actor, and the two ways to run a use case."""

    engine: Engine
    principal: auth.Principal
    actor: Actor
    method: str
    target: str  # path and query, for an Idempotency-Key's fingerprint ("" without a key)
    body: bytes
    idempotency_key: str | None

    def read(self, fn: Callable[[UnitOfWork], T]) -> T:
        return runner.read(UnitOfWork(self.engine, write=False), fn)

    def write(
        self,
        fn: Callable[[UnitOfWork], T],
        render: Callable[[T], Rendered],
        *,
        status: int = 200,
        book_id: str | None = None,
    ) -> Response:
        """Run a write; with an Idempotency-Key its response is stored in the same transaction."""
        if self.idempotency_key is None:
            return _rendered(render(group_commit.write(UnitOfWork(self.engine), fn)), status)
        produced: list[str] = []

        def render_stored(result: T) -> tuple[int, str]:
            produced.append(render(result).model_dump_json())
            return status, produced[-1]

        request = IdempotencyRequest(
            scope=book_id or "",
            principal_id=self.principal.id,
            key=self.idempotency_key,
            request_hash=IdempotencyRequest.fingerprint(self.method, self.target, self.body),
        )
        stored = runner.write_idempotent(UnitOfWork(self.engine), fn, request, render_stored)
        # The body this request rendered and committed comes back as the very same object;
        # anything else was stored by an earlier request with this key.
        replayed = not produced or stored.body is not produced[-1]
        headers = {"Idempotency-Replayed": "true"} if replayed else None
        return Response(
            stored.body, status_code=stored.status_code, media_type=JSON, headers=headers
        )

    async def write_async(
        self,
        fn: Callable[[UnitOfWork], T],
        render: Callable[[T], Rendered],
        *,
        status: int = 200,
        book_id: str | None = None,
        merge: group_commit.Merge | None = None,
    ) -> Response:
        """`write` for an async endpoint: the request waits on the event loop, not a thread.
        `merge`: how the write may run together with like writes (group_commit.Merge)."""
        if self.idempotency_key is not None:  # rare enough to take a worker thread
            return await run_in_threadpool(self.write, fn, render, status=status, book_id=book_id)
        result = await group_commit.write_async(UnitOfWork(self.engine), fn, merge)
        return _rendered(render(result), status)


def _target(request: Request) -> str:
    """Path and query, as an idempotent request's fingerprint has them (`request.url` is
    parsed for it, so it is made only when an Idempotency-Key is sent)."""
    url = request.url
    return url.path + (f"?{url.query}" if url.query else "")


def _rendered(model: Rendered, status: int) -> Response:
    return Response(model.model_dump_json(), status_code=status, media_type=JSON)


def _actor(request: Request, principal: auth.Principal, modified_by: str | None) -> Actor:
    return Actor(
        principal_id=principal.id, modified_by=modified_by, request_id=request_id_of(request)
    )


async def read_call(security_scopes: SecurityScopes, request: Request) -> Call:
    authorization = header_values(request, _READ_HEADERS).get(b"authorization")
    principal = await authenticated(request, security_scopes.scopes, authorization)
    return Call(
        engine=engine_of(request),
        principal=principal,
        actor=_actor(request, principal, None),
        method=request.method,
        target="",
        body=b"",
        idempotency_key=None,
    )


async def write_call(security_scopes: SecurityScopes, request: Request) -> Call:
    headers = header_values(request, _WRITE_HEADERS)
    principal = await authenticated(request, security_scopes.scopes, headers.get(b"authorization"))
    idempotency_key = headers.get(b"idempotency-key")
    modified_by = headers.get(b"modified-by")
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(
            f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters.",
            {"field": "Idempotency-Key"},
        )
    if modified_by is not None and len(modified_by) > MAX_MODIFIED_BY:
        raise InvalidInput(
            f"Modified-By is longer than {MAX_MODIFIED_BY} characters.", {"field": "Modified-By"}
        )
    return Call(
        engine=engine_of(request),
        principal=principal,
        actor=_actor(request, principal, modified_by or None),
        method=request.method,
        target="" if idempotency_key is None else _target(request),
        body=await request.body(),
        idempotency_key=idempotency_key,
    )


def _header(name: str, description: str) -> dict[str, Any]:
    schema = {"anyOf": [{"type": "string"}, {"type": "null"}], "title": name}
    return {
        "name": name,
        "in": "header",
        "required": False,
        "schema": {**schema, "description": description},
        "description": description,
    }


WRITE_HEADERS = [
    _header("Idempotency-Key", "Makes a retry safe: the first response is stored and replayed."),
    _header("Modified-By", "Who acts on whose behalf; recorded on entries and in the audit log."),
]


def documented(dependant: Dependant) -> dict[str, Any]:
    """The OpenAPI a route gets from `reads`/`writes`: its security requirement with its
    scopes, and a write's two headers (for the route's `openapi_extra`)."""
    pending, found = [dependant], {}
    while pending:
        node = pending.pop()
        if node.call is read_call or node.call is write_call:
            found = {"security": [{"bearer": sorted(route_scopes_of(dependant))}]}
            if node.call is write_call:
                found["parameters"] = list(WRITE_HEADERS)
        pending.extend(node.dependencies)
    return found


def reads(scope: str) -> Any:
    """An endpoint's read context, demanding `scope`."""
    return Security(read_call, scopes=[scope])


def writes(scope: str) -> Any:
    """An endpoint's write context (Idempotency-Key, Modified-By), demanding `scope`."""
    return Security(write_call, scopes=[scope])


def unbound(call: Call) -> Call:
    """Server-wide operations are refused to a principal bound to one book."""
    if call.principal.book_id is not None:
        raise InsufficientScope(
            "A credential bound to one book cannot do this.", {"book_id": call.principal.book_id}
        )
    return call


def route_scopes(route: APIRoute) -> set[str]:
    """Every scope a route demands, read from its dependency tree."""
    return route_scopes_of(route.dependant)


def route_scopes_of(dependant: Dependant) -> set[str]:
    found: set[str] = set()
    pending = [dependant]
    while pending:
        dependant = pending.pop()
        found.update(dependant.own_oauth_scopes or ())
        pending.extend(dependant.dependencies)
    return found
