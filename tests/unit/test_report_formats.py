"""Renderers: CSV and XLSX read back (csv module, openpyxl) equal the dict form, cent for cent.

Reports are built by hand here (no database); `tests/integration/test_reports.py` runs the same
checks on reports of real books. The expected values always come from `as_dict`, never from
the tabular form the renderers share, so a slip in that form shows.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from folio.domain.ledgers import LedgerType, Side, subtype_label, total_label, type_label
from folio.service.report_formats import (
    TRIAL_BALANCE_AMOUNTS,
    TRIAL_BALANCE_TOTALS,
    Report,
    as_dict,
    number_format,
    render_csv,
    render_xlsx,
)
from folio.service.reports import (
    BalanceSheet,
    BalanceSheetGroup,
    BalanceSheetSection,
    Column,
    ComputedRow,
    IncomeStatement,
    IncomeStatementRow,
    IncomeStatementSection,
    Interval,
    LedgerStatement,
    StatementLine,
    StatementRow,
    TrialBalance,
    TrialBalanceRow,
    TrialBalanceTotals,
)

Table = list[dict[str, str]]


# ---------------------------------------------------------------------------------------------
# reading back


def read_csv(data: bytes) -> Table:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def read_xlsx(data: bytes, exponent: int) -> Table:
    """The first sheet as strings; numbers back to decimal strings with `exponent` decimals,
    after checking each amount cell's number format."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    quantum = Decimal(1).scaleb(-exponent)
    table: Table = []
    for row in rows[1:]:
        item: dict[str, str] = {}
        for header, cell in zip(headers, row, strict=True):
            value = cell.value
            if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
                if header != "journal_number":
                    assert cell.number_format == number_format(exponent), header
                    value = str(Decimal(str(value)).quantize(quantum))
            item[str(header)] = "" if value is None else str(value)
        table.append(item)
    return table


def check_table(report: Report, table: Table) -> None:
    """`table` (read back from CSV or XLSX) says what `as_dict(report)` says."""
    data = as_dict(report)
    if isinstance(report, TrialBalance):
        assert len(table) == len(data["data"]) + 1
        for row, expected in zip(table, data["data"], strict=False):
            assert row["ledger_id"] == expected["ledger_id"]
            assert row["number"] == (expected["number"] or "")
            assert row["name"] == expected["name"]
            for name in TRIAL_BALANCE_AMOUNTS:
                assert row[name] == expected[name], name
        total = table[-1]
        assert total["name"] == "Total"
        assert {name: total[name] for name in TRIAL_BALANCE_TOTALS} == data["totals"]
    elif isinstance(report, BalanceSheet):
        expected_rows: list[tuple[str, str, str, str]] = []
        for kind in ("assets", "liabilities", "equity"):
            section = data[kind]
            for group in section["groups"]:
                for row in group["rows"]:
                    expected_rows.append(
                        (section["type"], group["subtype"], row["name"], row["amount"])
                    )
                group_total = total_label(subtype_label(group["subtype"]))
                expected_rows.append(
                    (section["type"], group["subtype"], group_total, group["total"])
                )
            expected_rows.append(
                (section["type"], "", total_label(type_label(section["type"])), section["total"])
            )
        expected_rows.append(
            ("", "", "Total liabilities and equity", data["total_liabilities_and_equity"])
        )
        assert [(r["section"], r["group"], r["name"], r["amount"]) for r in table] == expected_rows
    elif isinstance(report, IncomeStatement):
        labels = [column["label"] for column in data["columns"]]
        expected_rows2: list[list[str]] = []
        for kind in ("revenue", "expense"):
            section = data[kind]
            for row in section["rows"]:
                expected_rows2.append([row["name"], *row["amounts"], row["total"]])
            expected_rows2.append(
                [total_label(type_label(kind)), *section["amounts"], section["total"]]
            )
        net = data["net_income"]
        expected_rows2.append(["Net income", *net["amounts"], net["total"]])
        got = [[r["name"], *(r[label] for label in labels), r["total"]] for r in table]
        assert got == expected_rows2
    else:
        assert isinstance(report, LedgerStatement)
        assert table[0]["row_type"] == "opening"
        assert table[0]["balance"] == data["page_opening"]
        lines = [r for r in table if r["row_type"] == "line"]
        assert [
            (r["entry_id"], r["journal_number"], r["debit"], r["credit"], r["balance"])
            for r in lines
        ] == [
            (x["entry_id"], str(x["journal_number"]), x["debit"], x["credit"], x["balance"])
            for x in data["data"]
        ]
        closing = [r for r in table if r["row_type"] == "closing"]
        if data["next_cursor"] is None:
            assert [r["balance"] for r in closing] == [data["closing_balance"]]
        else:
            assert closing == []


def check_renderers(report: Report) -> None:
    check_table(report, read_csv(render_csv(report)))
    check_table(report, read_xlsx(render_xlsx(report), report.exponent))


# ---------------------------------------------------------------------------------------------
# hand-built reports

amounts = st.integers(-(10**13), 10**13)  # 15 significant digits: what a spreadsheet holds


def tb_row(index: int, values: list[int], normal: Side) -> TrialBalanceRow:
    opening, carried, debit, credit = values
    return TrialBalanceRow(
        ledger_id=f"ldg_{index}",
        number=str(1000 + index) if index % 3 else None,
        name=f'Ledger, "{index}"; ä',
        type=LedgerType.ASSET,
        subtype="bank",
        normal_balance=normal,
        opening_balance=opening,
        carried_forward=carried,
        debit=abs(debit),
        credit=abs(credit),
        closing=opening
        + carried
        + (abs(debit) - abs(credit)) * (1 if normal is Side.DEBIT else -1),
    )


@settings(max_examples=30)
@given(
    exponent=st.sampled_from([0, 2, 3]),
    rows=st.lists(
        st.tuples(st.lists(amounts, min_size=4, max_size=4), st.sampled_from(list(Side))),
        max_size=6,
    ),
)
def test_trial_balance_reads_back(exponent: int, rows: list[tuple[list[int], Side]]) -> None:
    items = tuple(tb_row(i, values, normal) for i, (values, normal) in enumerate(rows))
    totals = TrialBalanceTotals(
        *(
            sum(getattr(row, name) for row in items)
            for name in (
                "opening_debit",
                "opening_credit",
                "carried_forward_debit",
                "carried_forward_credit",
                "debit",
                "credit",
                "closing_debit",
                "closing_credit",
            )
        )
    )
    report = TrialBalance(
        "bk_1", "EUR", exponent, date(2025, 1, 1), date(2025, 12, 31), items, totals
    )
    check_renderers(report)


def row(name: str, amount: int, subtype: str, kind: LedgerType) -> StatementRow:
    return StatementRow("ldg_" + name, "1", name, kind, subtype, Side.DEBIT, amount)


@settings(max_examples=20)
@given(exponent=st.sampled_from([0, 2, 3]), values=st.lists(amounts, min_size=4, max_size=4))
def test_balance_sheet_reads_back(exponent: int, values: list[int]) -> None:
    bank, loan, capital, earnings = values
    assets = BalanceSheetSection(
        LedgerType.ASSET,
        (BalanceSheetGroup("bank", (row("Bank", bank, "bank", LedgerType.ASSET),), bank),),
        bank,
    )
    liabilities = BalanceSheetSection(
        LedgerType.LIABILITY,
        (BalanceSheetGroup("loan", (row("Loan", loan, "loan", LedgerType.LIABILITY),), loan),),
        loan,
    )
    computed = StatementRow(
        None,
        None,
        "Current year earnings",
        LedgerType.EQUITY,
        "current_year_earnings",
        None,
        earnings,
        ComputedRow.CURRENT_YEAR_EARNINGS,
    )
    equity = BalanceSheetSection(
        LedgerType.EQUITY,
        (
            BalanceSheetGroup(
                "capital", (row("Capital", capital, "capital", LedgerType.EQUITY),), capital
            ),
            BalanceSheetGroup("current_year_earnings", (computed,), earnings),
        ),
        capital + earnings,
    )
    report = BalanceSheet(
        "bk_1",
        "EUR",
        exponent,
        date(2025, 6, 30),
        date(2025, 1, 1),
        assets,
        liabilities,
        equity,
        earnings,
        0,
    )
    check_renderers(report)
    assert as_dict(report)["equity"]["groups"][1]["rows"][0]["computed"] == "current_year_earnings"


@settings(max_examples=20)
@given(
    exponent=st.sampled_from([0, 2]),
    revenue=st.lists(amounts, min_size=3, max_size=3),
    expense=st.lists(amounts, min_size=3, max_size=3),
)
def test_income_statement_reads_back(exponent: int, revenue: list[int], expense: list[int]) -> None:
    columns = tuple(Column(f"2025-0{m}", date(2025, m, 1), date(2025, m, 28)) for m in (1, 2, 3))

    def section(kind: LedgerType, values: list[int]) -> IncomeStatementSection:
        item = IncomeStatementRow(
            "ldg_" + kind.value, "4000", kind.value.title(), kind, "x", Side.CREDIT,
            tuple(values), sum(values),
        )  # fmt: skip
        return IncomeStatementSection(kind, (item,), tuple(values), sum(values))

    rev, exp = section(LedgerType.REVENUE, revenue), section(LedgerType.EXPENSE, expense)
    net = tuple(r - e for r, e in zip(revenue, expense, strict=True))
    report = IncomeStatement(
        "bk_1", "EUR", exponent, date(2025, 1, 1), date(2025, 3, 28), Interval.MONTH,
        columns, rev, exp, net, sum(net),
    )  # fmt: skip
    check_renderers(report)


@pytest.mark.parametrize("next_cursor", [None, "2025-01-02~2~0"])
def test_ledger_statement_reads_back(next_cursor: str | None) -> None:
    lines = tuple(
        StatementLine(
            date(2025, 1, day),
            day,
            0,
            f"je_{day}",
            f"le_{day}",
            "manual",
            day == 1,
            f'Line {day}, "quoted"',
            debit,
            credit,
            balance,
        )  # fmt: skip
        for day, debit, credit, balance in ((1, 10_000, 0, 15_000), (2, 0, 1, 14_999))
    )
    report = LedgerStatement(
        "bk_1", "EUR", 2, "ldg_1", "1000", "Bank", LedgerType.ASSET, Side.DEBIT,
        date(2025, 1, 1), date(2025, 1, 31), 5_000, 5_000, lines, 14_999, None, next_cursor,
    )  # fmt: skip
    check_renderers(report)
    assert as_dict(report)["data"][1]["credit"] == "0.01"


def test_csv_amounts_are_decimal_strings_and_xlsx_numbers() -> None:
    item = tb_row(1, [-123_456, 5, 7, 0], Side.CREDIT)
    totals = TrialBalanceTotals(0, 0, 0, 0, 7, 0, 0, 0)
    report = TrialBalance("bk_1", "KWD", 3, date(2025, 1, 1), date(2025, 1, 31), (item,), totals)
    text = render_csv(report).decode()
    assert ",-123.456,0.005,0.007,0.000," in text
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(report))).active
    cell: Any = sheet["E2"]
    assert cell.value == pytest.approx(-123.456) and cell.number_format == "#,##0.000"
    assert sheet["A1"].font.bold


def test_group_and_section_totals_read_as_words() -> None:
    assert total_label(subtype_label("fixed_asset")) == "Total fixed assets"
    assert total_label(type_label("asset")) == "Total assets"
    assert total_label(type_label("expense")) == "Total expenses"
    assert subtype_label("some_new_kind") == "Some new kind"
