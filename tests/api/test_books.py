from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.api.conftest import client_for, create_book, make_key


def test_create_book(admin: httpx.Client) -> None:
    response = admin.post(
        "/v1/books",
        json={
            "name": "Yen KK",
            "currency": "jpy",
            "entries_start": "2025-04-01",
            "fiscal_year_start": "04-01",
            "chart": "skr04",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["id"].startswith("bk_")
    assert {k: v for k, v in body.items() if k != "id"} == {
        "name": "Yen KK",
        "currency": "JPY",
        "decimals": 0,
        "entries_start": "2025-04-01",
        "fiscal_year_start": "04-01",
        "chart": "skr04",
        "datev_consultant_number": None,
        "datev_client_number": None,
    }
    ledgers = admin.get(f"/v1/books/{body['id']}/ledgers", params={"role": "opening_balances"})
    assert [ledger["number"] for ledger in ledgers.json()["data"]] == ["9000"]


def test_create_book_errors(admin: httpx.Client) -> None:
    base = {"name": "X", "currency": "EUR", "entries_start": "2025-01-01"}
    cases: list[tuple[dict[str, Any], int, str, str]] = [
        ({**base, "currency": "XYZ"}, 422, "INVALID_INPUT", "currency"),
        ({**base, "chart": "ifrs"}, 422, "INVALID_INPUT", "chart"),
        ({**base, "fiscal_year_start": "13-01"}, 422, "INVALID_INPUT", "fiscal_year_start"),
        ({**base, "entries_start": "2025-02-30"}, 422, "INVALID_INPUT", "entries_start"),
        ({"name": "X", "currency": "EUR"}, 422, "INVALID_INPUT", "entries_start"),
        ({**base, "colour": "red"}, 422, "INVALID_INPUT", "colour"),
    ]
    for body, status, code, field in cases:
        response = admin.post("/v1/books", json=body)
        assert (response.status_code, response.json()["code"]) == (status, code), body
        assert response.json()["data"]["field"] == field
    assert admin.get("/v1/books").json()["data"] == []


def test_list_books_paginates(admin: httpx.Client) -> None:
    made = sorted(
        admin.post(
            "/v1/books", json={"name": f"B{i}", "currency": "EUR", "entries_start": "2025-01-01"}
        ).json()["id"]
        for i in range(5)
    )
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = admin.get("/v1/books", params=params).json()
        assert len(page["data"]) <= 2
        seen += [book["id"] for book in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made
    for bad in ({"limit": 0}, {"limit": 501}, {"cursor": "!!"}, {"cursor": "WzFd"}):
        response = admin.get("/v1/books", params=bad)
        assert response.status_code == 422, bad
        assert response.json()["code"] == "INVALID_INPUT"


def test_get_and_rename_book(admin: httpx.Client, book: dict[str, Any]) -> None:
    assert admin.get(f"/v1/books/{book['id']}").json() == book
    renamed = admin.patch(f"/v1/books/{book['id']}", json={"name": "  Acme AG "})
    assert renamed.status_code == 200
    assert renamed.json() == {**book, "name": "Acme AG"}
    assert admin.patch(f"/v1/books/{book['id']}", json={}).json()["name"] == "Acme AG"
    blank = admin.patch(f"/v1/books/{book['id']}", json={"name": "   "})
    assert (blank.status_code, blank.json()["code"]) == (422, "INVALID_INPUT")
    missing = admin.get("/v1/books/bk_missing")
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")
    assert admin.patch("/v1/books/bk_missing", json={"name": "Y"}).status_code == 404


def test_bound_key_sees_only_its_book(engine: Engine, app: FastAPI, admin: httpx.Client) -> None:
    mine = create_book(admin, name="Mine")
    create_book(admin, name="Other")
    with client_for(app, make_key(engine, "admin", mine["id"])) as bound:
        listed = bound.get("/v1/books").json()
        assert [book["id"] for book in listed["data"]] == [mine["id"]]
        refused = bound.post(
            "/v1/books", json={"name": "Z", "currency": "EUR", "entries_start": "2025-01-01"}
        )
        assert (refused.status_code, refused.json()["code"]) == (403, "INSUFFICIENT_SCOPE")
        server_log = bound.get("/v1/audit-events")
        assert (server_log.status_code, server_log.json()["code"]) == (403, "INSUFFICIENT_SCOPE")
    assert len(admin.get("/v1/books").json()["data"]) == 2
