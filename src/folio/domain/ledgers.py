"""Ledger (account) vocabulary: types, subtypes, normal balance and system roles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from folio.domain.errors import InvalidInput


class LedgerType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"

    @property
    def is_balance_sheet(self) -> bool:
        return self in (LedgerType.ASSET, LedgerType.LIABILITY, LedgerType.EQUITY)

    @property
    def default_normal_balance(self) -> Side:
        return Side.DEBIT if self in (LedgerType.ASSET, LedgerType.EXPENSE) else Side.CREDIT


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"

    @property
    def opposite(self) -> Side:
        return Side.CREDIT if self is Side.DEBIT else Side.DEBIT


# Subtypes refine a type for reports (balance-sheet grouping) and for vendor adapters.
SUBTYPES: dict[LedgerType, tuple[str, ...]] = {
    LedgerType.ASSET: (
        "cash",
        "bank",
        "receivable",
        "inventory",
        "prepaid",
        "tax_receivable",
        "current_asset",
        "intangible_asset",
        "fixed_asset",
        "accumulated_depreciation",
        "financial_asset",
        "other_asset",
    ),
    LedgerType.LIABILITY: (
        "payable",
        "tax_payable",
        "accrued_liability",
        "provision",
        "loan",
        "current_liability",
        "long_term_liability",
        "other_liability",
    ),
    LedgerType.EQUITY: (
        "capital",
        "reserves",
        "retained_earnings",
        "current_year_earnings",
        "drawings",
        "opening_balance",
        "other_equity",
    ),
    LedgerType.REVENUE: (
        "operating_revenue",
        "other_income",
        "interest_income",
    ),
    LedgerType.EXPENSE: (
        "cost_of_goods_sold",
        "operating_expense",
        "payroll",
        "depreciation",
        "interest_expense",
        "tax_expense",
        "other_expense",
    ),
}


# What people read for a type and a subtype (report headings, group rows, totals); the keys
# stay the machine's (JSON, CSV columns `section` and `group`).
TYPE_LABELS: dict[LedgerType, str] = {
    LedgerType.ASSET: "Assets",
    LedgerType.LIABILITY: "Liabilities",
    LedgerType.EQUITY: "Equity",
    LedgerType.REVENUE: "Revenue",
    LedgerType.EXPENSE: "Expenses",
}
SUBTYPE_LABELS: dict[str, str] = {
    "cash": "Cash",
    "bank": "Bank accounts",
    "receivable": "Receivables",
    "inventory": "Inventory",
    "prepaid": "Prepaid expenses",
    "tax_receivable": "Tax receivables",
    "current_asset": "Other current assets",
    "intangible_asset": "Intangible assets",
    "fixed_asset": "Fixed assets",
    "accumulated_depreciation": "Accumulated depreciation",
    "financial_asset": "Financial assets",
    "other_asset": "Other assets",
    "payable": "Payables",
    "tax_payable": "Tax payables",
    "accrued_liability": "Accrued liabilities",
    "provision": "Provisions",
    "loan": "Loans",
    "current_liability": "Other current liabilities",
    "long_term_liability": "Long-term liabilities",
    "other_liability": "Other liabilities",
    "capital": "Capital",
    "reserves": "Reserves",
    "retained_earnings": "Retained earnings",
    "current_year_earnings": "Current year earnings",
    "drawings": "Drawings",
    "opening_balance": "Opening balances",
    "other_equity": "Other equity",
    "operating_revenue": "Operating revenue",
    "other_income": "Other income",
    "interest_income": "Interest income",
    "cost_of_goods_sold": "Cost of goods sold",
    "operating_expense": "Operating expenses",
    "payroll": "Payroll",
    "depreciation": "Depreciation",
    "interest_expense": "Interest expense",
    "tax_expense": "Tax expense",
    "other_expense": "Other expenses",
}


def type_label(value: LedgerType | str) -> str:
    return TYPE_LABELS[LedgerType(value)]


def subtype_label(subtype: str) -> str:
    """'fixed_asset' -> 'Fixed assets'; a subtype without a label reads as its words."""
    return SUBTYPE_LABELS.get(subtype) or subtype.replace("_", " ").capitalize()


def total_label(label: str) -> str:
    """'Fixed assets' -> 'Total fixed assets'."""
    return f"Total {label[:1].lower()}{label[1:]}"


class Role(StrEnum):
    """System ledgers that Folio itself posts to; they cannot be deleted."""

    OPENING_BALANCES = "opening_balances"
    RETAINED_EARNINGS = "retained_earnings"
    CURRENT_YEAR_EARNINGS = "current_year_earnings"
    RECEIVABLES_CARRY_FORWARD = "receivables_carry_forward"
    PAYABLES_CARRY_FORWARD = "payables_carry_forward"
    # The control ledgers of customers' and suppliers' open items (SKR04 1200 and 3300, SKR03
    # 1400 and 1600, US Accounts Receivable and Payable).
    RECEIVABLES = "receivables"
    PAYABLES = "payables"


def default_subtype(ledger_type: LedgerType) -> str:
    return SUBTYPES[ledger_type][-1]


@dataclass(frozen=True, slots=True)
class Ledger:
    id: str
    book_id: str
    number: str | None
    name: str
    type: LedgerType
    subtype: str
    normal_balance: Side
    parent_id: str | None
    role: Role | None
    archived: bool
    debits_posted: int
    credits_posted: int
    description: str | None = None

    @property
    def balance(self) -> int:
        return signed_balance(self.normal_balance, self.debits_posted, self.credits_posted)


def signed_balance(normal: Side, debits: int, credits: int) -> int:
    """Positive on the ledger's normal side."""
    return debits - credits if normal is Side.DEBIT else credits - debits


def check_subtype(ledger_type: LedgerType, subtype: str | None) -> str:
    if subtype is None:
        return default_subtype(ledger_type)
    if subtype not in SUBTYPES[ledger_type]:
        raise InvalidInput(
            f"Subtype {subtype!r} does not belong to type {ledger_type.value}; "
            f"choose one of {', '.join(SUBTYPES[ledger_type])}.",
            {"field": "subtype", "allowed": list(SUBTYPES[ledger_type])},
        )
    return subtype


def check_number(number: str | None) -> str | None:
    if number is None:
        return None
    if not isinstance(number, str) or not _NUMBER.match(number):
        raise InvalidInput(
            "A ledger number is 1 to 20 digits.", {"field": "number", "value": number}
        )
    return number


_NUMBER = re.compile(r"^[0-9]{1,20}\Z")
