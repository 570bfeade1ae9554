"""Group commit: a batch of writes ends as if each had run on its own, in order.

The batch runner is driven directly: which writes share a batch depends on timing otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from folio.domain.errors import FolioError, InvalidInput, PeriodLocked, UnbalancedEntry
from folio.domain.journal import Entry
from folio.domain.ledgers import Side
from folio.domain.periods import PeriodAction
from folio.service import group_commit, journal, periods, runner
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.store.uow import UnitOfWork
from tests.builders import START, make_book, make_ledgers, seen_and_rolled_back

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


_KINDS = st.sampled_from(["ok", "ok", "big", "big", "unbalanced", "locked", "early", "unknown"])


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(kinds=st.lists(_KINDS, min_size=1, max_size=12), amounts=st.lists(st.integers(1, 999)))
def test_merged_postings_end_exactly_as_the_same_postings_one_after_another(
    engine: Engine, kinds: list[str], amounts: list[int]
) -> None:
    """`journal.post_each` (merged single postings) against `post_entry` called in turn on
    the same state: the same refusals with the same codes, messages and data, the same
    entries, the same ledger totals. Amounts near 2**63 make later entries overflow."""
    fo, book_id, bank, sales = _setup(engine)
    fo.write(
        lambda uow: periods.change_period(uow, book_id, "2025-03", PeriodAction.LOCK, runner.SYSTEM)
    )
    commands = []
    for index, kind in enumerate(kinds):
        amount = amounts[index % len(amounts)] if amounts else 5
        amount = 5 * 10**18 if kind == "big" else amount
        day = {"locked": date(2025, 3, 9), "early": date(2024, 12, 31)}.get(kind, START)
        debit = "ldg_unknown" if kind == "unknown" else bank
        lines = [
            LineInput(Side.DEBIT, amount, ledger_id=debit),
            LineInput(Side.CREDIT, amount + (kind == "unbalanced"), ledger_id=sales),
        ]
        commands.append(EntryCreate(day, lines, description=f"n{index}"))

    def seen(uow: UnitOfWork, outcomes: list[Any]) -> list[Any]:
        totals = {
            lid: (lg.debits_posted, lg.credits_posted)
            for lid, lg in uow.ledgers.many(book_id, {bank, sales}).items()
        }
        return [_shape(o) for o in outcomes] + [totals]

    def serially(uow: UnitOfWork) -> list[Any]:
        outcomes: list[Any] = []
        for command in commands:
            try:
                outcomes.append(journal.post_entry(uow, book_id, command, runner.SYSTEM))
            except FolioError as exc:
                outcomes.append(exc)
        return seen(uow, outcomes)

    def merged(uow: UnitOfWork) -> list[Any]:
        items = [(lambda _book, c=c: c, runner.SYSTEM) for c in commands]
        outcomes = [
            o if isinstance(o, Exception) else o[1] for o in journal.post_each(uow, book_id, items)
        ]
        return seen(uow, outcomes)

    serial, merged_run = seen_and_rolled_back(fo, serially, merged)
    assert serial == merged_run
    assert fo.verify(book_id).ok


def _shape(outcome: Any) -> Any:
    """What two runs must share: an error's class, message and data; an entry's number, date,
    description and lines (ids are new each run)."""
    if isinstance(outcome, Exception):
        return type(outcome).__name__, str(outcome), getattr(outcome, "data", None)
    assert isinstance(outcome, Entry)
    lines = [(ln.ledger_id, ln.side, ln.amount) for ln in outcome.lines]
    return outcome.journal_number, outcome.date, outcome.description, lines
