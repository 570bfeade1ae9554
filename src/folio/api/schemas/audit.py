from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from folio.service.verify import VerifyResult
from folio.store.repos.audit import AuditEvent


class AuditEventRead(BaseModel):
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

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventRead:
        return cls(
            id=event.id,
            seq=event.seq,
            book_id=event.book_id,
            occurred_at=event.occurred_at,
            actor=event.actor,
            modified_by=event.modified_by,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            request_id=event.request_id,
            details=event.details,
        )


class VerifyRead(BaseModel):
    ok: bool
    entries_checked: int
    problem: dict[str, Any] | None = None

    @classmethod
    def of(cls, result: VerifyResult) -> VerifyRead:
        return cls(ok=result.ok, entries_checked=result.entries_checked, problem=result.problem)
