"""`folio report`: trial balance, balance sheet, income statement and ledger statement.

Every command prints a Rich table by default, or writes CSV, XLSX or JSON (`--format`) to
stdout or to `--output`. The numbers come from the same service and renderers as the API.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

import orjson
import typer
from rich.table import Table

from folio.cli.common import (
    DatabaseOption,
    console,
    err_console,
    open_folio,
    print_table,
    run,
)
from folio.domain.digits import is_digits
from folio.domain.money import format_minor
from folio.domain.parties import PartyKind
from folio.service import aging, report_formats, reports
from folio.service.report_formats import Report
from folio.store.uow import UnitOfWork

app = typer.Typer(
    help="Reports: trial balance, balance sheet, income statement.", no_args_is_help=True
)


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


BookArgument = typer.Argument(..., help="The book's id.")
FromOption = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="First day (YYYY-MM-DD).")
ToOption = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="Last day.")
AsOfOption = typer.Option(None, "--as-of", formats=["%Y-%m-%d"], help="The day.")
FormatOption = typer.Option(OutputFormat.TABLE, "--format", "-f", help="Output format.")
OutputOption = typer.Option(None, "--output", "-o", help="Write to this file, not stdout.")
EmptyOption = typer.Option(False, "--include-empty", help="Show ledgers without postings too.")
YearOption = typer.Option(
    None, "--year", help="A fiscal year (named by the year it starts in) instead of dates."
)
CompareOption = typer.Option(
    False, "--previous-year", help="Add each amount a fiscal year earlier (Vorjahr)."
)

# Columns left out of the terminal table (still in CSV, XLSX and JSON).
_TABLE_HIDDEN = {
    "ledger_id",
    "row_type",
    "type",
    "normal_balance",
    "opening_debit",
    "opening_credit",
    "carried_forward_debit",
    "carried_forward_credit",
    "closing_debit",
    "closing_credit",
    "entry_id",
    "kind",
}


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _emit(report: Report, fmt: OutputFormat, output: Path | None) -> None:
    if fmt is OutputFormat.TABLE:
        if output is not None:
            raise typer.BadParameter("--output needs --format csv, xlsx or json.")
        print_table(_table(report))
        return
    if fmt is OutputFormat.CSV:
        data = report_formats.render_csv(report)
    elif fmt is OutputFormat.XLSX:
        data = report_formats.render_xlsx(report)
    else:
        data = orjson.dumps(report_formats.as_dict(report), option=orjson.OPT_INDENT_2) + b"\n"
    if output is not None:
        output.write_bytes(data)
        console.print(f"Wrote {output}", highlight=False)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def _table(report: Report) -> Table:
    sheet = report_formats.to_sheet(report)
    shown = [i for i, name in enumerate(sheet.headers) if name not in _TABLE_HIDDEN]
    table = Table(title=f"{sheet.title} ({sheet.currency})")
    for index in shown:
        table.add_column(
            sheet.headers[index].replace("_", " "),
            justify="right" if index in sheet.amount_columns else "left",
        )
    for row in sheet.rows:
        cells = []
        for index in shown:
            cell = row[index]
            if cell is None:
                cells.append("")
            elif index in sheet.amount_columns and isinstance(cell, int):
                cells.append(format_minor(cell, sheet.exponent))
            else:
                cells.append(str(cell))
        table.add_row(*cells, style="bold" if _is_total(sheet, row) else None)
    return table


def _is_total(sheet: report_formats.Sheet, row: tuple[report_formats.Cell, ...]) -> bool:
    if "row_type" in sheet.headers:
        return row[sheet.headers.index("row_type")] not in ("ledger", "computed", "line")
    return row[sheet.headers.index("name")] == "Total" and row[0] is None


def _default_year(
    database: str | None, book_id: str, year: int | None, *given: object
) -> int | None:
    """`--year`, or with no range given at all the fiscal year of the book's latest entry; says
    on stderr which range is shown (stdout may be CSV or JSON)."""
    if year is not None or any(value is not None for value in given):
        return year
    fo = open_folio(database)
    found = run(lambda: fo.read(lambda uow: reports.latest_entry_year(uow, book_id)))
    if found is None:
        return None
    err_console.print(
        f"Showing fiscal year {found.year} ({found.start} to {found.end}), the year of the "
        "book's latest entry; --year or --from/--to (--as-of) choose another.",
        highlight=False,
    )
    return found.year


def _read(database: str | None, fn: Callable[[UnitOfWork], Report]) -> Report:
    fo = open_folio(database)
    return run(lambda: fo.read(fn))


@app.command("trial-balance")
def trial_balance(
    book_id: str = BookArgument,
    date_from: datetime | None = FromOption,
    date_to: datetime | None = ToOption,
    as_of: datetime | None = typer.Option(
        None, "--as-of", formats=["%Y-%m-%d"], help="Same as --to."
    ),
    include_empty: bool = EmptyOption,
    year: int | None = YearOption,
    fmt: OutputFormat = FormatOption,
    output: Path | None = OutputOption,
    database: str = DatabaseOption,
) -> None:
    """Trial balance (SuSa) with opening (the fiscal year's opening values), carried-forward,
    debit, credit and closing columns, within one fiscal year.

    Default range: the fiscal year of the book's latest entry (the fiscal year containing
    --to when only --to is given).
    """
    end = _day(date_to) or _day(as_of)
    year = _default_year(database, book_id, year, date_from, date_to, as_of)
    report = _read(
        database,
        lambda uow: reports.trial_balance(
            uow,
            book_id,
            date_from=_day(date_from),
            date_to=end,
            include_empty=include_empty,
            year=year,
        ),
    )
    _emit(report, fmt, output)


@app.command("balance-sheet")
def balance_sheet(
    book_id: str = BookArgument,
    as_of: datetime | None = AsOfOption,
    include_empty: bool = EmptyOption,
    year: int | None = YearOption,
    previous_year: bool = CompareOption,
    fmt: OutputFormat = FormatOption,
    output: Path | None = OutputOption,
    database: str = DatabaseOption,
) -> None:
    """Balance sheet as of a day (or a fiscal year's end), with the current year's earnings;
    earlier results show on the retained-earnings ledger. Default: the end of the fiscal year
    of the book's latest entry."""
    year = _default_year(database, book_id, year, as_of)
    report = _read(
        database,
        lambda uow: reports.balance_sheet(
            uow,
            book_id,
            as_of=_day(as_of),
            include_empty=include_empty,
            compare=reports.Compare.PREVIOUS_YEAR if previous_year else None,
            year=year,
        ),
    )
    _emit(report, fmt, output)


@app.command("income-statement")
def income_statement(
    book_id: str = BookArgument,
    date_from: datetime | None = FromOption,
    date_to: datetime | None = ToOption,
    interval: reports.Interval | None = typer.Option(
        None, "--interval", help="One column per month, quarter or year."
    ),
    include_empty: bool = EmptyOption,
    year: int | None = YearOption,
    previous_year: bool = CompareOption,
    fmt: OutputFormat = FormatOption,
    output: Path | None = OutputOption,
    database: str = DatabaseOption,
) -> None:
    """Income statement: revenue, expense, net income; default range the fiscal year of the
    book's latest entry."""
    year = _default_year(database, book_id, year, date_from, date_to)
    report = _read(
        database,
        lambda uow: reports.income_statement(
            uow,
            book_id,
            date_from=_day(date_from),
            date_to=_day(date_to),
            interval=interval,
            include_empty=include_empty,
            compare=reports.Compare.PREVIOUS_YEAR if previous_year else None,
            year=year,
        ),
    )
    _emit(report, fmt, output)


@app.command("ledger-statement")
def ledger_statement(
    book_id: str = BookArgument,
    ledger: str = typer.Option(..., "--ledger", help="Ledger id or number."),
    date_from: datetime | None = FromOption,
    date_to: datetime | None = ToOption,
    limit: int = typer.Option(reports.MAX_STATEMENT_LIMIT, "--limit", help="Lines per page."),
    cursor: str | None = typer.Option(None, "--cursor", help="Continue after this cursor."),
    fmt: OutputFormat = FormatOption,
    output: Path | None = OutputOption,
    database: str = DatabaseOption,
) -> None:
    """One ledger's lines with a running balance; prints the next cursor when there is more."""

    def read(uow: UnitOfWork) -> Report:
        ledger_id = ledger
        if is_digits(ledger):
            found = uow.ledgers.by_number(book_id, ledger)
            ledger_id = found.id if found is not None else ledger
        return reports.ledger_statement(
            uow,
            book_id,
            ledger_id,
            date_from=_day(date_from),
            date_to=_day(date_to),
            cursor=cursor,
            limit=limit,
        )

    report = _read(database, read)
    _emit(report, fmt, output)
    if isinstance(report, reports.LedgerStatement) and report.next_cursor and fmt != "json":
        typer.echo(f"next cursor: {report.next_cursor}", err=True)


@app.command("aged-receivables")
def aged_receivables(
    book_id: str = BookArgument,
    as_of: datetime | None = AsOfOption,
    fmt: OutputFormat = FormatOption,
    output: Path | None = OutputOption,
    database: str = DatabaseOption,
) -> None:
    """Customers' open items by days past due (as of today by default); the buckets add up to
    the receivables ledger."""
    _aged(book_id, PartyKind.CUSTOMER, as_of, fmt, output, database)


@app.command("aged-payables")
def aged_payables(
    book_id: str = BookArgument,
    as_of: datetime | None = AsOfOption,
    fmt: OutputFormat = FormatOption,
    output: Path | None = OutputOption,
    database: str = DatabaseOption,
) -> None:
    """Suppliers' open items by days past due (as of today by default); the buckets add up to
    the payables ledger."""
    _aged(book_id, PartyKind.SUPPLIER, as_of, fmt, output, database)


def _aged(
    book_id: str,
    kind: PartyKind,
    as_of: datetime | None,
    fmt: OutputFormat,
    output: Path | None,
    database: str | None,
) -> None:
    day = _day(as_of) or date.today()
    _emit(_read(database, lambda uow: aging.aged_report(uow, book_id, kind, day)), fmt, output)
