"""Tenancy and scopes, enumerated over the app's routes so that no new route escapes them."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from folio.api.app import api_routes as all_api_routes
from folio.api.deps import route_scopes
from folio.service import auth
from tests.api.conftest import client_for, create_book, ledger_ids, make_key, post_entry

PUBLIC = {"/v1/auth/token"}
BOOK_PREFIX = "/v1/books/{book_id}"


def api_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """The native routes; each compat adapter enumerates its own in tests/compat/."""
    found = [route for route in all_api_routes(app) if route[1].startswith("/v1/")]
    assert len(found) >= 20, "the enumeration found too few routes"
    return found


def populated_book(admin: httpx.Client) -> dict[str, str]:
    """A book with ledgers and an entry; returns the ids that fill every path parameter."""
    book = create_book(admin)
    entry = post_entry(admin, book["id"], "1000 D 10.00; 4000 C 10.00").json()
    party = admin.post(
        f"/v1/books/{book['id']}/parties", json={"kind": "customer", "name": "Alpha AG"}
    ).json()
    return {
        "book_id": book["id"],
        "ledger_id": ledger_ids(admin, book["id"])["1000"],
        "entry_id": entry["id"],
        "intent_id": entry["intent_id"],
        "period": "2025-01",
        "year": "2025",
        "party_id": party["id"],
        "kind": "customer",
    }


def call(client: httpx.Client, method: str, path: str, ids: dict[str, str]) -> httpx.Response:
    url = path.format(**ids)
    if method in ("POST", "PUT", "PATCH"):
        return client.request(method, url, json={})
    return client.request(method, url)


def snapshot(admin: httpx.Client, book_id: str) -> dict[str, Any]:
    base = f"/v1/books/{book_id}"
    return {
        name: admin.get(base + rest, params={"limit": 500}).json()
        for name, rest in (
            ("book", ""),
            ("ledgers", "/ledgers"),
            ("entries", "/journal-entries"),
            ("periods", "/periods"),
            ("audit", "/audit-events"),
        )
    }


def test_a_key_bound_to_one_book_never_reaches_another(
    app: FastAPI, engine: Engine, admin: httpx.Client
) -> None:
    mine = populated_book(admin)
    theirs = populated_book(admin)
    before = snapshot(admin, theirs["book_id"])
    book_routes = [r for r in api_routes(app) if r[1].startswith(BOOK_PREFIX)]
    assert len(book_routes) >= 15
    with client_for(app, make_key(engine, "admin", mine["book_id"])) as bound:
        for method, path, _route in book_routes:
            response = call(bound, method, path, theirs)
            assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND"), (
                method,
                path,
            )
        # The same key works on its own book, so the 404s above are about tenancy.
        own = bound.get(f"/v1/books/{mine['book_id']}/journal-entries/{mine['entry_id']}")
        assert own.status_code == 200
    assert snapshot(admin, theirs["book_id"]) == before


def test_every_route_demands_its_scope(app: FastAPI, engine: Engine, admin: httpx.Client) -> None:
    ids = populated_book(admin)
    checked = 0
    for method, path, route in api_routes(app):
        required = route_scopes(route)
        if not required:
            assert path in PUBLIC, f"{method} {path} demands no scope"
            continue
        assert len(required) == 1 and required <= set(auth.SCOPES), (path, required)
        others = [s for s in auth.SCOPES if s not in required and s != auth.ADMIN]
        with client_for(app, make_key(engine, " ".join(others))) as lacking:
            response = call(lacking, method, path, ids)
        assert (response.status_code, response.json()["code"]) == (403, "INSUFFICIENT_SCOPE"), (
            method,
            path,
        )
        assert response.json()["data"] == {"required": next(iter(required))}
        checked += 1
    assert checked >= 20


def test_scope_table_matches_the_docs(app: FastAPI) -> None:
    """The scope per route as docs/api.md documents it."""
    table = {f"{method} {path}": route_scopes(route) for method, path, route in api_routes(app)}
    expected_prefix = {
        "/v1/books": "books",
        BOOK_PREFIX + "/ledgers": "ledgers",
        BOOK_PREFIX + "/journal-entries": "journal",
        BOOK_PREFIX + "/intents": "journal",
        BOOK_PREFIX + "/periods": "periods",
        BOOK_PREFIX + "/fiscal-years": "periods",  # closing a year locks its months
        # Customers and suppliers are kept with the chart of accounts.
        BOOK_PREFIX + "/parties": "ledgers",
        BOOK_PREFIX + "/party-numbers": "ledgers",
    }
    # The book's opening balances are read with the ledgers and booked as journal entries.
    special = {
        f"GET {BOOK_PREFIX}/opening-balances": "ledgers:read",
        f"POST {BOOK_PREFIX}/opening-balances": "journal:write",
        # A year's opening values and its continuity are figures, read like the reports.
        f"GET {BOOK_PREFIX}/fiscal-years/{{year}}/opening-balances": "reports:read",
        f"GET {BOOK_PREFIX}/fiscal-years/{{year}}/continuity": "reports:read",
        # Open items are booked as opening balances (journal) and read as a report.
        f"POST {BOOK_PREFIX}/open-items": "journal:write",
        f"GET {BOOK_PREFIX}/parties/{{party_id}}/open-items": "reports:read",
        # A DATEV file is booked as journal entries and opening balances.
        f"POST {BOOK_PREFIX}/imports/datev": "journal:write",
    }
    for key, scopes in table.items():
        method, path = key.split(" ", 1)
        if path in PUBLIC or not path.startswith("/v1/"):
            continue  # the compat adapters have their own scope tests
        [scope] = scopes
        if key in special:
            assert scope == special[key], key
        elif path.endswith(("/verify", "/export")) or "/reports/" in path:
            assert scope == "reports:read"
        elif path.endswith("/audit-events"):
            assert scope == "admin"
        else:
            prefix = max((p for p in expected_prefix if path.startswith(p)), key=len)
            kind = "read" if method == "GET" else "write"
            assert scope == f"{expected_prefix[prefix]}:{kind}", key
