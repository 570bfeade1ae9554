"""Verify a book: recompute the hash chain, every value a line copies from its entry, every
totals table, and who owns each opening balance, from the journal itself.

Reports the first break in journal order, then the first disagreement of the journal head, the
lines, the ledger totals, the daily and monthly totals and the opening-balance owners. A finding
names the entry (or ledger) and what differs; it never shows the hash an entry should have, which
would only help someone rewrite the chain.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from folio.domain.fiscal_years import closing_hash, fiscal_year
from folio.domain.journal import GENESIS_HASH, entry_hash, hash_header, hash_line
from folio.domain.opening_balances import CARRY_FORWARD_SUBTYPE, SYSTEM_ROLES
from folio.service.books import get_book
from folio.service.fiscal_years import figures
from folio.store.uow import UnitOfWork

Problem = dict[str, Any]
# What a line copies from its entry, so per-ledger reads need no join.
_COPIED = ("date", "journal_number", "is_opening_balance")


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    entries_checked: int
    problem: Problem | None = field(default=None)


@dataclass
class _Journal:
    """What the walk through the journal computed: the chain's end, totals and openings."""

    checked: int = 0
    lines: int = 0
    number: int = 0
    last_hash: str = GENESIS_HASH
    ledgers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    daily: dict[tuple[str, date], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0])
    )
    monthly: dict[tuple[str, date], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0])
    )
    # Opening-balance entries (not their reversals): entry id -> the ledgers on its lines.
    openings: dict[str, set[str]] = field(default_factory=dict)

    def walk(self, row: Any, lines: list[Any]) -> Problem | None:
        self.number += 1
        where = {"journal_number": row.journal_number, "entry_id": row.entry_id}
        if row.journal_number != self.number:
            return {"kind": "journal_number_gap", **where, "missing": self.number}
        if row.prev_hash != self.last_hash:
            return {"kind": "chain_broken", **where}
        if _hash(row, lines) != row.hash:
            return {"kind": "hash_mismatch", **where}
        debits = sum(ln.amount for ln in lines if ln.side == "debit")
        credits = sum(ln.amount for ln in lines if ln.side == "credit")
        if debits != credits or len(lines) < 2:
            return {"kind": "unbalanced_entry", **where, "debits": debits, "credits": credits}
        for ln in lines:
            for name in _COPIED:
                if getattr(ln, name) != getattr(row, name):
                    return {
                        "kind": "line_mismatch",
                        **where,
                        "line_id": ln.line_id,
                        "field": name,
                        "entry": _plain(getattr(row, name)),
                        "line": _plain(getattr(ln, name)),
                    }
            column = (0 if ln.side == "debit" else 1) + (2 if ln.is_opening_balance else 0)
            self.ledgers[ln.ledger_id][column % 2] += ln.amount
            self.daily[(ln.ledger_id, ln.date)][column] += ln.amount
            self.monthly[(ln.ledger_id, ln.date.replace(day=1))][column] += ln.amount
        if row.kind == "opening_balance":
            self.openings[row.entry_id] = {ln.ledger_id for ln in lines}
        self.last_hash = row.hash
        self.checked += 1
        self.lines += len(lines)
        return None


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _hash(row: Any, lines: list[Any]) -> str:
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
    return entry_hash(
        row.prev_hash,
        header,
        [
            hash_line(ln.line_id, ln.ledger_id, ln.side, ln.amount, ln.description,
                      json.loads(ln.tags), ln.party_id, ln.item_id)
            for ln in lines
        ],
    )  # fmt: skip


def verify_book(uow: UnitOfWork, book_id: str) -> VerifyResult:
    get_book(uow, book_id)
    journal = _Journal()
    for row, lines in uow.journal.stream(book_id):
        problem = journal.walk(row, lines)
        if problem is not None:
            return VerifyResult(False, journal.checked, problem)
    checks: tuple[Callable[[UnitOfWork, str, _Journal], Problem | None], ...] = (
        _head,
        _orphans,
        _ledger_totals,
        _period_totals,
        _opening_owners,
        _closings,
    )
    for check in checks:
        problem = check(uow, book_id, journal)
        if problem is not None:
            return VerifyResult(False, journal.checked, problem)
    return VerifyResult(True, journal.checked)


def _head(uow: UnitOfWork, book_id: str, journal: _Journal) -> Problem | None:
    number, last_hash = uow.books.head(book_id)
    if number != journal.number or last_hash != journal.last_hash:
        return {
            "kind": "journal_head_mismatch",
            "journal_number": number,
            "entries": journal.number,
        }
    return None


def _orphans(uow: UnitOfWork, book_id: str, journal: _Journal) -> Problem | None:
    if uow.journal.line_count(book_id) == journal.lines:
        return None
    orphan = uow.journal.orphan_line(book_id)
    if orphan is None:  # pragma: no cover - a count that differs has a line to show
        return {"kind": "orphan_line"}
    return {"kind": "orphan_line", "line_id": orphan[0], "entry_id": orphan[1]}


def _ledger_totals(uow: UnitOfWork, book_id: str, journal: _Journal) -> Problem | None:
    for ledger in uow.ledgers.search(book_id):
        found = [ledger.debits_posted, ledger.credits_posted]
        expected = journal.ledgers.get(ledger.id, [0, 0])
        if found != expected:
            return {
                "kind": "ledger_totals_mismatch",
                "ledger_id": ledger.id,
                "number": ledger.number,
                "expected": expected,
                "found": found,
            }
    return None


def _period_totals(uow: UnitOfWork, book_id: str, journal: _Journal) -> Problem | None:
    for monthly, computed in ((False, journal.daily), (True, journal.monthly)):
        recorded = uow.ledgers.recorded_period_totals(book_id, monthly=monthly)
        for key in sorted(set(recorded) | set(computed)):
            want = tuple(computed.get(key, (0, 0, 0, 0)))
            if recorded.get(key, (0, 0, 0, 0)) != want:
                return {
                    "kind": "period_totals_mismatch",
                    "ledger_id": key[0],
                    "period": key[1].isoformat(),
                    "monthly": monthly,
                    "expected": list(want),
                    "found": list(recorded.get(key, ())),
                }
    return None


def _opening_owners(uow: UnitOfWork, book_id: str, journal: _Journal) -> Problem | None:
    """Each opening-balance entry owns each of its ledgers but the carry-forward ones; a row is
    live exactly while its entry is not reversed; no ledger has two live owners."""
    system = {
        ledger.id
        for ledger in uow.ledgers.search(book_id)
        if ledger.subtype == CARRY_FORWARD_SUBTYPE or ledger.role in SYSTEM_ROLES
    }
    ids = sorted(journal.openings)
    reversed_by: dict[str, str] = {}
    for start in range(0, len(ids), 1000):
        reversed_by |= uow.journal.reversed_ids(book_id, ids[start : start + 1000])
    rows = {(owner.entry_id, owner.ledger_id): owner for owner in uow.openings.every(book_id)}
    live: dict[str, str] = {}
    for (entry_id, ledger_id), owner in rows.items():
        where = {"entry_id": entry_id, "ledger_id": ledger_id}
        if ledger_id not in journal.openings.get(entry_id, ()) or ledger_id in system:
            return {"kind": "opening_owner_mismatch", **where, "reason": "no such opening line"}
        if owner.released_by != reversed_by.get(entry_id):
            return {"kind": "opening_owner_mismatch", **where, "reason": "released wrongly"}
        if owner.released_by is None:
            if ledger_id in live:
                return {
                    "kind": "opening_owner_duplicate",
                    "ledger_id": ledger_id,
                    "entry_ids": sorted([live[ledger_id], entry_id]),
                }
            live[ledger_id] = entry_id
    for entry_id in ids:
        for ledger_id in sorted(journal.openings[entry_id] - system):
            if (entry_id, ledger_id) not in rows:
                return {
                    "kind": "opening_owner_missing",
                    "entry_id": entry_id,
                    "ledger_id": ledger_id,
                }
    return None


def _closings(uow: UnitOfWork, book_id: str, journal: _Journal) -> Problem | None:
    """Each year-end close's hash and its place in the chain of closes; a year closed now still
    has the closing balances and result it recorded; the book's `closed_through` is the last
    day of its newest closed year."""
    book = get_book(uow, book_id)
    prev_hash, live_through = GENESIS_HASH, None
    for seq, closing in enumerate(uow.closings.of_book(book_id), start=1):
        where = {"year": closing.year, "closing_id": closing.id}
        if closing.seq != seq or closing.prev_hash != prev_hash:
            return {"kind": "closing_chain_broken", **where}
        if closing_hash(closing) != closing.hash:
            return {"kind": "closing_hash_mismatch", **where}
        prev_hash = closing.hash
        if not closing.live:
            continue
        live_through = max(live_through or closing.last_day, closing.last_day)
        now = figures(uow, book, fiscal_year(book, closing.year))
        if now.result != closing.result:
            return {"kind": "closing_mismatch", **where, "result": [closing.result, now.result]}
        for ledger_id in sorted(set(now.closing) | set(closing.balances)):
            recorded, found = closing.balances.get(ledger_id, 0), now.closing.get(ledger_id, 0)
            if recorded != found:
                return {
                    "kind": "closing_mismatch",
                    **where,
                    "ledger_id": ledger_id,
                    "recorded": recorded,
                    "found": found,
                }
    if book.closed_through != live_through:
        return {
            "kind": "closed_through_mismatch",
            "closed_through": book.closed_through.isoformat() if book.closed_through else None,
            "newest_closed_year_ends": live_through.isoformat() if live_through else None,
        }
    return None
