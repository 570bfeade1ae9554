"""Open items as of a date and the aged receivables and payables (issue 17).

Every line on a control ledger belongs to exactly one item: the open item it names (the line
that opened it at conversion, and the payments, partial payments and credit notes that settle
it), or, naming none, an item of its own: an invoice or payment booked during the year, dated
by its entry and due after its party's payment terms. So the items' open amounts always add up
to the control ledger's balance, on every date, and so do the aged report's buckets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from folio.domain.dates import check_day
from folio.domain.ledgers import Ledger, Side, signed_balance
from folio.domain.members import check_flag, check_member
from folio.domain.parties import OpenItem, Party, PartyKind
from folio.service.books import get_book
from folio.service.open_items import control_ledger
from folio.service.parties import get_party
from folio.store.uow import UnitOfWork


class Bucket(StrEnum):
    """Days past due as of the report's date."""

    CURRENT = "current"  # not yet due
    DAYS_1_30 = "1_30"
    DAYS_31_60 = "31_60"
    DAYS_61_90 = "61_90"
    OVER_90 = "over_90"


BUCKETS = tuple(Bucket)


def bucket_of(days_overdue: int) -> Bucket:
    if days_overdue <= 0:
        return Bucket.CURRENT
    if days_overdue <= 30:
        return Bucket.DAYS_1_30
    if days_overdue <= 60:
        return Bucket.DAYS_31_60
    if days_overdue <= 90:
        return Bucket.DAYS_61_90
    return Bucket.OVER_90


@dataclass(frozen=True, slots=True)
class ItemState:
    """One item as of a date: `open` signed on the control ledger's normal side."""

    item_id: str  # an open item's id, or the id of the line that is an item of its own
    party: Party | None
    document: str
    document_date: date
    due_date: date
    original: int
    open: int
    days_overdue: int
    explicit: bool  # recorded as an open item (rather than a line of its own)

    @property
    def bucket(self) -> Bucket:
        return bucket_of(self.days_overdue)


@dataclass(frozen=True, slots=True)
class PartyAging:
    party: Party | None
    items: list[ItemState]
    buckets: dict[Bucket, int]

    @property
    def total(self) -> int:
        return sum(self.buckets.values())


@dataclass(frozen=True, slots=True)
class AgedReport:
    book_id: str
    currency: str
    exponent: int
    kind: PartyKind
    as_of: date
    ledger: Ledger
    parties: list[PartyAging]
    buckets: dict[Bucket, int] = field(default_factory=dict)
    ledger_balance: int = 0  # the control ledger's balance as of the date, normal side

    @property
    def total(self) -> int:
        return sum(self.buckets.values())


def item_states(
    uow: UnitOfWork, book_id: str, kind: PartyKind, as_of: date
) -> tuple[Ledger, list[ItemState], int]:
    """Every item of `kind`'s control ledger as of `as_of` (open or not), and the ledger's
    balance then."""
    check_member(PartyKind, kind, "kind")  # a library caller's "customer"
    check_day(as_of, "as_of")
    ledger = control_ledger(uow, book_id, kind)
    lines = uow.open_items.lines(book_id, [ledger.id], as_of)
    recorded = {item.id: item for item in uow.open_items.of_ledger(book_id, ledger.id)}
    states, balance = _states(uow, book_id, ledger, lines, recorded, as_of)
    return ledger, states, balance


def _states(
    uow: UnitOfWork,
    book_id: str,
    ledger: Ledger,
    lines: Sequence[Any],
    recorded: dict[str, OpenItem],
    as_of: date,
) -> tuple[list[ItemState], int]:
    """The items `lines` make (each line of a `recorded` item adds to it, any other line is an
    item of its own), in party, due date and document order; and the lines' total."""
    normal = ledger.normal_balance
    parties = uow.parties.many(
        book_id,
        [item.party_id for item in recorded.values()]
        + [ln.party_id for ln in lines if ln.party_id],
    )
    explicit: dict[str, int] = defaultdict(int)
    states: list[ItemState] = []
    balance = 0
    for line in lines:
        amount = signed_balance(normal, *((line.amount, 0) if line.side == Side.DEBIT.value
                                           else (0, line.amount)))  # fmt: skip
        balance += amount
        if line.item_id is not None and line.item_id in recorded:
            explicit[line.item_id] += amount
            continue
        party = parties.get(line.party_id) if line.party_id else None
        due = line.date + timedelta(days=party.payment_terms_days if party else 0)
        states.append(
            ItemState(line.line_id, party, f"#{line.journal_number}", line.date, due, amount,
                      amount, (as_of - due).days, explicit=False)
        )  # fmt: skip
    for item_id, amount in explicit.items():
        item = recorded[item_id]
        states.append(
            ItemState(item.id, parties.get(item.party_id), item.document_number,
                      item.document_date, item.due_date, item.amount, amount,
                      (as_of - item.due_date).days, explicit=True)
        )  # fmt: skip
    states.sort(key=lambda s: (s.party.number if s.party else "", s.due_date, s.document))
    return states, balance


def party_items(
    uow: UnitOfWork, book_id: str, party_id: str, as_of: date, *, include_settled: bool = False
) -> list[ItemState]:
    """The party's items still open on `as_of` (with `include_settled`, all of them, settled
    too), in due-date order."""
    check_day(as_of, "as_of")  # a library caller's wrong kinds, whatever the book holds
    check_flag(include_settled, "include_settled")
    party = get_party(uow, book_id, party_id)
    ledger = control_ledger(uow, book_id, party.kind)
    # Only the party's lines and items are read: a page of one customer costs that customer's
    # history, not the whole receivables ledger's (bench/aging.py).
    lines = uow.open_items.lines(book_id, [ledger.id], as_of, party_id=party.id)
    recorded = {
        item.id: item for item in uow.open_items.of_ledger(book_id, ledger.id, party_id=party.id)
    }
    # A line belongs to the item it names, whoever the line names: posting keeps the two the
    # same, and should a line ever name another party's item, it is that item's, as in the
    # aged report, and not this party's.
    foreign = sorted({ln.item_id for ln in lines if ln.item_id and ln.item_id not in recorded})
    if foreign:
        found = uow.open_items.many(book_id, foreign).values()
        recorded |= {item.id: item for item in found if item.ledger_id == ledger.id}
    states, _ = _states(uow, book_id, ledger, lines, recorded, as_of)
    mine = [s for s in states if s.party is not None and s.party.id == party.id]
    return [s for s in mine if include_settled or s.open]


def aged_report(uow: UnitOfWork, book_id: str, kind: PartyKind, as_of: date) -> AgedReport:
    """The aged receivables (customers) or payables (suppliers) as of `as_of`: every item still
    open, by party, in buckets of days past due; the buckets add up to the control ledger's
    balance on that date."""
    book = get_book(uow, book_id)
    ledger, states, balance = item_states(uow, book_id, kind, as_of)
    by_party: dict[str | None, list[ItemState]] = defaultdict(list)
    for state in states:
        if state.open:
            by_party[state.party.id if state.party else None].append(state)
    rows = []
    totals = dict.fromkeys(BUCKETS, 0)
    for items in by_party.values():
        buckets = dict.fromkeys(BUCKETS, 0)
        for state in items:
            buckets[state.bucket] += state.open
            totals[state.bucket] += state.open
        rows.append(PartyAging(items[0].party, items, buckets))
    rows.sort(key=lambda row: (row.party is None, row.party.number if row.party else ""))
    return AgedReport(
        book.id, book.currency, book.exponent, kind, as_of, ledger, rows, totals, balance
    )
