"""The entry hash's canonical form written by orjson is the stdlib's text to the byte, so the
hash chain of every stored entry still verifies."""

from __future__ import annotations

import hashlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from folio.domain.journal import _canonical_fast, canonical_json, entry_hash

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
plain = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=20,
)


def test_every_code_point_is_written_alike() -> None:
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:  # lone surrogates cannot be stored as UTF-8 at all
            continue
        value = {chr(code): [chr(code), f"a{chr(code)}b"]}
        assert _canonical_fast(value) == canonical_json(value), hex(code)


@settings(max_examples=2000)
@given(plain)
def test_random_values_are_written_alike(value: Any) -> None:
    assert _canonical_fast(value) == canonical_json(value)


@given(st.dictionaries(text, st.floats(allow_nan=False) | st.integers() | text, max_size=3))
def test_the_hash_is_the_stdlib_forms_whatever_the_metadata(metadata: dict[str, Any]) -> None:
    header = {"id": "je_1", "journal_number": 7, "metadata": metadata, "description": "Ä€"}
    lines = [{"id": "le_1", "amount": 100, "tags": ["x"]}]
    body = canonical_json({"entry": header, "lines": lines})
    assert (
        entry_hash("0" * 64, header, lines)
        == hashlib.sha256(f"{'0' * 64}\n{body}".encode()).hexdigest()
    )
