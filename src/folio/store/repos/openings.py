"""Owners of opening balances: which entry sets each ledger's opening balance, and from where.

Rows are claimed when opening-balance entries are posted and released when those entries are
reversed; the database allows one live row per ledger (`uq_ob_owner_live`), so two owners of
one ledger fail the transaction whatever the service checked before.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from folio.domain.opening_balances import OwnerSource
from folio.store.tables import journal_lines, opening_balance_owners

_owners = opening_balance_owners


@dataclass(frozen=True, slots=True)
class Owner:
    ledger_id: str
    entry_id: str
    intent_id: str
    source: OwnerSource
    released_by: str | None = None


def _owner(row: Any) -> Owner:
    return Owner(
        row.ledger_id, row.entry_id, row.intent_id, OwnerSource(row.source), row.released_by
    )


_RELEASE = (
    update(_owners)
    .where(
        _owners.c.book_id == bindparam("p_book_id"),
        _owners.c.entry_id == bindparam("p_entry_id"),
        _owners.c.released_by.is_(None),
    )
    .values(released_by=bindparam("p_reversal_id"), released_at=bindparam("p_at"))
)


class OpeningOwnerRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def claim(
        self,
        book_id: str,
        *,
        intent_id: str,
        source: OwnerSource,
        numbers: tuple[int, int],
        excluded: Collection[str],
        at: datetime,
    ) -> None:
        """Make the entries numbered `numbers` (first, last; all of `intent_id`) the owners of
        their ledgers but the `excluded` carry-forward ones: one set-based statement, a range
        over the lines' journal numbers, so a 100,000-row set costs one pass.

        Only an open-items entry names its ledger on more than one line (a line per item on
        the control ledger), so only its lines are made DISTINCT. An entry of a ledger's or a
        set's opening balance has the ledger's line and the offset's: without the sort (of
        100,000 lines, spilled to disk, a third of a second), and were that ever broken, the
        primary key would refuse the second row rather than let it pass."""
        lines = journal_lines
        rows = select(
            lines.c.book_id,
            lines.c.entry_id,
            lines.c.ledger_id,
            bindparam("p_intent", intent_id),
            bindparam("p_source", source.value),
            bindparam("p_at", at, type_=_owners.c.created_at.type),
        ).where(
            lines.c.book_id == book_id,
            lines.c.journal_number.between(*numbers),
            lines.c.ledger_id.not_in(list(excluded)),
        )
        if source is OwnerSource.OPEN_ITEMS:
            rows = rows.distinct()
        self.conn.execute(
            insert(_owners).from_select(
                ["book_id", "entry_id", "ledger_id", "intent_id", "source", "created_at"], rows
            )
        )

    def release(self, book_id: str, reversals: Mapping[str, str], at: datetime) -> None:
        """Release the rows of the reversed entries (`reversals`: original id -> reversal id)."""
        if reversals:
            self.conn.execute(
                _RELEASE,
                [
                    {"p_book_id": book_id, "p_entry_id": entry, "p_reversal_id": by, "p_at": at}
                    for entry, by in reversals.items()
                ],
            )

    def live(self, book_id: str, ledger_ids: Sequence[str] | None = None) -> list[Owner]:
        """The live owners of `ledger_ids` (every ledger when None), by ledger id."""
        query = select(_owners).where(_owners.c.book_id == book_id, _owners.c.released_by.is_(None))
        if ledger_ids is not None:
            query = query.where(_owners.c.ledger_id.in_(list(ledger_ids)))
        return [_owner(row) for row in self.conn.execute(query.order_by(_owners.c.ledger_id))]

    def every(self, book_id: str) -> list[Owner]:
        """Every row of the book, live and released (for verify)."""
        return [
            _owner(row)
            for row in self.conn.execute(
                select(_owners)
                .where(_owners.c.book_id == book_id)
                .order_by(_owners.c.entry_id, _owners.c.ledger_id)
            )
        ]
