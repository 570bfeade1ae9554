"""API test fixtures: the app on the per-test engine, called through httpx.ASGITransport.

`Client` is a synchronous httpx client whose transport runs each request through
`httpx.ASGITransport` on a fresh event loop, so tests (and the threads of the concurrency
tests) stay plain functions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from folio.api.app import create_app
from folio.service import auth, runner
from folio.store.uow import UnitOfWork

ALL_SCOPES = " ".join(auth.SCOPES)
LEDGERS = [
    ("1000", "asset", "Bank"),
    ("1200", "asset", "Receivables"),
    ("3000", "liability", "Payables"),
    ("4000", "revenue", "Sales"),
    ("6000", "expense", "Rent"),
]


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: FastAPI) -> None:
        self.inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return asyncio.run(call())


def client_for(app: FastAPI, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(
        transport=SyncASGITransport(app), base_url="http://folio.test", headers=headers
    )


def make_key(engine: Engine, scopes: str = "admin", book_id: str | None = None) -> str:
    made = runner.write(
        UnitOfWork(engine),
        lambda uow: auth.create_api_key(uow, scopes=scopes, book_id=book_id, actor=runner.SYSTEM),
    )
    return made.secret


def make_client(engine: Engine, scopes: str = "admin", book_id: str | None = None) -> str:
    """An OAuth2 client: returns 'client_id secret'."""
    made = runner.write(
        UnitOfWork(engine),
        lambda uow: auth.create_client(uow, scopes=scopes, book_id=book_id, actor=runner.SYSTEM),
    )
    return f"{made.credential.id} {made.secret}"


def create_book(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"name": "Acme GmbH", "currency": "EUR", "entries_start": "2025-01-01", **fields}
    response = client.post("/v1/books", json=body)
    assert response.status_code == 201, response.text
    book: dict[str, Any] = response.json()
    for number, kind, name in LEDGERS:
        made = client.post(
            f"/v1/books/{book['id']}/ledgers", json={"number": number, "type": kind, "name": name}
        )
        assert made.status_code == 201, made.text
    return book


def ledger_ids(client: httpx.Client, book_id: str) -> dict[str, str]:
    found = client.get(f"/v1/books/{book_id}/ledgers", params={"limit": 500}).json()["data"]
    return {ledger["number"]: ledger["id"] for ledger in found if ledger["number"]}


def post_entry(
    client: httpx.Client, book_id: str, lines: str, on: str = "2025-01-10", **extra: Any
) -> httpx.Response:
    """`"1000 D 10.00; 4000 C 10.00"` → POST journal-entries by ledger number."""
    parsed = []
    for item in lines.split(";"):
        number, side, value = item.split()
        parsed.append({"ledger_number": number, "debit" if side == "D" else "credit": value})
    return client.post(
        f"/v1/books/{book_id}/journal-entries", json={"date": on, "lines": parsed, **extra}
    )


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    return create_app(engine)


@pytest.fixture
def admin(engine: Engine, app: FastAPI) -> Iterator[httpx.Client]:
    with client_for(app, make_key(engine)) as client:
        yield client


@pytest.fixture
def book(admin: httpx.Client) -> dict[str, Any]:
    return create_book(admin)
