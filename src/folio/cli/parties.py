"""`folio parties` and `folio open-items`: customers and suppliers, and their open items at
conversion from an OPOS list (CSV or XLSX)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from folio.cli.common import DatabaseOption, console, err_console, open_folio, print_table, run
from folio.domain.errors import FolioError
from folio.domain.money import format_minor
from folio.domain.parties import PartyKind
from folio.service import open_item_files, open_items, parties
from folio.service.books import get_book
from folio.service.changes import KEEP
from folio.service.runner import SYSTEM

app = typer.Typer(help="Customers and suppliers.", no_args_is_help=True)
items_app = typer.Typer(help="Open items: unpaid invoices and bills at conversion.",
                        no_args_is_help=True)  # fmt: skip
BookArgument = typer.Argument(..., help="The book's id.")


@app.command("list")
def list_parties(
    book_id: str = BookArgument,
    kind: PartyKind | None = typer.Option(None, "--kind", help="Only customers or suppliers."),
    search: str | None = typer.Option(
        None, "--search", "-q", help="Text in the name, or the number's start."
    ),
    database: str = DatabaseOption,
) -> None:
    """Every customer and supplier in number order."""
    fo = open_folio(database)
    found = run(lambda: fo.parties(book_id, kind=kind, text=search, limit=100_000))
    table = Table("number", "kind", "name", "tax id", "terms (days)", "id", "archived")
    for party in found:
        table.add_row(party.number, party.kind.value, party.name, party.tax_id or "",
                      str(party.payment_terms_days), party.id,
                      "archived" if party.archived else "")  # fmt: skip
    print_table(table)


@app.command("create")
def create(
    book_id: str = BookArgument,
    kind: PartyKind = typer.Option(..., "--kind"),
    name: str = typer.Option(..., "--name"),
    number: str | None = typer.Option(None, "--number", help="Default: the next free number."),
    tax_id: str | None = typer.Option(None, "--tax-id"),
    address: str | None = typer.Option(None, "--address"),
    terms: int = typer.Option(0, "--terms", help="Payment terms in days."),
    database: str = DatabaseOption,
) -> None:
    """Create a customer or supplier; prints its number and id."""
    fo = open_folio(database)
    command = parties.PartyCreate(kind, name, number, tax_id, address, terms)
    made = run(lambda: fo.create_party(book_id, command))
    console.print(f"{made.kind.value} {made.number} {made.name}")
    typer.echo(made.id)


@app.command("update")
def update(
    book_id: str = BookArgument,
    party_id: str = typer.Argument(..., help="The party's id (parties list shows it)."),
    name: str | None = typer.Option(None, "--name"),
    tax_id: str | None = typer.Option(None, "--tax-id"),
    address: str | None = typer.Option(None, "--address"),
    terms: int | None = typer.Option(None, "--terms", help="Payment terms in days."),
    archived: bool | None = typer.Option(
        None, "--archived/--active", help="Archive the party, or make it active again."
    ),
    clear_tax_id: bool = typer.Option(False, "--clear-tax-id", help="Remove the tax id."),
    clear_address: bool = typer.Option(False, "--clear-address", help="Remove the address."),
    database: str = DatabaseOption,
) -> None:
    """Change what is given; the rest stays as it is."""
    for option, given, cleared in (
        ("tax-id", tax_id, clear_tax_id),
        ("address", address, clear_address),
    ):
        if given is not None and cleared:
            err_console.print(f"Give --{option} or --clear-{option}, not both.")
            raise typer.Exit(2)
    fo = open_folio(database)
    command = parties.PartyUpdate(
        name,
        None if clear_tax_id else (KEEP if tax_id is None else tax_id),
        None if clear_address else (KEEP if address is None else address),
        terms,
        archived,
    )
    changed = run(lambda: fo.update_party(book_id, party_id, command))
    state = " (archived)" if changed.archived else ""
    console.print(
        f"{changed.kind.value} {changed.number} {changed.name}{state}, "
        f"terms {changed.payment_terms_days} days"
    )


@app.command("numbers")
def numbers(
    book_id: str = BookArgument,
    kind: PartyKind | None = typer.Option(None, "--kind", help="The kind whose range to set."),
    first: int | None = typer.Option(None, "--first", help="The range's first number."),
    last: int | None = typer.Option(None, "--last", help="The range's last number."),
    database: str = DatabaseOption,
) -> None:
    """Each kind's number range; with --kind, --first and --last, set that kind's (in a German
    book every existing party of the kind must lie in it)."""
    given = [value is not None for value in (kind, first, last)]
    if any(given) and not all(given):
        err_console.print("Give --kind, --first and --last together to set a range.")
        raise typer.Exit(2)
    fo = open_folio(database)
    if kind is not None and first is not None and last is not None:
        ranges = run(lambda: fo.set_party_numbers(book_id, kind, first, last))
    else:
        ranges = run(lambda: fo.party_numbers(book_id))
    table = Table("kind", "first", "last")
    for each, (low, high) in sorted(ranges.items()):
        table.add_row(each.value, str(low), str(high))
    print_table(table)


@app.command("items")
def items(
    book_id: str = BookArgument,
    party_id: str = typer.Argument(..., help="The party's id (parties list shows it)."),
    as_of: datetime | None = typer.Option(
        None, "--as-of", formats=["%Y-%m-%d"], help="The day (default today)."
    ),
    settled: bool = typer.Option(False, "--settled", help="Settled items too."),
    database: str = DatabaseOption,
) -> None:
    """A customer's or supplier's items still open on a day, in due-date order."""
    fo = open_folio(database)
    book = run(lambda: fo.get_book(book_id))
    day = as_of.date() if as_of else None
    found = run(lambda: fo.party_items(book_id, party_id, as_of=day, include_settled=settled))
    table = Table("document", "date", "due", "amount", "open", "days overdue", "bucket")
    for state in found:
        table.add_row(
            state.document, state.document_date.isoformat(), state.due_date.isoformat(),
            format_minor(state.original, book.exponent), format_minor(state.open, book.exponent),
            str(state.days_overdue), state.bucket.value,
        )  # fmt: skip
    print_table(table)
    total = sum(state.open for state in found)
    console.print(f"Open: {format_minor(total, book.exponent)} {book.currency}")


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
