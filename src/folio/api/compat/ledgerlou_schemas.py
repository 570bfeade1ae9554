"""Request and response shapes of the LedgerLou adapter (VENDORS §3) and their exact JSON.

LedgerLou sends and returns amounts as JSON numbers. Requests are parsed without floats (the
route class reads JSON numbers as `Decimal`, and decimal strings are accepted too); responses
write each amount as a JSON number with exactly the currency's decimals (`60000.00`), taken
from the integer minor units, so no amount ever passes through a binary float.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import orjson
from pydantic import BaseModel, Field, WithJsonSchema, field_validator

from folio.api.schemas.common import AmountIn, Day, Input
from folio.domain.books import Book
from folio.domain.errors import InvalidAmount, InvalidInput
from folio.domain.journal import Entry, PostingMode
from folio.domain.ledgers import Ledger, LedgerType, Side
from folio.domain.money import format_minor, parse_minor
from folio.domain.opening_balances import SetRow
from folio.service.journal import LineInput
from folio.service.periods import Period


def exact(minor: int, exponent: int) -> Decimal:
    """Minor units as a Decimal with exactly the currency's decimals: 6000000 -> 60000.00."""
    return Decimal(format_minor(minor, exponent))


AmountNumber = Annotated[
    Decimal,
    WithJsonSchema(
        {
            "type": "number",
            "description": "Exact, with the currency's decimals (e.g. 60000.00).",
            "examples": [60000],
        }
    ),
]


def _number(value: object) -> Any:
    if isinstance(value, Decimal):
        return orjson.Fragment(format(value, "f"))  # plain digits, never an exponent
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: object) -> str:
    """JSON with every Decimal written as an exact JSON number."""
    return orjson.dumps(value, default=_number).decode()


def minor(value: object, exponent: int, field: str) -> int:
    """An amount in minor units; LedgerLou knows no INVALID_AMOUNT, so a bad one is
    INVALID_INPUT (with the same message and data)."""
    try:
        return parse_minor(value, exponent, field=field)
    except InvalidAmount as error:
        raise InvalidInput(error.message, error.data) from error


class LedgerLouOutput(BaseModel):
    """A response whose amounts leave as exact JSON numbers."""

    def model_dump_json(self, *args: Any, **kwargs: Any) -> str:
        del args, kwargs  # one rendering for every LedgerLou response
        return dumps(self.model_dump(mode="python"))


# ------------------------------------------------------------------- opening balances


class LedgerLouBalanceCreate(Input):
    account_number: str = Field(min_length=1, max_length=20, examples=["0400"])
    account_name: str = Field(max_length=255, description="For the reader; not checked.")
    debit: AmountIn = Field(description="Debit balance; 0 when it is a credit balance.")
    credit: AmountIn = Field(description="Credit balance; 0 when it is a debit balance.")

    def row(self, position: int, exponent: int) -> SetRow:
        """The row at `position` (0-based) of `balances`; problems name it `row n (path)`."""
        path = f"balances[{position}]"
        return SetRow(
            index=position + 1,
            debit=minor(self.debit, exponent, f"{path}.debit"),
            credit=minor(self.credit, exponent, f"{path}.credit"),
            ledger_number=self.account_number,
            name=self.account_name,
            path=path,
        )


class LedgerLouOpeningBalancesCreate(Input):
    booking_date: Day = Field(
        description="The book's opening date (its entries start), the one date every opening "
        "balance is booked on; any other date is 400 INVALID_INPUT."
    )
    balances: list[LedgerLouBalanceCreate] = Field(min_length=1, max_length=100_000)

    def rows(self, book: Book) -> list[SetRow]:
        return [row.row(i, book.exponent) for i, row in enumerate(self.balances)]


class LedgerLouOpeningBalancesRead(LedgerLouOutput):
    intent_id: str
    event_count: int = Field(description="Entries booked: one per non-zero balance.")
    total_debit: AmountNumber
    total_credit: AmountNumber


# ----------------------------------------------------------------------------- journal


class LedgerLouReverseCreate(Input):
    intent_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    reason: str | None = Field(None, max_length=512)
    posting_mode: PostingMode = PostingMode.CURRENT_PERIOD


class LedgerLouReverseRead(LedgerLouOutput):
    reversal_intent_id: str
    original_intent_id: str
    event_count: int


class LedgerLouBookingLineCreate(Input):
    account_number: str = Field(min_length=1, max_length=20, examples=["1800"])
    account_name: str | None = Field(None, max_length=255, description="Not checked.")
    debit: AmountIn = 0
    credit: AmountIn = 0
    tax_code: str | None = Field(
        None, description="Not supported: send the tax line as a line of its own."
    )

    @field_validator("tax_code")
    @classmethod
    def _no_tax_code(cls, value: str | None) -> str | None:
        if value is not None:
            raise ValueError("tax codes are not supported; book the VAT as its own line")
        return value

    def command(self, index: int, exponent: int) -> LineInput:
        where = f"lines[{index}]"
        debit = minor(self.debit, exponent, f"{where}.debit")
        credit = minor(self.credit, exponent, f"{where}.credit")
        if debit != 0 and credit != 0:
            raise InvalidInput(
                f"{where}: give either a debit or a credit, not both.", {"field": where}
            )
        side, amount = (Side.CREDIT, credit) if credit != 0 else (Side.DEBIT, debit)
        return LineInput(side=side, amount=amount, ledger_number=self.account_number)


def _refused(what: str) -> Any:
    def check(value: object) -> object:
        if value is not None:
            raise ValueError(f"{what} is not supported by Folio")
        return value

    return check


class LedgerLouBookingCreate(Input):
    booking_date: Day
    description: str | None = Field(None, max_length=512)
    lines: list[LedgerLouBookingLineCreate] = Field(min_length=1, max_length=1000)
    external_reference: str | None = Field(None, max_length=200)
    custom_metadata: dict[str, str] = Field(
        default_factory=dict, description="Up to 20 keys (≤64 characters), values ≤256."
    )
    skip_duplicate_check: bool = Field(
        False, description="Accepted; Folio runs no duplicate check."
    )
    adjustment_period: int | None = Field(None, description="Not supported (no P13/P14).")
    fx: dict[str, Any] | None = Field(None, description="Not supported (one currency).")
    document_id: str | None = Field(None, description="Not supported (no document store).")

    _no_adjustment = field_validator("adjustment_period")(_refused("adjustment_period"))
    _no_fx = field_validator("fx")(_refused("fx"))
    _no_document = field_validator("document_id")(_refused("document_id"))

    @field_validator("custom_metadata")
    @classmethod
    def _metadata_limits(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 20:
            raise ValueError("at most 20 keys")
        for key, text in value.items():
            if not 0 < len(key) <= 64 or len(text) > 256:
                raise ValueError("keys are 1 to 64 characters and values at most 256")
        if len(orjson.dumps(value)) > 4096:
            raise ValueError("at most 4 KB")
        return value

    def lines_for(self, book: Book) -> list[LineInput]:
        return [line.command(i, book.exponent) for i, line in enumerate(self.lines)]


class LedgerLouBookingRead(LedgerLouOutput):
    intent_id: str
    event_count: int


class LedgerLouLineRead(BaseModel):
    account_number: str | None
    account_name: str
    debit: AmountNumber
    credit: AmountNumber
    description: str | None


class LedgerLouEventRead(BaseModel):
    id: str
    intent_id: str
    journal_number: int
    booking_date: dt.date
    account_debit: str | None = Field(description="Null when the entry has several debit lines.")
    account_debit_name: str | None
    account_credit: str | None = Field(description="Null when the entry has several credit lines.")
    account_credit_name: str | None
    amount: AmountNumber = Field(description="The entry's total (debits = credits).")
    currency: str
    description: str | None
    created_at: dt.datetime
    created_by: str | None
    modified_by: str | None
    source: str = Field(description="manual, opening_balance, reversal or import.")
    is_opening_balance: bool
    reverses_id: str | None
    reversed_by_id: str | None
    external_reference: str | None
    custom_metadata: dict[str, Any]
    audit_hash: str
    prev_hash: str
    lines: list[LedgerLouLineRead]

    @classmethod
    def of(cls, book: Book, entry: Entry, ledgers: dict[str, Ledger]) -> LedgerLouEventRead:
        def amount(minor: int) -> Decimal:
            return exact(minor, book.exponent)

        debits = [line for line in entry.lines if line.side is Side.DEBIT]
        credits = [line for line in entry.lines if line.side is Side.CREDIT]
        one_debit = ledgers[debits[0].ledger_id] if len(debits) == 1 else None
        one_credit = ledgers[credits[0].ledger_id] if len(credits) == 1 else None
        return cls(
            id=entry.id,
            intent_id=entry.intent_id,
            journal_number=entry.journal_number,
            booking_date=entry.date,
            account_debit=one_debit.number if one_debit else None,
            account_debit_name=one_debit.name if one_debit else None,
            account_credit=one_credit.number if one_credit else None,
            account_credit_name=one_credit.name if one_credit else None,
            amount=amount(sum(line.amount for line in debits)),
            currency=book.currency,
            description=entry.description,
            created_at=entry.created_at,
            created_by=entry.created_by,
            modified_by=entry.modified_by,
            source=entry.kind.value,
            is_opening_balance=entry.is_opening_balance,
            reverses_id=entry.reverses_id,
            reversed_by_id=entry.reversed_by_id,
            external_reference=entry.external_reference,
            custom_metadata=entry.metadata,
            audit_hash=entry.hash,
            prev_hash=entry.prev_hash,
            lines=[
                LedgerLouLineRead(
                    account_number=ledgers[line.ledger_id].number,
                    account_name=ledgers[line.ledger_id].name,
                    debit=amount(line.amount if line.side is Side.DEBIT else 0),
                    credit=amount(line.amount if line.side is Side.CREDIT else 0),
                    description=line.description,
                )
                for line in entry.lines
            ],
        )


class LedgerLouIntentSummary(BaseModel):
    event_count: int
    total: AmountNumber = Field(description="The sum of the entries' amounts.")


class LedgerLouIntentRead(LedgerLouOutput):
    intent_id: str
    events: list[LedgerLouEventRead]
    summary: LedgerLouIntentSummary
    reverses_intent_id: str | None = Field(description="The intent this one reverses.")
    reversed_by_intent_id: str | None = Field(description="The intent that reversed this one.")


# ---------------------------------------------------------------------------- accounts

# Folio subtypes that have a LedgerLou report group.
_REPORT_GROUPS = {
    "cash": "cash",
    "bank": "cash",
    "receivable": "receivables",
    "payable": "liabilities",
    "tax_payable": "liabilities",
    "accrued_liability": "liabilities",
    "loan": "liabilities",
    "current_liability": "liabilities",
    "long_term_liability": "liabilities",
    "other_liability": "liabilities",
    "operating_revenue": "revenue",
    "cost_of_goods_sold": "material_expense",
    "payroll": "personnel_expense",
    "depreciation": "depreciation",
    "operating_expense": "other_opex",
}


class LedgerLouAccountRead(LedgerLouOutput):
    number: str
    name: str
    type: LedgerType
    category: str = Field(description="Folio's subtype of the ledger.")
    report_group: str | None
    is_system: bool = Field(description="A system ledger (such as 9000), which Folio posts to.")

    @classmethod
    def of(cls, ledger: Ledger) -> LedgerLouAccountRead:
        return cls(
            number=ledger.number or "",
            name=ledger.name,
            type=ledger.type,
            category=ledger.subtype,
            report_group=_REPORT_GROUPS.get(ledger.subtype),
            is_system=ledger.role is not None,
        )


class LedgerLouAccountsRead(LedgerLouOutput):
    accounts: list[LedgerLouAccountRead]
    total: int
    offset: int
    limit: int


class LedgerLouAccountCreate(Input):
    number: str = Field(pattern=r"^\d{1,8}$", examples=["1810"])
    name: str = Field(min_length=1, max_length=200)
    type: LedgerType
    category: str | None = Field(
        None, max_length=100, description="Kept as the subtype when it is one of Folio's."
    )
    report_group: str | None = Field(None, max_length=40, description="Accepted, not stored.")


# ----------------------------------------------------------------------------- periods


class LedgerLouPeriodRead(LedgerLouOutput):
    period: str = Field(examples=["2025-01"])
    status: str = Field(description="open, soft_locked or locked.")
    period_number: int = Field(0, description="Always 0: Folio has no adjustment periods.")

    @classmethod
    def of(cls, period: Period) -> LedgerLouPeriodRead:
        return cls(period=period.period, status=period.status.value)
