"""A value a program hands the library where an enum's member belongs (`Side.DEBIT`, not
"debit"): the API's schema turns text into members; the library's callers pass members."""

from __future__ import annotations

from enum import StrEnum

from folio.domain.errors import InvalidInput


def check_member(kind: type[StrEnum], value: object, field: str) -> None:
    """`value` is one of `kind`'s members, not merely its text (a library caller's "debit"):
    otherwise INVALID_INPUT naming `field` and the members."""
    if not isinstance(value, kind):
        members = ", ".join(f"{kind.__name__}.{member.name}" for member in kind)
        raise InvalidInput(
            f"{field} must be one of {members}, not {value!r}.",
            {"field": field, "value": repr(value)},
        )
