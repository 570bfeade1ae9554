"""The seven ways issue 12 found to drive opening balances into wrong numbers, each replayed
through the public API on both engines and now refused or right to the cent."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.api.conftest import client_for, ledger_ids, make_key

START = "2025-01-01"


def skr04_book(admin: httpx.Client, entries_start: str = START, **fields: Any) -> dict[str, Any]:
    body = {
        "name": "Muster GmbH",
        "currency": "EUR",
        "entries_start": entries_start,
        "chart": "skr04",
        **fields,
    }
    response = admin.post("/v1/books", json=body)
    assert response.status_code == 201, response.text
    book: dict[str, Any] = response.json()
    return book


def book_set(
    client: httpx.Client, book_id: str, rows: list[dict[str, Any]], on: str = START
) -> httpx.Response:
    return client.post(f"/v1/books/{book_id}/opening-balances", json={"date": on, "balances": rows})


def openings(client: httpx.Client, book_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/books/{book_id}/opening-balances")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def balance(client: httpx.Client, book_id: str, ledger_id: str, as_of: str | None = None) -> str:
    params = {"as_of": as_of} if as_of else {}
    response = client.get(f"/v1/books/{book_id}/ledgers/{ledger_id}/balance", params=params)
    assert response.status_code == 200, response.text
    value: str = response.json()["balance"]
    return value


def reverse_intent(client: httpx.Client, book_id: str, intent_id: str) -> httpx.Response:
    return client.post(
        f"/v1/books/{book_id}/intents/{intent_id}/reverse",
        json={"posting_mode": "original_period"},
    )


def entry_count(client: httpx.Client, book_id: str) -> int:
    found = client.get(f"/v1/books/{book_id}/journal-entries", params={"limit": 500})
    return len(found.json()["data"])


BANK_AND_CAPITAL = [
    {"ledger_number": "1800", "debit": "100.00"},
    {"ledger_number": "2000", "credit": "100.00"},
]


def test_1_a_reversal_of_a_reversal_is_refused_and_the_set_cannot_double(
    admin: httpx.Client,
) -> None:
    book = skr04_book(admin)
    ids = ledger_ids(admin, book["id"])
    booked = book_set(admin, book["id"], BANK_AND_CAPITAL)
    assert booked.status_code == 201, booked.text
    reversal = reverse_intent(admin, book["id"], booked.json()["intent_id"])
    assert reversal.status_code == 201, reversal.text
    before = entry_count(admin, book["id"])

    again = reverse_intent(admin, book["id"], reversal.json()["reversal_intent_id"])
    assert again.status_code == 422, again.text
    assert again.json()["code"] == "REVERSAL_NOT_ALLOWED"
    assert entry_count(admin, book["id"]) == before
    assert openings(admin, book["id"])["data"] == []

    rebooked = book_set(admin, book["id"], BANK_AND_CAPITAL)
    assert rebooked.status_code == 201, rebooked.text
    assert balance(admin, book["id"], ids["1800"]) == "100.00"
    assert [row["amount"] for row in openings(admin, book["id"])["data"]] == ["100.00", "100.00"]


def test_1_reversing_one_entry_of_a_reversal_is_refused_too(admin: httpx.Client) -> None:
    book = skr04_book(admin)
    booked = book_set(admin, book["id"], BANK_AND_CAPITAL).json()
    reversal = reverse_intent(admin, book["id"], booked["intent_id"]).json()
    entries = admin.get(
        f"/v1/books/{book['id']}/journal-entries",
        params={"intent_id": reversal["reversal_intent_id"]},
    ).json()["data"]
    refused = admin.post(
        f"/v1/books/{book['id']}/journal-entries/{entries[0]['id']}/reverse", json={}
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "REVERSAL_NOT_ALLOWED"


def test_2_a_set_on_another_date_is_refused_and_per_ledger_amounts_are_whole(
    admin: httpx.Client,
) -> None:
    book = skr04_book(admin)
    ids = ledger_ids(admin, book["id"])
    later = book_set(
        admin,
        book["id"],
        [{"ledger_number": "1200", "debit": "50"}, {"ledger_number": "2000", "credit": "50"}],
        on="2025-02-01",
    )
    assert later.status_code == 422, later.text
    error = later.json()
    assert error["code"] == "INVALID_INPUT"
    assert error["data"]["field"] == "date"
    assert error["data"]["opening_date"] == START
    assert START in error["error"] and "carried forward" in error["error"]
    assert entry_count(admin, book["id"]) == 0

    path = f"/v1/books/{book['id']}/ledgers/{ids['1200']}/opening-balance"
    put = admin.put(path, json={"amount": "100.00"})
    assert put.status_code == 200, put.text
    assert [(e["date"], e["lines"][0]["debit"]) for e in put.json()["posted"]] == [
        (START, "100.00")
    ]
    cleared = admin.put(path, json={"amount": "0"})
    assert cleared.status_code == 200, cleared.text
    assert balance(admin, book["id"], ids["1200"], "2025-01-31") == "0.00"
    assert admin.get(path).json()["amount"] == "0.00"


def test_3_teal_sets_the_full_balance_on_the_entries_start(
    app: FastAPI, engine: Engine, admin: httpx.Client
) -> None:
    book = skr04_book(admin)
    ids = ledger_ids(admin, book["id"])
    later = book_set(
        admin,
        book["id"],
        [{"ledger_number": "1800", "debit": "100"}, {"ledger_number": "2000", "credit": "100"}],
        on="2025-07-01",
    )
    assert later.status_code == 422, later.text
    teal = client_for(app, make_key(engine, "admin", book["id"]))
    teal.headers["teal-instance-id"] = book["id"]
    posted = teal.post(
        f"/compat/teal/v0/ledgers/{ids['1800']}/opening-balance", json={"balance": 600}
    )
    assert posted.status_code == 200, posted.text
    assert balance(admin, book["id"], ids["1800"], START) == "600.00"
    lines = teal.get(
        "/compat/teal/v0/ledgers/opening-balance", params={"expand": "line_entries"}
    ).json()["line_entries"]
    assert [
        (line["ledger_id"], line["amount"]) for line in lines if line["ledger_id"] == ids["1800"]
    ] == [(ids["1800"], 600)]


def test_3_teal_cannot_set_a_ledger_a_set_owns(
    app: FastAPI, engine: Engine, admin: httpx.Client
) -> None:
    book = skr04_book(admin)
    ids = ledger_ids(admin, book["id"])
    booked = book_set(admin, book["id"], BANK_AND_CAPITAL)
    assert booked.status_code == 201, booked.text
    teal = client_for(app, make_key(engine, "admin", book["id"]))
    teal.headers["teal-instance-id"] = book["id"]
    refused = teal.post(
        f"/compat/teal/v0/ledgers/{ids['1800']}/opening-balance", json={"balance": 600}
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "OPENING_BALANCES_EXIST"
    assert refused.json()["data"]["intent_ids"] == [booked.json()["intent_id"]]
    assert balance(admin, book["id"], ids["1800"]) == "100.00"


def test_4_one_ledger_named_by_id_and_by_number_is_a_duplicate(admin: httpx.Client) -> None:
    book = skr04_book(admin)
    ids = ledger_ids(admin, book["id"])
    response = book_set(
        admin,
        book["id"],
        [
            {"ledger_id": ids["1800"], "debit": "100"},
            {"ledger_number": "2000", "credit": "200"},
            {"ledger_number": "1800", "debit": "100"},
        ],
    )
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "INVALID_BALANCE_ENTRY"
    assert [(row["row"], row["path"]) for row in error["data"]["rows"]] == [(3, "balances[2]")]
    assert "row 1" in error["data"]["rows"][0]["message"]
    assert entry_count(admin, book["id"]) == 0


def test_5_mid_year_books_take_no_later_sets_and_system_ledgers_are_no_rows(
    admin: httpx.Client,
) -> None:
    book = skr04_book(admin, entries_start="2025-04-01")
    later = book_set(
        admin,
        book["id"],
        [{"ledger_number": "4400", "credit": "10"}, {"ledger_number": "1800", "debit": "10"}],
        on="2026-01-01",
    )
    assert later.status_code == 422, later.text
    assert later.json()["data"]["opening_date"] == "2025-04-01"

    system = book_set(
        admin,
        book["id"],
        [
            {"ledger_number": "1800", "debit": "10"},
            {"ledger_number": "9008", "credit": "5"},
            {"ledger_number": "9090", "credit": "5"},
        ],
        on="2025-04-01",
    )
    assert system.status_code == 422, system.text
    assert system.json()["code"] == "INVALID_BALANCE_ENTRY"
    assert [row["path"] for row in system.json()["data"]["rows"]] == ["balances[1]", "balances[2]"]
    assert entry_count(admin, book["id"]) == 0

    ids = ledger_ids(admin, book["id"])
    own = admin.put(
        f"/v1/books/{book['id']}/ledgers/{ids['9009']}/opening-balance", json={"amount": "5"}
    )
    assert own.status_code == 422, own.text
    assert own.json()["code"] == "INVALID_BALANCE_ENTRY"
