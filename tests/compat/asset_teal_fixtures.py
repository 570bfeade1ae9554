"""Asset and Teal fixtures: businesses and instances made through the compat routes, keys,
exact JSON, and seed 000's OpenAPI schema (`fixtures/asset_openapi.yaml`, kept verbatim).

A test module takes the fixtures with `from tests.compat.asset_teal_fixtures import *` (they are
`__all__`; the helpers are imported by name). They stand on `tests/api/conftest.py`: the app on
the per-test engine, which runs every test on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest
import yaml
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.api.conftest import admin, app, client_for, make_key

__all__ = ["admin", "app", "asset", "business", "instance", "teal"]

ASSET = "/compat/asset"
TEAL = "/compat/teal"
OPENAPI = Path(__file__).parent / "fixtures" / "asset_openapi.yaml"
OB_PATH = "/v0/business/{business_id}/ledger/{ledger_id}/opening-balance"


def exact(response: httpx.Response) -> Any:
    """The body with JSON numbers as exact Decimals (httpx's .json() would make floats)."""
    return json.loads(response.text, parse_float=Decimal)


@functools.cache
def asset_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(OPENAPI.read_text())
    return spec


def asset_schema(name: str) -> dict[str, Any]:
    """A component schema of seed 000, its `$ref`s resolved against the document."""
    return {"$ref": f"#/components/schemas/{name}", "components": asset_spec()["components"]}


def assert_asset_valid(name: str, instance: Any) -> None:
    validator = jsonschema_rs.validator_for(asset_schema(name))
    errors = [error.message for error in validator.iter_errors(instance)]
    assert not errors, (name, instance, errors)


def asset_response_schema(status: int) -> str:
    """The component seed 000 names for the opening-balance PUT's `status`."""
    operation = asset_spec()["paths"][OB_PATH]["put"]
    ref: str = operation["responses"][str(status)]["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[-1]


def make_business(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {
        "name": "Acme LLC",
        "entity_type": "llc",
        "entries_start": "2025-01-01T00:00:00Z",
        "fiscal_year": "01/01",
        **fields,
    }
    response = client.post(f"{ASSET}/v0/business", json=body)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()["data"]
    return made


def make_instance(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"name": "ACME Goods Inc", "entries_start": "2025-01-01T00:00:00Z", **fields}
    response = client.post(f"{TEAL}/v0/instance", json=body)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def ledger_by_code(ledgers: list[dict[str, Any]], code: str) -> dict[str, Any]:
    return next(item for item in ledgers if item["sort_code"] == code)


def asset_ledgers(client: httpx.Client, business_id: str) -> list[dict[str, Any]]:
    response = client.get(f"{ASSET}/v0/business/{business_id}/ledger")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    return found


def teal_ledgers(client: httpx.Client, instance_id: str) -> list[dict[str, Any]]:
    response = client.get(f"{TEAL}/v0/ledgers", headers={"teal-instance-id": instance_id})
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["records"]
    return found


def teal_client(app: FastAPI, engine: Engine, scopes: str, book_id: str | None) -> httpx.Client:
    client = client_for(app, make_key(engine, scopes, book_id))
    if book_id is not None:
        client.headers["teal-instance-id"] = book_id
    return client


@pytest.fixture
def business(admin: httpx.Client) -> dict[str, Any]:
    """An LLC on the US chart, entries from 2025-01-01."""
    return make_business(admin)


@pytest.fixture
def asset(app: FastAPI, engine: Engine, business: dict[str, Any]) -> httpx.Client:
    """A key bound to `business` with Asset's scope names."""
    scopes = (
        "business:read ledger:create ledger:read ledger:update journal_entry:create report:read"
    )
    return client_for(app, make_key(engine, scopes, business["id"]))


@pytest.fixture
def instance(admin: httpx.Client) -> dict[str, Any]:
    """An instance on the US chart, entries from 2025-01-01."""
    return make_instance(admin)


@pytest.fixture
def teal(app: FastAPI, engine: Engine, instance: dict[str, Any]) -> httpx.Client:
    """A key bound to `instance`, sending its teal-instance-id."""
    scopes = "ledgers:read ledgers:write journal:read journal:write"
    return teal_client(app, engine, scopes, instance["id"])
