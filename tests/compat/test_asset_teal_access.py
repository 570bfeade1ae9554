"""Tenancy and scopes of the Asset and Teal routes, enumerated from the app so that no new route
escapes them (the compat twin of tests/api/test_access.py)."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from folio.api.app import api_routes
from folio.api.deps import route_scopes
from folio.service import auth
from tests.api.conftest import client_for, make_key
from tests.compat.asset_teal_fixtures import *  # noqa: F403 - the fixtures
from tests.compat.asset_teal_fixtures import ASSET, TEAL, asset_ledgers, make_business

PUBLIC = {f"{ASSET}/v0/auth/token"}
# Routes that name no book: creating one, or listing what the credential sees.
UNBOOKED = {
    f"POST {ASSET}/v0/business",
    f"GET {ASSET}/v0/business",
    f"POST {TEAL}/v0/instance",
}
# The scope of every route, as docs/compat/asset.md and docs/compat/teal.md list them.
SCOPES = {
    f"POST {ASSET}/v0/business": "books:write",
    f"GET {ASSET}/v0/business": "books:read",
    f"GET {ASSET}/v0/business/{{book_id}}": "books:read",
    f"PATCH {ASSET}/v0/business/{{book_id}}": "books:write",
    f"POST {ASSET}/v0/business/{{book_id}}/ledger": "ledgers:write",
    f"GET {ASSET}/v0/business/{{book_id}}/ledger": "ledgers:read",
    f"GET {ASSET}/v0/business/{{book_id}}/ledger/{{ledger_id}}": "ledgers:read",
    f"PUT {ASSET}/v0/business/{{book_id}}/ledger/{{ledger_id}}/opening-balance": "ledgers:write",
    f"POST {ASSET}/v0/business/{{book_id}}/journal-entries": "journal:write",
    f"GET {ASSET}/v0/business/{{book_id}}/reports/trial-balance": "reports:read",
    f"POST {TEAL}/v0/instance": "books:write",
    f"GET {TEAL}/v0/ledgers": "ledgers:read",
    f"POST {TEAL}/v0/ledgers": "ledgers:write",
    f"GET {TEAL}/v0/ledgers/opening-balance": "ledgers:read",
    f"POST {TEAL}/v0/ledgers/{{ledger_id}}/opening-balance": "ledgers:write",
    f"POST {TEAL}/v0/ledgers/opening-balances": "ledgers:write",
    f"POST {TEAL}/v0/journal-entries": "journal:write",
    f"GET {TEAL}/v0/journal-entries/{{entry_id}}": "journal:read",
}


def compat_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    found = [r for r in api_routes(app) if r[1].startswith((ASSET + "/", TEAL + "/"))]
    assert len(found) == len(SCOPES) + len(PUBLIC), [f"{m} {p}" for m, p, _ in found]
    return found


def populated(admin: httpx.Client) -> dict[str, str]:
    """A business (a book) with an entry; the ids that fill every path parameter."""
    made = make_business(admin)
    ledgers = {item["sort_code"]: item["id"] for item in asset_ledgers(admin, made["id"])}
    entry = admin.post(
        f"/v1/books/{made['id']}/journal-entries",
        json={
            "date": "2025-01-10",
            "lines": [
                {"ledger_number": "1010", "debit": "10.00"},
                {"ledger_number": "4000", "credit": "10.00"},
            ],
        },
    ).json()
    return {"book_id": made["id"], "ledger_id": ledgers["1010"], "entry_id": entry["id"]}


def call(
    client: httpx.Client, method: str, path: str, ids: dict[str, str], instance: str
) -> httpx.Response:
    url = path.format(**ids)
    headers = {"teal-instance-id": instance} if path.startswith(TEAL) else {}
    if method in ("POST", "PUT", "PATCH"):
        return client.request(method, url, json={}, headers=headers)
    return client.request(method, url, headers=headers)


def snapshot(admin: httpx.Client, book_id: str) -> dict[str, Any]:
    base = f"/v1/books/{book_id}"
    return {
        name: admin.get(base + rest, params={"limit": 500}).json()
        for name, rest in (
            ("book", ""),
            ("ledgers", "/ledgers"),
            ("entries", "/journal-entries"),
            ("audit", "/audit-events"),
        )
    }


def test_every_route_demands_its_documented_native_scope(
    app: FastAPI, engine: Engine, admin: httpx.Client
) -> None:
    ids = populated(admin)
    for method, path, route in compat_routes(app):
        required = route_scopes(route)
        if path in PUBLIC:
            assert not required, path
            continue
        assert required == {SCOPES[f"{method} {path}"]}, (method, path, required)
        others = [s for s in auth.SCOPES if s not in required and s != auth.ADMIN]
        with client_for(app, make_key(engine, " ".join(others))) as lacking:
            response = call(lacking, method, path, ids, ids["book_id"])
        assert (response.status_code, response.json()["code"]) == (403, "INSUFFICIENT_SCOPE"), (
            method,
            path,
        )
        assert response.json()["data"] == {"required": next(iter(required))}


def test_a_key_bound_to_one_book_never_reaches_another(
    app: FastAPI, engine: Engine, admin: httpx.Client
) -> None:
    mine, theirs = populated(admin), populated(admin)
    before = snapshot(admin, theirs["book_id"])
    checked = 0
    with client_for(app, make_key(engine, "admin", mine["book_id"])) as bound:
        for method, path, _route in compat_routes(app):
            key = f"{method} {path}"
            if path in PUBLIC or key in UNBOOKED:
                continue
            # Everything of theirs: the path ids and the instance header.
            response = call(bound, method, path, theirs, theirs["book_id"])
            assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND"), key
            if "{ledger_id}" in path or "{entry_id}" in path:
                # Their ledger or entry under my own business or instance.
                crossed = {**theirs, "book_id": mine["book_id"]}
                response = call(bound, method, path, crossed, mine["book_id"])
                assert response.status_code in (404, 422), key
                assert response.json()["code"] in ("NOT_FOUND", "INVALID_INPUT"), key
            checked += 1
        assert checked == len(SCOPES) - len(UNBOOKED)
        # Books are created only by unbound credentials; lists show only the own book.
        for path in (f"{ASSET}/v0/business", f"{TEAL}/v0/instance"):
            refused = bound.post(
                path, json={"name": "X", "entity_type": "llc", "entries_start": "2025-01-01"}
            )
            assert (refused.status_code, refused.json()["code"]) == (403, "INSUFFICIENT_SCOPE")
        listed = bound.get(f"{ASSET}/v0/business").json()["data"]
        assert [item["id"] for item in listed] == [mine["book_id"]]
        # The same key works on its own book, so the 404s above are about tenancy.
        own = bound.get(
            f"{TEAL}/v0/journal-entries/{mine['entry_id']}",
            headers={"teal-instance-id": mine["book_id"]},
        )
        assert own.status_code == 200
    assert snapshot(admin, theirs["book_id"]) == before
