"""Invariants under random sequences of postings and reversals, on both engines."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from folio.domain.errors import FolioError
from folio.domain.journal import PostingMode
from folio.domain.ledgers import Side
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.store.tables import journal_lines
from tests.builders import START, make_book, make_ledgers

NUMBERS = ["1000", "1200", "1400", "3000", "3300", "4000", "6000", "7000"]
SPEC = (
    "1000 asset Bank; 1200 asset Receivables; 1400 asset Tax; 3000 liability Loans; "
    "3300 liability Payables; 4000 revenue Sales; 6000 expense Wages; 7000 equity Capital"
)

post_step = st.tuples(
    st.just("post"),
    st.lists(st.tuples(st.sampled_from(NUMBERS), st.integers(1, 10**9)), min_size=1, max_size=4),
    st.integers(0, 400),
)
reverse_step = st.tuples(st.just("reverse"), st.integers(0, 10**6), st.booleans())
steps = st.lists(st.one_of(post_step, post_step, reverse_step), min_size=1, max_size=12)


def check_invariants(engine: Engine, fo: Folio, book_id: str) -> None:
    ledgers = fo.ledgers(book_id)
    assert sum(lg.debits_posted for lg in ledgers) == sum(lg.credits_posted for lg in ledgers)
    with engine.connect() as conn:
        sums = {
            (row.ledger_id, row.side): row.total
            for row in conn.execute(
                select(
                    journal_lines.c.ledger_id,
                    journal_lines.c.side,
                    func.sum(journal_lines.c.amount).label("total"),
                )
                .where(journal_lines.c.book_id == book_id)
                .group_by(journal_lines.c.ledger_id, journal_lines.c.side)
            )
        }
    for lg in ledgers:
        assert lg.debits_posted == sums.get((lg.id, "debit"), 0)
        assert lg.credits_posted == sums.get((lg.id, "credit"), 0)
    result = fo.verify(book_id)
    assert result.ok, result.problem


@settings(max_examples=15)
@given(data=steps)
def test_random_postings_and_reversals_keep_the_books_whole(engine: Engine, data) -> None:
    fo = Folio(engine, migrate=False)
    book = make_book(fo)
    make_ledgers(fo, book, SPEC)
    posted: list[str] = []
    for step in data:
        try:
            if step[0] == "post":
                _, debits, offset = step
                total = sum(amount for _, amount in debits)
                lines = [LineInput(Side.DEBIT, amount, ledger_number=n) for n, amount in debits]
                lines.append(LineInput(Side.CREDIT, total, ledger_number=NUMBERS[offset % 8]))
                entry = fo.post_entry(book.id, EntryCreate(START + timedelta(days=offset), lines))
                posted.append(entry.id)
            elif posted:
                _, pick, original = step
                mode = PostingMode.ORIGINAL_PERIOD if original else PostingMode.CURRENT_PERIOD
                fo.reverse_entry(
                    book.id, posted[pick % len(posted)], mode=mode, on=date(2026, 1, 1)
                )
        except FolioError as exc:
            assert exc.code == "ALREADY_REVERSED"
        check_invariants(engine, fo, book.id)
