"""A value a program hands the library where an enum's member belongs (`Side.DEBIT`, not
"debit"), a flag (`True`, not "yes") or a page's size (`50`, not 50.0): the API's schema turns
text into members, bools and ints; the library's callers pass them."""

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


def check_flag(value: object, field: str, *, optional: bool = False) -> None:
    """`value` is a bool (or None, if `optional`), not merely something true or false: a
    library caller's "no" would read as True."""
    if type(value) is not bool and not (optional and value is None):
        allowed = "True, False or None" if optional else "True or False"
        raise InvalidInput(
            f"{field} must be {allowed}, not {value!r}.", {"field": field, "value": repr(value)}
        )


def check_limit(limit: object) -> None:
    """A page's size is an int of at least 1: SQLite reads a LIMIT of -1 as none at all,
    PostgreSQL refuses it, and either takes 1.5 or True for a number."""
    if type(limit) is not int or limit < 1:
        raise InvalidInput(
            f"limit must be an int of at least 1, not {limit!r}.",
            {"field": "limit", "value": repr(limit)},
        )
