from __future__ import annotations

import threading
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.api.conftest import client_for, make_key

ENTRY = {
    "date": "2025-01-10",
    "lines": [
        {"ledger_number": "1000", "debit": "25.00"},
        {"ledger_number": "4000", "credit": "25.00"},
    ],
}


def entries(book: dict[str, Any]) -> str:
    return f"/v1/books/{book['id']}/journal-entries"


def count(admin: httpx.Client, book: dict[str, Any]) -> int:
    return len(admin.get(entries(book)).json()["data"])


def test_replay_returns_the_first_response(admin: httpx.Client, book: dict[str, Any]) -> None:
    headers = {"Idempotency-Key": "order-1"}
    first = admin.post(entries(book), json=ENTRY, headers=headers)
    assert first.status_code == 201
    assert "Idempotency-Replayed" not in first.headers
    again = admin.post(entries(book), json=ENTRY, headers=headers)
    assert (again.status_code, again.content) == (201, first.content)
    assert again.headers["Idempotency-Replayed"] == "true"
    assert count(admin, book) == 1
    other = admin.post(entries(book), json={**ENTRY, "description": "changed"}, headers=headers)
    assert (other.status_code, other.json()["code"]) == (409, "IDEMPOTENCY_KEY_REUSED")
    assert count(admin, book) == 1
    fresh = admin.post(entries(book), json=ENTRY, headers={"Idempotency-Key": "order-2"})
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]
    assert count(admin, book) == 2


def test_keys_belong_to_their_principal_and_route(
    app: FastAPI, engine: Engine, admin: httpx.Client, book: dict[str, Any]
) -> None:
    headers = {"Idempotency-Key": "shared"}
    assert admin.post(entries(book), json=ENTRY, headers=headers).status_code == 201
    with client_for(app, make_key(engine, "journal:write journal:read")) as other:
        assert other.post(entries(book), json=ENTRY, headers=headers).status_code == 201
    assert count(admin, book) == 2
    renamed = admin.patch(f"/v1/books/{book['id']}", json={"name": "X"}, headers=headers)
    assert (renamed.status_code, renamed.json()["code"]) == (409, "IDEMPOTENCY_KEY_REUSED")


def test_other_writes_replay_too(admin: httpx.Client, book: dict[str, Any]) -> None:
    new_book = {"name": "Again", "currency": "EUR", "entries_start": "2025-01-01"}
    headers = {"Idempotency-Key": "book-1"}
    first = admin.post("/v1/books", json=new_book, headers=headers)
    assert admin.post("/v1/books", json=new_book, headers=headers).json() == first.json()
    assert len(admin.get("/v1/books").json()["data"]) == 2
    lock = f"/v1/books/{book['id']}/periods/2025-01/soft-lock"
    assert admin.post(lock, headers=headers).status_code == 200
    replay = admin.post(lock, headers=headers)  # a second soft-lock would be refused
    assert (replay.status_code, replay.json()["status"]) == (200, "soft_locked")
    too_long = admin.post(lock, headers={"Idempotency-Key": "k" * 201})
    assert (too_long.status_code, too_long.json()["data"]["field"]) == (422, "Idempotency-Key")


def test_failures_are_not_stored(admin: httpx.Client, book: dict[str, Any]) -> None:
    headers = {"Idempotency-Key": "retry-me"}
    url = f"/v1/books/{book['id']}/periods/2025-01/reopen"
    refused = admin.post(url, headers=headers)
    assert refused.json()["code"] == "INVALID_PERIOD_TRANSITION"
    admin.post(f"/v1/books/{book['id']}/periods/2025-01/soft-lock")
    assert admin.post(url, headers=headers).json()["status"] == "open"


def test_concurrent_requests_with_one_key_post_once(
    app: FastAPI, engine: Engine, admin: httpx.Client, book: dict[str, Any]
) -> None:
    key = make_key(engine)
    workers = 6
    barrier = threading.Barrier(workers)
    results: list[httpx.Response] = []
    failures: list[BaseException] = []

    def post() -> None:
        try:
            with client_for(app, key) as client:
                barrier.wait()
                results.append(
                    client.post(entries(book), json=ENTRY, headers={"Idempotency-Key": "race"})
                )
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            failures.append(exc)

    threads = [threading.Thread(target=post) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures
    assert [r.status_code for r in results] == [201] * workers
    assert len({r.content for r in results}) == 1
    assert sum(1 for r in results if "Idempotency-Replayed" not in r.headers) == 1
    assert count(admin, book) == 1
    ledgers = admin.get(f"/v1/books/{book['id']}/ledgers", params={"number": "1000"}).json()
    assert ledgers["data"][0]["balance"] == "25.00"
    assert admin.get(f"/v1/books/{book['id']}/verify").json()["ok"] is True
