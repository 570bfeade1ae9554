"""The one writer of journal entries: rules, totals, period totals, hash chain, journal head.

Every posting path (manual entries, reversals, opening balances, imports) ends here, so the
rules of DESIGN §2 hold for all of them. The book row is locked first and the ledger rows next,
in ledger-id order: postings to one book are serialized, which keeps journal numbers gapless
and the hash chain linear, and the fixed order rules out deadlocks.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from folio.domain.books import Book
from folio.domain.dates import check_day
from folio.domain.errors import (
    AmountOverflow,
    BeforeEntriesStart,
    LedgerArchived,
    NotFound,
    PeriodLocked,
    UnbalancedEntry,
    UnknownLedger,
)
from folio.domain.ids import new_id, new_ids
from folio.domain.journal import (
    Entry,
    EntryDraft,
    EntryKind,
    Line,
    check_description,
    entry_hash,
    hash_header,
    hash_line,
    validate_lines,
)
from folio.domain.ledgers import Ledger, Side
from folio.domain.metadata import check_metadata
from folio.domain.money import format_minor
from folio.domain.periods import PeriodStatus, period_of
from folio.domain.text import check_text
from folio.service.runner import Actor
from folio.store.journal_writers import EntryRow, JournalWrite, LineRow
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork

MAX_TOTAL = 2**63 - 1
CHUNK = 1000  # drafts checked, hashed and written at a time
_SIDE = {side: side.value for side in Side}  # an enum's .value is a slow descriptor
_KIND = {kind: kind.value for kind in EntryKind}


def _where(index: int, many: bool, field: str) -> str:
    return f"entries[{index}].{field}" if many else field


def check_drafts(
    book: Book,
    drafts: Sequence[EntryDraft],
    ledgers: dict[str, Ledger],
    *,
    allow_archived: bool,
    first_index: int,
    many: bool,
) -> None:
    """Every posting rule. `first_index` and `many` place a chunk's drafts in the whole call:
    error fields name `entries[i]` when it posts more than one."""
    good_days: set[date] = set()  # dates `check_day` passed: a chunk's drafts share a few
    for index, draft in enumerate(drafts, start=first_index):
        try:
            validate_lines(draft.lines)
        except UnbalancedEntry as exc:
            # The domain counts minor units; callers read amounts in the book's currency.
            debit, credit = exc.data["total_debit"], exc.data["total_credit"]
            raise UnbalancedEntry(
                f"Debits ({format_minor(debit, book.exponent)}) must equal credits "
                f"({format_minor(credit, book.exponent)}).",
                {
                    "total_debit": format_minor(debit, book.exponent),
                    "total_credit": format_minor(credit, book.exponent),
                    "difference": format_minor(debit - credit, book.exponent),
                },
            ) from None
        check_description(draft.description, field_name=_where(index, many, "description"))
        check_text(draft.external_reference, _where(index, many, "external_reference"))
        if draft.metadata:
            check_metadata(draft.metadata, _where(index, many, "metadata"))
        if draft.date < book.entries_start:
            raise BeforeEntriesStart(
                f"{draft.date} is before the book's entries start {book.entries_start}.",
                {
                    "field": _where(index, many, "date"),
                    "date": draft.date.isoformat(),
                    "entries_start": book.entries_start.isoformat(),
                },
            )
        if book.closed_through is not None and draft.date <= book.closed_through:
            raise PeriodLocked(
                f"{draft.date} lies in a closed fiscal year (closed through "
                f"{book.closed_through}); reopen the year to post into it.",
                {
                    "field": _where(index, many, "date"),
                    "date": draft.date.isoformat(),
                    "closed_through": book.closed_through.isoformat(),
                },
            )
        if draft.date not in good_days:
            good_days.add(check_day(draft.date, _where(index, many, "date")))
        for line_index, line in enumerate(draft.lines):
            ledger = ledgers.get(line.ledger_id)
            if ledger is None:
                raise UnknownLedger(
                    f"Ledger {line.ledger_id} does not exist in this book.",
                    {
                        "field": _where(index, many, f"lines[{line_index}].ledger_id"),
                        "ledger_id": line.ledger_id,
                    },
                )
            if ledger.archived and not allow_archived:
                raise LedgerArchived(
                    f"Ledger {ledger.number or ledger.id} ({ledger.name}) is archived.",
                    {
                        "field": _where(index, many, f"lines[{line_index}].ledger_id"),
                        "ledger_id": ledger.id,
                    },
                )


def check_periods_open(uow: UnitOfWork, book_id: str, dates: set[date]) -> None:
    statuses = uow.periods.statuses(book_id, {period_of(day) for day in dates})
    closed = sorted(name for name, status in statuses.items() if status is not PeriodStatus.OPEN)
    if closed:
        raise PeriodLocked(
            f"Period {', '.join(closed)} is not open for bookings.",
            {"periods": closed, "statuses": {name: statuses[name].value for name in closed}},
        )


def lock_book(uow: UnitOfWork, book_id: str) -> tuple[Book, int, str]:
    check_text(book_id, "book_id")  # a library caller's number: the drivers cannot compare it
    head = uow.books.lock_head(book_id)
    if head is None:
        raise NotFound(f"Book {book_id} not found.", {"book_id": book_id})
    return head


@dataclass(frozen=True, slots=True)
class Posted:
    """What one posting call wrote: its intent, how many entries, and the entries if kept."""

    intent_id: str
    count: int
    entries: list[Entry]


def write_entries(
    uow: UnitOfWork,
    book_id: str,
    drafts: Sequence[EntryDraft],
    *,
    actor: Actor,
    intent_id: str | None = None,
    allow_archived: bool = False,
    locked: tuple[Book, int, str] | None = None,
) -> list[Entry]:
    """Validate and post `drafts` under one intent, all or nothing (the caller's transaction)."""
    posting = Posting(
        uow, book_id, actor=actor, intent_id=intent_id, allow_archived=allow_archived,
        locked=locked, keep=True,
    )  # fmt: skip
    for start in range(0, len(drafts), CHUNK):
        posting.add(drafts[start : start + CHUNK], many=len(drafts) > 1)
    return posting.done().entries


class Posting:
    """One intent's entries, posted chunk by chunk in the caller's transaction.

    Each chunk is checked, hashed and written when added, so a long stream (a trial-balance
    import) needs memory for one chunk only; it is still all or nothing, as the caller's
    transaction commits or rolls back everything. The entries are kept only with `keep`.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        book_id: str,
        *,
        actor: Actor,
        intent_id: str | None = None,
        allow_archived: bool = False,
        locked: tuple[Book, int, str] | None = None,
        keep: bool = False,
        keep_ids: bool = False,
        one_intent: bool = True,
    ) -> None:
        """`one_intent`: every entry under `intent_id` (one posting of many entries); else each
        entry is a posting of its own, with an intent of its own (a batch of postings).
        `keep_ids`: remember each entry's id and number in `booked` (a batch answers them)."""
        self.uow, self.book_id, self.actor = uow, book_id, actor
        self.one_intent = one_intent
        self.book, number, prev_hash = locked or lock_book(uow, book_id)
        self.head = (number, prev_hash)
        self.intent_id = intent_id or new_id("int")
        self.allow_archived = allow_archived
        self.now = utcnow()
        self.count = 0
        self.kept: list[Entry] | None = [] if keep else None
        # (entry id, journal number) of each entry, with keep_ids: an import keeps nothing
        self.booked: list[tuple[str, int]] | None = [] if keep_ids else None

    def add(
        self,
        drafts: Sequence[EntryDraft],
        *,
        ledgers: dict[str, Ledger] | None = None,
        many: bool = True,
        checked: bool = False,
    ) -> None:
        """Check and write `drafts`. `ledgers`: every ledger they name, read and locked by
        the caller since the last `add` (their totals must be current); else they are read.
        `checked`: the caller ran `check_drafts` and `check_periods_open` on these very drafts
        and ledgers in this transaction (a batch checks each entry on its own first)."""
        if ledgers is None:
            ledger_ids = {line.ledger_id for draft in drafts for line in draft.lines}
            ledgers = self.uow.ledgers.many(self.book_id, ledger_ids, lock=True)
        if not checked:
            check_drafts(
                self.book,
                drafts,
                ledgers,
                allow_archived=self.allow_archived,
                first_index=self.count,
                many=many,
            )
            check_periods_open(self.uow, self.book_id, {draft.date for draft in drafts})
        self.head = _write_chunk(
            self.uow, self.book_id, drafts, ledgers, self.head,
            self.intent_id if self.one_intent else None, self.now, self.actor, self.kept,
            self.booked,
        )  # fmt: skip
        self.count += len(drafts)
        self.uow.books.moved_head(self.book_id, *self.head)

    def done(self) -> Posted:
        return Posted(self.intent_id, self.count, self.kept or [])


def _write_chunk(
    uow: UnitOfWork,
    book_id: str,
    drafts: Sequence[EntryDraft],
    ledgers: dict[str, Ledger],
    head: tuple[int, str],
    one_intent: str | None,
    now: datetime,
    actor: Actor,
    kept: list[Entry] | None,
    booked: list[tuple[str, int]] | None,
) -> tuple[int, str]:
    """Number, hash and write one chunk with its totals; the journal head after it. Entries
    share `one_intent`, or each gets an intent of its own."""
    number, prev_hash = head
    deltas: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    daily: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    monthly: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    entry_rows: list[EntryRow] = []
    line_rows: list[LineRow] = []

    entry_ids = new_ids("je", len(drafts))
    intents = [] if one_intent else new_ids("int", len(drafts))
    line_ids = iter(new_ids("le", sum(len(draft.lines) for draft in drafts)))
    for at, draft in enumerate(drafts):
        number += 1
        entry_id = entry_ids[at]
        intent = one_intent or intents[at]
        kind = _KIND[draft.kind]
        if booked is not None:
            booked.append((entry_id, number))
        # (id, draft) per line: a `Line` object only for an entry that is kept
        lines = [(next(line_ids), d) for d in draft.lines]
        header = hash_header(
            entry_id=entry_id,
            book_id=book_id,
            journal_number=number,
            entry_date=draft.date,
            created_at=now,
            description=draft.description,
            kind=kind,
            is_opening_balance=draft.is_opening_balance,
            intent_id=intent,
            reverses_id=draft.reverses_id,
            external_reference=draft.external_reference,
            metadata=draft.metadata,
            created_by=actor.principal_id,
            modified_by=actor.modified_by,
        )
        digest = entry_hash(
            prev_hash,
            header,
            [
                hash_line(
                    line_id,
                    d.ledger_id,
                    _SIDE[d.side],
                    d.amount,
                    d.description,
                    d.tags,
                    d.party_id,
                    d.item_id,
                )
                for line_id, d in lines
            ],
        )
        entry_rows.append(
            EntryRow(
                entry_id,
                number,
                draft.date,
                now,
                draft.description,
                kind,
                draft.is_opening_balance,
                intent,
                draft.reverses_id,
                draft.external_reference,
                _json(draft.metadata, sort_keys=True),
                actor.principal_id,
                actor.modified_by,
                prev_hash,
                digest,
            )
        )
        day = draft.date
        month = day.replace(day=1)
        ob = 2 if draft.is_opening_balance else 0
        for line_no, (line_id, d) in enumerate(lines):
            line_rows.append(
                LineRow(
                    line_id,
                    entry_id,
                    line_no,
                    d.ledger_id,
                    _SIDE[d.side],
                    d.amount,
                    d.description,
                    _json(d.tags),
                    day,
                    number,
                    draft.is_opening_balance,
                    d.party_id,
                    d.item_id,
                )
            )
            column = (0 if d.side is Side.DEBIT else 1) + ob
            deltas[d.ledger_id][column % 2] += d.amount
            daily[(d.ledger_id, day)][column] += d.amount
            monthly[(d.ledger_id, month)][column] += d.amount
        if kept is not None:
            kept.append(
                Entry(
                    id=entry_id,
                    book_id=book_id,
                    journal_number=number,
                    date=draft.date,
                    created_at=now,
                    description=draft.description,
                    kind=draft.kind,
                    is_opening_balance=draft.is_opening_balance,
                    intent_id=intent,
                    reverses_id=draft.reverses_id,
                    external_reference=draft.external_reference,
                    metadata=draft.metadata,
                    created_by=actor.principal_id,
                    modified_by=actor.modified_by,
                    prev_hash=prev_hash,
                    hash=digest,
                    lines=tuple(
                        Line(
                            line_id, d.ledger_id, d.side, d.amount, d.description, d.tags,
                            d.party_id, d.item_id,
                        )
                        for line_id, d in lines
                    ),
                )
            )  # fmt: skip
        prev_hash = digest

    for ledger_id, (debits, credits) in deltas.items():
        ledger = ledgers[ledger_id]
        if ledger.debits_posted + debits > MAX_TOTAL or ledger.credits_posted + credits > MAX_TOTAL:
            raise AmountOverflow(data={"ledger_id": ledger_id})

    uow.journal.write(
        JournalWrite(
            book_id,
            entry_rows,
            line_rows,
            totals={lid: (d, c) for lid, (d, c) in deltas.items()},
            daily={key: (v[0], v[1], v[2], v[3]) for key, v in daily.items()},
            monthly={key: (v[0], v[1], v[2], v[3]) for key, v in monthly.items()},
            head=(number, prev_hash),
        )
    )
    return number, prev_hash


def _json(value: object, *, sort_keys: bool = False) -> str:
    if not value:  # most entries have no metadata and most lines no tags
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value, sort_keys=sort_keys)
