"""Asset's shapes (docs.getasset.com; seed 000) and their translation to and from Folio's.

Amounts leave as JSON numbers, as Asset documents them, but never through a float: the body is
rendered by orjson with each amount a `Fragment` holding Folio's exact decimal text. The same
rendering is shared with the Teal adapter (`compat/common.py`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from folio.api.compat.common import (
    DateTimeIn,
    Number,
    VendorLedgerFields,
    day_start,
    number,
)
from folio.domain.books import Book
from folio.domain.errors import InvalidInput
from folio.domain.journal import Entry
from folio.domain.ledgers import Ledger, LedgerType, Role, Side
from folio.service.reports import TrialBalanceRow

# ----------------------------------------------------------------------------- amounts

# Seed 000's pattern for amount strings: signed decimals such as "1000.00", "-5", ".5" or "5.".
AMOUNT_PATTERN = r"^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$"
_AMOUNT = re.compile(AMOUNT_PATTERN, re.ASCII)


def _amount(value: object) -> Decimal:
    """A JSON number (an exact Decimal or int, never a float) or a string of the seed's pattern."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "amount_type", "expected a number or a decimal string like 1000.00 or -5"
        )
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str):
        if not _AMOUNT.fullmatch(value):
            # The seed's pattern stays in the schema; people read what it means.
            raise PydanticCustomError(
                "amount_pattern",
                "{value} is not a decimal number like 1000.00 or -5",
                {"value": repr(value)},
            )
        return Decimal(value)  # the pattern leaves only plain decimals, never NaN or exponents
    raise PydanticCustomError(
        "amount_type", "expected a number or a decimal string like 1000.00 or -5"
    )


AssetAmount = Annotated[
    Decimal,
    PlainValidator(_amount),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number"}, {"type": "string", "pattern": AMOUNT_PATTERN}],
            "title": "Amount",
            "description": (
                "The opening balance for this ledger as of the business entries start date. "
                "Positive values represent the normal balance side of the ledger, negative "
                "values represent the opposite side."
            ),
            "examples": ["1000.00"],
        }
    ),
]


class AssetInput(BaseModel):
    """Asset's API is a FastAPI app: unknown fields are ignored, as there."""

    model_config = ConfigDict(extra="ignore")


# ----------------------------------------------------------------------------- auth


class AssetToken(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds until the token expires.")


# ----------------------------------------------------------------------------- business

# The entity type picks the chart (and the default currency). Asset's five US types take the
# US small-business chart; German legal forms (a Folio extension) take SKR04.
US_ENTITY_TYPES = ("c-corp", "llc", "partnership", "s-corp", "sole-prop")
GERMAN_ENTITY_TYPES = ("gmbh", "ug", "ag", "kg", "gmbh-co-kg", "ohg", "gbr", "einzelunternehmen")
ENTITY_CHARTS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(US_ENTITY_TYPES, ("us_small_business", "USD")),
    **dict.fromkeys(GERMAN_ENTITY_TYPES, ("skr04", "EUR")),
}
EntityType = Literal[
    "c-corp",
    "llc",
    "partnership",
    "s-corp",
    "sole-prop",
    "gmbh",
    "ug",
    "ag",
    "kg",
    "gmbh-co-kg",
    "ohg",
    "gbr",
    "einzelunternehmen",
]
Chart = Literal["skr04", "skr03", "us_small_business", "empty"]
FISCAL_YEAR = r"^\d\d/\d\d$"


class BusinessCreate(AssetInput):
    name: str = Field(min_length=1, max_length=255)
    entity_type: EntityType = Field(description="Chooses the chart of accounts.")
    entries_start: DateTimeIn
    fiscal_year: str = Field(
        "01/01", pattern=FISCAL_YEAR, description="The first day of the fiscal year, MM/DD."
    )
    currency: str | None = Field(
        None, min_length=3, max_length=3, description="Folio extension; USD for US entity types."
    )
    chart: Chart | None = Field(None, description="Folio extension; overrides the entity type.")
    status: Literal["active"] | None = None
    external_id: str | None = None
    plan: str | None = None
    onboarding_date: str | None = None
    industry: str | None = None

    def unsupported(self) -> dict[str, object]:
        return {
            "external_id": self.external_id,
            "plan": self.plan,
            "onboarding_date": self.onboarding_date,
            "industry": self.industry,
        }

    def chart_and_currency(self) -> tuple[str, str]:
        chart, currency = ENTITY_CHARTS[self.entity_type]
        return self.chart or chart, self.currency or currency

    @property
    def fiscal_year_start(self) -> str:
        return self.fiscal_year.replace("/", "-")


class BusinessUpdate(AssetInput):
    name: str | None = Field(None, min_length=1, max_length=255)
    status: Literal["active"] | None = None
    external_id: str | None = None
    onboarding_date: str | None = None

    def unsupported(self) -> dict[str, object]:
        return {"external_id": self.external_id, "onboarding_date": self.onboarding_date}


class BusinessRead(BaseModel):
    tenant_id: None = None
    id: str
    name: str
    industry: None = None
    entries_start: str
    entity_type: None = Field(None, description="Not kept by Folio: see `chart`.")
    fiscal_year: str
    external_id: None = None
    status: Literal["active"] = "active"
    onboarding_date: None = None
    plan: None = None
    assigned_bookkeeper: None = None
    currency: str
    chart: str


class BusinessEnvelope(BaseModel):
    data: BusinessRead


class BusinessList(BaseModel):
    data: list[BusinessRead]
    next_page_token: str | None = None
    previous_page_token: None = None


def business(book: Book) -> dict[str, Any]:
    return BusinessRead(
        id=book.id,
        name=book.name,
        entries_start=day_start(book.entries_start),
        fiscal_year=book.fiscal_year_start.replace("-", "/"),
        currency=book.currency,
        chart=book.chart,
    ).model_dump()


# ----------------------------------------------------------------------------- ledgers

AssetSubtype = Literal[
    "current_asset",
    "fixed_asset",
    "other_asset",
    "uncategorized_asset",
    "current_liability",
    "long_term_liability",
    "operating_revenue",
    "other_inflow",
    "cost_of_goods_sold",
    "operating_expense",
    "other_outflow",
    "contribution",
    "distribution",
    "common_stock",
    "preferred_stock",
    "additional_capital",
    "opening_balance",
    "retained_earnings",
    "memo",
]
# Asset subtype -> Folio subtype (lossy where Folio has no twin: the docs list the pairs).
SUBTYPE_IN: dict[str, str] = {
    "current_asset": "current_asset",
    "fixed_asset": "fixed_asset",
    "other_asset": "other_asset",
    "uncategorized_asset": "other_asset",
    "current_liability": "current_liability",
    "long_term_liability": "long_term_liability",
    "operating_revenue": "operating_revenue",
    "other_inflow": "other_income",
    "cost_of_goods_sold": "cost_of_goods_sold",
    "operating_expense": "operating_expense",
    "other_outflow": "other_expense",
    "contribution": "capital",
    "distribution": "drawings",
    "common_stock": "capital",
    "preferred_stock": "capital",
    "additional_capital": "reserves",
    "opening_balance": "opening_balance",
    "retained_earnings": "retained_earnings",
}
# Folio subtype -> Asset subtype.
SUBTYPE_OUT: dict[str, str] = {
    "cash": "current_asset",
    "bank": "current_asset",
    "receivable": "current_asset",
    "inventory": "current_asset",
    "prepaid": "current_asset",
    "tax_receivable": "current_asset",
    "current_asset": "current_asset",
    "intangible_asset": "fixed_asset",
    "fixed_asset": "fixed_asset",
    "accumulated_depreciation": "fixed_asset",
    "financial_asset": "other_asset",
    "other_asset": "other_asset",
    "payable": "current_liability",
    "tax_payable": "current_liability",
    "accrued_liability": "current_liability",
    "provision": "current_liability",
    "current_liability": "current_liability",
    "other_liability": "current_liability",
    "loan": "long_term_liability",
    "long_term_liability": "long_term_liability",
    "capital": "contribution",
    "reserves": "additional_capital",
    "other_equity": "additional_capital",
    "retained_earnings": "retained_earnings",
    "current_year_earnings": "retained_earnings",
    "drawings": "distribution",
    "opening_balance": "opening_balance",
    "operating_revenue": "operating_revenue",
    "other_income": "other_inflow",
    "interest_income": "other_inflow",
    "cost_of_goods_sold": "cost_of_goods_sold",
    "operating_expense": "operating_expense",
    "payroll": "operating_expense",
    "depreciation": "operating_expense",
    "tax_expense": "operating_expense",
    "interest_expense": "other_outflow",
    "other_expense": "other_outflow",
}
SPECIAL_LEDGER_TYPES = {Role.OPENING_BALANCES: "opening_balances"}


def folio_subtype(subtype: str | None) -> str | None:
    if subtype is None:
        return None
    if subtype not in SUBTYPE_IN:
        raise InvalidInput(
            f"Subtype {subtype!r} has no Folio equivalent.", {"field": "subtype", "value": subtype}
        )
    return SUBTYPE_IN[subtype]


class AssetLedgerCreate(VendorLedgerFields):
    name: str = Field(min_length=1, max_length=255)
    type: LedgerType
    subtype: AssetSubtype | None = None


class AssetLedger(BaseModel):
    business_id: str
    id: str
    name: str
    type: LedgerType
    subtype: str
    special_ledger_type: str | None
    financial_account_type: None = None
    debit_credit: Side
    sort_code: str | None
    editable: bool
    report_cash_flow: None = None
    parent_id: str | None
    description: str | None


class AssetLedgerEnvelope(BaseModel):
    data: AssetLedger


class AssetLedgerList(BaseModel):
    data: list[AssetLedger]


def ledger(item: Ledger) -> dict[str, Any]:
    return AssetLedger(
        business_id=item.book_id,
        id=item.id,
        name=item.name,
        type=item.type,
        subtype=SUBTYPE_OUT.get(item.subtype, item.subtype),
        special_ledger_type=SPECIAL_LEDGER_TYPES.get(item.role) if item.role else None,
        debit_credit=item.normal_balance,
        sort_code=item.number,
        editable=item.role is None,
        parent_id=item.parent_id,
        description=item.description,
    ).model_dump(mode="json")


# ----------------------------------------------------------------------------- opening balance


class LedgerOpeningBalanceRequest(AssetInput):
    amount: AssetAmount


class LedgerOpeningBalancePublic(BaseModel):
    ledger_id: str = Field(description="The ID of the Ledger")
    amount: Number = Field(description="The opening balance amount for this ledger")


class LedgerOpeningBalanceSuccess(BaseModel):
    data: LedgerOpeningBalancePublic


# ----------------------------------------------------------------------------- journal entries


def _line_amount(value: object) -> Decimal:
    amount = _amount(value)
    if amount < 0:
        raise ValueError("amount must be positive; the side is debit_credit")
    return amount


LineAmount = Annotated[
    Decimal,
    PlainValidator(_line_amount),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": AMOUNT_PATTERN}]}),
]


class AssetLineCreate(AssetInput):
    ledger_id: str = Field(max_length=32)
    debit_credit: Side
    amount: LineAmount
    description: str | None = Field(None, max_length=512)
    tag_value_ids: list[str] = Field(default_factory=list, max_length=50)
    basis: Literal["all"] = "all"


class AssetJournalEntryCreate(AssetInput):
    description: str | None = Field(None, max_length=512)
    datetime: DateTimeIn
    lines: list[AssetLineCreate] = Field(min_length=1, max_length=1000)


class AssetLineEntry(BaseModel):
    id: str
    ledger_id: str
    description: str | None
    debit_credit: Side
    amount: Number
    journal_entry_id: str
    transaction_id: None = None
    tag_value_ids: list[str]


class AssetJournalEntry(BaseModel):
    business_id: str
    id: str
    description: str | None
    clean_description: str | None
    datetime: str
    is_reconciled: bool = False
    review_status: None = None
    transaction_id: None = None
    line_entries: list[AssetLineEntry]
    categorization_method: Literal["manual"] = "manual"
    invoice_id: None = None
    is_opening_balance: bool = Field(description="Folio extension.")


class AssetJournalEntryEnvelope(BaseModel):
    data: AssetJournalEntry


def journal_entry(entry: Entry, book: Book) -> dict[str, Any]:
    return {
        "business_id": entry.book_id,
        "id": entry.id,
        "description": entry.description,
        "clean_description": entry.description,
        "datetime": day_start(entry.date),
        "is_reconciled": False,
        "review_status": None,
        "transaction_id": None,
        "line_entries": [
            {
                "id": line.id,
                "ledger_id": line.ledger_id,
                "description": line.description,
                "debit_credit": line.side.value,
                "amount": number(line.amount, book.exponent),
                "journal_entry_id": entry.id,
                "transaction_id": None,
                "tag_value_ids": list(line.tags),
            }
            for line in entry.lines
        ],
        "categorization_method": "manual",
        "invoice_id": None,
        "is_opening_balance": entry.is_opening_balance,
    }


# ----------------------------------------------------------------------------- trial balance


class AssetTrialBalanceRow(BaseModel):
    name: str
    ledger_id: str
    ledger_type: LedgerType
    debit: Number
    credit: Number
    has_entries: bool


class AssetTrialBalance(BaseModel):
    data: list[AssetTrialBalanceRow]


def trial_balance_row(row: TrialBalanceRow, exponent: int) -> dict[str, Any]:
    return {
        "name": row.name,
        "ledger_id": row.ledger_id,
        "ledger_type": row.type.value,
        "debit": number(row.closing_debit, exponent),
        "credit": number(row.closing_credit, exponent),
        "has_entries": bool(row.opening_balance or row.carried_forward or row.debit or row.credit),
    }
