"""An entry's metadata is JSON nested at most `METADATA_LEVELS` deep. The domain finds the first
value too deep by a loop, so a body as deep as a JSON reader allows is refused, not a
RecursionError; and the first value that is no JSON (a library caller's date, Decimal, NaN or
key that is no text), by its path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from folio.domain.journal import METADATA_LEVELS, metadata_problem, metadata_too_deep

KEYS = st.text(alphabet="abc", min_size=1, max_size=2)  # no dot or bracket: `_at` splits paths
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=3),
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


NOT_JSON = st.sampled_from([date(2025, 1, 1), Decimal("1.5"), float("nan"), float("inf"), {1}])


@given(json_values, NOT_JSON, st.randoms(use_true_random=False))
def test_json_passes_and_the_first_value_that_is_not_is_named(
    value: Any, bad: Any, random: Any
) -> None:
    metadata = {"m": value}
    assert metadata_problem(metadata) is None
    # put `bad` in place of one leaf (or beside the value), and find it by its path
    containers = [(metadata, "metadata")]
    spots: list[tuple[Any, Any, str]] = []
    while containers:
        container, where = containers.pop()
        keys = container.keys() if isinstance(container, dict) else range(len(container))
        for key in keys:
            inner = f"{where}.{key}" if isinstance(container, dict) else f"{where}[{key}]"
            spots.append((container, key, inner))
            if isinstance(container[key], dict | list):
                containers.append((container[key], inner))
    container, key, where = random.choice(spots)
    container[key] = bad
    found = metadata_problem(metadata)
    assert found is not None and found[0] == where
    assert isinstance(_at(metadata, where), type(bad))


def test_a_key_that_is_no_text_and_metadata_that_is_no_dict_are_named() -> None:
    assert metadata_problem({"a": {2: "x"}}) == (
        "metadata.a", "metadata.a has the key 2; metadata keys are text",
    )  # fmt: skip
    assert metadata_problem([1], "entries[2].metadata") == (
        "entries[2].metadata", "entries[2].metadata must be a dict, not list",
    )  # fmt: skip
