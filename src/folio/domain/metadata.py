"""An entry's metadata: free JSON kept with it, which Folio must be able to hash, store and give
back as it came. One walk finds the first thing that is not: a level too deep, a key or value
that is no JSON, text Folio does not store (`domain.text`), and, for the API, a decimal number
(JSON storage would give it back as a float)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from folio.domain.errors import InvalidInput
from folio.domain.text import check_text

# Metadata nests at most this deep. The hash's JSON writer (orjson) stops at 255 levels,
# PostgreSQL's jsonb and Python's recursion soon after; no bookkeeping needs a tenth.
METADATA_LEVELS = 32


def _depth_message(where: str, field_name: str = "metadata") -> str:
    return (
        f"{where} is an object or array at level {METADATA_LEVELS + 1} of {field_name}; "
        f"metadata nests at most {METADATA_LEVELS} levels deep."
    )


def check_metadata(metadata: Any, field_name: str = "metadata", *, decimals: bool = True) -> None:
    """Refuse the first thing in `metadata`, in the order it is written, that Folio cannot keep,
    naming where it stands (`metadata.order.lines[2]`). `decimals=False` refuses decimal
    numbers too (the API's rule: a JSON number with a fraction). A loop, not recursion: the
    value may be as deep as a JSON reader allows, deeper than Python's recursion limit."""
    if not isinstance(metadata, dict):
        raise InvalidInput(
            f"{field_name} must be a dict, not {type(metadata).__name__}.", {"field": field_name}
        )
    stack: list[tuple[Any, str, int]] = [(metadata, field_name, 1)]
    while stack:
        value, where, level = stack.pop()
        if isinstance(value, str):
            check_text(value, where)
        elif isinstance(value, dict | list | tuple):
            if level > METADATA_LEVELS:
                raise InvalidInput(
                    _depth_message(where, field_name),
                    {"field": where, "max_levels": METADATA_LEVELS},
                )
            stack.extend(reversed(_children(value, where, level + 1)))
        elif isinstance(value, Decimal | float) and not decimals:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
            raise InvalidInput(
                f"numbers in metadata must be integers or strings: {where} is {number}; "
                f'send it as the string "{number}"',
                {"field": where, "number": str(number)},
            )
        elif isinstance(value, float) and not math.isfinite(value):
            raise InvalidInput(f"{where} is {value!r}; JSON numbers are finite.", {"field": where})
        elif not isinstance(value, int | float) and value is not None:  # int covers bool
            raise InvalidInput(
                f"{where} is {value!r}, which is no JSON value ({type(value).__name__}).",
                {"field": where},
            )


def _children(
    value: dict[Any, Any] | list[Any] | tuple[Any, ...], where: str, level: int
) -> list[tuple[Any, str, int]]:
    if not isinstance(value, dict):
        return [(item, f"{where}[{index}]", level) for index, item in enumerate(value)]
    for key in value:
        if not isinstance(key, str):
            raise InvalidInput(
                f"{where} has the key {key!r}; metadata keys are text.", {"field": where}
            )
        check_text(key, f"{where} key")
    return [(item, f"{where}.{key}", level) for key, item in value.items()]
