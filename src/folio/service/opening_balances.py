"""Setting opening balances (DESIGN §3): one ledger's, or a whole trial-balance set.

Opening-balance entries are ordinary entries (through the one writer, with every posting rule)
flagged `is_opening_balance`, dated the book's opening date (its entries start) and posted
against its `opening_balances` ledger. Each live one owns its ledger (`opening_balance_owners`):
a ledger is set on its own or by one set, never both. A correction never edits: a per-ledger
change reverses the live entry and posts the full new amount; a set is reversed as a whole.
Reading them back is `opening_state`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from folio.domain.books import Book
from folio.domain.errors import (
    AccountsNotFound,
    AccountTypeNotAllowed,
    BalanceMismatch,
    FolioError,
    InvalidBalanceEntry,
    InvalidInput,
    OpeningBalancesExist,
    OpenItemsMismatch,
)
from folio.domain.journal import Entry, EntryDraft, EntryKind, LineDraft
from folio.domain.ledgers import Ledger, Side
from folio.domain.money import check_minor, format_minor
from folio.domain.opening_balances import (
    OwnerSource,
    RowProblem,
    SetRow,
    amount_problems,
    check_opening_date,
    label,
    refusal,
    row_problem,
)
from folio.domain.periods import PeriodStatus, period_of
from folio.domain.text import check_text
from folio.service.books import get_book
from folio.service.collector import bulk_booking
from folio.service.journal import record_reversals, reversal_draft
from folio.service.ledgers import get_ledger
from folio.service.opening_state import (
    BookOpeningRow,
    LedgerOpening,
    offset_ledger,
    opening_rows,
)
from folio.service.posting import CHUNK, Posting, check_periods_open, lock_book, write_entries
from folio.service.runner import Actor, audit
from folio.store.repos.openings import Owner
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork

_ROW_ERRORS: dict[str, type[FolioError]] = {
    "INVALID_BALANCE_ENTRY": InvalidBalanceEntry,
    "ACCOUNTS_NOT_FOUND": AccountsNotFound,
    "ACCOUNT_TYPE_NOT_ALLOWED": AccountTypeNotAllowed,
}


@dataclass(frozen=True, slots=True)
class SetResult:
    """A booked set: its intent, how many entries (one per row) and the totals."""

    intent_id: str
    event_count: int
    total_debit: int
    total_credit: int


def _opening_draft(
    ledger: Ledger, offset: Ledger, day: date, side: Side, amount: int
) -> EntryDraft:
    return EntryDraft(
        date=day,
        lines=(LineDraft(ledger.id, side, amount), LineDraft(offset.id, side.opposite, amount)),
        description=f"Opening balance {label(ledger)}",
        kind=EntryKind.OPENING_BALANCE,
        is_opening_balance=True,
    )


def _claim(
    uow: UnitOfWork,
    book_id: str,
    intent_id: str,
    source: OwnerSource,
    numbers: tuple[int, int],
    offset: Ledger,
) -> None:
    uow.openings.claim(
        book_id,
        intent_id=intent_id,
        source=source,
        numbers=numbers,
        excluded=[offset.id],
        at=utcnow(),
    )


# ---------------------------------------------------------------- one ledger (Asset, Teal)


def set_ledger_opening(
    uow: UnitOfWork, book_id: str, ledger_id: str, amount: int, actor: Actor
) -> LedgerOpening:
    """Make the ledger's opening balance `amount` (signed on its normal side), atomically.

    Reverses the live per-ledger entry, if any, and posts one for the full new amount, both
    dated the opening date; posts nothing when the amount is unchanged; 0 only reverses.
    """
    check_minor(amount)
    read = read_openings(uow, book_id, [(ledger_id, amount)])
    return set_read_ledger(uow, read, ledger_id, amount, actor)


@dataclass(frozen=True, slots=True)
class Openings:
    """What setting ledgers' opening balances reads, once for all of them (`read_openings`):
    each ledger's opening balance and owner, and the entries that would be reversed. Setting
    one ledger changes none of it for another (only the offset's totals, which posting reads
    again), so a batch reads it once and sets its ledgers one after another."""

    book_id: str
    ledgers: dict[str, Ledger]
    offset: Ledger | FolioError  # the book's missing offset is each ledger's refusal
    rows: dict[str, BookOpeningRow]
    live: dict[str, Entry]  # the live per-ledger entries, by id


def read_openings(uow: UnitOfWork, book_id: str, wanted: Sequence[tuple[str, object]]) -> Openings:
    """Lock the book and read what setting each `(ledger id, amount)` needs."""
    locked = lock_book(uow, book_id)
    wanted = [(lid, amount) for lid, amount in wanted if _is_text(lid)]  # others: refused later
    ledgers = uow.ledgers.many(book_id, [lid for lid, _ in wanted]) if wanted else {}
    try:
        offset: Ledger | FolioError = offset_ledger(uow, book_id)
    except FolioError as exc:
        offset = exc
    rows = (
        opening_rows(uow, locked[0], list(ledgers), known=list(ledgers.values())) if ledgers else {}
    )
    changing = [
        row.owner.entry_id
        for lid, amount in wanted
        if (row := rows.get(lid)) is not None and row.owner is not None
        and row.owner.source is OwnerSource.LEDGER and row.amount != amount
    ]  # fmt: skip
    live = {entry.id: entry for entry in uow.journal.many(book_id, changing)} if changing else {}
    return Openings(book_id, ledgers, offset, rows, live)


def _is_text(value: object) -> bool:
    try:
        check_text(value, "ledger_id")  # type: ignore[arg-type]
    except FolioError:
        return False
    return True


def set_read_ledger(
    uow: UnitOfWork, read: Openings, ledger_id: str, amount: int, actor: Actor
) -> LedgerOpening:
    """`set_ledger_opening` on what `read_openings` read (the amount checked by the caller)."""
    book_id = read.book_id
    locked = lock_book(uow, book_id)  # locked by the read: the head as the last posting left it
    book = locked[0]
    found = read.ledgers.get(ledger_id) if isinstance(ledger_id, str) else None
    ledger = found or get_ledger(uow, book_id, ledger_id)  # which refuses what is no id
    if isinstance(read.offset, FolioError):
        raise read.offset
    offset = read.offset
    refused = refusal(ledger, offset_id=offset.id, mid_year=book.starts_mid_year)
    if refused is not None:
        code, reason = refused
        raise _ROW_ERRORS[code](f"{reason}.", {"ledger_id": ledger.id, "field": "ledger_id"})
    row = read.rows.get(ledger.id)
    owner = row.owner if row else None
    current = row.amount if row else 0
    if owner is not None and owner.source is OwnerSource.SET:
        raise OpeningBalancesExist(
            f"The opening balance of {label(ledger)} comes from an opening-balance set; "
            f"reverse that set (intent {owner.intent_id}) before setting this ledger on its own.",
            {"ledger_ids": [ledger.id], "intent_ids": [owner.intent_id]},
        )
    if owner is not None and owner.source is OwnerSource.OPEN_ITEMS:
        raise OpeningBalancesExist(
            f"The opening balance of {label(ledger)} is the total of its open items; change "
            "the items instead.",
            {"ledger_ids": [ledger.id], "intent_ids": [owner.intent_id]},
        )
    if current == amount:
        return LedgerOpening(ledger, amount, owner)
    day = book.entries_start
    live = read.live[owner.entry_id] if owner else None
    drafts = []
    if live is not None:
        drafts.append(reversal_draft(live, day, f"Reversal of opening balance {label(ledger)}"))
    if amount != 0:
        side = ledger.normal_balance if amount > 0 else ledger.normal_balance.opposite
        drafts.append(_opening_draft(ledger, offset, day, side, abs(amount)))
    posted = write_entries(uow, book_id, drafts, actor=actor, locked=locked)
    if live is not None:
        record_reversals(uow, book_id, [(live, posted[0])], posted[0].created_at)
    new_owner = None
    if amount != 0:
        new = posted[-1]
        _claim(uow, book_id, new.intent_id, OwnerSource.LEDGER, (new.journal_number,) * 2, offset)
        # What the claim wrote: the new entry's one line off the offset (the database's unique
        # live owner per ledger refuses any other outcome).
        new_owner = Owner(ledger.id, new.id, new.intent_id, OwnerSource.LEDGER)
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
    return LedgerOpening(get_ledger(uow, book_id, ledger.id), amount, new_owner, posted=posted)


# ---------------------------------------------------------- a trial-balance set (LedgerLou)


class _SetCheck:
    """Rows checked against the book chunk by chunk, collecting every problem: accounts that
    do not exist or take no opening balance, and a ledger named twice however each row names
    it (by number or by id)."""

    def __init__(self, uow: UnitOfWork, book: Book, rows: Sequence[SetRow]) -> None:
        self.uow, self.book = uow, book
        self.offset = offset_ledger(uow, book.id)
        self.mid_year = book.starts_mid_year  # computed from the book's dates: once, not per row
        self.problems = amount_problems(rows)
        self.bad = {p.index for p in self.problems}
        self.first: dict[str, SetRow] = {}  # by _ledger_key

    def chunk(
        self, rows: Sequence[SetRow], *, lock: bool = False
    ) -> tuple[dict[int, Ledger], dict[str, Ledger]]:
        """Each good row's ledger by row index, and every ledger read (the offset included;
        locked, in id order, with `lock`)."""
        uow, book, offset = self.uow, self.book, self.offset
        rows = [r for r in rows if r.index not in self.bad]  # a bad row's account may be no text
        found = uow.ledgers.named(
            book.id,
            {offset.id, *(r.ledger_id for r in rows if r.ledger_id)},
            [r.ledger_number for r in rows if r.ledger_number and r.ledger_id is None],
            lock=lock,
        )
        by_number = {lg.number: lg.id for lg in found.values() if lg.number is not None}
        ledgers: dict[int, Ledger] = {}
        for row in rows:
            if row.index in self.bad or row.skipped:
                continue
            ledger = found.get(row.ledger_id or by_number.get(row.ledger_number or "") or "")
            refused = (
                refusal(ledger, offset_id=offset.id, mid_year=self.mid_year)
                if ledger
                else ("ACCOUNTS_NOT_FOUND", f"account {row.ref} does not exist in this book")
            )
            key = _ledger_key(row, ledger) if ledger is not None else ""
            if ledger is not None and refused is None and key in self.first:
                first = self.first[key]
                refused = (
                    "INVALID_BALANCE_ENTRY",
                    f"account {label(ledger)} appears again (first in {first.label})",
                )
            if refused is not None:
                self.problems.append(row_problem(row, *refused))
                continue
            assert ledger is not None
            self.first[key] = row
            ledgers[row.index] = ledger
        return ledgers, found

    def sorted_problems(self) -> list[RowProblem]:
        return sorted(self.problems, key=lambda p: p.index)


def _ledger_key(row: SetRow, ledger: Ledger) -> str:
    """The ledger's key among the rows seen: its number (digits), or its id where it has none
    (`ldg_...`, never digits). A row that names its ledger by number gives its own text, kept
    with the rows anyway: keyed by the ids read, a 100,000-row import held 100,000 more strings
    (`folio opening-balances import`'s peak RSS 114.0 / 181.9 MB on PostgreSQL / SQLite,
    108.1 / 175.3 MB now)."""
    if row.ledger_id is None and row.ledger_number:
        return row.ledger_number
    return ledger.number or ledger.id


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
    check = _SetCheck(uow, get_book(uow, book_id), rows)
    ledgers: dict[int, Ledger] = {}
    for start in range(0, len(rows), CHUNK):
        ledgers |= check.chunk(rows[start : start + CHUNK])[0]
    booked = [row for row in rows if not row.skipped]
    return SetPreview(
        check.sorted_problems(),
        sum(row.debit for row in booked),
        sum(row.credit for row in booked),
        check.offset,
        ledgers,
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
    day: date | None,
    rows: Sequence[SetRow],
    actor: Actor,
    *,
    date_field: str = "date",
) -> SetResult:
    """Book a trial balance as opening values against the offset ledger: all rows or none.

    `day` must be the book's opening date (None means it; `date_field` names the caller's
    field in the error). Rows are checked and booked CHUNK at a time, so memory does not grow
    with the set beyond the rows themselves. Booking stops at the first problem while checking
    goes on, so that the error lists every bad row; it is one transaction, so nothing lasts.
    Refusals keep their order whatever the set's size: the rows' problems, the date, the
    totals, an owner already there, then a closed period. The rows (parsed by the caller) and
    everything else alive are left out of garbage collections meanwhile (`bulk_booking`).
    """
    with bulk_booking():
        return _book_opening_set(uow, book_id, day, rows, actor, date_field)


def _book_opening_set(
    uow: UnitOfWork,
    book_id: str,
    day: date | None,
    rows: Sequence[SetRow],
    actor: Actor,
    date_field: str,
) -> SetResult:
    locked = lock_book(uow, book_id)
    book = locked[0]
    if not any(not row.skipped for row in rows):
        raise InvalidInput(
            "balances must contain at least one row with a debit or credit.", {"field": "balances"}
        )
    check = _SetCheck(uow, book, rows)
    # A skipped row is zero on both sides; a row with an amount that is no int is a problem
    # already (and may not add up at all: a library caller's text).
    total_debit = sum(row.debit for row in rows if row.index not in check.bad)
    total_credit = sum(row.credit for row in rows if row.index not in check.bad)
    owners = {owner.ledger_id: owner for owner in uow.openings.live(book_id)}
    sets = sorted({o.intent_id for o in owners.values() if o.source is OwnerSource.SET})
    opening = book.entries_start
    writing = (
        not check.problems
        and not sets
        and day in (None, opening)
        and total_debit == total_credit
        and uow.periods.statuses(book_id, [period_of(opening)])[period_of(opening)]
        is PeriodStatus.OPEN
    )
    # A control ledger whose opening balance its open items carry: the set's row for it must
    # equal the items' total (as Xero insists), and is not booked again.
    itemized = {lid for lid, owner in owners.items() if owner.source is OwnerSource.OPEN_ITEMS}
    items_total = {
        lid: row.debit - row.credit
        for lid, row in (opening_rows(uow, book, sorted(itemized)) if itemized else {}).items()
    }
    mismatched: dict[str, tuple[int, int]] = {}  # ledger -> (the row, the items), debit − credit
    owned: set[str] = set()
    posting = Posting(uow, book_id, actor=actor, locked=locked)
    for start in range(0, len(rows), CHUNK):
        chunk = [row for row in rows[start : start + CHUNK] if not row.skipped]
        if not chunk:
            continue
        ledgers, read = check.chunk(chunk, lock=True)
        owned.update(lg.id for lg in ledgers.values() if lg.id in owners and lg.id not in itemized)
        for row in chunk if itemized else ():
            ledger = ledgers.get(row.index)
            if ledger is not None and ledger.id in itemized:
                if row.debit - row.credit != items_total.get(ledger.id, 0):
                    mismatched[ledger.id] = (row.debit - row.credit, items_total.get(ledger.id, 0))
        writing = writing and not check.problems and not owned and not mismatched
        booked = [row for row in chunk if ledgers[row.index].id not in itemized] if writing else []
        if booked:
            posting.add(
                [_set_draft(row, ledgers[row.index], check.offset, opening) for row in booked],
                ledgers=read,
            )
    raise_first(check.sorted_problems())
    check_opening_date(day, opening, field=date_field)
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
    if mismatched:
        found = uow.ledgers.many(book_id, list(mismatched))
        raise OpenItemsMismatch(
            "; ".join(
                f"{label(found[lid])}: the set says {_side(row, book.exponent)}, its open items "
                f"total {_side(items, book.exponent)} (difference "
                f"{format_minor(abs(row - items), book.exponent)})"
                for lid, (row, items) in sorted(mismatched.items())
            )
            + ". A control ledger's opening balance is the total of its open items.",
            {
                "ledgers": [
                    {
                        "ledger_id": lid,
                        "number": found[lid].number,
                        "set": format_minor(row, book.exponent),
                        "open_items": format_minor(items, book.exponent),
                        "difference": format_minor(row - items, book.exponent),
                    }
                    for lid, (row, items) in sorted(mismatched.items())
                ]
            },
        )
    if sets:
        raise OpeningBalancesExist(
            f"Opening balances already exist: a set was booked (intent {', '.join(sets)}); "
            "reverse it before booking a corrected set.",
            {"date": opening.isoformat(), "intent_ids": sets},
        )
    if owned:
        raise OpeningBalancesExist(
            f"{len(owned)} ledgers in this set already have an opening balance set on their "
            "own; set them to 0 first.",
            {"date": opening.isoformat(), "ledger_ids": sorted(owned)},
        )
    check_periods_open(uow, book_id, {opening})
    posted = posting.done()
    first = locked[1] + 1
    _claim(
        uow, book_id, posted.intent_id, OwnerSource.SET, (first, first + posted.count - 1),
        check.offset,
    )  # fmt: skip
    audit(
        uow,
        actor,
        "opening_balances.booked",
        book_id=book_id,
        target_type="intent",
        target_id=posted.intent_id,
        details={
            "date": opening.isoformat(),
            "entries": posted.count,
            "total_debit": format_minor(total_debit, book.exponent),
            "total_credit": format_minor(total_credit, book.exponent),
        },
    )
    return SetResult(posted.intent_id, posted.count, total_debit, total_credit)


def _side(raw: int, exponent: int) -> str:
    return f"{format_minor(abs(raw), exponent)} {'debit' if raw >= 0 else 'credit'}"


def _set_draft(row: SetRow, ledger: Ledger, offset: Ledger, day: date) -> EntryDraft:
    side, amount = (Side.DEBIT, row.debit) if row.debit > 0 else (Side.CREDIT, row.credit)
    return _opening_draft(ledger, offset, day, side, amount)
