"""Group commit: concurrent writes on one engine share a transaction, each as if run alone.

A server posting one entry per request pays, per write, the book lock taken and released and
the commit's flush (BENCHMARKS.md). Each engine has one writer thread while writes are queued:
it takes up to `MAX_BATCH` of them at a time, runs them one after another in one `runner.write`
and commits once. A write that finds nothing queued runs alone, exactly as `runner.write`.
Callers wait on their thread (`write`) or on their event loop (`write_async`, which never
blocks the loop and takes no worker thread while it waits).

A write may say how it runs together with like writes (`Merge`): queued writes one after
another with the same merge key run as one call (the single posting: many entries checked one
by one, then written with one statement per table instead of one per entry each).

Every outcome is that of running the writes serially, in queue order, without savepoints:

- a write that fails with its own error (a refused posting) ends the pass; the writes before
  it run again as one transaction and commit, the failing write reports its error (it saw
  what those wrote, as it would serially), and the writes after it form the next pass. Each
  write runs at most twice, so a batch full of failures costs linear time;
- a write that meets a database error, and every write of a pass whose transaction could not
  commit (or begin), runs again on its own through `runner.write`, with its retries, for its
  caller;
- a merged run refuses a write by its own rules without writing anything for it; should the
  run itself fail, each of its writes runs again on its own.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from folio.service import runner
from folio.store.uow import UnitOfWork

T = TypeVar("T")

MAX_BATCH = 64
IDLE_SECONDS = 2.0  # a writer thread with nothing queued for this long ends


@dataclass(frozen=True, slots=True)
class Merge:
    """How a write runs together with the like writes queued right after it.

    `run(uow, items)` does, for the `item` of each write with the same `key`, what each
    write's own function would, in order, and answers one outcome per item: its result, or
    the exception that refused it (having written nothing for it).
    """

    key: Hashable
    item: Any
    run: Callable[[UnitOfWork, list[Any]], list[Any]]


def write(uow: UnitOfWork, fn: Callable[[UnitOfWork], T], merge: Merge | None = None) -> T:
    """`runner.write(uow, fn)`, sharing its transaction with writes queued meanwhile."""
    if runner.in_write(uow.engine):  # inside a write: it joins the open transaction
        return runner.write(uow, fn)
    done = threading.Event()
    job = Job(fn, uow, done.set, merge)
    _group(uow.engine).submit(job)
    done.wait()
    if job.alone:
        return runner.write(uow, fn)
    result: T = job.outcome()
    return result


async def write_async(
    uow: UnitOfWork, fn: Callable[[UnitOfWork], T], merge: Merge | None = None
) -> T:
    """`write` for a caller on an event loop: it awaits the writer thread's outcome."""
    settled: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    job = Job(fn, uow, settled, merge)
    _group(uow.engine).submit(job)
    await asyncio.shield(settled)  # a cancelled caller's write still runs to its end
    if job.alone:
        return await asyncio.to_thread(runner.write, uow, fn)
    result: T = job.outcome()
    return result


def _resolve(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():
            future.set_result(None)


def _tell(jobs: list[Job]) -> None:
    """Tell each caller its write is settled: a thread by its event; the callers awaiting on
    one event loop by one callback there, so a pass wakes each loop once, not once per write
    (each wake-up is a system call on the writer thread: py-spy put a tenth of its samples
    there with 16 postings a pass)."""
    waiting: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for job in jobs:
        if isinstance(job.waiter, asyncio.Future):
            waiting.setdefault(job.waiter.get_loop(), []).append(job.waiter)
        else:
            job.waiter()
    for loop, futures in waiting.items():
        try:
            loop.call_soon_threadsafe(_resolve, futures)
        except RuntimeError:  # the loop was closed meanwhile: no one waits there any more
            continue


@dataclass(slots=True, eq=False)
class Job:
    """One queued write, how to tell its caller, and its outcome."""

    fn: Callable[[UnitOfWork], Any]
    uow: UnitOfWork
    # a caller's thread is told by a call (its event's `set`); a caller awaiting on an event
    # loop, by its future resolved on that loop (`_tell`)
    waiter: Callable[[], None] | asyncio.Future[None]
    merge: Merge | None = None
    result: Any = None
    error: BaseException | None = None
    alone: bool = False  # to run again on its own (runner.write, with retries)

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


class _Group:
    """One engine's queue of writes and whether its writer thread runs."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queued = threading.Condition(self.lock)
        self.queue: list[Job] = []
        self.writer: threading.Thread | None = None

    def waiting(self) -> int:
        with self.lock:
            return len(self.queue)

    def submit(self, job: Job) -> None:
        with self.lock:
            self.queue.append(job)
            if self.writer is not None:
                self.queued.notify()
                return
            self.writer = threading.Thread(
                target=self._write, name="folio-group-commit", daemon=True
            )
        self.writer.start()

    def _write(self) -> None:
        """Run batches while writes are queued; end after IDLE_SECONDS without any."""
        while True:
            with self.lock:
                if not self.queue:
                    self.queued.wait(IDLE_SECONDS)
                if not self.queue:
                    self.writer = None
                    return
                batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
            _settle(batch)
            del batch  # an idle writer holds no job (nor its engine) while it waits


def _settle(batch: list[Job]) -> None:
    """Run `batch` and tell each caller, whatever happens."""
    try:
        run_batch(batch[0].uow, batch)
    except BaseException as exc:  # run_batch settles each job; should it ever fail itself,
        for job in batch:  # no caller is left waiting
            if not job.alone:
                job.error = exc
    finally:
        _tell(batch)


class _Failed(Exception):
    """A write of a pass failed: the pass's transaction is rolled back."""

    def __init__(self, index: int, error: Exception, end: int | None = None) -> None:
        super().__init__(index, error)
        self.index, self.error = index, error
        self.end = index + 1 if end is None else end  # a merged run: every write it held


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
        index, end, error = failed
        if end - index > 1:  # a merged run failed as a whole
            _all_alone(pending[index:end])
        elif isinstance(error, DBAPIError):
            pending[index].alone = True
        else:
            pending[index].error = error
        before, pending = pending[:index], pending[end:]
        if before and _pass(uow, before) is not None:  # they passed a moment ago
            _all_alone(before)


def _pass(uow: UnitOfWork, jobs: list[Job]) -> tuple[int, int, Exception] | None:
    """Run `jobs` in one transaction: None once committed, else which failed and how (the
    failing write, or the merged run, from index to end)."""

    def run_all(uow: UnitOfWork) -> None:
        index = 0
        while index < len(jobs):
            end, merge = _merged_until(jobs, index), jobs[index].merge
            try:
                if end - index > 1 and merge is not None:
                    _run_merged(uow, merge, jobs[index:end])
                else:
                    jobs[index].result = jobs[index].fn(uow)
            except Exception as exc:
                raise _Failed(index, exc, end) from exc
            index = end

    try:
        runner.write(uow, run_all)
    except _Failed as failed:
        _clear(jobs)
        return failed.index, failed.end, failed.error
    except BaseException as exc:  # no transaction, or no commit: each runs again on its own
        _all_alone(jobs)
        if not isinstance(exc, Exception):
            raise
        return None
    return None


def _merged_until(jobs: list[Job], index: int) -> int:
    """The end of the run of writes from `index` that merge with it (index + 1 if none)."""
    merge, end = jobs[index].merge, index + 1
    if merge is None:
        return end
    while end < len(jobs) and (other := jobs[end].merge) is not None and other.key == merge.key:
        end += 1
    return end


def _run_merged(uow: UnitOfWork, merge: Merge, jobs: list[Job]) -> None:
    outcomes = merge.run(uow, [other.item for job in jobs if (other := job.merge) is not None])
    for job, outcome in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, Exception):
            job.result, job.error = None, outcome
        else:
            job.result, job.error = outcome, None


def _clear(jobs: list[Job]) -> None:
    for job in jobs:
        job.result, job.error = None, None


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
