"""Fiscal years, their opening values, closes and the continuity check as the API shows them.

Amounts are decimal strings in the book's currency. Balances are given as `debit` and `credit`
(one of them zero) and `amount`, signed on the ledger's normal side.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from folio.api.schemas.common import AmountOut, Input
from folio.domain.books import Book
from folio.domain.fiscal_years import Closing, YearStatus
from folio.domain.ledgers import Ledger, LedgerType, signed_balance
from folio.domain.money import format_minor
from folio.service import fiscal_years


def _money(book: Book, minor: int) -> str:
    return format_minor(minor, book.exponent)


class ClosingRead(BaseModel):
    id: str
    year: int = Field(description="The year closed, named by the calendar year it starts in.")
    first_day: dt.date = Field(description="The year's first day with records.")
    last_day: dt.date = Field(description="The year's last day.")
    seq: int = Field(description="The close's place in the book's chain of closes.")
    final: bool = Field(description="Closed for good: the year's months are locked.")
    closed_at: dt.datetime
    closed_by: str | None
    result: AmountOut = Field(description="Revenue − expense of the year, as recorded.")
    retained_earnings_id: str
    journal_number: int = Field(description="The journal head the close saw.")
    hash: str = Field(description="SHA-256 over the closing balances and the journal head.")
    prev_hash: str
    reopened_at: dt.datetime | None
    reopened_by: str | None

    @classmethod
    def of(cls, book: Book, closing: Closing) -> ClosingRead:
        return cls(
            id=closing.id,
            year=closing.year,
            first_day=closing.first_day,
            last_day=closing.last_day,
            seq=closing.seq,
            final=closing.final,
            closed_at=closing.closed_at,
            closed_by=closing.closed_by,
            result=_money(book, closing.result),
            retained_earnings_id=closing.retained_earnings_id,
            journal_number=closing.journal_number,
            hash=closing.hash,
            prev_hash=closing.prev_hash,
            reopened_at=closing.reopened_at,
            reopened_by=closing.reopened_by,
        )


class FiscalYearRead(BaseModel):
    year: int = Field(description="Named by the calendar year it starts in.")
    start: dt.date
    end: dt.date
    first_day: dt.date = Field(description="Its first day with records (the entries start).")
    status: YearStatus
    result: AmountOut = Field(description="Revenue − expense of the year so far.")
    closing: ClosingRead | None = Field(description="The live close, when closed.")
    last_closing: ClosingRead | None = Field(description="The newest close, live or reopened.")

    @classmethod
    def of(cls, book: Book, info: fiscal_years.YearInfo) -> FiscalYearRead:
        return cls(
            year=info.year.year,
            start=info.year.start,
            end=info.year.end,
            first_day=info.first_day,
            status=info.status,
            result=_money(book, info.result),
            closing=ClosingRead.of(book, info.closing) if info.closing else None,
            last_closing=ClosingRead.of(book, info.last_closing) if info.last_closing else None,
        )


class FiscalYearPage(BaseModel):
    data: list[FiscalYearRead]


class BalanceRead(BaseModel):
    ledger_id: str
    number: str | None
    name: str
    type: LedgerType
    debit: AmountOut
    credit: AmountOut
    amount: AmountOut = Field(description="Signed on the ledger's normal side.")

    @classmethod
    def of(cls, book: Book, ledger: Ledger, raw: int) -> BalanceRead:
        return cls(
            ledger_id=ledger.id,
            number=ledger.number,
            name=ledger.name,
            type=ledger.type,
            debit=_money(book, max(raw, 0)),
            credit=_money(book, max(-raw, 0)),
            amount=_money(book, signed_balance(ledger.normal_balance, max(raw, 0), max(-raw, 0))),
        )


def _rows(book: Book, ledgers: list[Ledger], values: dict[str, int]) -> list[BalanceRead]:
    return [
        BalanceRead.of(book, ledger, values[ledger.id])
        for ledger in ledgers
        if values.get(ledger.id)
    ]


class YearOpeningsRead(BaseModel):
    year: int
    start: dt.date
    end: dt.date
    data: list[BalanceRead] = Field(description="Every ledger's opening (EB) value.")
    retained_earnings_id: str | None = Field(
        description="The ledger whose opening value carries every earlier year's result."
    )
    earlier_results: AmountOut = Field(
        description="Revenue − expense of every earlier year, inside that ledger's value."
    )
    total_debit: AmountOut
    total_credit: AmountOut
    balanced: bool

    @classmethod
    def of(cls, book: Book, fig: fiscal_years.YearFigures) -> YearOpeningsRead:
        values = fig.opening.values
        debit = sum(value for value in values.values() if value > 0)
        credit = -sum(value for value in values.values() if value < 0)
        return cls(
            year=fig.year.year,
            start=fig.year.start,
            end=fig.year.end,
            data=_rows(book, fig.ledgers, values),
            retained_earnings_id=fig.retained_earnings.id if fig.retained_earnings else None,
            earlier_results=_money(book, -fig.opening.earlier_results),
            total_debit=_money(book, debit),
            total_credit=_money(book, credit),
            balanced=debit == credit,
        )


class BlockerRead(BaseModel):
    code: str
    message: str
    data: dict[str, Any]


class ClosePreviewRead(BaseModel):
    year: int
    start: dt.date
    end: dt.date
    can_close: bool
    blockers: list[BlockerRead] = Field(
        description="What stops the close; a close is refused with the first one's code."
    )
    result: AmountOut = Field(description="Revenue − expense of the year.")
    retained_earnings_id: str | None = Field(description="The ledger the result goes to.")
    closing: list[BalanceRead] = Field(
        description="The closing balances to record: balance-sheet ledgers at the year's end "
        "(the retained-earnings ledger with earlier results), revenue and expense for the year."
    )

    @classmethod
    def of(cls, book: Book, preview: fiscal_years.ClosePreview) -> ClosePreviewRead:
        fig = preview.figures
        return cls(
            year=fig.year.year,
            start=fig.year.start,
            end=fig.year.end,
            can_close=preview.can_close,
            blockers=[
                BlockerRead(code=b.code, message=b.message, data=b.data) for b in preview.blockers
            ],
            result=_money(book, fig.result),
            retained_earnings_id=fig.retained_earnings.id if fig.retained_earnings else None,
            closing=_rows(book, fig.ledgers, fig.closing),
        )


class CloseCreate(Input):
    final: bool = Field(
        False, description="Lock the year's months for good; a final close cannot be reopened."
    )


class EntryRef(BaseModel):
    entry_id: str
    journal_number: int
    date: dt.date


class DifferenceRead(BaseModel):
    ledger_id: str
    number: str | None
    name: str
    recorded: AmountOut = Field(description="The opening the recorded close carries forward.")
    now: AmountOut = Field(description="The next year's opening value now.")
    difference: AmountOut
    entries: list[EntryRef] = Field(
        description="Entries posted after the close and dated in or before the year."
    )


class ContinuityRead(BaseModel):
    year: int
    next_year: int
    recorded: bool = Field(description="The year has a recorded close to compare.")
    ok: bool = Field(description="Recorded, and the next year opens with exactly its closing.")
    closing: ClosingRead | None
    differences: list[DifferenceRead]

    @classmethod
    def of(cls, book: Book, found: fiscal_years.Continuity) -> ContinuityRead:
        def amount(ledger: Ledger, raw: int) -> str:
            return _money(book, signed_balance(ledger.normal_balance, max(raw, 0), max(-raw, 0)))

        return cls(
            year=found.year.year,
            next_year=found.next_year.year,
            recorded=found.recorded,
            ok=found.ok,
            closing=ClosingRead.of(book, found.closing) if found.closing else None,
            differences=[
                DifferenceRead(
                    ledger_id=d.ledger.id,
                    number=d.ledger.number,
                    name=d.ledger.name,
                    recorded=amount(d.ledger, d.recorded),
                    now=amount(d.ledger, d.now),
                    difference=amount(d.ledger, d.difference),
                    entries=[
                        EntryRef(entry_id=e, journal_number=n, date=day) for e, n, day in d.entries
                    ],
                )
                for d in found.differences
            ],
        )
