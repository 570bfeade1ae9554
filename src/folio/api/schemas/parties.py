"""Customers and suppliers, their open items and the aged receivables and payables."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, model_validator

from folio.api.schemas.common import AmountIn, AmountOut, Day, Input
from folio.domain.books import Book
from folio.domain.money import format_minor, parse_minor
from folio.domain.parties import MAX_PARTY_NUMBER, MAX_TERMS_DAYS, OpenItem, Party, PartyKind
from folio.service import aging
from folio.service.open_items import ItemInput

NUMBER = r"^[1-9][0-9]{0,8}$"


class PartyCreate(Input):
    kind: PartyKind
    name: str = Field(min_length=1, max_length=200, examples=["Muster AG"])
    number: str | None = Field(
        None,
        pattern=NUMBER,
        description="Left out: the next free number of the kind's range (German books: "
        "customers 10000-69999, suppliers 70000-99999, unless the book sets its own).",
    )
    tax_id: str | None = Field(None, max_length=30, examples=["DE123456789"])
    address: str | None = Field(None, max_length=500)
    payment_terms_days: int = Field(0, ge=0, le=MAX_TERMS_DAYS)


class PartyUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=200)
    tax_id: str | None = Field(None, max_length=30, description="Left out: kept; null: removed.")
    address: str | None = Field(None, max_length=500, description="Left out: kept; null: removed.")
    payment_terms_days: int | None = Field(None, ge=0, le=MAX_TERMS_DAYS)
    archived: bool | None = None


class PartyRead(BaseModel):
    id: str
    book_id: str
    kind: PartyKind
    number: str
    name: str
    tax_id: str | None
    address: str | None
    payment_terms_days: int
    archived: bool

    @classmethod
    def of(cls, party: Party) -> PartyRead:
        return cls(
            id=party.id,
            book_id=party.book_id,
            kind=party.kind,
            number=party.number,
            name=party.name,
            tax_id=party.tax_id,
            address=party.address,
            payment_terms_days=party.payment_terms_days,
            archived=party.archived,
        )


class NumberRange(Input):
    first: int = Field(gt=0, le=MAX_PARTY_NUMBER)
    last: int = Field(gt=0, le=MAX_PARTY_NUMBER)


class NumberRanges(BaseModel):
    customers: NumberRange
    suppliers: NumberRange


class ItemCreate(Input):
    party_id: str | None = Field(None, max_length=32)
    party_number: str | None = Field(None, pattern=NUMBER)
    document_number: str = Field(min_length=1, max_length=36, examples=["RE-2024-0815"])
    date: Day = Field(description="The invoice's or bill's date, on or before the opening date.")
    due_date: Day | None = Field(None, description="Left out: date plus the payment terms.")
    amount: AmountIn = Field(
        description="What is still open, positive (negative for a credit note)."
    )
    description: str | None = Field(None, max_length=512)

    @model_validator(mode="after")
    def _one_party(self) -> ItemCreate:
        if (self.party_id is None) == (self.party_number is None):
            raise ValueError("give exactly one of party_id or party_number")
        return self

    def item(self, position: int, exponent: int) -> ItemInput:
        path = f"items[{position}]"
        return ItemInput(
            index=position + 1,
            party_id=self.party_id,
            party_number=self.party_number,
            document_number=self.document_number,
            document_date=self.date,
            due_date=self.due_date,
            amount=parse_minor(self.amount, exponent, field=f"{path}.amount"),
            description=self.description,
            path=path,
        )


class ItemsCreate(Input):
    items: list[ItemCreate] = Field(min_length=1, max_length=100_000)


class OpenItemRead(BaseModel):
    id: str
    party_id: str
    ledger_id: str
    document_number: str
    date: dt.date
    due_date: dt.date
    amount: AmountOut

    @classmethod
    def of(cls, book: Book, item: OpenItem) -> OpenItemRead:
        return cls(
            id=item.id,
            party_id=item.party_id,
            ledger_id=item.ledger_id,
            document_number=item.document_number,
            date=item.document_date,
            due_date=item.due_date,
            amount=format_minor(item.amount, book.exponent),
        )


class ItemsRead(BaseModel):
    data: list[OpenItemRead]


class ItemStateRead(BaseModel):
    id: str = Field(description="The open item's id, or the line's for an item of its own.")
    party_id: str | None
    party_number: str | None
    document: str
    date: dt.date
    due_date: dt.date
    amount: AmountOut = Field(description="What it opened with.")
    open: AmountOut
    days_overdue: int
    bucket: aging.Bucket
    recorded: bool = Field(description="An open item recorded as such (else a line of its own).")

    @classmethod
    def of(cls, book: Book, state: aging.ItemState) -> ItemStateRead:
        return cls(
            id=state.item_id,
            party_id=state.party.id if state.party else None,
            party_number=state.party.number if state.party else None,
            document=state.document,
            date=state.document_date,
            due_date=state.due_date,
            amount=format_minor(state.original, book.exponent),
            open=format_minor(state.open, book.exponent),
            days_overdue=max(state.days_overdue, 0),
            bucket=state.bucket,
            recorded=state.explicit,
        )
