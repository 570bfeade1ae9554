"""Journal entries: the posting rules, reversal mirroring and the canonical hash form."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

import orjson

from folio.domain.errors import InvalidEntry, InvalidInput, UnbalancedEntry
from folio.domain.ledgers import Side
from folio.domain.members import check_member
from folio.domain.money import check_minor
from folio.domain.text import check_text, check_tree

MAX_DESCRIPTION = 512
GENESIS_HASH = "0" * 64


class EntryKind(StrEnum):
    MANUAL = "manual"
    OPENING_BALANCE = "opening_balance"
    REVERSAL = "reversal"
    IMPORT = "import"


class PostingMode(StrEnum):
    CURRENT_PERIOD = "current_period"
    ORIGINAL_PERIOD = "original_period"


class LineDraft(NamedTuple):
    """A line to post. A named tuple, not a frozen dataclass: a batch builds two thousand, and
    a frozen dataclass sets each field through `object.__setattr__` (0.9 against 0.35 us)."""

    ledger_id: str
    side: Side
    amount: int
    description: str | None = None
    tags: tuple[str, ...] = ()
    party_id: str | None = None  # the customer or supplier the line concerns
    item_id: str | None = None  # the open item it opens or settles


@dataclass(frozen=True, slots=True)
class Line:
    id: str
    ledger_id: str
    side: Side
    amount: int
    description: str | None
    tags: tuple[str, ...]
    party_id: str | None = None
    item_id: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    book_id: str
    journal_number: int
    date: date
    created_at: datetime
    description: str | None
    kind: EntryKind
    is_opening_balance: bool
    intent_id: str
    reverses_id: str | None
    external_reference: str | None
    metadata: dict[str, Any]
    created_by: str | None
    modified_by: str | None
    prev_hash: str
    hash: str
    lines: tuple[Line, ...]
    reversed_by_id: str | None = field(default=None)


@dataclass(frozen=True, slots=True)
class EntryDraft:
    date: date
    lines: tuple[LineDraft, ...]
    description: str | None = None
    kind: EntryKind = EntryKind.MANUAL
    is_opening_balance: bool = False
    reverses_id: str | None = None
    external_reference: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def check_description(description: str | None, *, field_name: str = "description") -> None:
    check_text(description, field_name)
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise InvalidInput(
            f"{field_name} is longer than {MAX_DESCRIPTION} characters.",
            {"field": field_name, "max_length": MAX_DESCRIPTION},
        )


def validate_lines(lines: Sequence[LineDraft]) -> None:
    """The balancing rules of DESIGN §2, exact and without tolerance."""
    if len(lines) < 2:
        raise InvalidEntry(
            "A journal entry needs at least two lines.", {"field": "lines", "count": len(lines)}
        )
    debits = credits = 0
    for index, line in enumerate(lines):
        if type(line.amount) is not int:
            check_minor(line.amount, f"lines[{index}].amount")
        if line.amount <= 0:
            raise InvalidEntry(
                f"lines[{index}]: the amount must be greater than zero.",
                {"field": f"lines[{index}]", "index": index},
            )
        if line.description is not None:  # the field's name only when there is one to check
            check_description(line.description, field_name=f"lines[{index}].description")
        if line.tags:
            if not isinstance(line.tags, tuple | list) or not all(
                isinstance(tag, str) for tag in line.tags
            ):
                raise InvalidInput(
                    f"lines[{index}].tags must be a tuple of texts, not {line.tags!r}.",
                    {"field": f"lines[{index}].tags"},
                )
            check_tree(line.tags, f"lines[{index}].tags")
        if line.side is Side.DEBIT:
            debits += line.amount
        elif line.side is Side.CREDIT:
            credits += line.amount
        else:
            check_member(Side, line.side, f"lines[{index}].side")
    if debits == 0 or credits == 0:
        raise InvalidEntry(
            "A journal entry needs at least one debit line and one credit line.",
            {"field": "lines"},
        )
    if debits != credits:
        raise UnbalancedEntry(
            "Debits must equal credits.", {"total_debit": debits, "total_credit": credits}
        )


def mirror(lines: Sequence[Line]) -> list[LineDraft]:
    """The lines of a reversal: the same amounts on the opposite sides."""
    return [
        LineDraft(
            line.ledger_id, line.side.opposite, line.amount, line.description, line.tags,
            line.party_id, line.item_id,
        )
        for line in lines
    ]  # fmt: skip


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _canonical_fast(value: Any) -> str:
    """`canonical_json` by orjson, several times faster. For strings, integers within 64 bits,
    booleans, null, lists and dicts with string keys orjson writes the same text to the byte
    (tests/unit/test_canonical_json.py compares them on every code point and on random values);
    a float it writes differently (`1e16`, not `1e+16`), so a value holding one must not come
    here, and a larger integer falls back to `canonical_json`."""
    return _canonical_utf8(value).decode()


def _canonical_utf8(value: Any) -> bytes:
    """`_canonical_fast` as the UTF-8 bytes orjson writes (the hash digests bytes: decoding
    and encoding again cost a fifth of hashing an entry)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return canonical_json(value).encode()


def _holds_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_holds_float(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_float(item) for item in value)
    return False


def entry_hash(prev_hash: str, header: dict[str, Any], lines: Sequence[dict[str, Any]]) -> str:
    """SHA-256 over the previous hash and a canonical form of the entry and its lines. Only
    free-form metadata can hold a float (lines hold strings and integers)."""
    value = {"entry": header, "lines": list(lines)}
    metadata = header.get("metadata")
    if metadata and _holds_float(metadata):
        body = canonical_json(value).encode()
    else:
        body = _canonical_utf8(value)
    return hashlib.sha256(b"%s\n%s" % (prev_hash.encode(), body)).hexdigest()


_last_instant: tuple[datetime | None, str] = (None, "")


def _instant(at: datetime) -> str:
    """`at` in ISO form with microseconds. The entries of a chunk share one `created_at`
    object, and formatting an aware datetime costs several microseconds: the last one is
    remembered by identity (an equal datetime in another zone writes differently)."""
    global _last_instant
    last = _last_instant
    if last[0] is at:
        return last[1]
    text = at.isoformat(timespec="microseconds")
    _last_instant = (at, text)
    return text


def hash_header(
    *,
    entry_id: str,
    book_id: str,
    journal_number: int,
    entry_date: date,
    created_at: datetime,
    description: str | None,
    kind: str,
    is_opening_balance: bool,
    intent_id: str,
    reverses_id: str | None,
    external_reference: str | None,
    metadata: dict[str, Any],
    created_by: str | None,
    modified_by: str | None,
) -> dict[str, Any]:
    return {
        "id": entry_id,
        "book_id": book_id,
        "journal_number": journal_number,
        "date": entry_date.isoformat(),
        "created_at": _instant(created_at),
        "description": description,
        "kind": kind,
        "is_opening_balance": is_opening_balance,
        "intent_id": intent_id,
        "reverses_id": reverses_id,
        "external_reference": external_reference,
        "metadata": metadata,
        "created_by": created_by,
        "modified_by": modified_by,
    }


def hash_line(
    line_id: str,
    ledger_id: str,
    side: str,
    amount: int,
    description: str | None,
    tags: Sequence[str],
    party_id: str | None = None,
    item_id: str | None = None,
) -> dict[str, Any]:
    """A line's canonical form. Its party and open item are part of it when it has them (a line
    without them hashes as lines did before either existed)."""
    form: dict[str, Any] = {
        "id": line_id,
        "ledger_id": ledger_id,
        "side": side,
        "amount": amount,
        "description": description,
        "tags": list(tags),
    }
    if party_id is not None:
        form["party_id"] = party_id
    if item_id is not None:
        form["item_id"] = item_id
    return form
