from __future__ import annotations

from typing import Annotated

from folio.api.deps import Call, reads, unbound
from folio.api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page
from folio.api.routes.common import BOOK, BookId, router
from folio.api.schemas.audit import AuditEventRead, VerifyRead
from folio.api.schemas.common import Page
from folio.service import audit_log, verify

api = router(BOOK, "audit")


@api.get("/verify", response_model=VerifyRead, summary="Verify the hash chain and totals")
def verify_book(call: Annotated[Call, reads("reports:read")], book_id: BookId) -> VerifyRead:
    """`ok` true, or false with the first break in `problem`."""
    return VerifyRead.of(call.read(lambda uow: verify.verify_book(uow, book_id)))


@api.get("/audit-events", response_model=Page[AuditEventRead], summary="The book's audit log")
def list_audit_events(
    call: Annotated[Call, reads("admin")],
    book_id: BookId,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[AuditEventRead]:
    """Every change to the book, oldest first: who, what, when, and the request id."""
    after = decode_cursor(cursor, int)
    found = call.read(
        lambda uow: audit_log.list_events(uow, book_id, after_seq=after or 0, limit=limit + 1)
    )
    items, next_cursor = page(found, limit, lambda event: event.seq)
    return Page(data=[AuditEventRead.of(event) for event in items], next_cursor=next_cursor)


server_api = router("/v1", "audit")


@server_api.get(
    "/audit-events", response_model=Page[AuditEventRead], summary="The server's audit log"
)
def list_server_audit_events(
    call: Annotated[Call, reads("admin")], limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[AuditEventRead]:
    """Events that belong to no book, such as API keys and clients created or revoked."""
    unbound(call)
    after = decode_cursor(cursor, int)
    found = call.read(
        lambda uow: audit_log.list_events(uow, None, after_seq=after or 0, limit=limit + 1)
    )
    items, next_cursor = page(found, limit, lambda event: event.seq)
    return Page(data=[AuditEventRead.of(event) for event in items], next_cursor=next_cursor)
