"""The chart of accounts: create, update, archive ledgers; balances now and as of a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from folio.domain.books import check_name
from folio.domain.dates import check_day
from folio.domain.errors import DuplicateLedgerNumber, InvalidInput, NotFound, SystemLedgerProtected
from folio.domain.ids import new_id
from folio.domain.journal import check_description
from folio.domain.ledgers import (
    Ledger,
    LedgerType,
    Side,
    check_number,
    check_subtype,
    signed_balance,
)
from folio.domain.members import check_member
from folio.domain.text import check_text
from folio.service.books import get_book
from folio.service.runner import Actor, audit
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class LedgerCreate:
    name: str
    type: LedgerType
    number: str | None = None
    subtype: str | None = None
    normal_balance: Side | None = None
    parent_id: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class LedgerUpdate:
    name: str | None = None
    number: str | None = None
    subtype: str | None = None
    parent_id: str | None = None
    description: str | None = None
    archived: bool | None = None


@dataclass(frozen=True, slots=True)
class Balance:
    ledger: Ledger
    as_of: date | None
    debits: int
    credits: int

    @property
    def balance(self) -> int:
        return signed_balance(self.ledger.normal_balance, self.debits, self.credits)


def get_ledger(uow: UnitOfWork, book_id: str, ledger_id: str) -> Ledger:
    check_text(book_id, "book_id")  # a library caller's number: the drivers cannot compare it
    check_text(ledger_id, "ledger_id")
    ledger = uow.ledgers.get(book_id, ledger_id)
    if ledger is None:
        raise NotFound(f"Ledger {ledger_id} not found.", {"ledger_id": ledger_id})
    return ledger


def _check_parent(uow: UnitOfWork, book_id: str, parent_id: str | None) -> None:
    if parent_id is not None and uow.ledgers.get(book_id, parent_id) is None:
        raise InvalidInput(
            f"Parent ledger {parent_id} does not exist in this book.",
            {"field": "parent_id", "ledger_id": parent_id},
        )


def _check_number_free(uow: UnitOfWork, book_id: str, number: str | None) -> None:
    if number is not None and uow.ledgers.by_number(book_id, number) is not None:
        raise DuplicateLedgerNumber(
            f"Ledger number {number} is already used in this book.",
            {"field": "number", "number": number},
        )


def create_ledger(uow: UnitOfWork, book_id: str, command: LedgerCreate, actor: Actor) -> Ledger:
    get_book(uow, book_id)
    check_member(LedgerType, command.type, "type")
    if command.normal_balance is not None:
        check_member(Side, command.normal_balance, "normal_balance")
    number = check_number(command.number)
    subtype = check_subtype(command.type, command.subtype)
    check_description(command.description)
    _check_number_free(uow, book_id, number)
    _check_parent(uow, book_id, command.parent_id)
    ledger_id = new_id("ldg")
    uow.ledgers.insert_many(
        [
            {
                "book_id": book_id,
                "ledger_id": ledger_id,
                "number": number,
                "name": check_name(command.name),
                "type": command.type.value,
                "subtype": subtype,
                "normal_balance": (
                    command.normal_balance or command.type.default_normal_balance
                ).value,
                "parent_id": command.parent_id,
                "role": None,
                "archived": False,
                "description": command.description,
                "debits_posted": 0,
                "credits_posted": 0,
            }
        ],
        at=utcnow(),
    )
    audit(
        uow,
        actor,
        "ledger.created",
        book_id=book_id,
        target_type="ledger",
        target_id=ledger_id,
        details={"number": number, "name": command.name, "type": command.type.value},
    )
    return get_ledger(uow, book_id, ledger_id)


def update_ledger(
    uow: UnitOfWork, book_id: str, ledger_id: str, command: LedgerUpdate, actor: Actor
) -> Ledger:
    ledger = get_ledger(uow, book_id, ledger_id)
    values: dict[str, object] = {}
    if command.name is not None:
        values["name"] = check_name(command.name)
    if command.number is not None and command.number != ledger.number:
        number = check_number(command.number)
        _check_number_free(uow, book_id, number)
        values["number"] = number
    if command.subtype is not None:
        values["subtype"] = check_subtype(ledger.type, command.subtype)
    if command.parent_id is not None:
        if command.parent_id == ledger_id:
            raise InvalidInput("A ledger cannot be its own parent.", {"field": "parent_id"})
        _check_parent(uow, book_id, command.parent_id)
        values["parent_id"] = command.parent_id
    if command.description is not None:
        check_description(command.description)
        values["description"] = command.description
    if command.archived is not None and command.archived != ledger.archived:
        if ledger.role is not None and command.archived:
            raise SystemLedgerProtected(
                f"{ledger.name} is a system ledger and cannot be archived.",
                {"ledger_id": ledger_id, "role": ledger.role.value},
            )
        values["archived"] = command.archived
    if values:
        uow.ledgers.update(book_id, ledger_id, at=utcnow(), **values)
        audit(
            uow,
            actor,
            "ledger.updated",
            book_id=book_id,
            target_type="ledger",
            target_id=ledger_id,
            details={k: str(v) for k, v in values.items()},
        )
    return get_ledger(uow, book_id, ledger_id)


def delete_ledger(
    uow: UnitOfWork, book_id: str, ledger_id: str, actor: Actor
) -> tuple[Ledger, bool]:
    """Delete an unused ledger; a ledger with postings or children is archived instead.

    Returns the ledger as it was (deleted) or as it is now (archived), and whether it is gone.
    """
    ledger = get_ledger(uow, book_id, ledger_id)
    if ledger.role is not None:
        raise SystemLedgerProtected(
            f"{ledger.name} is a system ledger and cannot be deleted.",
            {"ledger_id": ledger_id, "role": ledger.role.value},
        )
    if not uow.ledgers.has_postings(book_id, ledger_id) and not uow.ledgers.has_children(
        book_id, ledger_id
    ):
        uow.ledgers.delete(book_id, ledger_id)
        audit(
            uow,
            actor,
            "ledger.deleted",
            book_id=book_id,
            target_type="ledger",
            target_id=ledger_id,
            details={"number": ledger.number, "name": ledger.name},
        )
        return ledger, True
    if not ledger.archived:
        uow.ledgers.update(book_id, ledger_id, at=utcnow(), archived=True)
        audit(
            uow,
            actor,
            "ledger.archived",
            book_id=book_id,
            target_type="ledger",
            target_id=ledger_id,
        )
    return get_ledger(uow, book_id, ledger_id), False


def list_ledgers(
    uow: UnitOfWork,
    book_id: str,
    *,
    number: str | None = None,
    ledger_type: str | None = None,
    role: str | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> list[Ledger]:
    get_book(uow, book_id)
    check_text(number, "number")  # PostgreSQL compares no text column with a library's 1800
    return uow.ledgers.search(
        book_id, number=number, ledger_type=ledger_type, role=role, after=after, limit=limit
    )


def ledger_balance(
    uow: UnitOfWork, book_id: str, ledger_id: str, as_of: date | None = None
) -> Balance:
    """Now: one row. As of a date: monthly plus daily totals, never the lines themselves."""
    ledger = get_ledger(uow, book_id, ledger_id)
    if as_of is None:
        return Balance(ledger, None, ledger.debits_posted, ledger.credits_posted)
    check_day(as_of, "as_of")
    d, c, obd, obc = uow.ledgers.totals_as_of(book_id, [ledger_id], as_of).get(
        ledger_id, (0, 0, 0, 0)
    )
    return Balance(ledger, as_of, d + obd, c + obc)
