from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import ledger_ids, post_entry


def url(book: dict[str, Any], rest: str = "") -> str:
    return f"/v1/books/{book['id']}/ledgers{rest}"


def test_create_ledger(admin: httpx.Client, book: dict[str, Any]) -> None:
    response = admin.post(
        url(book),
        json={
            "number": "1510",
            "name": "Accumulated depreciation",
            "type": "asset",
            "subtype": "accumulated_depreciation",
            "normal_balance": "credit",
            "description": "contra",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["id"].startswith("ldg_")
    assert {k: v for k, v in body.items() if k != "id"} == {
        "book_id": book["id"],
        "number": "1510",
        "name": "Accumulated depreciation",
        "type": "asset",
        "subtype": "accumulated_depreciation",
        "normal_balance": "credit",
        "parent_id": None,
        "role": None,
        "archived": False,
        "description": "contra",
        "balance": "0.00",
        "debits_posted": "0.00",
        "credits_posted": "0.00",
    }
    custom = admin.post(url(book), json={"name": "Petty cash", "type": "asset"}).json()
    assert (custom["number"], custom["subtype"], custom["normal_balance"]) == (
        None,
        "other_asset",
        "debit",
    )


def test_create_ledger_errors(admin: httpx.Client, book: dict[str, Any]) -> None:
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"number": "1000", "name": "Dup", "type": "asset"}, 409, "DUPLICATE_ACCOUNT"),
        ({"number": "12a", "name": "X", "type": "asset"}, 422, "INVALID_INPUT"),
        ({"name": "X", "type": "cash"}, 422, "INVALID_INPUT"),
        ({"name": "X", "type": "asset", "subtype": "payable"}, 422, "INVALID_INPUT"),
        ({"name": "X", "type": "asset", "parent_id": "ldg_nope"}, 422, "INVALID_INPUT"),
        ({"name": "", "type": "asset"}, 422, "INVALID_INPUT"),
    ]
    for body, status, code in cases:
        response = admin.post(url(book), json=body)
        assert (response.status_code, response.json()["code"]) == (status, code), body
    missing = admin.post("/v1/books/bk_missing/ledgers", json={"name": "X", "type": "asset"})
    assert missing.status_code == 404


def test_numbers_and_amounts_are_ascii_digits(admin: httpx.Client, book: dict[str, Any]) -> None:
    """Ledger 1200 in Arabic-Indic or full-width digits was created beside the ASCII one, and
    "١٢.00" was booked as 12.00: both are refused now, naming the field, with nothing made."""
    url = f"/v1/books/{book['id']}/ledgers"
    before = len(admin.get(url, params={"limit": 500}).json()["data"])
    for number in ("١٢٠٠", "１２００", "12٠0"):
        made = admin.post(url, json={"name": "Twin", "type": "asset", "number": number})
        assert made.status_code == 422, made.text
        assert made.json()["data"]["field"] == "number"
    assert len(admin.get(url, params={"limit": 500}).json()["data"]) == before
    ids = ledger_ids(admin, book["id"])
    lines = [
        {"ledger_id": ids["1000"], "debit": "١٢.00"},
        {"ledger_id": ids["4000"], "credit": "12"},
    ]
    posted = admin.post(
        f"/v1/books/{book['id']}/journal-entries", json={"date": "2025-01-02", "lines": lines}
    )
    assert (posted.status_code, posted.json()["code"]) == (422, "INVALID_AMOUNT")
    assert posted.json()["data"]["field"] == "lines[0].debit"
    assert admin.get(f"/v1/books/{book['id']}/journal-entries").json()["data"] == []


def test_list_filters_and_pages(admin: httpx.Client, book: dict[str, Any]) -> None:
    # The empty chart brings its two system ledgers, 3800 and 3900.
    everything = ["1000", "1200", "3000", "3800", "3900", "4000", "6000"]
    listed = admin.get(url(book)).json()
    assert ([x["number"] for x in listed["data"]], listed["next_cursor"]) == (everything, None)
    assets = admin.get(url(book), params={"type": "asset"}).json()["data"]
    assert [x["number"] for x in assets] == ["1000", "1200"]
    by_number = admin.get(url(book), params={"number": "4000"}).json()["data"]
    assert [x["name"] for x in by_number] == ["Sales"]
    system = admin.get(url(book), params={"role": "retained_earnings"}).json()["data"]
    assert [x["number"] for x in system] == ["3800"]
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = admin.get(url(book), params=params).json()
        seen += [x["number"] for x in page["data"]]
        cursor = page["next_cursor"]
    assert (seen, cursor) == (everything, None)
    bad = admin.get(url(book), params={"type": "cash"})
    assert (bad.status_code, bad.json()["data"]["field"]) == (422, "type")
    foreign_cursor = admin.get(url(book), params={"cursor": "WzFd"})  # an int cursor
    assert foreign_cursor.status_code == 422


def test_get_update_ledger(admin: httpx.Client, book: dict[str, Any]) -> None:
    ids = ledger_ids(admin, book["id"])
    bank = admin.get(url(book, f"/{ids['1000']}")).json()
    assert (bank["name"], bank["balance"]) == ("Bank", "0.00")
    changed = admin.patch(
        url(book, f"/{ids['1000']}"),
        json={"name": "Main bank", "number": "1010", "subtype": "bank", "parent_id": ids["1200"]},
    )
    assert changed.status_code == 200
    assert {k: changed.json()[k] for k in ("name", "number", "subtype", "parent_id")} == {
        "name": "Main bank",
        "number": "1010",
        "subtype": "bank",
        "parent_id": ids["1200"],
    }
    clash = admin.patch(url(book, f"/{ids['1000']}"), json={"number": "4000"})
    assert (clash.status_code, clash.json()["code"]) == (409, "DUPLICATE_ACCOUNT")
    itself = admin.patch(url(book, f"/{ids['1000']}"), json={"parent_id": ids["1000"]})
    assert itself.status_code == 422
    assert admin.get(url(book, "/ldg_missing")).status_code == 404
    assert admin.patch(url(book, "/ldg_missing"), json={"name": "x"}).status_code == 404


def test_delete_unused_and_archive_used(admin: httpx.Client, book: dict[str, Any]) -> None:
    ids = ledger_ids(admin, book["id"])
    assert post_entry(admin, book["id"], "1000 D 5.00; 4000 C 5.00").status_code == 201
    gone = admin.delete(url(book, f"/{ids['6000']}"))
    assert gone.status_code == 200
    assert gone.json()["deleted"] is True
    assert gone.json()["ledger"]["number"] == "6000"
    assert admin.get(url(book, f"/{ids['6000']}")).status_code == 404
    kept = admin.delete(url(book, f"/{ids['1000']}"))
    assert (kept.json()["deleted"], kept.json()["ledger"]["archived"]) == (False, True)
    assert kept.json()["ledger"]["balance"] == "5.00"
    refused = post_entry(admin, book["id"], "1000 D 1.00; 4000 C 1.00")
    assert (refused.status_code, refused.json()["code"]) == (422, "LEDGER_ARCHIVED")
    restored = admin.patch(url(book, f"/{ids['1000']}"), json={"archived": False})
    assert restored.json()["archived"] is False
    assert admin.delete(url(book, "/ldg_missing")).status_code == 404


def test_system_ledger_cannot_be_deleted(admin: httpx.Client) -> None:
    book = admin.post(
        "/v1/books",
        json={"name": "US", "currency": "USD", "entries_start": "2025-01-01", "chart": "skr04"},
    ).json()
    offset = admin.get(url(book), params={"role": "opening_balances"}).json()["data"][0]
    response = admin.delete(url(book, f"/{offset['id']}"))
    assert (response.status_code, response.json()["code"]) == (422, "SYSTEM_LEDGER_PROTECTED")


def test_balance_now_and_as_of(admin: httpx.Client, book: dict[str, Any]) -> None:
    ids = ledger_ids(admin, book["id"])
    post_entry(admin, book["id"], "1000 D 100.10; 4000 C 100.10", on="2025-01-15")
    post_entry(admin, book["id"], "6000 D 30.05; 1000 C 30.05", on="2025-02-03")
    bank = url(book, f"/{ids['1000']}/balance")
    assert admin.get(bank).json() == {
        "ledger_id": ids["1000"],
        "as_of": None,
        "debit": "100.10",
        "credit": "30.05",
        "balance": "70.05",
    }
    assert admin.get(bank, params={"as_of": "2025-01-31"}).json() == {
        "ledger_id": ids["1000"],
        "as_of": "2025-01-31",
        "debit": "100.10",
        "credit": "0.00",
        "balance": "100.10",
    }
    sales = admin.get(url(book, f"/{ids['4000']}/balance"), params={"as_of": "2025-12-31"})
    assert (sales.json()["credit"], sales.json()["balance"]) == ("100.10", "100.10")
    assert admin.get(url(book, f"/{ids['4000']}")).json()["balance"] == "100.10"
    bad = admin.get(bank, params={"as_of": "yesterday"})
    assert (bad.status_code, bad.json()["data"]["field"]) == (422, "as_of")
    assert admin.get(url(book, "/ldg_missing/balance")).status_code == 404
