"""Opening balances (DESIGN §3): set one ledger's, book a trial-balance set, read them back.

Opening-balance entries are ordinary entries (through `write_entries`, with every posting rule)
flagged `is_opening_balance` and posted against the book's `opening_balances` ledger. A
correction never edits: a per-ledger change reverses the live entry and posts the full new
amount; a set is corrected by reversing its intent.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from folio.domain.books import Book
from folio.domain.errors import (
    Account9000Missing,
    AccountsNotFound,
    AccountTypeNotAllowed,
    BalanceMismatch,
    BeforeEntriesStart,
    FolioError,
    InvalidBalanceEntry,
    InvalidInput,
    OpeningBalancesExist,
)
from folio.domain.journal import Entry, EntryDraft, EntryKind, LineDraft
from folio.domain.ledgers import Ledger, Role, Side, signed_balance
from folio.domain.money import format_minor
from folio.domain.opening_balances import (
    SOURCE_KEY,
    SOURCE_LEDGER,
    SOURCE_SET,
    RowProblem,
    SetRow,
    amount_problems,
    type_allowed,
)
from folio.domain.periods import PeriodStatus, period_of
from folio.service.books import get_book
from folio.service.ledgers import get_ledger
from folio.service.posting import CHUNK, Posting, check_periods_open, lock_book, write_entries
from folio.service.runner import Actor, audit
from folio.store.repos.journal import OpeningLine
from folio.store.uow import UnitOfWork

FAR_FUTURE = date(9999, 12, 31)
# Entries returned with one ledger's opening balance: its history, oldest first. Each change
# adds two, so this covers thousands of changes; the amount never depends on it.
HISTORY_LIMIT = 10_000
_ROW_ERRORS: dict[str, type[FolioError]] = {
    "INVALID_BALANCE_ENTRY": InvalidBalanceEntry,
    "ACCOUNTS_NOT_FOUND": AccountsNotFound,
    "ACCOUNT_TYPE_NOT_ALLOWED": AccountTypeNotAllowed,
}


@dataclass(frozen=True, slots=True)
class LedgerOpening:
    """One ledger's opening balance, signed on its normal side, and the entries behind it."""

    ledger: Ledger
    amount: int
    entries: list[Entry] = field(default_factory=list)
    posted: list[Entry] = field(default_factory=list)
    live_entry_id: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.posted)


@dataclass(frozen=True, slots=True)
class SetResult:
    """A booked set: its intent, one entry per row, and the totals (the entries are read back
    by intent; a large set is not kept in memory)."""

    intent_id: str
    event_count: int
    total_debit: int
    total_credit: int


@dataclass(frozen=True, slots=True)
class BookOpeningRow:
    ledger: Ledger
    debit: int
    credit: int

    @property
    def amount(self) -> int:
        return signed_balance(self.ledger.normal_balance, self.debit, self.credit)


@dataclass(frozen=True, slots=True)
class OpeningSet:
    intent_id: str
    date: date
    source: str
    entry_count: int


@dataclass(frozen=True, slots=True)
class BookOpenings:
    rows: list[BookOpeningRow]
    offset: BookOpeningRow
    sets: list[OpeningSet]

    @property
    def total_debit(self) -> int:
        return sum(row.debit for row in self.rows)

    @property
    def total_credit(self) -> int:
        return sum(row.credit for row in self.rows)

    @property
    def balanced(self) -> bool:
        return self.offset.debit == self.offset.credit


def offset_ledger(uow: UnitOfWork, book_id: str) -> Ledger:
    ledger = uow.ledgers.by_role(book_id, Role.OPENING_BALANCES)
    if ledger is None or ledger.archived:
        raise Account9000Missing(
            "The book has no opening-balance offset ledger (9000 Saldenvorträge, Sachkonten, "
            "or Opening Balance Equity); opening balances are booked against it.",
            {"role": Role.OPENING_BALANCES.value},
        )
    return ledger


def _source(metadata_text: str) -> str | None:
    value = json.loads(metadata_text).get(SOURCE_KEY)
    return value if isinstance(value, str) else None


def _opening_draft(
    ledger: Ledger,
    offset: Ledger,
    day: date,
    side: Side,
    amount: int,
    source: str,
    description: str,
) -> EntryDraft:
    return EntryDraft(
        date=day,
        lines=(LineDraft(ledger.id, side, amount), LineDraft(offset.id, side.opposite, amount)),
        description=description,
        kind=EntryKind.OPENING_BALANCE,
        is_opening_balance=True,
        metadata={SOURCE_KEY: source},
    )


def _label(ledger: Ledger) -> str:
    return f"{ledger.number} {ledger.name}" if ledger.number else ledger.name


# ---------------------------------------------------------------- one ledger (Asset, Teal)


def ledger_opening(uow: UnitOfWork, book_id: str, ledger_id: str) -> LedgerOpening:
    """The amount (from the period totals, exact however long the history) and the entries."""
    ledger = get_ledger(uow, book_id, ledger_id)
    entries = uow.journal.search(
        book_id, ledger_id=ledger_id, opening_balance=True, limit=HISTORY_LIMIT
    )
    live = next(
        (
            entry
            for entry in reversed(entries)
            if entry.kind is EntryKind.OPENING_BALANCE
            and entry.reversed_by_id is None
            and entry.metadata.get(SOURCE_KEY) == SOURCE_LEDGER
        ),
        None,
    )
    return LedgerOpening(
        ledger, _opening_amount(uow, ledger), entries, live_entry_id=live.id if live else None
    )


def set_ledger_opening(
    uow: UnitOfWork, book_id: str, ledger_id: str, amount: int, actor: Actor
) -> LedgerOpening:
    """Make the ledger's opening balance `amount` (signed on its normal side), atomically.

    Reverses the live per-ledger entry, if any, and posts one for the full new amount, both
    dated the entries start; posts nothing when the amount is unchanged; 0 only reverses.
    """
    locked = lock_book(uow, book_id)
    book = locked[0]
    ledger = get_ledger(uow, book_id, ledger_id)
    offset = offset_ledger(uow, book_id)
    if ledger.id == offset.id:
        raise InvalidBalanceEntry(
            f"{_label(ledger)} is the opening-balance offset ledger; it takes the other side of "
            "every opening balance and cannot have one of its own.",
            {"ledger_id": ledger.id},
        )
    if not type_allowed(ledger.type, mid_year=book.starts_mid_year):
        raise AccountTypeNotAllowed(
            f"{_label(ledger)} is a {ledger.type.value} ledger; only balance-sheet ledgers take "
            "opening balances unless the book starts mid-year.",
            {"ledger_id": ledger.id, "type": ledger.type.value},
        )
    day = book.entries_start
    lines = uow.journal.live_opening_lines(book_id, on=day, ledger_ids=[ledger.id])
    from_sets = sorted({r.intent_id for r in lines if _source(r.metadata) == SOURCE_SET})
    if from_sets:
        raise OpeningBalancesExist(
            f"The opening balance of {_label(ledger)} on {day} comes from an opening-balance "
            "set; reverse that set before setting this ledger on its own.",
            {"ledger_ids": [ledger.id], "intent_ids": from_sets, "date": day.isoformat()},
        )
    # The live per-ledger entry (at most one), from the lines already read.
    live_lines = [r for r in lines if _source(r.metadata) == SOURCE_LEDGER]
    live_id = live_lines[0].entry_id if live_lines else None
    current = _opening_amount(uow, ledger)
    if current == amount:
        return LedgerOpening(ledger, amount, live_entry_id=live_id)
    drafts = []
    live_amount = 0
    if live_id is not None:
        mine = [r for r in live_lines if r.entry_id == live_id]
        drafts.append(
            EntryDraft(
                date=day,
                lines=tuple(LineDraft(r.ledger_id, Side(r.side).opposite, r.amount) for r in mine),
                description=f"Reversal of opening balance {_label(ledger)}",
                kind=EntryKind.REVERSAL,
                is_opening_balance=True,
                reverses_id=live_id,
            )
        )
        live_amount = _lines_amount(ledger, mine)
    # The new entry carries the full amount, less any opening postings on other dates.
    target = amount - (current - live_amount)
    if target != 0:
        normal = ledger.normal_balance
        side = normal if target > 0 else normal.opposite
        drafts.append(
            _opening_draft(
                ledger,
                offset,
                day,
                side,
                abs(target),
                SOURCE_LEDGER,
                f"Opening balance {_label(ledger)}",
            )
        )
    posted = write_entries(uow, book_id, drafts, actor=actor, locked=locked)
    if live_id is not None:
        uow.journal.link_reversal(book_id, live_id, posted[0].id, posted[0].created_at)
    audit(
        uow,
        actor,
        "opening_balance.set",
        book_id=book_id,
        target_type="ledger",
        target_id=ledger.id,
        details={
            "amount": format_minor(amount, book.exponent),
            "previous": format_minor(current, book.exponent),
            "entries": [e.id for e in posted],
        },
    )
    new_live = posted[-1].id if target != 0 else None
    return LedgerOpening(
        get_ledger(uow, book_id, ledger.id), amount, posted=posted, live_entry_id=new_live
    )


def _opening_amount(uow: UnitOfWork, ledger: Ledger) -> int:
    """The sum of the ledger's opening-balance postings, from the period totals."""
    totals = uow.ledgers.totals_as_of(ledger.book_id, [ledger.id], FAR_FUTURE)
    _, _, ob_debits, ob_credits = totals.get(ledger.id, (0, 0, 0, 0))
    return signed_balance(ledger.normal_balance, ob_debits, ob_credits)


def _lines_amount(ledger: Ledger, rows: Sequence[OpeningLine]) -> int:
    debits = sum(r.amount for r in rows if r.ledger_id == ledger.id and r.side == "debit")
    credits = sum(r.amount for r in rows if r.ledger_id == ledger.id and r.side == "credit")
    return signed_balance(ledger.normal_balance, debits, credits)


# ---------------------------------------------------------- a trial-balance set (LedgerLou)


@dataclass(frozen=True, slots=True)
class SetCheck:
    """Everything wrong with a set, row by row, before anything is booked."""

    problems: list[RowProblem]
    ledgers: dict[int, Ledger]
    offset: Ledger


def check_set(uow: UnitOfWork, book: Book, rows: Sequence[SetRow]) -> SetCheck:
    """Every problem of a set, and each good row's ledger, with nothing booked (a preview)."""
    offset = offset_ledger(uow, book.id)
    problems = amount_problems(rows)
    bad = {p.index for p in problems}
    ledgers: dict[int, Ledger] = {}
    for start in range(0, len(rows), CHUNK):
        found, good, _ = _check_rows(uow, book, offset, rows[start : start + CHUNK], bad)
        problems += found
        ledgers |= good
    problems.sort(key=lambda p: p.index)
    return SetCheck(problems, ledgers, offset)


def _check_rows(
    uow: UnitOfWork,
    book: Book,
    offset: Ledger,
    rows: Sequence[SetRow],
    bad: set[int],
    *,
    lock: bool = False,
) -> tuple[list[RowProblem], dict[int, Ledger], dict[str, Ledger]]:
    """Some rows against the book's ledgers: their problems, each good row's ledger, and every
    ledger read, the offset ledger included (locked, in id order, with `lock`)."""
    by_number = uow.ledgers.ids_for_numbers(
        book.id, [r.ledger_number for r in rows if r.ledger_number and r.ledger_id is None]
    )
    wanted = {r.ledger_id or by_number.get(r.ledger_number or "") for r in rows} | {offset.id}
    found = uow.ledgers.many(book.id, [lid for lid in wanted if lid], lock=lock)
    problems: list[RowProblem] = []
    ledgers: dict[int, Ledger] = {}
    for row in rows:
        if row.index in bad or row.skipped:
            continue
        ledger_id = row.ledger_id or by_number.get(row.ledger_number or "")
        ledger = found.get(ledger_id) if ledger_id else None
        if ledger is None:
            problems.append(
                RowProblem(
                    row.index,
                    "ACCOUNTS_NOT_FOUND",
                    f"row {row.index}: account {row.ref} does not exist in this book",
                    row.ref,
                )
            )
        elif ledger.id == offset.id:
            problems.append(
                RowProblem(
                    row.index,
                    "INVALID_BALANCE_ENTRY",
                    f"row {row.index}: {_label(ledger)} is the offset account "
                    "and is booked automatically",
                    row.ref,
                )
            )
        elif not type_allowed(ledger.type, mid_year=book.starts_mid_year):
            problems.append(
                RowProblem(
                    row.index,
                    "ACCOUNT_TYPE_NOT_ALLOWED",
                    f"row {row.index}: {_label(ledger)} is a "
                    f"{ledger.type.value} account; only balance-sheet "
                    "accounts take opening balances",
                    row.ref,
                )
            )
        elif ledger.archived:
            problems.append(
                RowProblem(
                    row.index,
                    "INVALID_BALANCE_ENTRY",
                    f"row {row.index}: {_label(ledger)} is archived",
                    row.ref,
                )
            )
        else:
            ledgers[row.index] = ledger
    return problems, ledgers, found


@dataclass(frozen=True, slots=True)
class SetPreview:
    """What booking `rows` would do, and every problem that stops it, with nothing posted."""

    problems: list[RowProblem]
    total_debit: int
    total_credit: int
    offset: Ledger
    ledgers: dict[int, Ledger]

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit


def preview_set(uow: UnitOfWork, book_id: str, rows: Sequence[SetRow]) -> SetPreview:
    book = get_book(uow, book_id)
    check = check_set(uow, book, rows)
    booked = [row for row in rows if not row.skipped]
    return SetPreview(
        check.problems,
        sum(row.debit for row in booked),
        sum(row.credit for row in booked),
        check.offset,
        check.ledgers,
    )


def raise_first(problems: Sequence[RowProblem]) -> None:
    for code in _ROW_ERRORS:
        mine = [p for p in problems if p.code == code]
        if mine:
            data: dict[str, object] = {
                "rows": [p.as_data() for p in mine],
                "problems": [p.as_data() for p in problems],
            }
            if code == "ACCOUNTS_NOT_FOUND":
                data["account_numbers"] = [p.account for p in mine]
            message = (
                mine[0].message
                if len(mine) == 1
                else (f"{len(mine)} rows: " + "; ".join(p.message for p in mine[:10]))
            )
            raise _ROW_ERRORS[code](message, data)


def book_opening_set(
    uow: UnitOfWork,
    book_id: str,
    day: date,
    rows: Sequence[SetRow],
    actor: Actor,
) -> SetResult:
    """Book a trial balance as opening values against the offset ledger: all rows or none.

    The rows are checked and booked CHUNK at a time, so memory does not grow with the set
    beyond the rows themselves. Booking stops at the first problem while checking goes on, so
    that the error lists every bad row; it is one transaction, so nothing of it lasts.
    """
    locked = lock_book(uow, book_id)
    book = locked[0]
    if not any(not row.skipped for row in rows):
        raise InvalidInput(
            "balances must contain at least one row with a debit or credit.", {"field": "balances"}
        )
    offset = offset_ledger(uow, book_id)
    problems = amount_problems(rows)
    bad = {p.index for p in problems}
    total_debit = sum(row.debit for row in rows)  # a skipped row is zero on both sides
    total_credit = sum(row.credit for row in rows)
    existing = uow.journal.live_opening_lines(book_id, on=day)
    sets = sorted({r.intent_id for r in existing if _source(r.metadata) == SOURCE_SET})
    on_their_own = {r.ledger_id for r in existing if _source(r.metadata) == SOURCE_LEDGER}
    owned: set[str] = set()
    # Refusals keep their order whatever the set's size: the rows' problems, the date, the
    # totals, an owner already there, then a closed period.
    period_open = (
        uow.periods.statuses(book_id, [period_of(day)])[period_of(day)] is PeriodStatus.OPEN
    )
    writing = (
        not problems
        and not sets
        and day >= book.entries_start
        and total_debit == total_credit
        and period_open
    )
    posting = Posting(uow, book_id, actor=actor, locked=locked)
    for start in range(0, len(rows), CHUNK):
        chunk = [row for row in rows[start : start + CHUNK] if not row.skipped]
        if not chunk:
            continue
        found, ledgers, read = _check_rows(uow, book, offset, chunk, bad, lock=True)
        problems += found
        owned.update(ledger.id for ledger in ledgers.values() if ledger.id in on_their_own)
        writing = writing and not problems and not owned
        if writing:
            posting.add(
                [_set_draft(row, ledgers[row.index], offset, day) for row in chunk], ledgers=read
            )
    problems.sort(key=lambda p: p.index)
    raise_first(problems)
    if day < book.entries_start:
        raise BeforeEntriesStart(
            f"{day} is before the book's entries start {book.entries_start}.",
            {
                "field": "date",
                "date": day.isoformat(),
                "entries_start": book.entries_start.isoformat(),
            },
        )
    if total_debit != total_credit:
        raise BalanceMismatch(
            f"Debit balances total {format_minor(total_debit, book.exponent)} but credit "
            f"balances total {format_minor(total_credit, book.exponent)}; they must be equal.",
            {
                "total_debit": format_minor(total_debit, book.exponent),
                "total_credit": format_minor(total_credit, book.exponent),
                "difference": format_minor(total_debit - total_credit, book.exponent),
            },
        )
    if sets:
        raise OpeningBalancesExist(
            f"Opening balances for {day} already exist; reverse them (intent "
            f"{', '.join(sets)}) before booking a corrected set.",
            {"date": day.isoformat(), "intent_ids": sets},
        )
    if owned:
        raise OpeningBalancesExist(
            f"{len(owned)} ledgers in this set already have an opening balance set on their own "
            f"for {day}; set them to 0 first.",
            {"date": day.isoformat(), "ledger_ids": sorted(owned)},
        )
    check_periods_open(uow, book_id, {day})
    posted = posting.done()
    audit(
        uow,
        actor,
        "opening_balances.booked",
        book_id=book_id,
        target_type="intent",
        target_id=posted.intent_id,
        details={
            "date": day.isoformat(),
            "entries": posted.count,
            "total_debit": format_minor(total_debit, book.exponent),
            "total_credit": format_minor(total_credit, book.exponent),
        },
    )
    return SetResult(posted.intent_id, posted.count, total_debit, total_credit)


def _set_draft(row: SetRow, ledger: Ledger, offset: Ledger, day: date) -> EntryDraft:
    side, amount = (Side.DEBIT, row.debit) if row.debit > 0 else (Side.CREDIT, row.credit)
    return _opening_draft(
        ledger, offset, day, side, amount, SOURCE_SET, f"Opening balance {_label(ledger)}"
    )


# ---------------------------------------------------------------------- the whole book


def book_openings(uow: UnitOfWork, book_id: str) -> BookOpenings:
    get_book(uow, book_id)
    offset = offset_ledger(uow, book_id)
    totals = uow.ledgers.totals_as_of(book_id, None, FAR_FUTURE)
    ledgers = {lg.id: lg for lg in uow.ledgers.search(book_id)}
    rows = []
    offset_row = BookOpeningRow(offset, 0, 0)
    for ledger_id, (_, _, ob_debits, ob_credits) in totals.items():
        if ob_debits == ob_credits:  # none, or reversed to nothing
            continue
        net = ob_debits - ob_credits
        row = BookOpeningRow(ledgers[ledger_id], max(net, 0), max(-net, 0))
        if ledger_id == offset.id:
            offset_row = row
        else:
            rows.append(row)
    rows.sort(key=lambda r: uow.ledgers.sort_key(r.ledger))
    counts: dict[tuple[str, date, str], int] = defaultdict(int)
    seen: set[str] = set()
    for line in uow.journal.live_opening_lines(book_id):
        if line.entry_id not in seen:
            seen.add(line.entry_id)
            counts[(line.intent_id, line.date, _source(line.metadata) or "")] += 1
    sets = [OpeningSet(intent, day, source, n) for (intent, day, source), n in counts.items()]
    return BookOpenings(rows, offset_row, sets)
