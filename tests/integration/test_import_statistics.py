"""A trial-balance import into a fresh database: owners exactly right on both engines, and on
PostgreSQL the statistics the foreign-key checks are planned on refreshed as the journal grows,
only for the tables whose plans need them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from folio.domain.ids import new_id
from folio.domain.opening_balances import OwnerSource, SetRow
from folio.service import opening_balances, posting
from folio.service.facade import Folio
from folio.service.runner import SYSTEM
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork
from tests.builders import make_book

pytestmark = pytest.mark.fresh_database  # statistics of a fresh database

DAY = date(2025, 1, 1)


def _ledgers(fo: Folio, book_id: str, count: int) -> list[str]:
    """`count` balance-sheet ledgers (half assets, half liabilities) in one write; their ids."""
    ids = [new_id("ldg") for _ in range(count)]

    def insert(uow: UnitOfWork) -> None:
        uow.ledgers.insert_many(
            [
                {
                    "book_id": book_id, "ledger_id": ledger_id, "number": str(100_000 + i),
                    "name": f"Account {i}", "type": "asset" if i % 2 == 0 else "liability",
                    "subtype": "current_asset" if i % 2 == 0 else "current_liability",
                    "normal_balance": "debit" if i % 2 == 0 else "credit", "role": None,
                    "archived": False, "debits_posted": 0, "credits_posted": 0,
                }
                for i, ledger_id in enumerate(ids)
            ],
            at=utcnow(),
        )  # fmt: skip

    fo.write(insert)
    return ids


def _rows(count: int) -> list[SetRow]:
    """Pairs of an asset debit and a liability credit of the same amount, by number."""
    return [
        SetRow(i, 100 + i // 2 if i % 2 == 0 else 0, 0 if i % 2 == 0 else 100 + i // 2,
               ledger_number=str(100_000 + i))
        for i in range(count)
    ]  # fmt: skip


def test_an_import_of_several_chunks_owns_exactly_its_ledgers(
    fo: Folio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opening_balances, "CHUNK", 7)
    monkeypatch.setattr(posting, "CHUNK", 7)
    book = make_book(fo)
    ids = _ledgers(fo, book.id, 30)
    before = fo.write(lambda uow: uow.openings.every(book.id))
    result = fo.book_opening_balances(book.id, DAY, _rows(30))
    entries = {e.journal_number: e for e in fo.entries(book.id, intent_id=result.intent_id)}
    owners = fo.write(lambda uow: uow.openings.every(book.id))
    new = [o for o in owners if o not in before]
    # row i is entry number first + i, which owns ledger i and nothing else (not the offset)
    first = min(entries)
    assert sorted((o.entry_id, o.ledger_id) for o in new) == sorted(
        (entries[first + i].id, ids[i]) for i in range(30)
    )
    assert {(o.intent_id, o.source, o.released_by) for o in new} == {
        (result.intent_id, OwnerSource.SET, None)
    }
    assert len(fo.write(lambda uow: uow.openings.live(book.id))) == len(before) + 30


# ------------------------------------------------------------------------- PostgreSQL only


# Planner statistics, ANALYZE and fillfactor are PostgreSQL's.
POSTGRES = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


def _import_counting(fo: Folio, book_id: str, rows: list[SetRow]) -> dict[str, Any]:
    """Book `rows` and, in the same transaction, read how often each index of the journal was
    scanned by it and the planner's statistics then (pg_class, as ANALYZE left it)."""

    def run(uow: UnitOfWork) -> dict[str, Any]:
        opening_balances.book_opening_set(uow, book_id, DAY, rows, SYSTEM)
        scans = uow.conn.execute(
            text(
                "SELECT c.relname, pg_stat_get_xact_numscans(c.oid) FROM pg_class c "
                "WHERE c.relname IN ('journal_entries_pkey', 'ix_entries_book_intent', "
                "'ix_entries_book_date', 'uq_entries_book_number')"
            )
        ).all()
        uow.conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        stats = uow.conn.execute(
            text(
                "SELECT relname, relpages, reltuples, pg_stat_get_analyze_count(oid) "
                "FROM pg_class WHERE relname IN ('journal_entries', 'journal_lines', 'ledgers', "
                "'ledger_daily_totals', 'ledger_monthly_totals')"
            )
        ).all()
        updates = uow.conn.execute(
            text(
                "SELECT pg_stat_get_xact_tuples_updated(oid), "
                "pg_stat_get_xact_tuples_hot_updated(oid) FROM pg_class WHERE relname = 'ledgers'"
            )
        ).one()
        return {
            "scans": dict(scans),
            "stats": {r[0]: (r[1], r[2]) for r in stats},
            # ANALYZEs run by a statement (autovacuum's are counted apart), ever
            "analyzed": {r[0]: r[3] for r in stats},
            "ledger_updates": tuple(updates),
        }

    return fo.write(run)


@POSTGRES
def test_a_fresh_database_checks_each_line_by_the_entries_primary_key(fo: Folio) -> None:
    """The lines' foreign-key check against their entries, planned when the journal was empty,
    is planned again on fresh statistics: it looks each entry up by the primary key instead of
    scanning the book's entries by `ix_entries_book_intent` (quadratic)."""
    book = make_book(fo)
    _ledgers(fo, book.id, 4000)
    seen = _import_counting(fo, book.id, _rows(4000))
    # two lines and one owner per row check their entry; the intent index is read a few
    # times (the set's own reads), never once per line
    assert seen["scans"]["journal_entries_pkey"] >= 3 * 4000 - 1000
    assert seen["scans"]["ix_entries_book_intent"] < 100
    assert seen["stats"]["journal_entries"][1] >= 3000


@POSTGRES
def test_only_the_tables_whose_plans_need_it_are_analyzed(fo: Folio) -> None:
    """The journal's entries (their lines' checks) and the ledgers (read by id per chunk, and
    checked per line) are analyzed when stale; the lines and the period totals, which no
    statement of an import is planned on, are left to autovacuum after the commit."""
    book = make_book(fo)
    _ledgers(fo, book.id, 4000)
    seen = _import_counting(fo, book.id, _rows(4000))
    assert seen["stats"]["ledgers"][1] >= 4000
    assert seen["analyzed"] == {
        "journal_entries": 2,  # at 1,000 and 3,000 entries (chunks): more than twice the pages
        "ledgers": 1,
        "journal_lines": 0,
        "ledger_daily_totals": 0,
        "ledger_monthly_totals": 0,
    }


@POSTGRES
def test_a_journal_with_current_statistics_is_not_analyzed_again(fo: Folio) -> None:
    book = make_book(fo)
    _ledgers(fo, book.id, 3000)
    first = _import_counting(fo, book.id, _rows(1500))["analyzed"]
    assert first["journal_entries"] >= 1 and first["ledgers"] == 1
    other = make_book(fo)
    _ledgers(fo, other.id, 500)
    assert _import_counting(fo, other.id, _rows(500))["analyzed"] == first


@POSTGRES
def test_the_ledgers_are_made_with_half_of_each_page_free(fo: Folio) -> None:
    with fo.engine.connect() as conn:
        options = conn.execute(text("SELECT reloptions FROM pg_class WHERE relname = 'ledgers'"))
        assert options.scalar_one() == ["fillfactor=50"]


@POSTGRES
def test_an_import_adds_to_its_ledgers_totals_in_place(fo: Folio) -> None:
    """Each ledger's new totals go on its own page (a HOT update: no index entries), however
    full the chart's insert left the pages."""
    book = make_book(fo)
    _ledgers(fo, book.id, 3000)
    updated, hot = _import_counting(fo, book.id, _rows(3000))["ledger_updates"]
    assert updated >= 3000
    assert hot >= 0.95 * updated
