"""`folio export`: the whole book as an hledger journal or a beancount file, or one fiscal year
as a ZIP of DATEV EXTF files."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from folio.cli.common import DatabaseOption, console, open_folio, user_errors
from folio.domain.errors import InvalidInput
from folio.service.datev_export import export_year
from folio.service.exports import ExportFormat, write_export


def export(
    book_id: str = typer.Argument(..., help="The book's id."),
    fmt: ExportFormat = typer.Option(..., "--format", "-f", help="hledger, beancount or datev."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    year: int | None = typer.Option(None, "--year", help="datev: the fiscal year to export."),
    database: str = DatabaseOption,
) -> None:
    """Write the book as a journal that hledger or beancount reads as is, or a fiscal year as
    the DATEV files a tax advisor imports (a ZIP; default name DATEV_<book>_<year>.zip)."""
    fo = open_folio(database)
    with user_errors():
        if fmt is ExportFormat.DATEV:
            if year is None:
                raise InvalidInput("A DATEV export is one fiscal year: add --year 2025.",
                                   {"field": "year"})  # fmt: skip
            target = output or Path(f"DATEV_{book_id}_{year}.zip")
            partial = target.with_name(target.name + ".partial")
            try:
                with fo.uow(write=False) as uow, partial.open("wb") as sink:
                    done = export_year(uow, book_id, year, sink)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            partial.replace(target)
            console.print(
                f"Wrote {target}: {', '.join(done.files)} ({done.bookings} bookings, "
                f"{done.eb_bookings} of them EB values)",
                highlight=False,
            )
            return
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
