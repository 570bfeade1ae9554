"""Opening balances of many ledgers in one call, as Mercury Books (on Teal) sets them.

Each item replaces one ledger's opening balance by the one rule for it
(`opening_balances.set_read_ledger`, which `set_ledger_opening` runs for one ledger), in order,
in one transaction, on what `read_openings` read once for all the items (about half the
statements of setting them one by one); an item it refuses gets its error and the
others are set (HTTP 200, a result per item). A refusal is decided before its item posts
anything, so no savepoint is needed; that is checked, not assumed: an item refused after
its entries were written would fail the whole call (nothing of it lasts) rather than leave
half of itself behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from folio.domain.errors import FolioError, InvalidInput
from folio.domain.money import check_minor
from folio.service.opening_balances import read_openings, set_read_ledger
from folio.service.opening_state import LedgerOpening
from folio.service.posting import lock_book
from folio.service.runner import Actor
from folio.store.uow import UnitOfWork

MAX_ITEMS = 100


@dataclass(frozen=True, slots=True)
class OpeningItem:
    """One ledger's new opening balance (minor units, signed on its normal side), or why the
    caller could not read it (an amount the book's currency cannot hold)."""

    ledger_id: str
    amount: int | FolioError


def set_ledger_openings(
    uow: UnitOfWork, book_id: str, items: Sequence[OpeningItem], actor: Actor
) -> list[LedgerOpening | FolioError]:
    """Set each item's ledger's opening balance, in order; per item, the result or its error."""
    if not 0 < len(items) <= MAX_ITEMS:
        raise InvalidInput(
            f"Give 1 to {MAX_ITEMS} balances.", {"field": "balances", "count": len(items)}
        )
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.ledger_id in seen:
            raise InvalidInput(
                f"Ledger {item.ledger_id} appears twice (balances[{seen[item.ledger_id]}] and "
                f"balances[{index}]); each ledger at most once per call.",
                {"field": f"balances[{index}].ledger_id", "ledger_id": item.ledger_id},
            )
        seen[item.ledger_id] = index
    lock_book(uow, book_id)  # an unknown book is the call's error, not each item's
    read = read_openings(
        uow,
        book_id,
        [(i.ledger_id, i.amount) for i in items if not isinstance(i.amount, FolioError)],
    )
    outcomes: list[LedgerOpening | FolioError] = []
    for index, item in enumerate(items):
        if isinstance(item.amount, FolioError):
            outcomes.append(item.amount)
            continue
        head = uow.books.lock_head(book_id)
        try:
            check_minor(item.amount)
            outcomes.append(set_read_ledger(uow, read, item.ledger_id, item.amount, actor))
        except FolioError as exc:
            if uow.books.lock_head(book_id) != head:
                raise RuntimeError(
                    f"balances[{index}] was refused after posting: the call is rolled back"
                ) from exc
            outcomes.append(exc)
    return outcomes
