"""The one rule of stored text (`domain/text.py`): Unicode without NUL, the field named."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from folio.domain.errors import InvalidInput
from folio.domain.text import check_text, check_tree

_STORABLE = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)))
_UNSTORABLE = st.sampled_from(["\x00", "\ud800", "\udbff", "\udc00", "\udfff"])


@given(_STORABLE)
def test_unicode_without_nul_passes(text: str) -> None:
    check_text(text, "description")
    check_tree({text: [text, {"k": text}]}, "metadata")


@given(_STORABLE, _UNSTORABLE, _STORABLE)
def test_nul_or_half_a_pair_anywhere_is_refused_naming_the_field(
    before: str, bad: str, after: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        check_text(before + bad + after, "lines[1].description")
    code = f"U+{ord(bad):04X}"
    assert info.value.data == {"field": "lines[1].description", "character": code}
    expected = "NUL character (U+0000)" if bad == "\x00" else f"{code}, half of"
    assert expected in info.value.message
    assert info.value.message.startswith("lines[1].description contains ")


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"k": "a\x00"}, "metadata.k"),
        ({"a\udfff": 1}, "metadata key"),
        ({"k": ["x", {"deep": "\ud83d"}]}, "metadata.k[1].deep"),
        (("ok", "t\x00g"), "metadata[1]"),
    ],
)
def test_a_tree_names_where_the_text_stands(value: object, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        check_tree(value, "metadata")
    assert info.value.data["field"] == field


def test_a_proper_pair_is_one_character_and_passes() -> None:
    check_text("café \U0001f600", "description")
    check_tree({"mood": "\U0001f600"}, "metadata")
