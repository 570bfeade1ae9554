"""Issue 13, item 7: `folio backup` and `folio restore` on both engines, verified after restore."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from folio.cli.main import app
from folio.service.facade import Folio
from folio.store.migrations.immutability import drop_triggers
from tests.builders import make_book, make_ledgers, post
from tests.databases import engine_for, fresh_database

runner = CliRunner()


def state(fo: Folio) -> list[tuple[str, int, list[int]]]:
    """Each book with its entries' journal numbers and the bank's balance: what must come back."""
    from folio.service.books import list_books

    found = []
    for book in fo.read(lambda uow: list_books(uow, limit=100)):
        entries = [entry.journal_number for entry in fo.entries(book.id, limit=500)]
        bank = fo.balance(book.id, fo.ledger_by_number(book.id, "1000").id).balance
        found.append((book.id, bank, entries))
    return found


def seeded(fo: Folio, entries: int = 3) -> str:
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    for index in range(entries):
        post(fo, book, f"1000 D {index + 1}.00; 4000 C {index + 1}.00")
    return book.id


def test_backup_then_restore_brings_the_books_back_and_verifies(
    db_url: str, fo: Folio, tmp_path: Path
) -> None:
    seeded(fo)
    before = state(fo)
    file = tmp_path / "folio.backup"
    made = runner.invoke(app, ["backup", str(file), "--database", db_url])
    assert made.exit_code == 0, made.output
    assert file.stat().st_size > 0 and "Backed up" in made.output
    again = runner.invoke(app, ["backup", str(file), "--database", db_url])
    assert again.exit_code == 1 and "exists" in again.output

    later = seeded(fo, entries=2)  # work done after the backup: the restore undoes it
    post(fo, fo.get_book(before[0][0]), "1000 D 99.00; 4000 C 99.00")
    assert state(fo) != before

    refused = runner.invoke(app, ["restore", str(file), "--database", db_url])
    assert refused.exit_code == 1 and "--yes" in refused.output
    assert later in {book for book, _, _ in state(fo)}  # nothing replaced without --yes

    restored = runner.invoke(app, ["restore", str(file), "--yes", "--database", db_url])
    assert restored.exit_code == 0, restored.output
    assert "1 books verified" in restored.output
    fo.engine.dispose()  # connections opened before the restore
    assert state(fo) == before


def test_restore_into_a_new_database(
    db_url: str, fo: Folio, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    seeded(fo)
    before = state(fo)
    file = tmp_path / "folio.backup"
    assert runner.invoke(app, ["backup", str(file), "--database", db_url]).exit_code == 0
    kind = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    with fresh_database(kind, request) as other:
        if kind == "sqlite":
            other = f"sqlite:///{tmp_path / 'new.db'}"  # a file that does not exist yet
        restored = runner.invoke(app, ["restore", str(file), "--database", other])
        assert restored.exit_code == 0, restored.output
        copy = Folio(engine_for(other), migrate=False)
        try:
            assert state(copy) == before
        finally:
            copy.engine.dispose()


def test_a_damaged_backup_changes_nothing(db_url: str, fo: Folio, tmp_path: Path) -> None:
    seeded(fo)
    before = state(fo)
    file = tmp_path / "folio.backup"
    assert runner.invoke(app, ["backup", str(file), "--database", db_url]).exit_code == 0
    data = bytearray(file.read_bytes())
    cut = tmp_path / "cut.backup"
    cut.write_bytes(bytes(data[: len(data) // 3]))
    failed = runner.invoke(app, ["restore", str(cut), "--yes", "--database", db_url])
    assert failed.exit_code == 1 and "RESTORE FAILED" in failed.output
    fo.engine.dispose()
    assert state(fo) == before


def test_restore_reports_a_book_that_fails_verify(
    db_url: str, fo: Folio, engine: Engine, tmp_path: Path
) -> None:
    book_id = seeded(fo)
    with engine.begin() as conn:  # a tampered database, backed up as it is
        drop_triggers(conn)
        conn.exec_driver_sql(
            f"UPDATE journal_lines SET amount = 500 WHERE book_id = '{book_id}' AND line_no = 1"
        )
    file = tmp_path / "folio.backup"
    assert runner.invoke(app, ["backup", str(file), "--database", db_url]).exit_code == 0
    restored = runner.invoke(app, ["restore", str(file), "--yes", "--database", db_url])
    assert restored.exit_code == 1
    assert "FAIL VERIFY" in restored.output and book_id in restored.output
