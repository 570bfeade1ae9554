"""`folio parties` and `folio open-items`: customers and suppliers, and their open items at
conversion from an OPOS list (CSV or XLSX)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from folio.cli.common import DatabaseOption, console, err_console, open_folio, print_table, run
from folio.domain.errors import FolioError
from folio.domain.money import format_minor
from folio.domain.parties import PartyKind
from folio.service import open_item_files, open_items, parties
from folio.service.books import get_book
from folio.service.runner import SYSTEM

app = typer.Typer(help="Customers and suppliers.", no_args_is_help=True)
items_app = typer.Typer(help="Open items: unpaid invoices and bills at conversion.",
                        no_args_is_help=True)  # fmt: skip
BookArgument = typer.Argument(..., help="The book's id.")


@app.command("list")
def list_parties(
    book_id: str = BookArgument,
    kind: PartyKind | None = typer.Option(None, "--kind", help="Only customers or suppliers."),
    database: str = DatabaseOption,
) -> None:
    """Every customer and supplier in number order."""
    fo = open_folio(database)
    found = run(
        lambda: fo.read(lambda uow: parties.list_parties(uow, book_id, kind=kind, limit=100_000))
    )
    table = Table("number", "kind", "name", "tax id", "terms (days)")
    for party in found:
        table.add_row(party.number, party.kind.value, party.name, party.tax_id or "",
                      str(party.payment_terms_days))  # fmt: skip
    print_table(table)


@app.command("create")
def create(
    book_id: str = BookArgument,
    kind: PartyKind = typer.Option(..., "--kind"),
    name: str = typer.Option(..., "--name"),
    number: str | None = typer.Option(None, "--number", help="Default: the next free number."),
    tax_id: str | None = typer.Option(None, "--tax-id"),
    terms: int = typer.Option(0, "--terms", help="Payment terms in days."),
    database: str = DatabaseOption,
) -> None:
    """Create a customer or supplier; prints its number and id."""
    fo = open_folio(database)
    command = parties.PartyCreate(kind, name, number, tax_id, None, terms)
    made = run(lambda: fo.write(lambda uow: parties.create_party(uow, book_id, command, SYSTEM)))
    console.print(f"{made.kind.value} {made.number} {made.name}")
    typer.echo(made.id)


@items_app.command("import")
def import_items(
    book_id: str = BookArgument,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or XLSX file."),
    kind: PartyKind = typer.Option(
        ..., "--kind", help="The file lists customers' (customer) or suppliers' items."
    ),
    database: str = DatabaseOption,
) -> None:
    """Book a list of open invoices or bills as the control ledger's opening balance, all or
    none; every bad line is listed. A party the file names with a number the book does not
    know, and a name, is created."""
    fo = open_folio(database)
    book = run(lambda: fo.read(lambda uow: get_book(uow, book_id)))
    parsed = run(lambda: open_item_files.read_open_items(file, book.exponent))
    if parsed.problems:
        for problem in parsed.problems:
            err_console.print(problem.message)
        raise typer.Exit(1)
    try:
        booked = fo.write(
            lambda uow: open_items.import_open_items(
                uow, book_id, kind, parsed.items, parsed.names, SYSTEM
            )
        )
    except FolioError as exc:
        err_console.print(f"[bold red]{exc.code}[/]: Nothing was booked.")
        rows = exc.data.get("rows") if isinstance(exc.data, dict) else None
        for row in rows or [{"message": exc.message}]:
            err_console.print(str(row["message"]))
        raise typer.Exit(1) from None
    total = sum(item.amount for item in booked.items)
    console.print(
        f"Booked {len(booked.items)} open items, {format_minor(total, book.exponent)} "
        f"{book.currency}, as the opening balance of "
        + ", ".join(f"{ledger.number} {ledger.name}" for ledger in booked.ledgers)
    )
