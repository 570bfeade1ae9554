"""Opening-balance rules (DESIGN §3) that need no storage.

A ledger's opening balance is the sum of its opening-balance postings, all dated the book's one
opening date (its entries start). At most one live entry sets it, and that entry's owner, per
ledger setting or one trial-balance set, is stored as data (`OwnerSource`). Row problems of a
set are collected as data, each naming its row the way its source counts it, so an import can
report them all at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from folio.domain.dates import check_day
from folio.domain.errors import InvalidInput
from folio.domain.ledgers import Ledger, Role
from folio.domain.money import check_minor
from folio.domain.text import check_text

# The order in which row problems are reported as the error of a whole request.
ROW_CODES = ("INVALID_BALANCE_ENTRY", "ACCOUNTS_NOT_FOUND", "ACCOUNT_TYPE_NOT_ALLOWED")
# Ledgers Folio itself books opening balances and carried balances against: never a row.
CARRY_FORWARD_SUBTYPE = "opening_balance"
SYSTEM_ROLES = frozenset(
    {
        Role.OPENING_BALANCES,
        Role.RECEIVABLES_CARRY_FORWARD,
        Role.PAYABLES_CARRY_FORWARD,
        Role.CURRENT_YEAR_EARNINGS,
    }
)


class OwnerSource(StrEnum):
    """Who sets a ledger's opening balance: the ledger on its own, a trial-balance set, or (for
    a receivables or payables control ledger) its open items."""

    LEDGER = "ledger"
    SET = "set"
    OPEN_ITEMS = "open_items"  # a control ledger's customers' or suppliers' open items


@dataclass(frozen=True, slots=True)
class SetRow:
    """One trial-balance row: a ledger by number or id, and a debit or a credit in minor units.

    `index` counts the row as its source does: the file line for CSV and XLSX (`kind` "line"),
    the 1-based position for a request body (`kind` "row", with `path` such as `balances[3]`).
    """

    index: int
    debit: int
    credit: int
    ledger_number: str | None = None
    ledger_id: str | None = None
    name: str | None = None
    path: str | None = None
    kind: str = "row"

    @property
    def ref(self) -> str:
        return self.ledger_number or self.ledger_id or self.label

    @property
    def label(self) -> str:
        return f"{self.kind} {self.index}" + (f" ({self.path})" if self.path else "")

    @property
    def skipped(self) -> bool:
        return self.debit == 0 and self.credit == 0


@dataclass(frozen=True, slots=True)
class RowProblem:
    index: int
    code: str
    message: str
    account: str | None = None
    path: str | None = None

    def as_data(self) -> dict[str, object]:
        return {
            "row": self.index,
            "path": self.path,
            "code": self.code,
            "account": self.account,
            "message": self.message,
        }


def row_problem(row: SetRow, code: str, reason: str) -> RowProblem:
    return RowProblem(row.index, code, f"{row.label}: {reason}", row.ref, row.path)


def amount_problems(rows: Sequence[SetRow]) -> list[RowProblem]:
    """Each row has exactly one side above zero (both zero is skipped) and names an account."""
    problems = []
    for row in rows:
        reason = None
        try:  # a library caller's row; files and bodies are read by parse_minor
            check_minor(row.debit, "debit")
            check_minor(row.credit, "credit")
            check_text(row.ledger_number, "ledger_number")
            check_text(row.ledger_id, "ledger_id")
        except InvalidInput as exc:
            problems.append(row_problem(row, "INVALID_BALANCE_ENTRY", exc.message))
            continue
        if row.debit < 0 or row.credit < 0:
            reason = "amounts cannot be negative; put a negative balance on the other side"
        elif row.debit > 0 and row.credit > 0:
            reason = "give either a debit or a credit balance, not both"
        elif row.ledger_number is None and row.ledger_id is None:
            reason = "the account is missing"
        if reason:
            problems.append(row_problem(row, "INVALID_BALANCE_ENTRY", reason))
    return problems


def label(ledger: Ledger) -> str:
    return f"{ledger.number} {ledger.name}" if ledger.number else ledger.name


def refusal(ledger: Ledger, *, offset_id: str, mid_year: bool) -> tuple[str, str] | None:
    """Why `ledger` cannot take an opening balance, as (code, reason), or None if it can.

    Balance-sheet ledgers can; revenue and expense ledgers only in a mid-year conversion (their
    year-to-date figures); never the offset, the other carry-forward ledgers (9008, 9009, 9090)
    or an archived ledger.
    """
    if ledger.id == offset_id:
        return (
            "INVALID_BALANCE_ENTRY",
            f"{label(ledger)} is the opening-balance offset account; it takes the other side "
            "of every opening balance and is booked automatically",
        )
    if ledger.subtype == CARRY_FORWARD_SUBTYPE or ledger.role in SYSTEM_ROLES:
        return (
            "INVALID_BALANCE_ENTRY",
            f"{label(ledger)} is a system account for carried balances and takes no opening "
            "balance of its own",
        )
    if not (ledger.type.is_balance_sheet or mid_year):
        return (
            "ACCOUNT_TYPE_NOT_ALLOWED",
            f"{label(ledger)} is a {ledger.type.value} account; only balance-sheet accounts "
            "take opening balances, unless the book starts mid-year",
        )
    if ledger.archived:
        return "INVALID_BALANCE_ENTRY", f"{label(ledger)} is archived"
    return None


def check_opening_date(day: date | None, opening_date: date, *, field: str = "date") -> date:
    """Every opening balance is dated the book's opening date; None means that date."""
    if day is None:
        return opening_date
    if check_day(day, field) == opening_date:  # a type test first: text is no date
        return opening_date
    raise InvalidInput(
        f"Opening balances are dated the book's opening date, {opening_date} (its entries "
        f"start), not {day}. Later fiscal years open with the balances carried forward from "
        "the year before; nothing is booked for them.",
        {
            "field": field,
            "date": day.isoformat(),
            "opening_date": opening_date.isoformat(),
        },
    )
