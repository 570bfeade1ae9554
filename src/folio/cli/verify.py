from __future__ import annotations

import json
from functools import partial

import typer

from folio.cli.common import DatabaseOption, console, open_folio, run
from folio.cli.years import print_continuity


def verify(
    book_id: str = typer.Argument(..., help="The book to verify."), database: str = DatabaseOption
) -> None:
    """Recompute the hash chain, every total, the opening-balance owners and the year-end
    closes; exit 1 and show the first break. Then check continuity for every year with a
    recorded close (a reopened year shows what changed since)."""
    fo = open_folio(database)
    result = run(lambda: fo.verify(book_id))
    if not result.ok:
        console.print(f"[bold red]BROKEN[/] after {result.entries_checked} good entries:")
        console.print(json.dumps(result.problem, indent=2, default=str))
        raise typer.Exit(1)
    console.print(
        f"[green]OK[/]: {result.entries_checked} entries; the hash chain, totals, owners and "
        "closes agree"
    )
    book = run(lambda: fo.get_book(book_id))
    closed = [info.year.year for info in run(lambda: fo.years(book_id)) if info.last_closing]
    for year in closed:
        print_continuity(book, run(partial(fo.continuity, book_id, year)))
