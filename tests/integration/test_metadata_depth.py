"""Metadata nested deeper than `METADATA_LEVELS` is refused through the library as through the
API (tests/api/test_metadata_depth.py), on both engines: `InvalidInput` naming where it stands,
nothing booked. Before, the library ended in a RecursionError while hashing (at about 900
levels)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from folio.domain.errors import BatchRejected, InvalidInput
from folio.domain.ledgers import Side
from folio.domain.metadata import METADATA_LEVELS
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from tests.builders import make_book, make_ledgers

DAY = date(2025, 1, 2)
MESSAGE = (
    "metadata" + ".k" * 32 + " is an object or array at level 33 of metadata; metadata nests at "
    "most 32 levels deep."
)


def _nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"k": value}
    return value


def _entry(bank: str, sales: str, metadata: dict[str, Any]) -> EntryCreate:
    lines = [LineInput(Side.DEBIT, 100, ledger_id=bank), LineInput(Side.CREDIT, 100, sales)]
    return EntryCreate(DAY, lines, metadata=metadata)


@pytest.mark.parametrize("levels", [METADATA_LEVELS + 1, 300, 5_000])
def test_the_library_refuses_metadata_nested_too_deep(fo: Folio, levels: int) -> None:
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    bank, sales = (fo.ledger_by_number(book.id, n).id for n in ("1000", "4000"))
    deepest = fo.post_entry(book.id, _entry(bank, sales, _nested(METADATA_LEVELS)))
    assert fo.entry(book.id, deepest.id).metadata == _nested(METADATA_LEVELS)
    with pytest.raises(InvalidInput) as info:
        fo.post_entry(book.id, _entry(bank, sales, _nested(levels)))
    assert info.value.message == MESSAGE
    assert info.value.data == {"field": "metadata" + ".k" * 32, "max_levels": 32}
    with pytest.raises(BatchRejected) as batch:
        fo.post_entries(book.id, [_entry(bank, sales, {}), _entry(bank, sales, _nested(levels))])
    [problem] = batch.value.data["errors"]
    assert (problem["index"], problem["code"], problem["field"]) == (
        1,
        "INVALID_INPUT",
        "entries[1].metadata" + ".k" * 32,
    )
    assert [e.journal_number for e in fo.entries(book.id, limit=10)] == [1]
    assert fo.balance(book.id, bank).debits == 100
    assert fo.verify(book.id).ok
