"""Customers and suppliers: create, change, list; their number ranges.

In a German book (SKR03/SKR04) a party's number must lie in its kind's range (default
customers 10000-69999, suppliers 70000-99999, the book may set its own), as DATEV's personal
accounts do; elsewhere numbers are free and the range only gives the next number when none is
asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from folio.domain.books import Book
from folio.domain.errors import DuplicatePartyNumber, InvalidInput, NotFound
from folio.domain.ids import new_id
from folio.domain.members import check_flag, check_limit, check_member
from folio.domain.parties import (
    DEFAULT_RANGES,
    GERMAN_CHARTS,
    Party,
    PartyKind,
    check_party_changes,
    check_party_fields,
    check_party_number,
    check_range,
    in_range,
)
from folio.domain.text import check_text
from folio.service.books import get_book
from folio.service.changes import KEEP, Keep
from folio.service.runner import Actor, audit
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class PartyCreate:
    kind: PartyKind
    name: str
    number: str | None = None
    tax_id: str | None = None
    address: str | None = None
    payment_terms_days: int = 0


@dataclass(frozen=True, slots=True)
class PartyUpdate:
    """What to change: None leaves a name, the terms or the flag as they are; a tax id or an
    address is kept unless given, and given as None it is cleared."""

    name: str | None = None
    tax_id: str | None | Keep = KEEP
    address: str | None | Keep = KEEP
    payment_terms_days: int | None = None
    archived: bool | None = None


def number_ranges(uow: UnitOfWork, book_id: str) -> dict[PartyKind, tuple[int, int]]:
    return DEFAULT_RANGES | uow.parties.ranges(book_id)


def get_number_ranges(uow: UnitOfWork, book_id: str) -> dict[PartyKind, tuple[int, int]]:
    """The book's number ranges, each kind's own or the default; NOT_FOUND for no such book."""
    get_book(uow, book_id)
    return number_ranges(uow, book_id)


def _enforced(book: Book) -> bool:
    return book.chart in GERMAN_CHARTS


def get_party(uow: UnitOfWork, book_id: str, party_id: str) -> Party:
    check_text(book_id, "book_id")  # a library caller's number: the drivers cannot compare it
    check_text(party_id, "party_id")
    party = uow.parties.get(book_id, party_id)
    if party is None:
        raise NotFound(f"Party {party_id} not found.", {"party_id": party_id})
    return party


def _next_number(uow: UnitOfWork, book_id: str, kind: PartyKind, bounds: tuple[int, int]) -> str:
    used = [int(n) for n in uow.parties.numbers(book_id, kind) if in_range(n, bounds)]
    following = max(used, default=bounds[0] - 1) + 1
    if following > bounds[1]:
        raise InvalidInput(
            f"The {kind.value} numbers {bounds[0]}-{bounds[1]} are all used; give a number or "
            "widen the range.",
            {"field": "number", "range": list(bounds)},
        )
    return str(following)


def create_party(uow: UnitOfWork, book_id: str, command: PartyCreate, actor: Actor) -> Party:
    book = get_book(uow, book_id)
    check_member(PartyKind, command.kind, "kind")
    name, tax_id, address, terms = check_party_fields(
        command.name, command.tax_id, command.address, command.payment_terms_days
    )
    bounds = number_ranges(uow, book_id)[command.kind]
    if command.number is None:
        number = _next_number(uow, book_id, command.kind, bounds)
    else:
        number = check_party_number(command.number)
        if _enforced(book) and not in_range(number, bounds):
            raise InvalidInput(
                f"{command.kind.value.capitalize()} numbers in this book run from {bounds[0]} "
                f"to {bounds[1]} (DATEV's personal accounts); {number} is outside.",
                {"field": "number", "number": number, "range": list(bounds)},
            )
    if uow.parties.by_number(book_id, number) is not None:
        raise DuplicatePartyNumber(
            f"Number {number} is already used by another customer or supplier.",
            {"field": "number", "number": number},
        )
    party = Party(new_id("pty"), book_id, command.kind, number, name, tax_id, address, terms)
    uow.parties.insert(party, at=utcnow())
    audit(uow, actor, "party.created", book_id=book_id, target_type="party",
          target_id=party.id, details={"kind": command.kind.value, "number": number})  # fmt: skip
    return party


def update_party(
    uow: UnitOfWork, book_id: str, party_id: str, command: PartyUpdate, actor: Actor
) -> Party:
    tax_id, address = command.tax_id, command.address
    name = check_party_changes(
        command.name,
        None if isinstance(tax_id, Keep) else tax_id,
        None if isinstance(address, Keep) else address,
        command.payment_terms_days,
    )
    check_flag(command.archived, "archived", optional=True)  # a library caller's "yes"
    party = get_party(uow, book_id, party_id)
    # Every field given was checked above and every other one is the stored, checked value.
    changed = replace(
        party,
        name=name if name is not None else party.name,
        tax_id=party.tax_id if isinstance(tax_id, Keep) else tax_id,
        address=party.address if isinstance(address, Keep) else address,
        payment_terms_days=(
            command.payment_terms_days
            if command.payment_terms_days is not None
            else party.payment_terms_days
        ),
        archived=command.archived if command.archived is not None else party.archived,
    )
    uow.parties.update(
        book_id, party_id, at=utcnow(), name=changed.name, tax_id=changed.tax_id,
        address=changed.address, payment_terms_days=changed.payment_terms_days,
        archived=changed.archived,
    )  # fmt: skip
    audit(uow, actor, "party.updated", book_id=book_id, target_type="party", target_id=party_id,
          details={"number": party.number})  # fmt: skip
    return changed


def list_parties(
    uow: UnitOfWork,
    book_id: str,
    *,
    kind: PartyKind | None = None,
    text: str | None = None,
    after: str | None = None,
    limit: int = 50,
) -> list[Party]:
    get_book(uow, book_id)
    if kind is not None:
        check_member(PartyKind, kind, "kind")
    check_text(text, "text")
    check_text(after, "after")
    check_limit(limit)
    return uow.parties.search(book_id, kind=kind, text=text, after=after, limit=limit)


def set_number_range(
    uow: UnitOfWork, book_id: str, kind: PartyKind, first: int, last: int, actor: Actor
) -> dict[PartyKind, tuple[int, int]]:
    """Give `kind` its own number range; in a German book every existing party of that kind
    must lie in it."""
    book = get_book(uow, book_id)
    check_member(PartyKind, kind, "kind")
    bounds = check_range(first, last, field=f"{kind.value}s")
    outside = [n for n in uow.parties.numbers(book_id, kind) if not in_range(n, bounds)]
    if _enforced(book) and outside:
        raise InvalidInput(
            f"{len(outside)} {kind.value}s have numbers outside {first}-{last} "
            f"({', '.join(sorted(outside, key=int)[:5])}).",
            {"field": f"{kind.value}s", "outside": sorted(outside, key=int)},
        )
    uow.parties.set_range(book_id, kind, *bounds)
    audit(
        uow,
        actor,
        "party_numbers.changed",
        book_id=book_id,
        target_type="book",
        target_id=book_id,
        details={"kind": kind.value, "first": first, "last": last},
    )
    return number_ranges(uow, book_id)
