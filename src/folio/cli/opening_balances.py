"""`folio opening-balances import|show`: book a trial balance from a file, show the set."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from folio.cli.batches import set_many
from folio.cli.common import (
    DatabaseOption,
    console,
    err_console,
    open_folio,
    print_table,
    run,
    user_errors,
)
from folio.domain.errors import (
    AccountsNotFound,
    AccountTypeNotAllowed,
    BalanceMismatch,
    InvalidBalanceEntry,
)
from folio.domain.money import format_minor
from folio.domain.opening_balances import RowProblem
from folio.service import opening_balances
from folio.service.books import get_book
from folio.service.trial_balance_files import ParsedFile, read_trial_balance

app = typer.Typer(help="Opening balances.", no_args_is_help=True)

# What booking a set refuses with every problem of the set listed (or the totals, which the
# command computes itself): shown as the table of bad rows.
_SET_ERRORS = (InvalidBalanceEntry, AccountsNotFound, AccountTypeNotAllowed, BalanceMismatch)
PROGRESS_FROM = 1000  # rows (and about 40 bytes a row); smaller files finish at once


@app.command("import")
def import_file(
    book_id: str = typer.Argument(..., help="The book to book into."),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or XLSX file."),
    on: datetime | None = typer.Option(
        None,
        "--date",
        formats=["%Y-%m-%d"],
        help="The book's opening date (its entries start), the only date opening balances "
        "are booked on; any other is refused. Default: that date.",
    ),
    database: str = DatabaseOption,
) -> None:
    """Validate the whole file, list every bad row, then book all rows or none."""
    fo = open_folio(database)
    book = run(lambda: fo.read(lambda uow: get_book(uow, book_id)))
    parsed = run(lambda: _read(file, book.exponent))
    day: date | None = on.date() if on else None
    debit, credit = sum(row.debit for row in parsed.rows), sum(row.credit for row in parsed.rows)
    if parsed.problems:  # list them with whatever else is wrong with the readable rows
        preview = run(
            lambda: fo.read(lambda uow: opening_balances.preview_set(uow, book_id, parsed.rows))
        )
        _report([*parsed.problems, *preview.problems], debit, credit, book.exponent)
        raise typer.Exit(1)
    # Booking checks every row itself and refuses the set with all its problems listed, so
    # the file is validated once, in the booking transaction.
    with user_errors():
        try:
            with _working(f"Booking {len(parsed.rows)} rows", len(parsed.rows) >= PROGRESS_FROM):
                result = fo.book_opening_balances(book_id, day, parsed.rows)
        except _SET_ERRORS as exc:
            found = exc.data.get("problems", []) if exc.data else []
            _report([_problem(item) for item in found], debit, credit, book.exponent)
            raise typer.Exit(1) from None
    console.print(
        f"Booked {result.event_count} opening balances on {book.entries_start} under intent "
        f"{result.intent_id}: debit {format_minor(result.total_debit, book.exponent)} = "
        f"credit {format_minor(result.total_credit, book.exponent)} {book.currency}"
    )


def _problem(data: dict[str, Any]) -> RowProblem:
    return RowProblem(
        int(data["row"]), str(data["code"]), str(data["message"]), data["account"], data["path"]
    )


def _read(file: Path, exponent: int) -> ParsedFile:
    with _working(f"Reading {file.name}", file.stat().st_size >= PROGRESS_FROM * 40):
        return read_trial_balance(file, exponent)


@contextmanager
def _working(label: str, show: bool) -> Iterator[None]:
    """An indeterminate progress bar with the elapsed time, for large files only.

    Booking is one transaction (all rows or none), so there is no honest percentage to show.
    """
    if not show:
        yield
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        bar.add_task(label, total=None)
        yield


def _report(problems: list[RowProblem], debit: int, credit: int, exponent: int) -> None:
    problems = sorted(problems, key=lambda p: p.index)
    err_console.print(f"[bold red]Nothing was booked.[/] {len(problems)} problem(s):")
    table = Table("line", "account", "code", "problem")
    for problem in problems:
        table.add_row(str(problem.index), problem.account or "", problem.code, problem.message)
    if problems:
        print_table(table, err_console)
    if debit != credit:
        err_console.print(
            f"[bold red]BALANCE_MISMATCH[/]: debit balances {format_minor(debit, exponent)} ≠ "
            f"credit balances {format_minor(credit, exponent)} "
            f"(difference {format_minor(debit - credit, exponent)})"
        )


@app.command()
def show(book_id: str = typer.Argument(...), database: str = DatabaseOption) -> None:
    """Print every ledger's opening balance with totals and the offset ledger."""
    fo = open_folio(database)
    book = run(lambda: fo.get_book(book_id))
    openings = run(lambda: fo.opening_balances(book_id))

    def money(value: int) -> str:
        return format_minor(value, book.exponent) if value else ""

    table = Table(
        "number",
        "name",
        "debit",
        "credit",
        "set by",
        title=f"Opening balances of {book.name} on {openings.opening_date}",
    )
    for row in openings.rows:
        owner = row.owner.source.value if row.owner else ""
        table.add_row(
            row.ledger.number or "", row.ledger.name, money(row.debit), money(row.credit), owner
        )
    table.add_section()
    table.add_row(
        "",
        "Total",
        format_minor(openings.total_debit, book.exponent),
        format_minor(openings.total_credit, book.exponent),
        "",
    )
    offset = openings.offset
    table.add_row(
        offset.ledger.number or "",
        f"{offset.ledger.name} (offset)",
        money(offset.debit),
        money(offset.credit),
        "",
    )
    print_table(table)
    state = "[green]balanced[/]" if openings.balanced else "[red]not balanced[/]"
    console.print(
        f"The opening balances are {state}; {len(openings.sets)} live intent(s): "
        + ", ".join(f"{s.intent_id} ({s.source}, {s.entry_count} entries)" for s in openings.sets)
    )


# Many ledgers' opening balances from one JSON file, read as the other batch commands read theirs.
app.command("set-many")(set_many)
