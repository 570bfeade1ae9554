"""Reading what a person typed, and saying in a bookkeeper's words why it was refused.

Nothing here decides a business rule: amounts are read by the domain's one parser for people
(`parse_written_amount`, exact, refusing anything ambiguous), and every refusal comes from the
services; this module only places each error next to the field or row it concerns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from folio.domain.dates import read_day
from folio.domain.errors import FolioError, InvalidInput
from folio.domain.money import format_minor, parse_minor, parse_written_amount

_GROUPING = re.compile(r"\B(?=(\d{3})+(?!\d))")


def money(minor: int | None, exponent: int, *, blank_zero: bool = False) -> str:
    """1234567 → "12,345.67"; negative with a leading minus."""
    if minor is None or (blank_zero and minor == 0):
        return ""
    text = format_minor(minor, exponent)
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    grouped = _GROUPING.sub(",", whole)
    return f"{sign}{grouped}.{fraction}" if fraction else f"{sign}{grouped}"


def plain(minor: int, exponent: int) -> str:
    """An amount as an input's value: "1234.56", and "" for zero."""
    return "" if minor == 0 else format_minor(minor, exponent)


def grouped(text: str, exponent: int) -> str:
    """A preview cell as the totals under it are written: "50000.00" → "50,000.00". Text that
    is not an amount in the currency's decimals (a file's unreadable value) is shown as typed."""
    try:
        return money(parse_minor(text, exponent), exponent, blank_zero=True)
    except FolioError:
        return text


def parse_amount(text: object, exponent: int, *, field_name: str = "amount") -> int:
    """Minor units from a form field, as a person writes them (German or English); empty is 0.
    Anything that is not exactly one amount is refused (`parse_written_amount`)."""
    return parse_written_amount(text, exponent, field=field_name, blank=0)


def parse_day(text: object, *, field_name: str = "date") -> date:
    day = parse_optional_day(text, field_name=field_name)
    if day is None:
        raise InvalidInput("Enter a date.", {"field": field_name})
    return day


def parse_optional_day(text: object, *, field_name: str = "date") -> date | None:
    if not isinstance(text, str) or text.strip() == "":
        return None
    try:
        return read_day(text.strip())
    except ValueError as exc:
        raise InvalidInput(
            f"“{text}” is not a date Folio accepts ({exc}).", {"field": field_name}
        ) from exc


def text_of(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@dataclass
class Problems:
    """Errors to show: per field, per row (by its index), and for the whole form."""

    fields: dict[str, str] = field(default_factory=dict)
    rows: dict[int, str] = field(default_factory=dict)
    form: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.rows or self.form)


_PERIOD_WORDS = {
    "soft_locked": "soft-locked (it can be reopened on the Periods page)",
    "locked": "locked for good",
}


def explain(error: FolioError) -> str:
    """The service's message, reworded where a bookkeeper would want more."""
    data = error.data if isinstance(error.data, dict) else {}
    if error.code == "PERIOD_LOCKED" and "closed_through" in data:
        return (
            f"{data.get('date', 'This date')} lies in a closed fiscal year (closed through "
            f"{data['closed_through']}). Choose a later date, or reopen the year on the "
            "Fiscal years page."
        )
    if error.code == "PERIOD_LOCKED":
        statuses = data.get("statuses") or {}
        parts = [
            f"{period} is {_PERIOD_WORDS.get(status, status)}"
            for period, status in sorted(statuses.items())
        ]
        detail = "; ".join(parts) or "the month is closed"
        return (
            f"Nothing can be booked into a closed month: {detail}. "
            "Choose a date in an open month, or reopen the month first."
        )
    if error.code == "UNBALANCED_ENTRY":
        return "Debits and credits differ; the entry must balance to the cent before it is posted."
    if error.code == "BEFORE_ENTRIES_START":
        return (
            f"{data.get('date', 'This date')} is before the book starts "
            f"({data.get('entries_start', '')}); nothing can be dated earlier."
        )
    if error.code == "OPENING_BALANCES_EXIST":
        return error.message + " Use “Reverse this set” below, then book the corrected one."
    return error.message


def field_of(error: FolioError) -> str | None:
    data = error.data if isinstance(error.data, dict) else {}
    value = data.get("field")
    return value if isinstance(value, str) else None


def place(error: FolioError, problems: Problems, known_fields: set[str]) -> Problems:
    """Put `error` next to its field when the form has that field, else above the form."""
    name = field_of(error)
    if name in known_fields and name is not None:
        problems.fields[name] = explain(error)
    else:
        problems.form.append(explain(error))
    return problems
