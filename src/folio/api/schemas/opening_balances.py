from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import BaseModel, Field, model_validator

from folio.api.schemas.common import AmountIn, AmountOut, Day, Input
from folio.api.schemas.journal import EntryRead
from folio.domain.books import Book
from folio.domain.ledgers import Ledger, LedgerType
from folio.domain.money import format_minor, parse_minor
from folio.domain.opening_balances import OwnerSource, SetRow
from folio.service import opening_balances, opening_state


class LedgerOpeningUpdate(Input):
    amount: AmountIn = Field(
        description="Signed on the ledger's normal side: positive = normal side, negative = the "
        "opposite side; 0 clears the opening balance."
    )


class LedgerOpeningRead(BaseModel):
    ledger_id: str
    amount: AmountOut
    changed: bool = Field(description="False when the amount was already this; nothing posted.")
    live_entry_id: str | None
    posted: list[EntryRead] = Field(description="What this request posted: reversal, new entry.")
    entries: list[EntryRead] = Field(description="Every opening-balance entry of the ledger.")

    @classmethod
    def of(cls, book: Book, result: opening_state.LedgerOpening) -> LedgerOpeningRead:
        return cls(
            ledger_id=result.ledger.id,
            amount=format_minor(result.amount, book.exponent),
            changed=result.changed,
            live_entry_id=result.live_entry_id,
            posted=[EntryRead.of(book, entry) for entry in result.posted],
            entries=[EntryRead.of(book, entry) for entry in result.entries],
        )


class BalanceRowCreate(Input):
    ledger_number: str | None = Field(None, max_length=20, examples=["0400"])
    ledger_id: str | None = Field(None, max_length=32)
    name: str | None = Field(None, max_length=200, description="For the reader; not checked.")
    debit: AmountIn = "0"
    credit: AmountIn = "0"

    @model_validator(mode="after")
    def _one_ledger(self) -> Self:
        if (self.ledger_number is None) == (self.ledger_id is None):
            raise ValueError("give exactly one of ledger_number or ledger_id")
        return self

    def row(self, position: int, exponent: int) -> SetRow:
        """The row at `position` (0-based) of `balances`; problems name it `row n (path)`."""
        path = f"balances[{position}]"
        return SetRow(
            index=position + 1,
            debit=parse_minor(self.debit, exponent, field=f"{path}.debit"),
            credit=parse_minor(self.credit, exponent, field=f"{path}.credit"),
            ledger_number=self.ledger_number,
            ledger_id=self.ledger_id,
            name=self.name,
            path=path,
        )


class OpeningSetCreate(Input):
    date: Day | None = Field(
        None,
        description="The book's opening date (its entries start), the one date every opening "
        "balance is booked on; left out, it is that date. Any other date is refused.",
    )
    balances: list[BalanceRowCreate] = Field(min_length=1, max_length=100_000)

    def rows(self, book: Book) -> list[SetRow]:
        return [row.row(i, book.exponent) for i, row in enumerate(self.balances)]


class OpeningSetRead(BaseModel):
    intent_id: str
    event_count: int
    total_debit: AmountOut
    total_credit: AmountOut

    @classmethod
    def of(cls, book: Book, result: opening_balances.SetResult) -> OpeningSetRead:
        return cls(
            intent_id=result.intent_id,
            event_count=result.event_count,
            total_debit=format_minor(result.total_debit, book.exponent),
            total_credit=format_minor(result.total_credit, book.exponent),
        )


class OpeningRowRead(BaseModel):
    ledger_id: str
    number: str | None
    name: str
    type: LedgerType
    debit: AmountOut
    credit: AmountOut
    amount: AmountOut = Field(description="Signed on the ledger's normal side.")
    owner: OwnerSource | None = Field(
        None,
        description="Who sets this opening balance: `ledger` (set on its own) or `set` (a "
        "trial-balance set); null for the offset ledger.",
    )
    live_entry_id: str | None = Field(None, description="The entry that sets it now.")
    intent_id: str | None = Field(None, description="That entry's intent (a set's, to reverse).")

    @classmethod
    def of(cls, book: Book, row: opening_state.BookOpeningRow) -> OpeningRowRead:
        ledger: Ledger = row.ledger
        owner = row.owner
        return cls(
            ledger_id=ledger.id,
            number=ledger.number,
            name=ledger.name,
            type=ledger.type,
            debit=format_minor(row.debit, book.exponent),
            credit=format_minor(row.credit, book.exponent),
            amount=format_minor(row.amount, book.exponent),
            owner=owner.source if owner else None,
            live_entry_id=owner.entry_id if owner else None,
            intent_id=owner.intent_id if owner else None,
        )


class OpeningSetSummary(BaseModel):
    intent_id: str
    date: dt.date
    source: OwnerSource = Field(
        description="`set` (a trial balance) or `ledger` (one ledger set on its own)."
    )
    entry_count: int


class BookOpeningsRead(BaseModel):
    opening_date: dt.date = Field(
        description="The book's opening date (its entries start): every opening balance is "
        "dated on it."
    )
    data: list[OpeningRowRead]
    total_debit: AmountOut
    total_credit: AmountOut
    offset: OpeningRowRead
    carried: list[OpeningRowRead] = Field(
        default_factory=list,
        description="9008 and 9009: the other side of customers' and suppliers' open items.",
    )
    balanced: bool = Field(
        description="True when the offset ledgers (9000, 9008, 9009) net to zero together."
    )
    sets: list[OpeningSetSummary]

    @classmethod
    def of(cls, book: Book, openings: opening_state.BookOpenings) -> BookOpeningsRead:
        return cls(
            opening_date=openings.opening_date,
            data=[OpeningRowRead.of(book, row) for row in openings.rows],
            total_debit=format_minor(openings.total_debit, book.exponent),
            total_credit=format_minor(openings.total_credit, book.exponent),
            offset=OpeningRowRead.of(book, openings.offset),
            carried=[OpeningRowRead.of(book, row) for row in openings.carried],
            balanced=openings.balanced,
            sets=[
                OpeningSetSummary(
                    intent_id=s.intent_id, date=s.date, source=s.source, entry_count=s.entry_count
                )
                for s in openings.sets
            ],
        )
