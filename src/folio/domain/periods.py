"""Accounting periods: calendar months of the accounting date, open → soft_locked → locked."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from folio.domain.dates import MAX_DATE, MIN_DATE
from folio.domain.errors import InvalidPeriod, InvalidPeriodTransition

_PERIOD = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])\Z")


class PeriodStatus(StrEnum):
    OPEN = "open"
    SOFT_LOCKED = "soft_locked"
    LOCKED = "locked"


class PeriodAction(StrEnum):
    SOFT_LOCK = "soft-lock"
    REOPEN = "reopen"
    LOCK = "lock"


_TRANSITIONS: dict[PeriodAction, dict[PeriodStatus, PeriodStatus]] = {
    PeriodAction.SOFT_LOCK: {PeriodStatus.OPEN: PeriodStatus.SOFT_LOCKED},
    PeriodAction.REOPEN: {PeriodStatus.SOFT_LOCKED: PeriodStatus.OPEN},
    PeriodAction.LOCK: {
        PeriodStatus.OPEN: PeriodStatus.LOCKED,
        PeriodStatus.SOFT_LOCKED: PeriodStatus.LOCKED,
    },
}


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_period(text: str) -> str:
    """A month written YYYY-MM within the dates Folio accepts (so names sort as months)."""
    if not isinstance(text, str) or not _PERIOD.match(text):
        raise InvalidPeriod(
            f"{text!r} is not a period; write a month as YYYY-MM.", {"period": text}
        )
    if not period_of(MIN_DATE) <= text <= period_of(MAX_DATE):
        raise InvalidPeriod(
            f"{text} is outside the months Folio accepts "
            f"({period_of(MIN_DATE)} to {period_of(MAX_DATE)}).",
            {"period": text},
        )
    return text


def month_index(day: date) -> int:
    """Months since year 0: consecutive months have consecutive indexes."""
    return day.year * 12 + day.month - 1


def period_at(index: int) -> str:
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def transition(period: str, current: PeriodStatus, action: PeriodAction) -> PeriodStatus:
    target = _TRANSITIONS[action].get(current)
    if target is None:
        why = (
            "it is locked for good" if current is PeriodStatus.LOCKED else f"it is {current.value}"
        )
        raise InvalidPeriodTransition(
            f"Period {period} cannot {action.value}: {why}.",
            {"period": period, "status": current.value, "action": action.value},
        )
    return target


def month_start(day: date) -> date:
    return day.replace(day=1)
