"""Report renderers, pure functions from a report object: JSON-able dicts, CSV and XLSX bytes.

The API (JSON, `Accept: text/csv`, the XLSX media type) and the CLI use the same functions.
Amounts are exact everywhere: decimal strings with the currency's decimals in dicts and CSV,
numeric cells written from `Decimal` with a number format of the currency's decimals in XLSX.

CSV and XLSX share one tabular form (`to_sheet`): a header row, then one row per ledger and
rows for the totals, marked in a `row_type` column (or, in the trial balance, by the name
"Total").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from folio.domain.ledgers import subtype_label, total_label, type_label
from folio.domain.money import format_minor, to_decimal
from folio.service.aging import AgedReport
from folio.service.aging_formats import AGED_HEADERS, BUCKET_TITLES, aged_dict, aged_rows
from folio.service.reports import (
    BalanceSheet,
    BalanceSheetSection,
    IncomeStatement,
    IncomeStatementSection,
    LedgerStatement,
    StatementRow,
    TrialBalance,
    TrialBalanceRow,
)

Report = TrialBalance | BalanceSheet | IncomeStatement | LedgerStatement | AgedReport
Cell = str | int | None

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class Sheet:
    """A report as a table. Cells in `amount_columns` hold integer minor units (or None)."""

    title: str
    headers: tuple[str, ...]
    amount_columns: frozenset[int]
    rows: tuple[tuple[Cell, ...], ...]
    currency: str
    exponent: int


# ---------------------------------------------------------------------------------------------
# dicts


def as_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-able data: amounts as decimal strings, dates as ISO strings."""
    if isinstance(report, TrialBalance):
        return _trial_balance_dict(report)
    if isinstance(report, BalanceSheet):
        return _balance_sheet_dict(report)
    if isinstance(report, IncomeStatement):
        return _income_statement_dict(report)
    if isinstance(report, AgedReport):
        return aged_dict(report)
    return _ledger_statement_dict(report)


TRIAL_BALANCE_AMOUNTS = (
    "opening_balance",
    "carried_forward",
    "debit",
    "credit",
    "closing",
    "opening_debit",
    "opening_credit",
    "carried_forward_debit",
    "carried_forward_credit",
    "closing_debit",
    "closing_credit",
)
TRIAL_BALANCE_TOTALS = (
    "opening_debit",
    "opening_credit",
    "carried_forward_debit",
    "carried_forward_credit",
    "debit",
    "credit",
    "closing_debit",
    "closing_credit",
)


def _trial_balance_dict(report: TrialBalance) -> dict[str, Any]:
    exp = report.exponent

    def row(item: TrialBalanceRow) -> dict[str, Any]:
        return {
            "ledger_id": item.ledger_id,
            "number": item.number,
            "name": item.name,
            "type": item.type.value,
            "subtype": item.subtype,
            "normal_balance": item.normal_balance.value,
            **{name: format_minor(getattr(item, name), exp) for name in TRIAL_BALANCE_AMOUNTS},
        }

    return {
        "book_id": report.book_id,
        "currency": report.currency,
        "from": report.date_from.isoformat(),
        "to": report.date_to.isoformat(),
        "fiscal_year": report.fiscal_year,
        "data": [row(item) for item in report.rows],
        "totals": {
            name: format_minor(getattr(report.totals, name), exp) for name in TRIAL_BALANCE_TOTALS
        },
    }


def _statement_row_dict(row: StatementRow, exp: int) -> dict[str, Any]:
    return {
        "ledger_id": row.ledger_id,
        "number": row.number,
        "name": row.name,
        "subtype": row.subtype,
        "normal_balance": row.normal_balance.value if row.normal_balance else None,
        "computed": row.computed.value if row.computed else None,
        "amount": format_minor(row.amount, exp),
        "previous": _optional(row.previous, exp),
    }


def _optional(value: int | None, exp: int) -> str | None:
    return None if value is None else format_minor(value, exp)


def _section_dict(section: BalanceSheetSection, exp: int) -> dict[str, Any]:
    return {
        "type": section.type.value,
        "total": format_minor(section.total, exp),
        "previous_total": _optional(section.previous_total, exp),
        "groups": [
            {
                "subtype": group.subtype,
                "total": format_minor(group.total, exp),
                "previous_total": _optional(group.previous_total, exp),
                "rows": [_statement_row_dict(row, exp) for row in group.rows],
            }
            for group in section.groups
        ],
    }


def _balance_sheet_dict(report: BalanceSheet) -> dict[str, Any]:
    exp = report.exponent
    return {
        "book_id": report.book_id,
        "currency": report.currency,
        "as_of": report.as_of.isoformat(),
        "fiscal_year_begin": report.fiscal_year_begin.isoformat(),
        "previous_as_of": report.previous_as_of.isoformat() if report.previous_as_of else None,
        "assets": _section_dict(report.assets, exp),
        "liabilities": _section_dict(report.liabilities, exp),
        "equity": _section_dict(report.equity, exp),
        "current_year_earnings": format_minor(report.current_year_earnings, exp),
        "retained_earnings": format_minor(report.retained_earnings, exp),
        "total_assets": format_minor(report.assets.total, exp),
        "total_liabilities_and_equity": format_minor(report.total_liabilities_and_equity, exp),
        "previous_total_assets": _optional(report.assets.previous_total, exp),
        "previous_total_liabilities_and_equity": _optional(
            report.previous_total_liabilities_and_equity, exp
        ),
        "balanced": report.balanced,
    }


def _pl_section_dict(section: IncomeStatementSection, exp: int) -> dict[str, Any]:
    return {
        "type": section.type.value,
        "amounts": [format_minor(value, exp) for value in section.amounts],
        "total": format_minor(section.total, exp),
        "previous": _optional(section.previous, exp),
        "rows": [
            {
                "ledger_id": row.ledger_id,
                "number": row.number,
                "name": row.name,
                "subtype": row.subtype,
                "normal_balance": row.normal_balance.value,
                "amounts": [format_minor(value, exp) for value in row.amounts],
                "total": format_minor(row.total, exp),
                "previous": _optional(row.previous, exp),
            }
            for row in section.rows
        ],
    }


def _income_statement_dict(report: IncomeStatement) -> dict[str, Any]:
    exp = report.exponent
    return {
        "book_id": report.book_id,
        "currency": report.currency,
        "from": report.date_from.isoformat(),
        "to": report.date_to.isoformat(),
        "interval": report.interval.value if report.interval else None,
        "columns": [
            {"label": c.label, "from": c.date_from.isoformat(), "to": c.date_to.isoformat()}
            for c in report.columns
        ],
        "revenue": _pl_section_dict(report.revenue, exp),
        "expense": _pl_section_dict(report.expense, exp),
        "net_income": {
            "amounts": [format_minor(value, exp) for value in report.net_income],
            "total": format_minor(report.net_income_total, exp),
            "previous": _optional(report.net_income_previous, exp),
        },
        "previous_from": report.previous_from.isoformat() if report.previous_from else None,
        "previous_to": report.previous_to.isoformat() if report.previous_to else None,
    }


def _ledger_statement_dict(report: LedgerStatement) -> dict[str, Any]:
    exp = report.exponent
    return {
        "book_id": report.book_id,
        "currency": report.currency,
        "ledger": {
            "ledger_id": report.ledger_id,
            "number": report.number,
            "name": report.name,
            "type": report.type.value,
            "normal_balance": report.normal_balance.value,
        },
        "from": report.date_from.isoformat(),
        "to": report.date_to.isoformat(),
        "opening_balance": format_minor(report.opening_balance, exp),
        "page_opening": format_minor(report.page_opening, exp),
        "closing_balance": format_minor(report.closing_balance, exp),
        "data": [
            {
                "date": line.date.isoformat(),
                "journal_number": line.journal_number,
                "line_no": line.line_no,
                "entry_id": line.entry_id,
                "line_id": line.line_id,
                "kind": line.kind,
                "is_opening_balance": line.is_opening_balance,
                "description": line.description,
                "debit": format_minor(line.debit, exp),
                "credit": format_minor(line.credit, exp),
                "balance": format_minor(line.balance, exp),
            }
            for line in report.lines
        ],
        "next_cursor": report.next_cursor,
    }


# ---------------------------------------------------------------------------------------------
# the tabular form


def to_sheet(report: Report) -> Sheet:
    if isinstance(report, TrialBalance):
        return _trial_balance_sheet(report)
    if isinstance(report, BalanceSheet):
        return _balance_sheet_sheet(report)
    if isinstance(report, IncomeStatement):
        return _income_statement_sheet(report)
    if isinstance(report, AgedReport):
        kind = "receivables" if report.kind.value == "customer" else "payables"
        title = f"Aged {kind} as of {report.as_of.isoformat()}"
        amounts = {*BUCKET_TITLES.values(), "total"}
        return _sheet(report, title, AGED_HEADERS, amounts, aged_rows(report))
    return _ledger_statement_sheet(report)


def _sheet(
    report: Report, title: str, headers: tuple[str, ...], amounts: set[str], rows: list[Any]
) -> Sheet:
    return Sheet(
        title=title,
        headers=headers,
        amount_columns=frozenset(i for i, name in enumerate(headers) if name in amounts),
        rows=tuple(tuple(row) for row in rows),
        currency=report.currency,
        exponent=report.exponent,
    )


TRIAL_BALANCE_HEADERS = ("number", "name", "type", "normal_balance", *TRIAL_BALANCE_AMOUNTS)


def _trial_balance_sheet(report: TrialBalance) -> Sheet:
    headers = (*TRIAL_BALANCE_HEADERS, "ledger_id")
    rows: list[list[Cell]] = [
        [
            row.number,
            row.name,
            row.type.value,
            row.normal_balance.value,
            *(getattr(row, name) for name in TRIAL_BALANCE_AMOUNTS),
            row.ledger_id,
        ]
        for row in report.rows
    ]
    totals = report.totals
    rows.append(
        [
            None,
            "Total",
            None,
            None,
            *(
                getattr(totals, name) if name in TRIAL_BALANCE_TOTALS else None
                for name in TRIAL_BALANCE_AMOUNTS
            ),
            None,
        ]
    )
    title = f"Trial balance {report.date_from.isoformat()} to {report.date_to.isoformat()}"
    return _sheet(report, title, headers, set(TRIAL_BALANCE_AMOUNTS), rows)


BALANCE_SHEET_HEADERS = ("section", "group", "number", "name", "amount", "ledger_id", "row_type")


def _balance_sheet_sheet(report: BalanceSheet) -> Sheet:
    """One row per ledger, group total, section total; with a compared year, its amount in a
    `previous` column after `amount`."""
    compared = report.previous_as_of is not None

    def line(
        kind: str | None, group: str | None, number: str | None, name: str,
        amount: int, previous: int | None, ledger_id: str | None, row_type: str,
    ) -> list[Cell]:  # fmt: skip
        return [kind, group, number, name, amount, *([previous] if compared else []),
                ledger_id, row_type]  # fmt: skip

    rows: list[list[Cell]] = []
    for section in report.sections:
        kind = section.type.value
        for group in section.groups:
            for row in group.rows:
                row_type = "computed" if row.computed else "ledger"
                rows.append(
                    line(kind, group.subtype, row.number, row.name, row.amount, row.previous,
                         row.ledger_id, row_type)
                )  # fmt: skip
            rows.append(
                line(kind, group.subtype, None, total_label(subtype_label(group.subtype)),
                     group.total, group.previous_total, None, "group")
            )  # fmt: skip
        rows.append(
            line(kind, None, None, total_label(type_label(kind)), section.total,
                 section.previous_total, None, "section")
        )  # fmt: skip
    rows.append(
        line(None, None, None, "Total liabilities and equity",
             report.total_liabilities_and_equity, report.previous_total_liabilities_and_equity,
             None, "liabilities_and_equity")
    )  # fmt: skip
    headers: tuple[str, ...] = BALANCE_SHEET_HEADERS
    if compared:
        headers = (*headers[:5], "previous", *headers[5:])
    title = f"Balance sheet as of {report.as_of.isoformat()}"
    return _sheet(report, title, headers, {"amount", "previous"}, rows)


def _income_statement_sheet(report: IncomeStatement) -> Sheet:
    labels = tuple(column.label for column in report.columns)
    compared = report.previous_from is not None
    previous_header = ("previous",) if compared else ()
    headers = ("section", "number", "name", *labels, "total", *previous_header, "ledger_id",
               "row_type")  # fmt: skip

    def previous(value: int | None) -> list[Cell]:
        return [value] if compared else []

    rows: list[list[Cell]] = []
    for section in (report.revenue, report.expense):
        kind = section.type.value
        for row in section.rows:
            rows.append(
                [kind, row.number, row.name, *row.amounts, row.total, *previous(row.previous),
                 row.ledger_id, "ledger"]
            )  # fmt: skip
        rows.append(
            [kind, None, total_label(type_label(kind)), *section.amounts, section.total,
             *previous(section.previous), None, "section"]
        )  # fmt: skip
    rows.append(
        [None, None, "Net income", *report.net_income, report.net_income_total,
         *previous(report.net_income_previous), None, "net_income"]
    )  # fmt: skip
    title = f"Income statement {report.date_from.isoformat()} to {report.date_to.isoformat()}"
    # Column labels are distinct from the fixed headers ("2025-01", "2025-Q1", "FY2025/26").
    return _sheet(report, title, headers, {*labels, "total", "previous"}, rows)


LEDGER_STATEMENT_HEADERS = (
    "date",
    "journal_number",
    "entry_id",
    "description",
    "debit",
    "credit",
    "balance",
    "kind",
    "row_type",
)


def _ledger_statement_sheet(report: LedgerStatement) -> Sheet:
    first_page = report.cursor is None
    rows: list[list[Cell]] = [
        [
            report.date_from.isoformat(),
            None,
            None,
            "Opening balance" if first_page else "Balance brought forward",
            None,
            None,
            report.page_opening,
            None,
            "opening",
        ]
    ]
    for line in report.lines:
        rows.append(
            [
                line.date.isoformat(),
                line.journal_number,
                line.entry_id,
                line.description,
                line.debit,
                line.credit,
                line.balance,
                line.kind,
                "line",
            ]
        )
    if report.next_cursor is None:
        rows.append(
            [
                report.date_to.isoformat(),
                None,
                None,
                "Closing balance",
                None,
                None,
                report.closing_balance,
                None,
                "closing",
            ]
        )
    label = report.number or report.ledger_id
    title = f"Ledger {label} {report.name}"
    return _sheet(report, title, LEDGER_STATEMENT_HEADERS, {"debit", "credit", "balance"}, rows)


# ---------------------------------------------------------------------------------------------
# CSV and XLSX


def render_csv(report: Report) -> bytes:
    """UTF-8 CSV: a header row, then the sheet's rows; amounts as decimal strings."""
    sheet = to_sheet(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow(
            [
                ""
                if cell is None
                else format_minor(cell, sheet.exponent)
                if index in sheet.amount_columns and isinstance(cell, int)
                else cell
                for index, cell in enumerate(row)
            ]
        )
    return buffer.getvalue().encode("utf-8")


def number_format(exponent: int) -> str:
    return "#,##0" if exponent == 0 else "#,##0." + "0" * exponent


def render_xlsx(report: Report) -> bytes:
    """One worksheet: a bold header row, then the rows; amounts as numbers with the currency's
    decimals (written from Decimal, never through a float in Folio)."""
    from openpyxl import Workbook  # imported when needed: it adds 0.05 s to every CLI start
    from openpyxl.styles import Font

    sheet = to_sheet(report)
    book = Workbook()
    ws = book.active
    ws.title = _sheet_title(sheet.title)
    ws.append(list(sheet.headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    fmt = number_format(sheet.exponent)
    for row in sheet.rows:
        ws.append(
            [
                to_decimal(cell, sheet.exponent)
                if index in sheet.amount_columns and isinstance(cell, int)
                else cell
                for index, cell in enumerate(row)
            ]
        )
    for index in sheet.amount_columns:
        for (cell,) in ws.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = fmt
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31]
