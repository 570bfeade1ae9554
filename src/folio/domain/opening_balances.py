"""Opening-balance rules (DESIGN §3) that need no storage: rows of a trial-balance set.

Row problems are collected as data, every one with its row, so an import can report them all
at once; the service raises the first kind of problem with the whole list attached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from folio.domain.ledgers import LedgerType

SOURCE_KEY = "folio.opening_balance"
SOURCE_LEDGER = "ledger"
SOURCE_SET = "set"

# The order in which row problems are reported as the error of a whole request.
ROW_CODES = ("INVALID_BALANCE_ENTRY", "ACCOUNTS_NOT_FOUND", "ACCOUNT_TYPE_NOT_ALLOWED")


@dataclass(frozen=True, slots=True)
class SetRow:
    """One trial-balance row: a ledger by number or id, and a debit or a credit in minor units."""

    index: int
    debit: int
    credit: int
    ledger_number: str | None = None
    ledger_id: str | None = None
    name: str | None = None

    @property
    def ref(self) -> str:
        return self.ledger_number or self.ledger_id or f"row {self.index}"

    @property
    def skipped(self) -> bool:
        return self.debit == 0 and self.credit == 0


@dataclass(frozen=True, slots=True)
class RowProblem:
    index: int
    code: str
    message: str
    account: str | None = None

    def as_data(self) -> dict[str, object]:
        return {
            "row": self.index,
            "code": self.code,
            "account": self.account,
            "message": self.message,
        }


def amount_problems(rows: Sequence[SetRow]) -> list[RowProblem]:
    """Each row has exactly one side above zero; both zero is skipped; anything else is bad."""
    problems = []
    # Keys that occur twice, found by sorting references (8 bytes a row) rather than keeping
    # every key with its row (a 100,000-row import's memory is bounded by its rows: bench/).
    keys = sorted(row.ledger_id or row.ledger_number or "" for row in rows if not row.skipped)
    repeated = {key for key, after in pairwise(keys) if key == after}
    del keys
    seen: dict[str, int] = {}
    for row in rows:
        reason = None
        if row.debit < 0 or row.credit < 0:
            reason = "amounts cannot be negative; put a negative balance on the other side"
        elif row.debit > 0 and row.credit > 0:
            reason = "give either a debit or a credit balance, not both"
        elif row.ledger_number is None and row.ledger_id is None:
            reason = "the account is missing"
        if reason is None and not row.skipped:
            key = row.ledger_id or row.ledger_number or ""
            if key in seen:
                reason = f"account {row.ref} appears again (first in row {seen[key]})"
            elif key in repeated:
                seen[key] = row.index
        if reason:
            problems.append(
                RowProblem(
                    row.index, "INVALID_BALANCE_ENTRY", f"row {row.index}: {reason}", row.ref
                )
            )
    return problems


def type_allowed(ledger_type: LedgerType, *, mid_year: bool) -> bool:
    """Balance-sheet ledgers always; revenue and expense only in a mid-year conversion."""
    return ledger_type.is_balance_sheet or mid_year
