"""Asset's `PUT .../ledger/{ledger_id}/opening-balance` exactly as seed 000: a request built from
the seed's schema, every response validated against it, scopes, tenancy and exact amounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.api.conftest import client_for, make_client, make_key
from tests.compat.asset_teal_fixtures import *  # noqa: F403 - the fixtures
from tests.compat.asset_teal_fixtures import (
    ASSET,
    OB_PATH,
    assert_asset_valid,
    asset_ledgers,
    asset_response_schema,
    asset_spec,
    exact,
    ledger_by_code,
    make_business,
)


def ob_url(business_id: str, ledger_id: str) -> str:
    return f"{ASSET}/v0/business/{business_id}/ledger/{ledger_id}/opening-balance"


def native_opening(admin: httpx.Client, book_id: str, ledger_id: str) -> dict[str, Any]:
    response = admin.get(f"/v1/books/{book_id}/ledgers/{ledger_id}/opening-balance")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert_asset_valid(asset_response_schema(status), response.json())
    assert response.json()["code"] == code


def checking(client: httpx.Client, business_id: str) -> dict[str, Any]:
    return ledger_by_code(asset_ledgers(client, business_id), "1010")


def test_seed_000_request_replayed(
    admin: httpx.Client, asset: httpx.Client, business: dict[str, Any]
) -> None:
    ledger = checking(asset, business["id"])
    body = {"amount": "1000.00"}  # the seed's example value
    assert_asset_valid("LedgerOpeningBalanceRequest", body)

    response = asset.put(ob_url(business["id"], ledger["id"]), json=body)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert_asset_valid(asset_response_schema(200), response.json())
    payload = exact(response)
    assert set(payload) == {"data"}
    assert set(payload["data"]) == {"ledger_id", "amount"}
    assert isinstance(payload["data"]["ledger_id"], str)
    assert payload["data"]["ledger_id"] == ledger["id"]
    assert payload["data"]["ledger_id"].startswith("ldg_")
    assert isinstance(payload["data"]["amount"], Decimal)  # a JSON number, not a string
    assert payload["data"]["amount"] == Decimal("1000.00")
    # Booked on the entries start against the opening-balance ledger.
    native = native_opening(admin, business["id"], ledger["id"])
    assert native["amount"] == "1000.00"
    [entry] = native["entries"]
    assert entry["date"] == "2025-01-01"
    assert entry["is_opening_balance"] is True
    offset = ledger_by_code(asset_ledgers(asset, business["id"]), "3900")
    assert offset["special_ledger_type"] == "opening_balances"
    sides = {line["ledger_id"]: line["side"] for line in entry["lines"]}
    assert sides == {ledger["id"]: "debit", offset["id"]: "credit"}


def test_amounts_are_exact(
    admin: httpx.Client, asset: httpx.Client, business: dict[str, Any]
) -> None:
    ledger = checking(asset, business["id"])
    cases: list[tuple[Any, str]] = [
        ("1000.00", "1000.00"),
        ("-5", "-5.00"),
        ("0.10", "0.10"),
        (".5", "0.50"),
        ("5.", "5.00"),
        ("+7.1", "7.10"),
        ("0012.30", "12.30"),
        ("999999999999999.99", "999999999999999.99"),
        (1234.56, "1234.56"),  # a JSON number, parsed exactly
        (-3, "-3.00"),
    ]
    for sent, expected in cases:
        response = asset.put(ob_url(business["id"], ledger["id"]), json={"amount": sent})
        assert response.status_code == 200, (sent, response.text)
        assert_asset_valid("LedgerOpeningBalanceSuccess", response.json())
        assert exact(response)["data"]["amount"] == Decimal(expected), sent
        assert response.text.endswith(f'"amount":{expected}}}}}'), response.text
        assert native_opening(admin, business["id"], ledger["id"])["amount"] == expected


def test_a_string_outside_the_pattern_is_422_and_posts_nothing(
    admin: httpx.Client, asset: httpx.Client, business: dict[str, Any]
) -> None:
    ledger = checking(asset, business["id"])
    for bad in ("1,000.00", "abc", "1e5", "-", "+.", "", "1.2.3", " 5", "5 ", "NaN", "٥"):
        body = {"amount": bad}
        response = asset.put(ob_url(business["id"], ledger["id"]), json=body)
        assert_error(response, 422, "INVALID_INPUT")
        assert response.json()["data"]["field"] == "amount", bad
        assert response.json()["error"] == (
            f"amount: {bad!r} is not a decimal number like 1000.00 or -5"
        )
    for bad_value in (True, None, {"value": 1}, [1]):
        response = asset.put(ob_url(business["id"], ledger["id"]), json={"amount": bad_value})
        assert_error(response, 422, "INVALID_INPUT")
        assert response.json()["error"] == (
            "amount: expected a number or a decimal string like 1000.00 or -5"
        )
    assert_error(asset.put(ob_url(business["id"], ledger["id"]), json={}), 422, "INVALID_INPUT")
    # Inside the pattern but finer than cents: the money parser refuses it.
    response = asset.put(ob_url(business["id"], ledger["id"]), json={"amount": "1.005"})
    assert_error(response, 422, "INVALID_AMOUNT")
    # Malformed JSON is a 400 natively; Asset documents 422.
    response = asset.put(
        ob_url(business["id"], ledger["id"]),
        content=b'{"amount": ',
        headers={"content-type": "application/json"},
    )
    assert_error(response, 422, "MALFORMED_JSON")
    assert native_opening(admin, business["id"], ledger["id"])["entries"] == []


def test_a_token_without_ledger_update_gets_403(
    app: FastAPI, engine: Engine, admin: httpx.Client, business: dict[str, Any]
) -> None:
    client_id, secret = make_client(engine, "ledger:read ledger:update").split()
    with client_for(app) as anonymous:
        token = anonymous.post(
            f"{ASSET}/v0/auth/token",
            data={"client_id": client_id, "client_secret": secret, "scope": "ledger:read"},
        ).json()["access_token"]
    with client_for(app, token) as reader:
        ledger = checking(reader, business["id"])
        response = reader.put(ob_url(business["id"], ledger["id"]), json={"amount": "10"})
    assert_error(response, 403, "INSUFFICIENT_SCOPE")
    assert native_opening(admin, business["id"], ledger["id"])["entries"] == []


def test_a_token_bound_to_another_business_gets_404(
    app: FastAPI, engine: Engine, admin: httpx.Client, business: dict[str, Any]
) -> None:
    other = make_business(admin, name="Other LLC")
    theirs = checking(admin, other["id"])
    client_id, secret = make_client(engine, "ledger:read ledger:update").split()
    with client_for(app) as anonymous:
        grant = anonymous.post(
            f"{ASSET}/v0/auth/token",
            data={"client_id": client_id, "client_secret": secret, "business_id": business["id"]},
        )
    assert grant.status_code == 200, grant.text
    with client_for(app, grant.json()["access_token"]) as bound:
        response = bound.put(ob_url(other["id"], theirs["id"]), json={"amount": "10"})
        assert_error(response, 404, "NOT_FOUND")
        # The ledger id of the other business under one's own business is no better.
        response = bound.put(ob_url(business["id"], theirs["id"]), json={"amount": "10"})
        assert_error(response, 404, "NOT_FOUND")
        mine = checking(bound, business["id"])
        assert (
            bound.put(ob_url(business["id"], mine["id"]), json={"amount": "1"}).status_code == 200
        )
    assert native_opening(admin, other["id"], theirs["id"])["entries"] == []


def test_missing_or_bad_credentials_get_401(
    app: FastAPI, admin: httpx.Client, business: dict[str, Any]
) -> None:
    ledger = checking(admin, business["id"])
    for token in (None, "fol_nonsense", "eyJhbGciOiJIUzI1NiJ9.e30.x"):
        with client_for(app, token) as client:
            response = client.put(ob_url(business["id"], ledger["id"]), json={"amount": "1"})
        assert_error(response, 401, "UNAUTHENTICATED")
        assert response.headers["www-authenticate"] == "Bearer"


def test_replace_unchanged_zero_and_refusals(
    admin: httpx.Client, asset: httpx.Client, business: dict[str, Any]
) -> None:
    ledger = checking(asset, business["id"])
    url = ob_url(business["id"], ledger["id"])
    assert asset.put(url, json={"amount": "1000.00"}).status_code == 200
    assert asset.put(url, json={"amount": 1000}).status_code == 200  # unchanged: nothing posted
    assert len(native_opening(admin, business["id"], ledger["id"])["entries"]) == 1
    assert exact(asset.put(url, json={"amount": "250"}))["data"]["amount"] == Decimal("250.00")
    assert len(native_opening(admin, business["id"], ledger["id"])["entries"]) == 3  # rev + new
    assert exact(asset.put(url, json={"amount": 0}))["data"]["amount"] == Decimal("0.00")
    assert native_opening(admin, business["id"], ledger["id"])["amount"] == "0.00"
    # A revenue ledger of a book starting on its fiscal-year start takes no opening balance.
    sales = ledger_by_code(asset_ledgers(asset, business["id"]), "4000")
    response = asset.put(ob_url(business["id"], sales["id"]), json={"amount": "5"})
    assert_error(response, 422, "ACCOUNT_TYPE_NOT_ALLOWED")
    # Conflicts are 409 natively; Asset documents 422.
    key = {"Idempotency-Key": "ob-1"}
    assert asset.put(url, json={"amount": "7"}, headers=key).status_code == 200
    assert asset.put(url, json={"amount": "7"}, headers=key).status_code == 200  # a replay
    assert_error(asset.put(url, json={"amount": "8"}, headers=key), 422, "IDEMPOTENCY_KEY_REUSED")
    # An unknown ledger.
    assert_error(
        asset.put(ob_url(business["id"], "ldg_missing"), json={"amount": "1"}), 404, "NOT_FOUND"
    )


@pytest.mark.parametrize("scope", ["ledger:update", "ledger:create ledger:update"])
def test_asset_scope_names_are_accepted_for_keys(
    app: FastAPI, engine: Engine, admin: httpx.Client, business: dict[str, Any], scope: str
) -> None:
    ledger = checking(admin, business["id"])
    with client_for(app, make_key(engine, scope, business["id"])) as client:
        response = client.put(ob_url(business["id"], ledger["id"]), json={"amount": "3.50"})
    assert response.status_code == 200, response.text
    assert exact(response)["data"]["amount"] == Decimal("3.50")


def test_the_openapi_document_publishes_the_seed_operation(app: FastAPI) -> None:
    """Folio's own /openapi.json describes the PUT as seed 000 does."""
    seed = asset_spec()
    ours = app.openapi()
    operation = ours["paths"][
        f"{ASSET}/v0/business/{{book_id}}/ledger/{{ledger_id}}/opening-balance"
    ]
    put = operation["put"]
    seed_put = seed["paths"][OB_PATH]["put"]
    assert sorted(put["responses"]) == sorted(seed_put["responses"])
    assert put["requestBody"] == seed_put["requestBody"]
    assert put["summary"] == seed_put["summary"] and put["description"] == seed_put["description"]
    request = ours["components"]["schemas"]["LedgerOpeningBalanceRequest"]
    assert request == seed["components"]["schemas"]["LedgerOpeningBalanceRequest"]
    success = ours["components"]["schemas"]["LedgerOpeningBalanceSuccess"]
    assert success["required"] == ["data"]
    public = ours["components"]["schemas"]["LedgerOpeningBalancePublic"]
    assert public["required"] == ["ledger_id", "amount"]
    assert public["properties"]["amount"]["type"] == "number"
