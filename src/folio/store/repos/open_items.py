"""Open items and the journal lines that open and settle them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from folio.domain.parties import OpenItem
from folio.store.repos.chunks import rows_where_in
from folio.store.tables import journal_lines, open_items


def _item(row: Any) -> OpenItem:
    return OpenItem(
        id=row.item_id,
        book_id=row.book_id,
        party_id=row.party_id,
        ledger_id=row.ledger_id,
        document_number=row.document_number,
        document_date=row.document_date,
        due_date=row.due_date,
        amount=row.amount,
        description=row.description,
    )


class OpenItemRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(self, items: Sequence[OpenItem], *, at: datetime) -> None:
        if items:
            self.conn.execute(
                open_items.insert(),
                [
                    {
                        "book_id": item.book_id, "item_id": item.id, "party_id": item.party_id,
                        "ledger_id": item.ledger_id, "document_number": item.document_number,
                        "document_date": item.document_date, "due_date": item.due_date,
                        "amount": item.amount, "description": item.description, "created_at": at,
                    }
                    for item in items
                ],
            )  # fmt: skip

    def by_document(self, book_id: str, party_id: str, document: str) -> OpenItem | None:
        row = self.conn.execute(
            select(open_items).where(
                open_items.c.book_id == book_id,
                open_items.c.party_id == party_id,
                open_items.c.document_number == document,
            )
        ).first()
        return _item(row) if row else None

    def many(self, book_id: str, item_ids: Sequence[str]) -> dict[str, OpenItem]:
        rows = rows_where_in(self.conn, open_items, book_id, "item_id", item_ids)
        return {row.item_id: _item(row) for row in rows}

    def of_ledger(
        self, book_id: str, ledger_id: str, party_id: str | None = None
    ) -> list[OpenItem]:
        """The ledger's items (of `party_id` only, when given)."""
        query = select(open_items).where(
            open_items.c.book_id == book_id, open_items.c.ledger_id == ledger_id
        )
        if party_id is not None:
            query = query.where(open_items.c.party_id == party_id)
        order = (open_items.c.document_date, open_items.c.document_number)
        return [_item(row) for row in self.conn.execute(query.order_by(*order))]

    def lines(
        self,
        book_id: str,
        ledger_ids: Sequence[str],
        through: date,
        party_id: str | None = None,
    ) -> list[Any]:
        """Every line of the named (control) ledgers dated on or before `through`: the item
        it belongs to, its party, side, amount and date. With `party_id`, only the lines that
        name the party or one of its items on those ledgers."""
        lines = journal_lines
        query = select(
            lines.c.line_id,
            lines.c.entry_id,
            lines.c.ledger_id,
            lines.c.party_id,
            lines.c.item_id,
            lines.c.side,
            lines.c.amount,
            lines.c.date,
            lines.c.journal_number,
            lines.c.is_opening_balance,
        ).where(
            lines.c.book_id == book_id,
            lines.c.ledger_id.in_(list(ledger_ids)),
            lines.c.date <= through,
        )
        if party_id is not None:
            items = select(open_items.c.item_id).where(
                open_items.c.book_id == book_id,
                open_items.c.party_id == party_id,
                open_items.c.ledger_id.in_(list(ledger_ids)),
            )
            query = query.where((lines.c.party_id == party_id) | lines.c.item_id.in_(items))
        return list(self.conn.execute(query))
