from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import ledger_ids, post_entry


def entries(book: dict[str, Any], rest: str = "") -> str:
    return f"/v1/books/{book['id']}/journal-entries{rest}"


def raw_post(admin: httpx.Client, book: dict[str, Any], body: str) -> httpx.Response:
    return admin.post(entries(book), content=body, headers={"Content-Type": "application/json"})


def test_post_entry(admin: httpx.Client, book: dict[str, Any]) -> None:
    ids = ledger_ids(admin, book["id"])
    response = admin.post(
        entries(book),
        json={
            "date": "2025-01-10",
            "description": "Invoice 7",
            "external_reference": "INV-7",
            "metadata": {"customer": "c_1", "seats": 3, "tags": ["a"]},
            "lines": [
                {"ledger_id": ids["1200"], "debit": "119.00", "tags": ["q1"]},
                {"ledger_number": "4000", "credit": "100", "description": "net"},
                {"ledger_number": "3000", "credit": 19},
            ],
        },
        headers={"Modified-By": "jane@example.com"},
    )
    assert response.status_code == 201, response.text
    entry = response.json()
    assert entry["id"].startswith("je_") and entry["intent_id"].startswith("int_")
    assert len(entry["hash"]) == 64
    assert {k: entry[k] for k in ("journal_number", "date", "kind", "modified_by")} == {
        "journal_number": 1,
        "date": "2025-01-10",
        "kind": "manual",
        "modified_by": "jane@example.com",
    }
    assert entry["created_by"].startswith("key_")
    assert (entry["is_opening_balance"], entry["reverses_id"], entry["reversed_by_id"]) == (
        False,
        None,
        None,
    )
    assert entry["metadata"] == {"customer": "c_1", "seats": 3, "tags": ["a"]}
    assert [
        (ln["ledger_id"], ln["side"], ln["amount"], ln["debit"], ln["credit"], ln["tags"])
        for ln in entry["lines"]
    ] == [
        (ids["1200"], "debit", "119.00", "119.00", None, ["q1"]),
        (ids["4000"], "credit", "100.00", None, "100.00", []),
        (ids["3000"], "credit", "19.00", None, "19.00", []),
    ]
    assert admin.get(entries(book, f"/{entry['id']}")).json() == entry
    assert admin.get(f"/v1/books/{book['id']}/ledgers/{ids['1200']}").json()["balance"] == "119.00"


def test_json_numbers_are_exact(admin: httpx.Client, book: dict[str, Any]) -> None:
    body = (
        '{"date": "2025-01-10", "lines": ['
        '{"ledger_number": "1000", "debit": 0.10}, {"ledger_number": "1000", "debit": 0.20},'
        '{"ledger_number": "4000", "credit": 0.3}]}'
    )
    response = raw_post(admin, book, body)
    assert response.status_code == 201, response.text
    assert [ln["amount"] for ln in response.json()["lines"]] == ["0.10", "0.20", "0.30"]


BAD_AMOUNTS = [
    ('"1.005"', "INVALID_AMOUNT", "lines[0].debit"),
    ("1.005", "INVALID_AMOUNT", "lines[0].debit"),
    ('"1e3"', "INVALID_AMOUNT", "lines[0].debit"),
    ('"abc"', "INVALID_AMOUNT", "lines[0].debit"),
    ("1e30", "INVALID_AMOUNT", "lines[0].debit"),
    ("true", "INVALID_INPUT", "lines[0].debit"),
    ("{}", "INVALID_INPUT", "lines[0].debit"),
    ("null", "INVALID_INPUT", "lines[0]"),
]


def test_bad_amounts(admin: httpx.Client, book: dict[str, Any]) -> None:
    for debit, code, field in BAD_AMOUNTS:
        body = (
            f'{{"date": "2025-01-10", "lines": [{{"ledger_number": "1000", "debit": {debit}}},'
            '{"ledger_number": "4000", "credit": "1.00"}]}'
        )
        response = raw_post(admin, book, body)
        assert (response.status_code, response.json()["code"]) == (422, code), debit
        assert response.json()["data"]["field"] == field, debit
    assert admin.get(entries(book)).json()["data"] == []


def test_nan_is_malformed_json(admin: httpx.Client, book: dict[str, Any]) -> None:
    body = '{"date": "2025-01-10", "lines": [{"ledger_number": "1000", "debit": NaN}]}'
    response = raw_post(admin, book, body)
    assert (response.status_code, response.json()["code"]) == (400, "MALFORMED_JSON")


def test_rule_violations(admin: httpx.Client, book: dict[str, Any]) -> None:
    cases = [
        ("1000 D 10.00; 4000 C 9.99", "2025-01-10", 422, "UNBALANCED_ENTRY"),
        ("1000 D 10.00", "2025-01-10", 422, "INVALID_ENTRY"),
        ("1000 D 10.00; 4000 D 10.00", "2025-01-10", 422, "INVALID_ENTRY"),
        ("1000 D -5; 4000 C -5", "2025-01-10", 422, "INVALID_ENTRY"),
        ("1000 D 10; 9999 C 10", "2025-01-10", 422, "LEDGER_NOT_FOUND"),
        ("1000 D 10; 4000 C 10", "2024-12-31", 422, "BEFORE_ENTRIES_START"),
    ]
    for lines, on, status, code in cases:
        response = post_entry(admin, book["id"], lines, on=on)
        assert (response.status_code, response.json()["code"]) == (status, code), lines
    both = admin.post(
        entries(book),
        json={
            "date": "2025-01-10",
            "lines": [{"ledger_number": "1000", "debit": "1", "credit": "1"}],
        },
    )
    assert (both.status_code, both.json()["data"]["field"]) == (422, "lines[0]")
    floaty = post_entry(admin, book["id"], "1000 D 1; 4000 C 1", metadata={"rate": 0.5})
    assert (floaty.status_code, floaty.json()["code"]) == (422, "INVALID_INPUT")
    assert admin.get(entries(book)).json()["data"] == []
    assert post_entry(admin, "bk_missing", "1000 D 1; 4000 C 1").status_code == 404


def test_list_filters_and_pages(admin: httpx.Client, book: dict[str, Any]) -> None:
    ids = ledger_ids(admin, book["id"])
    made = [
        post_entry(admin, book["id"], lines, on=on).json()
        for lines, on in [
            ("1000 D 1; 4000 C 1", "2025-01-05"),
            ("1200 D 2; 4000 C 2", "2025-01-20"),
            ("6000 D 3; 1000 C 3", "2025-02-01"),
            ("1000 D 4; 4000 C 4", "2025-03-01"),
        ]
    ]

    def numbers(**params: Any) -> list[int]:
        page = admin.get(entries(book), params=params).json()
        return [entry["journal_number"] for entry in page["data"]]

    assert numbers() == [1, 2, 3, 4]
    assert numbers(ledger_id=ids["1000"]) == [1, 3, 4]
    assert numbers(**{"from": "2025-01-20", "to": "2025-02-28"}) == [2, 3]
    assert numbers(intent_id=made[1]["intent_id"]) == [2]
    first = admin.get(entries(book), params={"limit": 3}).json()
    rest = admin.get(entries(book), params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [e["journal_number"] for e in first["data"] + rest["data"]] == [1, 2, 3, 4]
    assert rest["next_cursor"] is None
    assert admin.get(entries(book, "/je_missing")).status_code == 404
    assert admin.get(entries(book), params={"from": "soon"}).status_code == 422


def test_reverse_entry(admin: httpx.Client, book: dict[str, Any]) -> None:
    ids = ledger_ids(admin, book["id"])
    original = post_entry(admin, book["id"], "1000 D 50.00; 4000 C 50.00").json()
    reversal = admin.post(
        entries(book, f"/{original['id']}/reverse"),
        json={"posting_mode": "original_period", "description": "typo"},
    )
    assert reversal.status_code == 201
    body = reversal.json()
    assert (body["kind"], body["date"], body["reverses_id"], body["description"]) == (
        "reversal",
        "2025-01-10",
        original["id"],
        "typo",
    )
    assert [(ln["ledger_id"], ln["side"], ln["amount"]) for ln in body["lines"]] == [
        (ids["1000"], "credit", "50.00"),
        (ids["4000"], "debit", "50.00"),
    ]
    assert admin.get(entries(book, f"/{original['id']}")).json()["reversed_by_id"] == body["id"]
    again = admin.post(entries(book, f"/{original['id']}/reverse"))
    assert (again.status_code, again.json()["code"]) == (409, "ALREADY_REVERSED")
    other = post_entry(admin, book["id"], "1000 D 5; 4000 C 5").json()
    dated = admin.post(entries(book, f"/{other['id']}/reverse"), json={"date": "2025-03-03"})
    assert dated.json()["date"] == "2025-03-03"
    third = post_entry(admin, book["id"], "1000 D 5; 4000 C 5").json()
    assert admin.post(entries(book, f"/{third['id']}/reverse")).status_code == 201
    conflicting = admin.post(
        entries(book, f"/{original['id']}/reverse"),
        json={"posting_mode": "original_period", "date": "2025-03-03"},
    )
    assert conflicting.status_code == 422
    assert admin.post(entries(book, "/je_missing/reverse")).status_code == 404
    assert admin.get(f"/v1/books/{book['id']}/ledgers/{ids['1000']}").json()["balance"] == "0.00"


def test_reverse_intent(admin: httpx.Client, book: dict[str, Any]) -> None:
    entry = post_entry(admin, book["id"], "1000 D 7.50; 4000 C 7.50").json()
    url = f"/v1/books/{book['id']}/intents/{entry['intent_id']}/reverse"
    response = admin.post(url, json={"posting_mode": "current_period", "date": "2025-02-01"})
    assert response.status_code == 201
    body = response.json()
    assert body["original_intent_id"] == entry["intent_id"]
    assert body["event_count"] == 1
    assert body["entries"][0]["intent_id"] == body["reversal_intent_id"]
    assert body["entries"][0]["date"] == "2025-02-01"
    again = admin.post(url, json={"reason": "again"})
    assert (again.status_code, again.json()["code"]) == (409, "ALREADY_REVERSED")
    missing = admin.post(f"/v1/books/{book['id']}/intents/int_missing/reverse")
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")


def test_unbalanced_entry_reports_totals_in_the_currency(
    admin: httpx.Client, book: dict[str, Any]
) -> None:
    response = post_entry(admin, book["id"], "1000 D 10.00; 4000 C 9.99")
    assert response.status_code == 422
    assert response.json()["code"] == "UNBALANCED_ENTRY"
    assert response.json()["data"] == {
        "total_debit": "10.00",
        "total_credit": "9.99",
        "difference": "0.01",
    }
