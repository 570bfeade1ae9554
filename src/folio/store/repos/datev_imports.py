"""The DATEV files imported into each book, by SHA-256, so the same file is not booked twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from folio.store.tables import datev_imports


class DatevImportRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def imported_at(self, book_id: str, sha256: str) -> datetime | None:
        row = self.conn.execute(
            select(datev_imports.c.imported_at).where(
                datev_imports.c.book_id == book_id, datev_imports.c.sha256 == sha256
            )
        ).first()
        return row.imported_at if row else None

    def record(
        self,
        book_id: str,
        sha256: str,
        *,
        kind: str,
        intent_id: str | None,
        rows: int,
        at: datetime,
        by: str | None,
    ) -> None:
        # The primary key (book, sha256) refuses a second record in the database as well.
        self.conn.execute(
            datev_imports.insert().values(
                book_id=book_id, sha256=sha256, kind=kind, intent_id=intent_id, rows=rows,
                imported_at=at, imported_by=by,
            )
        )  # fmt: skip
