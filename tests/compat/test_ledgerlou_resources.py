"""LedgerLou accounts, bookings, the journal view of an intent, and periods."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from tests.compat.ledgerlou_fixtures import *  # noqa: F403 - the fixtures
from tests.compat.ledgerlou_fixtures import SEED_002, journal_of

ACCOUNT_FIELDS = {"number", "name", "type", "category", "report_group", "is_system"}


def test_accounts_are_paged_by_offset(lou: httpx.Client, admin: httpx.Client) -> None:
    everything = lou.get("/v1/accounts")
    assert everything.status_code == 200, everything.text
    body = everything.json()
    assert set(body) == {"accounts", "total", "offset", "limit"}
    assert (body["offset"], body["limit"]) == (0, 500)
    assert body["total"] == len(body["accounts"]) > 300
    numbers = [a["number"] for a in body["accounts"]]
    assert numbers == sorted(numbers)
    by_number = {a["number"]: a for a in body["accounts"]}
    assert all(set(a) == ACCOUNT_FIELDS for a in body["accounts"])
    assert by_number["9000"] == {
        "number": "9000",
        "name": "Saldenvorträge, Sachkonten",
        "type": "equity",
        "category": "opening_balance",
        "report_group": None,
        "is_system": True,
    }
    assert by_number["1800"]["report_group"] == "cash"
    assert by_number["0400"]["is_system"] is False

    page = lou.get("/v1/accounts", params={"offset": 2, "limit": 3}).json()
    assert (page["total"], page["offset"], page["limit"]) == (body["total"], 2, 3)
    assert page["accounts"] == body["accounts"][2:5]
    past_the_end = lou.get("/v1/accounts", params={"offset": 10_000}).json()
    assert past_the_end["accounts"] == [] and past_the_end["total"] == body["total"]
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "many"}):
        response = lou.get("/v1/accounts", params=bad)
        assert (response.status_code, response.json()["code"]) == (400, "INVALID_INPUT"), bad


def test_create_an_account_then_duplicate_is_409(
    lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    created = lou.post(
        "/v1/accounts",
        json={
            "number": "1850",
            "name": "Sparkasse",
            "type": "asset",
            "category": "bank",
            "report_group": "cash",
        },
    )
    assert created.status_code == 201, created.text
    assert created.json() == {
        "number": "1850",
        "name": "Sparkasse",
        "type": "asset",
        "category": "bank",
        "report_group": "cash",
        "is_system": False,
    }
    native = admin.get(f"/v1/books/{lou_book['id']}/ledgers", params={"number": "1850"}).json()
    assert native["data"][0]["subtype"] == "bank"
    free_category = lou.post(
        "/v1/accounts",
        json={"number": "1851", "name": "Volksbank", "type": "asset", "category": "Umlaufvermögen"},
    )
    assert free_category.status_code == 201
    assert free_category.json()["category"] == "other_asset"
    for number in ("1850", "1810", "9000"):
        duplicate = lou.post(
            "/v1/accounts", json={"number": number, "name": "Again", "type": "asset"}
        )
        assert (duplicate.status_code, duplicate.json()["code"]) == (409, "DUPLICATE_ACCOUNT")
    for bad in (
        {"number": "123456789", "name": "Too long", "type": "asset"},
        {"number": "18a0", "name": "Letters", "type": "asset"},
        {"number": "1820", "name": "No type"},
        {"number": "1820", "name": "Bad type", "type": "income"},
    ):
        response = lou.post("/v1/accounts", json=bad)
        assert (response.status_code, response.json()["code"]) == (400, "INVALID_INPUT"), bad


BOOKING: dict[str, Any] = {
    "booking_date": "2025-01-15",
    "description": "Rechnung 4711",
    "lines": [
        {"account_number": "1200", "account_name": "Forderungen", "debit": 119, "credit": 0},
        {"account_number": "4400", "account_name": "Erlöse 19 %", "debit": 0, "credit": "100.00"},
        {"account_number": "3806", "account_name": "USt 19 %", "debit": 0, "credit": 19},
    ],
    "external_reference": "RE-4711",
    "custom_metadata": {"customer": "K-1"},
    "skip_duplicate_check": False,
}


def test_a_booking_and_its_journal_view(
    lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    posted = lou.post("/v1/bookings", json=BOOKING)
    assert posted.status_code == 200, posted.text
    assert set(posted.json()) == {"intent_id", "event_count"}
    assert posted.json()["event_count"] == 1
    intent_id = posted.json()["intent_id"]
    [native] = journal_of(admin, lou_book["id"])
    assert native["intent_id"] == intent_id and native["external_reference"] == "RE-4711"

    view = lou.get(f"/v1/journal/{intent_id}")
    assert view.status_code == 200, view.text
    body = json.loads(view.text, parse_float=Decimal)
    assert body["intent_id"] == intent_id
    assert body["summary"] == {"event_count": 1, "total": Decimal("119.00")}
    assert body["reverses_intent_id"] is None and body["reversed_by_intent_id"] is None
    [event] = body["events"]
    assert event["intent_id"] == intent_id
    assert event["booking_date"] == "2025-01-15"
    assert event["amount"] == Decimal("119.00") and event["currency"] == "EUR"
    assert event["account_debit"] == "1200"
    assert event["account_debit_name"] == "Forderungen aus Lieferungen und Leistungen"
    assert event["account_credit"] is None  # two credit lines
    assert event["source"] == "manual" and event["is_opening_balance"] is False
    assert event["custom_metadata"] == {"customer": "K-1"}
    assert event["audit_hash"] == native["hash"] and len(event["prev_hash"]) == 64
    assert [(li["account_number"], li["debit"], li["credit"]) for li in event["lines"]] == [
        ("1200", Decimal("119.00"), Decimal("0.00")),
        ("4400", Decimal("0.00"), Decimal("100.00")),
        ("3806", Decimal("0.00"), Decimal("19.00")),
    ]


def test_bookings_refuse_what_folio_does_not_do(
    lou: httpx.Client, admin: httpx.Client, lou_book: dict[str, Any]
) -> None:
    unbalanced = {**BOOKING, "lines": BOOKING["lines"][:2]}
    cases = [
        (unbalanced, "UNBALANCED_ENTRY"),
        ({**BOOKING, "lines": BOOKING["lines"][:1]}, "INVALID_ENTRY"),
        ({**BOOKING, "booking_date": "2024-12-31"}, "BEFORE_ENTRIES_START"),
        (
            {**BOOKING, "lines": [*BOOKING["lines"][:2], {"account_number": "3897", "credit": 19}]},
            "LEDGER_NOT_FOUND",
        ),
        ({**BOOKING, "adjustment_period": 13}, "INVALID_INPUT"),
        ({**BOOKING, "fx": {"currency": "USD"}}, "INVALID_INPUT"),
        ({**BOOKING, "document_id": "doc-1"}, "INVALID_INPUT"),
        ({**BOOKING, "custom_metadata": {str(i): "v" for i in range(21)}}, "INVALID_INPUT"),
        (
            {**BOOKING, "lines": [{**BOOKING["lines"][0], "tax_code": "USt19"}]},
            "INVALID_INPUT",
        ),
        (
            {**BOOKING, "lines": [{**BOOKING["lines"][0], "credit": 1}, *BOOKING["lines"][1:]]},
            "INVALID_INPUT",
        ),
    ]
    for body, code in cases:
        response = lou.post("/v1/bookings", json=body)
        assert (response.status_code, response.json().get("code")) == (400, code), (
            body,
            response.text,
        )
    assert journal_of(admin, lou_book["id"]) == []


def test_the_journal_view_links_reversals_both_ways(lou: httpx.Client) -> None:
    original = lou.post("/v1/bookings/opening-balances", json=SEED_002).json()["intent_id"]
    reversal = lou.post(
        "/v1/journal/reverse", json={"intent_id": original, "posting_mode": "original_period"}
    ).json()["reversal_intent_id"]
    first = lou.get(f"/v1/journal/{original}").json()
    assert first["reversed_by_intent_id"] == reversal and first["reverses_intent_id"] is None
    assert first["summary"]["event_count"] == 4
    assert {e["account_credit"] for e in first["events"]} == {"9000", "2000", "2900"}
    second = lou.get(f"/v1/journal/{reversal}").json()
    assert second["reverses_intent_id"] == original and second["reversed_by_intent_id"] is None
    assert all(e["source"] == "reversal" and e["is_opening_balance"] for e in second["events"])
    missing = lou.get("/v1/journal/int_missing")
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")


def test_periods_list_and_transitions(lou: httpx.Client) -> None:
    listed = lou.get("/v1/periods")
    assert listed.status_code == 200
    periods = listed.json()
    assert isinstance(periods, list) and periods[0] == {
        "period": "2025-01",
        "status": "open",
        "period_number": 0,
    }
    assert [p["period"] for p in periods] == sorted(p["period"] for p in periods)
    assert lou.post("/v1/periods/2025-02/soft-lock").json()["status"] == "soft_locked"
    twice = lou.post("/v1/periods/2025-02/soft-lock")
    assert (twice.status_code, twice.json()["code"]) == (409, "INVALID_PERIOD_TRANSITION")
    assert lou.post("/v1/periods/2025-02/lock").json()["status"] == "locked"
    final = lou.post("/v1/periods/2025-02/reopen")
    assert (final.status_code, final.json()["code"]) == (409, "INVALID_PERIOD_TRANSITION")
    statuses = {p["period"]: p["status"] for p in lou.get("/v1/periods").json()}
    assert statuses["2025-02"] == "locked" and statuses["2025-01"] == "open"
    adjustment = lou.post("/v1/periods/2025-P13/soft-lock")
    assert (adjustment.status_code, adjustment.json()["code"]) == (400, "INVALID_INPUT")
    month = lou.post("/v1/periods/2025-13/soft-lock")
    assert (month.status_code, month.json()["code"]) == (400, "INVALID_PERIOD")
