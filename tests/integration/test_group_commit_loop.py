"""Writes awaited on an event loop (`group_commit.write_async`, the single posting's route).

On SQLite they run on the loop itself when nothing else writes, together in one transaction;
the loop never waits for a write of someone else: another thread's write sends them to the
writer thread, another connection's write lock makes each run again on a worker thread. On
PostgreSQL the writer thread runs them. Both engines: each test checks where the writes ran,
the commits, and the books after.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from folio.domain.errors import UnbalancedEntry
from folio.domain.ledgers import Side
from folio.service import group_commit, journal, runner
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.store.database import write_engine
from folio.store.uow import UnitOfWork
from tests.builders import START, make_book, make_ledgers


def _setup(engine: Engine) -> tuple[Folio, str, str, str]:
    fo = Folio(engine, migrate=False)
    book = make_book(fo)
    made = make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    return fo, book.id, made["1000"].id, made["4000"].id


@pytest.fixture
def commits(engine: Engine) -> Iterator[list[int]]:
    counted: list[int] = []

    def count(_conn: Any) -> None:
        counted.append(1)

    writes = write_engine(engine)
    event.listen(writes, "commit", count)
    yield counted
    event.remove(writes, "commit", count)


def _posting(
    book_id: str, bank: str, sales: str, amount: int, threads: list[int], other: int | None = None
) -> Callable[[UnitOfWork], Any]:
    """A posting that notes the thread it runs on."""
    lines = [
        LineInput(Side.DEBIT, amount, ledger_id=bank),
        LineInput(Side.CREDIT, amount if other is None else other, ledger_id=sales),
    ]

    def post(uow: UnitOfWork) -> Any:
        threads.append(threading.get_ident())
        return journal.post_entry(uow, book_id, EntryCreate(START, lines), runner.SYSTEM)

    return post


# Should the loop wait for the other write after all, a timer thread ends that write after
# this long, and the loop's longest pause shows it.
SAFETY = 3.0


async def _longest_pause(until: asyncio.Future[Any]) -> float:
    """The longest time the loop did not come back to this coroutine, asking every millisecond,
    until `until` is done."""
    longest, last = 0.0, time.monotonic()
    while not until.done():
        await asyncio.sleep(0.001)
        now = time.monotonic()
        longest, last = max(longest, now - last), now
    return longest


def test_writes_awaited_together_run_on_the_loop_in_one_commit_when_nothing_else_writes(
    engine: Engine, commits: list[int]
) -> None:
    fo, book_id, bank, sales = _setup(engine)
    threads: list[int] = []
    fns = [_posting(book_id, bank, sales, n, threads) for n in range(1, 7)]
    fns[2] = _posting(book_id, bank, sales, 3, threads, other=2)  # unbalanced
    before = len(commits)

    async def run() -> tuple[int, list[Any]]:
        calls = [group_commit.write_async(UnitOfWork(engine), fn) for fn in fns]
        return threading.get_ident(), await asyncio.gather(*calls, return_exceptions=True)

    loop_thread, outcomes = asyncio.run(run())
    assert isinstance(outcomes[2], UnbalancedEntry)
    assert [outcomes[i].journal_number for i in (0, 1, 3, 4, 5)] == [1, 2, 3, 4, 5]
    assert fo.ledger(book_id, bank).debits_posted == 1 + 2 + 4 + 5 + 6
    assert fo.verify(book_id).ok
    if engine.dialect.name == "sqlite":
        assert set(threads) == {loop_thread}
        # the two before the refused one, then the three after it (as a serial run)
        assert len(commits) - before == 2
    else:
        assert loop_thread not in threads  # the writer thread's


def test_the_loop_does_not_wait_for_another_threads_write(
    engine: Engine, commits: list[int]
) -> None:
    """Another thread holds a write of the book open: the awaited postings wait for it on the
    writer thread, the loop goes on meanwhile, and they are booked after it."""
    fo, book_id, bank, sales = _setup(engine)
    started, release = threading.Event(), threading.Event()

    def hold(uow: UnitOfWork) -> str:
        journal.posting_book(uow, book_id)  # the book's lock (on SQLite, the writer's too)
        started.set()
        assert release.wait(30)
        return "held"

    holder = threading.Thread(target=lambda: runner.write(UnitOfWork(engine), hold))
    holder.start()
    assert started.wait(30)
    safety = threading.Timer(SAFETY, release.set)
    safety.start()
    threads: list[int] = []

    async def run() -> tuple[int, float, list[Any]]:
        calls = asyncio.gather(
            *[
                group_commit.write_async(
                    UnitOfWork(engine), _posting(book_id, bank, sales, n, threads)
                )
                for n in (1, 2, 3)
            ]
        )
        pause = asyncio.ensure_future(_longest_pause(calls))
        await asyncio.sleep(0.3)  # they wait for the writer thread; the loop does not
        assert not calls.done()
        release.set()
        return threading.get_ident(), await pause, await calls

    try:
        loop_thread, pause, entries = asyncio.run(run())
    finally:
        release.set()
        safety.cancel()
        holder.join(30)
    assert pause < 1.0
    assert [entry.journal_number for entry in entries] == [1, 2, 3]
    assert loop_thread not in threads
    assert fo.ledger(book_id, bank).debits_posted == 6
    assert fo.verify(book_id).ok


def _hold_the_write_lock(engine: Engine, book_id: str) -> Callable[[], None]:
    """Another connection takes what a posting must wait for: SQLite's write lock (another
    process would hold it so), PostgreSQL's book row. Returns its release."""
    released = threading.Lock()  # once, by the test or by its safety timer
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(
            engine.url.database or "", isolation_level=None, check_same_thread=False
        )
        other.execute("BEGIN IMMEDIATE")

        def release_sqlite() -> None:
            if released.acquire(blocking=False):
                other.execute("COMMIT")
                other.close()

        return release_sqlite
    conn = engine.connect()
    transaction = conn.begin()
    conn.execute(text("SELECT 1 FROM books WHERE book_id = :id FOR UPDATE"), {"id": book_id})

    def release_postgres() -> None:
        if released.acquire(blocking=False):
            transaction.commit()
            conn.close()

    return release_postgres


def test_the_loop_does_not_wait_for_another_connections_write_lock(engine: Engine) -> None:
    """While another connection holds the lock the posting needs, the loop goes on; the
    posting is booked once the lock is released (on SQLite, run again on a worker thread)."""
    fo, book_id, bank, sales = _setup(engine)
    threads: list[int] = []
    release = _hold_the_write_lock(engine, book_id)
    safety = threading.Timer(SAFETY, release)
    safety.start()

    async def run() -> tuple[int, float, Any]:
        call = asyncio.ensure_future(
            group_commit.write_async(UnitOfWork(engine), _posting(book_id, bank, sales, 7, threads))
        )
        pause = asyncio.ensure_future(_longest_pause(call))
        await asyncio.sleep(0.3)  # the posting waits for the lock; the loop does not
        assert not call.done()
        release()
        entry = await call
        return threading.get_ident(), await pause, entry

    try:
        loop_thread, pause, entry = asyncio.run(run())
    finally:
        safety.cancel()
        release()
    assert pause < 1.0
    assert entry.journal_number == 1
    assert loop_thread not in threads
    assert fo.ledger(book_id, bank).debits_posted == 7
    assert fo.verify(book_id).ok
