"""`folio years`: list a book's fiscal years, preview and close one, reopen it, and check that
the next year opens with exactly what it closed with."""

from __future__ import annotations

import typer
from rich.table import Table

from folio.cli.common import DatabaseOption, console, open_folio, print_table, run
from folio.domain.books import Book
from folio.domain.ledgers import Ledger, signed_balance
from folio.domain.money import format_minor
from folio.service.fiscal_years import Continuity

app = typer.Typer(help="Fiscal years: close, reopen, continuity.", no_args_is_help=True)
BookArgument = typer.Argument(..., help="The book's id.")
YearArgument = typer.Argument(..., help="The fiscal year, named by the year it starts in.")


def _amount(book: Book, ledger: Ledger, raw: int) -> str:
    signed = signed_balance(ledger.normal_balance, max(raw, 0), max(-raw, 0))
    return format_minor(signed, book.exponent)


@app.command("list")
def list_years(book_id: str = BookArgument, database: str = DatabaseOption) -> None:
    """Every fiscal year with its dates, status and result (revenue − expense)."""
    fo = open_folio(database)
    book = run(lambda: fo.get_book(book_id))
    table = Table("year", "from", "to", "status", "result", "closed", title=f"{book.name}")
    for info in run(lambda: fo.years(book_id)):
        closed = f"{info.closing.closed_at:%Y-%m-%d}" if info.closing else ""
        table.add_row(
            str(info.year.year),
            info.first_day.isoformat(),
            info.year.end.isoformat(),
            info.status.value,
            format_minor(info.result, book.exponent),
            closed,
        )
    print_table(table)


@app.command("close")
def close(
    book_id: str = BookArgument,
    year: int = YearArgument,
    final: bool = typer.Option(False, "--final", help="Lock its months for good."),
    preview: bool = typer.Option(
        False, "--preview", help="Show what a close would do; change nothing."
    ),
    database: str = DatabaseOption,
) -> None:
    """Close a fiscal year: its result, the closing balances, and what stops it. With
    --preview nothing changes; otherwise its months are locked and the closing recorded."""
    fo = open_folio(database)
    book = run(lambda: fo.get_book(book_id))
    found = run(lambda: fo.close_preview(book_id, year))
    fig = found.figures
    holder = fig.retained_earnings
    console.print(
        f"Fiscal year {year} ({fig.year.start} to {fig.year.end}): result "
        f"{format_minor(fig.result, book.exponent)} {book.currency}"
        + (f", to {holder.number or ''} {holder.name}" if holder else "")
    )
    for blocker in found.blockers:
        console.print(f"[red]{blocker.code}[/]: {blocker.message}")
    if preview or found.blockers:
        if found.blockers:
            raise typer.Exit(1)
        console.print("Nothing was changed (--preview).")
        return
    closing = run(lambda: fo.close_year(book_id, year, final=final))
    console.print(
        f"Closed fiscal year {year}{' for good' if final else ''}: close {closing.seq}, "
        f"hash {closing.hash[:16]}…"
    )


@app.command("reopen")
def reopen(
    book_id: str = BookArgument, year: int = YearArgument, database: str = DatabaseOption
) -> None:
    """Reopen a closed fiscal year that is not final (later closed years first)."""
    fo = open_folio(database)
    run(lambda: fo.reopen_year(book_id, year))
    console.print(f"Reopened fiscal year {year}; its close stays on record, marked reopened.")


@app.command("continuity")
def continuity(
    book_id: str = BookArgument, year: int = YearArgument, database: str = DatabaseOption
) -> None:
    """Does fiscal year YEAR+1 open with exactly what YEAR closed with? Exit 1 if not."""
    fo = open_folio(database)
    book = run(lambda: fo.get_book(book_id))
    found = run(lambda: fo.continuity(book_id, year))
    if not print_continuity(book, found):
        raise typer.Exit(1)


def print_continuity(book: Book, found: Continuity) -> bool:
    """Print one year's continuity; True when it holds."""
    year, nxt = found.year.year, found.next_year.year
    if found.closing is None:
        console.print(f"Fiscal year {year} has no recorded close to compare with {nxt}.")
        return False
    if found.ok:
        console.print(f"[green]OK[/]: {nxt} opens with exactly what {year} closed with.")
        return True
    table = Table("ledger", "closed with", "opens with", "difference",
                  title=f"{nxt} does not open with what {year} closed with")  # fmt: skip
    entries: dict[str, tuple[int, object]] = {}
    for item in found.differences:
        table.add_row(
            f"{item.ledger.number or ''} {item.ledger.name}",
            _amount(book, item.ledger, item.recorded),
            _amount(book, item.ledger, item.now),
            _amount(book, item.ledger, item.difference),
        )
        entries.update({entry: (number, day) for entry, number, day in item.entries})
    print_table(table)
    console.print(f"Entries posted since {year} was closed, dated in or before it:")
    for entry, (number, day) in sorted(entries.items(), key=lambda item: item[1][0]):
        console.print(f"  #{number} {entry} ({day})", highlight=False)
    return False
