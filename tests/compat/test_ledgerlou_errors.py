"""Every LedgerLou error code of seed 002, provoked, with its status; nothing is posted."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text

from folio.api import errors
from folio.domain import errors as domain
from tests.compat.ledgerlou_fixtures import *  # noqa: F403 - the fixtures
from tests.compat.ledgerlou_fixtures import SEED_002, book_with_chart, journal_of, lou_client

OB = "/v1/bookings/opening-balances"


def seed_with(**changes: Any) -> dict[str, Any]:
    """Seed 002 with rows changed: `changes` maps a row index (as `rN`) to its new fields."""
    body = copy.deepcopy(SEED_002)
    for key, fields in changes.items():
        index = int(key[1:])
        if index == len(body["balances"]):
            body["balances"].append(fields)
        else:
            body["balances"][index].update(fields)
    return body


CASES: dict[str, tuple[int, dict[str, Any]]] = {
    "BALANCE_MISMATCH": (400, seed_with(r3={"credit": 34999.99})),
    "INVALID_BALANCE_ENTRY": (400, seed_with(r0={"credit": 1})),
    "ACCOUNT_TYPE_NOT_ALLOWED": (
        400,
        seed_with(r4={"account_number": "4400", "account_name": "Erlöse", "debit": 0, "credit": 1}),
    ),
    "ACCOUNTS_NOT_FOUND": (400, seed_with(r1={"account_number": "1299"})),
    "INVALID_INPUT": (400, {"balances": SEED_002["balances"]}),
}


@pytest.mark.parametrize("day", ["2024-12-31", "2025-01-02", "2026-01-01"])
def test_a_booking_date_off_the_opening_date_is_invalid_input(
    day: str, lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    response = lou.post(OB, json={**SEED_002, "booking_date": day})
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_INPUT")
    assert response.json()["data"] == {
        "field": "booking_date",
        "date": day,
        "opening_date": "2025-01-01",
    }
    assert "2025-01-01" in response.json()["error"]
    assert journal_of(admin, lou_book["id"]) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_violations_are_400_and_post_nothing(
    code: str, lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    status, body = CASES[code]
    response = lou.post(OB, json=body)
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert set(response.json()) == {"error", "code", "data"}
    assert response.json()["error"]
    assert journal_of(admin, lou_book["id"]) == []


def test_the_problem_rows_are_named(lou: httpx.Client) -> None:
    missing = lou.post(OB, json=seed_with(r1={"account_number": "1299"})).json()
    assert missing["data"]["account_numbers"] == ["1299"]
    assert (missing["data"]["rows"][0]["row"], missing["data"]["rows"][0]["path"]) == (
        2,
        "balances[1]",
    )
    assert missing["data"]["rows"][0]["message"].startswith("row 2 (balances[1]): ")
    mismatch = json.loads(
        lou.post(OB, json=seed_with(r3={"credit": 34999.99})).text, parse_float=Decimal
    )
    assert (mismatch["data"]["total_debit"], mismatch["data"]["total_credit"]) == (
        Decimal("60000.00"),
        Decimal("59999.99"),
    )


@pytest.mark.parametrize(
    "body",
    [
        {"booking_date": "01.01.2025", "balances": SEED_002["balances"]},
        {"booking_date": "2025-01-01", "balances": []},
        {"booking_date": "2025-01-01"},
        seed_with(r0={"account_number": 400}),
        seed_with(r0={"debit": "50.000,00"}),
        seed_with(r0={"debit": "1.001"}),
        seed_with(r0={"debit": None}),
        seed_with(r0={"unexpected": True}),
        {**SEED_002, "extra": 1},
        ["not", "an", "object"],
    ],
)
def test_malformed_bodies_are_400_invalid_input(
    body: Any, lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    response = lou.post(OB, json=body)
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_INPUT"), response.text
    assert journal_of(admin, lou_book["id"]) == []


def test_malformed_json_is_400(lou: httpx.Client) -> None:
    response = lou.post(
        OB, content=b'{"booking_date": ', headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["code"]) == (400, "MALFORMED_JSON")


def test_more_row_problems_of_one_kind(lou: httpx.Client) -> None:
    negative = lou.post(OB, json=seed_with(r0={"debit": -50000}))
    assert (negative.status_code, negative.json()["code"]) == (400, "INVALID_BALANCE_ENTRY")
    offset_row = seed_with(
        r4={"account_number": "9000", "account_name": "x", "debit": 1, "credit": 0}
    )
    offset = lou.post(OB, json=offset_row)
    assert (offset.status_code, offset.json()["code"]) == (400, "INVALID_BALANCE_ENTRY")
    only_zeros = {
        "booking_date": "2025-01-01",
        "balances": [SEED_002["balances"][0] | {"debit": 0}],
    }
    zeros = lou.post(OB, json=only_zeros)
    assert (zeros.status_code, zeros.json()["code"]) == (400, "INVALID_INPUT")


def test_period_locked_is_400(
    lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    assert lou.post("/v1/periods/2025-01/soft-lock").status_code == 200
    response = lou.post(OB, json=SEED_002)
    assert (response.status_code, response.json()["code"]) == (400, "PERIOD_LOCKED")
    assert journal_of(admin, lou_book["id"]) == []


def test_opening_balances_exist_is_409(
    lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    assert lou.post(OB, json=SEED_002).status_code == 200
    before = journal_of(admin, lou_book["id"])
    response = lou.post(OB, json=SEED_002)
    assert (response.status_code, response.json()["code"]) == (409, "OPENING_BALANCES_EXIST")
    assert response.json()["data"]["date"] == "2025-01-01"
    assert journal_of(admin, lou_book["id"]) == before


@pytest.mark.parametrize("chart", ["us_small_business", "empty"])
def test_a_book_whose_offset_is_not_9000_is_account_9000_missing(
    chart: str, app: FastAPI, engine: Engine, admin: httpx.Client
) -> None:
    book = book_with_chart(admin, chart)
    with lou_client(app, engine, book["id"]) as client:
        response = client.post(OB, json=SEED_002)
    assert (response.status_code, response.json()["code"]) == (400, "ACCOUNT_9000_MISSING")
    assert response.json()["data"]["offset_number"] == "3900"
    assert journal_of(admin, book["id"]) == []


def test_a_book_without_the_offset_ledger_is_account_9000_missing(
    lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any], engine: Engine
) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE ledgers SET role = NULL WHERE book_id = :book AND number = '9000'"),
            {"book": lou_book["id"]},
        )
    response = lou.post(OB, json=SEED_002)
    assert (response.status_code, response.json()["code"]) == (400, "ACCOUNT_9000_MISSING")
    assert journal_of(admin, lou_book["id"]) == []


def test_the_status_overrides_are_by_prefix_and_by_class() -> None:
    lou = "/compat/ledgerlou/v1/bookings"
    assert errors.status_for(domain.PeriodLocked(), lou) == 400
    assert errors.status_for(domain.PeriodLocked(), "/v1/books/x/journal-entries") == 422
    assert errors.status_for(domain.PeriodLocked()) == 422
    assert errors.status_for(domain.InvalidAmount(), lou) == 400
    assert errors.status_for(domain.OpeningBalancesExist(), lou) == 409
    assert errors.status_for(domain.InvalidPeriodTransition(), lou) == 409
    assert errors.status_for(domain.NotFound(), lou) == 404
    assert errors.status_for(domain.InsufficientScope(), lou) == 403
    known = {cls.code for cls in domain.all_error_classes()}
    for table in errors.STATUS_OVERRIDES.values():
        assert set(table) <= known


def test_a_booking_before_the_entries_start_names_booking_date(
    lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    body = {
        "booking_date": "2024-12-31",
        "description": "Rechnung 1",
        "lines": [
            {"account_number": "1200", "account_name": "Forderungen", "debit": 119, "credit": 0},
            {"account_number": "4400", "account_name": "Erlöse", "debit": 0, "credit": 119},
        ],
    }
    response = lou.post("/v1/bookings", json=body)
    assert (response.status_code, response.json()["code"]) == (400, "BEFORE_ENTRIES_START")
    assert response.json()["data"] == {
        "field": "booking_date",
        "date": "2024-12-31",
        "entries_start": "2025-01-01",
    }
    assert response.json()["error"] == "2024-12-31 is before the book's entries start 2025-01-01."
    assert journal_of(admin, lou_book["id"]) == []


def test_balance_mismatch_gives_its_totals_as_numbers_like_the_success(lou: httpx.Client) -> None:
    response = lou.post(OB, json=seed_with(r3={"credit": 34999.99}))
    assert (response.status_code, response.json()["code"]) == (400, "BALANCE_MISMATCH")
    assert '"total_debit":60000.00,"total_credit":59999.99,"difference":0.01' in response.text
    assert response.json()["error"] == (
        "Debit balances total 60000.00 but credit balances total 59999.99; they must be equal."
    )
    booked = lou.post(OB, json=SEED_002)
    assert '"total_debit":60000.00,"total_credit":60000.00' in booked.text
