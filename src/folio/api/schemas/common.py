"""Shapes shared by every resource: the error envelope, pages and amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, PlainValidator, WithJsonSchema

from folio.domain.dates import MAX_DATE, MIN_DATE, day_problem, read_day

T = TypeVar("T")

AMOUNT_PATTERN = r"^[+-]?[0-9]+(\.[0-9]+)?$"


def _amount(value: object) -> Decimal | int | str:
    """An amount as the client sent it: a JSON number (an exact Decimal or int) or a string.

    The book's currency decides how many decimals are allowed, so the value itself is checked
    by `folio.domain.money.parse_minor` once the book is known.
    """
    if isinstance(value, Decimal | str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValueError('an amount is a decimal string such as "12.00" or a JSON number')


AmountIn = Annotated[
    Decimal | int | str,
    PlainValidator(_amount),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": AMOUNT_PATTERN}, {"type": "number"}],
            "description": 'A decimal string such as "1000.00" (preferred) or a JSON number.',
            "examples": ["1000.00"],
        }
    ),
]
AmountOut = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": AMOUNT_PATTERN,
            "description": "A decimal string with the currency's decimals.",
            "examples": ["1000.00"],
        }
    ),
]


_DAYS: dict[str, date] = {}  # texts already read: a batch's 1,000 entries share a few dates
_DAYS_KEPT = 4096


def _day(value: object) -> date:
    """A date as a client writes it: the text YYYY-MM-DD, in Folio's range (`dates.py`)."""
    if isinstance(value, date):  # built in Python (tests, the library), not parsed
        problem = day_problem(value)
        if problem:
            raise ValueError(problem)
        return value
    if not isinstance(value, str):
        raise ValueError("expected a date written YYYY-MM-DD, such as 2025-01-31")
    day = _DAYS.get(value)
    if day is None:
        day = read_day(value)  # raises for anything that is not a day Folio accepts
        if len(_DAYS) >= _DAYS_KEPT:
            _DAYS.clear()
        _DAYS[value] = day
    return day


DATE_RANGE = f"Dates run from {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}."
Day = Annotated[
    date,
    PlainValidator(_day),
    WithJsonSchema(
        {"type": "string", "format": "date", "description": DATE_RANGE, "examples": ["2025-01-31"]}
    ),
]
"""Every date a client sends: `0` or a date-time is refused (422 naming the field), and so is
a day outside Folio's range."""


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorRead(BaseModel):
    error: str
    code: str
    data: Any = None


class Page(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorRead, "description": description}
    for status, description in (
        (400, "Malformed JSON"),
        (401, "Missing or invalid bearer token"),
        (403, "The token lacks the scope"),
        (404, "Not found, or another book's"),
        (409, "Conflict"),
        (422, "Invalid input or a rule violation"),
        (503, "The database is unreachable"),
    )
}
# What the server's limits answer (docs/operations.md); the native API documents them. The
# compatible APIs keep their vendors' documented statuses, as their seeds list them.
LIMIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorRead, "description": "The request body is larger than the server accepts"},
    429: {
        "model": ErrorRead,
        "description": "Too many failed authentications from this address; see Retry-After",
    },
}
