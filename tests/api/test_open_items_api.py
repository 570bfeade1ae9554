"""Parties, open items and the aged reports over HTTP on both engines."""

from __future__ import annotations

from typing import Any

import httpx


def skr04(admin: httpx.Client) -> str:
    made = admin.post(
        "/v1/books",
        json={"name": "Muster", "currency": "EUR", "entries_start": "2025-01-01", "chart": "skr04"},
    )
    assert made.status_code == 201, made.text
    book_id: str = made.json()["id"]
    return book_id


def test_parties_items_settlement_and_aged_receivables(admin: httpx.Client) -> None:
    book = skr04(admin)
    base = f"/v1/books/{book}"
    alpha = admin.post(f"{base}/parties", json={"kind": "customer", "name": "Alpha AG",
                                                "payment_terms_days": 14})  # fmt: skip
    assert alpha.status_code == 201 and alpha.json()["number"] == "10000"
    outside = admin.post(
        f"{base}/parties", json={"kind": "customer", "name": "X", "number": "70001"}
    )
    assert (outside.status_code, outside.json()["data"]["field"]) == (422, "number")
    first = admin.post(f"{base}/parties", json={"kind": "supplier", "name": "Y", "number": "70000"})
    assert first.status_code == 201
    twice = admin.post(f"{base}/parties", json={"kind": "supplier", "name": "Z", "number": "70000"})
    assert (twice.status_code, twice.json()["code"]) == (409, "DUPLICATE_PARTY")
    narrower = admin.put(f"{base}/party-numbers/supplier", json={"first": 80000, "last": 89999})
    assert (narrower.status_code, narrower.json()["data"]["outside"]) == (422, ["70000"])
    too_long = admin.put(f"{base}/party-numbers/supplier", json={"first": 70000, "last": 10**20})
    assert (too_long.status_code, too_long.json()["code"]) == (422, "INVALID_INPUT")
    ranges = admin.put(f"{base}/party-numbers/supplier", json={"first": 70000, "last": 89999})
    assert ranges.json()["suppliers"] == {"first": 70000, "last": 89999}
    made = {"kind": "supplier", "name": "Lieferant KG", "tax_id": "DE999", "address": "Weg 1"}
    supplier = admin.post(f"{base}/parties", json=made)
    assert supplier.json()["number"] == "70001"
    # PATCH: a field left out stays as it is; a tax id or an address sent as null is removed
    url = f"{base}/parties/{supplier.json()['id']}"
    kept = admin.patch(url, json={"payment_terms_days": 30}).json()
    assert (kept["tax_id"], kept["address"], kept["payment_terms_days"]) == ("DE999", "Weg 1", 30)
    cleared = admin.patch(url, json={"tax_id": None}).json()
    assert (cleared["tax_id"], cleared["address"]) == (None, "Weg 1")

    items = admin.post(f"{base}/open-items", json={"items": [
        {"party_number": "10000", "document_number": "RE-1", "date": "2024-12-20",
         "due_date": "2025-01-31", "amount": "1000.00"},
        {"party_number": "10000", "document_number": "RE-2", "date": "2024-12-21",
         "amount": "200.00"},
    ]})  # fmt: skip
    assert items.status_code == 201, items.text
    assert [(i["document_number"], i["due_date"]) for i in items.json()["data"]] == [
        ("RE-1", "2025-01-31"), ("RE-2", "2025-01-04"),  # date + 14 days of terms
    ]  # fmt: skip
    bad = admin.post(f"{base}/open-items", json={"items": [
        {"party_number": "99999", "document_number": "RE-9", "date": "2024-12-20", "amount": "1"},
    ]})  # fmt: skip
    assert (bad.status_code, bad.json()["code"]) == (422, "INVALID_OPEN_ITEM")
    assert bad.json()["data"]["rows"][0]["path"] == "items[0].party"

    def settle(day: str, amount: str, document: str) -> httpx.Response:
        paid = admin.post(f"{base}/journal-entries", json={"date": day, "lines": [
            {"ledger_number": "1800", "debit": amount},
            {"ledger_number": "1200", "credit": amount, "party_id": alpha.json()["id"],
             "settles": document},
        ]})  # fmt: skip
        assert paid.status_code == 201, paid.text
        return paid

    paid = settle("2025-02-01", "250.00", "RE-1")
    line = next(ln for ln in paid.json()["lines"] if ln["item_id"])
    assert line["party_id"] == alpha.json()["id"]

    aged = admin.get(f"{base}/reports/aged-receivables", params={"as_of": "2025-02-15"}).json()
    assert (aged["total"], aged["ledger_balance"]) == ("950.00", "950.00")
    assert aged["buckets"] == {"current": "0.00", "1_30": "750.00", "31_60": "200.00",
                               "61_90": "0.00", "over_90": "0.00"}  # fmt: skip
    party: dict[str, Any] = aged["data"][0]
    assert [(i["document"], i["open"], i["days_overdue"]) for i in party["items"]] == [
        ("RE-2", "200.00", 42), ("RE-1", "750.00", 15),
    ]  # fmt: skip
    csv = admin.get(
        f"{base}/reports/aged-receivables",
        params={"as_of": "2025-02-15"},
        headers={"Accept": "text/csv"},
    ).text.splitlines()
    assert csv[0].startswith("party,name,document,date,due_date,days_overdue,current")
    assert csv[-1].split(",")[-2:] == ["950.00", "total"]
    url = f"{base}/parties/{alpha.json()['id']}/open-items"
    listed = admin.get(url, params={"as_of": "2025-02-15"}).json()
    assert [(i["document"], i["open"], i["recorded"]) for i in listed] == [
        ("RE-2", "200.00", True), ("RE-1", "750.00", True),  # by due date
    ]  # fmt: skip
    settle("2025-02-16", "200.00", "RE-2")
    still = admin.get(url, params={"as_of": "2025-02-16"}).json()
    every = admin.get(url, params={"as_of": "2025-02-16", "include_settled": "true"}).json()
    assert [(i["document"], i["open"]) for i in still] == [("RE-1", "750.00")]
    assert [(i["document"], i["open"]) for i in every] == [("RE-2", "0.00"), ("RE-1", "750.00")]
    numbers = admin.get(f"{base}/party-numbers")
    assert numbers.json() == {"customers": {"first": 10000, "last": 69999},
                              "suppliers": {"first": 70000, "last": 89999}}  # fmt: skip
    unknown = admin.get("/v1/books/bk_nothing/party-numbers")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")
    empty = admin.get(f"{base}/reports/aged-payables").json()
    assert empty["total"] == "0.00" and empty["data"] == []
