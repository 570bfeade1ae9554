"""`folio backup FILE` and `folio restore FILE`: the whole database, either engine.

A restore replaces everything in the target database, then migrates it to this version's
schema and verifies every book (hash chain, numbering, running and period totals); it exits 1
if any book fails. docs/operations.md has the procedures.
"""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.exc import DBAPIError

from folio.cli.common import DatabaseOption, console, err_console, open_folio
from folio.domain.books import Book
from folio.service.books import list_books
from folio.service.facade import Folio
from folio.store import backup as store_backup
from folio.store.database import database_url

_PAGE = 500


def backup(
    file: Path = typer.Argument(..., dir_okay=False, help="The backup to write (a new file)."),
    database: str = DatabaseOption,
) -> None:
    """Back up the whole database while it serves (SQLite online backup; pg_dump)."""
    url = database or database_url()
    try:
        done = store_backup.backup(url, file)
    except store_backup.BackupError as exc:
        err_console.print(f"[bold red]BACKUP FAILED[/]: {exc}")
        raise typer.Exit(1) from None
    console.print(f"Backed up to {done.path} ({done.size:,} bytes)")


def restore(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A `folio backup` file."),
    yes: bool = typer.Option(
        False, "--yes", help="Replace a database that already holds books without asking."
    ),
    database: str = DatabaseOption,
) -> None:
    """Replace the database with a backup, migrate it, and verify every book."""
    url = database or database_url()
    if not yes and _holds_books(url):
        err_console.print(
            "The database holds books; everything in it would be replaced. Stop the servers "
            "that use it, then run again with --yes."
        )
        raise typer.Exit(1)
    try:
        store_backup.restore(file, url)
    except store_backup.BackupError as exc:
        err_console.print(f"[bold red]RESTORE FAILED[/]: {exc}")
        raise typer.Exit(1) from None
    fo = open_folio(url)  # migrates a backup from an older version
    try:
        checked, broken = verify_all(fo)
    finally:
        fo.engine.dispose()
    if broken:
        err_console.print(f"[bold red]RESTORED, BUT {len(broken)} BOOKS FAIL VERIFY[/]:")
        for book_id, problem in broken:
            err_console.print(f"  {book_id}: {problem}")
        raise typer.Exit(1)
    console.print(f"Restored from {file}; {checked} books verified: hash chains and totals agree")


def _holds_books(url: str) -> bool:
    fo = Folio(url, migrate=False)
    try:
        return bool(fo.read(lambda uow: list_books(uow, limit=1)))
    except DBAPIError:  # a new database: no tables yet
        return False
    finally:
        fo.engine.dispose()


def verify_all(fo: Folio) -> tuple[int, list[tuple[str, object]]]:
    """(books checked, [(book id, first problem)] of those that fail)."""
    checked, broken = 0, list[tuple[str, object]]()
    found = _books_after(fo, None)
    while found:
        for book in found:
            result = fo.verify(book.id)
            checked += 1
            if not result.ok:
                broken.append((book.id, result.problem))
        found = _books_after(fo, found[-1].id) if len(found) == _PAGE else []
    return checked, broken


def _books_after(fo: Folio, after: str | None) -> list[Book]:
    return fo.read(lambda uow: list_books(uow, after=after, limit=_PAGE))
