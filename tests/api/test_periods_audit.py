from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Engine, text

from tests.api.conftest import post_entry


def periods(book: dict[str, Any], rest: str = "") -> str:
    return f"/v1/books/{book['id']}/periods{rest}"


def test_period_lifecycle(admin: httpx.Client, book: dict[str, Any]) -> None:
    listed = admin.get(periods(book), params={"through": "2025-03-15"}).json()
    assert listed == {
        "data": [
            {"period": "2025-01", "status": "open"},
            {"period": "2025-02", "status": "open"},
            {"period": "2025-03", "status": "open"},
        ],
        "next_cursor": None,
    }
    soft = admin.post(periods(book, "/2025-01/soft-lock"))
    assert (soft.status_code, soft.json()) == (200, {"period": "2025-01", "status": "soft_locked"})
    refused = post_entry(admin, book["id"], "1000 D 1; 4000 C 1", on="2025-01-31")
    assert (refused.status_code, refused.json()["code"]) == (422, "PERIOD_LOCKED")
    assert admin.post(periods(book, "/2025-01/reopen")).json()["status"] == "open"
    assert post_entry(admin, book["id"], "1000 D 1; 4000 C 1", on="2025-01-31").status_code == 201
    assert admin.post(periods(book, "/2025-01/lock")).json()["status"] == "locked"
    stuck = admin.post(periods(book, "/2025-01/reopen"))
    assert (stuck.status_code, stuck.json()["code"]) == (422, "INVALID_PERIOD_TRANSITION")
    bad = admin.post(periods(book, "/2025-13/lock"))
    assert (bad.status_code, bad.json()["code"]) == (422, "INVALID_PERIOD")
    first = admin.get(periods(book), params={"through": "2025-03-15", "limit": 2}).json()
    assert [p["status"] for p in first["data"]] == ["locked", "open"]
    rest = admin.get(
        periods(book), params={"through": "2025-03-15", "cursor": first["next_cursor"]}
    ).json()
    assert (rest["data"], rest["next_cursor"]) == ([{"period": "2025-03", "status": "open"}], None)
    assert admin.get("/v1/books/bk_missing/periods").status_code == 404
    assert admin.post("/v1/books/bk_missing/periods/2025-01/lock").status_code == 404


def test_verify(admin: httpx.Client, book: dict[str, Any], engine: Engine) -> None:
    url = f"/v1/books/{book['id']}/verify"
    assert admin.get(url).json() == {"ok": True, "entries_checked": 0, "problem": None}
    post_entry(admin, book["id"], "1000 D 1; 4000 C 1")
    post_entry(admin, book["id"], "1000 D 2; 4000 C 2")
    assert admin.get(url).json() == {"ok": True, "entries_checked": 2, "problem": None}
    with engine.begin() as conn:  # tamper with a running total, which no trigger guards
        conn.execute(text("UPDATE ledgers SET debits_posted = 1 WHERE number = '1000'"))
    broken = admin.get(url).json()
    assert (broken["ok"], broken["entries_checked"]) == (False, 2)
    assert broken["problem"]["kind"] == "ledger_totals_mismatch"
    assert broken["problem"]["number"] == "1000"
    assert admin.get("/v1/books/bk_missing/verify").status_code == 404


def test_audit_events(admin: httpx.Client, book: dict[str, Any]) -> None:
    entry = admin.post(
        f"/v1/books/{book['id']}/journal-entries",
        json={
            "date": "2025-01-10",
            "lines": [
                {"ledger_number": "1000", "debit": "1"},
                {"ledger_number": "4000", "credit": "1"},
            ],
        },
        headers={"Modified-By": "jane", "X-Request-ID": "trace-42"},
    )
    assert entry.headers["X-Request-ID"] == "trace-42"
    url = f"/v1/books/{book['id']}/audit-events"
    events = admin.get(url, params={"limit": 500}).json()["data"]
    assert [e["action"] for e in events] == ["book.created"] + ["ledger.created"] * 5 + [
        "journal_entry.posted"
    ]
    assert [e["seq"] for e in events] == list(range(1, 8))
    last = events[-1]
    assert (last["actor"], last["modified_by"], last["request_id"], last["target_id"]) == (
        entry.json()["created_by"],
        "jane",
        "trace-42",
        entry.json()["id"],
    )
    page = admin.get(url, params={"limit": 4}).json()
    rest = admin.get(url, params={"cursor": page["next_cursor"]}).json()
    assert [e["seq"] for e in page["data"] + rest["data"]] == list(range(1, 8))
    generated = admin.get(url, headers={"X-Request-ID": "bad id with spaces"})
    assert generated.headers["X-Request-ID"].startswith("req_")
    assert admin.get("/v1/books/bk_missing/audit-events").status_code == 404


def test_server_audit_events(admin: httpx.Client) -> None:
    events = admin.get("/v1/audit-events").json()["data"]
    assert [(e["action"], e["book_id"]) for e in events] == [("api_key.created", None)]
