"""Cursor pagination: `?limit=&cursor=` → `{"data": [...], "next_cursor": ...}`.

A cursor is the opaque base64url form of the last item's sort key; only its own list reads it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

import orjson
from fastapi import Query

from folio.domain.errors import InvalidInput

T = TypeVar("T")
K = TypeVar("K", int, str)

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, 1 to {MAX_LIMIT}.")]
Cursor = Annotated[
    str | None,
    Query(max_length=200, description="The next_cursor of the previous page."),
]


def encode_cursor(key: int | str) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([key])).rstrip(b"=").decode()


def decode_cursor(cursor: str | None, kind: type[K]) -> K | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        [key] = orjson.loads(raw)
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise InvalidInput("The cursor is not valid.", {"field": "cursor"}) from exc
    if type(key) is not kind:
        raise InvalidInput("The cursor belongs to another list.", {"field": "cursor"})
    return key


def page(
    items: Sequence[T], limit: int, key: Callable[[T], int | str]
) -> tuple[list[T], str | None]:
    """Split a fetch of `limit + 1` items into the page and the cursor of the next one."""
    if len(items) <= limit:
        return list(items), None
    kept = list(items[:limit])
    return kept, encode_cursor(key(kept[-1]))
