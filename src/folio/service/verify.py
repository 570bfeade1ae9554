"""Verify a book: recompute the hash chain and every running total from the lines.

Reports the first break in journal order, and then the first ledger whose totals disagree.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from folio.domain.journal import GENESIS_HASH, entry_hash, hash_header, hash_line
from folio.service.books import get_book
from folio.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    entries_checked: int
    problem: dict[str, Any] | None = field(default=None)


def verify_book(uow: UnitOfWork, book_id: str) -> VerifyResult:
    get_book(uow, book_id)
    expected_prev = GENESIS_HASH
    expected_number = 0
    checked = 0
    ledger_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    daily: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    monthly: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row, lines in uow.journal.stream(book_id):
        expected_number += 1
        where = {"journal_number": row.journal_number, "entry_id": row.entry_id}
        if row.journal_number != expected_number:
            return _broken(checked, "journal_number_gap", where, expected=expected_number)
        if row.prev_hash != expected_prev:
            return _broken(checked, "chain_broken", where, expected=expected_prev)
        header = hash_header(
            entry_id=row.entry_id,
            book_id=row.book_id,
            journal_number=row.journal_number,
            entry_date=row.date,
            created_at=row.created_at,
            description=row.description,
            kind=row.kind,
            is_opening_balance=bool(row.is_opening_balance),
            intent_id=row.intent_id,
            reverses_id=row.reverses_id,
            external_reference=row.external_reference,
            metadata=json.loads(row.metadata),
            created_by=row.created_by,
            modified_by=row.modified_by,
        )
        digest = entry_hash(
            expected_prev,
            header,
            [
                hash_line(
                    ln.line_id,
                    ln.ledger_id,
                    ln.side,
                    ln.amount,
                    ln.description,
                    json.loads(ln.tags),
                )
                for ln in lines
            ],
        )
        if digest != row.hash:
            return _broken(checked, "hash_mismatch", where, expected=digest, found=row.hash)
        debits = sum(ln.amount for ln in lines if ln.side == "debit")
        credits = sum(ln.amount for ln in lines if ln.side == "credit")
        if debits != credits or len(lines) < 2:
            return _broken(checked, "unbalanced_entry", where, debits=debits, credits=credits)
        for ln in lines:
            column = (0 if ln.side == "debit" else 1) + (2 if ln.is_opening_balance else 0)
            ledger_totals[ln.ledger_id][column % 2] += ln.amount
            daily[(ln.ledger_id, ln.date)][column] += ln.amount
            monthly[(ln.ledger_id, ln.date.replace(day=1))][column] += ln.amount
        expected_prev = row.hash
        checked += 1

    head_number, head_hash = uow.books.head(book_id)
    if head_number != expected_number or head_hash != expected_prev:
        return _broken(
            checked,
            "journal_head_mismatch",
            {"journal_number": head_number},
            expected=expected_number,
        )
    for ledger in uow.ledgers.search(book_id):
        found = [ledger.debits_posted, ledger.credits_posted]
        if found != ledger_totals.get(ledger.id, [0, 0]):
            return _broken(
                checked,
                "ledger_totals_mismatch",
                {"ledger_id": ledger.id, "number": ledger.number},
                expected=ledger_totals.get(ledger.id, [0, 0]),
                found=found,
            )
    for monthly_flag, computed in ((False, daily), (True, monthly)):
        recorded = uow.ledgers.recorded_period_totals(book_id, monthly=monthly_flag)
        for key in sorted(set(recorded) | set(computed)):
            want = tuple(computed.get(key, (0, 0, 0, 0)))
            if recorded.get(key, (0, 0, 0, 0)) != want:
                return _broken(
                    checked,
                    "period_totals_mismatch",
                    {"ledger_id": key[0], "period": key[1].isoformat(), "monthly": monthly_flag},
                    expected=list(want),
                    found=list(recorded.get(key, ())),
                )
    return VerifyResult(True, checked)


def _broken(checked: int, kind: str, where: dict[str, Any], **facts: Any) -> VerifyResult:
    return VerifyResult(False, checked, {"kind": kind, **where, **facts})
