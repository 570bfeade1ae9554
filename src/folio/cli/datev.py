"""`folio datev import`: a DATEV Buchungsstapel, Debitoren/Kreditoren or Summen- und
Saldenliste into a book.

The export is `folio export BOOK --format datev --year 2025`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from folio.cli.common import DatabaseOption, console, err_console, open_folio
from folio.domain.errors import FolioError
from folio.service.datev_import import Imported, import_datev
from folio.service.runner import SYSTEM
from folio.store.uow import UnitOfWork

app = typer.Typer(help="DATEV files: import (export with `folio export --format datev`).",
                  no_args_is_help=True)  # fmt: skip
PROGRESS_FROM = 5000  # rows; smaller files are done before a bar would show


@app.command("import")
def import_file(
    book_id: str = typer.Argument(..., help="The book's id."),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="The DATEV CSV file."),
    database: str = DatabaseOption,
) -> None:
    """Book an EXTF Buchungsstapel as journal entries (its EB values as the opening balances
    of a book without entries), a Debitoren/Kreditoren file as the customers and suppliers, or
    a Summen- und Saldenliste as the opening-balance set. All rows or none; every bad row is
    listed with its line and field."""
    data = file.read_bytes()
    fo = open_folio(database)
    rows = data.count(b"\n")
    with Progress(
        TextColumn(f"Importing {file.name}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err_console, transient=True, disable=rows < PROGRESS_FROM,
    ) as bar:  # fmt: skip
        task = bar.add_task("import", total=max(rows - 2, 1))

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def run(uow: UnitOfWork) -> Imported:
            return import_datev(uow, book_id, data, SYSTEM, progress=advance)

        try:
            done = fo.write(run)
        except FolioError as exc:
            bar.stop()
            _report(exc)
            raise typer.Exit(1) from exc
    console.print(f"Imported {file.name}: {done.describe()}", highlight=False)


def _report(exc: FolioError) -> None:
    err_console.print(f"[bold red]{exc.code}[/]: {exc.message}")
    rows = exc.data.get("rows") if isinstance(exc.data, dict) else None
    if isinstance(rows, list) and rows:
        table = Table("line", "field", "problem")
        for row in rows:
            if isinstance(row, dict):
                line = row.get("line", row.get("row", ""))
                field = row.get("field", row.get("account", "")) or ""
                table.add_row(str(line), str(field), str(row.get("message", "")))
        err_console.print(table)
    elif exc.data:
        err_console.print(exc.data)
    err_console.print("Nothing was imported.")
