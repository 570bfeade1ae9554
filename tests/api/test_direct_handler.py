"""Plain routes (one call dependency, path parameters, a JSON body) skip FastAPI's dependency
solver (`folio.api.direct`): they must answer exactly as FastAPI's own handler does.

The same app answers both ways: while `app.dependency_overrides` is set, every route falls back
to FastAPI's handler. Hypothesis draws requests (bodies well-formed and not, content types,
path ids, credentials) and each is sent once each way; refusals must be identical, status,
code, message and data, and a booking must book the same amounts.
"""

from __future__ import annotations

import asyncio
import email.message
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.dependencies.utils import request_params_to_args
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from folio.api.direct import _json_content_type, _path_fields, _path_values, direct_handler
from tests.api.conftest import client_for, create_book, ledger_ids, make_key

EXAMPLES = 60


def _never_called() -> None:  # pragma: no cover - a key in dependency_overrides only
    raise AssertionError("not a dependency of any route")


class FastApiHandlers:
    """While in use, the app's routes answer through FastAPI's own handler."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def __enter__(self) -> None:
        self.app.dependency_overrides[_never_called] = _never_called

    def __exit__(self, *_: object) -> None:
        self.app.dependency_overrides.pop(_never_called, None)


def _routes(app: FastAPI) -> Iterator[APIRoute]:
    def walk(routes: list[Any]) -> Iterator[APIRoute]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            inner = getattr(route, "original_router", None)
            if inner is not None:
                yield from walk(inner.routes)

    yield from walk(app.router.routes)


def _route(app: FastAPI, method: str, path: str) -> APIRoute:
    return next(r for r in _routes(app) if r.path == path and method in r.methods)


def test_plain_routes_take_the_direct_handler_and_others_keep_fastapis(app: FastAPI) -> None:
    def handler(_: Any) -> Any:
        raise AssertionError

    for method, path in (
        ("POST", "/v1/books/{book_id}/journal-entries"),
        ("POST", "/v1/books/{book_id}/journal-entries/batch"),
        ("POST", "/v1/books/{book_id}/opening-balances"),
        ("GET", "/v1/books/{book_id}/journal-entries/{entry_id}"),
    ):
        assert direct_handler(_route(app, method, path), handler) is not None, path
    for method, path in (
        ("GET", "/v1/books/{book_id}/journal-entries"),  # query parameters
        ("GET", "/v1/books/{book_id}/ledgers"),
    ):
        assert direct_handler(_route(app, method, path), handler) is None, path


@pytest.fixture
def setup(engine: Engine, app: FastAPI) -> Iterator[tuple[httpx.Client, str, dict[str, str], str]]:
    with client_for(app, make_key(engine)) as admin:
        book = create_book(admin)
        reader = make_key(engine, scopes="journal:read")
        yield admin, book["id"], ledger_ids(admin, book["id"]), reader


def _entry(ledgers: dict[str, str], amount: str, when: str) -> dict[str, Any]:
    return {
        "date": when,
        "description": "Direct",
        "lines": [
            {"ledger_id": ledgers["1000"], "debit": amount},
            {"ledger_number": "4000", "credit": amount},
        ],
    }


_CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/vnd.folio+json",
        "text/plain",
        "multipart/form-data",
        "",
        None,
    ]
)
_AMOUNTS = st.sampled_from(["10.00", "0.01", "0", "-5", "1e3", "12.345", "x", "1.000,50"])
_DATES = st.sampled_from(["2025-01-10", "2024-12-31", "2025-02-30", "tomorrow"])
_RAW = st.sampled_from([b"", b"{", b"[]", b"null", b'{"date": NaN}', b"\xff", b'{"a": 1} x'])


@st.composite
def _requests(draw: st.DrawFn, ledgers: dict[str, str], book_id: str) -> dict[str, Any]:
    route = draw(st.sampled_from(["post", "batch", "opening", "get_entry", "reverse"]))
    path_book = draw(st.sampled_from([book_id, "bk_$$$", "bk_" + "1" * 22]))
    body: Any = _entry(ledgers, draw(_AMOUNTS), draw(_DATES))
    if route == "batch":
        body = {"atomic": draw(st.booleans()), "entries": [body, draw(st.just(body) | st.just({}))]}
    elif route == "opening":
        body = {"date": draw(_DATES), "balances": [{"ledger_number": "1000", "debit": "5.00"}]}
    elif route == "reverse":
        body = draw(st.sampled_from([None, {}, {"date": draw(_DATES)}, {"mode": 5}]))
    raw = draw(st.none() | _RAW)
    content = raw if raw is not None else json.dumps(body).encode() if body is not None else b""
    entry_id = draw(st.sampled_from(["je_$", "je_" + "3" * 22]))
    path = {
        "post": f"/v1/books/{path_book}/journal-entries",
        "batch": f"/v1/books/{path_book}/journal-entries/batch",
        "opening": f"/v1/books/{path_book}/opening-balances",
        "get_entry": f"/v1/books/{path_book}/journal-entries/je_" + "2" * 22,
        "reverse": f"/v1/books/{path_book}/journal-entries/{entry_id}/reverse",
    }[route]
    headers = {}
    content_type = draw(_CONTENT_TYPES)
    if content_type is not None:
        headers["Content-Type"] = content_type
    credentials = draw(st.sampled_from(["admin", "reader", "none", "bogus"]))
    method = "GET" if route == "get_entry" else "POST"
    return {
        "method": method,
        "url": path,
        "content": content if method == "POST" else None,
        "headers": headers,
        "credentials": credentials,
    }


def _send(client: httpx.Client, request: dict[str, Any], tokens: dict[str, str | None]) -> Any:
    headers = dict(request["headers"])
    token = tokens[request["credentials"]]
    headers["Authorization"] = f"Bearer {token}" if token else ""
    if token is None:
        del headers["Authorization"]
    response = client.request(
        request["method"], request["url"], content=request["content"], headers=headers
    )
    return response.status_code, response.json()


def _booked(answer: Any) -> Any:
    """What a booking answered, without what differs from one booking to the next; of a
    throttled request, without the seconds to wait (the two were sent a moment apart, and on
    a slow machine that moment crossed a second: 3 s against 2 s)."""
    status, body = answer
    if status == 429 and isinstance(body.get("data"), dict) and "retry_after" in body["data"]:
        wait = body["data"]["retry_after"]
        assert isinstance(wait, int) and wait >= 1, body
        return status, {
            **body,
            "error": body["error"].replace(f"retry in {wait} s.", "retry in N s."),
            "data": {**body["data"], "retry_after": "N"},
        }
    if status >= 400:
        return answer
    volatile = {"id", "intent_id", "journal_number", "created_at", "hash", "previous_hash"}

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in volatile}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return status, strip(body)


def test_plain_routes_answer_as_fastapi_would(
    setup: tuple[httpx.Client, str, dict[str, str], str], app: FastAPI
) -> None:
    admin, book_id, ledgers, reader = setup
    tokens = {
        "admin": admin.headers["Authorization"].split()[1],
        "reader": reader,
        "none": None,
        "bogus": "fol_" + "x" * 40,
    }
    with client_for(app) as client:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(request=_requests(ledgers, book_id))
        def both_ways(request: dict[str, Any]) -> None:
            direct = _send(client, request, tokens)
            with FastApiHandlers(app):
                fastapi = _send(client, request, tokens)
            assert _booked(direct) == _booked(fastapi), request

        both_ways()


def test_an_instrumented_request_takes_fastapis_handler(app: FastAPI) -> None:
    """With OpenTelemetry on, FastAPI's handler traces each step: the direct one steps aside."""
    taken: list[str] = []

    async def fastapis(request: Any) -> Any:
        taken.append(request.scope["path"])
        return Response(b"{}", media_type="application/json")

    route = _route(app, "POST", "/v1/books/{book_id}/journal-entries")
    handler = direct_handler(route, fastapis)
    assert handler is not None
    path = "/v1/books/bk_" + "1" * 22 + "/journal-entries"
    scope = {"type": "http", "method": "POST", "path": path, "headers": [], "query_string": b""}
    scope["fastapi.telemetry"] = object()
    asyncio.run(handler(Request(scope)))
    assert taken == [path]


def _fastapis_json_test(value: str) -> bool:
    """FastAPI 0.165's own test of a request's content type (fastapi/routing.py)."""
    message = email.message.Message()
    message["content-type"] = value
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


_TYPE_TEXT = st.text(alphabet="abcdjnopstx/+;= -_.\"'", max_size=40)


@settings(max_examples=400, deadline=None)
@given(
    value=st.one_of(
        _TYPE_TEXT,
        st.builds(lambda t, rest: t + rest, _CONTENT_TYPES.filter(bool), _TYPE_TEXT),
    )
)
def test_the_content_type_is_judged_as_fastapi_judges_it(value: str) -> None:
    assert _json_content_type(value) == _fastapis_json_test(value)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(book_id=st.text(min_size=1, max_size=40).filter(lambda t: "/" not in t))
def test_path_parameters_are_validated_as_fastapi_validates_them(
    app: FastAPI, book_id: str
) -> None:
    fields = _route(app, "POST", "/v1/books/{book_id}/journal-entries").dependant.path_params
    received = {"book_id": book_id}
    assert _path_values(_path_fields(fields), fields, received) == request_params_to_args(
        fields, received
    )
