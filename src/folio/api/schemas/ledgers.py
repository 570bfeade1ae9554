from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from folio.api.schemas.common import AmountOut, Input
from folio.domain.books import Book
from folio.domain.ledgers import Ledger, LedgerType, Role, Side
from folio.domain.money import format_minor
from folio.service.ledgers import Balance

NUMBER = r"^[0-9]{1,20}$"


class LedgerCreate(Input):
    name: str = Field(min_length=1, max_length=200, examples=["Bank"])
    type: LedgerType
    number: str | None = Field(None, pattern=NUMBER, examples=["1200"])
    subtype: str | None = Field(None, max_length=64)
    normal_balance: Side | None = Field(
        None, description="Defaults from the type; override for contra accounts."
    )
    parent_id: str | None = Field(None, max_length=32)
    description: str | None = Field(None, max_length=512)


class LedgerUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=200)
    number: str | None = Field(None, pattern=NUMBER)
    subtype: str | None = Field(None, max_length=64)
    parent_id: str | None = Field(None, max_length=32)
    description: str | None = Field(None, max_length=512)
    archived: bool | None = None


class LedgerRead(BaseModel):
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
    description: str | None
    balance: AmountOut = Field(description="Signed: positive on the ledger's normal side.")
    debits_posted: AmountOut
    credits_posted: AmountOut

    @classmethod
    def of(cls, book: Book, ledger: Ledger) -> LedgerRead:
        return cls(
            id=ledger.id,
            book_id=ledger.book_id,
            number=ledger.number,
            name=ledger.name,
            type=ledger.type,
            subtype=ledger.subtype,
            normal_balance=ledger.normal_balance,
            parent_id=ledger.parent_id,
            role=ledger.role,
            archived=ledger.archived,
            description=ledger.description,
            balance=format_minor(ledger.balance, book.exponent),
            debits_posted=format_minor(ledger.debits_posted, book.exponent),
            credits_posted=format_minor(ledger.credits_posted, book.exponent),
        )


class LedgerDeleteRead(BaseModel):
    deleted: bool = Field(description="True if the ledger is gone; false if it was archived.")
    ledger: LedgerRead


class BalanceRead(BaseModel):
    ledger_id: str
    as_of: date | None = Field(description="The day the balance is taken at; null for now.")
    debit: AmountOut
    credit: AmountOut
    balance: AmountOut

    @classmethod
    def of(cls, book: Book, balance: Balance) -> BalanceRead:
        return cls(
            ledger_id=balance.ledger.id,
            as_of=balance.as_of,
            debit=format_minor(balance.debits, book.exponent),
            credit=format_minor(balance.credits, book.exponent),
            balance=format_minor(balance.balance, book.exponent),
        )
