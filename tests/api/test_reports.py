"""Reports and exports over HTTP on both engines: formats agree, tenancy, scopes."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import Engine

from folio.service.report_formats import XLSX_MEDIA_TYPE
from tests.api.conftest import client_for, create_book, ledger_ids, make_key, post_entry


def seeded(admin: httpx.Client) -> dict[str, Any]:
    book = create_book(admin)
    ids = ledger_ids(admin, book["id"])
    admin.put(
        f"/v1/books/{book['id']}/ledgers/{ids['1000']}/opening-balance", json={"amount": "500.00"}
    )
    assert (
        post_entry(admin, book["id"], "1000 D 119.00; 4000 C 100.00; 3000 C 19.00").status_code
        == 201
    )
    assert (
        post_entry(admin, book["id"], "6000 D 40.00; 1000 C 40.00", on="2025-02-03").status_code
        == 201
    )
    return book


def test_trial_balance_json_csv_xlsx_agree(admin: httpx.Client) -> None:
    book = seeded(admin)
    path = f"/v1/books/{book['id']}/reports/trial-balance"
    params = {"from": "2025-02-01", "to": "2025-02-28"}
    report = admin.get(path, params=params)
    assert report.status_code == 200, report.text
    body = report.json()
    rows = {row["number"]: row for row in body["data"]}
    assert rows["1000"]["opening_balance"] == "500.00"
    assert rows["1000"]["carried_forward"] == "119.00"
    assert (rows["1000"]["debit"], rows["1000"]["credit"]) == ("0.00", "40.00")
    assert rows["1000"]["closing"] == "579.00"
    totals = body["totals"]
    assert totals["debit"] == totals["credit"] == "40.00"

    as_csv = admin.get(path, params=params, headers={"Accept": "text/csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    csv_rows = {r["number"]: r for r in csv.DictReader(io.StringIO(as_csv.text)) if r["number"]}
    for number, row in rows.items():
        for column in ("opening_balance", "carried_forward", "debit", "credit", "closing"):
            assert Decimal(csv_rows[number][column]) == Decimal(row[column]), (number, column)

    as_xlsx = admin.get(path, params=params, headers={"Accept": XLSX_MEDIA_TYPE})
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = [str(v) for v in values[0]]
    by_number = {str(r[header.index("number")]): r for r in values[1:] if r[header.index("number")]}
    for number, row in rows.items():
        closing = by_number[number][header.index("closing")]
        assert Decimal(str(closing)).quantize(Decimal("0.01")) == Decimal(row["closing"])


def test_balance_sheet_income_statement_and_ledger_statement(admin: httpx.Client) -> None:
    book = seeded(admin)
    base = f"/v1/books/{book['id']}/reports"
    sheet = admin.get(f"{base}/balance-sheet", params={"as_of": "2025-12-31"})
    assert sheet.status_code == 200, sheet.text
    income = admin.get(
        f"{base}/income-statement",
        params={"from": "2025-01-01", "to": "2025-03-31", "interval": "month"},
    )
    assert income.status_code == 200, income.text
    bank = ledger_ids(admin, book["id"])["1000"]
    statement = admin.get(
        f"{base}/ledger-statement",
        params={"ledger_id": bank, "limit": 1, "from": "2025-01-01", "to": "2025-12-31"},
    )
    assert statement.status_code == 200, statement.text
    assert statement.json()["next_cursor"]
    bad = admin.get(f"{base}/income-statement", params={"interval": "fortnight"})
    assert (bad.status_code, bad.json()["code"]) == (422, "INVALID_INPUT")


def test_exports_stream_the_journal(admin: httpx.Client) -> None:
    book = seeded(admin)
    hledger = admin.get(f"/v1/books/{book['id']}/export", params={"format": "hledger"})
    assert hledger.status_code == 200
    assert "Assets:1000 Bank" in hledger.text and "119.00" in hledger.text
    beancount = admin.get(f"/v1/books/{book['id']}/export", params={"format": "beancount"})
    assert beancount.status_code == 200 and "open Assets:1000-Bank" in beancount.text
    bad = admin.get(f"/v1/books/{book['id']}/export", params={"format": "gnucash"})
    assert bad.status_code == 422


def test_reports_need_reports_read_and_stay_in_their_book(
    engine: Engine, app: FastAPI, admin: httpx.Client
) -> None:
    book = seeded(admin)
    other = create_book(admin, name="Other")
    with client_for(app, make_key(engine, "ledgers:read journal:read")) as no_reports:
        refused = no_reports.get(f"/v1/books/{book['id']}/reports/trial-balance")
        assert (refused.status_code, refused.json()["code"]) == (403, "INSUFFICIENT_SCOPE")
    with client_for(app, make_key(engine, "reports:read", book_id=other["id"])) as elsewhere:
        for path in ("reports/trial-balance", "reports/balance-sheet", "export?format=hledger"):
            hidden = elsewhere.get(f"/v1/books/{book['id']}/{path}")
            assert (hidden.status_code, hidden.json()["code"]) == (404, "NOT_FOUND")
    foreign = ledger_ids(admin, other["id"])["1000"]
    statement = admin.get(
        f"/v1/books/{book['id']}/reports/ledger-statement", params={"ledger_id": foreign}
    )
    assert statement.status_code == 404
