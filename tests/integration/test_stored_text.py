"""Text Folio does not store (a NUL character, half of a surrogate pair) is refused through the
library as through the API, on both engines: `InvalidInput` naming the field, nothing changed.
Before, the library booked a NUL on SQLite (a book PostgreSQL could not take), PostgreSQL
raised its own `DataError`, and half a pair ended in the hash's `UnicodeEncodeError`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from folio.domain.errors import BatchRejected, InvalidInput, OpenItemProblems
from folio.domain.ledgers import LedgerType, Side
from folio.domain.parties import PartyKind
from folio.service import auth, open_items, parties
from folio.service.books import BookCreate, list_books
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.ledgers import LedgerCreate, LedgerUpdate
from folio.service.runner import SYSTEM
from tests.builders import make_book, make_ledgers

DAY = date(2025, 1, 2)


def _entry(bank: str, sales: str, **fields: object) -> EntryCreate:
    line = fields.pop("line", {})
    assert isinstance(line, dict)
    return EntryCreate(
        DAY,
        [
            LineInput(Side.DEBIT, 100, ledger_id=bank),
            LineInput(Side.CREDIT, 100, ledger_id=sales, **line),  # type: ignore[arg-type]
        ],
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("bad", "what"), [("a\x00b", "NUL character (U+0000)"), ("a\udfffb", "U+DFFF, half of")]
)
def test_the_library_refuses_text_it_cannot_store(fo: Folio, bad: str, what: str) -> None:
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    bank, sales = (fo.ledger_by_number(book.id, n).id for n in ("1000", "4000"))
    calls: dict[str, Callable[[], object]] = {
        "description": lambda: fo.post_entry(book.id, _entry(bank, sales, description=bad)),
        "external_reference": lambda: fo.post_entry(
            book.id, _entry(bank, sales, external_reference=bad)
        ),
        "metadata.k": lambda: fo.post_entry(book.id, _entry(bank, sales, metadata={"k": bad})),
        "metadata key": lambda: fo.post_entry(book.id, _entry(bank, sales, metadata={bad: 1})),
        "lines[1].description": lambda: fo.post_entry(
            book.id, _entry(bank, sales, line={"description": bad})
        ),
        "lines[1].tags[0]": lambda: fo.post_entry(
            book.id, _entry(bank, sales, line={"tags": (bad,)})
        ),
        "name": lambda: fo.create_book(
            BookCreate(name=bad, currency="EUR", entries_start=DAY, chart="empty")
        ),
        "ledger name": lambda: fo.create_ledger(
            book.id, LedgerCreate(name=bad, type=LedgerType.ASSET, number="1100")
        ),
        "ledger description": lambda: fo.update_ledger(
            book.id, bank, LedgerUpdate(description=bad)
        ),
        "party name": lambda: fo.write(
            lambda uow: parties.create_party(
                uow, book.id, parties.PartyCreate(PartyKind.CUSTOMER, bad), SYSTEM
            )
        ),
        "address": lambda: fo.write(
            lambda uow: parties.create_party(
                uow, book.id, parties.PartyCreate(PartyKind.CUSTOMER, "Kunde", address=bad), SYSTEM
            )
        ),
        "key name": lambda: fo.write(
            lambda uow: auth.create_api_key(uow, scopes="admin", name=bad, actor=SYSTEM)
        ),
    }
    before = (fo.entries(book.id, limit=100), fo.ledgers(book.id), len(fo.read(list_books)))
    for label, call in calls.items():
        with pytest.raises(InvalidInput) as info:
            call()
        field = label.split(" ")[-1] if label.split(" ")[0] in ("ledger", "party", "key") else label
        assert info.value.data["field"] == field, label
        assert what in info.value.message, label
    with pytest.raises(BatchRejected) as batch:
        fo.post_entries(book.id, [_entry(bank, sales), _entry(bank, sales, description=bad)])
    [problem] = batch.value.data["errors"]
    assert (problem["index"], problem["code"], problem["field"]) == (
        1,
        "INVALID_INPUT",
        "entries[1].description",
    )
    assert what in problem["message"]
    assert (fo.entries(book.id, limit=100), fo.ledgers(book.id), len(fo.read(list_books))) == before
    assert fo.verify(book.id).ok


def test_an_open_item_with_such_text_is_a_problem_of_its_item(fo: Folio) -> None:
    book = make_book(fo, chart="skr04")
    party = fo.write(
        lambda uow: parties.create_party(
            uow, book.id, parties.PartyCreate(PartyKind.CUSTOMER, "Kunde"), SYSTEM
        )
    )
    items = [
        open_items.ItemInput(
            i, party.id, None, f"RE-{i}", date(2024, 12, 1), None, 100, text, f"items[{i}]"
        )
        for i, text in enumerate(("ok", "Miete\x00Dez"), start=1)
    ]
    with pytest.raises(OpenItemProblems) as info:
        fo.write(lambda uow: open_items.add_open_items(uow, book.id, items, SYSTEM))
    [row] = info.value.data["rows"]
    assert (row["row"], row["path"]) == (2, "items[2].description")
    assert "contains a NUL character (U+0000)" in row["message"]
    assert fo.entries(book.id, limit=10) == []
