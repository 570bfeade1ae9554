from __future__ import annotations

import json

import typer

from folio.cli.common import DatabaseOption, console, open_folio, run


def verify(
    book_id: str = typer.Argument(..., help="The book to verify."), database: str = DatabaseOption
) -> None:
    """Recompute the hash chain and running totals; exit 1 and show the first break."""
    fo = open_folio(database)
    result = run(lambda: fo.verify(book_id))
    if result.ok:
        console.print(
            f"[green]OK[/]: {result.entries_checked} entries, hash chain and totals agree"
        )
        return
    console.print(f"[bold red]BROKEN[/] after {result.entries_checked} good entries:")
    console.print(json.dumps(result.problem, indent=2, default=str))
    raise typer.Exit(1)
