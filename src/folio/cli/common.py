"""What every command shares: the configured engine and how errors are shown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from folio.domain.errors import FolioError
from folio.service.facade import Folio
from folio.store.database import database_url

T = TypeVar("T")
# Messages are not wrapped (the terminal wraps them; a path or an id stays whole, and what
# a script captures is one line); tables size themselves (print_table).
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

DatabaseOption = typer.Option(
    None,
    "--database",
    "-d",
    envvar="FOLIO_DATABASE_URL",
    help="Database URL (default sqlite:///./folio.db).",
)


def print_table(table: Table, to: Console | None = None) -> None:
    """Print a table whose ids, dates, amounts and codes are never cut: a column whose cells
    hold no space keeps them on one line, columns of text wrap, and a table that still does
    not fit the terminal is printed wider than it rather than with values cut to `2025-01…`."""
    out = to or console
    for column in table.columns:
        cells = [str(cell) for cell in column.cells]
        if cells and all(" " not in cell for cell in cells):
            column.no_wrap = True
            column.min_width = max(cell_len(text) for text in [str(column.header), *cells])
        else:
            column.overflow = "fold"
    needed = Measurement.get(out, out.options.update(max_width=10_000), table).minimum
    width = out.width
    if needed > width:  # Console.print clamps its width argument to the console's
        out.width = needed
    try:
        out.print(table)
    finally:
        out.width = width


def open_folio(url: str | None) -> Folio:
    return Folio(url or database_url())


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a Folio error as its code and message, exit 1; no traceback for bad input."""
    try:
        yield
    except FolioError as exc:
        err_console.print(f"[bold red]{exc.code}[/]: {exc.message}")
        if exc.data:
            err_console.print(exc.data)
        raise typer.Exit(1) from exc


def run(fn: Callable[[], T]) -> T:
    with user_errors():
        return fn()
