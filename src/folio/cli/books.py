from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table

from folio.cli.common import DatabaseOption, console, open_folio, print_table, run
from folio.domain.books import CHARTS
from folio.service.books import BookCreate
from folio.service.runner import SYSTEM

app = typer.Typer(help="Books.", no_args_is_help=True)


@app.command()
def create(
    name: str = typer.Option(..., help="The company's name."),
    currency: str = typer.Option("EUR", help="ISO 4217 currency."),
    entries_start: datetime = typer.Option(..., formats=["%Y-%m-%d"], help="First bookable day."),
    fiscal_year_start: str = typer.Option("01-01", help="MM-DD"),
    chart: str = typer.Option("empty", help=f"One of {', '.join(CHARTS)}."),
    database: str = DatabaseOption,
) -> None:
    """Create a book with its chart of accounts; prints the new book id on the last line."""
    fo = open_folio(database)
    book = run(
        lambda: fo.create_book(
            BookCreate(
                name=name,
                currency=currency,
                entries_start=entries_start.date(),
                fiscal_year_start=fiscal_year_start,
                chart=chart,
            )
        )
    )
    console.print(
        f"Created {book.name} ({book.currency}, chart {book.chart}, "
        f"{len(fo.ledgers(book.id))} ledgers)"
    )
    typer.echo(book.id)


@app.command("list")
def list_books(database: str = DatabaseOption) -> None:
    """List books."""
    from folio.service.books import list_books as service_list

    fo = open_folio(database)
    table = Table("name", "currency", "entries start", "fiscal year", "chart")
    table.add_column("id", no_wrap=True, min_width=25)
    for book in fo.read(lambda uow: service_list(uow, limit=1000)):
        table.add_row(
            book.name,
            book.currency,
            book.entries_start.isoformat(),
            book.fiscal_year_start,
            book.chart,
            book.id,
        )
    print_table(table)


@app.command()
def update(
    book_id: str = typer.Argument(..., help="The book's id."),
    name: str | None = typer.Option(None, help="A new name."),
    datev_consultant_number: int | None = typer.Option(
        None, help="DATEV Beraternummer (1001-9999999)."
    ),
    datev_client_number: int | None = typer.Option(None, help="DATEV Mandantennummer (1-99999)."),
    clear_datev: bool = typer.Option(False, "--clear-datev", help="Clear both DATEV numbers."),
    database: str = DatabaseOption,
) -> None:
    """Rename a book or set its DATEV Beraternummer and Mandantennummer."""
    from folio.service.books import update_book

    settings: dict[str, int | None] = {}
    if clear_datev:
        settings = {"datev_consultant_number": None, "datev_client_number": None}
    if datev_consultant_number is not None:
        settings["datev_consultant_number"] = datev_consultant_number
    if datev_client_number is not None:
        settings["datev_client_number"] = datev_client_number
    fo = open_folio(database)
    book = run(
        lambda: fo.write(lambda uow: update_book(uow, book_id, SYSTEM, name=name, **settings))
    )
    console.print(
        f"{book.name}: Beraternummer {book.datev_consultant_number or '-'}, "
        f"Mandantennummer {book.datev_client_number or '-'}",
        highlight=False,
    )
