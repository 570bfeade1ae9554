from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from folio.store.tables import idempotency_keys


@dataclass(frozen=True, slots=True)
class StoredResponse:
    request_hash: str
    status_code: int
    body: str


class IdempotencyRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, scope: str, principal_id: str, key: str) -> StoredResponse | None:
        row = self.conn.execute(
            select(idempotency_keys).where(
                idempotency_keys.c.book_id == scope,
                idempotency_keys.c.principal_id == principal_id,
                idempotency_keys.c.key == key,
            )
        ).first()
        if row is None:
            return None
        return StoredResponse(row.request_hash, row.status_code, row.response_body)

    def save(
        self,
        scope: str,
        principal_id: str,
        key: str,
        *,
        request_hash: str,
        status_code: int,
        body: str,
        at: datetime,
    ) -> None:
        self.conn.execute(
            idempotency_keys.insert().values(
                book_id=scope,
                principal_id=principal_id,
                key=key,
                request_hash=request_hash,
                status_code=status_code,
                response_body=body,
                created_at=at,
            )
        )
