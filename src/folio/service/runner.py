"""Running use cases: one transaction each, retried when the database asks, idempotent on request.

Every write in Folio goes through `write` or `write_idempotent` (directly, or through
`service/group_commit.py`, which batches concurrent writes on top of `write`); they are the only
callers of `UnitOfWork.commit`. Use cases themselves (`fn`) run inside the open transaction and
never commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from folio.domain.errors import IdempotencyKeyReused
from folio.store.repos.idempotency import StoredResponse
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork, with_retries

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the principal, the caller's Modified-By header and the request id."""

    principal_id: str | None = None
    modified_by: str | None = None
    request_id: str | None = None


SYSTEM = Actor(principal_id="system")


@dataclass(frozen=True, slots=True)
class IdempotencyRequest:
    scope: str
    principal_id: str
    key: str
    request_hash: str

    @staticmethod
    def fingerprint(method: str, path: str, body: bytes) -> str:
        return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def read(uow: UnitOfWork, fn: Callable[[UnitOfWork], T]) -> T:
    def attempt() -> T:
        with uow:
            return fn(uow)

    return with_retries(attempt)


def write(uow: UnitOfWork, fn: Callable[[UnitOfWork], T]) -> T:
    """Run `fn` in one write transaction and commit it, retried whole on a transient failure.

    A write started inside a write on the same engine and thread joins the open transaction
    (it lasts or is undone with it) instead of opening a second one that would wait for the
    first: SQLite's one writer, or PostgreSQL's book row lock, would never come free.
    """
    outer = _open_writes().get(uow.engine)
    if outer is not None:
        return fn(outer)

    def attempt() -> T:
        with uow, _writing(uow):
            result = fn(uow)
            uow.commit()
            return result

    return with_retries(attempt)


# The write transaction open in this thread (or task), per engine.
_OPEN: ContextVar[dict[Engine, UnitOfWork] | None] = ContextVar("folio_open_writes", default=None)


def in_write(engine: Engine) -> bool:
    """Whether this thread (or task) is inside a write transaction on `engine`."""
    return engine in _open_writes()


def _open_writes() -> dict[Engine, UnitOfWork]:
    return _OPEN.get() or {}


@contextmanager
def _writing(uow: UnitOfWork) -> Iterator[None]:
    token = _OPEN.set({**_open_writes(), uow.engine: uow})
    try:
        yield
    finally:
        _OPEN.reset(token)


def write_idempotent(
    uow: UnitOfWork,
    fn: Callable[[UnitOfWork], T],
    request: IdempotencyRequest,
    render: Callable[[T], tuple[int, str]],
) -> StoredResponse:
    """Run `fn` once per key: the response is stored in the same transaction as the write.

    A concurrent twin fails on the key's primary key at insert or commit, rolls back whole and,
    on its retry, finds the stored response.
    """

    def stored_or_run(uow: UnitOfWork) -> StoredResponse:
        stored = uow.idempotency.get(request.scope, request.principal_id, request.key)
        if stored is not None:
            if stored.request_hash != request.request_hash:
                raise IdempotencyKeyReused(data={"idempotency_key": request.key})
            return stored
        status, body = render(fn(uow))
        uow.idempotency.save(
            request.scope,
            request.principal_id,
            request.key,
            request_hash=request.request_hash,
            status_code=status,
            body=body,
            at=utcnow(),
        )
        return StoredResponse(request.request_hash, status, body)

    for _ in range(3):
        try:
            return write(uow, stored_or_run)
        except IntegrityError:
            continue
    return write(uow, stored_or_run)


def audit(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    *,
    book_id: str | None,
    target_type: str | None = None,
    target_id: str | None = None,
    details: dict[str, object] | None = None,
) -> None:
    uow.audit.record(
        book_id=book_id,
        at=utcnow(),
        actor=actor.principal_id,
        modified_by=actor.modified_by,
        action=action,
        target_type=target_type,
        target_id=target_id,
        request_id=actor.request_id,
        details=dict(details or {}),
    )
