"""A field left out of a change (`KEEP`): it stays as it is, where None clears it. Every update
that can clear a field (a party's tax id or address, a book's DATEV numbers) takes this one
marker."""

from __future__ import annotations


class Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()
