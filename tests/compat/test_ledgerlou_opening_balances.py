"""LedgerLou `POST /v1/bookings/opening-balances` exactly as seed 002, and its reversal."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.compat.ledgerlou_fixtures import *  # noqa: F403 - the fixtures
from tests.compat.ledgerlou_fixtures import SEED_002, journal_of, lou_client, opening_rows

OB = "/v1/bookings/opening-balances"


def exact(response: httpx.Response) -> Any:
    """The body with JSON numbers read as Decimal, as an exact client would."""
    return json.loads(response.text, parse_float=Decimal)


def test_the_seed_request_books_four_entries_against_9000(
    lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    response = lou.post(OB, json=SEED_002)
    assert response.status_code == 200, response.text
    body = exact(response)
    assert set(body) == {"intent_id", "event_count", "total_debit", "total_credit"}
    assert isinstance(body["intent_id"], str) and body["intent_id"].startswith("int_")
    assert type(body["event_count"]) is int and body["event_count"] == 4
    # Totals are JSON numbers, exact, with the currency's decimals.
    assert body["total_debit"] == body["total_credit"] == Decimal("60000.00")
    assert '"total_debit":60000.00' in response.text
    plain = response.json()
    assert isinstance(plain["total_debit"], float) and plain["total_debit"] == 60000

    entries = journal_of(admin, lou_book["id"])
    assert len(entries) == 4
    assert {e["intent_id"] for e in entries} == {body["intent_id"]}
    assert all(e["is_opening_balance"] and e["date"] == "2025-01-01" for e in entries)
    openings = opening_rows(admin, lou_book["id"])
    by_number = {row["number"]: row for row in openings["data"]}
    assert {n: (r["debit"], r["credit"]) for n, r in by_number.items()} == {
        "0400": ("50000.00", "0.00"),
        "1200": ("10000.00", "0.00"),
        "2000": ("0.00", "25000.00"),
        "2900": ("0.00", "35000.00"),
    }
    assert openings["offset"]["number"] == "9000"
    assert openings["offset"]["amount"] == "0.00"
    assert openings["balanced"] is True
    ledgers = admin.get(f"/v1/books/{lou_book['id']}/ledgers", params={"number": "9000"}).json()[
        "data"
    ]
    assert ledgers[0]["debits_posted"] == ledgers[0]["credits_posted"] == "60000.00"
    assert ledgers[0]["balance"] == "0.00"


def test_decimal_strings_and_cents_are_exact(lou: httpx.Client) -> None:
    body = {
        "booking_date": "2025-01-01",
        "balances": [
            {"account_number": "1800", "account_name": "Bank", "debit": "1234.56", "credit": 0},
            {"account_number": "1600", "account_name": "Kasse", "debit": 0.1, "credit": "0"},
            {"account_number": "2000", "account_name": "Kapital", "debit": 0, "credit": 1234.66},
            {"account_number": "3300", "account_name": "skipped", "debit": 0, "credit": 0},
        ],
    }
    response = lou.post(OB, json=body)
    assert response.status_code == 200, response.text
    assert exact(response)["total_debit"] == Decimal("1234.66")
    assert '"total_credit":1234.66' in response.text
    assert exact(response)["event_count"] == 3


def test_set_reverse_set_again(
    lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    first = lou.post(OB, json=SEED_002).json()
    again = lou.post(OB, json=SEED_002)
    assert again.status_code == 409 and again.json()["code"] == "OPENING_BALANCES_EXIST"

    reversed_ = lou.post(
        "/v1/journal/reverse",
        json={
            "intent_id": first["intent_id"],
            "reason": "EB-Werte korrigiert",
            "posting_mode": "original_period",
        },
    )
    assert reversed_.status_code == 200, reversed_.text
    result = reversed_.json()
    assert set(result) == {"reversal_intent_id", "original_intent_id", "event_count"}
    assert result["original_intent_id"] == first["intent_id"]
    assert result["reversal_intent_id"].startswith("int_")
    assert result["reversal_intent_id"] != first["intent_id"]
    assert result["event_count"] == 4
    reversals = [
        e
        for e in journal_of(admin, lou_book["id"])
        if e["intent_id"] == result["reversal_intent_id"]
    ]
    assert len(reversals) == 4 and all(e["date"] == "2025-01-01" for e in reversals)
    assert opening_rows(admin, lou_book["id"])["data"] == []

    corrected = {
        **SEED_002,
        "balances": SEED_002["balances"][:2]
        + [{"account_number": "2000", "account_name": "Festkapital", "debit": 0, "credit": 60000}],
    }
    second = lou.post(OB, json=corrected)
    assert second.status_code == 200, second.text
    assert second.json()["event_count"] == 3
    assert second.json()["intent_id"] not in (first["intent_id"], result["reversal_intent_id"])

    twice = lou.post("/v1/journal/reverse", json={"intent_id": first["intent_id"]})
    assert twice.status_code == 409
    assert twice.json()["code"] == "ALREADY_REVERSED"
    assert len(journal_of(admin, lou_book["id"])) == 11


def test_an_opening_set_is_reversed_on_the_opening_date_whatever_the_mode(
    lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    """current_period is LedgerLou's default; an opening balance is corrected on the book's
    one opening date all the same (its reversal is an opening-balance posting too)."""
    first = lou.post(OB, json=SEED_002).json()
    response = lou.post("/v1/journal/reverse", json={"intent_id": first["intent_id"]})
    assert response.status_code == 200, response.text
    dates = {
        e["date"]
        for e in journal_of(admin, lou_book["id"])
        if e["intent_id"] == response.json()["reversal_intent_id"]
    }
    assert dates == {"2025-01-01"}
    # The set is no longer live, so its date is free again.
    assert lou.post(OB, json=SEED_002).status_code == 200


def test_reverse_errors(lou: httpx.Client) -> None:
    missing = lou.post("/v1/journal/reverse", json={"intent_id": "int_nothing"})
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")
    bad_mode = lou.post("/v1/journal/reverse", json={"intent_id": "x", "posting_mode": "later"})
    assert (bad_mode.status_code, bad_mode.json()["code"]) == (400, "INVALID_INPUT")
    no_id = lou.post("/v1/journal/reverse", json={"reason": "oops"})
    assert (no_id.status_code, no_id.json()["code"]) == (400, "INVALID_INPUT")
    assert no_id.json()["data"]["field"] == "intent_id"


def test_a_locked_period_refuses_the_reversal(lou: httpx.Client) -> None:
    first = lou.post(OB, json=SEED_002).json()
    assert lou.post("/v1/periods/2025-01/soft-lock").status_code == 200
    response = lou.post(
        "/v1/journal/reverse",
        json={"intent_id": first["intent_id"], "posting_mode": "original_period"},
    )
    assert (response.status_code, response.json()["code"]) == (400, "PERIOD_LOCKED")


def test_soft_lock_refuses_then_reopen_allows(
    lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    locked = lou.post("/v1/periods/2025-01/soft-lock")
    assert locked.status_code == 200, locked.text
    assert locked.json() == {"period": "2025-01", "status": "soft_locked", "period_number": 0}
    refused = lou.post(OB, json=SEED_002)
    assert (refused.status_code, refused.json()["code"]) == (400, "PERIOD_LOCKED")
    assert journal_of(admin, lou_book["id"]) == []
    reopened = lou.post("/v1/periods/2025-01/reopen")
    assert reopened.json()["status"] == "open"
    assert lou.post(OB, json=SEED_002).status_code == 200


def test_a_fol_key_is_passed_like_an_ll_key(
    app: FastAPI, engine: Engine, lou_book: dict[str, Any]
) -> None:
    with lou_client(app, engine, lou_book["id"], "journal:write") as client:
        token = client.headers["Authorization"].removeprefix("Bearer ")
        assert token.startswith("fol_")
        assert client.post(OB, json=SEED_002).status_code == 200
