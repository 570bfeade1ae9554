from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table

from folio.cli.common import DatabaseOption, console, open_folio, run
from folio.domain.books import CHARTS
from folio.service.books import BookCreate

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
    console.print(table)
