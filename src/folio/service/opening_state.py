"""The one reading of opening balances (DESIGN §3.4): every interface asks this module.

A ledger's opening balance is the sum of its opening-balance postings, read from the period
totals (exact, however long the history); who sets it is the ledger's live row in
`opening_balance_owners`. The native API, the compatible adapters, the web pages, the CLI and the
trial balance's opening column all read these figures, so no two of them can differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from folio.domain.books import Book
from folio.domain.errors import Account9000Missing
from folio.domain.journal import Entry
from folio.domain.ledgers import Ledger, Role, signed_balance
from folio.domain.opening_balances import CARRY_FORWARD_SUBTYPE, OwnerSource
from folio.service.books import get_book
from folio.service.ledgers import get_ledger
from folio.store.repos.openings import Owner
from folio.store.uow import UnitOfWork

FAR_FUTURE = date(9999, 12, 31)
# Entries returned with one ledger's opening balance: its history, oldest first. Each change
# adds two, so this covers thousands of changes; the amount never depends on it.
HISTORY_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class BookOpeningRow:
    """One ledger's opening balance: the net of its opening-balance postings on one side."""

    ledger: Ledger
    debit: int
    credit: int
    owner: Owner | None = None

    @property
    def amount(self) -> int:
        """Signed on the ledger's normal side."""
        return signed_balance(self.ledger.normal_balance, self.debit, self.credit)


@dataclass(frozen=True, slots=True)
class OpeningSet:
    """The live entries one intent owns: a trial-balance set, or one ledger's setting."""

    intent_id: str
    date: date
    source: OwnerSource
    entry_count: int


@dataclass(frozen=True, slots=True)
class BookOpenings:
    opening_date: date
    rows: list[BookOpeningRow]
    offset: BookOpeningRow
    sets: list[OpeningSet]
    # The other carry-forward ledgers that offset opening balances: 9008 and 9009, which take
    # the other side of customers' and suppliers' open items.
    carried: list[BookOpeningRow] = field(default_factory=list)

    @property
    def total_debit(self) -> int:
        return sum(row.debit for row in self.rows)

    @property
    def total_credit(self) -> int:
        return sum(row.credit for row in self.rows)

    @property
    def balanced(self) -> bool:
        """The offset ledgers (9000, with 9008 and 9009 in DATEV's way) net to zero together:
        the opening balances balance among themselves."""
        offsets = [self.offset, *self.carried]
        return sum(row.debit - row.credit for row in offsets) == 0


@dataclass(frozen=True, slots=True)
class LedgerOpening:
    """One ledger's opening balance, its owner, its history and what a change just posted."""

    ledger: Ledger
    amount: int
    owner: Owner | None = None
    entries: list[Entry] = field(default_factory=list)
    posted: list[Entry] = field(default_factory=list)

    @property
    def live_entry_id(self) -> str | None:
        return self.owner.entry_id if self.owner else None

    @property
    def changed(self) -> bool:
        return bool(self.posted)


def offset_ledger(uow: UnitOfWork, book_id: str) -> Ledger:
    ledger = uow.ledgers.by_role(book_id, Role.OPENING_BALANCES)
    if ledger is None or ledger.archived:
        raise Account9000Missing(
            "The book has no opening-balance offset ledger (9000 Saldenvorträge, Sachkonten, "
            "or Opening Balance Equity); opening balances are booked against it.",
            {"role": Role.OPENING_BALANCES.value},
        )
    return ledger


def opening_rows(
    uow: UnitOfWork,
    book: Book,
    ledger_ids: Sequence[str] | None = None,
    known: Sequence[Ledger] = (),
) -> dict[str, BookOpeningRow]:
    """Every ledger (of `ledger_ids`, or of the book) with opening-balance postings or a live
    owner, by ledger id; the offset ledger too. `known`: ledgers the caller has just read in
    this transaction, not read again."""
    totals = uow.ledgers.totals_as_of(book.id, ledger_ids, FAR_FUTURE)
    owners = {owner.ledger_id: owner for owner in uow.openings.live(book.id, ledger_ids)}
    wanted = {lid for lid, sums in totals.items() if sums[2] != sums[3]} | set(owners)
    ledgers = {ledger.id: ledger for ledger in known if ledger.id in wanted}
    if wanted - ledgers.keys():
        ledgers |= uow.ledgers.many(book.id, wanted - ledgers.keys())
    rows = {}
    for ledger_id in wanted:
        _, _, ob_debits, ob_credits = totals.get(ledger_id, (0, 0, 0, 0))
        net = ob_debits - ob_credits
        rows[ledger_id] = BookOpeningRow(
            ledgers[ledger_id], max(net, 0), max(-net, 0), owners.get(ledger_id)
        )
    return rows


def book_openings(uow: UnitOfWork, book_id: str) -> BookOpenings:
    """Every ledger's opening balance, the offset ledger's and the live sets."""
    book = get_book(uow, book_id)
    offset = offset_ledger(uow, book_id)
    found = opening_rows(uow, book)
    offset_row = found.pop(offset.id, BookOpeningRow(offset, 0, 0))
    carried = [row for row in found.values() if row.ledger.subtype == CARRY_FORWARD_SUBTYPE]
    rows = sorted(
        (row for row in found.values() if row.ledger.subtype != CARRY_FORWARD_SUBTYPE),
        key=lambda row: uow.ledgers.sort_key(row.ledger),
    )
    counts = Counter(
        (row.owner.intent_id, row.owner.source) for row in rows if row.owner is not None
    )
    sets = [
        OpeningSet(intent, book.entries_start, source, count)
        for (intent, source), count in sorted(counts.items())
    ]
    carried.sort(key=lambda row: uow.ledgers.sort_key(row.ledger))
    return BookOpenings(book.entries_start, rows, offset_row, sets, carried)


def ledger_opening(uow: UnitOfWork, book_id: str, ledger_id: str) -> LedgerOpening:
    """One ledger's opening balance, its owner and its opening-balance entries, oldest first."""
    book = get_book(uow, book_id)
    ledger = get_ledger(uow, book_id, ledger_id)
    row = opening_rows(uow, book, [ledger.id], known=[ledger]).get(ledger.id)
    entries = uow.journal.search(
        book_id, ledger_id=ledger.id, opening_balance=True, limit=HISTORY_LIMIT
    )
    if row is None:
        return LedgerOpening(ledger, 0, entries=entries)
    return LedgerOpening(ledger, row.amount, row.owner, entries=entries)


def live_opening_entries(uow: UnitOfWork, book_id: str) -> list[Entry]:
    """The entries that set the book's opening balances now, in journal order."""
    owned = sorted({owner.entry_id for owner in uow.openings.live(book_id)})
    return uow.journal.many(book_id, owned)
