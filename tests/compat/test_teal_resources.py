"""Teal's instances, ledgers and journal entries around the seed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.compat.asset_teal_fixtures import *  # noqa: F403 - the fixtures
from tests.compat.asset_teal_fixtures import TEAL, exact, ledger_by_code, teal_ledgers


def test_create_instance(admin: httpx.Client) -> None:
    body = {
        "name": "ACME Goods Inc",
        "entries_start": "2024-01-01T00:00:00Z",
        "accounting_package": "platformgl",
        "accounting_basis": "accrual",
        "subscription": "tier3",
    }
    response = admin.post(f"{TEAL}/v0/instance", json=body)
    assert response.status_code == 201, response.text
    made = response.json()
    assert made == {
        "id": made["id"],
        "name": "ACME Goods Inc",
        "entries_start": "2024-01-01T00:00:00Z",
        "accounting_package": "platformgl",
        "accounting_basis": "accrual",
        "parent_id": None,
        "currency": "USD",
        "chart": "us_small_business",
    }
    german = admin.post(
        f"{TEAL}/v0/instance",
        json={**body, "coa_template_id": "skr04", "currency": "EUR"},
    ).json()
    ledgers = teal_ledgers(admin, german["id"])
    offset = ledger_by_code(ledgers, "9000")
    assert offset["name"] == "Opening Balance Retained Earnings" and offset["is_required"]
    for refused in (
        {"accounting_package": "quickbooks"},
        {"custom_coa": {"ledgers": []}},
        {"coa_template_id": "CNmWM3X6AcvRdEwZKxq4bL"},
        {"entries_start": "soon"},
    ):
        response = admin.post(f"{TEAL}/v0/instance", json={**body, **refused})
        assert (response.status_code, response.json()["code"]) == (422, "INVALID_INPUT"), refused


def test_list_and_create_ledgers(teal: httpx.Client, instance: dict[str, Any]) -> None:
    ledgers = teal_ledgers(teal, instance["id"])
    required = [item for item in ledgers if item["is_required"]]
    assert {item["name"] for item in required} >= {"Opening Balance Retained Earnings"}
    assert ledger_by_code(ledgers, "3900") == {
        "id": ledger_by_code(ledgers, "3900")["id"],
        "name": "Opening Balance Retained Earnings",
        "sort_code": "3900",
        "type": "equity",
        "sub_type": "equity",
        "debit_credit": "credit",
        "is_required": True,
        "editable": False,
        "report_cash_flow": False,
        "financial_account_type": None,
        "parent_id": None,
        "description": None,
        "archived": False,
    }
    bank = ledger_by_code(ledgers, "1010")
    assert (bank["sub_type"], bank["is_required"], bank["editable"]) == (
        "current_assets",
        False,
        True,
    )
    assert ledger_by_code(ledgers, "1500")["sub_type"] == "non-current_assets"
    assert ledger_by_code(ledgers, "2800")["sub_type"] == "non-current_liabilities"
    assert ledger_by_code(ledgers, "3800")["sub_type"] == "retained_earnings"

    filtered = teal.get(
        f"{TEAL}/v0/ledgers", params={"type": "liability", "debit_credit": "credit"}
    )
    assert {item["type"] for item in filtered.json()["records"]} == {"liability"}
    by_sub = teal.get(f"{TEAL}/v0/ledgers", params={"sub_type": "cost_of_goods_sold"}).json()
    assert by_sub["records"] and {r["sub_type"] for r in by_sub["records"]} == {
        "cost_of_goods_sold"
    }
    seen: list[str] = []
    token = None
    while True:
        params: dict[str, Any] = {"limit": 40} | ({"page_token": token} if token else {})
        page = teal.get(f"{TEAL}/v0/ledgers", params=params).json()
        assert page["prev_page_token"] is None
        seen += [item["id"] for item in page["records"]]
        token = page["next_page_token"]
        if token is None:
            break
    assert seen == [item["id"] for item in ledgers]
    assert teal.get(f"{TEAL}/v0/ledgers", params={"page_token": "ldg_nope"}).status_code == 422

    created = teal.post(
        f"{TEAL}/v0/ledgers",
        json={
            "name": "Pluto Checking 4242",
            "sort_code": "1015",
            "type": "asset",
            "sub_type": "current_assets",
            "debit_credit": "debit",
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["sort_code"] == "1015" and created.json()["sub_type"] == "current_assets"
    refused = teal.post(
        f"{TEAL}/v0/ledgers",
        json={"name": "Card", "type": "liability", "financial_account_type": "credit_card"},
    )
    assert refused.status_code == 422


def test_journal_entries(teal: httpx.Client, instance: dict[str, Any]) -> None:
    ledgers = teal_ledgers(teal, instance["id"])
    bank, payroll = ledger_by_code(ledgers, "1010"), ledger_by_code(ledgers, "6500")
    body = {
        "datetime": "2025-02-15T06:42:18Z",
        "description": "Payroll#230215",
        "line_entries": [
            {"amount": 31282.28, "debit_credit": "credit", "ledger_id": bank["id"]},
            {
                "amount": "31282.28",
                "debit_credit": "debit",
                "ledger_id": payroll["id"],
                "description": "February",
                "tags": ["tag_payroll"],
            },
        ],
    }
    response = teal.post(
        f"{TEAL}/v0/journal-entries",
        json=body,
        params={"expand": "line_entries,line_entries.opposing_ledger_ids"},
        headers={"modified-by": "payroll-sync"},
    )
    assert response.status_code == 201, response.text
    entry = exact(response)
    assert entry["description"] == "Payroll#230215"
    assert entry["datetime"] == "2025-02-15T00:00:00Z"
    assert entry["is_opening_balance"] is False and entry["creation_source"] == "manual"
    credit, debit = entry["line_entries"]
    assert (credit["amount"], credit["debit_credit"], credit["ledger_name"]) == (
        Decimal("31282.28"),
        "credit",
        bank["name"],
    )
    assert credit["description"] == "Payroll#230215"  # a line without one shows the entry's
    assert (debit["description"], debit["tags"]) == (
        "February",
        [{"id": "tag_payroll", "name": "tag_payroll"}],
    )
    assert debit["opposing_ledger_ids"] == [bank["id"]]
    read = exact(
        teal.get(
            f"{TEAL}/v0/journal-entries/{entry['id']}",
            params={"expand": "line_entries,line_entries.opposing_ledger_ids"},
        )
    )
    assert read == entry
    plain = exact(teal.get(f"{TEAL}/v0/journal-entries/{entry['id']}"))
    assert plain["line_entries"] is None and plain["line_entry_ids"] == entry["line_entry_ids"]
    assert teal.get(f"{TEAL}/v0/journal-entries/je_missing").status_code == 404
    assert teal.get(f"{TEAL}/v0/journal-entries/ob_someoneelse").status_code == 404
    unbalanced = {**body, "line_entries": [body["line_entries"][0]]}
    refused = teal.post(f"{TEAL}/v0/journal-entries", json=unbalanced)
    assert refused.status_code == 422
