"""Running use cases: one transaction each, retried when the database asks, idempotent on request.

Every write in Folio goes through `write` or `write_idempotent`; they are the only callers of
`UnitOfWork.commit`. Use cases themselves (`fn`) run inside the open transaction and never commit.

Group commit: writes that arrive on one engine while another write runs are queued, and the
next leader runs them one after another in one transaction and commits once. The outcome is
that of running them serially; what is saved is a transaction per write: the book lock taken
and released, and the commit's flush (bench/, BENCHMARKS.md). A batch runs without savepoints
first; if one write fails, the batch is rolled back and the rest run again, each in its own
savepoint. A write that meets a database error in a batch, and every write of a batch whose
commit fails, runs again on its own with the usual retries.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

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
    """Run `fn` in a write transaction and commit; concurrent writes share one (group commit)."""
    combiner = _combiner(uow.engine)
    if combiner.leader == threading.get_ident():  # a write inside a write: run it on its own
        return _write_alone(uow, fn)
    job = _Job(fn)
    with combiner.lock:
        combiner.queue.append(job)
        lead = combiner.leader is None
        if lead:
            combiner.leader = threading.get_ident()
    if not lead:
        job.done.wait()
        if job.promoted:
            combiner.lead(uow)
    else:
        combiner.lead(uow)
    if job.alone:
        return _write_alone(uow, fn)
    if job.error is not None:
        raise job.error
    result: T = job.result
    return result


def _write_alone(uow: UnitOfWork, fn: Callable[[UnitOfWork], T]) -> T:
    def attempt() -> T:
        with uow:
            result = fn(uow)
            uow.commit()
            return result

    return with_retries(attempt)


MAX_BATCH = 64


@dataclass(slots=True, eq=False)
class _Job:
    fn: Callable[[UnitOfWork], Any]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None
    alone: bool = False  # run again on its own transaction, with retries
    promoted: bool = False  # woken to lead the next batch


class _Combiner:
    """The queue of one engine's writes and its leader, the thread running a batch."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queue: list[_Job] = []
        self.leader: int | None = None

    def lead(self, uow: UnitOfWork) -> None:
        """Run one batch (the queue's head, up to MAX_BATCH), then hand leadership on."""
        with self.lock:
            self.leader = threading.get_ident()
            batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
        try:
            _run_batch(uow, batch)
        finally:
            successor: _Job | None = None
            with self.lock:
                if self.queue:
                    successor = self.queue[0]
                    successor.promoted = True
                    self.leader = -1  # taken: the successor leads next
                else:
                    self.leader = None
            for job in batch:
                job.done.set()
            if successor is not None:
                successor.done.set()


def _run_batch(uow: UnitOfWork, batch: list[_Job]) -> None:
    if len(batch) == 1:  # on its own, as without group commit; meanwhile others queue up
        job = batch[0]
        try:
            job.result = _write_alone(uow, job.fn)
        except Exception as exc:
            job.error = exc
        return
    failed = _run_optimistically(uow, batch)
    if failed is not None:
        _run_in_savepoints(uow, [job for job in batch if job is not failed])


def _run_optimistically(uow: UnitOfWork, batch: list[_Job]) -> _Job | None:
    """The whole batch in one transaction with no savepoints (two round trips less a write).

    The first write that fails is settled (its error, or a run of its own) and returned, and
    the batch is rolled back: the others then run again in savepoints, so a failing write
    costs its group one more pass, never more.
    """
    try:
        with uow:
            for job in batch:
                try:
                    job.result = job.fn(uow)
                except DBAPIError:
                    job.alone = True
                    return job
                except Exception as exc:  # the use case's own error, as on its own
                    job.error = exc
                    return job
            uow.commit()
            return None
    except BaseException as exc:  # nothing of the batch lasted: each runs again on its own
        _all_alone(batch)
        if not isinstance(exc, Exception):
            raise
        return None


def _run_in_savepoints(uow: UnitOfWork, batch: list[_Job]) -> None:
    """One transaction, each write in its own savepoint: a failure undoes only its own write."""
    try:
        with uow:
            for job in batch:
                savepoint = uow.conn.begin_nested()
                try:
                    job.result = job.fn(uow)
                    uow.flush()
                    savepoint.commit()
                except DBAPIError:
                    savepoint.rollback()
                    uow.forget()
                    job.result, job.alone = None, True
                except Exception as exc:  # the use case's own error, as on its own
                    savepoint.rollback()
                    uow.forget()
                    job.result, job.error = None, exc
            uow.commit()
    except BaseException as exc:
        _all_alone(batch)
        if not isinstance(exc, Exception):
            raise


def _all_alone(batch: list[_Job]) -> None:
    for job in batch:
        job.result, job.error, job.alone = None, None, True


_COMBINERS: weakref.WeakKeyDictionary[Engine, _Combiner] = weakref.WeakKeyDictionary()
_COMBINERS_GUARD = threading.Lock()


def _combiner(engine: Engine) -> _Combiner:
    found = _COMBINERS.get(engine)
    if found is None:
        with _COMBINERS_GUARD:
            found = _COMBINERS.setdefault(engine, _Combiner())
    return found


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

    def attempt() -> StoredResponse:
        with uow:
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
            uow.commit()
            return StoredResponse(request.request_hash, status, body)

    for _ in range(3):
        try:
            return with_retries(attempt)
        except IntegrityError:
            continue
    return with_retries(attempt)


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
