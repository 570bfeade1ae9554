"""Teal's shapes (docs.teal.dev; seed 001) and their translation to and from Folio's.

The Teal view of a book:
- a ledger's `sort_code` is its number, `debit_credit` its normal side, `is_required` true for
  Folio's system ledgers (those with a role); the `opening_balances` ledger (9000
  "Saldenvorträge, Sachkonten" or "Opening Balance Equity") is named "Opening Balance Retained
  Earnings", as Teal names the ledger that offsets opening balances;
- an instance has one opening-balance journal entry (`GET /v0/ledgers/opening-balance`), whose
  id is `ob_` + the instance's id suffix: a view gathering the lines of every live
  opening-balance entry (Folio posts one entry per ledger and never edits one);
- Folio entries are immutable, so every line entry has `editable: false`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from folio.api.compat.common import (
    DateTimeIn,
    Number,
    VendorLedgerFields,
    day_start,
    number,
    timestamp,
)
from folio.api.schemas.batches import opening_items
from folio.api.schemas.common import AmountIn
from folio.domain.books import Book
from folio.domain.errors import FolioError, InvalidInput
from folio.domain.journal import Entry, Line
from folio.domain.ledgers import Ledger, LedgerType, Role, Side
from folio.service.opening_batches import MAX_ITEMS as MAX_OPENING_ITEMS
from folio.service.opening_batches import OpeningItem

OPENING_LEDGER_NAME = "Opening Balance Retained Earnings"
VIEW_PREFIX = "ob_"
VIEW_DESCRIPTION = "Opening balances"

EXPAND_LINE_ENTRIES = "line_entries"
EXPAND_TRANSACTION = "line_entries.transaction"
EXPAND_LEDGER = "line_entries.ledger"
EXPAND_OPPOSING = "line_entries.opposing_ledger_ids"
EXPAND_PATHS = (EXPAND_LINE_ENTRIES, EXPAND_TRANSACTION, EXPAND_LEDGER, EXPAND_OPPOSING)


def parse_expand(values: Sequence[str] | None) -> frozenset[str]:
    """`?expand=a,b` (or repeated): every path must be one of the four; a nested one implies
    `line_entries`."""
    found: set[str] = set()
    for value in values or ():
        for path in (part.strip() for part in value.split(",")):
            if not path:
                continue
            if path not in EXPAND_PATHS:
                raise InvalidInput(
                    f"Unknown expand path {path!r}; choose from {', '.join(EXPAND_PATHS)}.",
                    {"field": "expand", "value": path, "allowed": list(EXPAND_PATHS)},
                )
            found.update((path, EXPAND_LINE_ENTRIES))
    return frozenset(found)


def view_id(book_id: str) -> str:
    return VIEW_PREFIX + book_id.removeprefix("bk_")


class TealInput(BaseModel):
    """Teal's API is a FastAPI app: unknown fields are ignored, as there."""

    model_config = ConfigDict(extra="ignore")


# ----------------------------------------------------------------------------- instances

Chart = Literal["skr04", "skr03", "us_small_business", "empty"]


class TealInstanceCreate(TealInput):
    name: str = Field(min_length=1, max_length=200)
    entries_start: DateTimeIn
    coa_template_id: Chart | None = Field(
        None, description="A Folio chart name; default us_small_business."
    )
    accounting_package: Literal["platformgl"] = "platformgl"
    accounting_basis: Literal["accrual"] = "accrual"
    subscription: str | None = Field(None, description="Accepted and ignored (a Teal plan).")
    currency: str = Field("USD", min_length=3, max_length=3, description="Folio extension.")
    custom_coa: dict[str, Any] | None = None
    parent_id: str | None = None

    def unsupported(self) -> dict[str, object]:
        return {"custom_coa": self.custom_coa, "parent_id": self.parent_id}


class TealInstance(BaseModel):
    id: str
    name: str
    entries_start: str
    accounting_package: Literal["platformgl"] = "platformgl"
    accounting_basis: Literal["accrual"] = "accrual"
    parent_id: None = None
    currency: str
    chart: str


def instance(book: Book) -> dict[str, Any]:
    return TealInstance(
        id=book.id,
        name=book.name,
        entries_start=day_start(book.entries_start),
        currency=book.currency,
        chart=book.chart,
    ).model_dump()


# ----------------------------------------------------------------------------- ledgers

TealSubType = Literal[
    "current_assets",
    "non-current_assets",
    "transfers_between_accounts",
    "uncategorized_assets",
    "current_liabilities",
    "non-current_liabilities",
    "equity",
    "retained_earnings",
    "operating_revenues",
    "other_income",
    "cost_of_goods_sold",
    "operating_expenses",
    "other_expenses",
]
SUB_TYPE_IN: dict[str, str] = {
    "current_assets": "current_asset",
    "non-current_assets": "fixed_asset",
    "transfers_between_accounts": "current_asset",
    "uncategorized_assets": "current_asset",
    "current_liabilities": "current_liability",
    "non-current_liabilities": "long_term_liability",
    "equity": "other_equity",
    "retained_earnings": "retained_earnings",
    "operating_revenues": "operating_revenue",
    "other_income": "other_income",
    "cost_of_goods_sold": "cost_of_goods_sold",
    "operating_expenses": "operating_expense",
    "other_expenses": "other_expense",
}
_NON_CURRENT_ASSETS = {
    "intangible_asset",
    "fixed_asset",
    "accumulated_depreciation",
    "financial_asset",
    "other_asset",
}
_NON_CURRENT_LIABILITIES = {"loan", "long_term_liability"}


def teal_sub_type(ledger: Ledger) -> str:
    subtype = ledger.subtype
    match ledger.type:
        case LedgerType.ASSET:
            return "non-current_assets" if subtype in _NON_CURRENT_ASSETS else "current_assets"
        case LedgerType.LIABILITY:
            return (
                "non-current_liabilities"
                if subtype in _NON_CURRENT_LIABILITIES
                else "current_liabilities"
            )
        case LedgerType.EQUITY:
            return "retained_earnings" if subtype == "retained_earnings" else "equity"
        case LedgerType.REVENUE:
            return "operating_revenues" if subtype == "operating_revenue" else "other_income"
        case _:
            if subtype == "cost_of_goods_sold":
                return "cost_of_goods_sold"
            return (
                "other_expenses"
                if subtype in ("interest_expense", "other_expense")
                else "operating_expenses"
            )


class TealLedgerCreate(VendorLedgerFields):
    name: str = Field(min_length=1, max_length=200)
    type: LedgerType
    sub_type: TealSubType | None = None


class TealLedger(BaseModel):
    id: str
    name: str
    sort_code: str | None
    type: LedgerType
    sub_type: str
    debit_credit: Side
    is_required: bool
    editable: bool
    report_cash_flow: bool = False
    financial_account_type: None = None
    parent_id: str | None
    description: str | None
    archived: bool


class TealLedgerPage(BaseModel):
    next_page_token: str | None
    prev_page_token: str | None = None
    records: list[TealLedger]


def ledger(item: Ledger) -> dict[str, Any]:
    return TealLedger(
        id=item.id,
        name=OPENING_LEDGER_NAME if item.role is Role.OPENING_BALANCES else item.name,
        sort_code=item.number,
        type=item.type,
        sub_type=teal_sub_type(item),
        debit_credit=item.normal_balance,
        is_required=item.role is not None,
        editable=item.role is None,
        parent_id=item.parent_id,
        description=item.description,
        archived=item.archived,
    ).model_dump(mode="json")


# ----------------------------------------------------------------------------- opening balance


class TealOpeningBalanceCreate(TealInput):
    balance: AmountIn = Field(
        description="Signed on the ledger's normal side: positive is its debit_credit side."
    )


class TealBalanceItem(TealInput):
    ledger_id: str = Field(max_length=64)
    balance: AmountIn = Field(
        description="Signed on the ledger's normal side: positive is its debit_credit side; "
        "0 clears the opening balance."
    )


class TealOpeningBalancesCreate(TealInput):
    balances: list[TealBalanceItem] = Field(min_length=1, max_length=MAX_OPENING_ITEMS)

    def items(self, book: Book) -> list[OpeningItem]:
        return opening_items(book, [(item.ledger_id, item.balance) for item in self.balances])


class TealItemError(BaseModel):
    code: str
    message: str


class TealOpeningBalanceResult(BaseModel):
    ledger_id: str
    success: bool
    error: TealItemError | None


class TealOpeningBalancesResult(BaseModel):
    results: list[TealOpeningBalanceResult]
    succeeded_count: int
    failed_count: int


def opening_balances_result(
    outcomes: list[tuple[str, FolioError | None]],
) -> TealOpeningBalancesResult:
    results = [
        TealOpeningBalanceResult(
            ledger_id=ledger_id,
            success=error is None,
            error=None if error is None else TealItemError(code=error.code, message=error.message),
        )
        for ledger_id, error in outcomes
    ]
    failed = sum(1 for result in results if not result.success)
    return TealOpeningBalancesResult(
        results=results, succeeded_count=len(results) - failed, failed_count=failed
    )


# ----------------------------------------------------------------------------- journal entries


class TealLineEntryCreate(TealInput):
    amount: AmountIn
    debit_credit: Side
    ledger_id: str = Field(max_length=32)
    description: str | None = Field(None, max_length=512)
    tags: list[str] = Field(default_factory=list, max_length=50)


class TealJournalEntryCreate(TealInput):
    datetime: DateTimeIn
    description: str | None = Field(None, max_length=512)
    line_entries: list[TealLineEntryCreate] = Field(min_length=1, max_length=1000)


class TealTag(BaseModel):
    id: str
    name: str


class TealLineEntry(BaseModel):
    amount: Number
    datetime: str
    debit_credit: Side
    description: str
    editable: bool = False
    id: str
    journal_entry_description: str
    journal_entry_id: str
    ledger_id: str
    ledger_name: str
    tags: list[TealTag]
    transaction_id: None = None
    transaction: None = Field(None, description="With expand=line_entries.transaction.")
    ledger: TealLedger | None = Field(None, description="With expand=line_entries.ledger.")
    opposing_ledger_ids: list[str] | None = Field(
        None, description="With expand=line_entries.opposing_ledger_ids."
    )


class TealJournalEntry(BaseModel):
    id: str
    description: str
    datetime: str
    creation_date: str
    is_opening_balance: bool
    creation_source: Literal["manual"] = "manual"
    line_entry_ids: list[str]
    linked_entity: None = None
    line_entries: list[TealLineEntry] | None = Field(
        None, description="With expand=line_entries (or one of its sub-paths)."
    )


def _line(
    line: Line,
    *,
    day: str,
    entry_id: str,
    entry_description: str,
    lines: Sequence[Line],
    ledgers: Mapping[str, Ledger],
    exponent: int,
    expand: frozenset[str],
) -> dict[str, Any]:
    ledger_of_line = ledgers[line.ledger_id]
    shown = ledger(ledger_of_line)
    read: dict[str, Any] = {
        "amount": number(line.amount, exponent),
        "datetime": day,
        "debit_credit": line.side.value,
        "description": line.description or entry_description,
        "editable": False,
        "id": line.id,
        "journal_entry_description": entry_description,
        "journal_entry_id": entry_id,
        "ledger_id": line.ledger_id,
        "ledger_name": shown["name"],
        "tags": [{"id": tag, "name": tag} for tag in line.tags],
        "transaction_id": None,
    }
    if EXPAND_TRANSACTION in expand:
        read["transaction"] = None
    if EXPAND_LEDGER in expand:
        read["ledger"] = shown
    if EXPAND_OPPOSING in expand:
        opposing = [other.ledger_id for other in lines if other.side is not line.side]
        read["opposing_ledger_ids"] = list(dict.fromkeys(opposing))
    return read


def journal_entry(
    entry: Entry, book: Book, ledgers: Mapping[str, Ledger], expand: frozenset[str]
) -> dict[str, Any]:
    description = entry.description or ""
    read: dict[str, Any] = {
        "id": entry.id,
        "description": description,
        "datetime": day_start(entry.date),
        "creation_date": timestamp(entry.created_at),
        "is_opening_balance": entry.is_opening_balance,
        "creation_source": "manual",
        "line_entry_ids": [line.id for line in entry.lines],
        "linked_entity": None,
        "line_entries": None,
    }
    if EXPAND_LINE_ENTRIES in expand:
        read["line_entries"] = [
            _line(
                line,
                day=day_start(entry.date),
                entry_id=entry.id,
                entry_description=description,
                lines=entry.lines,
                ledgers=ledgers,
                exponent=book.exponent,
                expand=expand,
            )
            for line in entry.lines
        ]
    return read


def opening_view(
    book: Book,
    entries: Sequence[Entry],
    ledgers: Mapping[str, Ledger],
    expand: frozenset[str],
    now: datetime,
) -> dict[str, Any]:
    """The instance's opening-balance journal entry: the lines of the live opening-balance
    `entries` (those that own a ledger's opening balance now)."""
    identifier = view_id(book.id)
    created = max((entry.created_at for entry in entries), default=now)
    read: dict[str, Any] = {
        "id": identifier,
        "description": VIEW_DESCRIPTION,
        "datetime": day_start(book.entries_start),
        "creation_date": timestamp(created),
        "is_opening_balance": True,
        "creation_source": "manual",
        "line_entry_ids": [line.id for entry in entries for line in entry.lines],
        "linked_entity": None,
        "line_entries": None,
    }
    if EXPAND_LINE_ENTRIES in expand:
        read["line_entries"] = [
            _line(
                line,
                day=day_start(entry.date),
                entry_id=identifier,
                entry_description=VIEW_DESCRIPTION,
                lines=entry.lines,
                ledgers=ledgers,
                exponent=book.exponent,
                expand=expand,
            )
            for entry in entries
            for line in entry.lines
        ]
    return read
