"""Reading the audit log: a book's events in order, or the server's own (keys, clients)."""

from __future__ import annotations

from folio.service.books import get_book
from folio.store.repos.audit import AuditEvent
from folio.store.uow import UnitOfWork


def list_events(
    uow: UnitOfWork, book_id: str | None, *, after_seq: int = 0, limit: int = 50
) -> list[AuditEvent]:
    """Events of a book (None: events that belong to no book), oldest first."""
    if book_id is not None:
        get_book(uow, book_id)
    return list(uow.audit.search(book_id or "", after_seq=after_seq, limit=limit))
