from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String, Text, bindparam, func, select
from sqlalchemy.engine import Connection

from folio.domain.ids import new_id
from folio.store.tables import audit_events
from folio.store.types import UtcDateTime

# seq orders a book's events; the book row (or the writer lock on SQLite) serializes it. One
# statement reads the last seq and appends (a round trip less on every write).
_RECORD = audit_events.insert().from_select(
    [
        "book_id", "event_id", "seq", "occurred_at", "actor", "modified_by", "action",
        "target_type", "target_id", "request_id", "details",
    ],
    select(
        bindparam("a_book_id", type_=String()),
        bindparam("a_event_id", type_=String()),
        func.coalesce(func.max(audit_events.c.seq), 0).cast(BigInteger) + 1,
        bindparam("a_at", type_=UtcDateTime()),
        bindparam("a_actor", type_=String()),
        bindparam("a_modified_by", type_=String()),
        bindparam("a_action", type_=String()),
        bindparam("a_target_type", type_=String()),
        bindparam("a_target_id", type_=String()),
        bindparam("a_request_id", type_=String()),
        bindparam("a_details", type_=Text()),
    ).where(audit_events.c.book_id == bindparam("a_book_id", type_=String())),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: str
    seq: int
    book_id: str | None
    occurred_at: datetime
    actor: str | None
    modified_by: str | None
    action: str
    target_type: str | None
    target_id: str | None
    request_id: str | None
    details: dict[str, Any]


class AuditRepo:
    """Events are written when the transaction commits (`flush`): one statement for all of a
    transaction's events (a batch, a group commit) instead of one each."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._pending: list[dict[str, Any]] = []

    def record(
        self,
        *,
        book_id: str | None,
        at: datetime,
        actor: str | None,
        modified_by: str | None,
        action: str,
        target_type: str | None,
        target_id: str | None,
        request_id: str | None,
        details: dict[str, Any],
    ) -> None:
        self._pending.append(
            {
                "a_book_id": book_id or "",
                "a_event_id": new_id("aud"),
                "a_at": at,
                "a_actor": actor,
                "a_modified_by": modified_by,
                "a_action": action,
                "a_target_type": target_type,
                "a_target_id": target_id,
                "a_request_id": request_id,
                "a_details": json.dumps(details, sort_keys=True, default=str),
            }
        )

    def flush(self) -> None:
        """Write the recorded events, in order."""
        if self._pending:
            pending, self._pending = self._pending, []
            self.conn.execute(_RECORD, pending)

    def search(self, book_id: str, *, after_seq: int = 0, limit: int = 50) -> Sequence[AuditEvent]:
        self.flush()
        rows = self.conn.execute(
            select(audit_events)
            .where(audit_events.c.book_id == book_id, audit_events.c.seq > after_seq)
            .order_by(audit_events.c.seq)
            .limit(limit)
        )
        return [
            AuditEvent(
                id=row.event_id,
                seq=row.seq,
                book_id=row.book_id or None,
                occurred_at=row.occurred_at,
                actor=row.actor,
                modified_by=row.modified_by,
                action=row.action,
                target_type=row.target_type,
                target_id=row.target_id,
                request_id=row.request_id,
                details=json.loads(row.details),
            )
            for row in rows
        ]
