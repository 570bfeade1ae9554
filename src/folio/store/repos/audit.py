from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from folio.domain.ids import new_id
from folio.store.tables import audit_events


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
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

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
        key = book_id or ""
        # seq orders a book's events; the book row (or the writer lock on SQLite) serializes it.
        seq = self.conn.execute(
            select(func.coalesce(func.max(audit_events.c.seq), 0)).where(
                audit_events.c.book_id == key
            )
        ).scalar_one()
        self.conn.execute(
            audit_events.insert().values(
                book_id=key,
                event_id=new_id("aud"),
                seq=seq + 1,
                occurred_at=at,
                actor=actor,
                modified_by=modified_by,
                action=action,
                target_type=target_type,
                target_id=target_id,
                request_id=request_id,
                details=json.dumps(details, sort_keys=True, default=str),
            )
        )

    def search(self, book_id: str, *, after_seq: int = 0, limit: int = 50) -> Sequence[AuditEvent]:
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
