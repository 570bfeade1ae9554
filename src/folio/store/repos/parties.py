"""Customers and suppliers, and the number ranges a book gives them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from folio.domain.parties import Party, PartyKind
from folio.store.repos.chunks import rows_where_in
from folio.store.tables import parties, party_number_ranges


def _party(row: Any) -> Party:
    return Party(
        id=row.party_id,
        book_id=row.book_id,
        kind=PartyKind(row.kind),
        number=row.number,
        name=row.name,
        tax_id=row.tax_id,
        address=row.address,
        payment_terms_days=row.payment_terms_days,
        archived=bool(row.archived),
    )


class PartyRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(self, party: Party, *, at: datetime) -> None:
        self.conn.execute(
            parties.insert().values(
                book_id=party.book_id,
                party_id=party.id,
                kind=party.kind.value,
                number=party.number,
                name=party.name,
                tax_id=party.tax_id,
                address=party.address,
                payment_terms_days=party.payment_terms_days,
                archived=party.archived,
                created_at=at,
                updated_at=at,
            )
        )

    def update(self, book_id: str, party_id: str, *, at: datetime, **values: Any) -> None:
        self.conn.execute(
            update(parties)
            .where(parties.c.book_id == book_id, parties.c.party_id == party_id)
            .values(updated_at=at, **values)
        )

    def get(self, book_id: str, party_id: str) -> Party | None:
        row = self.conn.execute(
            select(parties).where(parties.c.book_id == book_id, parties.c.party_id == party_id)
        ).first()
        return _party(row) if row else None

    def by_number(self, book_id: str, number: str) -> Party | None:
        row = self.conn.execute(
            select(parties).where(parties.c.book_id == book_id, parties.c.number == number)
        ).first()
        return _party(row) if row else None

    def many(self, book_id: str, party_ids: Sequence[str]) -> dict[str, Party]:
        rows = rows_where_in(self.conn, parties, book_id, "party_id", party_ids)
        return {row.party_id: _party(row) for row in rows}

    def by_numbers(self, book_id: str, numbers: Sequence[str]) -> dict[str, Party]:
        rows = rows_where_in(self.conn, parties, book_id, "number", numbers)
        return {row.number: _party(row) for row in rows}

    def search(
        self,
        book_id: str,
        *,
        kind: PartyKind | None = None,
        text: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> list[Party]:
        """In number order (numbers compared as numbers: shorter first, then by digits)."""
        order = (func.length(parties.c.number), parties.c.number)
        query = select(parties).where(parties.c.book_id == book_id).order_by(*order).limit(limit)
        if kind is not None:
            query = query.where(parties.c.kind == kind.value)
        if text:
            query = query.where(
                # autoescape: a "%" or "_" in the text is that character, not a wildcard
                parties.c.name.icontains(text, autoescape=True)
                | parties.c.number.startswith(text, autoescape=True)
            )
        if after is not None:
            query = query.where(tuple_(*order) > tuple_(len(after), after))
        return [_party(row) for row in self.conn.execute(query)]

    def numbers(self, book_id: str, kind: PartyKind) -> list[str]:
        return [
            row.number
            for row in self.conn.execute(
                select(parties.c.number).where(
                    parties.c.book_id == book_id, parties.c.kind == kind.value
                )
            )
        ]

    def ranges(self, book_id: str) -> dict[PartyKind, tuple[int, int]]:
        return {
            PartyKind(row.kind): (row.first_number, row.last_number)
            for row in self.conn.execute(
                select(party_number_ranges).where(party_number_ranges.c.book_id == book_id)
            )
        }

    def set_range(self, book_id: str, kind: PartyKind, first: int, last: int) -> None:
        values = {
            "book_id": book_id,
            "kind": kind.value,
            "first_number": first,
            "last_number": last,
        }
        insert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        statement = insert(party_number_ranges).values(**values)
        self.conn.execute(
            statement.on_conflict_do_update(
                index_elements=["book_id", "kind"],
                set_={"first_number": first, "last_number": last},
            )
        )
