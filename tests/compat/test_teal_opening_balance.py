"""Teal's `POST /v0/ledgers/{ledger_id}/opening-balance` exactly as seed 001: the seed's request
replayed, every documented response field checked, the four expand paths, sides, audit and
tenancy; and `GET /v0/ledgers/opening-balance`."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.compat.asset_teal_fixtures import *  # noqa: F403 - the fixtures
from tests.compat.asset_teal_fixtures import (
    TEAL,
    exact,
    ledger_by_code,
    make_instance,
    teal_client,
    teal_ledgers,
)

SEED_BODY = {"balance": 123}  # seed 001's request body, verbatim
JE_FIELDS = {
    "id",
    "description",
    "datetime",
    "creation_date",
    "is_opening_balance",
    "creation_source",
    "line_entry_ids",
    "linked_entity",
    "line_entries",
}
LINE_FIELDS = {
    "amount",
    "datetime",
    "debit_credit",
    "description",
    "editable",
    "id",
    "journal_entry_description",
    "journal_entry_id",
    "ledger_id",
    "ledger_name",
    "tags",
    "transaction_id",
}
EXPANDS = {
    "line_entries.transaction": "transaction",
    "line_entries.ledger": "ledger",
    "line_entries.opposing_ledger_ids": "opposing_ledger_ids",
}
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def ob_url(ledger_id: str) -> str:
    return f"{TEAL}/v0/ledgers/{ledger_id}/opening-balance"


def is_date_time(value: Any) -> bool:
    return isinstance(value, str) and bool(DATE_TIME.match(value))


def line_for(entry: dict[str, Any], ledger_id: str) -> dict[str, Any]:
    [line] = [line for line in entry["line_entries"] if line["ledger_id"] == ledger_id]
    return line


def test_seed_001_request_replayed(teal: httpx.Client, instance: dict[str, Any]) -> None:
    ledgers = teal_ledgers(teal, instance["id"])
    bank, offset = ledger_by_code(ledgers, "1010"), ledger_by_code(ledgers, "3900")

    response = teal.post(ob_url(bank["id"]), json=SEED_BODY)

    assert response.status_code == 200, response.text
    entry = exact(response)
    assert set(entry) == JE_FIELDS
    assert isinstance(entry["id"], str) and entry["id"]
    assert isinstance(entry["description"], str) and len(entry["description"]) <= 512
    assert entry["datetime"] == "2025-01-01T00:00:00Z"  # the instance's entries start
    assert is_date_time(entry["creation_date"])
    assert entry["is_opening_balance"] is True
    assert entry["creation_source"] in ("manual", "transaction", "accrual", "legacy")
    assert isinstance(entry["line_entry_ids"], list) and len(entry["line_entry_ids"]) == 2
    assert all(isinstance(i, str) and i for i in entry["line_entry_ids"])
    assert entry["linked_entity"] is None
    assert entry["line_entries"] is None  # only when expanded

    expanded = exact(
        teal.post(ob_url(bank["id"]), json=SEED_BODY, params={"expand": "line_entries"})
    )
    assert expanded["id"] == entry["id"]
    assert expanded["line_entry_ids"] == entry["line_entry_ids"]  # unchanged: nothing posted
    assert [line["id"] for line in expanded["line_entries"]] == entry["line_entry_ids"]
    for line in expanded["line_entries"]:
        assert set(line) == LINE_FIELDS
        assert isinstance(line["amount"], Decimal) and line["amount"] == Decimal("123.00")
        assert line["datetime"] == "2025-01-01T00:00:00Z"
        assert isinstance(line["description"], str)
        assert line["editable"] is False
        assert line["journal_entry_id"] == entry["id"]
        assert line["journal_entry_description"] == entry["description"]
        assert line["tags"] == [] and line["transaction_id"] is None
    debit, credit = line_for(expanded, bank["id"]), line_for(expanded, offset["id"])
    assert (debit["debit_credit"], debit["ledger_name"]) == ("debit", bank["name"])
    assert (credit["debit_credit"], credit["ledger_name"]) == (
        "credit",
        "Opening Balance Retained Earnings",
    )


@pytest.mark.parametrize("path", [*EXPANDS, "line_entries.transaction,line_entries.ledger"])
def test_every_expand_path(teal: httpx.Client, instance: dict[str, Any], path: str) -> None:
    ledgers = teal_ledgers(teal, instance["id"])
    bank, offset = ledger_by_code(ledgers, "1010"), ledger_by_code(ledgers, "3900")
    response = teal.post(ob_url(bank["id"]), json={"balance": "50.00"}, params={"expand": path})
    assert response.status_code == 200, response.text
    entry = exact(response)
    wanted = {EXPANDS[part] for part in path.split(",")}
    assert len(entry["line_entries"]) == 2  # a sub-path implies line_entries
    for line in entry["line_entries"]:
        assert set(line) == LINE_FIELDS | wanted
        other = offset["id"] if line["ledger_id"] == bank["id"] else bank["id"]
        if "transaction" in wanted:
            assert line["transaction"] is None
        if "ledger" in wanted:
            assert line["ledger"]["id"] == line["ledger_id"]
            assert line["ledger"]["name"] == line["ledger_name"]
            assert {"sort_code", "debit_credit", "type", "sub_type", "is_required"} <= set(
                line["ledger"]
            )
        if "opposing_ledger_ids" in wanted:
            assert line["opposing_ledger_ids"] == [other]
    # The same paths on the read side.
    read = exact(teal.get(f"{TEAL}/v0/ledgers/opening-balance", params={"expand": path}))
    assert read == entry | {"creation_date": read["creation_date"]}


def test_unknown_expand_path_is_422(teal: httpx.Client, instance: dict[str, Any]) -> None:
    bank = ledger_by_code(teal_ledgers(teal, instance["id"]), "1010")
    response = teal.post(ob_url(bank["id"]), json=SEED_BODY, params={"expand": "files"})
    assert (response.status_code, response.json()["code"]) == (422, "INVALID_INPUT")
    assert exact(teal.get(f"{TEAL}/v0/ledgers/opening-balance"))["line_entry_ids"] == []


@pytest.mark.parametrize(
    ("code", "balance", "side", "amount"),
    [
        ("1010", "1000.00", "debit", "1000.00"),  # asset: debit-normal
        ("1010", "-5", "credit", "5.00"),  # negative: the opposite side
        ("2000", 300, "credit", "300.00"),  # liability: credit-normal
        ("3100", "2500.5", "credit", "2500.50"),  # equity: credit-normal
        ("1110", "40", "credit", "40.00"),  # contra asset: credit-normal
        ("3300", "12", "debit", "12.00"),  # drawings: debit-normal equity
    ],
)
def test_sides_follow_the_normal_balance(
    teal: httpx.Client,
    instance: dict[str, Any],
    code: str,
    balance: Any,
    side: str,
    amount: str,
) -> None:
    ledgers = teal_ledgers(teal, instance["id"])
    target, offset = ledger_by_code(ledgers, code), ledger_by_code(ledgers, "3900")
    response = teal.post(
        ob_url(target["id"]), json={"balance": balance}, params={"expand": "line_entries"}
    )
    assert response.status_code == 200, response.text
    entry = exact(response)
    mine, theirs = line_for(entry, target["id"]), line_for(entry, offset["id"])
    assert (mine["debit_credit"], mine["amount"]) == (side, Decimal(amount))
    assert theirs["debit_credit"] != side and theirs["amount"] == Decimal(amount)
    expected_normal = "debit" if code in ("1010", "3300") else "credit"
    assert target["debit_credit"] == expected_normal


def test_modified_by_is_audited(
    admin: httpx.Client, teal: httpx.Client, instance: dict[str, Any]
) -> None:
    bank = ledger_by_code(teal_ledgers(teal, instance["id"]), "1010")
    response = teal.post(
        ob_url(bank["id"]), json=SEED_BODY, headers={"modified-by": "ops@platform.example"}
    )
    assert response.status_code == 200, response.text
    events = admin.get(f"/v1/books/{instance['id']}/audit-events", params={"limit": 500}).json()
    [event] = [e for e in events["data"] if e["action"] == "opening_balance.set"]
    assert event["modified_by"] == "ops@platform.example"
    assert event["target_id"] == bank["id"]
    entries = admin.get(
        f"/v1/books/{instance['id']}/journal-entries", params={"ledger_id": bank["id"]}
    ).json()["data"]
    assert [e["modified_by"] for e in entries] == ["ops@platform.example"]


def test_a_ledger_of_another_instance_is_404(
    app: FastAPI, engine: Engine, admin: httpx.Client, teal: httpx.Client, instance: dict[str, Any]
) -> None:
    other = make_instance(admin, name="Other Inc")
    theirs = ledger_by_code(teal_ledgers(admin, other["id"]), "1010")
    # Their ledger named under my instance.
    response = teal.post(ob_url(theirs["id"]), json=SEED_BODY)
    assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND")
    # My key (bound to my instance) naming theirs in the header.
    response = teal.post(
        ob_url(theirs["id"]), json=SEED_BODY, headers={"teal-instance-id": other["id"]}
    )
    assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND")
    response = teal.get(f"{TEAL}/v0/ledgers", headers={"teal-instance-id": other["id"]})
    assert response.status_code == 404
    # An instance that does not exist, for an unbound key.
    with teal_client(app, engine, "admin", None) as unbound:
        response = unbound.get(
            f"{TEAL}/v0/ledgers/opening-balance", headers={"teal-instance-id": "bk_missing"}
        )
        assert response.status_code == 404
        missing = unbound.get(f"{TEAL}/v0/ledgers/opening-balance")
        assert (missing.status_code, missing.json()["data"]["field"]) == (422, "teal-instance-id")
    view = admin.get(
        f"{TEAL}/v0/ledgers/opening-balance", headers={"teal-instance-id": other["id"]}
    )
    assert view.json()["line_entry_ids"] == []


def test_the_instance_opening_balance_entry(
    admin: httpx.Client, teal: httpx.Client, instance: dict[str, Any]
) -> None:
    ledgers = teal_ledgers(teal, instance["id"])
    bank, loan = ledger_by_code(ledgers, "1010"), ledger_by_code(ledgers, "2810")
    empty = exact(teal.get(f"{TEAL}/v0/ledgers/opening-balance"))
    assert set(empty) == JE_FIELDS and empty["line_entry_ids"] == []
    assert empty["is_opening_balance"] is True and empty["id"].startswith("ob_")
    teal.post(ob_url(bank["id"]), json={"balance": "1000"})
    teal.post(ob_url(loan["id"]), json={"balance": "400"})
    replaced = exact(
        teal.post(ob_url(bank["id"]), json={"balance": "900"}, params={"expand": "line_entries"})
    )
    amounts = {
        (line["ledger_id"], line["debit_credit"]): line["amount"]
        for line in replaced["line_entries"]
        if line["ledger_id"] != ledger_by_code(ledgers, "3900")["id"]
    }
    assert amounts == {
        (loan["id"], "credit"): Decimal("400.00"),
        (bank["id"], "debit"): Decimal("900.00"),
    }
    assert len(replaced["line_entry_ids"]) == 4  # two live entries; the replaced one is gone
    read = exact(teal.get(f"{TEAL}/v0/ledgers/opening-balance", params={"expand": "line_entries"}))
    assert read["id"] == replaced["id"] and read["line_entries"] == replaced["line_entries"]
    assert read["creation_date"] == replaced["creation_date"]
    datetime.fromisoformat(read["creation_date"])
    by_id = exact(
        teal.get(f"{TEAL}/v0/journal-entries/{read['id']}", params={"expand": "line_entries"})
    )
    assert by_id == read
    cleared = exact(teal.post(ob_url(loan["id"]), json={"balance": 0}))
    assert len(cleared["line_entry_ids"]) == 2
    # Revenue ledgers of a book starting on its fiscal-year start take none.
    sales = ledger_by_code(ledgers, "4000")
    refused = teal.post(ob_url(sales["id"]), json={"balance": "1"})
    assert (refused.status_code, refused.json()["code"]) == (422, "ACCOUNT_TYPE_NOT_ALLOWED")
    for bad in ("1,000", "1e3", True, None, "1.001"):
        response = teal.post(ob_url(bank["id"]), json={"balance": bad})
        assert response.status_code == 422, bad
    native = admin.get(f"/v1/books/{instance['id']}/ledgers/{bank['id']}/opening-balance").json()
    assert native["amount"] == "900.00"


def test_the_offset_ledger_is_named_in_its_refusal_as_in_the_ledger_list(
    teal: httpx.Client, instance: dict[str, Any]
) -> None:
    ledgers = teal_ledgers(teal, instance["id"])
    offset = ledger_by_code(ledgers, "3900")
    assert offset["name"] == "Opening Balance Retained Earnings"
    response = teal.post(ob_url(offset["id"]), json={"balance": 5})
    assert (response.status_code, response.json()["code"]) == (422, "INVALID_BALANCE_ENTRY")
    assert response.json()["error"] == (
        "3900 Opening Balance Retained Earnings is the opening-balance offset account; it takes "
        "the other side of every opening balance and is booked automatically."
    )
    many = teal.post(
        f"{TEAL}/v0/ledgers/opening-balances",
        json={"balances": [{"ledger_id": offset["id"], "balance": 5}]},
    )
    assert many.status_code == 200, many.text
    [result] = many.json()["results"]
    assert result["error"]["message"].startswith("3900 Opening Balance Retained Earnings is the ")
