"""Opening balances over HTTP on both engines: seed 002's set, per-ledger replace, codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.api.conftest import client_for, ledger_ids, make_key

SEED_002 = {
    "date": "2025-01-01",
    "balances": [
        {
            "ledger_number": "0400",
            "name": "Technische Anlagen und Maschinen",
            "debit": 50000,
            "credit": 0,
        },
        {
            "ledger_number": "1200",
            "name": "Forderungen aus Lieferungen und Leistungen",
            "debit": 10000,
            "credit": 0,
        },
        {"ledger_number": "2000", "name": "Festkapital", "debit": 0, "credit": 25000},
        {"ledger_number": "2900", "name": "Gezeichnetes Kapital", "debit": 0, "credit": 35000},
    ],
}


@pytest.fixture
def skr04(admin: httpx.Client) -> dict[str, Any]:
    response = admin.post(
        "/v1/books",
        json={
            "name": "Muster GmbH",
            "currency": "EUR",
            "entries_start": "2025-01-01",
            "chart": "skr04",
        },
    )
    assert response.status_code == 201, response.text
    book: dict[str, Any] = response.json()
    return book


def entry_count(client: httpx.Client, book_id: str) -> int:
    return len(
        client.get(f"/v1/books/{book_id}/journal-entries", params={"limit": 500}).json()["data"]
    )


def test_seed_002_set_reverse_and_correct(admin: httpx.Client, skr04: dict[str, Any]) -> None:
    path = f"/v1/books/{skr04['id']}/opening-balances"
    response = admin.post(path, json=SEED_002)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["event_count"] == 4
    assert (body["total_debit"], body["total_credit"]) == ("60000.00", "60000.00")
    assert body["intent_id"].startswith("int_")
    read = admin.get(path).json()
    assert read["balanced"] is True
    assert read["offset"]["number"] == "9000" and read["offset"]["amount"] == "0.00"
    assert [(r["number"], r["amount"]) for r in read["data"]] == [
        ("0400", "50000.00"),
        ("1200", "10000.00"),
        ("2000", "25000.00"),
        ("2900", "35000.00"),
    ]
    assert read["sets"] == [
        {"intent_id": body["intent_id"], "date": "2025-01-01", "source": "set", "entry_count": 4}
    ]

    again = admin.post(path, json=SEED_002)
    assert again.status_code == 409
    assert again.json()["code"] == "OPENING_BALANCES_EXIST"
    assert entry_count(admin, skr04["id"]) == 4

    reversed_ = admin.post(
        f"/v1/books/{skr04['id']}/intents/{body['intent_id']}/reverse",
        json={"posting_mode": "original_period", "reason": "correction"},
    )
    assert reversed_.status_code in (200, 201), reversed_.text
    corrected = {
        **SEED_002,
        "balances": [
            *SEED_002["balances"][:3],
            {"ledger_number": "2900", "debit": "0", "credit": "35000.00"},
        ],
    }
    assert admin.post(path, json=corrected).status_code == 201
    assert entry_count(admin, skr04["id"]) == 12


@pytest.mark.parametrize(
    ("balances", "status", "code"),
    [
        ([{"ledger_number": "0400", "debit": 1, "credit": 1}], 422, "INVALID_BALANCE_ENTRY"),
        (
            [{"ledger_number": "0400", "debit": 1}, {"ledger_number": "0001", "credit": 1}],
            422,
            "ACCOUNTS_NOT_FOUND",
        ),
        (
            [{"ledger_number": "1200", "debit": 1}, {"ledger_number": "4400", "credit": 1}],
            422,
            "ACCOUNT_TYPE_NOT_ALLOWED",
        ),
        (
            [
                {"ledger_number": "0400", "debit": "1.00"},
                {"ledger_number": "2000", "credit": "0.99"},
            ],
            422,
            "BALANCE_MISMATCH",
        ),
        ([{"ledger_number": "0400", "debit": "1.001"}], 422, "INVALID_AMOUNT"),
        ([{"debit": 1}], 422, "INVALID_INPUT"),
        ([], 422, "INVALID_INPUT"),
    ],
)
def test_set_errors_over_http_post_nothing(
    admin: httpx.Client, skr04: dict[str, Any], balances: list[Any], status: int, code: str
) -> None:
    response = admin.post(
        f"/v1/books/{skr04['id']}/opening-balances",
        json={"date": "2025-01-01", "balances": balances},
    )
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert set(response.json()) == {"error", "code", "data"}
    assert entry_count(admin, skr04["id"]) == 0


def test_per_ledger_put_replace_unchanged_clear(admin: httpx.Client, skr04: dict[str, Any]) -> None:
    bank = ledger_ids(admin, skr04["id"])["1800"]
    path = f"/v1/books/{skr04['id']}/ledgers/{bank}/opening-balance"
    changes, live = [], []
    for amount in ("1000.00", 1200, "1200", "0"):
        response = admin.put(path, json={"amount": amount})
        assert response.status_code == 200, response.text
        changes.append((response.json()["amount"], response.json()["changed"]))
        # The answer names the entry that sets the balance now, as a read afterwards does.
        live.append(response.json()["live_entry_id"])
        assert live[-1] == admin.get(path).json()["live_entry_id"]
    assert changes == [("1000.00", True), ("1200.00", True), ("1200.00", False), ("0.00", True)]
    assert live[0] is not None and live[1] not in (None, live[0]) and live[2] == live[1]
    assert live[3] is None
    history = admin.get(path).json()
    assert history["amount"] == "0.00" and history["live_entry_id"] is None
    assert [
        (e["kind"], e["lines"][0]["side"], e["lines"][0]["amount"]) for e in history["entries"]
    ] == [
        ("opening_balance", "debit", "1000.00"),
        ("reversal", "credit", "1000.00"),
        ("opening_balance", "debit", "1200.00"),
        ("reversal", "credit", "1200.00"),
    ]
    assert all(e["is_opening_balance"] for e in history["entries"])


def test_per_ledger_negative_and_exact_decimal(admin: httpx.Client, skr04: dict[str, Any]) -> None:
    bank = ledger_ids(admin, skr04["id"])["1800"]
    path = f"/v1/books/{skr04['id']}/ledgers/{bank}/opening-balance"
    response = admin.put(
        path, content=b'{"amount": -0.1}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["posted"][0]["lines"][0]["side"] == "credit"
    assert Decimal(response.json()["amount"]) == Decimal("-0.10")
    bad = admin.put(path, json={"amount": "12.345"})
    assert (bad.status_code, bad.json()["code"]) == (422, "INVALID_AMOUNT")


def test_scopes_for_opening_balances(
    engine: Engine, app: FastAPI, admin: httpx.Client, skr04: dict[str, Any]
) -> None:
    bank = ledger_ids(admin, skr04["id"])["1800"]
    with client_for(app, make_key(engine, "ledgers:write ledgers:read")) as ledgers_only:
        put = ledgers_only.put(
            f"/v1/books/{skr04['id']}/ledgers/{bank}/opening-balance", json={"amount": "1"}
        )
        assert put.status_code == 200
        post = ledgers_only.post(f"/v1/books/{skr04['id']}/opening-balances", json=SEED_002)
        assert (post.status_code, post.json()["code"]) == (403, "INSUFFICIENT_SCOPE")
    other = admin.post(
        "/v1/books", json={"name": "Other", "currency": "EUR", "entries_start": "2025-01-01"}
    ).json()
    with client_for(app, make_key(engine, "journal:write", book_id=other["id"])) as elsewhere:
        post = elsewhere.post(f"/v1/books/{skr04['id']}/opening-balances", json=SEED_002)
        assert (post.status_code, post.json()["code"]) == (404, "NOT_FOUND")
