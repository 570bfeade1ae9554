"""Group commit: a batch of writes ends as if each had run on its own, in order.

The batch runner is driven directly: which writes share a batch depends on timing otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Engine

from folio.domain.errors import InvalidInput, PeriodLocked, UnbalancedEntry
from folio.domain.journal import Entry
from folio.domain.ledgers import Side
from folio.domain.periods import PeriodAction
from folio.service import group_commit, journal, periods, runner
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.store.uow import UnitOfWork
from tests.builders import START, make_book, make_ledgers

MARCH = date(2025, 3, 10)


def _setup(engine: Engine) -> tuple[Folio, str, str, str]:
    fo = Folio(engine, migrate=False)
    book = make_book(fo)
    made = make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    return fo, book.id, made["1000"].id, made["4000"].id


def _posting(book_id: str, debit: str, credit: str, on: date, amount: int) -> Callable[..., Any]:
    lines = [LineInput(Side.DEBIT, amount, ledger_id=debit)]
    lines.append(LineInput(Side.CREDIT, amount, ledger_id=credit))
    command = EntryCreate(on, lines)
    return lambda uow: journal.post_entry(uow, book_id, command, runner.SYSTEM)


def _run(engine: Engine, *fns: Callable[..., Any]) -> list[group_commit.Job]:
    uow = UnitOfWork(engine)
    jobs = [group_commit.Job(fn, uow, lambda: None) for fn in fns]
    group_commit.run_batch(uow, jobs)
    return jobs


def _actions(fo: Folio, book_id: str) -> list[str]:
    return [event.action for event in fo.read(lambda uow: uow.audit.search(book_id, limit=100))]


def test_a_failing_write_leaves_the_others_of_its_batch_as_if_run_alone(engine: Engine) -> None:
    fo, book_id, bank, sales = _setup(engine)
    unbalanced = EntryCreate(
        START,
        [LineInput(Side.DEBIT, 5, ledger_id=bank), LineInput(Side.CREDIT, 4, ledger_id=sales)],
    )
    jobs = _run(
        engine,
        _posting(book_id, bank, sales, START, 100),
        lambda uow: journal.post_entry(uow, book_id, unbalanced, runner.SYSTEM),
        _posting(book_id, bank, sales, START, 20),
    )
    assert isinstance(jobs[1].error, UnbalancedEntry) and jobs[1].result is None
    assert [job.error for job in (jobs[0], jobs[2])] == [None, None]
    posted: list[Entry] = [jobs[0].result, jobs[2].result]
    assert [entry.journal_number for entry in posted] == [1, 2]
    assert [e.id for e in fo.entries(book_id)] == [entry.id for entry in posted]
    assert fo.ledger(book_id, bank).debits_posted == 120
    assert _actions(fo, book_id).count("journal_entry.posted") == 2
    assert fo.verify(book_id).ok


def test_a_failed_write_leaves_no_trace_for_the_next(engine: Engine) -> None:
    """A period locked by a write that then fails stays open for the writes after it."""
    fo, book_id, bank, sales = _setup(engine)

    def lock_march_then_fail(uow: UnitOfWork) -> None:
        periods.change_period(uow, book_id, "2025-03", PeriodAction.LOCK, runner.SYSTEM)
        raise InvalidInput("changed my mind")

    jobs = _run(
        engine,
        _posting(book_id, bank, sales, START, 1),
        lambda uow: journal.post_entry(uow, book_id, EntryCreate(START, []), runner.SYSTEM),
        lock_march_then_fail,  # in the second pass
        _posting(book_id, bank, sales, MARCH, 2),
    )
    assert isinstance(jobs[2].error, InvalidInput)
    assert jobs[3].error is None and jobs[3].result.date == MARCH
    assert [p.status.value for p in fo.periods(book_id) if p.period == "2025-03"] == ["open"]
    assert "period.lock" not in _actions(fo, book_id)
    assert _actions(fo, book_id).count("journal_entry.posted") == 2
    assert fo.verify(book_id).ok


def test_a_period_locked_earlier_in_the_batch_refuses_the_writes_after_it(
    engine: Engine,
) -> None:
    fo, book_id, bank, sales = _setup(engine)
    jobs = _run(
        engine,
        _posting(book_id, bank, sales, MARCH, 1),
        lambda uow: periods.change_period(
            uow, book_id, "2025-03", PeriodAction.LOCK, runner.SYSTEM
        ),
        _posting(book_id, bank, sales, MARCH, 2),
        _posting(book_id, bank, sales, START, 3),
    )
    assert jobs[0].error is None and isinstance(jobs[2].error, PeriodLocked)
    assert jobs[3].error is None
    assert [e.journal_number for e in fo.entries(book_id)] == [1, 2]
    assert fo.ledger(book_id, bank).debits_posted == 4
    assert _actions(fo, book_id) == [
        "book.created",
        "ledger.created",
        "ledger.created",
        "journal_entry.posted",
        "period.lock",
        "journal_entry.posted",
    ]
