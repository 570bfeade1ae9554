"""Scopes and tenancy of every LedgerLou route, enumerated from the app so none escapes."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from folio.api.app import api_routes
from folio.api.deps import route_scopes
from folio.service import auth
from tests.compat.ledgerlou_fixtures import *  # noqa: F403 - the fixtures
from tests.compat.ledgerlou_fixtures import (
    BASE,
    SEED_002,
    book_with_chart,
    journal_of,
    lou_client,
)

# The scope of each route, as docs/compat/ledgerlou.md documents it (native names; the
# LedgerLou names journal:*, perioden:* and config:* grant them).
SCOPES = {
    "POST /v1/bookings/opening-balances": "journal:write",
    "POST /v1/bookings": "journal:write",
    "POST /v1/journal/reverse": "journal:write",
    "GET /v1/journal/{intent_id}": "journal:read",
    "GET /v1/accounts": "journal:read",
    "POST /v1/accounts": "ledgers:write",
    "GET /v1/periods": "periods:read",
    "POST /v1/periods/{period}/soft-lock": "periods:write",
    "POST /v1/periods/{period}/reopen": "periods:write",
    "POST /v1/periods/{period}/lock": "periods:write",
}


def routes(app: FastAPI) -> dict[str, set[str]]:
    found = {
        f"{method} {path.removeprefix(BASE)}": route_scopes(route)
        for method, path, route in api_routes(app)
        if path.startswith(BASE + "/")
    }
    assert len(found) == len(SCOPES)
    return found


def call(client: httpx.Client, key: str, ids: dict[str, str]) -> httpx.Response:
    method, path = key.split(" ", 1)
    url = path.format(**ids)
    if method == "POST":
        return client.post(url, json={})
    return client.get(url)


def snapshot(admin: httpx.Client, book_id: str) -> dict[str, Any]:
    base = f"/v1/books/{book_id}"
    return {
        name: admin.get(base + rest, params={"limit": 500}).json()
        for name, rest in (
            ("book", ""),
            ("ledgers", "/ledgers"),
            ("entries", "/journal-entries"),
            ("periods", "/periods"),
        )
    }


def test_the_scope_table_is_the_documented_one(app: FastAPI) -> None:
    assert routes(app) == {key: {scope} for key, scope in SCOPES.items()}


def test_every_route_refuses_a_key_without_its_scope(
    app: FastAPI, engine: Engine, lou_book: dict[str, Any], admin: httpx.Client
) -> None:
    ids = {"intent_id": "int_x", "period": "2025-01"}
    before = snapshot(admin, lou_book["id"])
    for key, scope in SCOPES.items():
        others = " ".join(s for s in auth.SCOPES if s not in (scope, auth.ADMIN))
        with lou_client(app, engine, lou_book["id"], others) as lacking:
            response = call(lacking, key, ids)
        assert (response.status_code, response.json()["code"]) == (403, "INSUFFICIENT_SCOPE"), key
        assert response.json()["data"] == {"required": scope}
    assert snapshot(admin, lou_book["id"]) == before


def test_ledgerlou_scope_names_are_enough_and_needed(
    app: FastAPI, engine: Engine, lou_book: dict[str, Any]
) -> None:
    with lou_client(app, engine, lou_book["id"], "journal:write journal:read") as journal:
        assert journal.post("/v1/bookings/opening-balances", json=SEED_002).status_code == 200
        assert journal.get("/v1/accounts").status_code == 200
        refused = journal.post("/v1/periods/2025-01/soft-lock")
        assert (refused.status_code, refused.json()["data"]) == (403, {"required": "periods:write"})
    with lou_client(app, engine, lou_book["id"], "perioden:write perioden:read") as periods:
        assert periods.post("/v1/periods/2025-02/soft-lock").status_code == 200
        assert periods.post("/v1/periods/2025-02/reopen").status_code == 200
        assert periods.get("/v1/periods").status_code == 200
        refused = periods.post("/v1/bookings/opening-balances", json=SEED_002)
        assert (refused.status_code, refused.json()["data"]) == (403, {"required": "journal:write"})
    with lou_client(app, engine, lou_book["id"], "journal:read config:write") as config:
        made = config.post(
            "/v1/accounts", json={"number": "1850", "name": "Kasse 2", "type": "asset"}
        )
        assert made.status_code == 201


def test_no_key_is_401_and_an_unbound_key_is_403(
    app: FastAPI, engine: Engine, lou_book: dict[str, Any], admin: httpx.Client
) -> None:
    ids = {"intent_id": "int_x", "period": "2025-01"}
    before = snapshot(admin, lou_book["id"])
    with lou_client(app, engine, None, "admin") as unbound:
        anonymous = httpx.Client(transport=unbound._transport, base_url=unbound.base_url)
        for key in SCOPES:
            response = call(unbound, key, ids)
            assert (response.status_code, response.json()["code"]) == (403, "INSUFFICIENT_SCOPE")
            assert "bound to one book" in response.json()["error"], key
            nobody = call(anonymous, key, ids)
            assert (nobody.status_code, nobody.json()["code"]) == (401, "UNAUTHENTICATED"), key
    assert snapshot(admin, lou_book["id"]) == before


def test_a_key_of_another_book_never_reaches_this_one(
    app: FastAPI, engine: Engine, lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    intent_id = lou.post("/v1/bookings/opening-balances", json=SEED_002).json()["intent_id"]
    before = snapshot(admin, lou_book["id"])
    other = book_with_chart(admin, name="Other GmbH")
    with lou_client(app, engine, other["id"]) as theirs:
        seen = theirs.get(f"/v1/journal/{intent_id}")
        assert (seen.status_code, seen.json()["code"]) == (404, "NOT_FOUND")
        undo = theirs.post("/v1/journal/reverse", json={"intent_id": intent_id})
        assert (undo.status_code, undo.json()["code"]) == (404, "NOT_FOUND")
        # Everything else it does lands in its own book.
        assert (
            theirs.post(
                "/v1/accounts", json={"number": "1850", "name": "X", "type": "asset"}
            ).status_code
            == 201
        )
        assert theirs.post("/v1/bookings/opening-balances", json=SEED_002).status_code == 200
        assert theirs.post("/v1/periods/2025-01/soft-lock").status_code == 200
        assert (
            theirs.get("/v1/accounts").json()["total"]
            == lou.get("/v1/accounts").json()["total"] + 1
        )
    assert snapshot(admin, lou_book["id"]) == before
    assert len(journal_of(admin, other["id"])) == 4
