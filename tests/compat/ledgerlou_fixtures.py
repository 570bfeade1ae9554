"""LedgerLou fixtures: an SKR04 book, keys bound to it, the seed-002 request, snapshots.

A test module takes the fixtures with `from tests.compat.ledgerlou_fixtures import *` (they are
`__all__`; the helpers are imported by name). They stand on `tests/api/conftest.py`: the app on
the per-test engine, which runs every test on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.api.conftest import admin, app, client_for, make_key

__all__ = ["admin", "app", "lou", "lou_book"]

BASE = "/compat/ledgerlou"
LOU_SCOPES = "journal:read journal:write perioden:read perioden:write config:write"

# The request of seeds/002 (LedgerLou, POST /v1/bookings/opening-balances), verbatim.
SEED_002: dict[str, Any] = {
    "booking_date": "2025-01-01",
    "balances": [
        {
            "account_number": "0400",
            "account_name": "Technische Anlagen und Maschinen",
            "debit": 50000,
            "credit": 0,
        },
        {
            "account_number": "1200",
            "account_name": "Forderungen aus Lieferungen und Leistungen",
            "debit": 10000,
            "credit": 0,
        },
        {
            "account_number": "2000",
            "account_name": "Gezeichnetes Kapital",
            "debit": 0,
            "credit": 25000,
        },
        {
            "account_number": "2900",
            "account_name": "Jahresüberschuss/-fehlbetrag",
            "debit": 0,
            "credit": 35000,
        },
    ],
}


def book_with_chart(admin: httpx.Client, chart: str = "skr04", **fields: Any) -> dict[str, Any]:
    body = {
        "name": "Lou GmbH",
        "currency": "EUR",
        "entries_start": "2025-01-01",
        "chart": chart,
        **fields,
    }
    response = admin.post("/v1/books", json=body)
    assert response.status_code == 201, response.text
    book: dict[str, Any] = response.json()
    return book


def lou_client(
    app: FastAPI, engine: Engine, book_id: str | None, scopes: str = LOU_SCOPES
) -> httpx.Client:
    """A client as a LedgerLou client would be: base URL and a key bound to one book."""
    client = client_for(app, make_key(engine, scopes, book_id))
    client.base_url = httpx.URL(f"http://folio.test{BASE}/")
    return client


def journal_of(admin: httpx.Client, book_id: str) -> list[dict[str, Any]]:
    """Every entry of the book, through the native API (for 'nothing posted' checks)."""
    response = admin.get(f"/v1/books/{book_id}/journal-entries", params={"limit": 500})
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def opening_rows(admin: httpx.Client, book_id: str) -> dict[str, Any]:
    response = admin.get(f"/v1/books/{book_id}/opening-balances")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def lou_book(admin: httpx.Client) -> dict[str, Any]:
    return book_with_chart(admin)


@pytest.fixture
def lou(app: FastAPI, engine: Engine, lou_book: dict[str, Any]) -> Iterator[httpx.Client]:
    with lou_client(app, engine, lou_book["id"]) as client:
        yield client
