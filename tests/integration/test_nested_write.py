"""A write started inside a write joins the open transaction: it never waits for itself
(SQLite's one writer, PostgreSQL's book row lock), and lasts or is undone with the outer one."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from folio.domain.ledgers import Side
from folio.service import group_commit, journal, runner
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.store.uow import UnitOfWork
from tests.builders import START, make_book, make_ledgers


def _within(seconds: float, fn: Callable[[], Any]) -> Any:
    """Run `fn` on a thread and fail (rather than hang the suite) if it deadlocks."""
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append(("ok", fn()))
        except BaseException as exc:
            outcome.append(("error", exc))

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the nested write deadlocked"
    kind, value = outcome[0]
    if kind == "error":
        raise value
    return value


def _setup(fo: Folio) -> tuple[str, EntryCreate]:
    book = make_book(fo)
    made = make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    lines = [
        LineInput(Side.DEBIT, 7, ledger_id=made["1000"].id),
        LineInput(Side.CREDIT, 7, ledger_id=made["4000"].id),
    ]
    return book.id, EntryCreate(START, lines)


@pytest.mark.parametrize("inner", ["runner", "group_commit", "facade"])
def test_a_write_inside_a_write_joins_it(fo: Folio, engine: Engine, inner: str) -> None:
    book_id, command = _setup(fo)

    def post(uow: UnitOfWork) -> Any:
        return journal.post_entry(uow, book_id, command, runner.SYSTEM)

    def nested(uow: UnitOfWork) -> tuple[Any, Any]:
        first = post(uow)
        if inner == "facade":
            second = fo.post_entry(book_id, command)
        else:
            writer = runner.write if inner == "runner" else group_commit.write
            second = writer(UnitOfWork(engine), post)
        return first, second

    first, second = _within(20, lambda: runner.write(UnitOfWork(engine), nested))
    assert (first.journal_number, second.journal_number) == (1, 2)
    assert [e.journal_number for e in fo.entries(book_id)] == [1, 2]
    assert fo.verify(book_id).ok


def test_a_nested_write_is_undone_with_the_outer_one(fo: Folio, engine: Engine) -> None:
    book_id, command = _setup(fo)

    def nested_then_fail(uow: UnitOfWork) -> None:
        fo.post_entry(book_id, command)
        raise RuntimeError("the outer write fails after the inner one returned")

    with pytest.raises(RuntimeError):
        _within(20, lambda: runner.write(UnitOfWork(engine), nested_then_fail))
    assert fo.entries(book_id) == []
    assert fo.verify(book_id).ok
