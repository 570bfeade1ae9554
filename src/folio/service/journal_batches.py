"""Many postings in one call, in one transaction: all or none (`atomic`), or each on its own.

Each entry of a batch is a posting of its own (its own intent, as if posted alone, in order).
Every entry is checked on its own first, against the book, its ledgers and periods and the
totals the entries before it add; then the entries that pass are written together, a chunk at
a time (one statement per table per chunk instead of per entry). Refusals are decided before
anything is written, so a non-atomic batch needs no savepoints: what is written is exactly
the entries that passed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from folio.domain.books import Book
from folio.domain.errors import BatchRejected, FolioError
from folio.domain.journal import EntryDraft
from folio.domain.ledgers import Ledger
from folio.domain.periods import PeriodStatus, period_of
from folio.service.journal import (
    EntryCreate,
    count_totals,
    ledger_numbers,
    lock_free_draft,
    manual_draft,
)
from folio.service.posting import (
    CHUNK,
    MAX_TOTAL,
    Posting,
    check_drafts,
    check_periods_open,
    lock_book,
)
from folio.service.runner import Actor, audit
from folio.store.uow import UnitOfWork

MAX_ENTRIES = 1000


@dataclass(frozen=True, slots=True)
class Booked:
    """An entry of a batch, booked."""

    id: str
    journal_number: int


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Per entry of the batch, in order: the entry booked, or why it was refused."""

    outcomes: list[Booked | FolioError]

    @property
    def succeeded(self) -> int:
        return sum(1 for outcome in self.outcomes if isinstance(outcome, Booked))

    @property
    def failed(self) -> int:
        return len(self.outcomes) - self.succeeded


def at_entry(index: int, error: FolioError) -> FolioError:
    """`error` with its field placed in the batch: `entries[i].` before it, or `entries[i]`."""
    data = dict(error.data) if isinstance(error.data, dict) else {}
    field = data.get("field")
    prefix = f"entries[{index}]"
    if not (isinstance(field, str) and field.startswith(prefix)):
        data["field"] = f"{prefix}.{field}" if isinstance(field, str) else prefix
    return type(error)(error.message, data)


Read = EntryCreate | EntryDraft | FolioError  # an entry of a batch as far as it was read


def drafted(commands: Sequence[EntryCreate | FolioError]) -> list[Read]:
    """Each command that needs no database as its draft, or the error that refuses it; the
    others as they are, for `post_entries` to read in the write (`journal.lock_free_draft`)."""
    found: list[Read] = []
    for command in commands:
        try:
            draft = lock_free_draft(command) if isinstance(command, EntryCreate) else None
        except FolioError as exc:
            found.append(exc)
            continue
        found.append(command if draft is None else draft)
    return found


def post_entries(
    uow: UnitOfWork,
    book_id: str,
    commands: Sequence[Read],
    actor: Actor,
    *,
    atomic: bool,
) -> BatchResult:
    """Post each command as an entry of its own, in order. A `FolioError` in `commands` is an
    entry the caller could not read (an amount the book's currency cannot hold); an
    `EntryDraft`, one it read already (`drafted`).

    `atomic`: book all or none; any refusal raises `BatchRejected` listing every problem by
    entry index. Otherwise the entries that pass are booked and the others reported.
    """
    locked = lock_book(uow, book_id)
    book = locked[0]
    numbers = [ledger_numbers(c.lines) for c in commands if isinstance(c, EntryCreate)]
    by_number = uow.ledgers.ids_for_numbers(book_id, set().union(*numbers))
    outcomes: list[EntryDraft | FolioError] = []
    for command in commands:
        if not isinstance(command, EntryCreate):
            outcomes.append(command)
            continue
        try:
            outcomes.append(manual_draft(uow, book_id, command, by_number))
        except FolioError as exc:
            outcomes.append(exc)
    ledger_ids = {ln.ledger_id for d in outcomes if isinstance(d, EntryDraft) for ln in d.lines}
    ledgers = uow.ledgers.many(book_id, ledger_ids, lock=True)
    _check_each(uow, book, ledgers, outcomes)
    refused = [(i, o) for i, o in enumerate(outcomes) if isinstance(o, FolioError)]
    if atomic and refused:
        raise BatchRejected(
            f"{len(refused)} of {len(commands)} entries break a rule; nothing was booked.",
            {"errors": [_problem(index, error) for index, error in refused]},
        )
    drafts = [outcome for outcome in outcomes if isinstance(outcome, EntryDraft)]
    posting = Posting(uow, book_id, actor=actor, locked=locked, keep_ids=True, one_intent=False)
    for start in range(0, len(drafts), CHUNK):
        # Each draft passed every rule above; a later chunk's ledgers are read again, as
        # the chunks before it moved their totals.
        first = start == 0
        chunk = drafts[start : start + CHUNK]
        posting.add(chunk, ledgers=ledgers if first else None, many=True, checked=first)
    entries = iter(Booked(*item) for item in posting.booked or [])
    result = BatchResult(
        [next(entries) if isinstance(outcome, EntryDraft) else outcome for outcome in outcomes]
    )
    booked = [e.journal_number for e in result.outcomes if isinstance(e, Booked)]
    audit(
        uow,
        actor,
        "journal_entries.posted",
        book_id=book_id,
        target_type="journal_entry_batch",
        details={
            "atomic": atomic,
            "succeeded": result.succeeded,
            "failed": result.failed,
            "journal_numbers": [booked[0], booked[-1]] if booked else [],
        },
    )
    return result


def _check_each(
    uow: UnitOfWork,
    book: Book,
    ledgers: dict[str, Ledger],
    outcomes: list[EntryDraft | FolioError],
) -> None:
    """Replace each draft that breaks a rule by its error, in place. The entries before a
    draft count towards its ledgers' totals, as they would posted one after another."""
    drafts = [d for d in outcomes if isinstance(d, EntryDraft)]
    months = {period_of(day) for day in {d.date for d in drafts}}
    closed = {
        name for name, status in uow.periods.statuses(book.id, months).items()
        if status is not PeriodStatus.OPEN
    }  # fmt: skip
    if len(drafts) == len(outcomes) and not closed and _all_pass(book, ledgers, drafts):
        return
    added: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for index, draft in enumerate(outcomes):
        if not isinstance(draft, EntryDraft):
            outcomes[index] = at_entry(index, draft)
            continue
        try:
            check_drafts(book, [draft], ledgers, allow_archived=False, first_index=index, many=True)
            if closed and period_of(draft.date) in closed:
                check_periods_open(uow, book.id, {draft.date})  # raises, with the message
            count_totals(draft, ledgers, added)
        except FolioError as exc:
            outcomes[index] = at_entry(index, exc)


def _all_pass(book: Book, ledgers: dict[str, Ledger], drafts: list[EntryDraft]) -> bool:
    """Whether every draft passes every rule, checked at once (the common case): no ledger
    can overflow even if the whole batch landed on it, and `check_drafts` finds nothing.
    False sends the batch through the check entry by entry, which names each problem."""
    try:  # first: it refuses an amount that is no int, which the sum could not add
        check_drafts(book, drafts, ledgers, allow_archived=False, first_index=0, many=True)
    except FolioError:
        return False
    whole = sum(line.amount for draft in drafts for line in draft.lines)
    return all(
        max(ledger.debits_posted, ledger.credits_posted) + whole <= MAX_TOTAL
        for ledger in ledgers.values()
    )


def _problem(index: int, error: FolioError) -> dict[str, object]:
    problem: dict[str, object] = {"index": index, "code": error.code, "message": error.message}
    if isinstance(error.data, dict) and "field" in error.data:
        problem["field"] = error.data["field"]
    return problem
