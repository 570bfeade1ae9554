"""Periods: soft-lock, reopen and lock months; every change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from folio.domain.errors import FiscalYearClosed
from folio.domain.periods import (
    PeriodAction,
    PeriodStatus,
    parse_period,
    period_of,
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


def list_periods(uow: UnitOfWork, book_id: str, *, through: date | None = None) -> list[Period]:
    """Every month from the entries start through `through` (default: this month), and any
    later month whose status was changed."""
    book = get_book(uow, book_id)
    changed = uow.periods.all(book_id)
    end = through or utcnow().date()
    months: list[str] = []
    year, month = book.entries_start.year, book.entries_start.month
    last = period_of(end)
    while True:
        name = f"{year:04d}-{month:02d}"
        if name > last:
            break
        months.append(name)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    names = sorted(set(months) | set(changed))
    return [Period(name, changed.get(name, PeriodStatus.OPEN)) for name in names]


def change_period(
    uow: UnitOfWork, book_id: str, period: str, action: PeriodAction, actor: Actor
) -> Period:
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
