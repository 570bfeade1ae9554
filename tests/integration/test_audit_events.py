"""The audit log's store: events written at commit, in order, read back exactly as recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine

from folio.store.uow import UnitOfWork

BERLIN_SUMMER = timezone(timedelta(hours=2))


def _record(uow: UnitOfWork, book_id: str | None, at: datetime, number: int) -> None:
    uow.audit.record(
        book_id=book_id, at=at, actor="key_1", modified_by="Anna Schmidt",
        action="journal_entries.posted", target_type="journal_entry", target_id=f"je_{number}",
        request_id=f"req_{number}", details={"journal_number": number, "amount": "12.30"},
    )  # fmt: skip


def test_events_are_numbered_per_book_in_order_and_read_back_exactly(engine: Engine) -> None:
    at = datetime(2026, 3, 29, 1, 59, 59, 999_999, tzinfo=BERLIN_SUMMER)
    with UnitOfWork(engine) as uow:
        for number in range(3):  # one flush at commit writes all three, in one statement
            _record(uow, "bk_a", at + timedelta(microseconds=number), number)
        _record(uow, None, at, 9)  # an event of no book: seq counts on its own
        uow.commit()
    with UnitOfWork(engine) as uow:
        _record(uow, "bk_a", at, 3)
        _record(uow, "bk_b", at, 4)
        uow.commit()
    with UnitOfWork(engine, write=False) as uow:
        events = uow.audit.search("bk_a")
        other, none = uow.audit.search("bk_b"), uow.audit.search("")
    assert [(e.seq, e.target_id, e.request_id) for e in events] == [
        (1, "je_0", "req_0"), (2, "je_1", "req_1"), (3, "je_2", "req_2"), (4, "je_3", "req_3"),
    ]  # fmt: skip
    assert [(e.seq, e.book_id) for e in other] == [(1, "bk_b")]
    assert [(e.seq, e.book_id, e.target_id) for e in none] == [(1, None, "je_9")]
    first = events[1]
    assert first.occurred_at == datetime(2026, 3, 28, 23, 59, 59, 999_999, tzinfo=UTC) + (
        timedelta(microseconds=1)
    )
    assert first.occurred_at.tzinfo is not None and first.occurred_at.utcoffset() == timedelta(0)
    assert (first.actor, first.modified_by, first.action, first.target_type) == (
        "key_1", "Anna Schmidt", "journal_entries.posted", "journal_entry",
    )  # fmt: skip
    assert first.details == {"journal_number": 1, "amount": "12.30"}
    assert len({e.id for e in events}) == 4


def test_a_naive_time_is_refused_and_nothing_is_written(engine: Engine) -> None:
    with UnitOfWork(engine) as uow, pytest.raises(ValueError, match="naive datetimes"):
        _record(uow, "bk_a", datetime(2026, 1, 1, 12, 0), 1)
    with UnitOfWork(engine, write=False) as uow:
        assert uow.audit.search("bk_a") == []
