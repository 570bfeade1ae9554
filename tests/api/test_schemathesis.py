"""Property-based tests against the app's own OpenAPI document (bounded, authenticated).

Every operation, native and compatible (/compat/asset, /compat/teal, /compat/ledgerlou) and
/health, gets positive cases (on real ids of a populated book, so bodies reach the services)
and negative ones (data that breaks the schema): no response may be a 5xx, and every response
must match the document: status, content type, headers and body schema.

Each compatible API is called as its clients call it: Teal's requests name the book in
`teal-instance-id`, LedgerLou's carry a key bound to an SKR04 book. One test per API, so the
workers share them out. SQLite only: this is the HTTP layer's contract; each engine's own
behaviour is proven by the integration tests, which run on both.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from folio.api.app import create_app
from folio.api.settings import Settings
from tests.api.conftest import client_for, make_key, post_entry
from tests.api.test_access import populated_book

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# 12 cases an operation in the suite; a longer hunt: FOLIO_SCHEMATHESIS_EXAMPLES=200.
EXAMPLES = int(os.environ.get("FOLIO_SCHEMATHESIS_EXAMPLES", "12"))
NATIVE = ("/v1/", "/health")


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    """The app without the authentication throttle: a hunt sends hundreds of bad credentials
    from one address, and the 21st within a minute is a 429 that the compatible documents do
    not list (they publish exactly their vendors' responses). The throttle has its own tests
    (`test_request_limits.py`); the native document lists its 429."""
    return create_app(engine, Settings(auth_throttle=None))


def _ledgerlou_book(admin: Any, engine: Engine) -> tuple[str, dict[str, str]]:
    """An SKR04 book with a posted intent, and a key bound to it."""
    body = {"name": "Lou GmbH", "currency": "EUR", "entries_start": "2025-01-01", "chart": "skr04"}
    book = admin.post("/v1/books", json=body).json()
    entry = post_entry(admin, book["id"], "1800 D 10.00; 4400 C 10.00").json()
    return make_key(engine, "admin", book["id"]), {
        "intent_id": entry["intent_id"],
        "period": "2025-01",
    }


def _ids(admin: Any, engine: Engine, api: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """(key, path ids, extra headers) for one API."""
    if api == "ledgerlou":
        key, ids = _ledgerlou_book(admin, engine)
        return key, ids, {}
    ids = populated_book(admin)
    headers = {"teal-instance-id": ids["book_id"]} if api == "teal" else {}
    return make_key(engine), ids, headers


def _belongs(path: str, api: str) -> bool:
    if api == "native":
        return path.startswith(NATIVE)
    return path.startswith(f"/compat/{api}/")


@pytest.mark.parametrize("api", ["native", "asset", "teal", "ledgerlou"])
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_api_keeps_its_openapi_promises(app: FastAPI, engine: Engine, api: str) -> None:
    with client_for(app, make_key(engine)) as admin:
        key, ids, extra = _ids(admin, engine, api)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {key}", **extra}
    operations = [
        result.ok() for result in schema.get_all_operations() if _belongs(result.ok().path, api)
    ]
    assert len(operations) >= {"native": 25, "asset": 9, "teal": 7, "ledgerlou": 10}[api]
    for operation in operations:
        fixed = {name: ids[name] for name in ids if f"{{{name}}}" in operation.path}
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
