"""Customers and suppliers (Debitoren and Kreditoren) and their open items.

A party has a number: German books number customers 10000-69999 and suppliers 70000-99999 by
default (DATEV's personal accounts), each range configurable per book and enforced; other books
number freely, the ranges only suggesting the next number. An open item is an unpaid invoice or
bill of a party, on a control ledger (receivables or payables); its open amount is derived from
the journal lines that name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from folio.domain.books import check_name
from folio.domain.errors import InvalidInput
from folio.domain.ledgers import Ledger
from folio.domain.text import check_text

GERMAN_CHARTS = ("skr03", "skr04")
MAX_TERMS_DAYS = 365
MAX_DOCUMENT = 36  # DATEV's Belegfeld 1
# DATEV numbers personal accounts with one digit more than the ledgers (at most 8): 9 digits.
MAX_PARTY_NUMBER = 999_999_999
_NUMBER = re.compile(r"^[1-9][0-9]{0,8}\Z")
_TAX_ID = re.compile(r"^[A-Za-z0-9 ./-]{1,30}$")


class PartyKind(StrEnum):
    CUSTOMER = "customer"  # Debitor: what it owes is a receivable
    SUPPLIER = "supplier"  # Kreditor: what is owed to it is a payable

    @property
    def control_subtype(self) -> str:
        """The subtype of the ledgers that hold this kind's open items."""
        return "receivable" if self is PartyKind.CUSTOMER else "payable"


DEFAULT_RANGES = {PartyKind.CUSTOMER: (10000, 69999), PartyKind.SUPPLIER: (70000, 99999)}


@dataclass(frozen=True, slots=True)
class Party:
    id: str
    book_id: str
    kind: PartyKind
    number: str
    name: str
    tax_id: str | None
    address: str | None
    payment_terms_days: int
    archived: bool = False


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An invoice or bill a party had open when the book began (or any later one booked as an
    item): its document, dates, and amount, signed on its control ledger's normal side."""

    id: str
    book_id: str
    party_id: str
    ledger_id: str
    document_number: str
    document_date: date
    due_date: date
    amount: int
    description: str | None = None


def check_party_number(number: object, *, field: str = "number") -> str:
    if not isinstance(number, str):  # a library caller's 10000: digits, but no text
        raise InvalidInput(
            f"{field} must be text (str) of digits, not {number!r} ({type(number).__name__}).",
            {"field": field, "value": repr(number)},
        )
    if not _NUMBER.match(number):
        raise InvalidInput(
            "A party number is 1 to 9 digits, not starting with 0.",
            {"field": field, "value": number},
        )
    return number


def in_range(number: str, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= int(number) <= bounds[1]


def check_range(first: int, last: int, *, field: str) -> tuple[int, int]:
    for name, bound in (("first", first), ("last", last)):
        if type(bound) is not int:  # a library caller's "10000", or True read as 1
            raise InvalidInput(
                f"{name} must be an int (a party number), not {bound!r}.",
                {"field": name, "value": repr(bound)},
            )
    if not (0 < first <= last <= MAX_PARTY_NUMBER):
        raise InvalidInput(
            f"{field}: a number range runs from a first to a last number, both positive, "
            f"the first not after the last, at most {MAX_PARTY_NUMBER}.",
            {"field": field, "first": first, "last": last},
        )
    return first, last


def check_party_fields(
    name: str, tax_id: str | None, address: str | None, payment_terms_days: int
) -> tuple[str, str | None, str | None, int]:
    """A new party's fields, cleaned: the name required, the payment terms an int."""
    cleaned = check_name(name)
    check_party_changes(None, tax_id, address, payment_terms_days, terms_required=True)
    return cleaned, tax_id, address, payment_terms_days


def check_party_changes(
    name: str | None,
    tax_id: str | None,
    address: str | None,
    payment_terms_days: int | None,
    *,
    terms_required: bool = False,
) -> str | None:
    """A party's given fields (None: unchanged), each checked on its own: a change is refused
    before the party it changes is read. The name cleaned, if given."""
    cleaned = check_name(name) if name is not None else None
    check_text(tax_id, "tax_id")  # a library caller's number is no tax id
    if tax_id is not None and not _TAX_ID.match(tax_id):
        raise InvalidInput(
            "tax_id is 1 to 30 letters, digits, spaces, dots, slashes or dashes "
            "(e.g. DE123456789).",
            {"field": "tax_id", "value": tax_id},
        )
    check_text(address, "address")
    if address is not None and len(address) > 500:
        raise InvalidInput("address is longer than 500 characters.", {"field": "address"})
    if payment_terms_days is None and not terms_required:
        return cleaned
    if type(payment_terms_days) is not int:  # "30" or 1.5; True would be stored as 1
        raise InvalidInput(
            f"payment_terms_days must be an int of days, not {payment_terms_days!r}.",
            {"field": "payment_terms_days", "value": repr(payment_terms_days)},
        )
    if not 0 <= payment_terms_days <= MAX_TERMS_DAYS:
        raise InvalidInput(
            f"payment_terms_days is 0 to {MAX_TERMS_DAYS} days.",
            {"field": "payment_terms_days", "value": payment_terms_days},
        )
    return cleaned


def check_document_number(text: object, *, field: str = "document_number") -> str:
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned or len(cleaned) > MAX_DOCUMENT:
        raise InvalidInput(
            f"{field}: a document number is 1 to {MAX_DOCUMENT} characters.",
            {"field": field, "value": text},
        )
    check_text(cleaned, field)
    return cleaned


def is_control(ledger: Ledger, kind: PartyKind) -> bool:
    """Whether `ledger` can hold open items of parties of `kind`."""
    return ledger.subtype == kind.control_subtype and not ledger.archived
