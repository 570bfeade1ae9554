"""What every command shares: the configured engine and how errors are shown."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table

from folio.cli.opened import opened
from folio.domain.errors import FolioError
from folio.service.facade import Folio
from folio.store.database import database_url

T = TypeVar("T")
# How Python reads an argument's byte that is not UTF-8 (surrogateescape): U+DC80 to U+DCFF.
_UNDECODED = re.compile("U\\+DC[89A-F][0-9A-F]")
_UTF8_HINT = (
    "the terminal or file sent the text in another encoding (a Latin-1 'ü' is the byte \\xfc). "
    "Set a UTF-8 locale (LANG=C.UTF-8) or convert the text to UTF-8; nothing was changed."
)
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
    """The command's Folio; its connections close when the command ends (`cli.opened`)."""
    fo = Folio(url or database_url())
    opened(fo.engine)
    return fo


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a Folio error as its code and message, exit 1; no traceback for bad input."""
    try:
        yield
    except FolioError as exc:
        err_console.print(f"[bold red]{exc.code}[/]: {exc.message}")
        if exc.data:
            err_console.print(exc.data)
        character = exc.data.get("character") if isinstance(exc.data, dict) else None
        if isinstance(character, str) and _UNDECODED.fullmatch(character):
            err_console.print(f"A byte that is not UTF-8 reads as U+DC80 to U+DCFF: {_UTF8_HINT}")
        raise typer.Exit(1) from exc
    except UnicodeEncodeError as exc:
        if "surrogates" not in exc.reason:
            raise
        # Python reads an argument's bytes that are not UTF-8 as lone surrogates; no database
        # stores them. The transaction was rolled back: nothing changed.
        err_console.print(f"[bold red]INVALID_INPUT[/]: {escape(not_utf8(exc.object))}")
        raise typer.Exit(1) from exc


def not_utf8(text: str) -> str:
    """Why `text` (read with surrogateescape, as Python reads arguments) cannot be stored."""
    raw = text.encode("utf-8", "surrogateescape")
    shown = raw.decode("utf-8", "backslashreplace")
    return f"'{shown}' is not UTF-8 text: {_UTF8_HINT}"


def run(fn: Callable[[], T]) -> T:
    with user_errors():
        return fn()
