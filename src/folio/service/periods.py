"""Periods: soft-lock, reopen and lock months; every change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from folio.domain.dates import check_day
from folio.domain.errors import FiscalYearClosed
from folio.domain.members import check_member
from folio.domain.periods import (
    PeriodAction,
    PeriodStatus,
    month_index,
    parse_period,
    period_at,
    transition,
)
from folio.service.books import get_book
from folio.service.posting import lock_book
from folio.service.runner import Actor, audit
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Period:
    period: str
    status: PeriodStatus


def list_periods(
    uow: UnitOfWork,
    book_id: str,
    *,
    through: date | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> list[Period]:
    """Every month from the entries start through `through` (default: this month), and any
    later month whose status was changed; with `after` and `limit`, one page of them.

    Only the months of the page are built: a page costs `limit`, whatever `through` is.
    """
    book = get_book(uow, book_id)
    end = check_day(through, "through") if through else utcnow().date()
    first = month_index(book.entries_start)
    if after is not None:
        first = max(first, month_index(_first_day(after)) + 1)
    count = max(0, month_index(end) - first + 1)
    if limit is not None:
        count = min(count, limit)
    changed = uow.periods.all(book_id)
    names = sorted(
        {period_at(index) for index in range(first, first + count)}
        | {name for name in changed if after is None or name > after}
    )
    if limit is not None:
        names = names[:limit]
    return [Period(name, changed.get(name, PeriodStatus.OPEN)) for name in names]


def _first_day(period: str) -> date:
    name = parse_period(period)
    return date(int(name[:4]), int(name[5:]), 1)


def change_period(
    uow: UnitOfWork, book_id: str, period: str, action: PeriodAction, actor: Actor
) -> Period:
    check_member(PeriodAction, action, "action")
    # The book row lock orders this change against postings, which check periods under it.
    book = lock_book(uow, book_id)[0]
    name = parse_period(period)
    if (
        action is PeriodAction.REOPEN
        and book.closed_through is not None
        and date.fromisoformat(f"{name}-01") <= book.closed_through
    ):
        raise FiscalYearClosed(
            f"Period {name} lies in a closed fiscal year (closed through "
            f"{book.closed_through}); reopen the fiscal year instead.",
            {"period": name, "closed_through": book.closed_through.isoformat()},
        )
    current = uow.periods.lock_row(book_id, name)
    status = transition(name, current, action)
    uow.periods.set(book_id, name, status, at=utcnow(), by=actor.principal_id)
    audit(
        uow,
        actor,
        f"period.{action.value}",
        book_id=book_id,
        target_type="period",
        target_id=name,
        details={"from": current.value, "to": status.value},
    )
    return Period(name, status)
