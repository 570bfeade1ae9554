"""Open items (issue 17): customers' unpaid invoices and suppliers' unpaid bills at conversion,
booked as the opening balance of their control ledger; what settles them; what stays open.

A control ledger (role `receivables` or `payables`: SKR04 1200 and 3300, SKR03 1400 and 1600,
US Accounts Receivable and Payable) whose opening balance comes from open items has one live
opening-balance entry carrying them all: a line per item on the control ledger, naming its party
and item, against the carry-forward ledger (9008 Debitoren, 9009 Kreditoren; the book's offset
where there is none). Adding items reverses that entry and books one with every item, so the
ledger keeps one owner (`OwnerSource.OPEN_ITEMS`) and its opening balance is always the sum of
its items.

An item's open amount is derived from the journal lines that name it: the line that opened it,
and every later line that settles it (a payment, a partial payment, a credit note). Any other
line on a control ledger is an item of its own, dated and due by its entry (due after the
party's payment terms), so that every line of a control ledger belongs to exactly one item and
the aged report adds up to the ledger's balance on every date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from folio.domain.books import Book
from folio.domain.dates import check_day
from folio.domain.errors import (
    InvalidInput,
    OpeningBalancesExist,
    OpenItemProblems,
)
from folio.domain.ids import new_id
from folio.domain.journal import EntryDraft, EntryKind, LineDraft, check_description
from folio.domain.ledgers import Ledger, Role, Side
from folio.domain.money import check_minor
from folio.domain.opening_balances import OwnerSource, RowProblem, label
from folio.domain.parties import OpenItem, PartyKind, check_document_number
from folio.domain.text import check_text
from folio.service.journal import record_reversals, reversal_draft
from folio.service.opening_state import offset_ledger
from folio.service.parties import PartyCreate, create_party
from folio.service.posting import lock_book, write_entries
from folio.service.runner import Actor, audit
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork

CONTROL_ROLES = {PartyKind.CUSTOMER: Role.RECEIVABLES, PartyKind.SUPPLIER: Role.PAYABLES}
CARRY_FORWARD = {
    PartyKind.CUSTOMER: Role.RECEIVABLES_CARRY_FORWARD,
    PartyKind.SUPPLIER: Role.PAYABLES_CARRY_FORWARD,
}


@dataclass(frozen=True, slots=True)
class ItemInput:
    """One open item as a caller gives it; `index` and `path` name it in errors as its source
    counts it (`kind` "row" with the JSON path, or "line" for a file)."""

    index: int
    party_id: str | None
    party_number: str | None
    document_number: str
    document_date: date
    due_date: date | None
    amount: int  # signed on the control ledger's normal side
    description: str | None = None
    path: str | None = None
    kind: str = "row"

    @property
    def label(self) -> str:
        return f"{self.kind} {self.index}" + (f" ({self.path})" if self.path else "")


@dataclass(frozen=True, slots=True)
class ItemsBooked:
    items: list[OpenItem]
    ledgers: list[Ledger]  # the control ledgers whose opening balance was booked again


def control_ledger(uow: UnitOfWork, book_id: str, kind: PartyKind) -> Ledger:
    ledger = uow.ledgers.by_role(book_id, CONTROL_ROLES[kind])
    if ledger is None or ledger.archived:
        raise InvalidInput(
            f"The book has no {'receivables' if kind is PartyKind.CUSTOMER else 'payables'} "
            f"control ledger (role {CONTROL_ROLES[kind].value}) to hold {kind.value}s' open "
            "items.",
            {"role": CONTROL_ROLES[kind].value},
        )
    return ledger


def carry_forward_ledger(uow: UnitOfWork, book_id: str, kind: PartyKind) -> Ledger:
    """9008 for customers' items, 9009 for suppliers'; the book's offset where there is none."""
    ledger = uow.ledgers.by_role(book_id, CARRY_FORWARD[kind])
    if ledger is not None and not ledger.archived:
        return ledger
    return offset_ledger(uow, book_id)


def add_open_items(
    uow: UnitOfWork, book_id: str, items: Sequence[ItemInput], actor: Actor
) -> ItemsBooked:
    """Record open items and book them as their control ledgers' opening balance: all items or
    none, every bad item reported with its row."""
    # A library caller's: one ItemInput per item (a dict or a tuple has no fields to read).
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise InvalidInput(
            f"items must be a list of ItemInput, not {type(items).__name__}.", {"field": "items"}
        )
    for index, item in enumerate(items):
        if not isinstance(item, ItemInput):
            raise InvalidInput(
                f"items[{index}] must be an ItemInput, not {item!r}.",
                {"field": f"items[{index}]", "value": repr(item)},
            )
    book = lock_book(uow, book_id)[0]
    if not items:
        raise InvalidInput("items must contain at least one open item.", {"field": "items"})
    # Only text is looked up: a library caller's id or number of another kind is its item's
    # problem below (the drivers cannot compare it, and a list is no key).
    by_id = uow.parties.many(book_id, _texts(i.party_id for i in items))
    by_number = uow.parties.by_numbers(book_id, _texts(i.party_number for i in items))
    problems: list[RowProblem] = []
    made: list[OpenItem] = []
    seen: set[tuple[str, str]] = set()

    def refuse(item: ItemInput, reason: str, field: str) -> None:
        ref = item.party_number or item.party_id
        problems.append(
            RowProblem(item.index, "INVALID_OPEN_ITEM", f"{item.label}: {reason}",
                       ref if isinstance(ref, str) else None,
                       item.path and f"{item.path}.{field}")
        )  # fmt: skip

    for item in items:
        try:
            check_text(item.party_id, "party_id")
            check_text(item.party_number, "party_number")
        except InvalidInput as exc:
            refuse(item, exc.message, str(exc.data["field"]))
            continue
        party = by_id.get(item.party_id or "") or by_number.get(item.party_number or "")
        if party is None:
            refuse(item, f"no customer or supplier {item.party_number or item.party_id}", "party")
            continue
        try:
            document = check_document_number(item.document_number)
            check_description(item.description)
            # a library caller's; files are read by parse_minor and read_day
            check_minor(item.amount)
            check_day(item.document_date, "date")
            if item.due_date is not None:
                check_day(item.due_date, "due_date")
        except InvalidInput as exc:
            refuse(item, exc.message, str(exc.data["field"]))
            continue
        due = item.due_date or item.document_date + timedelta(days=party.payment_terms_days)
        if item.document_date > book.entries_start:
            reason = (
                f"its date {item.document_date} is after the opening date "
                f"{book.entries_start}; later invoices are journal entries"
            )
            refuse(item, reason, "date")
        elif due < item.document_date:
            refuse(item, f"it is due ({due}) before its date ({item.document_date})", "due_date")
        elif item.amount == 0:
            refuse(item, "its open amount is zero", "amount")
        elif (party.id, document) in seen or uow.open_items.by_document(
            book_id, party.id, document
        ):
            refuse(item, f"{party.number} {party.name} already has an item {document}",
                   "document_number")  # fmt: skip
        else:
            seen.add((party.id, document))
            control = control_ledger(uow, book_id, party.kind)
            made.append(
                OpenItem(new_id("itm"), book_id, party.id, control.id, document,
                         item.document_date, due, item.amount, item.description)
            )  # fmt: skip
    if problems:
        raise OpenItemProblems(
            problems[0].message
            if len(problems) == 1
            else f"{len(problems)} items: " + "; ".join(p.message for p in problems[:10]),
            {"rows": [p.as_data() for p in problems]},
        )
    touched = sorted({item.ledger_id for item in made})
    owners = {o.ledger_id: o for o in uow.openings.live(book_id, touched)}
    for ledger_id in touched:
        owner = owners.get(ledger_id)
        if owner is not None and owner.source is not OwnerSource.OPEN_ITEMS:
            ledger = uow.ledgers.get(book_id, ledger_id)
            assert ledger is not None
            raise OpeningBalancesExist(
                f"The opening balance of {label(ledger)} was booked "
                f"{'by a set' if owner.source is OwnerSource.SET else 'on its own'}; reverse "
                "it, add the open items, and book the set again (its row for the ledger must "
                "then equal the items' total).",
                {"ledger_ids": [ledger_id], "intent_ids": [owner.intent_id]},
            )
    uow.open_items.insert(made, at=utcnow())
    ledgers = [_rebook(uow, book, ledger_id, actor) for ledger_id in touched]
    audit(uow, actor, "open_items.added", book_id=book_id, target_type="book", target_id=book_id,
          details={"items": len(made), "ledgers": touched})  # fmt: skip
    return ItemsBooked(made, ledgers)


def _texts(values: Iterable[object]) -> list[str]:
    return [value for value in values if isinstance(value, str) and value]


def _rebook(uow: UnitOfWork, book: Book, ledger_id: str, actor: Actor) -> Ledger:
    """Book the control ledger's opening balance again from all of its items: reverse the live
    items entry, post one line per item (naming its party and item) against the carry-forward
    ledger, all dated the opening date."""
    ledger = uow.ledgers.get(book.id, ledger_id)
    assert ledger is not None  # every item names an existing ledger (foreign key)
    items = uow.open_items.of_ledger(book.id, ledger_id)
    kind = uow.parties.many(book.id, [items[0].party_id])[items[0].party_id].kind
    offset = carry_forward_ledger(uow, book.id, kind)
    live = uow.openings.live(book.id, [ledger_id])
    previous = uow.journal.get(book.id, live[0].entry_id) if live else None
    drafts: list[EntryDraft] = []
    if previous is not None:
        described = f"Open items of {label(ledger)} booked again"
        drafts.append(reversal_draft(previous, book.entries_start, described))
    lines = [
        LineDraft(
            ledger.id,
            ledger.normal_balance if item.amount > 0 else ledger.normal_balance.opposite,
            abs(item.amount),
            item.document_number,
            party_id=item.party_id,
            item_id=item.id,
        )
        for item in items
    ]
    net = sum(line.amount if line.side is Side.DEBIT else -line.amount for line in lines)
    if net:
        lines.append(LineDraft(offset.id, Side.CREDIT if net > 0 else Side.DEBIT, abs(net)))
    drafts.append(
        EntryDraft(
            date=book.entries_start,
            lines=tuple(lines),
            description=f"Open items {label(ledger)}",
            kind=EntryKind.OPENING_BALANCE,
            is_opening_balance=True,
        )
    )
    posted = write_entries(uow, book.id, drafts, actor=actor)
    if previous is not None:
        record_reversals(uow, book.id, [(previous, posted[0])], posted[0].created_at)
    new = posted[-1]
    uow.openings.claim(
        book.id,
        intent_id=new.intent_id,
        source=OwnerSource.OPEN_ITEMS,
        numbers=(new.journal_number, new.journal_number),
        excluded=[offset.id],
        at=new.created_at,
    )
    return ledger


def import_open_items(
    uow: UnitOfWork,
    book_id: str,
    kind: PartyKind,
    items: Sequence[ItemInput],
    names: dict[str, str],
    actor: Actor,
) -> ItemsBooked:
    """Book a file's open items: a party the file names with a number the book does not know
    yet, and a name, is created as a `kind` (all in the same transaction: nothing of it lasts
    if any item is refused)."""
    known = uow.parties.by_numbers(book_id, [i.party_number for i in items if i.party_number])
    for number, name in sorted(names.items()):
        if number not in known:
            create_party(uow, book_id, PartyCreate(kind, name, number), actor)
    return add_open_items(uow, book_id, items, actor)
