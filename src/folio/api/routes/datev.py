"""DATEV import: a Buchungsstapel or a Summen- und Saldenliste as the request body.

The export is `GET .../export?format=datev&year=` (routes/reports.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from folio.api.deps import Call, writes
from folio.api.routes.common import BOOK, BookId, router
from folio.service import datev_import
from folio.store.uow import UnitOfWork

api = router(BOOK, "datev")

_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The file as DATEV wrote it (cp1252 or UTF-8), up to FOLIO_MAX_BODY_BYTES.",
        "content": {
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


class DatevImportRead(BaseModel):
    kind: str = Field(description="buchungsstapel, saldenliste or debitoren_kreditoren")
    sha256: str = Field(description="The file's fingerprint; the same file again is 409.")
    rows: int
    entries: int = Field(description="Journal entries booked.")
    opening_rows: int = Field(description="Opening balances booked (EB values, SuSa rows).")
    open_items: int
    eb_checked: int = Field(description="EB values found equal to the book's own opening values.")
    skipped: int = Field(description="SuSa rows left out: 9000/9008/9009, personal accounts, 0.")
    intent_id: str | None
    parties: int = Field(description="Customers and suppliers created or updated.")

    @classmethod
    def of(cls, done: datev_import.Imported) -> DatevImportRead:
        return cls(
            kind=done.kind, sha256=done.sha256, rows=done.rows, entries=done.entries,
            opening_rows=done.opening_rows, open_items=done.open_items,
            eb_checked=done.eb_checked, skipped=done.skipped, intent_id=done.intent_id,
            parties=done.parties,
        )  # fmt: skip


@api.post(
    "/imports/datev",
    status_code=201,
    response_model=DatevImportRead,
    summary="Import a DATEV Buchungsstapel, Debitoren/Kreditoren or Summen- und Saldenliste",
    openapi_extra=_BODY,
)
def import_datev(call: Annotated[Call, writes("journal:write")], book_id: BookId) -> Any:
    """An EXTF Buchungsstapel becomes journal entries (its EB values the opening balances of a
    book without entries); a Debitoren/Kreditoren file the book's customers and suppliers; a
    Summen- und Saldenliste the book's opening-balance set. All rows
    or none: every bad row is listed in `data.rows` with its line and field (422
    INVALID_INPUT). The same file twice is 409 DATEV_FILE_IMPORTED. See docs/datev.md."""
    body = call.body

    def run(uow: UnitOfWork) -> datev_import.Imported:
        return datev_import.import_datev(uow, book_id, body, call.actor)

    return call.write(run, DatevImportRead.of, status=201, book_id=book_id)
