"""Batches over HTTP: many entries (atomic or each on its own) and many ledgers' opening
balances in one request, one Idempotency-Key for the batch; the same through Teal's endpoint,
the library and the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from folio.cli.main import app as cli
from folio.domain.errors import BatchRejected, PeriodLocked
from folio.domain.ledgers import Side
from folio.domain.periods import PeriodAction
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.opening_state import LedgerOpening
from tests.api.conftest import ledger_ids
from tests.builders import START, make_book, make_ledgers
from tests.compat.asset_teal_fixtures import *  # noqa: F403 - the fixtures
from tests.compat.asset_teal_fixtures import TEAL, ledger_by_code, teal_ledgers


def batch_url(book: dict[str, Any]) -> str:
    return f"/v1/books/{book['id']}/journal-entries/batch"


def entry(debit: str, credit: str, amount: str, on: str = "2025-01-10") -> dict[str, Any]:
    return {
        "date": on,
        "lines": [
            {"ledger_number": debit, "debit": amount},
            {"ledger_number": credit, "credit": amount},
        ],
    }


def balance(admin: httpx.Client, book: dict[str, Any], number: str) -> dict[str, Any]:
    ledger = ledger_ids(admin, book["id"])[number]
    found: dict[str, Any] = admin.get(f"/v1/books/{book['id']}/ledgers/{ledger}").json()
    return found


def journal_numbers(admin: httpx.Client, book: dict[str, Any]) -> list[int]:
    found = admin.get(f"/v1/books/{book['id']}/journal-entries", params={"limit": 500})
    return [item["journal_number"] for item in found.json()["data"]]


def test_an_atomic_batch_books_every_entry_each_its_own_posting(
    admin: httpx.Client, book: dict[str, Any]
) -> None:
    body = {"entries": [entry("1000", "4000", f"{n}.00") for n in range(1, 301)]}
    response = admin.post(batch_url(book), json=body)
    assert response.status_code == 201, response.text
    result = response.json()
    assert (result["atomic"], result["succeeded"], result["failed"]) == (True, 300, 0)
    assert [item["index"] for item in result["results"]] == list(range(300))
    assert all(set(item) == {"index", "id"} for item in result["results"])
    listed = admin.get(f"/v1/books/{book['id']}/journal-entries", params={"limit": 500}).json()
    assert [e["id"] for e in listed["data"]] == [item["id"] for item in result["results"]]
    assert [e["journal_number"] for e in listed["data"]] == list(range(1, 301))
    assert len({e["intent_id"] for e in listed["data"]}) == 300  # each a posting of its own
    assert balance(admin, book, "1000")["debits_posted"] == f"{sum(range(1, 301))}.00"
    assert admin.get(f"/v1/books/{book['id']}/verify").json()["ok"] is True


def test_an_atomic_batch_with_problems_books_nothing_and_lists_every_one(
    admin: httpx.Client, book: dict[str, Any]
) -> None:
    entries = [entry("1000", "4000", "1.00") for _ in range(6)]
    entries[1]["lines"][1]["credit"] = "0.99"  # unbalanced
    entries[3]["lines"][0]["ledger_number"] = "9999"  # no such ledger
    entries[4]["date"] = "2024-12-31"  # before the entries start
    entries[5]["lines"][0]["debit"] = "1.001"  # more decimals than EUR has
    response = admin.post(batch_url(book), json={"atomic": True, "entries": entries})
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "BATCH_REJECTED"
    assert [(p["index"], p["code"]) for p in error["data"]["errors"]] == [
        (1, "UNBALANCED_ENTRY"),
        (3, "LEDGER_NOT_FOUND"),
        (4, "BEFORE_ENTRIES_START"),
        (5, "INVALID_AMOUNT"),
    ]
    fields = {p["index"]: p["field"] for p in error["data"]["errors"]}
    assert fields[3] == "entries[3].lines[0].ledger_number"
    assert fields[4] == "entries[4].date"
    assert fields[5] == "entries[5].lines[0].debit"
    assert journal_numbers(admin, book) == []
    assert balance(admin, book, "1000")["debits_posted"] == "0.00"


def test_a_non_atomic_batch_books_what_passes_and_reports_the_rest_in_order(
    admin: httpx.Client, book: dict[str, Any]
) -> None:
    entries = [entry("1000", "4000", f"{n}.00") for n in range(1, 6)]
    entries[2]["lines"][1]["credit"] = "2.00"  # unbalanced
    locked = admin.post(f"/v1/books/{book['id']}/periods/2025-02/lock")
    assert locked.status_code == 200, locked.text
    entries[4]["date"] = "2025-02-03"  # a locked period
    response = admin.post(batch_url(book), json={"atomic": False, "entries": entries})
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["succeeded"], result["failed"]) == (3, 2)
    kinds = [("id" in item, item.get("error", {}).get("code")) for item in result["results"]]
    assert kinds == [
        (True, None),
        (True, None),
        (False, "UNBALANCED_ENTRY"),
        (True, None),
        (False, "PERIOD_LOCKED"),
    ]
    assert [item["index"] for item in result["results"]] == [0, 1, 2, 3, 4]
    assert journal_numbers(admin, book) == [1, 2, 3]
    assert balance(admin, book, "1000")["debits_posted"] == "7.00"  # 1 + 2 + 4
    assert admin.get(f"/v1/books/{book['id']}/verify").json()["ok"] is True


def test_a_batch_naming_ledgers_by_id_books_as_one_naming_them_by_number(
    admin: httpx.Client, book: dict[str, Any]
) -> None:
    """Entries whose lines name their ledgers by id are read before the write (the route's
    `journal_batches.drafted`); refusals still come from the write, in place."""
    ids = ledger_ids(admin, book["id"])

    def by_id(debit: str, credit: str, amount: str, on: str = "2025-01-10") -> dict[str, Any]:
        made = entry(debit, credit, amount, on)
        for line in made["lines"]:
            line["ledger_id"] = ids.get(line.pop("ledger_number"), "ldg_1111111111111111111111")
        return made

    entries = [
        by_id("1000", "4000", "1.00"),
        entry("1000", "4000", "2.00"),
        by_id("9999", "4000", "3.00"),  # no such ledger
        by_id("1000", "4000", "4.00", on="2024-12-31"),  # before the entries start
        by_id("4000", "1000", "0.50"),
    ]
    response = admin.post(batch_url(book), json={"atomic": False, "entries": entries})
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["succeeded"], result["failed"]) == (3, 2)
    refused = [(item["index"], item["error"]["code"], item["error"]["field"])
               for item in result["results"] if "error" in item]  # fmt: skip
    assert refused == [
        (2, "LEDGER_NOT_FOUND", "entries[2].lines[0].ledger_id"),
        (3, "BEFORE_ENTRIES_START", "entries[3].date"),
    ]
    assert journal_numbers(admin, book) == [1, 2, 3]
    assert balance(admin, book, "1000")["debits_posted"] == "3.00"
    assert balance(admin, book, "1000")["credits_posted"] == "0.50"
    assert balance(admin, book, "4000")["credits_posted"] == "3.00"
    assert admin.get(f"/v1/books/{book['id']}/verify").json()["ok"] is True


def test_one_idempotency_key_covers_the_batch(admin: httpx.Client, book: dict[str, Any]) -> None:
    body = {"atomic": False, "entries": [entry("1000", "4000", "5.00") for _ in range(3)]}
    headers = {"Idempotency-Key": "batch-1"}
    first = admin.post(batch_url(book), json=body, headers=headers)
    again = admin.post(batch_url(book), json=body, headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json() and again.headers["Idempotency-Replayed"] == "true"
    assert journal_numbers(admin, book) == [1, 2, 3]
    other = admin.post(batch_url(book), json={**body, "atomic": True}, headers=headers)
    assert other.status_code == 409 and other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


@pytest.mark.parametrize("count", [0, 1001])
def test_a_batch_holds_1_to_1000_entries(
    admin: httpx.Client, book: dict[str, Any], count: int
) -> None:
    body = {"entries": [entry("1000", "4000", "1.00")] * count}
    response = admin.post(batch_url(book), json=body)
    assert response.status_code == 422 and response.json()["code"] == "INVALID_INPUT"
    assert journal_numbers(admin, book) == []


def test_a_batch_needs_journal_write(app: Any, engine: Engine, book: dict[str, Any]) -> None:
    from tests.api.conftest import client_for, make_key

    with client_for(app, make_key(engine, "journal:read")) as reader:
        response = reader.post(batch_url(book), json={"entries": [entry("1000", "4000", "1")]})
    assert response.status_code == 403 and response.json()["code"] == "INSUFFICIENT_SCOPE"


# ----------------------------------------------------------------------------- opening balances


def openings_url(book: dict[str, Any]) -> str:
    return f"/v1/books/{book['id']}/ledgers/opening-balances"


def test_many_ledgers_opening_balances_each_replaced_with_a_result_each(
    admin: httpx.Client, book: dict[str, Any]
) -> None:
    ids = ledger_ids(admin, book["id"])
    first = admin.post(
        openings_url(book),
        json={"balances": [{"ledger_id": ids["1000"], "balance": "100.00"},
                           {"ledger_id": ids["3000"], "balance": "40.00"}]},
    )  # fmt: skip
    assert first.status_code == 200, first.text
    assert (first.json()["succeeded"], first.json()["failed"]) == (2, 0)
    response = admin.post(
        openings_url(book),
        json={
            "balances": [
                {"ledger_id": ids["1000"], "balance": "250.00"},  # replaces 100.00
                {"ledger_id": ids["4000"], "balance": "5.00"},  # revenue: refused
                {"ledger_id": ids["3000"], "balance": "40.00"},  # unchanged
                {"ledger_id": "ldg_nope", "balance": "1.00"},
                {"ledger_id": ids["1200"], "balance": "0.001"},  # too many decimals
                {"ledger_id": ids["1200"] + "x", "balance": "0"},
            ]
        },
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["succeeded"], result["failed"]) == (2, 4)
    results = result["results"]
    assert [r["index"] for r in results] == list(range(6))
    assert (results[0]["balance"], results[0]["changed"], len(results[0]["posted"])) == (
        "250.00",
        True,
        2,  # the reversal of 100.00 and the new entry
    )
    assert (results[2]["balance"], results[2]["changed"], results[2]["posted"]) == (
        "40.00",
        False,
        [],
    )
    assert [r.get("error", {}).get("code") for r in results] == [
        None,
        "ACCOUNT_TYPE_NOT_ALLOWED",
        None,
        "NOT_FOUND",
        "INVALID_AMOUNT",
        "NOT_FOUND",
    ]
    bank = admin.get(f"/v1/books/{book['id']}/ledgers/{ids['1000']}/opening-balance").json()
    assert bank["amount"] == "250.00"
    payables = admin.get(f"/v1/books/{book['id']}/ledgers/{ids['3000']}/opening-balance").json()
    assert payables["amount"] == "40.00"
    assert admin.get(f"/v1/books/{book['id']}/verify").json()["ok"] is True


def test_a_ledger_twice_in_one_call_is_refused_whole(
    admin: httpx.Client, book: dict[str, Any]
) -> None:
    ids = ledger_ids(admin, book["id"])
    response = admin.post(
        openings_url(book),
        json={"balances": [{"ledger_id": ids["1000"], "balance": "1.00"},
                           {"ledger_id": ids["1000"], "balance": "2.00"}]},
    )  # fmt: skip
    assert response.status_code == 422, response.text
    assert response.json()["data"]["field"] == "balances[1].ledger_id"
    bank = admin.get(f"/v1/books/{book['id']}/ledgers/{ids['1000']}/opening-balance").json()
    assert bank["amount"] == "0.00"


def test_at_most_100_ledgers_per_call(admin: httpx.Client, book: dict[str, Any]) -> None:
    items = [{"ledger_id": f"ldg_{n}", "balance": "1"} for n in range(101)]
    response = admin.post(openings_url(book), json={"balances": items})
    assert response.status_code == 422 and response.json()["code"] == "INVALID_INPUT"


def test_teal_sets_many_opening_balances_in_mercurys_shape(
    teal: httpx.Client, instance: dict[str, Any]
) -> None:
    ledgers = teal_ledgers(teal, instance["id"])
    cash, revenue = ledger_by_code(ledgers, "1010"), ledger_by_code(ledgers, "4000")
    response = teal.post(
        f"{TEAL}/v0/ledgers/opening-balances",
        json={"balances": [{"ledger_id": cash["id"], "balance": 123},
                           {"ledger_id": revenue["id"], "balance": "10.00"}]},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["succeeded_count"], result["failed_count"]) == (1, 1)
    assert result["results"][0] == {"ledger_id": cash["id"], "success": True, "error": None}
    assert result["results"][1]["success"] is False
    assert result["results"][1]["error"]["code"] == "ACCOUNT_TYPE_NOT_ALLOWED"
    view = teal.get(f"{TEAL}/v0/ledgers/opening-balance", params={"expand": "line_entries"})
    [line] = [ln for ln in view.json()["line_entries"] if ln["ledger_id"] == cash["id"]]
    assert (line["debit_credit"], line["amount"]) == ("debit", 123)


# ----------------------------------------------------------------------------- library and CLI


def _fo_book(fo: Folio) -> tuple[str, dict[str, str]]:
    book = make_book(fo)
    made = make_ledgers(fo, book, "1000 asset Bank; 3000 liability Loan; 4000 revenue Sales")
    return book.id, {number: ledger.id for number, ledger in made.items()}


def test_the_library_posts_batches_and_sets_many_openings(fo: Folio) -> None:
    book_id, ids = _fo_book(fo)

    def command(amount: int, credit: int | None = None, on: date = START) -> EntryCreate:
        return EntryCreate(
            on,
            [
                LineInput(Side.DEBIT, amount, ledger_id=ids["1000"]),
                LineInput(Side.CREDIT, credit or amount, ledger_id=ids["4000"]),
            ],
        )

    with pytest.raises(BatchRejected) as refused:
        fo.post_entries(book_id, [command(1), command(2, credit=3)])
    assert [p["index"] for p in refused.value.data["errors"]] == [1]
    result = fo.post_entries(book_id, [command(1), command(2, credit=3), command(4)], atomic=False)
    assert (result.succeeded, result.failed) == (2, 1)
    assert fo.ledger(book_id, ids["1000"]).debits_posted == 5
    fo.change_period(book_id, "2025-03", PeriodAction.LOCK)
    locked = fo.post_entries(book_id, [command(1, on=date(2025, 3, 5)), command(1)], atomic=False)
    assert isinstance(locked.outcomes[0], PeriodLocked) and locked.succeeded == 1
    outcomes = fo.set_opening_balances(book_id, {ids["1000"]: 700, ids["3000"]: 300})
    assert [o.amount for o in outcomes if not isinstance(o, Exception)] == [700, 300]
    assert fo.opening_balance(book_id, ids["3000"]).amount == 300
    # Both replaced in one call: each reverses its own live entry, read once for the call.
    before = [o for o in outcomes if isinstance(o, LedgerOpening)]
    again = [
        o
        for o in fo.set_opening_balances(book_id, {ids["3000"]: 30, ids["1000"]: 0})
        if isinstance(o, LedgerOpening)
    ]
    assert [(o.amount, len(o.posted), o.live_entry_id) for o in again] == [
        (30, 2, again[0].posted[1].id),
        (0, 1, None),
    ]
    assert [o.posted[0].reverses_id for o in again] == [
        before[1].live_entry_id,
        before[0].live_entry_id,
    ]
    assert fo.opening_balance(book_id, ids["1000"]).amount == 0
    assert fo.opening_balance(book_id, ids["3000"]).amount == 30
    assert fo.verify(book_id).ok


def test_a_batch_refuses_exactly_the_entries_that_would_overflow_a_ledger(fo: Folio) -> None:
    """Near the 64-bit limit the batch is checked entry by entry: the entries before count
    towards a ledger's totals, so the tenth entry of 10^18 - 1 minor units overflows."""
    book_id, ids = _fo_book(fo)
    largest = 10**18 - 1
    commands = [
        EntryCreate(
            START,
            [
                LineInput(Side.DEBIT, largest, ledger_id=ids["1000"]),
                LineInput(Side.CREDIT, largest, ledger_id=ids["4000" if n % 2 else "3000"]),
            ],
        )
        for n in range(11)
    ]
    result = fo.post_entries(book_id, commands, atomic=False)
    refused = [i for i, o in enumerate(result.outcomes) if isinstance(o, Exception)]
    assert refused == [9, 10]
    assert [o.code for o in result.outcomes if isinstance(o, Exception)] == ["AMOUNT_OVERFLOW"] * 2
    assert fo.ledger(book_id, ids["1000"]).debits_posted == 9 * largest
    assert fo.ledger(book_id, ids["3000"]).credits_posted == 5 * largest
    with pytest.raises(BatchRejected) as whole:
        fo.post_entries(book_id, commands[:1])
    assert [p["index"] for p in whole.value.data["errors"]] == [0]
    assert fo.verify(book_id).ok


def test_the_cli_posts_a_batch_file_and_sets_many_openings(
    fo: Folio, db_url: str, tmp_path: Path
) -> None:
    book_id, ids = _fo_book(fo)
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps({"atomic": False, "entries": [
        entry("1000", "4000", "3.00", on="2025-01-02"),
        entry("1000", "9999", "3.00", on="2025-01-02"),
    ]}))  # fmt: skip
    runner = CliRunner()
    posted = runner.invoke(cli, ["journal", "post-batch", book_id, str(batch), "-d", db_url])
    assert posted.exit_code == 1, posted.output  # one refused
    assert "1 booked, 1 refused." in posted.output and "LEDGER_NOT_FOUND" in posted.output
    assert fo.ledger(book_id, ids["1000"]).debits_posted == 300
    openings = tmp_path / "openings.json"
    openings.write_text(json.dumps({"balances": [{"ledger_id": ids["3000"], "balance": "12.34"}]}))
    done = runner.invoke(
        cli, ["opening-balances", "set-many", book_id, str(openings), "-d", db_url]
    )
    assert done.exit_code == 0, done.output
    assert "1 set, 0 refused." in done.output
    assert fo.opening_balance(book_id, ids["3000"]).amount == 1234


def test_the_cli_reads_a_batch_file_as_the_endpoint_reads_a_body(
    fo: Folio, db_url: str, tmp_path: Path
) -> None:
    """Numbers exact (a JSON number with a fraction is a Decimal, never a float) and text that
    Folio does not store refused by where it stands, before anything is booked."""
    book_id, ids = _fo_book(fo)
    exact = entry("1000", "4000", "0", on="2025-01-02")
    exact["lines"][0]["debit"] = exact["lines"][1]["credit"] = "__AMOUNT__"
    batch = tmp_path / "batch.json"
    batch.write_text(
        json.dumps({"entries": [exact]}).replace('"__AMOUNT__"', "90071992547409.93")
    )  # as a float, 90071992547409.94: a cent off
    runner = CliRunner()
    posted = runner.invoke(cli, ["journal", "post-batch", book_id, str(batch), "-d", db_url])
    assert posted.exit_code == 0, posted.output
    assert fo.ledger(book_id, ids["1000"]).debits_posted == 9007199254740993
    bad = entry("1000", "4000", "1.00", on="2025-01-02")
    bad["metadata"] = {"k": "SURROGATE"}
    batch.write_text(json.dumps({"entries": [bad]}).replace("SURROGATE", "\\udfff"))
    refused = runner.invoke(cli, ["journal", "post-batch", book_id, str(batch), "-d", db_url])
    assert refused.exit_code != 0
    assert "entries[0].metadata.k" in refused.output and "surrogate" in refused.output
    assert fo.ledger(book_id, ids["1000"]).debits_posted == 9007199254740993


def test_each_result_of_a_non_atomic_batch_has_exactly_its_shape(
    admin: httpx.Client, book: dict[str, Any]
) -> None:
    """A booked entry answers `{index, id}`, a refused one `{index, error}` with the error's
    code, message and field: the response reads each result as the model it matches."""
    entries = [entry("1000", "4000", "1.00"), entry("1000", "4000", "2.00")]
    entries[1]["lines"][1]["credit"] = "3.00"  # unbalanced
    response = admin.post(batch_url(book), json={"atomic": False, "entries": entries})
    assert response.status_code == 200, response.text
    booked, refused = response.json()["results"]
    assert set(booked) == {"index", "id"} and booked["index"] == 0
    assert booked["id"].startswith("je_")
    assert refused == {
        "index": 1,
        "error": {
            "code": "UNBALANCED_ENTRY",
            "message": "Debits (2.00) must equal credits (3.00).",
            "field": "entries[1]",
        },
    }
