"""What every command shares: the configured engine and how errors are shown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import typer
from rich.console import Console

from folio.domain.errors import FolioError
from folio.service.facade import Folio
from folio.store.database import database_url

T = TypeVar("T")
console = Console()
err_console = Console(stderr=True)

DatabaseOption = typer.Option(
    None,
    "--database",
    "-d",
    envvar="FOLIO_DATABASE_URL",
    help="Database URL (default sqlite:///./folio.db).",
)


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
