"""Group commit on real threads: writes queued behind a running one share a transaction, and
every fallback (a refused write, a database error, a failed commit) ends as a serial run would.

A first write holds the leadership until the others have queued, so which writes share a batch
does not depend on timing; the engine's commits are counted to see the sharing.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError

from folio.domain.errors import InvalidAmount, UnbalancedEntry
from folio.domain.ledgers import Side
from folio.service import group_commit, journal, runner
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.store.database import write_engine
from folio.store.uow import UnitOfWork
from tests.builders import START, make_book, make_ledgers

Outcome = tuple[str, Any]


def _setup(engine: Engine) -> tuple[Folio, str, str, str]:
    fo = Folio(engine, migrate=False)
    book = make_book(fo)
    made = make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    return fo, book.id, made["1000"].id, made["4000"].id


def _posting(book_id: str, debit: str, credit: str, amount: int, other: int | None = None) -> Any:
    lines = [
        LineInput(Side.DEBIT, amount, ledger_id=debit),
        LineInput(Side.CREDIT, amount if other is None else other, ledger_id=credit),
    ]
    return lambda uow: journal.post_entry(uow, book_id, EntryCreate(START, lines), runner.SYSTEM)


@pytest.fixture
def commits(engine: Engine) -> Iterator[list[int]]:
    counted: list[int] = []

    def count(_conn: Any) -> None:
        counted.append(1)

    writes = write_engine(engine)  # on SQLite, the engine of the one writing connection
    event.listen(writes, "commit", count)
    yield counted
    event.remove(writes, "commit", count)


def _holding() -> tuple[threading.Event, threading.Event, Callable[[UnitOfWork], str]]:
    """A write that holds the writer thread from `started` until `release`: what is submitted
    meanwhile queues behind it, in order."""
    started, release = threading.Event(), threading.Event()

    def hold(_uow: UnitOfWork) -> str:
        started.set()
        assert release.wait(30)
        return "held"

    return started, release, hold


def _batched(
    engine: Engine,
    fns: list[Callable[[UnitOfWork], Any]],
    merges: list[group_commit.Merge | None] | None = None,
) -> list[Outcome]:
    """Run `fns` on threads of their own, queued in order behind a write that holds the lead."""
    group = group_commit._group(engine)
    started, release, hold = _holding()

    outcomes: list[Outcome] = [("none", None)] * len(fns)

    def call(index: int, fn: Callable[[UnitOfWork], Any]) -> None:
        try:
            merge = merges[index] if merges else None
            outcomes[index] = ("ok", group_commit.write(UnitOfWork(engine), fn, merge))
        except Exception as exc:
            outcomes[index] = ("error", exc)

    holder = threading.Thread(target=lambda: group_commit.write(UnitOfWork(engine), hold))
    holder.start()
    assert started.wait(30)
    threads = []
    for index, fn in enumerate(fns):
        thread = threading.Thread(target=call, args=(index, fn))
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 30
        while group.waiting() < index + 1:  # queued in this order
            assert time.monotonic() < deadline
            time.sleep(0.001)
    release.set()
    for thread in [holder, *threads]:
        thread.join(60)
        assert not thread.is_alive()
    return outcomes


def test_writes_queued_meanwhile_share_one_commit(engine: Engine, commits: list[int]) -> None:
    fo, book_id, bank, sales = _setup(engine)
    before = len(commits)
    outcomes = _batched(engine, [_posting(book_id, bank, sales, n) for n in range(1, 9)])
    assert [kind for kind, _ in outcomes] == ["ok"] * 8
    assert [entry.journal_number for _, entry in outcomes] == list(range(1, 9))
    assert len(commits) - before == 2  # the holding write, then the eight at once
    assert fo.ledger(book_id, bank).debits_posted == sum(range(1, 9))
    assert fo.verify(book_id).ok


def test_a_refused_write_in_a_batch_gets_its_error_and_the_rest_are_booked(
    engine: Engine, commits: list[int]
) -> None:
    fo, book_id, bank, sales = _setup(engine)
    fns = [_posting(book_id, bank, sales, n) for n in (1, 2, 3, 4, 5)]
    fns[2] = _posting(book_id, bank, sales, 3, other=2)  # unbalanced
    before = len(commits)
    outcomes = _batched(engine, fns)
    assert [kind for kind, _ in outcomes] == ["ok", "ok", "error", "ok", "ok"]
    assert isinstance(outcomes[2][1], UnbalancedEntry)
    assert [outcomes[i][1].journal_number for i in (0, 1, 3, 4)] == [1, 2, 3, 4]
    # the holder; the two before the refused write; the two after it
    assert len(commits) - before == 3
    assert fo.ledger(book_id, bank).debits_posted == 1 + 2 + 4 + 5
    assert fo.verify(book_id).ok


def test_a_database_error_in_a_batch_reaches_its_caller_alone(engine: Engine) -> None:
    fo, book_id, bank, sales = _setup(engine)

    def broken(uow: UnitOfWork) -> None:
        uow.conn.execute(text("INSERT INTO no_such_table VALUES (1)"))

    fns = [_posting(book_id, bank, sales, 1), broken, _posting(book_id, bank, sales, 2)]
    outcomes = _batched(engine, fns)
    assert [kind for kind, _ in outcomes] == ["ok", "error", "ok"]
    assert isinstance(outcomes[1][1], DBAPIError)
    assert sorted(entry.journal_number for kind, entry in outcomes if kind == "ok") == [1, 2]
    assert fo.ledger(book_id, bank).debits_posted == 3
    assert fo.verify(book_id).ok


def test_a_batch_whose_commit_fails_runs_each_write_again_alone(
    engine: Engine, commits: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    fo, book_id, bank, sales = _setup(engine)
    real_commit = UnitOfWork.commit
    calls: list[int] = []

    def commit_failing_once_for_the_batch(self: UnitOfWork) -> None:
        calls.append(1)
        if len(calls) == 2:  # the holder's commit is the first, the batch's the second
            raise OperationalError("COMMIT", {}, Exception("disk I/O error"))
        real_commit(self)

    monkeypatch.setattr(UnitOfWork, "commit", commit_failing_once_for_the_batch)
    before = len(commits)
    outcomes = _batched(engine, [_posting(book_id, bank, sales, n) for n in (1, 2, 3, 4)])
    assert [kind for kind, _ in outcomes] == ["ok"] * 4
    assert sorted(entry.journal_number for _, entry in outcomes) == [1, 2, 3, 4]
    assert len(commits) - before == 1 + 4  # the holder, then each of the four on its own
    assert fo.ledger(book_id, bank).debits_posted == 10
    assert fo.verify(book_id).ok


def test_many_threads_posting_through_group_commit_lose_nothing(engine: Engine) -> None:
    fo, book_id, bank, sales = _setup(engine)
    threads, per_thread = 6, 25
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            for n in range(per_thread):
                amount = offset * 1000 + n + 1
                fn = _posting(book_id, bank, sales, amount)
                if n % 10 == 9:  # a refused write now and then
                    fn = _posting(book_id, bank, sales, amount, other=amount + 1)
                try:
                    group_commit.write(UnitOfWork(engine), fn)
                except UnbalancedEntry:
                    pass
        except BaseException as exc:
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(120)
    assert errors == []
    booked = [
        offset * 1000 + n + 1 for offset in range(threads) for n in range(per_thread) if n % 10 != 9
    ]
    entries = fo.entries(book_id, limit=1000)
    assert [e.journal_number for e in entries] == list(range(1, len(booked) + 1))
    assert fo.ledger(book_id, bank).debits_posted == sum(booked)
    assert fo.verify(book_id).ok


def test_writes_awaited_on_an_event_loop_share_commits_and_get_their_own_outcomes(
    engine: Engine, commits: list[int]
) -> None:
    """`write_async` (the API's posting route): nine writes awaited at once behind a held one,
    one of them refused; the loop is never blocked and each caller gets its own outcome."""
    fo, book_id, bank, sales = _setup(engine)
    started, release, hold = _holding()

    fns = [_posting(book_id, bank, sales, n) for n in range(1, 10)]
    fns[4] = _posting(book_id, bank, sales, 5, other=4)  # unbalanced
    before = len(commits)

    async def run() -> list[Any]:
        held = asyncio.ensure_future(group_commit.write_async(UnitOfWork(engine), hold))
        await asyncio.to_thread(started.wait, 30)
        calls = [
            asyncio.ensure_future(group_commit.write_async(UnitOfWork(engine), fn)) for fn in fns
        ]
        while group_commit._group(engine).waiting() < len(fns):  # queued, the loop still free
            await asyncio.sleep(0.001)
        release.set()
        return await asyncio.gather(held, *calls, return_exceptions=True)

    held, *outcomes = asyncio.run(run())
    assert held == "held"
    assert isinstance(outcomes[4], UnbalancedEntry)
    booked = [outcome.journal_number for i, outcome in enumerate(outcomes) if i != 4]
    assert booked == list(range(1, 9))
    assert len(commits) - before == 3  # the holder; the four before the refused; the four after
    assert fo.ledger(book_id, bank).debits_posted == sum(range(1, 10)) - 5
    assert fo.verify(book_id).ok


def _merged_posting(
    book_id: str, debit: str, credit: str, amount: int, other: int | None = None, **actor: Any
) -> tuple[Callable[[UnitOfWork], Any], group_commit.Merge]:
    """A posting as the API's route submits it: its own function, and how it merges."""
    lines = [
        LineInput(Side.DEBIT, amount, ledger_id=debit),
        LineInput(Side.CREDIT, amount if other is None else other, ledger_id=credit),
    ]
    who = runner.Actor(**{"principal_id": "key_1", **actor})

    def command_of(_book: Any) -> EntryCreate:
        if amount < 0:
            raise InvalidAmount("The amount cannot be read.", {"field": "lines[0].debit"})
        return EntryCreate(START, lines)

    def fn(uow: UnitOfWork) -> Any:
        return journal.posting_book(uow, book_id), journal.post_entry(
            uow, book_id, command_of(journal.posting_book(uow, book_id)), who
        )

    return fn, journal.posting_merge(book_id, command_of, who)


def test_postings_queued_together_merge_into_one_write_each_refused_alone(
    engine: Engine, commits: list[int]
) -> None:
    """Six postings of one principal run as one merged write: the unbalanced one and the one
    whose amount cannot be read get their own errors, the others are booked in queue order,
    each with its own audit event; one commit for all (the holder's aside)."""
    fo, book_id, bank, sales = _setup(engine)
    made = [
        _merged_posting(book_id, bank, sales, 1, request_id="r1"),
        _merged_posting(book_id, bank, sales, 2, other=3, request_id="r2"),  # unbalanced
        _merged_posting(book_id, bank, sales, 4, request_id="r3"),
        _merged_posting(book_id, bank, sales, -1, request_id="r4"),  # unreadable amount
        _merged_posting(book_id, bank, sales, 8, request_id="r5"),
        _merged_posting(book_id, bank, sales, 16, request_id="r6"),
    ]
    before = len(commits)
    outcomes = _batched(engine, [fn for fn, _ in made], [merge for _, merge in made])
    assert [kind for kind, _ in outcomes] == ["ok", "error", "ok", "error", "ok", "ok"]
    assert isinstance(outcomes[1][1], UnbalancedEntry)
    assert isinstance(outcomes[3][1], InvalidAmount)
    booked = [outcomes[i][1][1] for i in (0, 2, 4, 5)]
    assert [entry.journal_number for entry in booked] == [1, 2, 3, 4]
    assert [entry.lines[0].amount for entry in booked] == [1, 4, 8, 16]
    assert len({entry.intent_id for entry in booked}) == 4  # each a posting of its own
    assert len(commits) - before == 2
    assert fo.ledger(book_id, bank).debits_posted == 29
    events = [
        event
        for event in fo.read(lambda uow: uow.audit.search(book_id, limit=100))
        if event.action == "journal_entry.posted"
    ]
    assert sorted(e.request_id for e in events) == ["r1", "r3", "r5", "r6"]
    assert fo.verify(book_id).ok


def test_postings_of_different_principals_do_not_merge(engine: Engine, commits: list[int]) -> None:
    fo, book_id, bank, sales = _setup(engine)
    made = [
        _merged_posting(book_id, bank, sales, 1),
        _merged_posting(book_id, bank, sales, 2, principal_id="key_2"),
        _merged_posting(book_id, bank, sales, 4, modified_by="clerk"),
    ]
    outcomes = _batched(engine, [fn for fn, _ in made], [merge for _, merge in made])
    entries = [entry for _, (_book, entry) in outcomes]
    assert [(e.created_by, e.modified_by) for e in entries] == [
        ("key_1", None), ("key_2", None), ("key_1", "clerk")
    ]  # fmt: skip
    assert fo.verify(book_id).ok


def test_a_merged_run_that_fails_runs_each_of_its_writes_again_alone(
    engine: Engine, commits: list[int]
) -> None:
    fo, book_id, bank, sales = _setup(engine)

    def broken(_uow: UnitOfWork, _items: list[Any]) -> list[Any]:
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    fns = [_posting(book_id, bank, sales, n) for n in (1, 2, 3)]
    merges = [group_commit.Merge("same", n, broken) for n in (1, 2, 3)]
    before = len(commits)
    outcomes = _batched(engine, [_posting(book_id, bank, sales, 9), *fns], [None, *merges])
    assert [kind for kind, _ in outcomes] == ["ok"] * 4
    assert outcomes[0][1].journal_number == 1
    assert sorted(entry.journal_number for _, entry in outcomes) == [1, 2, 3, 4]
    # the holder; the first write again after the failed pass; then each merged write alone,
    # on its caller's thread
    assert len(commits) - before == 1 + 1 + 3
    assert fo.ledger(book_id, bank).debits_posted == 15
    assert fo.verify(book_id).ok


class _CountingLoop(asyncio.SelectorEventLoop):
    """Counts the callbacks group commit schedules on it from its writer thread."""

    told = 0

    def call_soon_threadsafe(self, callback: Any, *args: Any, context: Any = None) -> Any:
        if callback is group_commit._resolve:
            self.told += 1
        return super().call_soon_threadsafe(callback, *args, context=context)


def test_a_pass_wakes_each_event_loop_once_whatever_the_writes_it_settles(
    engine: Engine, commits: list[int]
) -> None:
    fo, book_id, bank, sales = _setup(engine)
    started, release, hold = _holding()

    async def run() -> list[Any]:
        held = asyncio.ensure_future(group_commit.write_async(UnitOfWork(engine), hold))
        await asyncio.to_thread(started.wait, 30)
        calls = [
            asyncio.ensure_future(
                group_commit.write_async(UnitOfWork(engine), _posting(book_id, bank, sales, n))
            )
            for n in range(1, 13)
        ]
        while group_commit._group(engine).waiting() < 12:
            await asyncio.sleep(0.001)
        release.set()
        return await asyncio.gather(held, *calls)

    loop = _CountingLoop()
    try:
        held, *entries = loop.run_until_complete(run())
    finally:
        loop.close()
    assert held == "held"
    assert [entry.journal_number for entry in entries] == list(range(1, 13))
    assert loop.told == 2  # the holder's pass, then one pass for the twelve
    assert fo.ledger(book_id, bank).debits_posted == sum(range(1, 13))


def test_a_caller_whose_loop_has_closed_does_not_keep_the_others_waiting(engine: Engine) -> None:
    """Two event loops await writes of one pass; the first loop closes before the pass ends.
    The write still commits, and the caller on the other loop gets its outcome."""
    fo, book_id, bank, sales = _setup(engine)
    group = group_commit._group(engine)
    started, release, hold = _holding()

    holder = threading.Thread(target=lambda: group_commit.write(UnitOfWork(engine), hold))
    holder.start()
    assert started.wait(30)
    loops = [asyncio.new_event_loop() for _ in range(2)]
    threads = [threading.Thread(target=loop.run_forever) for loop in loops]
    for thread in threads:
        thread.start()
    awaited = []
    for index, loop in enumerate(loops):
        write = group_commit.write_async(UnitOfWork(engine), _posting(book_id, bank, sales, 5))
        awaited.append(asyncio.run_coroutine_threadsafe(write, loop))
        while group.waiting() < index + 1:
            time.sleep(0.001)
    loops[0].call_soon_threadsafe(loops[0].stop)
    threads[0].join(10)
    loops[0].close()  # its caller is gone; its write is queued
    release.set()
    holder.join(30)
    try:
        assert awaited[1].result(30).journal_number == 2
    finally:
        loops[1].call_soon_threadsafe(loops[1].stop)
        threads[1].join(10)
        loops[1].close()
    assert fo.ledger(book_id, bank).debits_posted == 10  # both committed, in one pass
    assert fo.verify(book_id).ok
