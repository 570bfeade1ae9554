"""Group commit driven by random sequences: bursts of writes from threads and from an event
loop, merged postings (as the API's route submits them) beside plain ones, refusals, database
errors and period locks in between; after every step the books are what a serial run of the
same writes in queue order would leave.

Each burst queues its writes, in a known order, behind a write that holds the writer thread,
then lets them all run: which writes share a pass, and which merge, follows from that order.
A loop burst awaits its writes together on the event loop with nothing held: timing decides
which share a pass, and the outcomes are still those of the serial run.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from folio.domain.errors import InvalidAmount, PeriodLocked, UnbalancedEntry
from folio.domain.ledgers import Side
from folio.domain.periods import PeriodAction
from folio.service import group_commit, journal, periods, runner
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.store.uow import UnitOfWork
from tests.builders import make_book, make_ledgers
from tests.integration.test_group_commit_threads import _holding

MONTHS = ("2025-03", "2025-04", "2025-05")
KINDS = ("ok", "ok", "ok", "unbalanced", "unreadable", "database")


@dataclass(frozen=True)
class Spec:
    way: str  # "thread" (group_commit.write) or "loop" (group_commit.write_async)
    merged: bool  # submitted with the posting's Merge, as the API's route does
    principal: str
    kind: str  # ok, unbalanced, unreadable (the amount), database (a failing statement)
    amount: int
    month: str
    pair: tuple[int, int]  # debit and credit ledger


specs = st.builds(
    Spec,
    way=st.sampled_from(["thread", "loop"]),
    merged=st.booleans(),
    principal=st.sampled_from(["key_1", "key_2"]),
    kind=st.sampled_from(KINDS),
    amount=st.integers(1, 10**9),
    month=st.sampled_from(MONTHS),
    pair=st.sampled_from([(0, 1), (1, 2), (2, 0), (0, 2)]),
)


class GroupCommitMachine(RuleBasedStateMachine):
    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        self.fo = Folio(engine, migrate=False)
        book = make_book(self.fo)
        made = make_ledgers(self.fo, book, "1000 asset Bank; 1200 asset Cash; 4000 revenue Sales")
        self.book_id = book.id
        self.ledgers = [made["1000"].id, made["1200"].id, made["4000"].id]
        self.debits = [0, 0, 0]
        self.credits = [0, 0, 0]
        self.booked = 0
        self.locked: set[str] = set()
        self.loop = asyncio.new_event_loop()
        self.loop_thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.loop_thread.start()

    def teardown(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.loop_thread.join(10)
        self.loop.close()

    # --------------------------------------------------------------------------- the writes

    def _write(self, spec: Spec) -> tuple[Callable[[UnitOfWork], Any], group_commit.Merge | None]:
        book_id = self.book_id
        if spec.kind == "database":

            def broken(uow: UnitOfWork) -> None:
                uow.conn.execute(text("INSERT INTO no_such_table VALUES (1)"))

            return broken, None
        debit, credit = (self.ledgers[i] for i in spec.pair)
        other = spec.amount + 1 if spec.kind == "unbalanced" else spec.amount
        lines = [
            LineInput(Side.DEBIT, spec.amount, ledger_id=debit),
            LineInput(Side.CREDIT, other, ledger_id=credit),
        ]
        year, month = (int(part) for part in spec.month.split("-"))
        actor = runner.Actor(principal_id=spec.principal)

        def command_of(_book: Any) -> EntryCreate:
            if spec.kind == "unreadable":
                raise InvalidAmount("The amount cannot be read.", {"field": "lines[0].debit"})
            return EntryCreate(date(year, month, 15), lines)

        def post(uow: UnitOfWork) -> Any:
            book = journal.posting_book(uow, book_id)
            return book, journal.post_entry(uow, book_id, command_of(book), actor)

        merge = journal.posting_merge(book_id, command_of, actor) if spec.merged else None
        return post, merge

    def _run_queued(self, writes: list[Spec]) -> list[tuple[str, Any]]:
        """Queue `writes` in order behind a held write, release them, and collect outcomes."""
        group = group_commit._group(self.engine)
        started, release, hold = _holding()

        holder = threading.Thread(
            target=lambda: group_commit.write(UnitOfWork(self.engine), hold), daemon=True
        )
        holder.start()
        assert started.wait(30)
        futures: list[Future[Any]] = []
        try:
            for index, spec in enumerate(writes):
                fn, merge = self._write(spec)
                future: Future[Any] = Future()
                if spec.way == "loop":
                    call = group_commit.write_async(UnitOfWork(self.engine), fn, merge)
                    done = asyncio.run_coroutine_threadsafe(call, self.loop)
                    done.add_done_callback(lambda d, f=future: _copy(d, f))
                else:
                    threading.Thread(
                        target=_settle_into, args=(future, fn, merge, self.engine), daemon=True
                    ).start()
                futures.append(future)
                deadline = time.monotonic() + 30
                while group.waiting() < index + 1:  # queued in this order
                    assert time.monotonic() < deadline
                    time.sleep(0.0005)
        finally:  # a failed step must not leave the writer thread held
            release.set()
            holder.join(30)
        outcomes: list[tuple[str, Any]] = []
        for future in futures:
            try:
                outcomes.append(("ok", future.result(60)))
            except Exception as exc:
                outcomes.append(("error", exc))
        return outcomes

    # ---------------------------------------------------------------------------- the rules

    @rule(writes=st.lists(specs, min_size=1, max_size=8))
    def burst(self, writes: list[Spec]) -> None:
        self._check(writes, self._run_queued(writes))

    @rule(writes=st.lists(specs, min_size=1, max_size=8))
    def loop_burst(self, writes: list[Spec]) -> None:
        """Every write of the burst awaited on the loop, whatever its `way`."""
        made = [self._write(spec) for spec in writes]

        async def run() -> list[Any]:
            calls = [group_commit.write_async(UnitOfWork(self.engine), fn, m) for fn, m in made]
            return await asyncio.gather(*calls, return_exceptions=True)

        results = asyncio.run_coroutine_threadsafe(run(), self.loop).result(60)
        self._check(
            writes, [("error", r) if isinstance(r, Exception) else ("ok", r) for r in results]
        )

    def _check(self, writes: list[Spec], outcomes: list[tuple[str, Any]]) -> None:
        """Each write's outcome is that of running the writes serially, in queue order."""
        for spec, (kind, value) in zip(writes, outcomes, strict=True):
            if spec.kind == "database":
                assert kind == "error" and isinstance(value, DBAPIError), value
            elif spec.kind == "unreadable":
                assert kind == "error" and isinstance(value, InvalidAmount), value
            elif spec.kind == "unbalanced":
                assert kind == "error" and isinstance(value, UnbalancedEntry), value
            elif spec.month in self.locked:
                assert kind == "error" and isinstance(value, PeriodLocked), value
            else:  # booked, numbered in queue order, by its own principal
                assert kind == "ok", value
                _book, entry = value
                self.booked += 1
                assert entry.journal_number == self.booked
                assert entry.created_by == spec.principal
                assert [line.amount for line in entry.lines] == [spec.amount, spec.amount]
                debit, credit = spec.pair
                self.debits[debit] += spec.amount
                self.credits[credit] += spec.amount

    @rule(month=st.sampled_from(MONTHS))
    def lock_or_reopen(self, month: str) -> None:
        action = PeriodAction.REOPEN if month in self.locked else PeriodAction.SOFT_LOCK
        self.fo.write(
            lambda uow: periods.change_period(uow, self.book_id, month, action, runner.SYSTEM)
        )
        self.locked ^= {month}

    # ----------------------------------------------------------------------- the invariants

    @invariant()
    def totals_chain_and_numbers_are_those_of_a_serial_run(self) -> None:
        for index, ledger_id in enumerate(self.ledgers):
            ledger = self.fo.ledger(self.book_id, ledger_id)
            assert (ledger.debits_posted, ledger.credits_posted) == (
                self.debits[index], self.credits[index],
            )  # fmt: skip
        verified = self.fo.verify(self.book_id)
        assert verified.ok, verified
        with self.engine.connect() as conn:
            numbers = conn.execute(
                text("SELECT journal_number FROM journal_entries WHERE book_id = :b ORDER BY 1"),
                {"b": self.book_id},
            ).scalars()
            assert list(numbers) == list(range(1, self.booked + 1))


def _copy(done: Future[Any], into: Future[Any]) -> None:
    error = done.exception()
    if error is not None:
        into.set_exception(error)
    else:
        into.set_result(done.result())


def _settle_into(
    future: Future[Any],
    fn: Callable[[UnitOfWork], Any],
    merge: group_commit.Merge | None,
    engine: Engine,
) -> None:
    try:
        future.set_result(group_commit.write(UnitOfWork(engine), fn, merge))
    except Exception as exc:
        future.set_exception(exc)


def test_group_commit_ends_as_a_serial_run_whatever_the_sequence(engine: Engine) -> None:
    run_state_machine_as_test(
        lambda: GroupCommitMachine(engine),
        settings=settings(
            max_examples=12,
            stateful_step_count=8,
            deadline=None,
            # no explain phase: it traces every line, and a failing run then took minutes
            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
