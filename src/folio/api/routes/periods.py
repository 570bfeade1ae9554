from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Path, Query, Response

from folio.api.deps import Call, reads, writes
from folio.api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page
from folio.api.routes.common import BOOK, BookId, router
from folio.api.schemas.common import Day, Page
from folio.api.schemas.periods import PeriodRead
from folio.domain.periods import PeriodAction
from folio.service import periods

api = router(f"{BOOK}/periods", "periods")
PeriodName = Annotated[str, Path(max_length=7, examples=["2025-01"])]


@api.get("", response_model=Page[PeriodRead], summary="List periods")
def list_periods(
    call: Annotated[Call, reads("periods:read")],
    book_id: BookId,
    through: Annotated[
        Day | None, Query(description="List months through this day; default today.")
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[PeriodRead]:
    """Every month from the book's entries start, with its status."""
    after = decode_cursor(cursor, str)
    found = call.read(
        lambda uow: periods.list_periods(
            uow, book_id, through=through, after=after, limit=limit + 1
        )
    )
    items, next_cursor = page(found, limit, lambda period: period.period)
    return Page(data=[PeriodRead.of(period) for period in items], next_cursor=next_cursor)


def _change(action: PeriodAction) -> Callable[..., Response]:
    def change(
        call: Annotated[Call, writes("periods:write")], book_id: BookId, period: PeriodName
    ) -> Response:
        return call.write(
            lambda uow: periods.change_period(uow, book_id, period, action, call.actor),
            PeriodRead.of,
            book_id=book_id,
        )

    change.__name__ = f"period_{action.name.lower()}"
    return change


_SUMMARIES = {
    PeriodAction.SOFT_LOCK: "Soft-lock a period (it can be reopened)",
    PeriodAction.REOPEN: "Reopen a soft-locked period",
    PeriodAction.LOCK: "Lock a period for good",
}
for _action, _summary in _SUMMARIES.items():
    api.post(f"/{{period}}/{_action.value}", response_model=PeriodRead, summary=_summary)(
        _change(_action)
    )
