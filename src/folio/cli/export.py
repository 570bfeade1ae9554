"""`folio export`: the whole book as an hledger journal or a beancount file."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from folio.cli.common import DatabaseOption, console, open_folio, user_errors
from folio.service.exports import ExportFormat, write_export


def export(
    book_id: str = typer.Argument(..., help="The book's id."),
    fmt: ExportFormat = typer.Option(..., "--format", "-f", help="hledger or beancount."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    database: str = DatabaseOption,
) -> None:
    """Write the book as a journal that hledger or beancount reads as is."""
    fo = open_folio(database)
    with user_errors():
        # One read transaction, no retries: a retry after a partial write would repeat text.
        with fo.uow(write=False) as uow:
            if output is None:
                write_export(uow, book_id, fmt, sys.stdout)
                sys.stdout.flush()
                return
            partial = output.with_name(output.name + ".partial")
            with partial.open("w", encoding="utf-8", newline="\n") as out:
                write_export(uow, book_id, fmt, out)
            partial.replace(output)
    console.print(f"Wrote {output}", highlight=False)
