"""An entry's metadata is JSON nested at most `METADATA_LEVELS` deep. One walk by a loop finds
the first value too deep, so a body as deep as a JSON reader allows is refused, not a
RecursionError; the first value that is no JSON (a library caller's date, Decimal, NaN or key
that is no text), by its path; text Folio does not store; and for the API a decimal number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from folio.domain.errors import InvalidInput
from folio.domain.metadata import METADATA_LEVELS, check_metadata

KEYS = st.text(alphabet="abc", min_size=1, max_size=2)  # no dot or bracket: `_at` splits paths
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=60,
)


def _refused(metadata: Any, field_name: str = "metadata", **rules: bool) -> InvalidInput | None:
    try:
        check_metadata(metadata, field_name, **rules)
    except InvalidInput as exc:
        return exc
    return None


def _too_deep(metadata: Any, field_name: str = "metadata") -> str | None:
    """Where the walk finds a level too deep, asserting that is what it says."""
    refused = _refused(metadata, field_name)
    if refused is None:
        return None
    assert refused.data["max_levels"] == METADATA_LEVELS, refused.message
    assert refused.message.endswith(f"metadata nests at most {METADATA_LEVELS} levels deep.")
    return str(refused.data["field"])


def _problem(metadata: Any, field_name: str = "metadata") -> tuple[str, str] | None:
    refused = _refused(metadata, field_name)
    return None if refused is None else (refused.data["field"], refused.message)


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
    assert _too_deep(_nested(METADATA_LEVELS)) is None
    assert _too_deep(_nested(METADATA_LEVELS, inner=[])) == "metadata" + ".k" * 32
    deep = {"a": [1, {"b": _nested(METADATA_LEVELS - 2)}]}  # lists count as levels too
    assert _too_deep(deep) == "metadata.a[1].b" + ".k" * 29


def test_a_value_deeper_than_the_recursion_limit_is_named_without_recursing() -> None:
    assert _too_deep(_nested(100_000), "entries[3].metadata") == ("entries[3].metadata" + ".k" * 32)


@given(st.dictionaries(KEYS, json_values, max_size=4))
def test_refused_exactly_when_deeper_than_the_limit(metadata: dict[str, Any]) -> None:
    wrapped = _nested(METADATA_LEVELS - 3, inner=metadata)  # depths near the limit
    where = _too_deep(wrapped)
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
    assert _problem(metadata) is None
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
    found = _problem(metadata)
    assert found is not None and found[0] == where
    assert isinstance(_at(metadata, where), type(bad))


def test_a_key_that_is_no_text_and_metadata_that_is_no_dict_are_named() -> None:
    assert _problem({"a": {2: "x"}}) == (
        "metadata.a", "metadata.a has the key 2; metadata keys are text.",
    )  # fmt: skip
    assert _problem([1], "entries[2].metadata") == (
        "entries[2].metadata", "entries[2].metadata must be a dict, not list.",
    )  # fmt: skip


def _spots(value: Any, where: str) -> list[tuple[Any, Any, str]]:
    """Every place a value stands, in the order it is written (a recursive reader's order)."""
    found: list[tuple[Any, Any, str]] = []
    keys = value.keys() if isinstance(value, dict) else range(len(value))
    for key in keys:
        inner = f"{where}.{key}" if isinstance(value, dict) else f"{where}[{key}]"
        found.append((value, key, inner))
        if isinstance(value[key], dict | list):
            found.extend(_spots(value[key], inner))
    return found


BAD = ["NUL\x00", date(2025, 1, 1), float("nan")]


@given(json_values, st.randoms(use_true_random=False))
def test_of_several_problems_the_first_written_is_named(value: Any, random: Any) -> None:
    metadata = {"m": value, "z": "last"}
    leaves = [spot for spot in _spots(metadata, "metadata") if not isinstance(
        spot[0][spot[1]], dict | list)]  # fmt: skip
    chosen = sorted(random.sample(range(len(leaves)), min(3, len(leaves))))
    for index, bad in zip(chosen, random.sample(BAD, 3), strict=False):
        container, key, _where = leaves[index]
        container[key] = bad
    assert _problem(metadata) is not None
    assert _problem(metadata)[0] == leaves[chosen[0]][2]  # type: ignore[index]


def test_text_folio_does_not_store_is_named_in_keys_and_values() -> None:
    assert _problem({"a": ["ok", "x\x00"]}) == (
        "metadata.a[1]", "metadata.a[1] contains a NUL character (U+0000), which Folio does "
        "not store.",
    )  # fmt: skip
    assert _problem({"a": {"k\ud800": 1}})[0] == "metadata.a key"  # type: ignore[index]


def test_the_api_refuses_decimal_numbers_and_the_library_keeps_finite_floats() -> None:
    metadata = {"order": {"lines": [1, {"rate": 1.5}]}}
    assert _refused(metadata) is None
    refused = _refused(metadata, decimals=False)
    assert refused is not None
    assert refused.data == {"field": "metadata.order.lines[1].rate", "number": "1.5"}
    assert refused.message == (
        "numbers in metadata must be integers or strings: metadata.order.lines[1].rate is 1.5; "
        'send it as the string "1.5"'
    )
    assert _refused({"a": Decimal("2.50")}, decimals=False).data["number"] == "2.50"  # type: ignore[union-attr]
    assert _refused({"a": [True, None, 7, "x"]}, decimals=False) is None
