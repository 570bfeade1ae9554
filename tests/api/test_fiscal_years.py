"""The fiscal-year endpoints on both engines: list, opening values, preview, close, reopen,
continuity, and the reports' `year` and `compare=previous_year`."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.api.conftest import client_for, make_key, post_entry


def book_from_2023(admin: httpx.Client) -> dict[str, Any]:
    made = admin.post(
        "/v1/books",
        json={"name": "Muster", "currency": "EUR", "entries_start": "2023-01-01", "chart": "skr04"},
    )
    assert made.status_code == 201, made.text
    book: dict[str, Any] = made.json()
    booked = admin.post(
        f"/v1/books/{book['id']}/opening-balances",
        json={"balances": [{"ledger_number": "1800", "debit": "1000.00"},
                           {"ledger_number": "2000", "credit": "1000.00"}]},
    )  # fmt: skip
    assert booked.status_code == 201, booked.text
    assert post_entry(admin, book["id"], "1800 D 70.00; 4400 C 70.00", on="2023-05-01").is_success
    return book


def test_list_preview_close_and_reopen(admin: httpx.Client) -> None:
    book = book_from_2023(admin)
    base = f"/v1/books/{book['id']}/fiscal-years"
    listed = admin.get(base).json()["data"]
    assert [(y["year"], y["start"], y["end"], y["status"]) for y in listed[:2]] == [
        (2023, "2023-01-01", "2023-12-31", "open"),
        (2024, "2024-01-01", "2024-12-31", "open"),
    ]
    assert listed[0]["result"] == "70.00" and listed[0]["closing"] is None

    openings = admin.get(f"{base}/2024/opening-balances").json()
    values = {row["number"]: (row["debit"], row["credit"]) for row in openings["data"]}
    assert values == {
        "1800": ("1070.00", "0.00"),
        "2000": ("0.00", "1000.00"),
        "2970": ("0.00", "70.00"),
    }
    assert openings["balanced"] and openings["earlier_results"] == "70.00"

    refused = admin.post(f"{base}/2024/close", json={})
    assert (refused.status_code, refused.json()["code"]) == (422, "PREVIOUS_YEAR_OPEN")
    preview = admin.get(f"{base}/2023/close").json()
    assert preview["can_close"] and preview["blockers"] == [] and preview["result"] == "70.00"
    assert {row["number"]: row["amount"] for row in preview["closing"]} == {
        "1800": "1070.00", "2000": "1000.00", "4400": "70.00",
    }  # fmt: skip
    closed = admin.post(f"{base}/2023/close", json={"final": False})
    assert closed.status_code == 201, closed.text
    closing = closed.json()
    assert (closing["seq"], closing["final"], closing["result"]) == (1, False, "70.00")
    # The answer names the year it closed (a client listing closes needs no path to read it).
    assert (closing["year"], closing["first_day"], closing["last_day"]) == (
        2023, "2023-01-01", "2023-12-31",
    )  # fmt: skip
    assert len(closing["hash"]) == 64
    again = admin.post(f"{base}/2023/close")
    assert (again.status_code, again.json()["code"]) == (409, "FISCAL_YEAR_CLOSED")
    locked = post_entry(admin, book["id"], "1800 D 1.00; 4400 C 1.00", on="2023-12-31")
    assert (locked.status_code, locked.json()["code"]) == (422, "PERIOD_LOCKED")
    month = admin.post(f"/v1/books/{book['id']}/periods/2023-06/reopen")
    assert (month.status_code, month.json()["code"]) == (409, "FISCAL_YEAR_CLOSED")
    assert admin.get(f"{base}/2023/continuity").json()["ok"]

    reopened = admin.post(f"{base}/2023/reopen")
    assert reopened.status_code == 200 and reopened.json()["reopened_at"] is not None
    assert reopened.json()["year"] == 2023
    late = post_entry(admin, book["id"], "1800 D 1.00; 4400 C 1.00", on="2023-12-31").json()
    continuity = admin.get(f"{base}/2023/continuity").json()
    assert not continuity["ok"] and continuity["recorded"]
    differences = {d["number"]: d for d in continuity["differences"]}
    assert (differences["1800"]["recorded"], differences["1800"]["now"]) == ("1070.00", "1071.00")
    assert [e["entry_id"] for e in differences["2970"]["entries"]] == [late["id"]]
    events = admin.get(f"/v1/books/{book['id']}/audit-events", params={"limit": 500}).json()
    actions = [event["action"] for event in events["data"]]
    assert "fiscal_year.closed" in actions and "fiscal_year.reopened" in actions


def test_closing_needs_periods_write(app: FastAPI, engine: Engine, admin: httpx.Client) -> None:
    book = book_from_2023(admin)
    reader = client_for(app, make_key(engine, "periods:read reports:read", book["id"]))
    base = f"/v1/books/{book['id']}/fiscal-years"
    assert reader.get(f"{base}/2023/close").status_code == 200
    refused = reader.post(f"{base}/2023/close")
    assert (refused.status_code, refused.json()["code"]) == (403, "INSUFFICIENT_SCOPE")
    assert admin.get(base).json()["data"][0]["status"] == "open"
    earlier = admin.get(f"{base}/2019/opening-balances")
    assert (earlier.status_code, earlier.json()["data"]["field"]) == (422, "year")


def test_reports_by_year_with_the_year_before(admin: httpx.Client) -> None:
    book = book_from_2023(admin)
    assert post_entry(admin, book["id"], "1800 D 30.00; 4400 C 30.00", on="2024-02-01").is_success
    base = f"/v1/books/{book['id']}/reports"
    sheet = admin.get(f"{base}/balance-sheet", params={"year": 2024, "compare": "previous_year"})
    assert sheet.status_code == 200, sheet.text
    data = sheet.json()
    assert (data["as_of"], data["previous_as_of"]) == ("2024-12-31", "2023-12-31")
    assert (data["total_assets"], data["previous_total_assets"]) == ("1100.00", "1070.00")
    csv = admin.get(
        f"{base}/income-statement",
        params={"year": 2024, "compare": "previous_year"},
        headers={"Accept": "text/csv"},
    ).text.splitlines()
    assert csv[0].split(",")[3:6] == ["2024-01-01..2024-12-31", "total", "previous"]
    assert csv[-1].split(",")[3:6] == ["30.00", "30.00", "70.00"]
    both = admin.get(f"{base}/trial-balance", params={"year": 2024, "from": "2024-01-01"})
    assert (both.status_code, both.json()["data"]["field"]) == (422, "year")


def test_the_last_years_are_refused_not_a_server_error(admin: httpx.Client) -> None:
    book = book_from_2023(admin)
    base = f"/v1/books/{book['id']}/fiscal-years"
    assert admin.get(f"{base}/9997/continuity").status_code == 200
    last = admin.get(f"{base}/9998/continuity")
    assert (last.status_code, last.json()["data"]["field"]) == (422, "year")
