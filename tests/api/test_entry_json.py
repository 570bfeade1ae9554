"""The posting's fast response body (`EntryJson`) is the very text of the models' (`EntryRead`):
the same fields in the same order, the same escapes, the same times and amounts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from folio.api.schemas.journal import EntryJson, EntryRead
from folio.domain.books import Book
from folio.domain.journal import Entry, EntryKind, Line
from folio.domain.ledgers import Side

_text = st.text(max_size=40)  # any code point: controls, quotes, non-ASCII, lone surrogates
_id = st.text(alphabet="abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ123456789_", max_size=32)
_json: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,  # integers beyond 64 bits included
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)
_times = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)).map(
    lambda moment: moment.replace(tzinfo=UTC)
) | st.datetimes(timezones=st.just(timezone(timedelta(hours=2))))

lines = st.builds(
    Line,
    id=_id,
    ledger_id=_id,
    side=st.sampled_from(Side),
    amount=st.integers(min_value=0, max_value=10**18),
    description=st.none() | _text,
    tags=st.lists(_text, max_size=3).map(tuple),
    party_id=st.none() | _id,
    item_id=st.none() | _id,
)
entries = st.builds(
    Entry,
    id=_id,
    book_id=_id,
    journal_number=st.integers(min_value=1, max_value=2**62),
    date=st.dates(min_value=date(1, 1, 1)),
    created_at=_times,
    description=st.none() | _text,
    kind=st.sampled_from(EntryKind),
    is_opening_balance=st.booleans(),
    intent_id=_id,
    reverses_id=st.none() | _id,
    external_reference=st.none() | _text,
    metadata=st.dictionaries(_text, _json, max_size=4),
    created_by=st.none() | _id,
    modified_by=st.none() | _text,
    prev_hash=st.just("0" * 64),
    hash=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    lines=st.lists(lines, min_size=1, max_size=4).map(tuple),
    reversed_by_id=st.none() | _id,
)


def _book(exponent: int) -> Book:
    return Book("bk_x", "Book", "USD", exponent, date(2024, 1, 1), "01-01", "empty")


def _models(book: Book, entry: Entry) -> str | type[Exception]:
    try:
        return EntryRead.of(book, entry).model_dump_json()
    except Exception as error:  # compared by type with the fast path's
        return type(error)


def _fast(book: Book, entry: Entry) -> str | type[Exception]:
    try:
        return EntryJson(book, entry).model_dump_json()
    except Exception as error:
        return type(error)


@settings(max_examples=400, deadline=None)
@given(entries, st.sampled_from([0, 2, 3]))
def test_the_same_text_as_the_models(entry: Entry, exponent: int) -> None:
    book = _book(exponent)
    assert _fast(book, entry) == _models(book, entry)


def test_a_posting_as_the_api_answers_it() -> None:
    """A usual posting, spelled out: the text is the models' and reads back as expected."""
    entry = Entry(
        id="je_1", book_id="bk_x", journal_number=7, date=date(2025, 3, 31),
        created_at=datetime(2025, 4, 1, 9, 30, 0, 0, tzinfo=UTC), description="Miete März",
        kind=EntryKind.MANUAL, is_opening_balance=False, intent_id="int_1", reverses_id=None,
        external_reference="RE-7", metadata={"invoice": "7", "n": 2}, created_by="key_1",
        modified_by=None, prev_hash="0" * 64, hash="ab" * 32,
        lines=(
            Line("le_1", "ldg_rent", Side.DEBIT, 120000, None, ("office",)),
            Line("le_2", "ldg_bank", Side.CREDIT, 120000, "\"Bank\"\n", ()),
        ),
    )  # fmt: skip
    text = EntryJson(_book(2), entry).model_dump_json()
    assert text == EntryRead.of(_book(2), entry).model_dump_json()
    body = json.loads(text)
    assert body["created_at"] == "2025-04-01T09:30:00Z"
    assert body["metadata"] == {"invoice": "7", "n": 2}
    assert [(ln["side"], ln["amount"], ln["debit"], ln["credit"]) for ln in body["lines"]] == [
        ("debit", "1200.00", "1200.00", None),
        ("credit", "1200.00", None, "1200.00"),
    ]
    assert list(body) == list(EntryRead.model_fields)


def test_an_integer_beyond_64_bits_takes_the_models_way() -> None:
    entry = Entry(
        "je_1", "bk_x", 1, date(2025, 1, 1), datetime(2025, 1, 1, tzinfo=UTC), None,
        EntryKind.MANUAL, False, "int_1", None, None, {"n": 2**70}, None, None, "0" * 64,
        "ab" * 32, (Line("le_1", "ldg_1", Side.DEBIT, 1, None, ()),),
    )  # fmt: skip
    text = EntryJson(_book(2), entry).model_dump_json()
    assert json.loads(text)["metadata"] == {"n": 2**70}
    assert text == EntryRead.of(_book(2), entry).model_dump_json()
