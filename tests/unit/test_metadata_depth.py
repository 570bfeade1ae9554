"""An entry's metadata nests at most `METADATA_LEVELS` deep: the domain finds the first value
too deep by a loop, so a body as deep as a JSON reader allows is refused, not a RecursionError."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from folio.domain.journal import METADATA_LEVELS, metadata_too_deep

KEYS = st.text(alphabet="abc", min_size=1, max_size=2)  # no dot or bracket: `_at` splits paths
json_values = st.recursive(
    st.none() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=60,
)


def _levels(value: Any) -> int:
    """Levels of objects and arrays, the way a reader would count them by hand."""
    if isinstance(value, dict):
        return 1 + max((_levels(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_levels(item) for item in value), default=0)
    return 0


def _nested(levels: int, inner: Any = 1) -> dict[str, Any]:
    value: Any = inner
    for _ in range(levels - 1):
        value = {"k": value}
    return {"k": value} if levels else value


def _at(value: Any, path: str) -> Any:
    """The value at a path `metadata_too_deep` names (keys without dots or brackets)."""
    for part in path.removeprefix("metadata").replace("[", ".[").split(".")[1:]:
        value = value[int(part[1:-1])] if part.startswith("[") else value[part]
    return value


def test_32_levels_pass_and_the_33rd_is_named() -> None:
    assert metadata_too_deep(_nested(METADATA_LEVELS)) is None
    assert metadata_too_deep(_nested(METADATA_LEVELS, inner=[])) == "metadata" + ".k" * 32
    deep = {"a": [1, {"b": _nested(METADATA_LEVELS - 2)}]}  # lists count as levels too
    assert metadata_too_deep(deep) == "metadata.a[1].b" + ".k" * 29


def test_a_value_deeper_than_the_recursion_limit_is_named_without_recursing() -> None:
    assert metadata_too_deep(_nested(100_000), "entries[3].metadata") == (
        "entries[3].metadata" + ".k" * 32
    )


@given(st.dictionaries(KEYS, json_values, max_size=4))
def test_refused_exactly_when_deeper_than_the_limit(metadata: dict[str, Any]) -> None:
    wrapped = _nested(METADATA_LEVELS - 3, inner=metadata)  # depths near the limit
    where = metadata_too_deep(wrapped)
    assert (where is not None) == (_levels(wrapped) > METADATA_LEVELS)
    if where is not None:
        assert isinstance(_at(wrapped, where), dict | list)
        assert where.count(".") + where.count("[") == METADATA_LEVELS  # the 33rd level
