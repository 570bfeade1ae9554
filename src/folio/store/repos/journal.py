from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.engine import Connection

from folio.domain.journal import Entry, EntryKind, Line
from folio.domain.ledgers import Side
from folio.store.journal_writers import JournalWrite, writer_for
from folio.store.tables import entry_reversals, intent_reversals, journal_entries, journal_lines

_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class OpeningLine:
    entry_id: str
    intent_id: str
    date: date
    metadata: str
    ledger_id: str
    side: str
    amount: int
    order: tuple[int, int]


def _line(row: Any) -> Line:
    return Line(
        id=row.line_id,
        ledger_id=row.ledger_id,
        side=Side(row.side),
        amount=row.amount,
        description=row.description,
        tags=tuple(json.loads(row.tags)),
        party_id=row.party_id,
        item_id=row.item_id,
    )


def _entry(row: Any, lines: Sequence[Line], reversed_by: str | None) -> Entry:
    return Entry(
        id=row.entry_id,
        book_id=row.book_id,
        journal_number=row.journal_number,
        date=row.date,
        created_at=row.created_at,
        description=row.description,
        kind=EntryKind(row.kind),
        is_opening_balance=bool(row.is_opening_balance),
        intent_id=row.intent_id,
        reverses_id=row.reverses_id,
        external_reference=row.external_reference,
        metadata=json.loads(row.metadata),
        created_by=row.created_by,
        modified_by=row.modified_by,
        prev_hash=row.prev_hash,
        hash=row.hash,
        lines=tuple(lines),
        reversed_by_id=reversed_by,
    )


class JournalRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def write(self, batch: JournalWrite) -> None:
        """Entries and lines, the ledgers' and the period totals, and the journal head."""
        writer_for(self.conn).write(self.conn, batch)

    def link_reversal(self, book_id: str, original_id: str, reversal_id: str, at: Any) -> None:
        self.conn.execute(
            entry_reversals.insert().values(
                book_id=book_id, original_id=original_id, reversal_id=reversal_id, created_at=at
            )
        )

    def link_intent_reversal(
        self, book_id: str, intent_id: str, reversal_intent_id: str, reason: str | None, at: Any
    ) -> None:
        self.conn.execute(
            intent_reversals.insert().values(
                book_id=book_id,
                intent_id=intent_id,
                reversal_intent_id=reversal_intent_id,
                reason=reason,
                created_at=at,
            )
        )

    def intent_reversal(self, book_id: str, intent_id: str) -> str | None:
        return self.conn.execute(
            select(intent_reversals.c.reversal_intent_id).where(
                intent_reversals.c.book_id == book_id, intent_reversals.c.intent_id == intent_id
            )
        ).scalar()

    def reversed_ids(self, book_id: str, entry_ids: Sequence[str]) -> dict[str, str]:
        if not entry_ids:
            return {}
        rows = self.conn.execute(
            select(entry_reversals.c.original_id, entry_reversals.c.reversal_id).where(
                entry_reversals.c.book_id == book_id,
                entry_reversals.c.original_id.in_(list(entry_ids)),
            )
        )
        return {row.original_id: row.reversal_id for row in rows}

    def _hydrate(self, book_id: str, rows: Sequence[Row[Any]]) -> list[Entry]:
        if not rows:
            return []
        ids = [row.entry_id for row in rows]
        lines: dict[str, list[Line]] = {entry_id: [] for entry_id in ids}
        for line_row in self.conn.execute(
            select(journal_lines)
            .where(journal_lines.c.book_id == book_id, journal_lines.c.entry_id.in_(ids))
            .order_by(journal_lines.c.entry_id, journal_lines.c.line_no)
        ):
            lines[line_row.entry_id].append(_line(line_row))
        reversed_by = self.reversed_ids(book_id, ids)
        return [_entry(row, lines[row.entry_id], reversed_by.get(row.entry_id)) for row in rows]

    def get(self, book_id: str, entry_id: str) -> Entry | None:
        row = self.conn.execute(
            select(journal_entries).where(
                journal_entries.c.book_id == book_id, journal_entries.c.entry_id == entry_id
            )
        ).first()
        return self._hydrate(book_id, [row])[0] if row else None

    def many(self, book_id: str, entry_ids: Sequence[str]) -> list[Entry]:
        """The named entries, in journal order."""
        found: list[Entry] = []
        for start in range(0, len(entry_ids), _CHUNK):
            rows = self.conn.execute(
                select(journal_entries).where(
                    journal_entries.c.book_id == book_id,
                    journal_entries.c.entry_id.in_(list(entry_ids[start : start + _CHUNK])),
                )
            ).all()
            found += self._hydrate(book_id, rows)
        return sorted(found, key=lambda entry: entry.journal_number)

    def of_intent(self, book_id: str, intent_id: str) -> list[Entry]:
        rows = self.conn.execute(
            select(journal_entries)
            .where(journal_entries.c.book_id == book_id, journal_entries.c.intent_id == intent_id)
            .order_by(journal_entries.c.journal_number)
        ).all()
        return self._hydrate(book_id, rows)

    def search(
        self,
        book_id: str,
        *,
        ledger_id: str | None = None,
        intent_id: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        opening_balance: bool | None = None,
        text: str | None = None,
        external_reference: str | None = None,
        after_number: int | None = None,
        limit: int = 50,
    ) -> list[Entry]:
        """`text` is found anywhere in the description or the external reference, ignoring
        case (ASCII case on SQLite), scanning the book's entries in journal order until `limit`
        match; `external_reference` is matched exactly, through its index."""
        query = (
            select(journal_entries)
            .where(journal_entries.c.book_id == book_id)
            .order_by(journal_entries.c.journal_number)
            .limit(limit)
        )
        if ledger_id is not None:
            query = query.where(
                journal_entries.c.entry_id.in_(
                    select(journal_lines.c.entry_id).where(
                        journal_lines.c.book_id == book_id, journal_lines.c.ledger_id == ledger_id
                    )
                )
            )
        if intent_id is not None:
            query = query.where(journal_entries.c.intent_id == intent_id)
        if date_from is not None:
            query = query.where(journal_entries.c.date >= date_from)
        if date_to is not None:
            query = query.where(journal_entries.c.date <= date_to)
        if opening_balance is not None:
            query = query.where(journal_entries.c.is_opening_balance.is_(opening_balance))
        if text:
            query = query.where(
                or_(
                    journal_entries.c.description.icontains(text, autoescape=True),
                    journal_entries.c.external_reference.icontains(text, autoescape=True),
                )
            )
        if external_reference is not None:
            query = query.where(journal_entries.c.external_reference == external_reference)
        if after_number is not None:
            query = query.where(journal_entries.c.journal_number > after_number)
        return self._hydrate(book_id, self.conn.execute(query).all())

    def live_opening_lines(
        self,
        book_id: str,
        *,
        on: date | None = None,
        ledger_ids: Sequence[str] | None = None,
    ) -> list[OpeningLine]:
        """Lines of opening-balance entries that are neither reversals nor reversed.

        Index lookups only (entries by date or lines by ledger, then by primary key), so the
        cost follows the matching entries whatever plan the database picks for a young table.
        """
        e, ln = journal_entries, journal_lines
        if ledger_ids is not None:
            query = select(ln.c.entry_id).where(
                ln.c.book_id == book_id,
                ln.c.ledger_id.in_(list(ledger_ids)),
                ln.c.is_opening_balance.is_(True),
            )
            if on is not None:
                query = query.where(ln.c.date == on)
        else:
            query = select(e.c.entry_id).where(
                e.c.book_id == book_id, e.c.is_opening_balance.is_(True)
            )
            if on is not None:
                query = query.where(e.c.date == on)
        candidates = sorted({row.entry_id for row in self.conn.execute(query)})
        found: list[OpeningLine] = []
        for start in range(0, len(candidates), _CHUNK):
            chunk = candidates[start : start + _CHUNK]
            reversed_ = self.reversed_ids(book_id, chunk)
            heads = {
                row.entry_id: row
                for row in self.conn.execute(
                    select(
                        e.c.entry_id, e.c.intent_id, e.c.date, e.c.metadata, e.c.journal_number
                    ).where(
                        e.c.book_id == book_id,
                        e.c.entry_id.in_(chunk),
                        e.c.kind == "opening_balance",
                    )
                )
                if row.entry_id not in reversed_
            }
            if not heads:
                continue
            for line in self.conn.execute(
                select(ln.c.entry_id, ln.c.ledger_id, ln.c.side, ln.c.amount, ln.c.line_no).where(
                    ln.c.book_id == book_id, ln.c.entry_id.in_(list(heads))
                )
            ):
                head = heads[line.entry_id]
                found.append(
                    OpeningLine(
                        head.entry_id,
                        head.intent_id,
                        head.date,
                        head.metadata,
                        line.ledger_id,
                        line.side,
                        line.amount,
                        (head.journal_number, line.line_no),
                    )
                )
        found.sort(key=lambda item: item.order)
        return found

    def stream(self, book_id: str, batch: int = 2000) -> Iterator[tuple[Row[Any], list[Row[Any]]]]:
        """Every entry with its raw line rows in journal order, a batch at a time. Lines are
        found by their entry's id, so a line whose copied journal number was altered still
        comes with its entry (verify compares the copies)."""
        after = 0
        while True:
            rows = self.conn.execute(
                select(journal_entries)
                .where(
                    journal_entries.c.book_id == book_id,
                    journal_entries.c.journal_number > after,
                )
                .order_by(journal_entries.c.journal_number)
                .limit(batch)
            ).all()
            if not rows:
                return
            yield from self._with_lines(book_id, rows)
            after = rows[-1].journal_number

    def stream_dated(
        self, book_id: str, first: date, last: date, batch: int = 2000
    ) -> Iterator[tuple[Row[Any], list[Row[Any]]]]:
        """Every entry dated `first` to `last` with its line rows, by date and journal number,
        a batch at a time (keyset on both, so each batch is one index range)."""
        entries = journal_entries.c
        after: tuple[date, int] | None = None
        while True:
            query = select(journal_entries).where(
                entries.book_id == book_id, entries.date >= first, entries.date <= last
            )
            if after is not None:
                query = query.where(
                    or_(
                        entries.date > after[0],
                        and_(entries.date == after[0], entries.journal_number > after[1]),
                    )
                )
            rows = self.conn.execute(
                query.order_by(entries.date, entries.journal_number).limit(batch)
            ).all()
            if not rows:
                return
            yield from self._with_lines(book_id, rows)
            after = (rows[-1].date, rows[-1].journal_number)

    def _with_lines(
        self, book_id: str, rows: Sequence[Row[Any]]
    ) -> Iterator[tuple[Row[Any], list[Row[Any]]]]:
        """Each entry row with its line rows, the lines of all of them read in one query."""
        by_entry: dict[str, list[Row[Any]]] = {row.entry_id: [] for row in rows}
        for line in self.conn.execute(
            select(journal_lines)
            .where(
                journal_lines.c.book_id == book_id,
                journal_lines.c.entry_id.in_(list(by_entry)),
            )
            .order_by(journal_lines.c.entry_id, journal_lines.c.line_no)
        ):
            by_entry[line.entry_id].append(line)
        for row in rows:
            yield row, by_entry[row.entry_id]

    def line_count(self, book_id: str) -> int:
        return int(
            self.conn.execute(
                select(func.count())
                .select_from(journal_lines)
                .where(journal_lines.c.book_id == book_id)
            ).scalar_one()
        )

    def orphan_line(self, book_id: str) -> tuple[str, str] | None:
        """(line id, entry id) of a line of the book whose entry is not in the book (only a
        hand edit makes one)."""
        entries = journal_entries
        row = self.conn.execute(
            select(journal_lines.c.line_id, journal_lines.c.entry_id)
            .where(
                journal_lines.c.book_id == book_id,
                ~select(entries.c.entry_id)
                .where(
                    entries.c.book_id == journal_lines.c.book_id,
                    entries.c.entry_id == journal_lines.c.entry_id,
                )
                .exists(),
            )
            .limit(1)
        ).first()
        return (row.line_id, row.entry_id) if row else None

    def last_date(self, book_id: str) -> date | None:
        """The latest accounting date in the book's journal."""
        value: date | None = self.conn.execute(
            select(func.max(journal_entries.c.date)).where(journal_entries.c.book_id == book_id)
        ).scalar()
        return value

    def posted_after(
        self, book_id: str, number: int, through: date
    ) -> list[tuple[str, int, date, str]]:
        """(entry id, journal number, date, ledger id) of every line posted after journal
        number `number` and dated on or before `through`: what changed a closed year."""
        lines = journal_lines
        rows = self.conn.execute(
            select(lines.c.entry_id, lines.c.journal_number, lines.c.date, lines.c.ledger_id)
            .where(
                lines.c.book_id == book_id,
                lines.c.journal_number > number,
                lines.c.date <= through,
            )
            .order_by(lines.c.journal_number, lines.c.line_no)
        )
        return [(r.entry_id, r.journal_number, r.date, r.ledger_id) for r in rows]
