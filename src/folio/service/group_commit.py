"""Group commit: concurrent writes on one engine share a transaction, each as if run alone.

A server posting one entry per request pays, per write, the book lock taken and released and
the commit's flush (BENCHMARKS.md). `write` here queues a write while another runs on the same
engine; the next leader runs up to `MAX_BATCH` queued writes one after another in one
`runner.write` and commits once. Everything else stays `runner.write`'s: a write that runs
alone (nothing queued behind the leader) is exactly `runner.write`.

Every outcome is that of running the writes serially, in queue order, without savepoints:

- a write that fails with its own error (a refused posting) ends the pass; the writes before
  it run again as one transaction and commit, the failing write reports its error (it saw
  what those wrote, as it would serially), and the writes after it form the next pass. Each
  write runs at most twice, so a batch full of failures costs linear time;
- a write that meets a database error, and every write of a pass whose transaction could not
  commit (or begin), runs again on its own through `runner.write`, with its retries, in its
  caller's thread.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from folio.service import runner
from folio.store.uow import UnitOfWork

T = TypeVar("T")

MAX_BATCH = 64


def write(uow: UnitOfWork, fn: Callable[[UnitOfWork], T]) -> T:
    """`runner.write(uow, fn)`, sharing its transaction with writes queued meanwhile."""
    group = _group(uow.engine)
    if runner.in_write(uow.engine):  # inside a write: it joins the open transaction
        return runner.write(uow, fn)
    job = Job(fn)
    with group.lock:
        group.queue.append(job)
        lead = group.leader is None
        if lead:
            group.leader = threading.get_ident()
    if not lead:
        job.done.wait()
    if lead or job.promoted:
        group.lead(uow)
    if job.alone:
        return runner.write(uow, fn)
    if job.error is not None:
        raise job.error
    result: T = job.result
    return result


@dataclass(slots=True, eq=False)
class Job:
    """One queued write and its outcome."""

    fn: Callable[[UnitOfWork], Any]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None
    alone: bool = False  # to run again on its own (runner.write, with retries)
    promoted: bool = False  # woken to lead the next batch


class _Group:
    """One engine's queue of writes and its leader, the thread running a batch."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queue: list[Job] = []
        self.leader: int | None = None

    def waiting(self) -> int:
        with self.lock:
            return len(self.queue)

    def lead(self, uow: UnitOfWork) -> None:
        """Run one batch (the queue's head, up to MAX_BATCH), then hand leadership on."""
        with self.lock:
            self.leader = threading.get_ident()
            batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
        try:
            run_batch(uow, batch)
        finally:
            successor: Job | None = None
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


class _Failed(Exception):
    """A write of a pass failed: the pass's transaction is rolled back."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(index, error)
        self.index, self.error = index, error


def run_batch(uow: UnitOfWork, batch: list[Job]) -> None:
    """Settle every job of `batch`: a result, an error, or `alone`."""
    if len(batch) == 1:  # on its own, as without group commit; meanwhile others queue up
        job = batch[0]
        try:
            job.result = runner.write(uow, job.fn)
        except Exception as exc:
            job.error = exc
        return
    pending = batch
    while pending:
        failed = _pass(uow, pending)
        if failed is None:
            return
        index, error = failed
        if isinstance(error, DBAPIError):
            pending[index].alone = True
        else:
            pending[index].error = error
        before, pending = pending[:index], pending[index + 1 :]
        if before and _pass(uow, before) is not None:  # they passed a moment ago
            _all_alone(before)


def _pass(uow: UnitOfWork, jobs: list[Job]) -> tuple[int, Exception] | None:
    """Run `jobs` in one transaction: None once committed, else which failed and how."""

    def run_all(uow: UnitOfWork) -> None:
        for index, job in enumerate(jobs):
            try:
                job.result = job.fn(uow)
            except Exception as exc:
                raise _Failed(index, exc) from exc

    try:
        runner.write(uow, run_all)
    except _Failed as failed:
        _clear(jobs)
        return failed.index, failed.error
    except BaseException as exc:  # no transaction, or no commit: each runs again on its own
        _all_alone(jobs)
        if not isinstance(exc, Exception):
            raise
        return None
    return None


def _clear(jobs: list[Job]) -> None:
    for job in jobs:
        job.result = None


def _all_alone(jobs: list[Job]) -> None:
    for job in jobs:
        job.result, job.error, job.alone = None, None, True


_GROUPS: weakref.WeakKeyDictionary[Engine, _Group] = weakref.WeakKeyDictionary()
_GROUPS_GUARD = threading.Lock()


def _group(engine: Engine) -> _Group:
    found = _GROUPS.get(engine)
    if found is None:
        with _GROUPS_GUARD:
            found = _GROUPS.setdefault(engine, _Group())
    return found
