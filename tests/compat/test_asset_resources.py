"""Asset's token, businesses, ledgers, journal entries and trial balance around the seed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.api.conftest import client_for, make_client, make_key
from tests.compat.asset_teal_fixtures import *  # noqa: F403 - the fixtures
from tests.compat.asset_teal_fixtures import (
    ASSET,
    assert_asset_valid,
    asset_ledgers,
    exact,
    ledger_by_code,
    make_business,
)

BUSINESS_FIELDS = {
    "tenant_id",
    "id",
    "name",
    "industry",
    "entries_start",
    "entity_type",
    "fiscal_year",
    "external_id",
    "status",
    "onboarding_date",
    "plan",
    "assigned_bookkeeper",
    "currency",
    "chart",
}


def test_token_for_client_credentials(app: FastAPI, engine: Engine) -> None:
    client_id, secret = make_client(engine, "ledger:create ledger:read ledger:update").split()
    with client_for(app) as anonymous:
        response = anonymous.post(
            f"{ASSET}/v0/auth/token",
            data={"client_id": client_id, "client_secret": secret, "scope": "ledger:read"},
        )
        assert response.status_code == 200, response.text
        grant = response.json()
        assert set(grant) == {"access_token", "token_type", "expires_in"}
        assert isinstance(grant["access_token"], str) and grant["access_token"]
        assert grant["token_type"] == "Bearer"
        assert grant["expires_in"] == 3600
        assert response.headers["cache-control"] == "no-store"
        wrong = anonymous.post(
            f"{ASSET}/v0/auth/token", data={"client_id": client_id, "client_secret": "nope"}
        )
        assert (wrong.status_code, wrong.json()["code"]) == (401, "UNAUTHENTICATED")
        unknown = anonymous.post(
            f"{ASSET}/v0/auth/token",
            data={"client_id": client_id, "client_secret": secret, "business_id": "bk_missing"},
        )
        assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")
        too_much = anonymous.post(
            f"{ASSET}/v0/auth/token",
            data={"client_id": client_id, "client_secret": secret, "scope": "report:read"},
        )
        assert (too_much.status_code, too_much.json()["code"]) == (403, "INSUFFICIENT_SCOPE")
        missing = anonymous.post(f"{ASSET}/v0/auth/token", data={"client_id": client_id})
        assert (missing.status_code, missing.json()["code"]) == (422, "INVALID_INPUT")
        assert_asset_valid("ErrorResponse", missing.json())


def test_business_create_read_update_list(
    app: FastAPI, engine: Engine, admin: httpx.Client
) -> None:
    made = make_business(admin, fiscal_year="07/01", entries_start="2025-03-01T05:00:00-08:00")
    assert set(made) == BUSINESS_FIELDS
    assert made["id"].startswith("bk_")
    assert made["entries_start"] == "2025-03-01T00:00:00Z"  # 13:00 UTC that day
    assert made["fiscal_year"] == "07/01"
    assert (made["status"], made["currency"], made["chart"]) == (
        "active",
        "USD",
        "us_small_business",
    )
    assert made["entity_type"] is None  # not kept: see chart
    native = admin.get(f"/v1/books/{made['id']}").json()
    assert (native["fiscal_year_start"], native["entries_start"]) == ("07-01", "2025-03-01")

    gmbh = make_business(admin, name="Muster GmbH", entity_type="gmbh")
    assert (gmbh["chart"], gmbh["currency"]) == ("skr04", "EUR")
    offset = ledger_by_code(asset_ledgers(admin, gmbh["id"]), "9000")
    assert offset["special_ledger_type"] == "opening_balances"

    url = f"{ASSET}/v0/business/{made['id']}"
    assert admin.get(url).json()["data"] == made
    renamed = admin.patch(url, json={"name": "Acme Holdings LLC", "status": "active"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["data"]["name"] == "Acme Holdings LLC"
    refused = admin.patch(url, json={"external_id": "cust-7"})
    assert (refused.status_code, refused.json()["data"]["field"]) == (422, "external_id")
    inactive = admin.patch(url, json={"status": "inactive"})
    assert inactive.status_code == 422
    bad_type = admin.post(
        f"{ASSET}/v0/business",
        json={"name": "X", "entity_type": "trust", "entries_start": "2025-01-01T00:00:00Z"},
    )
    assert (bad_type.status_code, bad_type.json()["code"]) == (422, "INVALID_INPUT")

    with client_for(app, make_key(engine, "business:read", made["id"])) as bound:
        listed = bound.get(f"{ASSET}/v0/business").json()
        assert [item["id"] for item in listed["data"]] == [made["id"]]
        assert listed["next_page_token"] is None
        assert bound.get(f"{ASSET}/v0/business/{gmbh['id']}").status_code == 404
        create = bound.post(
            f"{ASSET}/v0/business",
            json={"name": "X", "entity_type": "llc", "entries_start": "2025-01-01T00:00:00Z"},
        )
        assert create.status_code == 403
    first = admin.get(f"{ASSET}/v0/business", params={"page_size": 1}).json()
    assert len(first["data"]) == 1 and first["next_page_token"]
    rest = admin.get(
        f"{ASSET}/v0/business", params={"page_size": 100, "page_token": first["next_page_token"]}
    ).json()
    assert len(rest["data"]) == 1 and rest["data"][0]["id"] != first["data"][0]["id"]


def test_ledgers(asset: httpx.Client, business: dict[str, Any]) -> None:
    base = f"{ASSET}/v0/business/{business['id']}/ledger"
    found = asset_ledgers(asset, business["id"])
    offset = ledger_by_code(found, "3900")
    assert offset == {
        "business_id": business["id"],
        "id": offset["id"],
        "name": "Opening Balance Equity",
        "type": "equity",
        "subtype": "opening_balance",
        "special_ledger_type": "opening_balances",
        "financial_account_type": None,
        "debit_credit": "credit",
        "sort_code": "3900",
        "editable": False,
        "report_cash_flow": None,
        "parent_id": None,
        "description": None,
    }
    created = asset.post(
        base,
        json={
            "name": "Allowance",
            "type": "asset",
            "subtype": "current_asset",
            "debit_credit": "credit",
            "sort_code": "1115",
            "description": "contra",
        },
    )
    assert created.status_code == 201, created.text
    data = created.json()["data"]
    assert data["type"] == "asset" and data["subtype"] == "current_asset"
    assert data["debit_credit"] == "credit" and data["sort_code"] == "1115"
    assert data["special_ledger_type"] is None and data["editable"] is True
    assert asset.get(f"{base}/{data['id']}").json()["data"] == data
    for body, field in (
        ({"name": "X", "type": "asset", "subtype": "current_liability"}, "subtype"),
        ({"name": "X", "type": "asset", "financial_account_type": "bank_account"}, None),
        ({"name": "X", "type": "asset", "subtype": "memo"}, "subtype"),
        ({"name": "X", "type": "asset", "sort_code": "1115"}, "number"),
        ({"name": "X", "type": "profit"}, "type"),
    ):
        refused = asset.post(base, json=body)
        assert refused.status_code == 422, (body, refused.text)
        if field is not None:
            assert refused.json()["data"]["field"] == field, refused.json()
    assert asset.get(f"{base}/ldg_missing").status_code == 404


def test_journal_entry_and_trial_balance(
    admin: httpx.Client, asset: httpx.Client, business: dict[str, Any]
) -> None:
    found = asset_ledgers(asset, business["id"])
    bank, sales, offset = (ledger_by_code(found, code) for code in ("1010", "4000", "3900"))
    ob = asset.put(
        f"{ASSET}/v0/business/{business['id']}/ledger/{bank['id']}/opening-balance",
        json={"amount": "500.00"},
    )
    assert ob.status_code == 200
    body = {
        "description": "Invoice 17",
        "datetime": "2025-02-03T23:30:00-05:00",  # 04:30 UTC on the 4th
        "lines": [
            {"ledger_id": bank["id"], "debit_credit": "debit", "amount": "120.50", "basis": "all"},
            {
                "ledger_id": sales["id"],
                "debit_credit": "credit",
                "amount": 120.5,
                "description": "Consulting",
                "tag_value_ids": ["tv_project"],
            },
        ],
    }
    response = asset.post(f"{ASSET}/v0/business/{business['id']}/journal-entries", json=body)
    assert response.status_code == 201, response.text
    entry = exact(response)["data"]
    assert entry["business_id"] == business["id"]
    assert entry["id"].startswith("je_")
    assert entry["datetime"] == "2025-02-04T00:00:00Z"
    assert entry["description"] == entry["clean_description"] == "Invoice 17"
    assert entry["categorization_method"] == "manual" and entry["is_opening_balance"] is False
    first, second = entry["line_entries"]
    assert (first["ledger_id"], first["debit_credit"], first["amount"]) == (
        bank["id"],
        "debit",
        Decimal("120.50"),
    )
    assert (second["debit_credit"], second["tag_value_ids"]) == ("credit", ["tv_project"])
    assert second["description"] == "Consulting"
    assert {first["journal_entry_id"], second["journal_entry_id"]} == {entry["id"]}
    assert first["id"].startswith("le_")
    native = admin.get(f"/v1/books/{business['id']}/journal-entries/{entry['id']}").json()
    assert native["date"] == "2025-02-04"

    unbalanced = dict(body, lines=[body["lines"][0], dict(body["lines"][1], amount="1")])
    refused = asset.post(f"{ASSET}/v0/business/{business['id']}/journal-entries", json=unbalanced)
    assert (refused.status_code, refused.json()["code"]) == (422, "UNBALANCED_ENTRY")
    early = dict(body, datetime="2024-12-31T12:00:00Z")
    refused = asset.post(f"{ASSET}/v0/business/{business['id']}/journal-entries", json=early)
    assert (refused.status_code, refused.json()["code"]) == (422, "BEFORE_ENTRIES_START")

    url = f"{ASSET}/v0/business/{business['id']}/reports/trial-balance"
    report = asset.get(url, params={"end_datetime": "2025-02-28T23:59:59Z", "basis": "accrual"})
    assert report.status_code == 200, report.text
    rows = {row["ledger_id"]: row for row in exact(report)["data"]}
    assert rows[bank["id"]] == {
        "name": bank["name"],
        "ledger_id": bank["id"],
        "ledger_type": "asset",
        "debit": Decimal("620.50"),
        "credit": Decimal("0.00"),
        "has_entries": True,
    }
    assert (rows[sales["id"]]["credit"], rows[offset["id"]]["credit"]) == (
        Decimal("120.50"),
        Decimal("500.00"),
    )
    assert rows[ledger_by_code(found, "1000")["id"]]["has_entries"] is False
    assert sum(r["debit"] for r in rows.values()) == sum(r["credit"] for r in rows.values())
    before = exact(asset.get(url, params={"end_datetime": "2025-02-03"}))["data"]
    assert {r["ledger_id"]: r["debit"] for r in before}[bank["id"]] == Decimal("500.00")
    default = asset.get(url)
    assert default.status_code == 200
    assert asset.get(url, params={"end_datetime": "soon"}).status_code == 422
    assert asset.get(url, params={"basis": "cash"}).status_code == 422
