"""Scopes and book binding, exactly as the API: 404 for another book, no write forms without
the write scope, and a forged POST refused on the server."""

from __future__ import annotations

import re

from fastapi import FastAPI
from sqlalchemy import Engine

from folio.service import journal, periods, runner
from folio.service.opening_state import book_openings
from folio.store.uow import UnitOfWork
from tests.api.conftest import make_key
from tests.web.conftest import SEED_002, Ui

PAGES = (
    "/ledgers",
    "/opening-balances",
    "/opening-balances?mode=upload",
    "/opening-balances?mode=ledger",
    "/journal",
    "/reports",
    "/reports?report=balance-sheet",
    "/reports?report=income-statement",
    "/reports/trial-balance.csv",
    "/periods",
    "/years",
    "/parties",
    "/datev",
)
READ_SCOPES = "books:read ledgers:read journal:read periods:read reports:read"
_POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]+)"')


def grid_data(
    ui: Ui, book_id: str, rows: list[tuple[str, str, str]], day: str
) -> dict[str, object]:
    ledger_ids = ledger_numbers(ui, book_id)
    return {
        "date": day,
        "source": "grid",
        "ledger": [ledger_ids[number] for number, _, _ in rows],
        "line": [str(i + 1) for i in range(len(rows))],
        "debit": [debit for _, debit, _ in rows],
        "credit": [credit for _, _, credit in rows],
    }


def ledger_numbers(ui: Ui, book_id: str) -> dict[str, str]:
    page = ui.get(f"/ui/books/{book_id}/ledgers").text
    found = re.findall(r'<tr id="(ldg_\w+)"[^>]*data-number="(\d*)"', page)
    return {number: ledger_id for ledger_id, number in found}


def populated(ui: Ui) -> str:
    book_id = ui.create_book()
    response = ui.post(
        f"/ui/books/{book_id}/opening-balances/set", grid_data(ui, book_id, SEED_002, "2025-01-01")
    )
    assert response.status_code == 303, response.text
    return book_id


def write_urls(book_id: str, ledger_id: str, entry_id: str, intent_id: str) -> list[str]:
    base = f"/ui/books/{book_id}"
    return [
        f"{base}/ledgers",
        f"{base}/ledgers/{ledger_id}/rename",
        f"{base}/ledgers/{ledger_id}/archive",
        f"{base}/opening-balances/set",
        f"{base}/opening-balances/upload",
        f"{base}/opening-balances/ledger/{ledger_id}",
        f"{base}/opening-balances/reverse",
        f"{base}/journal",
        f"{base}/journal/{entry_id}/reverse",
        f"{base}/periods/2025-01/soft-lock",
    ]


def _ids(engine: Engine, book_id: str) -> tuple[str, str, str]:
    entries = runner.read(
        UnitOfWork(engine, write=False), lambda uow: journal.list_entries(uow, book_id)
    )
    entry = entries[0]
    return entry.lines[0].ledger_id, entry.id, entry.intent_id


def _snapshot(engine: Engine, book_id: str) -> object:
    def read(uow: UnitOfWork) -> object:
        openings = book_openings(uow, book_id).rows
        return (
            [e.id for e in journal.list_entries(uow, book_id, limit=1000)],
            [(r.ledger.id, r.debit, r.credit) for r in openings],
            [(p.period, p.status) for p in periods.list_periods(uow, book_id)],
        )

    return runner.read(UnitOfWork(engine, write=False), read)


def test_a_key_bound_to_one_book_sees_only_that_book(app: FastAPI, engine: Engine, ui: Ui) -> None:
    mine = ui.create_book(name="Mine GmbH")
    theirs = populated(ui)
    ledger_id, entry_id, intent_id = _ids(engine, theirs)
    before = _snapshot(engine, theirs)
    bound = Ui(app)
    bound.sign_in(make_key(engine, "admin", mine))
    listing = bound.get("/ui/books")
    assert "Mine GmbH" in listing.text and theirs not in listing.text
    assert 'id="new-book"' not in listing.text  # a bound key cannot create books
    for page in PAGES:
        assert bound.get(f"/ui/books/{mine}{page}").status_code == 200, page
        response = bound.get(f"/ui/books/{theirs}{page}")
        assert response.status_code == 404, page
        assert "Muster GmbH" not in response.text
    assert bound.get(f"/ui/books/{mine}").status_code == 303
    assert bound.get(f"/ui/books/{theirs}").status_code == 404
    for url in write_urls(theirs, ledger_id, entry_id, intent_id):
        response = bound.post(url, {"intent_id": intent_id, "name": "x", "amount": "1"})
        assert response.status_code == 404, url
    assert _snapshot(engine, theirs) == before


def test_a_read_only_key_sees_no_forms_that_write(app: FastAPI, engine: Engine, ui: Ui) -> None:
    book_id = populated(ui)
    ledger_id, entry_id, intent_id = _ids(engine, book_id)
    before = _snapshot(engine, book_id)
    reader = Ui(app)
    reader.sign_in(make_key(engine, READ_SCOPES))
    for page in ("/ui/books", *(f"/ui/books/{book_id}{p}" for p in PAGES if ".csv" not in p)):
        response = reader.get(page)
        assert response.status_code == 200, page
        assert _POST_FORM.findall(response.text) == ["/ui/sign-out"], page
    for url in write_urls(book_id, ledger_id, entry_id, intent_id):
        forged = reader.post(url, {"intent_id": intent_id, "name": "x", "amount": "1"})
        assert forged.status_code == 403, url
        assert "lacks the" in forged.text
    assert reader.post("/ui/books", {"name": "x", "currency": "EUR"}).status_code == 403
    assert _snapshot(engine, book_id) == before


def test_each_tab_needs_its_read_scope(app: FastAPI, engine: Engine, ui: Ui) -> None:
    book_id = ui.create_book()
    journal_only = Ui(app)
    journal_only.sign_in(make_key(engine, "journal:read", book_id))
    # Without books:read the book list sends a bound key to its book.
    assert journal_only.get("/ui/books").headers["location"] == f"/ui/books/{book_id}"
    page = journal_only.get(f"/ui/books/{book_id}/journal")
    assert page.status_code == 200
    assert ">Reports<" not in page.text and ">Journal<" in page.text
    refused = journal_only.get(f"/ui/books/{book_id}/reports")
    assert refused.status_code == 403 and "reports:read" in refused.text
